"""Portal health: notice a portal that used to yield reports and now yields none.

Portals are redesigned without notice; a spider whose list pages moved then finds nothing
and finishes "successfully". That silence is the failure to catch, so after every finished
crawl each portal's report count is compared with what earlier runs found, kept in a small
JSON state file (`GOVCRAWL_HEALTH_FILE`, default `<GOVCRAWL_OUT>/portal-health.json`):

- `new` — first run on record, reports found;
- `ok` — reports found, and the portal had a record already;
- `broken` — no reports now, but an earlier run found some (logged as a WARNING);
- `empty` — no reports now and never before.

The verdict is put in the crawl stats as `govcrawl/health` (with `govcrawl/health/found` and
`govcrawl/health/previous`). Only crawls that finish normally update the state: a crawl cut
short by a shutdown proves nothing about the portal.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

HEALTH_FILE_SETTING = "GOVCRAWL_HEALTH_FILE"
STATE_NAME = "portal-health.json"
ITEM_STATS_PREFIX = "govcrawl/fetch/items/"
"""Stats the base spider increments once per report copy it yields, by kind."""
HISTORY = 10


def health_path(settings: Any) -> Path:
    """The state file: GOVCRAWL_HEALTH_FILE, else portal-health.json in GOVCRAWL_OUT."""
    explicit = settings.get(HEALTH_FILE_SETTING)
    if explicit:
        return Path(explicit)
    return Path(settings.get("GOVCRAWL_OUT") or ".") / STATE_NAME


def verdict(found: int, previous: dict[str, Any] | None) -> str:
    """ok | broken | new | empty, from this run's count and the portal's record."""
    if found > 0:
        return "ok" if previous else "new"
    if previous and int(previous.get("last_nonzero", 0)) > 0:
        return "broken"
    return "empty"


def updated_record(previous: dict[str, Any] | None, found: int, status: str) -> dict[str, Any]:
    """The portal's record after this run (last counts, last non-zero count, short history)."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    record = dict(previous or {})
    record["last_found"] = found
    record["last_run"] = now
    record["status"] = status
    if found > 0:
        record["last_nonzero"] = found
        record["last_nonzero_run"] = now
    history = list(record.get("history") or [])
    history.append({"run": now, "found": found})
    record["history"] = history[-HISTORY:]
    return record


class PortalHealthExtension:
    """On spider_closed: this run's report count vs. the state file; verdict into stats."""

    def __init__(self, crawler: Crawler, path: Path) -> None:
        self.crawler = crawler
        self.path = path

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PortalHealthExtension:
        extension = cls(crawler, health_path(crawler.settings))
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def found(self) -> int:
        """Report copies the spider yielded this run (every kind)."""
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        return sum(
            int(value)
            for key, value in stats.items()
            if key.startswith(ITEM_STATS_PREFIX) and isinstance(value, int)
        )

    def spider_closed(self, spider: Spider, reason: str) -> None:
        portal = getattr(spider, "portal", None) or spider.name
        found = self.found()
        with _LockedState(self.path) as state:
            previous = state["portals"].get(portal)
            status = verdict(found, previous)
            if reason == "finished":
                state["portals"][portal] = updated_record(previous, found, status)
            else:
                logger.info("portal health: %s closed (%s); state not updated", portal, reason)
        stats = self.crawler.stats
        if stats is not None:
            stats.set_value("govcrawl/health", status)
            stats.set_value("govcrawl/health/found", found)
            stats.set_value("govcrawl/health/previous", (previous or {}).get("last_nonzero", 0))
        if status == "broken" and reason == "finished":
            logger.warning(
                "portal %s looks broken: no reports this run, %s on %s",
                portal,
                previous.get("last_nonzero") if previous else 0,
                previous.get("last_nonzero_run") if previous else "?",
            )


class _LockedState:
    """The state file read and written under an exclusive lock (parallel crawls share it)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.state: dict[str, Any] = {}
        self._lock: Any = None

    def __enter__(self) -> dict[str, Any]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = open(self.path.with_name(self.path.name + ".lock"), "a")
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        try:
            self.state = json.loads(self.path.read_text("utf-8")) if self.path.exists() else {}
        except (OSError, ValueError):
            logger.warning("portal health: %s unreadable, starting afresh", self.path)
            self.state = {}
        self.state.setdefault("portals", {})
        return self.state

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        try:
            if exc_type is None:
                partial = self.path.with_name(self.path.name + f".{os.getpid()}.part")
                partial.write_text(
                    json.dumps(self.state, ensure_ascii=False, indent=1, sort_keys=True), "utf-8"
                )
                partial.replace(self.path)
        finally:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
