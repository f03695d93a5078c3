"""A one-off start URL that is itself a report file becomes one record (no parent page).

The crawl runs `govcrawl crawl URL` in a subprocess (a Twisted reactor cannot restart
in-process) against the farm's town site, whose reports are opaque upload paths.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy.http import Response

from govcrawl.demo_farm.farm import DemoFarm
from govcrawl.fetch.oneoff import spider_for_url
from tests.fetch.conftest import html, items_of, raw, requests_of

pytestmark = pytest.mark.xdist_group("fetch_farm")

REPO = Path(__file__).resolve().parents[2]
BASE = "http://127.0.0.1:8001"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"


@pytest.fixture(scope="module")
def farm() -> Iterator[DemoFarm]:
    with DemoFarm(2024) as running:
        yield running


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def test_crawl_of_a_report_pdf_url_gives_its_record(farm: DemoFarm, tmp_path: Path) -> None:
    [truth, *_] = [
        e
        for e in farm.ground_truth()
        if e["site"] == "town" and e["format"] == "pdf" and not e["broken"]
    ]
    out = tmp_path / "out"
    command = [sys.executable, "-m", "govcrawl", "crawl", truth["url"], "--out", str(out)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    result = subprocess.run(
        [*command, "--quiet", "-s", "AUTOTHROTTLE_ENABLED=False"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, (out / "crawl.log").read_text(errors="replace")[-3000:]
    [record] = read_jsonl(out / "records.jsonl")
    assert (record["year"], record["agency"]) == (truth["year"], truth["agency"])
    source = record["source"]
    assert (source["url"], source["kind"], source["parent_url"]) == (
        truth["url"],
        "attachment",
        None,
    )
    assert read_jsonl(out / "errors.jsonl") == []


def test_a_file_url_is_not_fingerprinted_and_never_rendered() -> None:
    url = "http://127.0.0.1:9/uploads/2024/01/17051234.pdf"  # nothing listens: no fetch
    spider = spider_for_url(url)()
    assert spider.family == "generic"
    rendered = spider_for_url(url, family="jsonapi")()
    start = rendered.start_request(url)
    assert "playwright" not in start.meta and start.callback == rendered.parse


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Type": "application/pdf"},
        {
            "Content-Type": "application/octet-stream",
            "Content-Disposition": 'attachment; filename="%E5%B9%B4%E6%8A%A5.pdf"',
        },
    ],
    ids=["content-type", "disposition"],
)
def test_start_page_answered_with_a_document_is_a_report_file(headers: dict) -> None:
    url = f"{BASE}/download?id=42"
    spider = spider_for_url(url, family="generic")()
    start = spider.start_request(url)
    response = raw(url, PDF, headers, meta=start.meta)
    results = list(spider.parse(response))
    [item] = items_of(results)
    assert (item["kind"], item["parent_url"], item["list_url"]) == ("attachment", None, None)
    assert item["source_url"] == url and item["body"] == PDF
    assert not requests_of(results)


def test_only_the_start_page_is_taken_as_a_report_file() -> None:
    url = f"{BASE}/download?id=42"
    spider = spider_for_url(f"{BASE}/", family="generic")()
    followed = raw(url, PDF, {"Content-Type": "application/pdf"}, cls=Response)
    assert list(spider.parse(followed)) == []
    start = spider.start_request(f"{BASE}/")
    page = html(f"{BASE}/", "<html><body><p>首页</p></body></html>", meta=start.meta)
    assert items_of(spider.parse(page)) == []
