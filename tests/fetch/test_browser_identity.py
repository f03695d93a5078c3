"""The browser contexts a crawl opens are the same client as its Scrapy requests."""

from __future__ import annotations

from scrapy.settings import Settings

from govcrawl import settings as govcrawl_settings
from govcrawl.fetch.spool import browser_identity


def test_crawl_settings_give_the_user_agent_and_the_first_language() -> None:
    settings = Settings()
    settings.setmodule(govcrawl_settings)
    assert browser_identity(settings) == {
        "user_agent": govcrawl_settings.USER_AGENT,
        "locale": "zh-CN",
    }


def test_an_overridden_user_agent_and_language_follow() -> None:
    settings = Settings()
    settings.setmodule(govcrawl_settings)
    settings.set("USER_AGENT", "archive-bot/2")
    settings.set("DEFAULT_REQUEST_HEADERS", {"Accept-Language": "en-GB;q=0.8, zh"})
    assert browser_identity(settings) == {"user_agent": "archive-bot/2", "locale": "en-GB"}


def test_no_language_asked_no_locale_set() -> None:
    settings = Settings({"USER_AGENT": "archive-bot/2", "DEFAULT_REQUEST_HEADERS": {}})
    assert browser_identity(settings) == {"user_agent": "archive-bot/2"}
