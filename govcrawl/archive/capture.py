"""Scrapy extension that writes every HTTP exchange of a crawl to WARC as it was on the wire.

Existing Scrapy WARC plugins serialise responses from downloader-middleware output, after
HttpCompressionMiddleware has decoded the body and rewritten the headers. This extension
listens to `response_downloaded`, which Scrapy sends straight after the download handler and
before any downloader middleware's `process_response`, so the record holds the body with its
Content-Encoding intact, and robots.txt, redirects and error statuses are archived like any
other response.

What the records can and cannot hold, given what Twisted hands to Scrapy:

- Request record: rebuilt exactly as Twisted's HTTP/1.1 client serialises it — request line with
  the origin-form target, `Content-Length` first when there is a body (or `0` for an empty
  POST/PUT), then Scrapy's final headers (after UserAgent, DefaultHeaders, HttpCompression's
  Accept-Encoding and cookies middlewares) in Twisted's canonical capitalisation, then `Host`
  when Scrapy did not set one. Proxy requests are not specially treated.
- Response record: status line from `response.protocol` (HTTP/1.1 if unset) and the standard
  reason phrase (Scrapy drops the server's phrase). Header **names** are as Scrapy's `Headers`
  title-cases them; **values** are byte-exact. Twisted keeps connection-control headers
  (Connection, Keep-Alive, Transfer-Encoding, …) out of the response headers and Scrapy
  re-creates only `Content-Length`, so a chunked response is stored as a valid non-chunked
  message without a length header (the writer's docstring explains the Transfer-Encoding
  policy). Responses Scrapy flags `dataloss`/`download_stopped` get `WARC-Truncated`.
- Metadata and conversion records name the page as `urn:govcrawl:report:<url>` and
  `urn:text:<url>` rather than the bare URL, so replay tools never serve them as the page;
  they point at the response by WARC-Refers-To.
- Playwright requests (`meta["playwright"]`) are rendered DOMs, not wire bytes: they are not
  written here; `browser.playwright_page_event_handlers` records the browser's own network
  traffic, and this extension only copies the main document's record into `meta["warc"]`.
"""

from __future__ import annotations

import http
import logging
import os
import socket
import uuid
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlparse, urlunparse

import scrapy
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from twisted.web.http_headers import Headers as TxHeaders

import govcrawl
from govcrawl.archive.signals import report_classified, text_converted
from govcrawl.archive.writer import HttpRequest, HttpResponse, WarcFileWriter

logger = logging.getLogger(__name__)

# Derived records get their own URI namespace (browsertrix's `urn:text:<url>` convention):
# pywb indexes metadata and conversion records, and one carrying the page's own URL and the
# same capture second would be replayed instead of the page (seen with pywb 2.10).
METADATA_URI_PREFIX = "urn:govcrawl:report:"
CONVERSION_URI_PREFIX = "urn:text:"

METADATA_FIELDS = (
    "kind",
    "parent_url",
    "list_url",
    "spider",
    "portal",
    "title_hint",
    "filename",
    "source_url",
    "final_url",
)


def request_target(url: str) -> str:
    """Origin-form request target (path;params?query, no fragment) as Twisted sends it."""
    parts = urlparse(urldefrag(url)[0])
    return urlunparse(("", "", parts.path or "/", parts.params, parts.query, ""))


