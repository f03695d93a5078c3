"""Archive benchmark against scrapy-webarchive: what our WARC capture costs next to theirs.

`vs_scrapy_webarchive` = (time with govcrawl's `WarcCaptureExtension` − time without archiving)
÷ (time with scrapy-webarchive's `WaczExporter` − time without archiving): the archiving cost
of each on the same crawl, so below 1 means ours is cheaper.

Why the crawl is not govcrawl's own: the comparison must isolate the extension, so one plain
Scrapy spider (every same-host link of several farm portals, no item pipelines, no govcrawl
middlewares) runs three times with identical settings except `EXTENSIONS`. Each run is a
separate process (`python -m bench.webarchive MODE OUT URL…`), timed whole, start-up and the
extension's closing work included (for scrapy-webarchive that is the CDXJ index and WACZ zip
it builds from its WARC; for ours the dedup index). Best of `REPEAT`, modes alternated so drift
hits all three. `vs_scrapy_webarchive_cpu` is the same ratio on the crawl process's CPU time
(user + system), which other load on a shared machine disturbs much less than wall time, and
`vs_scrapy_webarchive_in_handlers` the ratio of the CPU seconds the crawl thread spent inside
each extension's signal handlers (where all of either's archiving work runs), the least noisy
of the three but blind to import and set-up costs.

Why `.venv-bench`: scrapy-webarchive 0.5.3 pins Scrapy<2.12, warcio==1.7.4, wacz==0.5.0 and
cdxj-indexer==1.4.5, which cannot coexist with our pins. `.venv-bench` holds it (installed
without dependencies, plus its `warc-knot` reader) and layers our `.venv` beneath, so all three
runs use the same interpreter and the same Scrapy 2.19 / warcio 1.8.1; the extension itself
imports and writes valid WARCs there (each run's WARC is checked with `warcio check`).
"""

from __future__ import annotations

import contextlib
import inspect
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlparse

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response, TextResponse
from scrapy.utils.misc import load_object

from bench.common import REPO, timed, write_result

BENCH_PYTHON = REPO / ".venv-bench" / "bin" / "python"
WARCIO = REPO / ".venv" / "bin" / "warcio"
SITES = ["trs", "hanweb", "vsb", "mirror", "gkmlpt", "ucap"]
SEEDS = (2024,)
"""One farm per seed; more seeds, more portals of each shape (one farm is ~800 pages)."""
REPEAT = 5
MODES = ("none", "webarchive", "govcrawl")

COMMON_SETTINGS = {
    "ROBOTSTXT_OBEY": True,
    "ITEM_PIPELINES": {},
    "LOG_LEVEL": "WARNING",
    "TELNETCONSOLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "DOWNLOAD_DELAY": 0,
}


def mode_settings(mode: str, out: Path) -> dict[str, object]:
    """The only settings that differ between the three runs: which archiving extension."""
    if mode == "none":
        return {"EXTENSIONS": {}}
    if mode == "webarchive":
        return {
            "EXTENSIONS": {"scrapy_webarchive.extensions.WaczExporter": 543},
            "SW_EXPORT_URI": f"{out}/",
        }
    if mode == "govcrawl":
        return {
            "EXTENSIONS": {"govcrawl.archive.capture.WarcCaptureExtension": 100},
            "GOVCRAWL_OUT": str(out),
        }
    raise ValueError(f"unknown mode {mode!r}")


HANDLERS = ("spider_opened", "request_scheduled", "response_downloaded", "spider_closed")
"""Signal handlers of either extension; all their archiving work runs synchronously in them."""


def clocked(original: Callable[..., object], spent: list[float]) -> Callable[..., object]:
    """`original` as a handler that adds the thread CPU seconds it used to `spent[0]`."""
    accepted = set(inspect.signature(original).parameters)

    def handler(self: object, **named: object) -> object:
        # pydispatch passes every signal argument to a **kwargs receiver; keep the ones the
        # original handler takes.
        start = time.thread_time()
        try:
            return original(self, **{k: v for k, v in named.items() if k in accepted})
        finally:
            spent[0] += time.thread_time() - start

    return handler


