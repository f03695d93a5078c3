"""Two workers on one scrapy-redis queue (a real `redis-server` on 127.0.0.1) share a portal's
crawl and stop together once it is done (`govcrawl.fetch.shared_queue`)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import redis
from scrapy import Spider
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from govcrawl.demo_farm.farm import DemoFarm
from govcrawl.fetch.shared_queue import SharedQueueWorkers
from tests.fetch.test_farm_crawl import expected_copies

PORTAL = "demo_trs_city"


@pytest.fixture(scope="module")
def farm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DemoFarm, Path]]:
    # answers that take a little while, so the crawl lasts long enough for two workers
    with DemoFarm(2024, latency=0.2) as farm:
        manifest = tmp_path_factory.mktemp("farm") / "farm.json"
        farm.write_manifest(manifest)
        yield farm, manifest


def worker(out: Path, manifest: Path, redis_url: str) -> subprocess.Popen:
    args = [sys.executable, "-m", "govcrawl", "crawl", PORTAL, "--manifest", str(manifest)]
    args += ["--out", str(out), "--quiet"]
    for setting in (
        "SCHEDULER=scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS=scrapy_redis.dupefilter.RFPDupeFilter",
        f"REDIS_URL={redis_url}",
        "AUTOTHROTTLE_ENABLED=false",
        # a worker takes from the shared queue only what it can download now, not the
        # CONCURRENT_REQUESTS (16) its downloader would otherwise hold for one host
        "CONCURRENT_REQUESTS=2",
        "CONCURRENT_REQUESTS_PER_DOMAIN=2",
        "GOVCRAWL_SHARED_QUEUE_GRACE=2",
    ):
        args += ["-s", setting]
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finished(process: subprocess.Popen) -> None:
    _, stderr = process.communicate(timeout=240)
    assert process.returncode == 0, stderr[-3000:]


def finish_time(out: Path) -> datetime:
    """When the worker's spider closed, from the stats Scrapy dumps into its log."""
    stats = (out / "crawl.log").read_text()
    found = re.search(r"'finish_time': datetime\.datetime\(([\d, ]+)", stats)
    assert found, "no finish_time in the stats"
    return datetime(*[int(n) for n in found[1].split(",") if n.strip()])


def last_download(out: Path) -> datetime:
    """The WARC-Date of the worker's last response or revisit record."""
    dates = []
    for path in (out / "warc").glob("*.warc.gz"):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type in ("response", "revisit"):
                    dates.append(record.rec_headers.get_header("WARC-Date"))
    return datetime.strptime(max(dates), "%Y-%m-%dT%H:%M:%S.%fZ")


