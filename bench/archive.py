"""Archive benchmarks: what archiving costs, how our crawler compares with `wget --warc-file`,
and whether a crawl's memory stays flat as the portal grows.

- `archive_overhead`: the same crawl of the farm's portals (browser portal and the OCR-heavy
  town portal left out, so archiving is not hidden behind Chromium or tesseract) with the WARC
  extension on ÷ off (goal ≤ 1.10); best of three runs each, alternated so drift hits both.
- `vs_wget`: govcrawl pages/s ÷ Debian `wget --recursive --warc-file` pages/s on the same
  latency-bound portal — the farm's bulk city portal (`demo_farm/sites/bulk.py`, 1,000 pages,
  every answer after 50 ms; goal ≥ 2), big enough that process start-up (Scrapy, Playwright)
  is amortised. Both fetch and archive only (our clean/extract pipelines off), start-up
  included for both, with govcrawl's shipped politeness settings. Pages are response records
  in each tool's WARC, so each is credited with what it actually archived.
- `rss_10k_over_1k`: peak RSS of a full govcrawl crawl (pipelines on) of a 10,000-page bulk
  portal ÷ that of a 1,000-page one (goal ≤ 1.2): the WARC writer, dedup index, dupefilter,
  extensions and store must not hold something per page or per record.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from bench.common import govcrawl_cmd, timed, write_result
from bench.discovery import count_responses
from govcrawl.demo_farm.farm import DemoFarm, SiteServer
from govcrawl.demo_farm.sites.bulk import BulkSite, registry_entry
from govcrawl.demo_farm.sites.bulk import build as build_bulk

PORTALS = ["demo_trs_city", "demo_hanweb_county", "demo_vsb_bureau", "demo_mirror"]
REPEAT = 3
LATENCY = 0.05
WGET_PAGES = 1000
RSS_PAGES = (1000, 10_000)


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


def _bulk_registry(tmp: Path, url: str, site: BulkSite) -> Path:
    path = tmp / f"bulk{site.page_count}.toml"
    path.write_text(registry_entry(url, site), encoding="utf-8")
    return path


def versus_wget(tmp: Path, *, overrides: tuple[str, ...] = ()) -> dict[str, float]:
    """`overrides` (extra `-s NAME=VALUE` words) exist for what-if runs, not the result."""
    wget = shutil.which("wget")
    if wget is None:
        return {"vs_wget": float("nan"), "vs_wget_note": "wget not installed"}
    site = build_bulk(2024, WGET_PAGES)
    with SiteServer(site, latency=LATENCY) as server:
        registry = _bulk_registry(tmp, server.url, site)
        ours_out = tmp / "ours"
        # Fetch and archive only, as wget does: no clean/extract pipelines.
        ours_s, _ = timed(
            govcrawl_cmd("crawl", "bulk_city", "--registry", str(registry), "--out",
                         str(ours_out), "--quiet", "-s", "ITEM_PIPELINES={}", *overrides)
        )  # fmt: skip
        ours_pages = count_responses(ours_out / "warc")
        wget_dir = tmp / "wget"
        wget_dir.mkdir()
        wget_s, _ = timed(
            [wget, "--recursive", "--level=inf", "--no-verbose", "--warc-file",
             str(wget_dir / "wget"), "--directory-prefix", str(wget_dir / "files"),
             server.url + "/"],
        )  # fmt: skip
        wget_pages = count_responses(wget_dir)
    return {
        "vs_wget": round((ours_pages / ours_s) / (wget_pages / wget_s), 3),
        "vs_wget_goal": 2.0,
        "portal_pages": site.page_count,
        "govcrawl_pages": ours_pages,
        "govcrawl_seconds": round(ours_s, 2),
        "wget_pages": wget_pages,
        "wget_seconds": round(wget_s, 2),
        "latency_s": LATENCY,
    }


def rss_growth(tmp: Path) -> dict[str, float]:
    """Peak RSS of a full crawl of the big bulk portal ÷ of the small one."""
    result: dict[str, float] = {}
    for pages in RSS_PAGES:
        site = build_bulk(2024, pages)
        with SiteServer(site) as server:
            registry = _bulk_registry(tmp, server.url, site)
            out = tmp / f"rss{pages}"
            seconds, rss = timed(
                govcrawl_cmd("crawl", "bulk_city", "--registry", str(registry), "--out",
                             str(out), "--quiet")
            )  # fmt: skip
        result[f"rss_pages_{pages}"] = count_responses(out / "warc")
        result[f"rss_seconds_{pages}"] = round(seconds, 2)
        result[f"rss_peak_kib_{pages}"] = rss
    small, big = (result[f"rss_peak_kib_{pages}"] for pages in RSS_PAGES)
    ratio = big / small if small else float("nan")  # 0: no /usr/bin/time to measure with
    return {"rss_10k_over_1k": round(ratio, 3), "rss_10k_over_1k_goal": 1.2, **result}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        result = overhead(Path(tmp)) | versus_wget(Path(tmp)) | rss_growth(Path(tmp))
    write_result("archive", result)
