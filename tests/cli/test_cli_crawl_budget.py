"""`govcrawl crawl --max-pages N` sets each crawled portal's page budget, and says when it ran
out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from govcrawl.demo_farm.farm import DemoFarm

REPO = Path(__file__).resolve().parents[2]


def crawl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "govcrawl", "crawl", *args, "--quiet"],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def test_max_pages_limits_the_list_pages_and_the_error_row_names_it(tmp_path: Path) -> None:
    with DemoFarm(2024) as farm:
        manifest = tmp_path / "farm.json"
        farm.write_manifest(manifest)
        out = tmp_path / "out"
        done = crawl(
            "demo_trs_city", "--manifest", str(manifest), "--out", str(out), "--max-pages", "2"
        )
        list_pages = [p for _, _, p, _ in farm.request_log if "/index" in p or p.endswith("/")]
    assert done.returncode in (0, 1), done.stderr[-2000:]
    assert len(set(list_pages)) <= 2
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text("utf-8").splitlines()]
    budget = [e for e in errors if "page budget exhausted" in e["reason"]]
    assert len(budget) == 1
    assert (
        "demo_trs_city" in budget[0]["reason"] and "2 list/navigation pages" in budget[0]["reason"]
    )


def test_max_pages_must_be_positive(tmp_path: Path) -> None:
    done = crawl("http://127.0.0.1:9/", "--out", str(tmp_path / "out"), "--max-pages", "0")
    assert done.returncode == 2
    assert "must be 1 or more" in done.stderr
