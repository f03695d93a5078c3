"""Doc-share mirrors (三七文档-like): copies of reports re-hosted as `/p-{id}.html` pages.

Mirrors matter because portals delete old reports; the mirror's copy is often the only one
left. Such a site mixes reports with every other kind of document, so a document page counts
only when its own title (`h1.doc-title`) is a report title. Documents are found from the home
lists and from each document's `.related` links.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from scrapy.http import Request, Response

from govcrawl.fetch.base import is_html, links_where
from govcrawl.fetch.families.generic import GenericSpider
from govcrawl.fetch.recognize import classify_title

DOCUMENT = re.compile(r"/p-[\w-]+\.html$")


def document_links(response: Response, scope: str = "") -> list[tuple[str, str]]:
    """(absolute URL, title) of the document links on a page (optionally under `scope` css)."""
    return links_where(response, lambda url: DOCUMENT.search(urlsplit(url).path), scope)


class MirrorSpider(GenericSpider):
    """Home lists and related links to document pages; titles decide."""

    family = "mirror"
    kind = "mirror"

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        links = document_links(response)
        if not links:
            yield from super().parse(response, **kwargs)
            return
        for url, title in links:
            request = self.document_request(url, title, response.url)
            if request is not None:
                yield request

    def document_request(self, url: str, title: str, list_url: str) -> Request | None:
        """A document page, counted against the page budget (mirrors are large)."""
        request = self.article_request(url, title, list_url)
        if request is None or not self.claim_page(request.url):
            return None
        return request.replace(callback=self.parse_document)

    def parse_document(self, response: Response) -> Iterator[Any]:
        """A document page: a mirror report when its own title says so; follow related."""
        if not is_html(response):
            return
        title = self.page_title(response)
        if classify_title(title) == "annual_report":
            hint = response.meta.get("title_hint") or title
            yield self.report_item(response, self.kind, None, response.meta.get("list_url"), hint)
        for url, text in document_links(response, ".related"):
            request = self.document_request(url, text, response.url)
            if request is not None:
                yield request
