"""Workers sharing one scrapy-redis queue are as polite to a portal together as one worker.

Scrapy enforces `CONCURRENT_REQUESTS_PER_DOMAIN` and `DOWNLOAD_DELAY` inside one process, so N
workers crawling a portal from one shared queue (`fetch/shared_queue.py`) put N times the load
on it: a county server that answers one worker's four requests slowly would get eight or
twelve. `SharedHostLimit` makes both limits hold across the workers, wherever they run, with
redis (the server the queue already lives on) as the referee:

- **in flight**: a request takes a lease on its host before it goes to the downloader — a
  member of the sorted set `govcrawl:host:<host>:leases`, scored by when it expires — and only
  while fewer than the worker's `CONCURRENT_REQUESTS_PER_DOMAIN` leases are alive; the lease is
  given back when the answer or the failure comes back. Requests waiting for a lease queue in
  one line per host (`…:line`), first come, first served, whichever worker they are from.
  Each worker renews its leases every `GOVCRAWL_SHARED_HOST_BEAT` seconds and they expire
  after three beats, so a killed worker's requests stop counting within seconds instead of
  blocking the portal for good.
- **spacing**: with a `DOWNLOAD_DELAY` (a registry entry's `delay`), consecutive requests to the
  host from any worker start at least that far apart (`govcrawl:host:<host>:next`).

Both are decided in one Lua script on redis's own clock, so workers on machines whose clocks
disagree still agree. The key is the host name, as Scrapy's download slot is: two portals on one
server share its limit. A request waiting for a lease holds a place among the worker's
`CONCURRENT_REQUESTS`, so the worker takes no more from the shared queue meanwhile.
AutoThrottle's adaptive delay stays per worker: each adapts to the latency all of them cause.
It is on whenever `SCHEDULER` is scrapy-redis's, and does nothing otherwise.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import socket
import uuid
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached
from scrapy_redis.connection import get_redis_from_settings
from twisted.internet import task

from govcrawl.fetch.shared_queue import uses_shared_queue

LEASE_META = "govcrawl_host_lease"
"""request.meta key: (leases key, lease id) held by a request between downloader and answer."""

_TAKE = """
local now = redis.call('TIME')
now = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local lease, limit, life, gap = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local gone = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now)
for _, waiter in ipairs(gone) do
  redis.call('ZREM', KEYS[3], waiter)
  redis.call('ZREM', KEYS[4], waiter)
end
if not redis.call('ZSCORE', KEYS[3], lease) then
  redis.call('ZADD', KEYS[3], redis.call('INCR', KEYS[5]), lease)
end
redis.call('ZADD', KEYS[4], now + life, lease)
for i = 3, 5 do
  redis.call('PEXPIRE', KEYS[i], life)
end
local free = limit - redis.call('ZCARD', KEYS[1])
if free <= 0 or redis.call('ZRANK', KEYS[3], lease) >= free then
  return -1
end
if gap > 0 then
  local next_start = tonumber(redis.call('GET', KEYS[2]) or '0')
  if next_start > now then
    return next_start - now
  end
  redis.call('SET', KEYS[2], now + gap, 'PX', gap)
end
redis.call('ZREM', KEYS[3], lease)
redis.call('ZREM', KEYS[4], lease)
redis.call('ZADD', KEYS[1], now + life, lease)
redis.call('PEXPIRE', KEYS[1], life)
return 0
"""
"""KEYS: leases, next start, waiting line, waiters' expiry, ticket counter. ARGV: lease id,
limit, lifetime (ms), gap (ms). Returns 0 (taken), -1 (not this one's turn: ask again) or the
milliseconds until the host's next start.

Requests queue for a host first come, first served: without a line, the worker whose answer
has just freed a place takes it again at once (its next request is already at the door), and a
worker that only polls starves — a second worker would then add no speed at all. A waiter
stays in line while it keeps asking; one that stops (its worker killed) drops out after a
lifetime."""

_RENEW = """
local now = redis.call('TIME')
now = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
for i = 2, #ARGV do
  redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[i])
