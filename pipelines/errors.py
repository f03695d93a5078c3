"""Report a per-URL failure of a stage: counted in the stats, sent as `stage_failed`."""

from __future__ import annotations

from scrapy.crawler import Crawler

from govcrawl.signals import stage_failed


def record_error(crawler: Crawler, url: str, stage: str, reason: str) -> None:
    crawler.stats.inc_value(f"govcrawl/errors/{stage}")
    crawler.signals.send_catch_log(signal=stage_failed, url=url, stage=stage, reason=reason)
