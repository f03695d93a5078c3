"""Generic discovery for portals without a known CMS (town sites, one-off URLs).

Real small portals have no predictable URL scheme, but they all lead a visitor from the home
page through 政务公开 / 政府信息公开 to a 年报 column, and they all name a report by its title
in the link text. So this family follows navigation links by text (and by the usual column
URL fragments xxgk, zwgk, gkml, ndbg), takes links whose text is a report title as articles,
and takes document links whose text is a report title as report files directly.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

from scrapy.http import Request, Response

from govcrawl.fetch.base import ReportSpider, is_attachment_url, is_html, link_title, selector
from govcrawl.fetch.recognize import classify_title, is_navigation_text

_COLUMN_URL = re.compile(r"(^|[/_.-])(xxgk|zwgk|gkml|ndbg|zfxxgk|xxgkml|gknb)([/_.-]|$)", re.I)


class GenericSpider(ReportSpider):
    """Link-text discovery, bounded by `max_pages` and `max_depth`.

    Navigation pages are requested with the family's `list_meta`, so a family whose pages
    need the browser (jsonapi) discovers through rendered pages.
    """

    family = "generic"
    max_depth: ClassVar[int] = 4

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        yield from self.discover(response)

    def discover(self, response: Response) -> Iterator[Any]:
        """Reports, report files and navigation links found on one page."""
        if not is_html(response):
            return
        depth = response.meta.get("discovery_depth", 0)
        for anchor in selector(response).css("a[href]"):
            href = anchor.attrib["href"].strip()
            if href.startswith(("javascript:", "mailto:", "#")):
                continue
            url = urljoin(response.url, href)
            title = link_title(anchor)
            verdict = classify_title(title)
            request: Request | None = None
            if is_attachment_url(url):
                if verdict == "annual_report":
                    request = self.attachment_request(url, title, response.url, response.url)
            elif verdict == "annual_report":
                request = self.article_request(url, title, response.url)
            elif verdict == "unknown" and depth < self.max_depth and self.is_navigation(url, title):
                meta = {**self.list_meta(), "discovery_depth": depth + 1}
                request = self.page_request(url, meta=meta)
            if request is not None:
                yield request

    @staticmethod
    def is_navigation(url: str, text: str) -> bool:
        return is_navigation_text(text) or bool(_COLUMN_URL.search(urlsplit(url).path))