def record_urls(out: Path) -> list[str]:
    lines = (out / "records.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line)["source"]["url"] for line in lines]


def test_two_workers_share_the_crawl_and_stop_together(
    farm: tuple[DemoFarm, Path], redis_url: str, tmp_path: Path
) -> None:
    demo, manifest = farm
    redis.Redis.from_url(redis_url).flushall()
    first = worker(tmp_path / "w1", manifest, redis_url)
    second = worker(tmp_path / "w2", manifest, redis_url)
    finished(first)
    finished(second)
    one, two = tmp_path / "w1", tmp_path / "w2"
    # every report once, between them
    urls = record_urls(one) + record_urls(two)
    assert Counter(urls).most_common(1)[0][1] == 1
    assert set(urls) == set(expected_copies(demo, "trs"))
    assert record_urls(one) and record_urls(two)
    # neither stopped while the other still downloaded pages that could have fed the queue
    assert finish_time(one) >= last_download(two)
    assert finish_time(two) >= last_download(one)
    client = redis.Redis.from_url(redis_url)
    assert client.keys(f"{PORTAL}:workers:*") == []


def test_a_killed_worker_stops_counting(
    farm: tuple[DemoFarm, Path], redis_url: str, tmp_path: Path
) -> None:
    """A worker killed mid-crawl leaves its 'busy' key to expire: the others still stop."""
    _, manifest = farm
    client = redis.Redis.from_url(redis_url)
    client.flushall()
    killed = worker(tmp_path / "killed", manifest, redis_url)
    for _ in range(600):
        if client.keys(f"{PORTAL}:workers:*"):
            break
        time.sleep(0.05)
    os.kill(killed.pid, signal.SIGKILL)
    # asked before reaping it: its pipes may stay open a while in its clean-stage workers
    assert client.keys(f"{PORTAL}:workers:*"), "the killed worker's key outlives it a while"
    killed.communicate()
    survivor = worker(tmp_path / "survivor", manifest, redis_url)
    finished(survivor)
    assert "'finish_reason': 'finished'" in (tmp_path / "survivor" / "crawl.log").read_text()
    assert client.keys(f"{PORTAL}:workers:*") == []


def test_only_with_scrapy_redis() -> None:
    with pytest.raises(NotConfigured):
        SharedQueueWorkers.from_crawler(get_crawler(Spider))
    crawler = get_crawler(
        Spider,
        {
            "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
            "GOVCRAWL_SHARED_QUEUE_BEAT": 2,
            "GOVCRAWL_SHARED_QUEUE_GRACE": 1,
        },
    )
    with pytest.raises(ValueError, match="GRACE"):
        SharedQueueWorkers.from_crawler(crawler)


class FakeEngine:
    """The parts of Scrapy's engine the extension uses: idle or not, the shared scheduler,
    and the slot's `nextcall` that makes the engine look at the scheduler again."""

    def __init__(self, client: redis.Redis) -> None:
        self.spider = Spider(name="shared")
        self.idle = False
        self.pending = False
        self.wakes = 0
        self.scheduler = self
        self.server = client
        self._slot = self
        self.nextcall = self

    def spider_is_idle(self) -> bool:
        return self.idle

    def has_pending_requests(self) -> bool:
        return self.pending

    def schedule(self) -> None:
        self.wakes += 1


@pytest.fixture
def shared(redis_url: str) -> Iterator[tuple[SharedQueueWorkers, FakeEngine]]:
    client = redis.Redis.from_url(redis_url)
    client.flushall()
    settings = {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "GOVCRAWL_SHARED_QUEUE_BEAT": 0.05,
        "GOVCRAWL_SHARED_QUEUE_GRACE": 0.2,
    }
    crawler = get_crawler(Spider, settings)
    engine = FakeEngine(client)
    crawler.engine = engine
    workers = SharedQueueWorkers.from_crawler(crawler)
    workers.spider_opened(engine.spider)
    yield workers, engine
    workers.spider_closed(engine.spider)


def quiet_for(workers: SharedQueueWorkers, seconds: float) -> None:
    """Beats of an idle worker for that long."""
    end = time.monotonic() + seconds
    while time.monotonic() < end and not workers.done:
        workers.check()
        time.sleep(0.02)


def test_a_busy_worker_says_so_and_an_idle_one_does_not(
    shared: tuple[SharedQueueWorkers, FakeEngine],
) -> None:
    workers, engine = shared
    client = engine.server
    workers.check()
    assert 0 < client.pttl(workers.key) <= 150  # expires three beats after the last
    engine.idle = True
    workers.check()
    assert not client.exists(workers.key)
    with pytest.raises(DontCloseSpider):
        workers.spider_idle(engine.spider)


def test_an_idle_worker_stays_while_another_is_busy(
    shared: tuple[SharedQueueWorkers, FakeEngine],
) -> None:
    workers, engine = shared
    engine.idle = True
    engine.server.set("shared:workers:elsewhere-1", "busy")
    quiet_for(workers, 0.5)
    assert not workers.done
    with pytest.raises(DontCloseSpider):
        workers.spider_idle(engine.spider)
    engine.server.delete("shared:workers:elsewhere-1")  # it went idle (or its key expired)
    quiet_for(workers, 0.5)
    assert workers.done and engine.wakes == 1
    workers.spider_idle(engine.spider)  # lets the spider close


def test_an_idle_worker_takes_up_what_another_queued(
    shared: tuple[SharedQueueWorkers, FakeEngine],
) -> None:
    workers, engine = shared
    engine.idle = engine.pending = True
    quiet_for(workers, 0.5)
    assert not workers.done and engine.wakes > 1
