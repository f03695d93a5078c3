"""The browser cache with fake Playwright objects: what is kept, what is answered from memory,
what always goes to the server; one bounded store per process, entries per crawl; and how the
middleware attaches it."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from scrapy import Request
from scrapy.utils.test import get_crawler

from govcrawl.fetch.browser_cache import (
    BrowserCacheMiddleware,
    CachedFile,
    CrawlCache,
    SubresourceCache,
    served_from_cache,
)

JS = b"document.write('list');"


class FakeRequest:
    def __init__(self, url: str, resource_type: str = "script", method: str = "GET") -> None:
        self.url = url
        self.resource_type = resource_type
        self.method = method


class FakeResponse:
    def __init__(self, request: FakeRequest, status: int = 200, **headers: str) -> None:
        self.request = request
        self.status = status
        self._headers = {"content-type": "application/javascript", **headers}

    async def all_headers(self) -> dict[str, str]:
        return {**self._headers, "content-encoding": "gzip", "content-length": "99"}

    async def body(self) -> bytes:
        return JS


class FakeRoute:
    def __init__(self) -> None:
        self.fulfilled: dict[str, Any] | None = None
        self.fell_back = False

    async def fallback(self) -> None:
        self.fell_back = True

    async def fulfill(self, **answer: Any) -> None:
        self.fulfilled = answer


def crawl_cache() -> CrawlCache:
    return CrawlCache(SubresourceCache(1024 * 1024), "crawl")


def route(cache: CrawlCache, request: FakeRequest) -> FakeRoute:
    fake = FakeRoute()
    asyncio.run(cache.on_route(fake, request))
    return fake


def test_a_static_file_is_fetched_once_then_answered_from_memory() -> None:
    cache = crawl_cache()
    first = FakeRequest("http://portal/static/list.js")
    assert route(cache, first).fell_back
    asyncio.run(cache.on_response(FakeResponse(first)))
    again = FakeRequest("http://portal/static/list.js")
    answer = route(cache, again).fulfilled
    # The body is as the browser decoded it, so the encoding headers are not replayed.
    assert answer == {
        "status": 200,
        "headers": {"content-type": "application/javascript"},
        "body": JS,
    }
    assert served_from_cache(again) and not served_from_cache(first)
    assert cache.hits == 1
    # An answer the cache gave is never cached again as if a server had sent it.
    asyncio.run(cache.on_response(FakeResponse(again)))
    assert cache.store.size == len(JS)


@pytest.mark.parametrize(
    ("request_", "status", "headers"),
    [
        (FakeRequest("http://portal/api/reports?page=1", "xhr"), 200, {}),
        (FakeRequest("http://portal/list.html", "document"), 200, {}),
        (FakeRequest("http://portal/static/list.js", "script", "POST"), 200, {}),
        (FakeRequest("http://portal/static/list.js"), 404, {}),
        (FakeRequest("http://portal/static/list.js"), 200, {"cache-control": "private, no-store"}),
    ],
)
def test_pages_api_answers_errors_and_no_store_always_go_to_the_server(
    request_: FakeRequest, status: int, headers: dict[str, str]
) -> None:
    cache = crawl_cache()
    asyncio.run(cache.on_response(FakeResponse(request_, status, **headers)))
    again = FakeRequest(request_.url, request_.resource_type, request_.method)
    assert route(cache, again).fell_back
    assert cache.store.size == 0


def test_memory_is_bounded_least_recently_used_first() -> None:
    cache = CrawlCache(SubresourceCache(100), "crawl")
    for name in "abcd":
        cache.put(name, CachedFile(200, {}, b"x" * 25))
    cache.get("a")  # a is now the most recently used
    cache.put("e", CachedFile(200, {}, b"x" * 25))
    assert cache.store.size == 100
    assert cache.get("b") is None
    assert all(cache.get(name) is not None for name in "acde")
    cache.put("huge", CachedFile(200, {}, b"x" * 30))  # over a quarter: not kept
    assert cache.get("huge") is None


def test_crawls_of_one_process_share_the_bound_not_the_files() -> None:
    """Each crawl's WARC must hold the first copy of what its own pages loaded."""
    settings = {"GOVCRAWL_BROWSER_CACHE_MB": 1}  # a size no other test shares a store of
    first, second = (
        BrowserCacheMiddleware.from_crawler(get_crawler(settings_dict=settings)) for _ in range(2)
    )
    assert first.cache.store is second.cache.store
    first.cache.put("http://cdn/jquery.js", CachedFile(200, {}, JS))
    assert second.cache.get("http://cdn/jquery.js") is None
    assert first.cache.get("http://cdn/jquery.js") is not None
    store = first.cache.store
    store.close()
    assert store.size == len(JS)  # the other crawl still uses it
    store.close()
    assert store.size == 0
    again = BrowserCacheMiddleware.from_crawler(get_crawler(settings_dict=settings))
    assert again.cache.store is not store
    again.cache.store.close()


def test_middleware_attaches_once_and_keeps_the_spiders_own_callback() -> None:
    middleware = BrowserCacheMiddleware.from_crawler(get_crawler())
    calls: list[str] = []

    async def spiders_own(page: Any, request: Request) -> None:
        calls.append("spider")

    class FakePage:
        async def route(self, pattern: str, handler: Any) -> None:
            calls.append("route")

        def on(self, event: str, handler: Any) -> None:
            calls.append(event)

    request = Request("http://portal/list.html", meta={
        "playwright": True, "playwright_page_init_callback": spiders_own,
    })  # fmt: skip
    middleware.process_request(request)
    attached = request.meta["playwright_page_init_callback"]
    middleware.process_request(request)  # a retry passes the middleware again
    assert request.meta["playwright_page_init_callback"] is attached
    asyncio.run(attached(FakePage(), request))
    assert calls == ["route", "response", "spider"]
    plain = Request("http://portal/a.html")
    middleware.process_request(plain)
    assert "playwright_page_init_callback" not in plain.meta
    middleware.cache.store.close()


def test_the_cache_can_be_turned_off() -> None:
    from scrapy.exceptions import NotConfigured

    with pytest.raises(NotConfigured):
        BrowserCacheMiddleware.from_crawler(get_crawler(settings_dict={
            "GOVCRAWL_BROWSER_CACHE_MB": 0}))  # fmt: skip
