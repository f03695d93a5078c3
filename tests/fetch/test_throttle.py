"""ConditionalAutoThrottle: a 304 lets the delay fall as a 200 does; other statuses keep
Scrapy's rule (a small error page must not speed the crawl up)."""

from __future__ import annotations

from unittest.mock import Mock

import pytest
from scrapy import Request, Spider
from scrapy.core.downloader import Slot
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response
from scrapy.settings import Settings
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from govcrawl import settings as project_settings
from govcrawl.fetch.throttle import ConditionalAutoThrottle

START_DELAY = 0.5
LATENCY = 0.02


def _delay_after(throttle_class: type[AutoThrottle], status: int, answers: int = 5) -> float:
    """The slot's delay after `answers` answers of `status`, each after LATENCY seconds."""
    crawler = get_crawler(
        Spider,
        {"AUTOTHROTTLE_ENABLED": True, "AUTOTHROTTLE_START_DELAY": START_DELAY,
         "AUTOTHROTTLE_TARGET_CONCURRENCY": 4.0, "DOWNLOAD_DELAY": 0.0},
    )  # fmt: skip
    crawler.engine = Mock()
    slot = Slot(concurrency=4, delay=START_DELAY, jitter=0)
    crawler.engine.downloader.slots = {"portal": slot}
    throttle = build_from_crawler(throttle_class, crawler)
    spider = Spider("portal")
    throttle._spider_opened(spider)
    for _ in range(answers):
        request = Request(
            "http://127.0.0.1/a", meta={"download_slot": "portal", "download_latency": LATENCY}
        )
        throttle._response_downloaded(Response(request.url, status=status), request, spider)
    return slot.delay


def test_stock_autothrottle_never_speeds_up_on_304() -> None:
    """The behaviour this extension exists for: a re-crawl of 304s stays at the start delay."""
    assert _delay_after(AutoThrottle, 304) == START_DELAY


def test_304_lowers_the_delay_exactly_as_200() -> None:
    assert _delay_after(ConditionalAutoThrottle, 304) == _delay_after(AutoThrottle, 200)
    assert _delay_after(ConditionalAutoThrottle, 304) < START_DELAY / 8


@pytest.mark.parametrize("status", [302, 404, 500, 503])
def test_other_statuses_keep_scrapys_rule(status: int) -> None:
    assert _delay_after(ConditionalAutoThrottle, status) == START_DELAY


def test_project_settings_replace_the_stock_extension() -> None:
    extensions = Settings(vars(project_settings)).getdict("EXTENSIONS")
    assert extensions["scrapy.extensions.throttle.AutoThrottle"] is None
    assert "govcrawl.fetch.throttle.ConditionalAutoThrottle" in extensions
