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
- `recrawl_bytes_ratio`: a second crawl of the unchanged farm (every portal) writes this share
  of the first crawl's WARC bytes (issue 4 asks ≤ 0.05), with the share per portal and the
  bytes each unchanged exchange costs (its revisit record plus its request record). For
  scale, the same two crawls of the bulk portal by govcrawl and by `wget --warc-file` with
  `--warc-dedup` on its first run's CDX: `recrawl_exchange_bytes_vs_wget` is our bytes per
  unchanged exchange ÷ wget's, and `recrawl_bulk_seconds_ratio` our second crawl's time ÷ the
  first's (a re-crawl answered with 304s must not be slower than the crawl it repeats).
- `rss_10k_over_1k`: peak RSS of a full govcrawl crawl (pipelines on) of a 10,000-page bulk
  portal ÷ that of a 1,000-page one (goal ≤ 1.2): the WARC writer, dedup index, dupefilter,
  extensions and store must not hold something per page or per record.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections import Counter
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from bench.common import govcrawl_cmd, timed, write_result
from bench.discovery import count_responses
from govcrawl.demo_farm.farm import DemoFarm, SiteServer
from govcrawl.demo_farm.sites.bulk import BulkSite, registry_entry
from govcrawl.demo_farm.sites.bulk import build as build_bulk

PORTALS = ["demo_trs_city", "demo_hanweb_county", "demo_vsb_bureau", "demo_mirror"]
REPEAT = 3
LATENCY = 0.05
WGET_PAGES = 1000
RECRAWL_PAGES = 300
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


def _new_warcs(warc_dir: Path, before: set[Path]) -> set[Path]:
    return set(warc_dir.glob("*.warc.gz")) - before


def _portal(path: Path) -> str:
    match = re.match(r"govcrawl-(.+)-\d{20}-", path.name)
    return match.group(1) if match else path.name


def _bytes_per_exchange(paths: set[Path]) -> float:
    """Bytes of revisit + request records ÷ revisits: what one unchanged exchange costs."""
    revisits = exchange_bytes = 0
    for path in paths:
        with path.open("rb") as stream:
            records = ArchiveIterator(stream)
            for record in records:
                record.content_stream().read()
                if record.rec_type in ("revisit", "request"):
                    exchange_bytes += records.get_record_length()
                    revisits += record.rec_type == "revisit"
    return exchange_bytes / revisits if revisits else float("nan")


def _farm_recrawl(tmp: Path) -> dict[str, object]:
    out = tmp / "recrawl"
    warc_dir = out / "warc"
    runs: list[set[Path]] = []
    with DemoFarm(2024) as farm:
        manifest = tmp / "recrawl-farm.json"
        farm.write_manifest(manifest)
        for _ in range(2):
            before = set(warc_dir.glob("*.warc.gz"))
            timed(govcrawl_cmd("crawl", "--all", "--manifest", str(manifest), "--out", str(out),
                               "--quiet"))  # fmt: skip
            runs.append(_new_warcs(warc_dir, before))
    size = [Counter[str]() for _ in runs]
    for counter, paths in zip(size, runs, strict=True):
        for path in paths:
            counter[_portal(path)] += path.stat().st_size
    first, second = (sum(counter.values()) for counter in size)
    return {
        "recrawl_bytes_ratio": round(second / first, 4),
        "recrawl_bytes_ratio_goal": 0.05,
        "recrawl_first_bytes": first,
        "recrawl_second_bytes": second,
        "recrawl_exchange_bytes": round(_bytes_per_exchange(runs[1])),
        "recrawl_ratio_by_portal": {
            portal: round(size[1][portal] / size[0][portal], 4) for portal in sorted(size[0])
        },
    }


def _bulk_recrawl(tmp: Path) -> dict[str, object]:
    """Two crawls of the bulk portal by govcrawl and by wget (`--warc-dedup`): bytes compared."""
    wget = shutil.which("wget")
    if wget is None:
        return {"recrawl_exchange_bytes_vs_wget": float("nan"), "recrawl_note": "no wget"}
    site = build_bulk(2024, RECRAWL_PAGES)
    ours_dir = tmp / "bulk-recrawl" / "warc"
    ours: list[set[Path]] = []
    theirs: list[Path] = []
    seconds: list[float] = []
    with SiteServer(site) as server:
        registry = _bulk_registry(tmp, server.url, site)
        for run in (1, 2):
            before = set(ours_dir.glob("*.warc.gz"))
            elapsed, _ = timed(
                govcrawl_cmd("crawl", "bulk_city", "--registry", str(registry), "--out",
                             str(ours_dir.parent), "--quiet", "-s", "ITEM_PIPELINES={}")
            )  # fmt: skip
            ours.append(_new_warcs(ours_dir, before))
            seconds.append(elapsed)
            wget_dir = tmp / f"wget-recrawl{run}"
            wget_dir.mkdir()
            dedup = [f"--warc-dedup={tmp / 'wget-recrawl1' / 'wget.cdx'}"] if run == 2 else []
            timed(
                [wget, "--recursive", "--level=inf", "--no-verbose", "--warc-file",
                 str(wget_dir / "wget"), "--warc-cdx", "--directory-prefix",
                 str(wget_dir / "files"), *dedup, server.url + "/"],
                ok_codes=(0, 8),
            )  # fmt: skip
            theirs.append(wget_dir / "wget.warc.gz")

    def ratio(first: set[Path], second: set[Path]) -> float:
        return sum(p.stat().st_size for p in second) / sum(p.stat().st_size for p in first)

    ours_exchange = _bytes_per_exchange(ours[1])
    wget_exchange = _bytes_per_exchange({theirs[1]})
    return {
        "recrawl_exchange_bytes_vs_wget": round(ours_exchange / wget_exchange, 3),
        "recrawl_bulk_exchange_bytes": round(ours_exchange),
        "recrawl_bulk_exchange_bytes_wget": round(wget_exchange),
        "recrawl_bulk_ratio": round(ratio(ours[0], ours[1]), 4),
        "recrawl_bulk_ratio_wget": round(ratio({theirs[0]}, {theirs[1]}), 4),
        "recrawl_bulk_seconds_ratio": round(seconds[1] / seconds[0], 3),
    }


def recrawl(tmp: Path) -> dict[str, object]:
    return _farm_recrawl(tmp) | _bulk_recrawl(tmp)


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
        work = Path(tmp)
        result = overhead(work) | versus_wget(work) | recrawl(work) | rss_growth(work)
    write_result("archive", result)
