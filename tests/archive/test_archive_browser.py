"""Playwright network capture: unit tests with fake Playwright objects, and one real crawl.

The fakes implement only the Playwright API the handler uses (`Response.body/headers_array/
server_addr/request/frame`, `Request.headers_array/post_data_buffer/is_navigation_request`),
with the values Chromium reports: decoded bodies, lower-case HTTP/2 names, pseudo-headers.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import scrapy
from archive_site import API_JSON, JS_PAGE, run_crawl, warcio_ok
from local_site import serve
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from govcrawl.archive.browser import (
    exchange_from_playwright,
    playwright_page_event_handlers,
    wait_for_archive,
)
from govcrawl.archive.capture import WarcCaptureExtension
from govcrawl.archive.reader import iter_files, iter_report_sources
from govcrawl.fetch.browser_cache import CachedFile, CrawlCache, SubresourceCache

HTML = "<html><body>渲染前的文档</body></html>".encode()


class FakeRequest:
    def __init__(self, url: str, method: str = "GET", body: bytes | None = None, nav=False):
        self.url = url
        self.method = method
        self.post_data_buffer = body
        self._nav = nav

    async def headers_array(self) -> list[dict[str, str]]:
        return [
            {"name": ":authority", "value": "portal.example"},
            {"name": "user-agent", "value": "Chromium"},
            {"name": "accept-encoding", "value": "gzip, br"},
        ]

    def is_navigation_request(self) -> bool:
        return self._nav


class FakeResponse:
    def __init__(self, request: FakeRequest, body: bytes, frame: object, status: int = 200):
        self.request = request
        self.url = request.url
        self.status = status
        self.status_text = "OK"
        self.frame = frame
        self._body = body

    async def headers_array(self) -> list[dict[str, str]]:
        return [
            {"name": "content-type", "value": "text/html; charset=utf-8"},
            {"name": "content-encoding", "value": "gzip"},
            {"name": "content-length", "value": "17"},
            {"name": "set-cookie", "value": "a=1"},
            {"name": "set-cookie", "value": "b=2"},
        ]

    async def body(self) -> bytes:
        return self._body

    async def server_addr(self) -> dict[str, object]:
        return {"ipAddress": "127.0.0.1", "port": 8080}


def make_extension(tmp_path: Path) -> tuple[object, WarcCaptureExtension]:
    crawler = get_crawler(scrapy.Spider, {"GOVCRAWL_OUT": str(tmp_path)})
    crawler.spider = scrapy.Spider("jsportal")
    extension = WarcCaptureExtension.from_crawler(crawler)
    crawler.extensions = SimpleNamespace(middlewares=[extension])
    return crawler, extension


def test_browser_traffic_is_archived_and_main_document_linked(tmp_path: Path) -> None:
    crawler, extension = make_extension(tmp_path)
    handler = playwright_page_event_handlers(crawler)["response"]
    main_frame = SimpleNamespace(parent_frame=None)
    child_frame = SimpleNamespace(parent_frame=main_frame)
    url = "http://portal.example/xxgk/ndbg/list.html?page=1"
    api = "http://portal.example/api/reports?page=1&size=10"
    document = FakeResponse(FakeRequest(url, nav=True), HTML, main_frame)
    xhr = FakeResponse(FakeRequest(api, "POST", b"page=1"), b'{"total": 1}', main_frame)
    iframe = FakeResponse(FakeRequest("http://portal.example/ad.html", nav=True), b"x", child_frame)
    data_url = FakeResponse(FakeRequest("data:text/plain,hi"), b"hi", main_frame)

    async def run() -> None:
        for response in (document, xhr, iframe, data_url):
            await handler(response)

    asyncio.run(run())

    request = scrapy.Request(url, meta={"playwright": True})
    rendered = HtmlResponse(url, body=b"<html>rendered DOM</html>", request=request)
    extension.response_downloaded(rendered, request, crawler.spider)
    extension.spider_closed(crawler.spider)

    (path,) = extension.writer.files
    assert warcio_ok(path)
    with path.open("rb") as stream:
        records = [
            (
                r.rec_type,
                r.rec_headers.get_header("WARC-Target-URI"),
                r.rec_headers.get_header("WARC-Record-ID"),
                r.http_headers,
                r.content_stream().read(),
            )
            for r in ArchiveIterator(stream)
        ]
    responses = {uri: (rid, http, body) for kind, uri, rid, http, body in records
                 if kind == "response"}  # fmt: skip
    assert set(responses) == {url, api, "http://portal.example/ad.html"}
    rid, http, body = responses[url]
    assert body == HTML  # what the server sent, not the rendered DOM
    assert http.get_header("Content-Encoding") is None
    assert http.get_header("X-Archive-Orig-Content-Encoding") == "gzip"
    assert http.get_header("X-Archive-Orig-Content-Length") == "17"
    assert [v for n, v in http.headers if n == "set-cookie"] == ["a=1", "b=2"]
    assert request.meta["warc"]["record_id"] == rid
    assert request.meta["warc"]["file"] == path.name
    posts = [http for kind, uri, _, http, body in records
             if kind == "request" and uri == api]  # fmt: skip
    assert posts[0].protocol == "POST"
    assert posts[0].get_header(":authority") is None
    assert posts[0].get_header("Host") == "portal.example"
    (post_body,) = [body for kind, uri, _, _, body in records if kind == "request" and uri == api]
    assert post_body == b"page=1"


def test_an_answer_from_the_crawls_subresource_cache_is_not_archived(tmp_path: Path) -> None:
    """The cache replays a file a server sent earlier in the crawl; no server sent it now."""
    crawler, extension = make_extension(tmp_path)
    handler = playwright_page_event_handlers(crawler)["response"]
    frame = SimpleNamespace(parent_frame=None)
    script = "http://portal.example/static/list.js"
    cache = CrawlCache(SubresourceCache(1024 * 1024), "crawl")

    class Route:
        async def fallback(self) -> None: ...

        async def fulfill(self, **answer: object) -> None: ...

    async def load_script() -> None:
        request = FakeRequest(script)
        request.resource_type = "script"
        await cache.on_route(Route(), request)
        await handler(FakeResponse(request, b"var a;", frame))

    asyncio.run(load_script())  # from the server: archived
    cache.put(script, CachedFile(200, {}, b"var a;"))
    asyncio.run(load_script())  # from the cache: not archived
    extension.spider_closed(crawler.spider)
    (path,) = extension.writer.files
    with path.open("rb") as stream:
        kinds = [r.rec_type for r in ArchiveIterator(stream)]
    assert kinds == ["warcinfo", "response", "request"]
    assert cache.hits == 1


def test_playwright_response_without_browser_record_is_counted_not_written(
    tmp_path: Path,
) -> None:
    crawler, extension = make_extension(tmp_path)
    request = scrapy.Request("http://portal.example/", meta={"playwright": True})
    rendered = HtmlResponse(request.url, body=b"<html></html>", request=request)
    extension.response_downloaded(rendered, request, crawler.spider)
    extension.spider_closed(crawler.spider)
    assert "warc" not in request.meta
    assert not (tmp_path / "warc").exists()
    assert crawler.stats.get_value("govcrawl/warc_playwright_unlinked") == 1


def test_real_chromium_crawl_archives_wire_documents_and_api_calls(
    site: str, tmp_path: Path
) -> None:
    """scrapy-playwright + Debian Chromium (the project's launch options) on the local site."""
    run_crawl(
        tmp_path, [{"url": f"{site}/js", "report": True, "playwright": True}], playwright=True
    )
    (path,) = iter_files([tmp_path / "warc"])
    assert warcio_ok(path)
    with path.open("rb") as stream:
        records = [
            (r.rec_type, r.rec_headers, r.http_headers, r.content_stream().read())
            for r in ArchiveIterator(stream)
        ]
    by_uri = {(kind, h.get_header("WARC-Target-URI")): (h, http, body)
              for kind, h, http, body in records}  # fmt: skip
    document_headers, document_http, document_body = by_uri[("response", f"{site}/js")]
    assert document_body == JS_PAGE
    assert document_http.get_header("X-Archive-Orig-Content-Encoding") == "gzip"
    api = f"{site}/api/reports?page=1"
    assert by_uri[("response", api)][2] == API_JSON
    assert by_uri[("request", api)][1].protocol == "POST"
    assert by_uri[("request", api)][2] == b"page=1"
    (source,) = iter_report_sources([path])
    assert source.body == JS_PAGE  # the HTML the server sent, not the rendered DOM
    assert source.warc_record_id == document_headers.get_header("WARC-Record-ID")


class SlowResponse(FakeResponse):
    async def body(self) -> bytes:
        await asyncio.sleep(0.05)
        return self._body


class FakePage:
    def __init__(self) -> None:
        self.load_states: list[str] = []

    async def wait_for_load_state(self, state: str) -> None:
        self.load_states.append(state)


def test_wait_for_archive_lets_pending_writes_finish(tmp_path: Path) -> None:
    crawler, _ = make_extension(tmp_path)
    handler = playwright_page_event_handlers(crawler)["response"]
    page = FakePage()
    frame = SimpleNamespace(parent_frame=None, page=page)
    api = "http://portal.example/api/reports?page=2"
    slow = SlowResponse(FakeRequest(api), b'{"items": []}', frame)
    written: list[int] = []

    async def run() -> None:
        pending = asyncio.ensure_future(handler(slow))
        await asyncio.sleep(0)  # the handler has started and awaits the body
        await wait_for_archive(page)
        written.append(int(crawler.stats.get_value("govcrawl/warc_playwright_responses") or 0))
        await pending

    asyncio.run(run())
    assert page.load_states == ["networkidle"]
    assert written == [1]


class BodylessResponse(FakeResponse):
    """A response whose body Chromium no longer has (over its inspector buffer, evicted)."""

    def __init__(self, request: FakeRequest, frame: object, status: int = 200, headers=()):
        super().__init__(request, b"", frame, status)
        self._headers = [{"name": n, "value": v} for n, v in headers]

    async def headers_array(self) -> list[dict[str, str]]:
        return self._headers

    async def body(self) -> bytes:
        raise RuntimeError(
            "Response.body: Protocol error (Network.getResponseBody): "
            "Request content was evicted from inspector cache"
        )


def archive_bodyless(
    tmp_path: Path, url: str, status: int, headers: list[tuple[str, str]]
) -> tuple[Crawler, Any, Any, bytes]:
    """Archive a response whose body Chromium no longer has through the page's handler:
    (crawler, WARC headers, HTTP headers, stored body) of the response record written."""
    crawler, extension = make_extension(tmp_path)
    handler = playwright_page_event_handlers(crawler)["response"]
    frame = SimpleNamespace(parent_frame=None)
    asyncio.run(handler(BodylessResponse(FakeRequest(url), frame, status, headers)))
    extension.spider_closed(crawler.spider)
    (path,) = extension.writer.files
    assert warcio_ok(path)
    with path.open("rb") as stream:
        (record,) = [r for r in ArchiveIterator(stream) if r.rec_type == "response"]
        return crawler, record.rec_headers, record.http_headers, record.content_stream().read()


def test_a_body_the_browser_did_not_hand_over_is_marked_truncated(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blob = "http://portal.example/files/scan.bin"
    with caplog.at_level(logging.WARNING, logger="govcrawl.archive.browser"):
        crawler, warc, http, body = archive_bodyless(
            tmp_path, blob, 200, [("content-length", "31457280")]
        )
    assert warc.get_header("WARC-Truncated") == "unspecified"
    assert http.get_header("X-Archive-Orig-Content-Length") == "31457280"
    assert body == b""
    assert crawler.stats.get_value("govcrawl/warc_playwright_body_missing") == 1
    (warning,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert blob in warning.getMessage() and "evicted" in warning.getMessage()


def test_a_redirect_body_chromium_dropped_is_marked_truncated_without_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Chromium never keeps the "Moved" page a server sends with a 302; stored as a complete
    empty answer, the record would claim the server sent nothing."""
    headers = [("location", "/next.html"), ("content-length", "162")]
    with caplog.at_level(logging.WARNING, logger="govcrawl.archive.browser"):
        crawler, warc, http, _ = archive_bodyless(
            tmp_path, "http://portal.example/old.html", 302, headers
        )
    assert warc.get_header("WARC-Truncated") == "unspecified"
    assert (http.get_statuscode(), http.get_header("Location")) == ("302", "/next.html")
    assert crawler.stats.get_value("govcrawl/warc_playwright_redirect_body_dropped") == 1
    assert crawler.stats.get_value("govcrawl/warc_playwright_body_missing") is None
    assert not caplog.records  # every redirect would warn: followed redirects are routine


@pytest.mark.parametrize(
    ("method", "status", "headers"),
    [
        ("GET", 302, [("location", "/next.html"), ("content-length", "0")]),
        ("GET", 304, [("etag", '"v1"')]),
        ("GET", 204, []),
        ("HEAD", 200, [("content-length", "5000")]),
        ("GET", 200, [("content-length", "0")]),
    ],
)
def test_an_answer_without_a_body_on_the_wire_is_not_marked_truncated(
    method: str, status: int, headers: list[tuple[str, str]]
) -> None:
    frame = SimpleNamespace(parent_frame=None)
    response = BodylessResponse(
        FakeRequest("http://portal.example/a.html", method), frame, status, headers
    )
    _, _, http_response = asyncio.run(exchange_from_playwright(response))
    assert (http_response.body, http_response.truncated) == (b"", None)


def test_header_values_are_stored_as_the_bytes_chromium_decoded_as_latin1() -> None:
    class Headers(FakeResponse):
        async def headers_array(self) -> list[dict[str, str]]:
            return [
                {"name": "X-Latin1", "value": "caf\xe9"},
                {"name": "X-Unicode", "value": "报告"},  # no wire byte decodes to this
            ]

    frame = SimpleNamespace(parent_frame=None)
    response = Headers(FakeRequest("http://portal.example/a.pdf"), b"%PDF", frame)
    _, _, http_response = asyncio.run(exchange_from_playwright(response))
    assert list(http_response.headers) == [
        (b"X-Latin1", b"caf\xe9"),
        (b"X-Unicode", "报告".encode()),
    ]


GBK_DISPOSITION = b'attachment; filename="' + "测试县2023年度报告.pdf".encode("gbk") + b'"'
BLOB_BYTES = 32 * 1024 * 1024
"""Over Chromium's inspector buffer (about 16 MB): the browser will not hand the body over."""
BROWSER_PAGE = (
    b"<html><body><div id='out'></div><script>"
    b"fetch('/named.pdf').then(r => r.arrayBuffer()).then(b => {"
    b"document.getElementById('out').textContent += b.byteLength;});"
    b"fetch('/blob.bin').then(r => r.arrayBuffer()).then(b => {"
    b"document.getElementById('out').textContent += ' ' + b.byteLength;});"
    b"</script></body></html>"
)


class WireHeaderHandler(BaseHTTPRequestHandler):
    """Header values with raw non-ASCII bytes, and one body too large for the browser to keep.

    `send_header` writes values as latin-1, so a value decoded from bytes as latin-1 goes out
    as exactly those bytes.
    """

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/page":
            self._answer(BROWSER_PAGE, [("Content-Type", "text/html; charset=utf-8")])
        elif self.path == "/named.pdf":
            headers = [
                ("Content-Type", "application/pdf"),
                ("Content-Disposition", GBK_DISPOSITION.decode("latin-1")),
                ("X-Latin1", "caf\xe9"),
            ]
            self._answer(b"%PDF-1.4\n%%EOF\n", headers)
        elif self.path == "/blob.bin":
            self._answer(bytes(BLOB_BYTES), [("Content-Type", "application/octet-stream")])
        else:
            self._answer(b"not here", [("Content-Type", "text/plain")], 404)

    def _answer(self, body: bytes, headers: list[tuple[str, str]], status: int = 200) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def wire_site() -> Iterator[str]:
    with serve(WireHeaderHandler) as url:
        yield url


def test_real_chromium_crawl_keeps_header_bytes_and_marks_a_body_it_dropped(
    wire_site: str, tmp_path: Path
) -> None:
    stats = run_crawl(tmp_path, [{"url": f"{wire_site}/page", "playwright": True}], playwright=True)
    (path,) = iter_files([tmp_path / "warc"])
    assert warcio_ok(path)
    blocks: dict[str, tuple[bytes, str | None]] = {}
    with path.open("rb") as stream:  # unparsed: the header bytes exactly as stored
        for record in ArchiveIterator(stream, no_record_parse=True):
            if record.rec_type == "response":
                head, _, _ = record.content_stream().read().partition(b"\r\n\r\n")
                uri = record.rec_headers.get_header("WARC-Target-URI")
                blocks[uri] = (head.lower(), record.rec_headers.get_header("WARC-Truncated"))
    named_head, named_truncated = blocks[f"{wire_site}/named.pdf"]
    assert b"\r\ncontent-disposition: " + GBK_DISPOSITION.lower() + b"\r\n" in named_head + b"\r\n"
    assert b"\r\nx-latin1: caf\xe9\r\n" in named_head + b"\r\n"
    assert named_truncated is None
    blob_head, blob_truncated = blocks[f"{wire_site}/blob.bin"]
    assert b"x-archive-orig-content-length: %d" % BLOB_BYTES in blob_head
    assert blob_truncated == "unspecified"
    assert stats["govcrawl/warc_playwright_body_missing"] == 1