def clock_handlers(extension: type) -> list[float]:
    """Wrap the extension's signal handlers so the thread CPU seconds they use add up in the list.

    This is the archiving work itself, without the crawl around it or other processes' load, so
    it is far less noisy than the difference of two whole-process times.
    """
    spent = [0.0]
    for name in HANDLERS:
        original = getattr(extension, name, None)
        if original is not None:
            setattr(extension, name, clocked(original, spent))
    return spent


class FarmSpider(scrapy.Spider):
    """Follows every same-host link from the start pages; archives are the only side effect."""

    name = "farm"

    def __init__(self, urls: list[str], **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.start_urls = urls
        self.hosts = {urlparse(url).netloc for url in urls}

    def parse(self, response: Response) -> Iterator[scrapy.Request]:
        if not isinstance(response, TextResponse):
            return
        for href in response.css("a::attr(href), iframe::attr(src)").getall():
            url = response.urljoin(href)
            parts = urlparse(url)
            if parts.scheme in ("http", "https") and parts.netloc in self.hosts:
                yield scrapy.Request(url)


def crawl(mode: str, out: Path, urls: list[str]) -> None:
    """One crawl in this process; writes the crawl's stats to `out/stats.json`."""
    out.mkdir(parents=True, exist_ok=True)
    os.chdir(out)  # scrapy-webarchive writes its WARC and CDXJ in the working directory
    settings = COMMON_SETTINGS | mode_settings(mode, out)
    spent = [0.0]
    for path in settings["EXTENSIONS"]:  # type: ignore[union-attr]
        spent = clock_handlers(load_object(path))
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(FarmSpider)
    process.crawl(crawler, urls=urls)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    stats["bench/handler_seconds"] = spent[0]
    (out / "stats.json").write_text(json.dumps(stats, default=str), encoding="utf-8")


def warc_files(mode: str, out: Path) -> list[Path]:
    """The WARCs a run left; scrapy-webarchive's is inside its WACZ, so it is extracted."""
    if mode == "webarchive":
        extracted = out / "extracted"
        for wacz in out.glob("*.wacz"):
            with zipfile.ZipFile(wacz) as archive:
                names = [n for n in archive.namelist() if n.startswith("archive/")]
                archive.extractall(extracted, names)
        return sorted(extracted.glob("archive/*.warc*"))
    return sorted((out / "warc").glob("*.warc.gz"))


def warcio_check(paths: list[Path]) -> bool:
    done = subprocess.run(
        [str(WARCIO), "check", *map(str, paths)], capture_output=True, text=True, check=False
    )
    return done.returncode == 0


def archive_bytes(mode: str, out: Path) -> int:
    """Bytes the extension left on disk: WACZ for scrapy-webarchive, WARC files for ours."""
    pattern = "*.wacz" if mode == "webarchive" else "warc/*.warc.gz"
    return sum(path.stat().st_size for path in out.glob(pattern))


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cost_ratio(best: dict[str, float]) -> float:
    return round((best["govcrawl"] - best["none"]) / (best["webarchive"] - best["none"]), 3)


Samples = dict[str, dict[str, list[float]]]
"""Measure ("wall", "cpu", "handlers") → mode → one value per repeat."""


def measure(tmp: Path, urls: list[str]) -> tuple[Samples, dict[str, Path]]:
    """Every mode `REPEAT` times, alternated; returns the samples and each mode's last output."""
    samples: Samples = {name: {mode: [] for mode in MODES} for name in ("wall", "cpu", "handlers")}
    last: dict[str, Path] = {}
    for i in range(REPEAT):
        for mode in MODES:
            out = tmp / f"{mode}{i}"
            cmd = [str(BENCH_PYTHON), "-m", "bench.webarchive", mode, str(out), *urls]
            cpu_before = children_cpu()
            elapsed, _ = timed(cmd, env={"PYTHONPATH": str(REPO)})
            samples["cpu"][mode].append(children_cpu() - cpu_before)
            samples["wall"][mode].append(elapsed)
            stats = json.loads((out / "stats.json").read_text())
            samples["handlers"][mode].append(stats["bench/handler_seconds"])
            last[mode] = out
    return samples, last


def timing_facts(samples: Samples) -> dict[str, object]:
    best = {name: {m: min(v) for m, v in by_mode.items()} for name, by_mode in samples.items()}
    wall, cpu, handlers = best["wall"], best["cpu"], best["handlers"]
    return {
        "vs_scrapy_webarchive": cost_ratio(wall),
        "vs_scrapy_webarchive_cpu": cost_ratio(cpu),
        "vs_scrapy_webarchive_in_handlers": cost_ratio(handlers),
        "seconds_no_archive": round(wall["none"], 2),
        "seconds_scrapy_webarchive": round(wall["webarchive"], 2),
        "seconds_govcrawl": round(wall["govcrawl"], 2),
        # How far apart the no-archive runs were: archiving costs below this are noise.
        "seconds_no_archive_spread": round(max(samples["wall"]["none"]) - wall["none"], 2),
        "cpu_seconds_no_archive": round(cpu["none"], 2),
        "cpu_seconds_scrapy_webarchive": round(cpu["webarchive"], 2),
        "cpu_seconds_govcrawl": round(cpu["govcrawl"], 2),
        "cpu_seconds_no_archive_spread": round(max(samples["cpu"]["none"]) - cpu["none"], 2),
        "handler_seconds_scrapy_webarchive": round(handlers["webarchive"], 3),
        "handler_seconds_govcrawl": round(handlers["govcrawl"], 3),
    }


def crawl_facts(last: dict[str, Path]) -> dict[str, object]:
    """What was crawled and what each extension wrote, from each mode's last run."""
    stats = {mode: json.loads((out / "stats.json").read_text()) for mode, out in last.items()}
    pages = {mode: s.get("response_received_count", 0) for mode, s in stats.items()}
    if len(set(pages.values())) != 1:
        raise RuntimeError(f"the three crawls fetched different page counts: {pages}")
    plain, theirs, ours = stats["none"], stats["webarchive"], stats["govcrawl"]
    facts: dict[str, object] = {
        "pages": pages["none"],
        "pages_2xx": sum(
            count
            for key, count in plain.items()
            if key.startswith("downloader/response_status_count/2")
        ),
        "downloaded_bytes": plain.get("downloader/response_bytes", 0),
        "scrapy_webarchive_responses_written": theirs.get(
            "webarchive/exporter/response_written", 0
        ),
        "scrapy_webarchive_handler_errors": theirs.get("log_count/ERROR", 0),
        "govcrawl_responses_written": ours.get("govcrawl/warc_responses", 0),
        "govcrawl_revisits_written": ours.get("govcrawl/warc_revisits_identical", 0),
    }
    for mode, key in (("webarchive", "scrapy_webarchive"), ("govcrawl", "govcrawl")):
        facts[f"{key}_archive_bytes"] = archive_bytes(mode, last[mode])
        files = warc_files(mode, last[mode])
        facts[f"{key}_warc_bytes"] = sum(path.stat().st_size for path in files)
        facts[f"{key}_warcio_check"] = bool(files) and warcio_check(files)
    return facts


def run(tmp: Path) -> dict[str, object]:
    # Only the parent serves the farm; the crawl processes need not import it.
    from govcrawl.demo_farm.farm import DemoFarm

    with contextlib.ExitStack() as stack:
        farms = [stack.enter_context(DemoFarm(seed)) for seed in SEEDS]
        urls = [farm.urls[site] + "/" for farm in farms for site in SITES]
        samples, last = measure(tmp, urls)
    return timing_facts(samples) | {"portals": len(urls), "repeat": REPEAT} | crawl_facts(last)


def main() -> None:
    if not BENCH_PYTHON.exists():
        raise SystemExit(
            ".venv-bench is missing: python -m venv .venv-bench, then install "
            "scrapy-webarchive==0.5.3 warc-knot==0.2.5 with --no-deps and add a .pth that runs "
            "site.addsitedir() on .venv's site-packages"
        )
    with tempfile.TemporaryDirectory() as tmp:
        result = run(Path(tmp))
    write_result("webarchive", result)


if __name__ == "__main__":
    crawl(sys.argv[1], Path(sys.argv[2]), sys.argv[3:])