end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]))
return 0
"""
"""KEYS: leases. ARGV: lease lifetime (ms), the lease ids still held. Only leases still in
the set are renewed: one that expired (a stall longer than three beats) is not brought back."""

POLL_FIRST = 0.01
POLL_MAX = 0.1
"""Seconds between asking again for a full host: short at first (a lease comes back as soon
as an answer does), then backing off a little; a waiter at the head of the line holds up every
worker's requests behind it until it asks again, so never long."""


class SharedHostLimit:
    """Downloader middleware: per-host concurrency and spacing shared by all workers."""

    def __init__(self, crawler: Crawler, server: Any, beat: float) -> None:
        self.crawler = crawler
        self.server = server
        self.beat = beat
        self.lifetime_ms = int(beat * 3000)
        settings = crawler.settings
        self.limit = settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
        self.gap_ms = int(settings.getfloat("DOWNLOAD_DELAY") * 1000)
        self.take = server.register_script(_TAKE)
        self.renew = server.register_script(_RENEW)
        self.held: dict[str, set[str]] = {}
        """Leases key → ids of this worker's leases on it."""
        self.ids = itertools.count()
        # Unique per crawler, not per process: `govcrawl crawl --all` runs one per portal.
        self.worker = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedHostLimit:
        settings = crawler.settings
        if not uses_shared_queue(settings.get("SCHEDULER")):
            raise NotConfigured  # no message: Scrapy would log every ordinary crawl as a warning
        beat = settings.getfloat("GOVCRAWL_SHARED_HOST_BEAT", 1.0)
        if beat <= 0:
            raise ValueError("GOVCRAWL_SHARED_HOST_BEAT must be positive")
        limit = cls(crawler, get_redis_from_settings(settings), beat)
        crawler.signals.connect(limit.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(limit.spider_closed, signal=signals.spider_closed)
        return limit

    def spider_opened(self, spider: Spider) -> None:
        self.loop = task.LoopingCall(self.renew_leases)
        self.loop.start(self.beat, now=False)

    def spider_closed(self, spider: Spider) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        for key, leases in self.held.items():
            if leases:
                self.server.zrem(key, *leases)
        self.held.clear()

    async def process_request(self, request: Request) -> None:
        """Wait in the host's line until it has room for one more request from any worker,
        then take it."""
        host = urlparse_cached(request).hostname or ""
        prefix = f"govcrawl:host:{host}"
        keys = [f"{prefix}:{name}" for name in ("leases", "next", "line", "line_alive", "ticket")]
        lease = f"{self.worker}-{next(self.ids)}"
        poll = POLL_FIRST
        waited = False
        try:
            while (answer := self.take(keys=keys, args=self._args(lease))) != 0:
                waited = True
                if answer > 0:  # the host's next start, in milliseconds; asking again
                    # within a beat keeps this request's place in the line alive
                    await asyncio.sleep(min(answer / 1000, self.beat))
                else:
                    await asyncio.sleep(poll)
                    poll = min(poll * 2, POLL_MAX)
        except BaseException:  # cancelled while waiting (the crawl closing): leave the line
            self.server.zrem(keys[2], lease)
            self.server.zrem(keys[3], lease)
            raise
        if waited:
            self.crawler.stats.inc_value("govcrawl/shared_host_waits")
        self.held.setdefault(keys[0], set()).add(lease)
        request.meta[LEASE_META] = (keys[0], lease)

    def _args(self, lease: str) -> list[str | int]:
        return [lease, self.limit, self.lifetime_ms, self.gap_ms]

    def process_response(self, request: Request, response: Response) -> Response:
        self._give_back(request)
        return response

    def process_exception(self, request: Request, exception: BaseException) -> None:
        self._give_back(request)

    def _give_back(self, request: Request) -> None:
        """Return the request's lease. Popped from meta, so that a retry or redirect, which
        copies meta, takes a lease of its own."""
        held = request.meta.pop(LEASE_META, None)
        if held is None:
            return
        key, lease = held
        self.held.get(key, set()).discard(lease)
        self.server.zrem(key, lease)

    def renew_leases(self) -> None:
        """Every beat: keep this worker's leases alive while their requests are in flight."""
        for key, leases in self.held.items():
            if leases:
                self.renew(keys=[key], args=[self.lifetime_ms, *sorted(leases)])
