"""Conditional re-crawls: ask the server whether an archived page changed, replay it if not.

`ConditionalRequestMiddleware` (a downloader middleware) looks up the last capture of every
GET request's URL in the dedup index and, when that capture was a 200 with an `ETag` or
`Last-Modified` and its payload is archived under this URL (not only as an identical payload of
another URL's), sends `If-None-Match` / `If-Modified-Since`. robots.txt is treated like any
other GET: it is archived on every run, so it is re-validated the same way.

When the server answers 304, the capture extension has already archived the 304 exchange as a
server-not-modified revisit (it fires on `response_downloaded`, before any `process_response`).
The middleware then hands Scrapy a 200 rebuilt from the original `response` record — read by
seeking to its offset in its WARC file — so spiders and pipelines see exactly what the first
run saw. The rebuilt response keeps the original's stored headers and body, Content-Encoding
included, so this middleware must sit above HttpCompressionMiddleware (590) in
`DOWNLOADER_MIDDLEWARES` (e.g. at 700) and decompression then happens exactly as on the first
run. `response.meta["warc"]` keeps naming the revisit record the extension wrote.

If the original record cannot be read at request time (its file is gone) no conditional
headers are sent; if it fails after a 304 arrived, the request is sent again unconditionally.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, BinaryIO

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from govcrawl.archive.capture import CONDITIONAL_META, dedup_db_path
from govcrawl.archive.dedup import Capture, DedupIndex, canonical_url, record_path
from govcrawl.archive.writer import ORIG_PREFIX
from govcrawl.document import SPOOL_THRESHOLD, SPOOLED_META, SpooledBody, is_text_type

logger = logging.getLogger(__name__)

UNCONDITIONAL_META = "govcrawl_unconditional"
"""Set in `request.meta` to fetch without validators (also used for the fallback re-fetch)."""
_VALIDATORS = (b"If-None-Match", b"If-Modified-Since")


@dataclasses.dataclass(frozen=True)
class StoredResponse:
    """The HTTP status, header fields and stored (still content-encoded) body of a record.

    A body larger than the spool threshold is in the file `spooled` names and `body` is empty.
    """

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    protocol: str
    spooled: SpooledBody | None = None


def read_stored_response(
    warc_dir: Path,
    capture: Capture,
    *,
    spool_dir: Path | None = None,
    spool_threshold: int = 0,
) -> StoredResponse:
    """Seek to `capture`'s gzip member and parse its `response` record, streaming.

    With `spool_dir`, a stored body over `spool_threshold` bytes is copied into a file there
    rather than read into memory. Raises `OSError` when the file is missing and `ValueError`
    when the bytes there are not the indexed record.
    """
    path = record_path(warc_dir, capture.warc_file)
    if path is None:
        raise FileNotFoundError(warc_dir / capture.warc_file)
    with path.open("rb") as handle:
        handle.seek(capture.offset)
        try:
            record = next(iter(ArchiveIterator(handle)))
        except (StopIteration, ArchiveLoadFailed) as exc:
            raise ValueError(f"no WARC record at {path}:{capture.offset}") from exc
        if record.rec_headers.get_header("WARC-Record-ID") != capture.record_id:
            raise ValueError(f"{path}:{capture.offset} is not record {capture.record_id}")
        http = record.http_headers
        headers = [
            (name.encode("latin-1"), value.encode("latin-1"))
            for name, value in http.headers
            if not name.encode("latin-1").startswith(ORIG_PREFIX)
        ]
        body, spooled = b"", None
        payload_size = (record.length or 0) - len(http.headers_buff or b"")
        if spool_dir is not None and payload_size > spool_threshold:
            spooled = _spool(record.raw_stream, spool_dir, http.get_header("Content-Encoding"))
        else:
            body = record.raw_stream.read()
    return StoredResponse(
        status=int(http.get_statuscode()),
        headers=headers,
        body=body,
        protocol=http.protocol,
        spooled=spooled,
    )


def _spool(stream: BinaryIO, directory: Path, content_encoding: str | None) -> SpooledBody:
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        dir=directory, prefix="stored-", suffix=".part", delete=False
    ) as spool:
        shutil.copyfileobj(stream, spool, 1024 * 1024)
        size = spool.tell()
    encodings = tuple(e.strip().lower() for e in (content_encoding or "").split(",") if e.strip())
    return SpooledBody(path=spool.name, size=size, content_encoding=encodings)


class ConditionalRequestMiddleware:
    """Adds validators from the dedup index; turns a 304 back into the archived 200."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        out = Path(settings.get("GOVCRAWL_OUT", "data/out"))
        self.warc_dir = out / "warc"
        # Beside the download handler's spool: large archived attachments replayed after a 304
        # are handed on as files too; clean removes each, `spider_closed` the folder.
        self.spool_dir = out / "spool" / f"stored-{os.getpid()}"
        self.spool_threshold = settings.getint("GOVCRAWL_SPOOL_THRESHOLD", SPOOL_THRESHOLD)
        self._index: DedupIndex | None = None

    @property
    def index(self) -> DedupIndex:
        """Opened on first use, so a crawl that fetches nothing leaves no index file."""
        if self._index is None:
            self._index = DedupIndex.shared(dedup_db_path(self.crawler.settings))
        return self._index

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalRequestMiddleware:
        settings = crawler.settings
        if not settings.getbool("GOVCRAWL_WARC_ENABLED", True):
            raise NotConfigured("without the archive a 304 could not be answered")
        if not settings.getbool("GOVCRAWL_DEDUP_ENABLED", True):
            raise NotConfigured("GOVCRAWL_DEDUP_ENABLED is off")
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_closed(self, spider: Spider) -> None:
        if self._index is not None:
            self._index.close()
        shutil.rmtree(self.spool_dir, ignore_errors=True)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if (
            request.method != "GET"
            or request.meta.get("playwright")
            or request.meta.get(UNCONDITIONAL_META)
            or any(name in request.headers for name in _VALIDATORS)
        ):
            return None
        latest = self.index.last_capture(request.url)
        if latest is None or not (latest.etag or latest.last_modified):
            return None
        original = self.index.original_of(latest)
        if original is None or original.status != 200:
            return None
        if canonical_url(original.url) != canonical_url(request.url):
            # The payload is archived under another URL, whose headers (Content-Encoding,
            # Content-Type, Content-Disposition) need not be this one's: a 304 could not be
            # answered with this URL's response, so ask for it whole.
            return None
        if record_path(self.warc_dir, original.warc_file) is None:
            return None
        if latest.etag:
            request.headers[b"If-None-Match"] = latest.etag
        if latest.last_modified:
            request.headers[b"If-Modified-Since"] = latest.last_modified
        request.meta[CONDITIONAL_META] = dataclasses.replace(
            original, etag=latest.etag, last_modified=latest.last_modified
        )
        self.crawler.stats.inc_value("govcrawl/conditional_requests")
        return None

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        original: Capture | None = request.meta.get(CONDITIONAL_META)
        if original is None or response.status != 304:
            return response
        try:
            stored = read_stored_response(
                self.warc_dir,
                original,
                # pages stay in memory: the spider parses them whole
                spool_dir=None if is_text_type(original.content_type) else self.spool_dir,
                spool_threshold=self.spool_threshold,
            )
        except (OSError, ValueError) as exc:
            logger.warning("cannot replay %s after 304 (%s); fetching it again", request.url, exc)
            self.crawler.stats.inc_value("govcrawl/conditional_refetch")
            return _unconditional(request)
        self.crawler.stats.inc_value("govcrawl/conditional_not_modified")
        if stored.spooled is not None:
            request.meta[SPOOLED_META] = stored.spooled
            self.crawler.stats.inc_value("govcrawl/conditional_spooled")
        headers = Headers()
        for name, value in stored.headers:
            headers.appendlist(name, value)
        cls = responsetypes.from_args(headers=headers, url=response.url, body=stored.body)
        return cls(
            url=response.url,
            status=stored.status,
            headers=headers,
            body=stored.body,
            flags=[*response.flags, "revisit"],
            request=request,
            certificate=response.certificate,
            ip_address=response.ip_address,
            protocol=stored.protocol,
        )


def _unconditional(request: Request) -> Request:
    meta: dict[str, Any] = {k: v for k, v in request.meta.items() if k != CONDITIONAL_META}
    meta[UNCONDITIONAL_META] = True
    headers = Headers(request.headers)
    for name in _VALIDATORS:
        headers.pop(name, None)
    return request.replace(headers=headers, meta=meta, dont_filter=True)
