"""Archive benchmark: what archiving costs, and how our crawler compares with `wget --warc-file`.

- `archive_overhead`: the same crawl of the farm's portals (browser portal and the OCR-heavy
  town portal left out, so archiving is not hidden behind Chromium or tesseract) with the WARC
  extension on ÷ off (goal ≤ 1.10); best of three runs each, alternated so drift hits both.
- `vs_wget`: govcrawl pages/s ÷ Debian `wget --recursive --warc-file` pages/s on the same
  latency-bound portal (the farm answering after 50 ms; goal ≥ 2), both fetching and archiving
  only (our clean/extract pipelines off), process start-up included for both. Pages are
  response records in each tool's WARC, so each is credited with what it actually archived.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from bench.common import govcrawl_cmd, timed, write_result
from bench.discovery import count_responses
from govcrawl.demo_farm.farm import DemoFarm

PORTALS = ["demo_trs_city", "demo_hanweb_county", "demo_vsb_bureau", "demo_mirror"]
REPEAT = 3
LATENCY = 0.05


def overhead(tmp: Path) -> dict[str, float]:
    with DemoFarm(2024) as farm:
        manifest = tmp / "farm.json"
        farm.write_manifest(manifest)
        best = {"on": float("inf"), "off": float("inf")}
        for i in range(REPEAT):
            for mode in ("on", "off"):
                out = tmp / f"{mode}{i}"
                enabled = "true" if mode == "on" else "false"
                elapsed, _ = timed(
                    govcrawl_cmd(
                        "crawl", *PORTALS, "--manifest", str(manifest), "--out", str(out),
                        "--quiet", "-s", f"GOVCRAWL_WARC_ENABLED={enabled}",
                    )
                )  # fmt: skip
                best[mode] = min(best[mode], elapsed)
    return {
        "archive_overhead": round(best["on"] / best["off"], 3),
        "archive_overhead_goal": 1.10,
        "seconds_on": round(best["on"], 2),
        "seconds_off": round(best["off"], 2),
    }


def versus_wget(tmp: Path) -> dict[str, float]:
    wget = shutil.which("wget")
    if wget is None:
        return {"vs_wget": float("nan"), "vs_wget_note": "wget not installed"}
    with DemoFarm(2024, latency=LATENCY) as farm:
        manifest = tmp / "slow.json"
        farm.write_manifest(manifest)
        ours_out = tmp / "ours"
        # Fetch and archive only, as wget does: no clean/extract pipelines.
        ours_s, _ = timed(
            govcrawl_cmd("crawl", "demo_trs_city", "--manifest", str(manifest), "--out",
                         str(ours_out), "--quiet", "-s", "ITEM_PIPELINES={}")
        )  # fmt: skip
        ours_pages = count_responses(ours_out / "warc")
        wget_dir = tmp / "wget"
        wget_dir.mkdir()
        wget_s, _ = timed(
            [wget, "--recursive", "--level=inf", "--no-verbose", "--warc-file",
             str(wget_dir / "wget"), "--directory-prefix", str(wget_dir / "files"),
             farm.urls["trs"] + "/"],
            ok_codes=(0, 8),  # 8: some link answered 404, as on any real site
        )  # fmt: skip
        wget_pages = count_responses(wget_dir)
    return {
        "vs_wget": round((ours_pages / ours_s) / (wget_pages / wget_s), 3),
        "vs_wget_goal": 2.0,
        "govcrawl_pages": ours_pages,
        "govcrawl_seconds": round(ours_s, 2),
        "wget_pages": wget_pages,
        "wget_seconds": round(wget_s, 2),
        "latency_s": LATENCY,
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        result = overhead(Path(tmp)) | versus_wget(Path(tmp))
    write_result("archive", result)
