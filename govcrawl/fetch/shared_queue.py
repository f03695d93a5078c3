"""Workers sharing one scrapy-redis queue stop together, once the whole crawl is done.

With scrapy-redis's scheduler, several processes — on one machine or many — crawl a portal
from one redis queue and one duplicate filter. Scrapy closes a spider as soon as its own
engine is idle and the queue is empty; but the queue is empty too while another worker is still
downloading and parsing the pages that will fill it again, so every worker but the busiest
stops after its first few pages and the run ends up on one worker. scrapy-redis's own answer,
`RedisSpider`'s `MAX_IDLE_TIME_BEFORE_CLOSE`, waits a fixed time: too short and workers still
leave early, too long (its default is forever) and they idle on after the crawl ended.

`SharedQueueWorkers` lets each worker say in redis whether it is busy: a key per worker
(`<spider>:workers:<host>-<pid>`), renewed every `GOVCRAWL_SHARED_QUEUE_BEAT` seconds while its
engine has work and removed when it idles. The key expires after three beats, so a worker that
was killed stops counting within seconds. An idle worker stays open while the queue holds
requests or another worker is busy, and closes once the queue has been empty and every worker
idle for `GOVCRAWL_SHARED_QUEUE_GRACE` seconds — longer than a beat, which covers a worker that
has just taken the last request and not yet said so. It is on whenever `SCHEDULER` is
scrapy-redis's, and does nothing otherwise.
"""

from __future__ import annotations

import os
import socket
import time
from typing import Any, cast

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.utils.misc import load_object
from scrapy_redis.scheduler import Scheduler as RedisScheduler
from twisted.internet import task


def uses_shared_queue(scheduler: str | type | None) -> bool:
    """Whether a `SCHEDULER` setting is scrapy-redis's (or built on it): a shared queue."""
    return bool(scheduler) and issubclass(load_object(scheduler), RedisScheduler)


class SharedQueueWorkers:
    """Extension: keep an idle worker open while its shared queue's crawl goes on elsewhere."""

    def __init__(self, crawler: Crawler, beat: float, grace: float) -> None:
        self.crawler = crawler
        self.beat = beat
        self.grace = grace
        self.server: Any = None
        self.key = ""
        self.pattern = ""
        self.quiet_since: float | None = None
        self.done = False
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedQueueWorkers:
        settings = crawler.settings
        if not uses_shared_queue(settings.get("SCHEDULER")):
            raise NotConfigured  # no message: Scrapy would log every ordinary crawl as a warning
        beat = settings.getfloat("GOVCRAWL_SHARED_QUEUE_BEAT", 1.0)
        grace = settings.getfloat("GOVCRAWL_SHARED_QUEUE_GRACE", 5.0)
        if beat <= 0 or grace <= beat:
            raise ValueError(
                "GOVCRAWL_SHARED_QUEUE_BEAT must be positive and "
                "GOVCRAWL_SHARED_QUEUE_GRACE longer than it"
            )
        workers = cls(crawler, beat, grace)
        crawler.signals.connect(workers.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(workers.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(workers.spider_closed, signal=signals.spider_closed)
        return workers

    def spider_opened(self, spider: Spider) -> None:
        self.server = self._scheduler().server
        self.pattern = f"{spider.name}:workers:*"
        self.key = f"{spider.name}:workers:{socket.gethostname()}-{os.getpid()}"
        self._say_busy()
        self.loop = task.LoopingCall(self.check)
        self.loop.start(self.beat, now=False)

    def spider_idle(self, spider: Spider) -> None:
        """Keep the spider open until `check` has found the whole crawl over."""
        if not self.done:
            raise DontCloseSpider

    def spider_closed(self, spider: Spider) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.server is not None:
            self.server.delete(self.key)

    def check(self) -> None:
        """Every beat: say whether this worker is busy; when idle, take up requests another
        worker queued, or end the crawl once all have been quiet for the grace time."""
        engine = self.crawler.engine
        if engine is None or engine.spider is None or self.done:
            return
        if not engine.spider_is_idle():
            self.quiet_since = None
            self._say_busy()
            return
        self.server.delete(self.key)
        if self._scheduler().has_pending_requests():
            self.quiet_since = None
            _wake(engine)  # the engine itself looks at the scheduler again only every 5 s
            return
        if self._others_busy():
            self.quiet_since = None
            return
        now = time.monotonic()
        if self.quiet_since is None:
            self.quiet_since = now
        elif now - self.quiet_since >= self.grace:
            self.done = True
            _wake(engine)  # an idle engine calls spider_idle, which now lets it close

    def _say_busy(self) -> None:
        self.server.set(self.key, "busy", px=int(self.beat * 3000))

    def _others_busy(self) -> bool:
        keys = self.server.scan_iter(self.pattern)
        return bool({k.decode() if isinstance(k, bytes) else k for k in keys} - {self.key})

    def _scheduler(self) -> RedisScheduler:
        """The running scheduler: scrapy-redis's, as `from_crawler` made sure."""
        engine = self.crawler.engine
        assert engine is not None and engine.scheduler is not None
        return cast(RedisScheduler, engine.scheduler)


def _wake(engine: Any) -> None:
    """Have the engine take requests from the scheduler (or find itself idle) now rather than
    at its next 5-second heartbeat: Scrapy has no public call for it, so this uses the engine
    slot's `nextcall`, as Scrapy's own components do."""
    slot = getattr(engine, "_slot", None)
    if slot is not None:
        slot.nextcall.schedule()
