"""Portals whose lists exist only after JavaScript ran (lists built from a JSON API).

The list page is an empty shell until its script fetches the API and writes the links, so the
family's pages go through scrapy-playwright (Chromium) and are parsed as rendered; the
articles they link are plain HTML and are fetched without the browser. The archive stage
attaches its own capture of the browser's traffic to every Playwright request.

A portal is usually entered from its home page, which is no list: a rendered page that shows
no report links is read by generic discovery (its column links are followed, rendered too).
Only a page that is still a list shell once loaded waits for its script to write the list, so
a home or column page never sits out a selector timeout; a pager link of a rendered list is a
shell by construction and waits for the report links directly.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from playwright.async_api import Page
from scrapy.http import Response
from scrapy_playwright.page import PageMethod

from govcrawl.fetch.base import link_title, selector
from govcrawl.fetch.families.generic import GenericSpider

LINK_SELECTOR = "a.report-link"
NEXT_SELECTOR = "a.next"

_EMPTY_LISTS = """([links, maxLinks]) => {
    if (document.querySelector(links)) return [];
    if (!document.querySelector("script[src]")) return [];
    if (document.querySelectorAll("a[href]").length >= maxLinks) return [];
    return Array.from(document.querySelectorAll("div[id], ul[id]"))
        .filter((n) => /list|article|report/i.test(n.id))
        .filter((n) => n.children.length === 0 && !n.textContent.trim())
        .map((n) => n.id);
}"""
"""Ids of the page's still-empty list containers — `fingerprint.is_list_shell`'s rule run in
the browser — or none when the report links are there already."""

_LIST_WRITTEN = """([links, ids]) => Boolean(document.querySelector(links)) ||
    ids.some((id) => { const n = document.getElementById(id);
                       return n && (n.children.length > 0 || n.textContent.trim()); })"""
"""The script wrote the list: report links, or anything (an empty list, an error message) in
a container that was empty."""

SHELL_MAX_LINKS = 15


async def wait_for_list(page: Page, links: str = LINK_SELECTOR) -> list[str]:
    """On a list shell, wait until its script wrote the list; elsewhere return at once.

    Returns the ids of the containers waited for (empty: the page was no shell).
    """
    empty: list[str] = await page.evaluate(_EMPTY_LISTS, [links, SHELL_MAX_LINKS])
    if empty:
        await page.wait_for_function(_LIST_WRITTEN, arg=[links, empty])
    return empty


def browser_meta(wait_for: str = LINK_SELECTOR) -> dict[str, Any]:
    """Request meta that renders a known list page in Chromium and waits for its links."""
    return {
        "playwright": True,
        "playwright_page_methods": [PageMethod("wait_for_selector", wait_for)],
    }


def discovery_meta() -> dict[str, Any]:
    """Request meta that renders a page that may or may not be a list (see `wait_for_list`)."""
    return {"playwright": True, "playwright_page_methods": [PageMethod(wait_for_list)]}


class JsonApiSpider(GenericSpider):
    """Rendered list pages (report links plus a.next); other rendered pages discovered
    generically; articles without the browser."""

    family = "jsonapi"

    def list_meta(self) -> dict[str, Any]:
        return discovery_meta()

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        sel = selector(response)
        anchors = sel.css(LINK_SELECTOR)
        if not anchors:
            yield from self.discover(response)
            return
        for anchor in anchors:
            url = response.urljoin(anchor.attrib.get("href", "").strip())
            request = self.article_request(url, link_title(anchor), response.url)
            if request is not None:
                yield request
        for href in sel.css(f"{NEXT_SELECTOR}::attr(href)").getall():
            request = self.page_request(
                response.urljoin(href.strip()), meta=browser_meta(), after=response.url
            )
            if request is not None:
                yield request
