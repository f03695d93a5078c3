"""Workers of one scrapy-redis queue keep a portal's per-host limits together
(`govcrawl.fetch.shared_politeness`), against a real `redis-server` on 127.0.0.1."""

from __future__ import annotations

import asyncio
import itertools
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
import redis
from scrapy import Request, Spider
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from govcrawl.demo_farm.farm import SiteServer
from govcrawl.demo_farm.sites.bulk import build, registry_entry
from govcrawl.fetch.shared_politeness import LEASE_META, SharedHostLimit

REPO = Path(__file__).resolve().parents[2]
SHARED = {"SCHEDULER": "scrapy_redis.scheduler.Scheduler"}


def worker_limit(redis_url: str, **settings: object) -> SharedHostLimit:
    """The middleware of one worker (a crawler of its own), its spider opened."""
    crawler = get_crawler(Spider, {**SHARED, "REDIS_URL": redis_url, **settings})
    crawler.spider = crawler._create_spider("shared")
    limit = SharedHostLimit.from_crawler(crawler)
    crawler.stats.open_spider()
    return limit


async def take_all(limit: SharedHostLimit, requests: list[Request], seconds: float) -> list[bool]:
    """Which of `requests` got a lease within `seconds`, all asking at once (returns as soon
    as all have one: these tests renew leases by hand)."""
    tasks = [asyncio.ensure_future(limit.process_request(r)) for r in requests]
    _, pending = await asyncio.wait(tasks, timeout=seconds)
    for waiting in pending:
        waiting.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return [LEASE_META in r.meta for r in requests]


def test_two_workers_together_keep_the_per_host_limit(redis_url: str) -> None:
    redis.Redis.from_url(redis_url).flushall()
    first = worker_limit(redis_url, CONCURRENT_REQUESTS_PER_DOMAIN=2)
    second = worker_limit(redis_url, CONCURRENT_REQUESTS_PER_DOMAIN=2)
    one = [Request(f"http://portal.example/a{i}.html") for i in range(2)]
    two = [Request(f"http://portal.example/b{i}.html") for i in range(2)]
    other_host = Request("http://other.example/")

    async def scenario() -> None:
        assert await take_all(first, one, 0.1) == [True, True]
        assert await take_all(second, two, 0.3) == [False, False]  # the host is full
        assert await take_all(second, [other_host], 0.1) == [True]  # another host is not
        waiting = asyncio.ensure_future(second.process_request(two[0]))
        await asyncio.sleep(0.1)
        assert not waiting.done()
        first.process_response(one[0], Response(one[0].url))  # an answer frees a place
        await asyncio.wait_for(waiting, 2)
        assert LEASE_META not in one[0].meta  # a retry copying meta takes a lease of its own

    asyncio.run(scenario())
    assert second.crawler.stats.get_value("govcrawl/shared_host_waits") == 1


def test_waiting_requests_are_served_first_come_first_served(redis_url: str) -> None:
    """A worker whose answer frees a place must not take it again ahead of another worker's
    request already waiting: the polling worker would starve."""
    redis.Redis.from_url(redis_url).flushall()
    first = worker_limit(redis_url, CONCURRENT_REQUESTS_PER_DOMAIN=1)
    second = worker_limit(redis_url, CONCURRENT_REQUESTS_PER_DOMAIN=1)
    held, waiting, again = (Request(f"http://portal.example/{n}") for n in ("a", "b", "c"))

    async def scenario() -> None:
        assert await take_all(first, [held], 0.1) == [True]
        in_line = asyncio.ensure_future(second.process_request(waiting))
        await asyncio.sleep(0.3)  # long enough for the waiter to back off between asks
        first.process_response(held, Response(held.url))
        asks_again = asyncio.ensure_future(first.process_request(again))
        await asyncio.wait_for(in_line, 2)
        await asyncio.sleep(0.2)
        assert not asks_again.done()
        second.process_response(waiting, Response(waiting.url))
        await asyncio.wait_for(asks_again, 2)

    asyncio.run(scenario())


