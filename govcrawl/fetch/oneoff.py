"""One-off discovery of any start URL (`govcrawl crawl URL`): a spider built on the fly.

A URL outside the registry has no known CMS, so its start page (and, when that shows no
trace, its report column) is fingerprinted (`govcrawl.fetch.fingerprint`) and the family's
base class crawls it. When fingerprinting finds nothing — or the page cannot be fetched — the
spider tries every static-HTML family on each page (`DetectingSpider`, the `generic` family,
which a registry entry of family `generic` runs too).
Scope is the start URL's origin, within the default page budget.

A start URL may also be a report file itself (a PDF a user was sent, a download link): such a
start page is no page to discover from but a report source, yielded as an attachment with no
parent page, so the pipelines clean and extract it like any report file.
"""

from __future__ import annotations

import http.client
import logging
import re
from collections.abc import Iterator
from typing import Any

from scrapy.http import Request, Response

from govcrawl.fetch.base import ReportSpider, is_attachment_url, is_document_response
from govcrawl.fetch.families import FAMILY_SPIDERS, DetectingSpider
from govcrawl.fetch.fingerprint import fingerprint_site
from govcrawl.fetch.urls import is_http, origin

__all__ = ["DetectingSpider", "DocumentStartSpider", "detect_family", "spider_for_url"]

logger = logging.getLogger(__name__)

START_META = "govcrawl_start_page"
"""Request meta marking a one-off spider's start page (redirects keep it)."""


class DocumentStartSpider(ReportSpider):
    """A start page that turns out to be a report file is yielded as one (no parent page)."""

    def start_request(self, url: str) -> Request:
        request = super().start_request(url)
        if is_attachment_url(url):  # a file: never rendered, whatever the family
            return request.replace(meta={START_META: True})
        request.meta[START_META] = True
        return request

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        if response.meta.get(START_META) and is_document_response(response):
            logger.info("start URL %s is a report file; taken as an attachment", response.url)
            yield self.report_item(response, "attachment", None, None, None)
            return
        yield from super().parse(response, **kwargs)


def detect_family(url: str, *, timeout: float = 20.0) -> str:
    """The fingerprinted family of the site at `url`; `generic` when it cannot be fetched.

    A fetch fails with urllib's OSErrors, with ValueError (a URL urllib rejects), or with
    http.client's own exceptions, which are no OSError: a chunked body cut short
    (IncompleteRead), a garbled status line (BadStatusLine). Whatever the failure, the crawl
    itself still runs and archives the page as Scrapy receives it.
    """
    try:
        return fingerprint_site(url, timeout=timeout)
    except (OSError, ValueError, http.client.HTTPException) as exc:
        logger.warning("fingerprint of %s failed (%s); using generic discovery", url, exc)
        return "generic"


def spider_for_url(
    url: str, *, max_pages: int = 200, family: str | None = None
) -> type[ReportSpider]:
    """A spider class for one start URL, named after its origin.

    `family` skips fingerprinting (the start page is then not fetched here), and so does a
    start URL that names a document file: there is no site page to fingerprint.
    """
    if not is_http(url):
        raise ValueError(f"not an http(s) URL: {url!r}")
    family = family or ("generic" if is_attachment_url(url) else detect_family(url))
    base = FAMILY_SPIDERS[family]
    _, host, port = origin(url)
    name = "oneoff_" + re.sub(r"[^0-9a-z]+", "_", f"{host}_{port}").strip("_")
    attrs = {
        "name": name,
        "portal": name,
        "start_urls": [url],
        "raw_start_urls": (url,),
        "max_pages": max_pages,
        "kind": "mirror" if family == "mirror" else "portal",
        "__doc__": f"One-off discovery from {url} ({family} family).",
        "__module__": __name__,
    }
    return type("OneOffSpider", (DocumentStartSpider, base), attrs)
