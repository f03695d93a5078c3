"""Run a crawl of registry portals (or one-off URLs) in one Scrapy process and summarise it.

The CLI's `crawl` and `demo` commands come here. One Scrapy crawler runs per portal so each
portal gets its own stats, politeness slots and WARC file prefix; they run concurrently in one
reactor. Progress is read off the crawlers' stats by a timer — the crawl itself knows nothing
about the display.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings
from twisted.internet import task

from govcrawl.archive.package import write_cdxj


@dataclass
class PortalSummary:
    portal: str
    pages: int = 0
    reports: int = 0
    attachments: int = 0
    records: int = 0
    checks_passed: int = 0
    checks_failed: int = 0
    errors: int = 0
    flags: Counter[str] = field(default_factory=Counter)
    finish_reason: str = ""


@dataclass
class CrawlSummary:
    out_dir: Path
    portals: list[PortalSummary]
    warc_files: list[str]
    warc_bytes: int

    @property
    def records(self) -> int:
        return sum(p.records for p in self.portals)


def crawl_settings(out_dir: Path, overrides: dict[str, Any] | None = None) -> Settings:
    """Project settings with this run's output folder and overrides applied."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "govcrawl.settings")
    settings = get_project_settings()
    settings.set("GOVCRAWL_OUT", str(out_dir), priority="cmdline")
    settings.set("LOG_FILE", str(out_dir / "crawl.log"), priority="cmdline")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def run_crawl(
    spiders: Sequence[str | type],
    out_dir: str | Path,
    *,
    overrides: dict[str, Any] | None = None,
    console: Console | None = None,
    show_progress: bool = True,
    spider_args: dict[str, Any] | None = None,
) -> CrawlSummary:
    """Crawl the given spiders (registry names or spider classes) into `out_dir`, each given
    `spider_args` (as `scrapy crawl -a NAME=VALUE` would: `max_pages`)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    settings = crawl_settings(out, overrides)
    process = CrawlerProcess(settings)
    logging.getLogger().setLevel(settings.get("LOG_LEVEL"))
    crawlers: list[Crawler] = []
    for spider in spiders:
        crawler = process.create_crawler(spider)
        crawlers.append(crawler)
        process.crawl(crawler, **(spider_args or {}))

    console = console or Console(stderr=True)
    progress = Progress(
        TextColumn("[bold]{task.fields[portal]:<22}"),
        BarColumn(bar_width=None),
        TextColumn("pages {task.fields[pages]:>5}  reports {task.fields[reports]:>4}"),
        TimeElapsedColumn(),
        console=console,
        disable=not show_progress,
        transient=True,
    )
    tasks = {
        id(c): progress.add_task("", total=None, portal=_name(c), pages=0, reports=0)
        for c in crawlers
    }

    def refresh() -> None:
        for crawler in crawlers:
            stats = crawler.stats.get_stats() if crawler.stats else {}
            progress.update(
                tasks[id(crawler)],
                pages=stats.get("downloader/response_count", 0),
                reports=stats.get("govcrawl/records", 0),
                completed=1 if stats.get("finish_reason") else 0,
                total=1 if stats.get("finish_reason") else None,
            )

    ticker = task.LoopingCall(refresh)
    with progress:
        ticker.start(0.25)
        process.start()
        if ticker.running:
            ticker.stop()
    summary = _summarise(out, crawlers)
    for path in summary.warc_files:  # a CDXJ beside every closed file, for pywb and WACZ
        write_cdxj(Path(path))
    return summary


def _name(crawler: Crawler) -> str:
    spidercls = crawler.spidercls
    return getattr(spidercls, "name", None) or spidercls.__name__


def _summarise(out: Path, crawlers: list[Crawler]) -> CrawlSummary:
    portals: list[PortalSummary] = []
    warc_files: list[str] = []
    for crawler in crawlers:
        stats: dict[str, Any] = crawler.stats.get_stats() if crawler.stats else {}
        summary = PortalSummary(
            portal=_name(crawler),
            pages=stats.get("downloader/response_count", 0),
            reports=stats.get("item_scraped_count", 0) + stats.get("item_dropped_count", 0),
            attachments=stats.get("govcrawl/records/attachment", 0),
            records=stats.get("govcrawl/records", 0),
            checks_passed=stats.get("govcrawl/checks_passed", 0),
            checks_failed=stats.get("govcrawl/checks_failed", 0),
            errors=sum(v for k, v in stats.items() if k.startswith("govcrawl/errors/")),
            finish_reason=str(stats.get("finish_reason", "")),
        )
        for key, value in stats.items():
            if key.startswith("govcrawl/flags/"):
                summary.flags[key.removeprefix("govcrawl/flags/")] += value
        portals.append(summary)
        warc_files.extend(stats.get("govcrawl/warc_files", []))
    warc_bytes = sum(Path(f).stat().st_size for f in warc_files if Path(f).exists())
    return CrawlSummary(out_dir=out, portals=portals, warc_files=warc_files, warc_bytes=warc_bytes)