def test_a_killed_workers_leases_expire_and_live_ones_are_renewed(redis_url: str) -> None:
    redis.Redis.from_url(redis_url).flushall()
    one_at_a_time = {"CONCURRENT_REQUESTS_PER_DOMAIN": 1, "GOVCRAWL_SHARED_HOST_BEAT": 0.2}
    killed = worker_limit(redis_url, **one_at_a_time)
    alive = worker_limit(redis_url, **one_at_a_time)
    slow = Request("http://portal.example/slow.pdf")
    later = Request("http://portal.example/later.html")
    asyncio.run(take_all(killed, [slow], 0.05))
    assert LEASE_META in slow.meta
    # the killed worker renews nothing: after three beats (0.6 s) its place is free again
    assert asyncio.run(take_all(alive, [later], 1.5)) == [True]
    # a live worker's lease outlasts three beats while it renews it
    waiting = Request("http://portal.example/waiting.html")
    deadline = time.monotonic() + 1.5
    while time.monotonic() < deadline:
        alive.renew_leases()
        assert asyncio.run(take_all(killed, [waiting], 0.1)) == [False]


def test_download_delay_spaces_requests_across_workers(redis_url: str) -> None:
    redis.Redis.from_url(redis_url).flushall()
    limits = [worker_limit(redis_url, DOWNLOAD_DELAY=0.3) for _ in range(2)]
    started = []

    async def fetch(limit: SharedHostLimit, path: str) -> None:
        request = Request(f"http://portal.example/{path}")
        await limit.process_request(request)
        started.append(time.monotonic())
        limit.process_response(request, Response(request.url))

    async def scenario() -> None:
        await asyncio.gather(*(fetch(limits[i % 2], f"p{i}") for i in range(4)))

    asyncio.run(scenario())
    started.sort()
    gaps = [b - a for a, b in itertools.pairwise(started)]
    assert min(gaps) >= 0.25  # redis's clock and ours differ by rounding only


def test_only_with_scrapy_redis() -> None:
    with pytest.raises(NotConfigured):
        SharedHostLimit.from_crawler(get_crawler(Spider))
    with pytest.raises(ValueError, match="BEAT"):
        SharedHostLimit.from_crawler(
            get_crawler(Spider, {**SHARED, "GOVCRAWL_SHARED_HOST_BEAT": 0})
        )


def download_span(out: Path) -> tuple[datetime, datetime]:
    """When a worker's first and last request went out (WARC-Date of its responses)."""
    dates = []
    for path in (out / "warc").glob("*.warc.gz"):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response":
                    dates.append(record.rec_headers.get_header("WARC-Date"))
    parsed = [datetime.strptime(d, "%Y-%m-%dT%H:%M:%S.%fZ") for d in dates]
    return min(parsed), max(parsed)


def test_a_portal_feels_two_workers_as_one(redis_url: str, tmp_path: Path) -> None:
    """At the server: never more requests in flight than the portal's `concurrency`, while both
    workers were crawling it at the same time."""
    redis.Redis.from_url(redis_url).flushall()
    site = build(2024, 160)
    with SiteServer(site, latency=0.1) as server:
        registry = tmp_path / "portals.toml"
        registry.write_text(registry_entry(server.url, site) + "concurrency = 2\n", "utf-8")
        workers = []
        for name in ("w1", "w2"):
            args = [sys.executable, "-m", "govcrawl", "crawl", "bulk_city", "--registry"]
            args += [str(registry), "--out", str(tmp_path / name), "--quiet"]
            for setting in (
                "SCHEDULER=scrapy_redis.scheduler.Scheduler",
                "DUPEFILTER_CLASS=scrapy_redis.dupefilter.RFPDupeFilter",
                f"REDIS_URL={redis_url}",
                "CONCURRENT_REQUESTS=2",
                "GOVCRAWL_SHARED_QUEUE_GRACE=2",
                "ITEM_PIPELINES={}",
            ):
                args += ["-s", setting]
            workers.append(subprocess.Popen(args, cwd=REPO, stderr=subprocess.PIPE, text=True))
        for process in workers:
            _, stderr = process.communicate(timeout=240)
            assert process.returncode == 0, stderr[-3000:]
        assert 1 <= server.max_in_flight <= 2
    (start1, end1), (start2, end2) = (download_span(tmp_path / n) for n in ("w1", "w2"))
    assert start1 < end2 and start2 < end1, "the workers did not crawl at the same time"
    assert redis.Redis.from_url(redis_url).keys("govcrawl:host:*") == []
