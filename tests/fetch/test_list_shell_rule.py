"""`fingerprint.is_list_shell` (Python, on fetched HTML) and `jsonapi.wait_for_list` (the same
rule written in JavaScript) must stay in step: one decides a portal needs the browser, the
other whether a rendered page waits for its script. Both are given the same pages as sent
(scripts off: a page's own scripts would add links the rule is not about)."""

from __future__ import annotations

import asyncio
import urllib.request

import pytest
from playwright.async_api import async_playwright

from govcrawl.demo_farm.farm import DemoFarm
from govcrawl.fetch.families.jsonapi import _EMPTY_LISTS, LINK_SELECTOR, SHELL_MAX_LINKS
from govcrawl.fetch.fingerprint import is_list_shell
from govcrawl.settings import PLAYWRIGHT_LAUNCH_OPTIONS

SCRIPT = '<script src="/static/list.js"></script>'
LINKS = "".join(f'<a href="/c{i}.html">栏目{i}</a>' for i in range(SHELL_MAX_LINKS))
PAGES = {
    "shell": f'<html><body><div id="list"></div>{SCRIPT}</body></html>',
    "ul shell": f'<html><body><ul id="article-list"></ul>{SCRIPT}</body></html>',
    "written list": f'<html><body><div id="list"><a href="/a.html">年报</a></div>{SCRIPT}</body>',
    "text in list": f'<html><body><div id="list">暂无数据</div>{SCRIPT}</body></html>',
    "no script": '<html><body><div id="list"></div></body></html>',
    "inline script": '<html><body><div id="list"></div><script>1</script></body></html>',
    "many links": f'<html><body><div id="list"></div>{LINKS}{SCRIPT}</body></html>',
    "other id": f'<html><body><div id="banner"></div>{SCRIPT}</body></html>',
    "home": (
        '<html><head><script src="/static/app.js"></script></head><body><nav>'
        '<a href="/xxgk/ndbg/list.html?page=1">年报</a></nav>'
        '<div id="report-box"><p>欢迎访问</p></div></body></html>'
    ),
}


def farm_pages() -> dict[str, str]:
    """The JS portal's home and list pages as its server sends them."""
    with DemoFarm(2024) as farm:
        base = farm.urls["jsportal"]
        return {
            name: urllib.request.urlopen(base + path, timeout=10).read().decode("utf-8")
            for name, path in (("farm home", "/"), ("farm list", "/xxgk/ndbg/list.html?page=1"))
        }


async def in_browser(pages: dict[str, str]) -> dict[str, bool]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(**PLAYWRIGHT_LAUNCH_OPTIONS)
        page = await browser.new_page(java_script_enabled=False)  # the page as sent
        verdicts = {}
        for name, html in pages.items():
            await page.set_content(html)
            empty = await page.evaluate(_EMPTY_LISTS, [LINK_SELECTOR, SHELL_MAX_LINKS])
            verdicts[name] = bool(empty)
        await browser.close()
        return verdicts


def test_both_rules_agree() -> None:
    pages = {**PAGES, **farm_pages()}
    verdicts = asyncio.run(in_browser(pages))
    assert verdicts == {name: is_list_shell(html) for name, html in pages.items()}
    assert verdicts["shell"] and verdicts["farm list"] and not verdicts["farm home"]


@pytest.mark.parametrize("name", ["shell", "ul shell"])
def test_a_shell_with_report_links_is_no_longer_waited_for(name: str) -> None:
    link = '<a class="report-link" href="/r.html">年报</a>'
    written = PAGES[name].replace("></div>", f">{link}</div>").replace("></ul>", f">{link}</ul>")
    assert asyncio.run(in_browser({name: written})) == {name: False}
