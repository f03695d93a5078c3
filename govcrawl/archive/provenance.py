"""What the spider made of each page, archived as a `metadata` record beside the response.

A researcher auditing a crawl years later needs more than the bytes: which spider fetched the
page, from which list page, which links it took from it, and whether it saw a report there.
This spider middleware watches the output of every callback and, once the callback is done,
has the capture extension write one `metadata` record per page, referring to the page's
response (or revisit) record:

    {"govcrawl": {"page": URL, "spider": …, "portal": …, "list_url": …, "parent_url": …,
                  "outlinks": [URL, …], "reports": [{"kind", "source_url", …}, …]}}

`outlinks` are the requests the spider yielded, after every other spider middleware (depth,
trap filter) had its say; the scheduler may still drop duplicates. `reports` are the items
(report copies) the page produced; replay finds reports by these records. A re-crawl that
revisits an unchanged page and makes the same of it writes no new record: the revisit's
record is the original's (see `capture.WarcCaptureExtension._write_derived`), which replay
follows through WARC-Refers-To.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from govcrawl.archive.capture import WarcCaptureExtension

REPORT_FIELDS = (
    "kind",
    "parent_url",
    "list_url",
    "title_hint",
    "filename",
    "source_url",
    "final_url",
)


class _PageOutput:
    """The outlinks and report items of one callback run, noted as they pass."""

    def __init__(self) -> None:
        self.outlinks: list[str] = []
        self.reports: list[dict[str, Any]] = []

    def note(self, obj: Any) -> Any:
        if isinstance(obj, Request):
            self.outlinks.append(obj.url)
        elif isinstance(obj, dict) and "source_url" in obj:
            self.reports.append({name: obj.get(name) for name in REPORT_FIELDS})
        return obj


class PageMetadataMiddleware:
    """Spider middleware (order it first, e.g. 10, so it sees the final output)."""

    def __init__(self, crawler: Crawler, extension: WarcCaptureExtension) -> None:
        self.crawler = crawler
        self.extension = extension

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PageMetadataMiddleware:
        extension = next(
            (e for e in crawler.extensions.middlewares if isinstance(e, WarcCaptureExtension)),
            None,
        )
        if extension is None:
            raise NotConfigured("no WARC capture in this crawl")
        return cls(crawler, extension)

    def process_spider_output(
        self, response: Response, result: Iterable[Any], spider: Spider | None = None
    ) -> Iterator[Any]:
        output = _PageOutput()
        for obj in result:
            yield output.note(obj)
        self._done(response, output)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any], spider: Spider | None = None
    ) -> AsyncIterator[Any]:
        output = _PageOutput()
        async for obj in result:
            yield output.note(obj)
        self._done(response, output)

    def _done(self, response: Response, output: _PageOutput) -> None:
        warc = response.meta.get("warc")
        spider = self.crawler.spider
        if not warc or spider is None:
            if output.reports:
                self.crawler.stats.inc_value("govcrawl/warc_unlinked_reports")
            return
        meta = response.meta
        payload = {
            "page": response.url,
            "spider": spider.name,
            "portal": getattr(spider, "portal", None),
            "list_url": meta.get("list_url"),
            "parent_url": meta.get("parent_url"),
            "outlinks": output.outlinks,
            "reports": output.reports,
        }
        self.extension.page_processed(response.url, warc, payload, spider)
