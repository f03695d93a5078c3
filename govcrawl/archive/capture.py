"""Scrapy extension that writes every HTTP exchange of a crawl to WARC as it was on the wire.

Middleware-based Scrapy WARC plugins (scrapy-warcio and the like) serialise responses after
HttpCompressionMiddleware has decoded the body and rewritten the headers. This extension
listens to `response_downloaded`, which Scrapy sends straight after the download handler and
before any downloader middleware's `process_response`, so the record holds the body with its
Content-Encoding intact, and robots.txt, redirects and error statuses are archived like any
other response. scrapy-webarchive listens there too, but writes `HTTP/1.0` status and request
lines, drops the query string from the request line, and loses the whole exchange when a header
value is not UTF-8 (a GBK file name in Content-Disposition); see `bench/webarchive.py`.

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
- Metadata and conversion records name the page as `urn:govcrawl:page:<url>` and
  `urn:text:<url>` rather than the bare URL, so replay tools never serve them as the page;
  they point at the response by WARC-Refers-To.
- Dedup across runs (`dedup.DedupIndex`; settings `GOVCRAWL_DEDUP_ENABLED`, default on, and
  `GOVCRAWL_DEDUP_DB`, default `<GOVCRAWL_OUT>/warc/dedup.sqlite3`): a response whose payload
  digest is already in the index — from an earlier run or this one, **under any URL**
  (identical-payload-digest claims only that the payload is the same; the revisit keeps its
  own URL and HTTP headers) — is written as a `revisit` record instead of a full `response`.
  Stored in full all the same: empty payloads (nothing to save), truncated ones (not the
  payload), and payloads whose original's file is not in this WARC folder (a revisit must
  stay resolvable within the collection). A 304 answer to a conditional request (the
  `conditional.ConditionalRequestMiddleware` put the original capture into `meta`) is written
  as a server-not-modified revisit. For both, `meta["warc"]` names the revisit record (its
  id, file and date) with the original's payload digest. The browser's own traffic
  (`browser`) goes through the same `archive_exchange`: it sends no validators, so an
  unchanged script or page comes back as an identical-payload revisit.
- Records derived from a payload — the page's `metadata` record (`provenance`) and a report's
  `conversion` record — are not written again for a revisit when the original `response`
  already has one with the same content: they are found by following the revisit's
  WARC-Refers-To. A page made something different of this time (other outlinks, another
  classification, another URL for the same payload) gets its own record.
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
from collections.abc import Callable
from datetime import UTC, datetime
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
from govcrawl.archive.dedup import Capture, DedupIndex, record_path
from govcrawl.archive.recover import recover_stale
from govcrawl.archive.signals import text_converted
from govcrawl.archive.writer import (
    IDENTICAL_PAYLOAD,
    SERVER_NOT_MODIFIED,
    HttpRequest,
    HttpResponse,
    RevisitTarget,
    WarcFileWriter,
    metadata_body,
    payload_digest,
)
from govcrawl.document import CAPTURE_STARTED_META, SPOOLED_META, SpooledBody

logger = logging.getLogger(__name__)

# Derived records get their own URI namespace (browsertrix's `urn:text:<url>` convention):
# pywb indexes metadata and conversion records, and one carrying the page's own URL and the
# same capture second would be replayed instead of the page (seen with pywb 2.10).
METADATA_URI_PREFIX = "urn:govcrawl:page:"
CONVERSION_URI_PREFIX = "urn:text:"

CONDITIONAL_META = "govcrawl_conditional"
"""`request.meta` key under which the conditional middleware puts the original `Capture`."""
WARC_META_FIELDS = ("file", "record_id", "payload_digest", "date")


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


def dedup_db_path(settings: Any) -> Path:
    """`GOVCRAWL_DEDUP_DB`, by default `<GOVCRAWL_OUT>/warc/dedup.sqlite3`."""
    configured = settings.get("GOVCRAWL_DEDUP_DB")
    if configured:
        return Path(configured)
    return Path(settings.get("GOVCRAWL_OUT", "data/out")) / "warc" / "dedup.sqlite3"


def _header(response: HttpResponse, name: str) -> str | None:
    """The first value of header `name` (any case) as received, or None."""
    wanted = name.lower().encode("latin-1")
    for field, value in response.headers:
        field_bytes = field if isinstance(field, bytes) else field.encode("latin-1")
        if field_bytes.lower() == wanted:
            return value.decode("latin-1") if isinstance(value, bytes) else value
    return None


def http_response_from_scrapy(response: Response, request: Request) -> HttpResponse:
    """The response before any downloader middleware touched it (body spooled or in memory)."""
    spooled: SpooledBody | None = request.meta.get(SPOOLED_META)
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
        body_file=spooled.path if spooled else None,
        captured_at=capture_started(request),
    )


def capture_started(request: Request) -> datetime | None:
    """When the download handler sent the request (`CAPTURE_STARTED_META`), if it said."""
    started = request.meta.get(CAPTURE_STARTED_META)
    return datetime.fromtimestamp(started, UTC) if isinstance(started, int | float) else None


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
        self.dedup = settings.getbool("GOVCRAWL_DEDUP_ENABLED", True)
        self.index: DedupIndex | None = None
        """Opened with the first response, like the first WARC file."""
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
            "govcrawl-politeness": (
                f"concurrency {settings.getint('CONCURRENT_REQUESTS_PER_DOMAIN')} per host; "
                f"delay {settings.getfloat('DOWNLOAD_DELAY')} s; autothrottle "
                + (
                    f"target {settings.getfloat('AUTOTHROTTLE_TARGET_CONCURRENCY')}"
                    if settings.getbool("AUTOTHROTTLE_ENABLED")
                    else "off"
                )
            ),
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
        # A kill -9 of an earlier crawl must not leave its records where nothing reads them
        # (replay and package take closed files) while the dedup index points at them.
        recover_stale(self.directory)
        self.writer_for(spider)

    def response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        if request.meta.get("playwright"):
            self._link_browser_document(response, request)
            return
        info = self.archive(response, request, spider)
        request.meta["warc"] = {name: info[name] for name in WARC_META_FIELDS}

    def archive(self, response: Response, request: Request, spider: Spider) -> dict:
        """Write a Scrapy download as a response or, when the index allows, as a revisit."""
        return self.archive_exchange(
            response.url,
            http_request_from_scrapy(request),
            http_response_from_scrapy(response, request),
            spider,
            conditional=request.meta.get(CONDITIONAL_META),
        )

    def archive_exchange(
        self,
        url: str,
        wire_request: HttpRequest,
        wire_response: HttpResponse,
        spider: Spider,
        *,
        conditional: Capture | None = None,
    ) -> dict:
        """Write one exchange (a Scrapy download or the browser's own traffic) as a response,
        or as a revisit when it answers a conditional request with 304 or its payload is
        already archived."""
        writer = self.writer_for(spider)
        if not self.dedup:
            return writer.write_exchange(url, wire_request, wire_response)
        if self.index is None:
            self.index = DedupIndex.shared(dedup_db_path(self.crawler.settings))
        stats = self.crawler.stats
        revisit: tuple[str, Capture, str] | None = None
        if conditional is not None and wire_response.status == 304:
            revisit = (SERVER_NOT_MODIFIED, conditional, "not_modified")
        elif (wire_response.body or wire_response.body_file) and wire_response.truncated is None:
            with wire_response.open_body() as payload:
                digest = payload_digest(payload)
            original = self.index.original_for_digest(digest)
            if original is not None and record_path(self.directory, original.warc_file):
                revisit = (IDENTICAL_PAYLOAD, original, "identical")
        if revisit is not None:
            profile, original, kind = revisit
            info = writer.write_revisit(
                url, wire_request, wire_response, profile=profile, refers_to=_target(original)
            )
            self._index(url, info, wire_response, "revisit", original)
            stats.inc_value(f"govcrawl/warc_revisits_{kind}")
            return info
        info = writer.write_exchange(url, wire_request, wire_response)
        self._index(url, info, wire_response, "response", None)
        stats.inc_value("govcrawl/warc_responses")
        return info

    def _index(
        self,
        url: str,
        info: dict,
        response: HttpResponse,
        record_type: str,
        original: Capture | None,
    ) -> None:
        assert self.index is not None
        etag, modified = _header(response, "ETag"), _header(response, "Last-Modified")
        content_type = _header(response, "Content-Type")
        status = response.status
        if original is not None and status == 304:
            # A 304 may omit validators and entity headers; they stay those of the original.
            etag = etag or original.etag
            modified = modified or original.last_modified
            content_type, status = original.content_type, original.status
        self.index.add(
            Capture(
                url=url,
                record_type=record_type,
                payload_digest=info["payload_digest"],
                warc_file=info["file"],
                offset=info["offset"],
                length=info["length"],
                record_id=info["record_id"],
                date=info["date"],
                etag=etag,
                last_modified=modified,
                status=status,
                content_type=content_type,
                refers_to=original.record_id if original else None,
            )
        )

    def page_processed(
        self, url: str, warc: dict[str, Any], payload: dict[str, Any], spider: Spider
    ) -> None:
        """The spider is done with the page whose response record `warc` names: a `metadata`
        record holds what it made of it (`provenance.PageMetadataMiddleware` builds it)."""
        body = metadata_body({"govcrawl": payload})
        self._write_derived(
            "metadata",
            warc,
            body,
            lambda: self.writer_for(spider).write_metadata(
                warc["record_id"], METADATA_URI_PREFIX + url, {"govcrawl": payload}
            ),
        )

    def text_converted(self, item: dict[str, Any], text: str, spider: Spider) -> None:
        warc = item.get("warc")
        if not warc:
            return
        self._write_derived(
            "conversion",
            warc,
            text.encode("utf-8"),
            lambda: self.writer_for(spider).write_conversion(
                warc["record_id"], CONVERSION_URI_PREFIX + _item_url(item), text
            ),
        )

    def _write_derived(
        self, kind: str, warc: dict[str, Any], body: bytes, write: Callable[[], str]
    ) -> None:
        """Write a record derived from a payload, unless the record `warc` names is a revisit
        whose original already has a `kind` record with this very payload."""
        digest = payload_digest(body)
        capture = self.index.by_record_id(warc["record_id"]) if self.index else None
        original = self.index.original_of(capture) if self.index and capture else None
        if self.index is None or original is None:
            write()
            return
        assert capture is not None
        if capture.record_type == "revisit" and self.index.has_derived(
            kind, original.record_id, digest
        ):
            self.crawler.stats.inc_value(f"govcrawl/warc_{kind}_deduplicated")
            return
        self.index.add_derived(kind, original.record_id, digest, write())

    def spider_closed(self, spider: Spider) -> None:
        self.closed = True
        if self.index is not None:
            self.index.close()
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


def _target(original: Capture) -> RevisitTarget:
    return RevisitTarget(
        record_id=original.record_id,
        url=original.url,
        date=original.date,
        payload_digest=original.payload_digest or "",
    )


def _item_url(item: dict[str, Any]) -> str:
    return item.get("final_url") or item["source_url"]
