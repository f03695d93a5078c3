"""Archive what a Playwright-driven browser fetched, instead of the DOM it rendered.

A scrapy-playwright response is `page.content()` — a serialisation of the DOM after scripts
ran, not bytes any server sent — so `capture` never writes it as a `response` record. The fetch
stage instead puts `playwright_page_event_handlers(crawler)` into
`request.meta["playwright_page_event_handlers"]`; the handler records every network response
of the page (main document and subresources: scripts, XHR/fetch API calls) as a
request/response pair, and remembers the main document's record so the extension can set
`meta["warc"]` for it when Scrapy's `response_downloaded` fires. The fetch stage should also
append `archive_page_method()` to `meta["playwright_page_methods"]`: it waits for network idle
and for the pending archive writes, since scrapy-playwright closes the page right after taking
its content and a closed page no longer hands over response bodies.

Limits, stated in the records themselves: Chromium hands over bodies with Content-Encoding
already removed, so `Content-Encoding` and `Content-Length` are stored as
`X-Archive-Orig-Content-Encoding` / `X-Archive-Orig-Content-Length` (pywb's convention for
original headers), keeping the record a valid HTTP message for its stored body. Header names
are as Chromium reports them (lower case over HTTP/2), HTTP/2 pseudo-headers are dropped, and
the protocol is recorded as HTTP/1.1 because Playwright does not expose the version. Header
values are stored as the bytes the server sent (see `_wire_bytes`). A body the browser does not
hand over (Chromium keeps none over about 16 MB) is stored empty with `WARC-Truncated`, counted
as `govcrawl/warc_playwright_body_missing`, never as a complete empty answer. Redirect bodies
(the "Moved" pages servers send with a 302) are never kept by Chromium: a redirect that declared
one is stored the same way, counted as `govcrawl/warc_playwright_redirect_body_dropped`.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlparse

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy_playwright.page import PageMethod

from govcrawl.archive.capture import WarcCaptureExtension, request_target
from govcrawl.archive.writer import HttpRequest, HttpResponse
from govcrawl.fetch.browser_cache import served_from_cache
from govcrawl.fetch.page_methods import add_page_method

logger = logging.getLogger(__name__)

_DECODED_BY_BROWSER = {"content-encoding", "content-length"}

# In-flight archive handlers per page, so `wait_for_archive` can let them finish before
# scrapy-playwright closes the page (a closed page cannot hand over response bodies).
_pending: weakref.WeakKeyDictionary[Any, set[asyncio.Task]] = weakref.WeakKeyDictionary()


def _wire_bytes(value: str) -> bytes:
    """A header value back as the bytes the server sent.

    Chromium hands header values over decoded byte for byte as latin-1 (a GBK file name in
    Content-Disposition arrives as `"\\xb2\\xe2…"`), so latin-1 gives the wire bytes back;
    UTF-8 is only for characters latin-1 cannot hold, which no wire byte decoded to.
    """
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8")


def _header_pairs(headers: list[dict[str, str]]) -> list[tuple[bytes, bytes]]:
    return [
        (h["name"].encode("latin-1", "replace"), _wire_bytes(h["value"]))
        for h in headers
        if not h["name"].startswith(":")
    ]


BODY_MISSING = "unspecified"
"""WARC-Truncated reason of a response whose body the browser did not hand over.

Not "length": WARC 1.1 means a size limit of the archiver's own, and we set none; Chromium
says "evicted from inspector cache" alike for one body over its buffer (about 16 MB) and for
bodies pushed out by later ones, and other failures (a closed page) say less. Not "time" (no
time limit applied) and not "disconnect": the browser received the response, it only did not
keep the body for us. So only "unspecified" is true."""


def _body_expected(response: Any, headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether a server sent a body the browser should have handed over.

    HEAD requests, 1xx/204/304 answers and an explicit `Content-Length: 0` have none on the
    wire.
    """
    status = response.status
    if response.request.method == "HEAD" or status < 200 or status in (204, 304):
        return False
    return not any(
        name.lower() == b"content-length" and value.strip() == b"0" for name, value in headers
    )


def _is_redirect(response: Any, headers: list[tuple[bytes, bytes]]) -> bool:
    """A redirect Chromium follows: it drops the body while following, so none is ever kept."""
    return 300 <= response.status < 400 and any(name.lower() == b"location" for name, _ in headers)


async def exchange_from_playwright(response: Any) -> tuple[str, HttpRequest, HttpResponse]:
    """A Playwright `Response` (and its `Request`) as writer input; body as the browser gave it."""
    request = response.request
    url = response.url
    req_headers = _header_pairs(await request.headers_array())
    if not any(name.lower() == b"host" for name, _ in req_headers):
        req_headers.insert(0, (b"Host", urlparse(url).netloc.encode()))
    wire_headers = _header_pairs(await response.headers_array())
    truncated = None
    try:
        body = await response.body()
    except Exception as exc:  # redirects, and bodies the browser dropped or never kept
        body = b""
        if _body_expected(response, wire_headers):
            truncated = BODY_MISSING
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            log = logger.debug if _is_redirect(response, wire_headers) else logger.warning
            log(
                "browser did not hand over the body of %s (%s); archived with WARC-Truncated: %s",
                url,
                reason,
                truncated,
            )
    resp_headers = []
    for name, value in wire_headers:
        if name.lower().decode("latin-1") in _DECODED_BY_BROWSER:
            name = b"X-Archive-Orig-" + name
        resp_headers.append((name, value))
    server = await response.server_addr()
    return (
        url,
        HttpRequest(
            method=request.method,
            target=request_target(url),
            headers=req_headers,
            body=request.post_data_buffer or b"",
        ),
        HttpResponse(
            status=response.status,
            reason=response.status_text,
            headers=resp_headers,
            body=body,
            ip_address=server["ipAddress"] if server else None,
            truncated=truncated,
            captured_at=_request_started(request),
        ),
    )