def _host_value(url: str) -> bytes:
    parts = urlparse(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if (parts.scheme, port) in (("http", 80), ("https", 443)):
        return host.encode()
    return f"{host}:{port}".encode()


def http_request_from_scrapy(request: Request) -> HttpRequest:
    """The request Scrapy passed to Twisted, serialised in Twisted's order."""
    method = request.method.upper()
    headers: list[tuple[bytes, bytes]] = []
    if request.body:
        headers.append((b"Content-Length", str(len(request.body)).encode()))
    elif method in ("POST", "PUT"):
        headers.append((b"Content-Length", b"0"))
    tx = TxHeaders(request.headers)
    for name, values in tx.getAllRawHeaders():
        headers.extend((name, value) for value in values)
    if not tx.hasHeader(b"Host"):
        headers.append((b"Host", _host_value(request.url)))
    return HttpRequest(method, request_target(request.url), headers, request.body)


def http_response_from_scrapy(response: Response) -> HttpResponse:
    """The response before any downloader middleware touched it."""
    headers = [(name, value) for name, values in response.headers.items() for value in values]
    try:
        reason = http.HTTPStatus(response.status).phrase
    except ValueError:
        reason = ""
    truncated = None
    if "dataloss" in response.flags:
        truncated = "disconnect"
    elif "download_stopped" in response.flags:
        truncated = "unspecified"
    return HttpResponse(
        status=response.status,
        reason=reason,
        headers=headers,
        body=response.body,
        protocol=response.protocol or "HTTP/1.1",
        ip_address=str(response.ip_address) if response.ip_address else None,
        truncated=truncated,
    )


class WarcCaptureExtension:
    """Owns one `WarcFileWriter` per crawler and feeds it from Scrapy signals.

    The file prefix is `govcrawl-<spider name>` so several crawlers in one process (one per
    portal) never collide on file names.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.directory = Path(settings.get("GOVCRAWL_OUT", "data/out")) / "warc"
        self.max_size = settings.getint("GOVCRAWL_WARC_MAX_SIZE", 1024**3)
        self.fsync = settings.getbool("GOVCRAWL_WARC_FSYNC", False)
        self.writer: WarcFileWriter | None = None
        self.closed = False
        self._browser_documents: dict[str, dict] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCaptureExtension:
        if not crawler.settings.getbool("GOVCRAWL_WARC_ENABLED", True):
            raise NotConfigured("GOVCRAWL_WARC_ENABLED is off")
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.response_downloaded, signal=signals.response_downloaded)
        crawler.signals.connect(ext.request_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(ext.report_classified, signal=report_classified)
        crawler.signals.connect(ext.text_converted, signal=text_converted)
        return ext

    def warcinfo(self, spider_name: str) -> dict[str, str | None]:
        settings = self.crawler.settings
        return {
            "software": (
                f"govcrawl/{govcrawl.__version__} "
                f"(warcio {version('warcio')}, Scrapy {scrapy.__version__})"
            ),
            "hostname": socket.gethostname(),
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            "isPartOf": settings.get("GOVCRAWL_RUN_ID") or str(uuid.uuid4()),
            "spider": spider_name,
            "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
            "http-header-user-agent": settings.get("USER_AGENT"),
            "govcrawl-registry-version": settings.get("GOVCRAWL_REGISTRY_VERSION"),
        }

    def writer_for(self, spider: Spider) -> WarcFileWriter:
        if self.closed:
            raise RuntimeError("the WARC writer of this crawl is already closed")
        if self.writer is None:
            self.writer = WarcFileWriter(
                self.directory,
                prefix=f"govcrawl-{spider.name}",
                max_size=self.max_size,
                fsync=self.fsync,
                warcinfo=self.warcinfo(spider.name),
            )
        return self.writer

    # -- signal handlers ---------------------------------------------------------------------

    def spider_opened(self, spider: Spider) -> None:
        self.writer_for(spider)

    def request_scheduled(self, request: Request, spider: Spider) -> None:
        if request.meta.get("playwright"):
            # browser.py builds on this module, so it is imported where it is needed.
            from govcrawl.archive.browser import attach_browser_capture

            attach_browser_capture(request.meta, self.crawler)

    def response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        if request.meta.get("playwright"):
            self._link_browser_document(response, request)
            return
        writer = self.writer_for(spider)
        info = writer.write_exchange(
            response.url, http_request_from_scrapy(request), http_response_from_scrapy(response)
        )
        request.meta["warc"] = info
        self.crawler.stats.inc_value("govcrawl/warc_responses")

    def report_classified(self, item: dict[str, Any], spider: Spider) -> None:
        warc = item.get("warc")
        if not warc:
            self.crawler.stats.inc_value("govcrawl/warc_unlinked_reports")
            logger.warning("report %s has no response record to refer to", item.get("source_url"))
            return
        payload = {"report": True, **{name: item.get(name) for name in METADATA_FIELDS}}
        payload["spider"] = payload["spider"] or spider.name
        self.writer_for(spider).write_metadata(
            warc["record_id"], METADATA_URI_PREFIX + _item_url(item), {"govcrawl": payload}
        )

    def text_converted(self, item: dict[str, Any], text: str, spider: Spider) -> None:
        warc = item.get("warc")
        if not warc:
            return
        self.writer_for(spider).write_conversion(
            warc["record_id"], CONVERSION_URI_PREFIX + _item_url(item), text
        )

    def spider_closed(self, spider: Spider) -> None:
        self.closed = True
        if self.writer is None:
            return
        self.writer.close()
        files = [str(path) for path in self.writer.files]
        stats = self.crawler.stats
        stats.set_value("govcrawl/warc_files", files)
        stats.set_value("govcrawl/warc_bytes", sum(os.path.getsize(f) for f in files))

    # -- browser (Playwright) traffic ----------------------------------------------------------

    def browser_document_recorded(self, url: str, info: dict) -> None:
        """Called by `browser` when it wrote a main-frame navigation response for `url`."""
        self._browser_documents[url] = info

    def _link_browser_document(self, response: Response, request: Request) -> None:
        info = self._browser_documents.pop(response.url, None)
        if info is None:
            info = self._browser_documents.pop(request.url, None)
        if info is None:
            self.crawler.stats.inc_value("govcrawl/warc_playwright_unlinked")
            return
        request.meta["warc"] = info


def _item_url(item: dict[str, Any]) -> str:
    return item.get("final_url") or item["source_url"]
