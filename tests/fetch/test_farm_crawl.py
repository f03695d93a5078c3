"""Every registry spider against the demo farm: all report copies found, no decoy taken.

The farm runs in this process on free ports; each portal is crawled by `scrapy crawl` in a
subprocess (the way the project runs it), with the other stages switched off (no pipelines,
no extensions) and the items written to a JSON Lines feed. The crawls run concurrently.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from govcrawl.demo_farm.farm import DemoFarm
from govcrawl.demo_farm.seeds import seed_truth
from govcrawl.fetch.registry import PortalEntry, load_registry

pytestmark = pytest.mark.xdist_group("fetch_farm")

REPO = Path(__file__).resolve().parents[2]
FIELDS = "source_url,final_url,kind,parent_url,list_url,title_hint,content_type,filename,portal"
ENTRIES = {e.id: e for e in load_registry(resolve=False) if e.is_demo}


def site_of(entry: PortalEntry) -> str:
    """The farm site a demo entry crawls (the SITE of its `{demo:SITE}` start URLs)."""
    [site] = {re.match(r"\{demo:(\w+)\}", u).group(1) for u in entry.raw_start_urls}
    return site


@pytest.fixture(scope="module")
def farm() -> Iterator[DemoFarm]:
    with DemoFarm(2024) as running:
        yield running


@pytest.fixture(scope="module")
def crawls(farm: DemoFarm, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    out = tmp_path_factory.mktemp("fetch_farm")
    manifest = out / "farm.json"
    farm.write_manifest(manifest)
    env = {**os.environ, "GOVCRAWL_DEMO_MANIFEST": str(manifest), "PYTHONUNBUFFERED": "1"}
    commands = {}
    for portal in ENTRIES:
        feed = out / f"{portal}.jsonl"
        commands[portal] = [
            sys.executable, "-m", "scrapy", "crawl", portal,
            "-O", f"{feed}:jsonlines",
            "-s", "ITEM_PIPELINES={}", "-s", "EXTENSIONS={}",
            "-s", f"FEED_EXPORT_FIELDS={FIELDS}",
            "-s", "AUTOTHROTTLE_ENABLED=False",
            "-s", f"LOG_FILE={out / (portal + '.log')}",
            # disk queues pickle every request: what scrapy-redis's shared queue needs too
            "-s", f"JOBDIR={out / (portal + '.job')}",
        ]  # fmt: skip
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        codes = dict(
            zip(
                commands,
                pool.map(
                    lambda args: subprocess.run(args, cwd=REPO, env=env, timeout=300).returncode,
                    commands.values(),
                ),
                strict=True,
            )
        )
    results = {}
    for portal, code in codes.items():
        feed = out / f"{portal}.jsonl"
        items = (
            [json.loads(line) for line in feed.read_text().splitlines()] if feed.exists() else []
        )
        log = (out / f"{portal}.log").read_text(errors="replace")
        results[portal] = {"code": code, "items": items, "log": log}
    return results


def expected_copies(farm: DemoFarm, site: str) -> dict[str, dict]:
    """The farm's report copies on a site, less seed pages the farm labels non-reports."""
    out = {}
    for entry in farm.ground_truth():
        if entry["site"] != site:
            continue
        if entry.get("seed") and "not_annual_report" in seed_truth(entry["seed"])["flags"]:
            continue
        out[entry["url"]] = entry
    return out


@pytest.mark.parametrize("portal", sorted(ENTRIES))
def test_portal_crawl_finds_every_report_and_no_decoy(
    portal: str, farm: DemoFarm, crawls: dict[str, dict]
) -> None:
    result = crawls[portal]
    assert result["code"] == 0, result["log"][-3000:]
    assert "Traceback" not in result["log"], result["log"][-3000:]
    site = site_of(ENTRIES[portal])
    expected = expected_copies(farm, site)
    found = {item["source_url"]: item for item in result["items"]}
    decoys = {d["url"] for d in farm.decoys() if d["site"] == site}
    assert expected, f"the farm serves no report on {site}"
    assert set(expected) - set(found) == set()
    assert set(found) & decoys == set()
    assert set(found) - set(expected) == set()
    for url, item in found.items():
        assert item["kind"] == expected[url]["kind"], url
        assert item["portal"] == portal
    assert len(result["items"]) == len(found), "an item was yielded twice"