def _request_started(request: Any) -> datetime | None:
    """When Chromium started the request (Playwright's `timing.startTime`, epoch ms)."""
    try:
        started = float(request.timing["startTime"])
    except (AttributeError, KeyError, TypeError, ValueError):
        return None
    return datetime.fromtimestamp(started / 1000, UTC) if started > 0 else None


def is_main_document(response: Any) -> bool:
    """A navigation of the top frame (not an iframe, not a worker's fetch)."""
    try:
        navigation = response.request.is_navigation_request()
        return bool(navigation and response.frame.parent_frame is None)
    except Exception:  # service-worker responses have no frame
        return False


async def archive_response(
    response: Any, extension: WarcCaptureExtension, spider: Any
) -> dict | None:
    """Write one Playwright response as a request/response pair (a revisit when its payload is
    already archived, as for Scrapy's downloads); None for non-HTTP URLs and for answers the
    crawl's subresource cache gave (`govcrawl.fetch.browser_cache`), which no server sent."""
    if urlparse(response.url).scheme not in ("http", "https"):
        return None
    if served_from_cache(response.request):
        return None  # answered from the crawl's memory: the first copy is archived already
    url, request, http_response = await exchange_from_playwright(response)
    if http_response.truncated == BODY_MISSING:
        redirect = _is_redirect(response, http_response.headers)
        lost = "redirect_body_dropped" if redirect else "body_missing"
        extension.crawler.stats.inc_value(f"govcrawl/warc_playwright_{lost}")
    return extension.archive_exchange(url, request, http_response, spider)


def playwright_page_event_handlers(
    crawler: Crawler,
) -> dict[str, Callable[[Any], Awaitable[None]]]:
    """`{"response": handler}` for `request.meta["playwright_page_event_handlers"]`."""
    extension = next(
        (e for e in crawler.extensions.middlewares if isinstance(e, WarcCaptureExtension)), None
    )

    async def on_response(response: Any) -> None:
        if extension is None or crawler.spider is None:
            return
        task = asyncio.current_task()
        page = _page_of(response)
        if task is not None and page is not None:
            _pending.setdefault(page, set()).add(task)
            task.add_done_callback(lambda done: _pending.get(page, set()).discard(done))
        try:
            info = await archive_response(response, extension, crawler.spider)
        except Exception:
            logger.exception("could not archive browser response %s", response.url)
            crawler.stats.inc_value("govcrawl/warc_playwright_errors")
            return
        if info is None:
            return
        crawler.stats.inc_value("govcrawl/warc_playwright_responses")
        if is_main_document(response):
            extension.browser_document_recorded(response.url, info)

    return {"response": on_response}


def _page_of(response: Any) -> Any:
    try:
        return response.frame.page
    except Exception:  # a response of a service worker has no frame
        return None


async def wait_for_archive(page: Any, network_idle: bool = True) -> None:
    """Let the page's network settle, then wait until every started archive write finished.

    Used as a page method (`archive_page_method()`), it runs before scrapy-playwright takes
    the page content and closes the page; XHR answers still in flight would otherwise be lost.
    """
    if network_idle:
        await page.wait_for_load_state("networkidle")
    current = asyncio.current_task()
    while tasks := [t for t in _pending.get(page, ()) if t is not current and not t.done()]:
        await asyncio.gather(*tasks, return_exceptions=True)


def archive_page_method(network_idle: bool = True) -> PageMethod:
    """A fresh `PageMethod` for the end of `meta["playwright_page_methods"]`."""
    return PageMethod(wait_for_archive, network_idle=network_idle)


def attach_browser_capture(meta: dict[str, Any], crawler: Crawler) -> None:
    """Make a Playwright request archive its network traffic (see `BrowserCaptureMiddleware`).

    The archive stage attaches itself, so spiders only say `meta["playwright"] = True` and never
    know the archive exists.
    """
    handlers = dict(meta.get("playwright_page_event_handlers") or {})
    handlers.setdefault("response", playwright_page_event_handlers(crawler)["response"])
    meta["playwright_page_event_handlers"] = handlers
    add_page_method(meta, archive_page_method())


class BrowserCaptureMiddleware:
    """Downloader middleware that attaches `attach_browser_capture` to Playwright requests.

    It runs after the scheduler handed the request out, not when the request is scheduled: the
    event handlers are closures over this crawl's writer, and a request carrying them in its
    meta could not be serialised into a disk queue (JOBDIR) or scrapy-redis's shared queue.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BrowserCaptureMiddleware:
        if not crawler.settings.getbool("GOVCRAWL_WARC_ENABLED", True):
            raise NotConfigured("GOVCRAWL_WARC_ENABLED is off")
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if request.meta.get("playwright"):
            attach_browser_capture(request.meta, self.crawler)
