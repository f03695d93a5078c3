"""A crawl-wide cache of the static files rendered pages load, as a reader's browser keeps.

scrapy-playwright routes every browser request through its own handler (to apply Scrapy's
headers and abort rules), and Chromium turns its HTTP cache off for routed pages. Every rendered
list page therefore downloads the portal's scripts, style sheets, images and fonts again: a
JS portal whose list pages each pull twenty shared files costs its server twenty requests a page
that a reader's browser would not make, and the archive twenty more revisit records.

`BrowserCacheMiddleware` gives each Playwright page a route, registered after
scrapy-playwright's and so consulted first, that answers a GET for a script, style sheet,
image or font already fetched in this crawl from memory, and otherwise falls back to
scrapy-playwright's handler (the server). What is kept is bounded per process
(`GOVCRAWL_BROWSER_CACHE_MB`, default 32; 0 turns the cache off) and honours
`Cache-Control: no-store`. Pages, XHR/fetch API answers and anything not 200 always go to
the server. The archive already holds the first copy;
`served_from_cache` lets it skip the replayed answer, which no server sent.
"""

from __future__ import annotations

import uuid
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import load_object

from govcrawl.sharing import SharedPerProcess

CACHEABLE_TYPES = frozenset({"script", "stylesheet", "image", "font"})
_DECODED_BY_BROWSER = frozenset({"content-encoding", "content-length", "transfer-encoding"})
_SERVED: weakref.WeakSet[Any] = weakref.WeakSet()


def served_from_cache(playwright_request: Any) -> bool:
    """Whether this Playwright request was answered from the cache, not by a server."""
    return playwright_request in _SERVED


@dataclass(frozen=True)
class CachedFile:
    status: int
    headers: dict[str, str]
    body: bytes


class SubresourceCache(SharedPerProcess):
    """Least-recently-used static files, at most `max_bytes` of bodies in all.

    One per process (`shared`): a run crawls every portal in its own crawler in one process,
    and a bound per crawler would multiply by the number of portals. Each crawl keeps its
    own entries in it (`CrawlCache`), so every crawl's WARC holds the first copy of every file
    its pages loaded, and replaying one portal's archive never lacks a script another had.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._files: OrderedDict[tuple[str, str], CachedFile] = OrderedDict()

    @classmethod
    def shared(cls, max_bytes: int) -> SubresourceCache:
        """This process's cache of that size, with one more user (`close` when done)."""
        return cls._shared_instance(max_bytes, lambda: cls(max_bytes))

    def close(self) -> None:
        if self._release():
            self._files.clear()
            self.size = 0

    def get(self, key: tuple[str, str]) -> CachedFile | None:
        cached = self._files.get(key)
        if cached is not None:
            self._files.move_to_end(key)
        return cached

    def put(self, key: tuple[str, str], cached: CachedFile) -> None:
        if len(cached.body) > self.max_bytes // 4:
            return  # one big file must not push everything else out
        old = self._files.pop(key, None)
        if old is not None:
            self.size -= len(old.body)
        self._files[key] = cached
        self.size += len(cached.body)
        while self.size > self.max_bytes:
            _, evicted = self._files.popitem(last=False)
            self.size -= len(evicted.body)


class CrawlCache:
    """One crawl's files in the process's `SubresourceCache`, and the browser hooks using them."""

    def __init__(self, store: SubresourceCache, crawl: str) -> None:
        self.store = store
        self.crawl = crawl
        self.hits = 0

    def get(self, url: str) -> CachedFile | None:
        return self.store.get((self.crawl, url))

    def put(self, url: str, cached: CachedFile) -> None:
        self.store.put((self.crawl, url), cached)

    async def on_route(self, route: Any, request: Any) -> None:
        """Answer a cached static GET from memory; send everything else on."""
        cached = None
        if request.method == "GET" and request.resource_type in CACHEABLE_TYPES:
            cached = self.get(request.url)
        if cached is None:
            await route.fallback()
            return
        _SERVED.add(request)
        self.hits += 1
        await route.fulfill(status=cached.status, headers=cached.headers, body=cached.body)

    async def on_response(self, response: Any) -> None:
        """Keep a static file the server sent (200, storable) for the rest of the crawl."""
        request = response.request
        if (
            request in _SERVED
            or request.method != "GET"
            or request.resource_type not in CACHEABLE_TYPES
            or response.status != 200
        ):
            return
        headers = {
            name: value
            for name, value in (await response.all_headers()).items()
            if name.lower() not in _DECODED_BY_BROWSER
        }
        if "no-store" in headers.get("cache-control", "").lower():
            return
        try:
            body = await response.body()
        except Exception:  # evicted by the browser or the page closed: simply not cached
            return
        self.put(request.url, CachedFile(status=200, headers=headers, body=body))

    async def init_page(self, page: Any, request: Request) -> None:
        """scrapy-playwright page init callback: route through the cache, fill it."""
        await page.route("**", self.on_route)
        page.on("response", self.on_response)


class BrowserCacheMiddleware:
    """Downloader middleware giving every Playwright request this crawl's `SubresourceCache`.

    Attached when the request is dequeued, like the archive's browser hooks: the callback is
    bound to this crawl's cache and would keep the request out of disk and redis queues.
    A spider's own `playwright_page_init_callback` still runs, after the cache's.
    """

    def __init__(self, cache: CrawlCache) -> None:
        self.cache = cache

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BrowserCacheMiddleware:
        megabytes = crawler.settings.getfloat("GOVCRAWL_BROWSER_CACHE_MB", 32)
        if megabytes <= 0:
            raise NotConfigured("GOVCRAWL_BROWSER_CACHE_MB is 0")
        store = SubresourceCache.shared(int(megabytes * 1024 * 1024))
        crawler.signals.connect(store.close, signal=signals.engine_stopped)
        return cls(CrawlCache(store, uuid.uuid4().hex))

    def process_request(self, request: Request) -> None:
        if not request.meta.get("playwright"):
            return
        own = request.meta.get("playwright_page_init_callback")
        if getattr(own, "subresource_cache", None) is self.cache:
            return  # a retry: already attached
        request.meta["playwright_page_init_callback"] = _init_callback(self.cache, own)


def _init_callback(cache: CrawlCache, own: Any) -> Any:
    """The cache's page init callback, followed by the spider's own if it had one."""
    spider_callback = load_object(own) if own is not None else None

    async def init(page: Any, request: Request) -> None:
        await cache.init_page(page, request)
        if spider_callback is not None:
            await spider_callback(page, request)

    init.subresource_cache = cache  # type: ignore[attr-defined]
    return init