@pytest.mark.parametrize("portal", sorted(ENTRIES))
def test_every_request_can_be_queued_on_disk(portal: str, crawls: dict[str, dict]) -> None:
    """Callbacks, errbacks and meta of every request survive pickling (JOBDIR, scrapy-redis)."""
    log = crawls[portal]["log"]
    assert "'scheduler/enqueued/disk'" in log, log[-3000:]
    assert "scheduler/unserializable" not in log
    assert "'scheduler/enqueued/memory'" not in log


def test_no_request_under_a_robots_disallow(farm: DemoFarm, crawls: dict[str, dict]) -> None:
    assert crawls
    fenced = {key: site.disallow for key, site in farm.sites.items() if site.disallow}
    assert fenced, "the farm fences nothing off; this test would prove nothing"
    hits = [
        (site, path)
        for site, _method, path, _status in farm.request_log
        if any(path.startswith(prefix) for prefix in fenced.get(site, ()))
    ]
    assert hits == []


def test_attachments_name_their_report_page(farm: DemoFarm, crawls: dict[str, dict]) -> None:
    truth = {t["url"]: t for t in farm.ground_truth()}
    urls = farm.urls
    checked = 0
    for result in crawls.values():
        for item in result["items"]:
            parent = truth.get(item["source_url"], {}).get("parent_path")
            if item["kind"] == "attachment" and parent:
                site = truth[item["source_url"]]["site"]
                assert item["parent_url"] == urls[site] + parent
                checked += 1
    assert checked


def _last_list_page(farm: DemoFarm, site: str) -> str:
    """A regex for the request target of a site's last list page, from the farm's own build."""
    built = farm.sites[site]
    if site in ("trs", "ucap"):
        ext = "html" if site == "trs" else "shtml"
        numbered = [p for p in built.pages if re.fullmatch(rf"/xxgk/ndbg/index_\d+\.{ext}", p)]
        last = max(numbered, key=lambda p: int(re.search(r"_(\d+)\.", p).group(1)))
        return re.escape(last) + "$"
    if site == "vsb":
        return r"^/xxgk/ndbg/1\.htm$"
    if site == "hanweb":
        column = next(r.body for p, r in built.pages.items() if b"var perpage" in r.body)
        perpage = int(re.search(rb"var perpage = (\d+)", column).group(1))
        last = (len(built.records) - 1) // perpage * perpage + 1
        return rf"dataproxy\.jsp\?.*\bstartrecord={last}(&|$)"
    if site == "jsportal":
        return rf"^/xxgk/ndbg/list\.html\?page={-(-len(built.items) // 10)}$"
    if site == "gkmlpt":
        articles = max(built.catalogues.values(), key=len)
        return rf"^/gkmlpt/api/all/\d+\?page={-(-len(articles) // 5)}&sid=\d+$"
    raise KeyError(site)


@pytest.mark.parametrize(
    "portal", sorted(p for p in ENTRIES if site_of(ENTRIES[p]) not in ("town", "mirror"))
)
def test_pagination_reaches_the_last_page(
    portal: str, farm: DemoFarm, crawls: dict[str, dict]
) -> None:
    assert crawls[portal]["code"] == 0
    site = site_of(ENTRIES[portal])
    last = _last_list_page(farm, site)
    targets = [path for s, _m, path, status in farm.request_log if s == site and status == 200]
    assert any(re.search(last, target) for target in targets), (last, targets)


def test_rendered_list_pages_fetch_shared_static_files_once(
    farm: DemoFarm, crawls: dict[str, dict]
) -> None:
    """Chromium's cache is off under scrapy-playwright; the crawl's own cache stands in."""
    assert crawls["demo_jsportal"]["code"] == 0
    fetched = [path for s, _m, path, _status in farm.request_log if s == "jsportal"]
    assert sum(path.startswith("/xxgk/ndbg/list.html") for path in fetched) >= 2
    assert [path for path in fetched if path.startswith("/static/")] == ["/static/list.js"]
