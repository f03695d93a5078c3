"""A JS-only portal entered at its home page: discovery reaches the rendered lists.

The home page is no list shell: it is read by generic discovery, which follows the 年报 column
to the script-written list, and only that list waits for its links. Two real crawls run, in
subprocesses at the same time (a Twisted reactor cannot restart in-process): `govcrawl crawl`
of the home page (fingerprinted as jsonapi), and `govcrawl crawl ID` of the entry `new-portal`
wrote for that home page. The test skeleton `new-portal` wrote is run with pytest too.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy.utils.request import request_from_dict

from govcrawl.demo_farm.farm import DemoFarm
from govcrawl.fetch.families.jsonapi import LINK_SELECTOR, wait_for_list
from govcrawl.fetch.newportal import new_portal
from govcrawl.fetch.registry import DEFAULT_REGISTRY, PortalEntry
from tests.fetch.conftest import html, make_spider, requests_of

pytestmark = pytest.mark.xdist_group("fetch_farm")

REPO = Path(__file__).resolve().parents[2]
BASE = "http://127.0.0.1:8001"
HOME = """<html><head><script src="/static/app.js"></script></head><body>
<nav><a href="/xxgk/ndbg/list.html?page=1">政府信息公开年报</a>
<a href="/hdjl.html">互动交流</a></nav>
<div id="report-box"><p>欢迎访问</p></div></body></html>"""


@pytest.fixture(scope="module")
def farm() -> Iterator[DemoFarm]:
    with DemoFarm(2024) as running:
        yield running


def crawl_command(out: Path, *args: str) -> list[str]:
    fast = ["-s", "AUTOTHROTTLE_ENABLED=False"]  # the farm needs no politeness
    return [sys.executable, "-m", "govcrawl", "crawl", *args, *fast, "--out", str(out), "--quiet"]


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def runs(farm: DemoFarm, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The new-portal entry and test, and both crawls' output folders (run concurrently)."""
    work = tmp_path_factory.mktemp("jsportal_home")
    registry = work / "portals.toml"
    shutil.copy(DEFAULT_REGISTRY, registry)
    home = farm.urls["jsportal"] + "/"
    entry, test_path = new_portal(
        "平凉市人民政府门户网站", home, registry_path=registry, tests_dir=work / "portals"
    )
    outs = {"oneoff": work / "oneoff", "entry": work / "entry"}
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    commands = {
        "oneoff": crawl_command(outs["oneoff"], home),
        "entry": crawl_command(outs["entry"], entry.id, "--registry", str(registry)),
    }
    processes = {
        key: subprocess.Popen(args, cwd=REPO, env=env, stdout=subprocess.DEVNULL)
        for key, args in commands.items()
    }
    codes = {key: process.wait(timeout=300) for key, process in processes.items()}
    return {"entry": entry, "test_path": test_path, "outs": outs, "codes": codes}


def expected_urls(farm: DemoFarm) -> set[str]:
    return {e["url"] for e in farm.ground_truth() if e["site"] == "jsportal"}


@pytest.mark.parametrize("run", ["oneoff", "entry"])
def test_home_page_crawl_finds_every_report(run: str, farm: DemoFarm, runs: dict) -> None:
    out: Path = runs["outs"][run]
    assert runs["codes"][run] == 0, (out / "crawl.log").read_text(errors="replace")[-3000:]
    records = read_jsonl(out / "records.jsonl")
    assert {r["source"]["url"] for r in records} == expected_urls(farm)
    assert len(records) == len(expected_urls(farm)) == 12
    errors = out / "errors.jsonl"
    assert not (errors.exists() and read_jsonl(errors)), errors.read_text("utf-8")
    assert "TimeoutError" not in (out / "crawl.log").read_text(errors="replace")


def test_new_portal_entry_and_its_test_skeleton_pass(runs: dict) -> None:
    entry: PortalEntry = runs["entry"]
    assert (entry.family, entry.needs_browser) == ("jsonapi", True)
    test_path: Path = runs["test_path"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_written_skeleton_fails_when_the_home_page_loses_its_column(runs: dict) -> None:
    test_path: Path = runs["test_path"]
    copy = test_path.parent / "broken" / test_path.name
    (copy.parent / "pages").mkdir(parents=True, exist_ok=True)
    copy.write_text(test_path.read_text("utf-8"), "utf-8")
    page = copy.parent / "pages" / f"{runs['entry'].id}.html"
    page.write_text("<html><body><p>栏目改版中</p></body></html>", "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(copy)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stdout + result.stderr


def test_rendered_page_without_report_links_is_discovered_generically() -> None:
    spider = make_spider("jsonapi", f"{BASE}/")
    requests = requests_of(spider.parse(html(f"{BASE}/", HOME)))
    [column] = requests
    assert column.url == f"{BASE}/xxgk/ndbg/list.html?page=1"
    assert column.callback == spider.parse and column.meta["playwright"] is True
    # a page not yet known to be a list does not wait for report links: wait_for_list
    # waits only when the loaded page is still a list shell
    [method] = column.meta["playwright_page_methods"]
    assert method.method is wait_for_list and LINK_SELECTOR not in method.args


def test_start_and_discovery_requests_can_be_queued_on_disk() -> None:
    spider = make_spider("jsonapi", f"{BASE}/")
    start = spider.start_request(spider.start_urls[0])
    [column] = requests_of(spider.parse(html(f"{BASE}/", HOME)))
    for request in (start, column):
        queued = pickle.loads(pickle.dumps(request.to_dict(spider=spider)))
        copy = request_from_dict(queued, spider=spider)
        [method] = copy.meta["playwright_page_methods"]
        assert method.method is wait_for_list
