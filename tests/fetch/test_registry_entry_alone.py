"""Adding a portal is one registry entry: a new entry, no code, is crawled completely."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from govcrawl.demo_farm.farm import DemoFarm
from govcrawl.store import Dataset

pytestmark = pytest.mark.xdist_group("registry_entry_alone")

ENTRY = """
[[portal]]
id = "added_by_entry"
name = "新加的门户"
agency = "定西市人民政府"
region = "甘肃省定西市"
level = "city"
family = "vsb"
kind = "portal"
start_urls = ["{demo:vsb}/xxgk/ndbg.htm"]
"""


def test_a_portal_added_by_a_registry_entry_alone_is_crawled_completely(tmp_path: Path) -> None:
    registry = tmp_path / "portals.toml"
    registry.write_text(ENTRY, encoding="utf-8")
    with DemoFarm(2024) as farm:
        manifest = tmp_path / "farm.json"
        farm.write_manifest(manifest)
        out = tmp_path / "out"
        done = subprocess.run(
            [sys.executable, "-m", "govcrawl", "crawl", "added_by_entry", "--registry",
             str(registry), "--manifest", str(manifest), "--out", str(out), "--quiet"],
            capture_output=True, text=True, timeout=600, check=False,
            cwd=Path(__file__).resolve().parents[2],
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-3000:]
        expected = {t["url"] for t in farm.ground_truth() if t["site"] == "vsb"}
        decoys = {d["url"] for d in farm.decoys()}
    found = {r["source"]["url"] for r in Dataset(out).records()}
    assert found == expected
    assert not found & decoys
