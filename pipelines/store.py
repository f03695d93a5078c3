"""Last pipeline: write the record to the run's output folder (JSON Lines + DuckDB).

The item leaving this pipeline keeps only small fields, so Scrapy's item signals and feed
exports never carry document bodies around.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler

from govcrawl.signals import stage_failed
from govcrawl.store import RecordStore


class StorePipeline:
    def __init__(self, crawler: Crawler, out_dir: Path) -> None:
        self.crawler = crawler
        self.out_dir = out_dir
        self.store: RecordStore | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        pipeline = cls(crawler, Path(crawler.settings.get("GOVCRAWL_OUT")))
        crawler.signals.connect(pipeline.stage_failed, signal=stage_failed)
        return pipeline

    def open_spider(self) -> None:
        self.store = RecordStore(self.out_dir)

    def close_spider(self) -> None:
        assert self.store is not None
        self.store.close()

    def stage_failed(self, url: str, stage: str, reason: str) -> None:
        if self.store is not None:
            self.store.add_error(url, stage, reason)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        assert self.store is not None
        record = item["record"]
        self.store.add(record)
        stats = self.crawler.stats
        stats.inc_value("govcrawl/records")
        stats.inc_value(f"govcrawl/records/{record['source']['kind']}")
        for check in record.get("checks", []):
            stats.inc_value("govcrawl/checks_passed" if check["ok"] else "govcrawl/checks_failed")
        for flag in record.get("flags", []):
            stats.inc_value(f"govcrawl/flags/{flag}")
        return {
            "id": record["id"],
            "url": record["source"]["url"],
            "kind": record["source"]["kind"],
            "title": record.get("title"),
            "flags": record.get("flags", []),
        }
