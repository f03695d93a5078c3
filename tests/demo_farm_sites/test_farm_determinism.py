"""Same seed → same bytes for every URL, across farms and across processes."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from farm_http import fetch

from govcrawl.demo_farm.farm import DemoFarm
from govcrawl.demo_farm.sites import BUILDERS

FAST_SITES = ("trs", "hanweb", "vsb", "jsportal", "mirror")
"""Sites cheap to rebuild; `town` renders DOCX/DOC/scans and is covered via HTTP only."""

DIGEST = """
import hashlib, json, sys
from govcrawl.demo_farm.sites import BUILDERS
h = hashlib.sha256()
for key in sys.argv[2:]:
    site = BUILDERS[key](int(sys.argv[1]))
    for path in sorted(site.pages):
        r = site.pages[path]
        h.update(path.encode() + r.body + r.content_type.encode() + repr(r.headers).encode())
    h.update(json.dumps([site.truth, site.decoys], ensure_ascii=False, sort_keys=True).encode())
print(h.hexdigest())
"""


def _digest_here(seed: int, keys: tuple[str, ...]) -> str:
    h = hashlib.sha256()
    for key in keys:
        site = BUILDERS[key](seed)
        for path in sorted(site.pages):
            r = site.pages[path]
            h.update(path.encode() + r.body + r.content_type.encode() + repr(r.headers).encode())
        dump = json.dumps([site.truth, site.decoys], ensure_ascii=False, sort_keys=True)
        h.update(dump.encode())
    return h.hexdigest()


def test_fresh_build_in_another_process_is_identical() -> None:
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", DIGEST, "2024", *FAST_SITES],
        capture_output=True,
        text=True,
        env=env,
        cwd=root,
        check=True,
        timeout=120,
    )
    assert out.stdout.strip() == _digest_here(2024, FAST_SITES)


def test_another_seed_changes_the_bytes() -> None:
    assert _digest_here(2024, ("jsportal",)) != _digest_here(7, ("jsportal",))


def test_two_farms_serve_the_same_bytes(farm: DemoFarm) -> None:
    with DemoFarm(2024) as other:
        assert set(other.urls.values()).isdisjoint(farm.urls.values())
        pairs = zip(farm.ground_truth(), other.ground_truth(), strict=True)
        for mine, theirs in pairs:
            assert mine["path"] == theirs["path"]
            a, b = fetch(mine["url"]), fetch(theirs["url"])
            assert a.body == b.body and a.headers["etag"] == b.headers["etag"]
            assert a.headers["last-modified"] == b.headers["last-modified"]


def test_head_has_headers_but_no_body(farm: DemoFarm) -> None:
    entry = next(e for e in farm.ground_truth() if e["format"] == "pdf")
    head = fetch(entry["url"], method="HEAD")
    full = fetch(entry["url"])
    assert head.status == 200 and head.body == b""
    assert head.headers["content-length"] == str(len(full.body))
    assert head.headers["etag"] == full.headers["etag"]


def test_urls_need_a_start_or_fixed_ports() -> None:
    ports = {"trs": 18101, "hanweb": 18102, "vsb": 1, "town": 2, "jsportal": 3, "mirror": 4,
             "gkmlpt": 5, "ucap": 6}  # fmt: skip
    assert DemoFarm(2024, ports=ports).urls["trs"] == "http://127.0.0.1:18101"
    with pytest.raises(RuntimeError):
        DemoFarm(2024).ground_truth()
    with pytest.raises(ValueError):
        DemoFarm(2024, ports={"nosuchsite": 1})
