"""Portals whose lists exist only after JavaScript ran (lists built from a JSON API).

The list page is an empty shell until its script fetches the API and writes the links, so list
pages go through scrapy-playwright (Chromium) and are parsed as rendered; the articles they
link are plain HTML and are fetched without the browser. The archive stage attaches its own
capture of the browser's traffic to every Playwright request.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

from scrapy.http import Response
from scrapy_playwright.page import PageMethod

from govcrawl.fetch.base import link_title, selector
from govcrawl.fetch.families.generic import GenericSpider

LINK_SELECTOR = "a.report-link"
NEXT_SELECTOR = "a.next"


def browser_meta(wait_for: str = LINK_SELECTOR) -> dict[str, Any]:
    """Request meta that renders the page in Chromium and waits for the list links."""
    return {
        "playwright": True,
        "playwright_page_methods": [PageMethod("wait_for_selector", wait_for)],
    }


class JsonApiSpider(GenericSpider):
    """Rendered list pages (report links plus a.next); articles without the browser."""

    family = "jsonapi"

    def list_meta(self) -> dict[str, Any]:
        return browser_meta()

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        sel = selector(response)
        for anchor in sel.css(LINK_SELECTOR):
            url = urljoin(response.url, anchor.attrib.get("href", "").strip())
            request = self.article_request(url, link_title(anchor), response.url)
            if request is not None:
                yield request
        for href in sel.css(f"{NEXT_SELECTOR}::attr(href)").getall():
            request = self.page_request(
                urljoin(response.url, href.strip()), meta=self.list_meta(), after=response.url
            )
            if request is not None:
                yield request
