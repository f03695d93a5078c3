"""First pipeline: turn a report item into a `Source`, archive the classification, clean it.

The `Source` is built from the same fields replay reads back from the WARC (the URL as first
requested, the payload as decoded, the response record's id, date and digest), which is what
makes live and replayed records equal.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from twisted.internet.defer import Deferred
from twisted.internet.threads import deferToThread

from govcrawl.archive.signals import text_converted
from govcrawl.clean import CleanError
from govcrawl.clean.workers import DEFAULT_MAX_TASKS, DEFAULT_TIMEOUT, CleanWorkers
from govcrawl.document import Source
from pipelines.errors import record_error


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
    """Cleans each report in a worker process (`govcrawl.clean.workers`): OCR and LibreOffice
    take seconds, the reactor serves every portal of the run meanwhile, and a reader that
    crashes or hangs on one document must not stop the crawl."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.workers = CleanWorkers.shared(
            settings.getint("GOVCRAWL_CLEAN_WORKERS") or None,
            settings.getfloat("GOVCRAWL_CLEAN_TIMEOUT", DEFAULT_TIMEOUT),
            settings.getint("GOVCRAWL_CLEAN_MAX_TASKS", DEFAULT_MAX_TASKS),
        )

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CleanPipeline:
        return cls(crawler)

    def close_spider(self) -> Deferred:
        # Stopping the workers waits for them; in a thread, so the reactor goes on serving
        # the other crawlers of the run meanwhile.
        return deferToThread(self.workers.close)

    async def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        signals = self.crawler.signals
        spider = self.crawler.spider
        source = source_from_item(item)
        try:
            document = await self.workers.clean(source)
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
