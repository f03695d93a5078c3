"""First pipeline: turn a report item into a `Source`, archive the classification, clean it.

The `Source` is built from the same fields replay reads back from the WARC (the URL as first
requested, the payload as decoded, the response record's id, date and digest), which is what
makes live and replayed records equal.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from govcrawl.archive.signals import text_converted
from govcrawl.clean import CleanError, clean_source
from govcrawl.document import CleanDocument, Source
from pipelines.errors import record_error

_CLEANING = threading.Lock()
"""One document cleaned at a time per process. The readers under clean (lxml parsers inside
trafilatura, pdfminer, pdfium for OCR) are not documented as safe to run on several threads at
once, every crawler of a run shares the reactor's thread pool, and the GIL gives CPU-bound
parsing no parallelism anyway; the thread only keeps the reactor free."""


def _clean_alone(source: Source) -> CleanDocument:
    with _CLEANING:
        return clean_source(source)


def source_from_item(item: dict[str, Any]) -> Source:
    warc = item.get("warc") or {}
    return Source(
        url=item["source_url"],
        body=item["body"],
        content_type=item.get("content_type"),
        final_url=item.get("final_url") or item["source_url"],
        kind=item.get("kind", "portal"),
        fetched_at=warc.get("date"),
        warc_file=warc.get("file"),
        warc_record_id=warc.get("record_id"),
        payload_digest=warc.get("payload_digest"),
        parent_url=item.get("parent_url"),
        filename=item.get("filename"),
        spooled=item.get("spooled"),
    )


class CleanPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CleanPipeline:
        return cls(crawler)

    async def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        signals = self.crawler.signals
        spider = self.crawler.spider
        source = source_from_item(item)
        try:
            # In a thread: OCR and LibreOffice take seconds, and the reactor they would block
            # serves every portal of the run.
            document = await maybe_deferred_to_future(deferToThread(_clean_alone, source))
        except CleanError as exc:
            record_error(self.crawler, source.url, "clean", str(exc))
            raise DropItem(f"clean failed for {source.url}: {exc}") from exc
        finally:
            if source.spooled is not None:
                # Archived already and now cleaned: the spooled copy has served its purpose.
                Path(source.spooled.path).unlink(missing_ok=True)
        signals.send_catch_log(
            signal=text_converted, item=item, text=document.text(), spider=spider
        )
        item["source"] = source
        item["document"] = document
        return item
