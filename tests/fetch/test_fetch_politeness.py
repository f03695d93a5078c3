"""Politeness in real crawls of farm portals: robots.txt, the page budget, DOWNLOAD_MAXSIZE.

The project settings switch these on (with AutoThrottle and 4 requests per portal); these tests
run `scrapy` in a subprocess with the project's settings, as `govcrawl crawl` does, and check
what the farm saw.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy.utils.project import get_project_settings

from govcrawl.demo_farm.farm import DemoFarm

pytestmark = pytest.mark.xdist_group("fetch_farm")

REPO = Path(__file__).resolve().parents[2]
ONEOFF = """
from govcrawl.fetch.oneoff import spider_for_url

OneOff = spider_for_url({url!r}, family={family!r}, max_pages={max_pages})
OneOff.__module__ = __name__  # runspider lists the classes defined in this file
"""


@pytest.fixture(scope="module")
def farm() -> Iterator[DemoFarm]:
    with DemoFarm(2024) as running:
        yield running


def scrapy(tmp_path: Path, *args: str, env: dict | None = None) -> tuple[list[dict], str]:
    """Run scrapy with the project settings (pipelines off); (items, log text)."""
    feed, log = tmp_path / "items.jsonl", tmp_path / "crawl.log"
    command = [
        sys.executable, "-m", "scrapy", *args, "-O", f"{feed}:jsonlines",
        "-s", "ITEM_PIPELINES={}", "-s", "EXTENSIONS={}", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "FEED_EXPORT_FIELDS=source_url,kind", "-s", f"LOG_FILE={log}",
    ]  # fmt: skip
    run = subprocess.run(command, cwd=REPO, env={**os.environ, **(env or {})}, timeout=300)
    text = log.read_text(errors="replace")
    assert run.returncode == 0, text[-3000:]
    items = [json.loads(line) for line in feed.read_text().splitlines()] if feed.exists() else []
    return items, text


def oneoff(
    tmp_path: Path, url: str, max_pages: int, family: str | None = "generic"
) -> tuple[list[dict], str]:
    """A one-off crawl from `url` (`family=None`: fingerprinted, as `govcrawl crawl URL`)."""
    module = tmp_path / "oneoff_spider.py"
    module.write_text(ONEOFF.format(url=url, max_pages=max_pages, family=family), "utf-8")
    return scrapy(tmp_path, "runspider", str(module))


def stat(log: str, key: str) -> int:
    match = re.search(rf"'{re.escape(key)}': (\d+)", log)
    return int(match.group(1)) if match else 0


def test_project_settings_are_polite() -> None:
    settings = get_project_settings()
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    assert 1 <= settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 6  # a browser opens 6
    assert 0 < settings.getint("DOWNLOAD_MAXSIZE") <= 1024**3


def test_a_link_fenced_by_robots_is_never_fetched(farm: DemoFarm, tmp_path: Path) -> None:
    items, log = oneoff(tmp_path, farm.urls["trs"] + "/", max_pages=60)
    fenced = farm.sites["trs"].disallow
    assert fenced
    assert stat(log, "robotstxt/forbidden") >= 1  # the crawl reached the fenced link …
    hits = [p for s, _m, p, _c in farm.request_log if s == "trs" and p.startswith(fenced)]
    assert hits == []  # … and did not fetch it
    expected = {t["url"] for t in farm.ground_truth() if t["site"] == "trs" and not t["seed"]}
    assert expected <= {i["source_url"] for i in items}  # one-off discovery found the reports


def test_the_page_budget_bounds_list_and_navigation_pages(farm: DemoFarm, tmp_path: Path) -> None:
    before = len(farm.request_log)
    _items, log = oneoff(tmp_path, farm.urls["ucap"] + "/", max_pages=3)
    assert stat(log, "govcrawl/fetch/budget_exhausted") >= 1
    pages = [
        p
        for s, _m, p, _c in farm.request_log[before:]
        if s == "ucap" and p != "/robots.txt" and not re.search(r"/art/|/t\d{8}_|\.pdf$", p)
    ]
    assert 0 < len(pages) <= 3, pages


def test_responses_over_download_maxsize_are_dropped(farm: DemoFarm, tmp_path: Path) -> None:
    manifest = tmp_path / "farm.json"
    farm.write_manifest(manifest)
    limit = 60_000
    env = {"GOVCRAWL_DEMO_MANIFEST": str(manifest)}
    items, log = scrapy(
        tmp_path, "crawl", "demo_ucap_county", "-s", f"DOWNLOAD_MAXSIZE={limit}", env=env
    )
    pages = farm.sites["ucap"].pages
    truth = [t for t in farm.ground_truth() if t["site"] == "ucap"]
    large = {t["url"] for t in truth if len(pages[t["path"]].body) > limit}
    base = farm.urls["ucap"]
    # a file linked only from a page that is too large is not reached either
    small = {
        t["url"]
        for t in truth
        if t["url"] not in large and base + (t["parent_path"] or "") not in large
    }
    assert large and small
    found = {i["source_url"] for i in items}
    assert found == small
    assert "Cancelling download" in log or "larger than download max size" in log


@pytest.mark.parametrize("site", ["gkmlpt", "ucap", "hanweb"])
def test_oneoff_crawl_of_a_home_page_finds_every_report(
    site: str, farm: DemoFarm, tmp_path: Path
) -> None:
    items, _log = oneoff(tmp_path, farm.urls[site] + "/", max_pages=60, family=None)
    expected = {t["url"] for t in farm.ground_truth() if t["site"] == site and not t["seed"]}
    decoys = {d["url"] for d in farm.decoys() if d["site"] == site}
    found = {i["source_url"] for i in items}
    assert expected <= found
    assert found & decoys == set()
