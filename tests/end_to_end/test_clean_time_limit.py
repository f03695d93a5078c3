"""A crawl whose documents overrun the clean time limit still finishes and loses nothing.

`GOVCRAWL_CLEAN_TIMEOUT` is set far below what a PDF or Word report takes (a tiny text file
may still beat it), so those are stopped in their worker process: the crawl must go on,
report one `clean` error for each, and still hold its response in the WARC for a later
replay with a sane limit.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from govcrawl.demo_farm.farm import DemoFarm
from govcrawl.store import Dataset

REPO = Path(__file__).resolve().parents[2]
PORTAL = "demo_town"  # HTML, PDF, DOC, DOCX and TXT reports


def test_reports_over_the_time_limit_become_errors_not_a_stopped_crawl(tmp_path: Path) -> None:
    with DemoFarm(2024) as farm:
        manifest = tmp_path / "farm.json"
        farm.write_manifest(manifest)
        done = subprocess.run(
            [sys.executable, "-m", "govcrawl", "crawl", PORTAL, "--manifest", str(manifest),
             "--out", str(tmp_path), "--quiet", "-s", "GOVCRAWL_CLEAN_TIMEOUT=0.001"],
            cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        truth = {farm.urls["town"] + entry["path"] for entry in farm.sites["town"].truth}
    assert done.returncode == 0, done.stderr[-3000:]

    dataset = Dataset(tmp_path)
    errors = dataset.query("SELECT url, stage, reason FROM errors")
    cleaned_late = {url for url, stage, reason in errors if stage == "clean"}
    assert all("GOVCRAWL_CLEAN_TIMEOUT" in r for _, stage, r in errors if stage == "clean")
    recorded = {record["source"]["url"] for record in dataset.records()}
    assert cleaned_late | recorded == truth
    assert not cleaned_late & recorded
    assert {url for url in truth if url.endswith((".pdf", ".doc", ".docx"))} <= cleaned_late

    archived = set()
    for path in (tmp_path / "warc").glob("*.warc.gz"):
        with path.open("rb") as stream:
            archived |= {
                r.rec_headers.get_header("WARC-Target-URI")
                for r in ArchiveIterator(stream)
                if r.rec_type == "response"
            }
    assert cleaned_late <= archived
