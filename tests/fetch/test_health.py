"""Portal health: a portal that found reports before and finds none now is flagged broken."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy import Spider
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from govcrawl.demo_farm.farm import DemoFarm
from govcrawl.fetch.health import PortalHealthExtension, health_path, verdict

pytestmark = pytest.mark.xdist_group("fetch_farm")

REPO = Path(__file__).resolve().parents[2]


class PortalSpider(Spider):
    name = "health_test"
    portal = "demo_portal"


def run(path: Path, found: dict[str, int], reason: str = "finished") -> str:
    """One fake crawl closing with `found` report items by kind; returns the verdict stat."""
    crawler = get_crawler(PortalSpider, {"GOVCRAWL_HEALTH_FILE": str(path)})
    for kind, n in found.items():
        crawler.stats.set_value(f"govcrawl/fetch/items/{kind}", n)
    crawler.stats.set_value("govcrawl/fetch/rejected_by_title", 5)  # not a report count
    extension = PortalHealthExtension.from_crawler(crawler)
    extension.spider_closed(PortalSpider(), reason)
    return crawler.stats.get_value("govcrawl/health")


@pytest.mark.parametrize(
    ("found", "previous", "status"),
    [
        (3, None, "new"),
        (0, None, "empty"),
        (3, {"last_nonzero": 5}, "ok"),
        (0, {"last_nonzero": 5}, "broken"),
        (0, {"last_found": 0}, "empty"),
    ],
)
def test_verdicts(found: int, previous: dict | None, status: str) -> None:
    assert verdict(found, previous) == status


def test_health_file_location() -> None:
    assert health_path(Settings({"GOVCRAWL_OUT": "out/x"})) == Path("out/x/portal-health.json")
    explicit = Settings({"GOVCRAWL_OUT": "out/x", "GOVCRAWL_HEALTH_FILE": "/tmp/h.json"})
    assert health_path(explicit) == Path("/tmp/h.json")


def test_runs_update_the_state_and_flag_a_broken_portal(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    state = tmp_path / "state" / "portal-health.json"
    assert run(state, {"portal": 4, "attachment": 2}) == "new"
    assert run(state, {"portal": 3}) == "ok"
    with caplog.at_level(logging.WARNING, logger="govcrawl.fetch.health"):
        assert run(state, {}) == "broken"
    assert any("demo_portal" in r.getMessage() for r in caplog.records)
    assert run(state, {}) == "broken"  # still broken until it finds reports again
    record = json.loads(state.read_text("utf-8"))["portals"]["demo_portal"]
    assert record["last_found"] == 0 and record["last_nonzero"] == 3
    assert [h["found"] for h in record["history"]] == [6, 3, 0, 0]
    assert run(state, {"portal": 1}) == "ok"


def test_an_interrupted_crawl_does_not_change_the_state(tmp_path: Path) -> None:
    state = tmp_path / "portal-health.json"
    assert run(state, {"portal": 2}) == "new"
    before = state.read_text("utf-8")
    assert run(state, {}, reason="shutdown") == "broken"
    assert state.read_text("utf-8") == before


def test_unreadable_state_starts_afresh(tmp_path: Path) -> None:
    state = tmp_path / "portal-health.json"
    state.write_text("{not json", "utf-8")
    assert run(state, {"portal": 1}) == "new"
    assert json.loads(state.read_text("utf-8"))["portals"]["demo_portal"]["last_found"] == 1


# -- a farm portal crawled twice; the second time its report column has moved ---------------


@pytest.fixture(scope="module")
def farm() -> Iterator[DemoFarm]:
    with DemoFarm(2024) as running:
        yield running


def crawl(portal: str, manifest: Path, state: Path, log: Path) -> str:
    """`scrapy crawl` with only the health extension; returns the crawl's log text."""
    env = {**os.environ, "GOVCRAWL_DEMO_MANIFEST": str(manifest)}
    extensions = json.dumps({"govcrawl.fetch.health.PortalHealthExtension": 900})
    args = [
        sys.executable, "-m", "scrapy", "crawl", portal,
        "-s", "ITEM_PIPELINES={}", "-s", f"EXTENSIONS={extensions}",
        "-s", f"GOVCRAWL_HEALTH_FILE={state}", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", f"LOG_FILE={log}",
    ]  # fmt: skip
    assert subprocess.run(args, cwd=REPO, env=env, timeout=300).returncode == 0
    return log.read_text(errors="replace")


def health_stat(log: str) -> str:
    match = re.search(r"'govcrawl/health': '(\w+)'", log)
    assert match, log[-2000:]
    return match.group(1)


def test_farm_portal_whose_column_moved_is_broken(farm: DemoFarm, tmp_path: Path) -> None:
    state = tmp_path / "portal-health.json"
    manifest = tmp_path / "farm.json"
    farm.write_manifest(manifest)
    first = crawl("demo_ucap_county", manifest, state, tmp_path / "first.log")
    assert health_stat(first) == "new"
    found = json.loads(state.read_text("utf-8"))["portals"]["demo_ucap_county"]["last_found"]
    assert found == sum(1 for t in farm.ground_truth() if t["site"] == "ucap")

    # the portal was redesigned: the same start URL now answers 404 (the town site has no
    # such column), so the spider finishes normally with nothing found
    moved = json.loads(manifest.read_text("utf-8"))
    moved["urls"]["ucap"] = farm.urls["town"]
    manifest.write_text(json.dumps(moved), "utf-8")
    second = crawl("demo_ucap_county", manifest, state, tmp_path / "second.log")
    assert health_stat(second) == "broken"
    assert "WARNING: portal demo_ucap_county looks broken" in second
    assert ("town", "GET", "/xxgk/ndbg/index.shtml", 404) in farm.request_log
