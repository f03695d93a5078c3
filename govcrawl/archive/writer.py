"""Rotating, crash-safe WARC 1.1 writer that stores HTTP messages byte for byte.

Why not just `warcio.WARCWriter`: it is used underneath (one gzip member per record, block and
payload digests, sha1 base32), but three things are added here.

- **Header bytes as received.** warcio re-serialises HTTP headers from `str` and %-encodes any
  non-ASCII value (RFC 5987 style). Chinese portals send raw GBK/UTF-8 bytes in
  `Content-Disposition`; rewriting them would lose the file name evidence. The writer hands warcio
  a pre-rendered header block (`_RawHttpHeaders`) so the stored bytes are exactly the ones given.
- **Transfer-Encoding.** Every HTTP client we capture from (Twisted under Scrapy, Chromium under
  Playwright) hands over the body already de-chunked. Keeping `Transfer-Encoding: chunked` in
  front of a de-chunked body makes warcio/pywb try to de-chunk it again (pywb issue #584; warcio
  `ChunkedDataReader` silently mangles bodies that happen to start with a hex line). So the header
  is stored as `X-Archive-Orig-Transfer-Encoding: chunked` — the name pywb itself uses for
  original headers on replay — and the block is a valid non-chunked HTTP message whose
  WARC-Payload-Digest is over the entity body, as WARC 1.1 §6.3.2 asks (iipc/warc-specifications
  #22). (With Scrapy's Twisted handler the header never arrives at all: Twisted treats
  Transfer-Encoding/Connection/Content-Length as connection-control headers and Scrapy
  re-synthesises only Content-Length; see `capture`.)
- **Crash safety.** Records go into `NAME.warc.gz.open`, each record one gzip member, flushed
  (optionally fsynced) after every record, so a kill leaves whole members plus at most one torn
  member at the end (`recover.recover` cuts it). Closing renames the file to `NAME.warc.gz`;
  a file without `.open` is therefore always complete. Files rotate past `max_size`, each
  starting with its own `warcinfo` record (IIPC naming:
  `PREFIX-YYYYMMDDhhmmssffffff-SERIAL-HOST-PID.warc.gz`).

- **Revisits.** `write_revisit` stores an exchange whose payload is already archived as a
  `revisit` record (WARC 1.1 §6.7: status line and headers, no payload, WARC-Refers-To,
  -Target-URI, -Date and the original's WARC-Payload-Digest), with the same request record.
  Every write reports the offset and length of the record's gzip member, which the dedup
  index stores so the payload can be re-read later by seeking.

Nothing is kept in memory beyond the record being written.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import socket
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

HeaderList = Sequence[tuple[bytes | str, bytes | str]]
OPEN_SUFFIX = ".open"
_FILE_NAME = re.compile(
    r"^.+-\d{20}-\d{5,}-(?P<host>[^-]+)-(?P<pid>\d+)\.warc\.gz(?:" + re.escape(OPEN_SUFFIX) + ")?$"
)


def file_hostname() -> str:
    """This machine's name as WARC file names carry it (dashes would split the name's fields)."""
    return socket.gethostname().replace("-", "_") or "localhost"


def writer_of(file_name: str) -> tuple[str, int] | None:
    """(host, process id) that wrote a file named `PREFIX-TIMESTAMP-SERIAL-HOST-PID.warc.gz`."""
    match = _FILE_NAME.match(file_name)
    return (match["host"], int(match["pid"])) if match else None


IDENTICAL_PAYLOAD = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
SERVER_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
ORIG_PREFIX = b"X-Archive-Orig-"


def _b(value: bytes | str) -> bytes:
    return value if isinstance(value, bytes) else value.encode("latin-1")


@dataclass(frozen=True)
class HttpRequest:
    """A request as it went on the wire: request-line parts, header fields in order, body."""

    method: str
    target: str
    """Request-target of the request line: path and query (absolute URL for a proxy)."""
    headers: HeaderList = ()
    body: bytes = b""
    protocol: str = "HTTP/1.1"


@dataclass(frozen=True)
class HttpResponse:
    """A response as received: status line parts, header fields in order, body.

    `body` keeps its Content-Encoding (gzip stays gzip) but no transfer-encoding framing.
    """

    status: int
    reason: str = ""
    headers: HeaderList = ()
    body: bytes = b""
    protocol: str = "HTTP/1.1"
    ip_address: str | None = None
    truncated: str | None = None
    """WARC-Truncated reason ("disconnect", "length", …) when the body is incomplete."""
    body_file: str | None = None
    """A body too large for memory, in this file (then `body` is empty): copied, not loaded."""
    captured_at: datetime | None = None
    """When its capture began (the request went out): WARC 1.1's WARC-Date for the exchange,
    which for a large or slow body can be seconds before the record is written. None: now."""

    def open_body(self) -> BinaryIO:
        """The body as a seekable stream, from memory or from `body_file`."""
        if self.body_file is not None:
            return open(self.body_file, "rb")
        return io.BytesIO(self.body)


class _WarcWriter(WARCWriter):
    """warcio's writer, without a WARC-Payload-Digest on a request that has no body.

    warcio digests every request's payload, so a GET gets the digest of zero bytes. WARC 1.1
    §5.9 says the field "shall not be used on records without a well-defined payload", and a
    request without a message body has none; Heritrix and wget write none there either. A
    request with a body (the POSTs of `dataproxy.jsp` lists) keeps its payload digest.
    """

    def ensure_digest(self, record: Any, block: bool = True, payload: bool = True) -> None:
        if record.rec_type == "request" and record.payload_length == 0:
            payload = False
        super().ensure_digest(record, block=block, payload=payload)


class _RawHttpHeaders(StatusAndHeaders):
    """warcio headers whose serialisation is fixed bytes, never re-encoded by warcio."""

    def __init__(self, first_line: bytes, headers: Iterable[tuple[bytes, bytes]]) -> None:
        raw = first_line + b"\r\n"
        decoded = []
        for name, value in headers:
            raw += name + b": " + value + b"\r\n"
            decoded.append((name.decode("latin-1"), value.decode("latin-1")))
        raw += b"\r\n"
        protocol, _, statusline = first_line.decode("latin-1").partition(" ")
        super().__init__(statusline, decoded, protocol=protocol)
        self._raw = raw
        self.headers_buff = raw

    def compute_headers_buffer(self, header_filter: Any = None) -> None:
        self.headers_buff = self._raw


def stored_response_headers(headers: HeaderList) -> list[tuple[bytes, bytes]]:
    """Header fields to store for a de-chunked body: Transfer-Encoding renamed, rest untouched."""
    out = []
    for name, value in headers:
        bname, bvalue = _b(name), _b(value)
        if bname.lower() == b"transfer-encoding":
            bname = ORIG_PREFIX + bname
        out.append((bname, bvalue))
    return out


def payload_digest(body: bytes | BinaryIO) -> str:
    """WARC-Payload-Digest of a stored entity body, as warcio computes it (sha1, base32).

    A stream is read in blocks from where it stands, so a spooled body is never loaded whole.
    """
    if isinstance(body, bytes):
        digest = hashlib.sha1(body).digest()
    else:
        digest = hashlib.file_digest(body, "sha1").digest()
    return "sha1:" + base64.b32encode(digest).decode("ascii")


def metadata_body(payload: Mapping[str, Any]) -> bytes:
    """The bytes a `metadata` record stores for `payload` (stable: keys sorted)."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")


@dataclass(frozen=True)
class RevisitTarget:
    """The original `response` record a revisit refers to."""

    record_id: str
    url: str
    date: str
    payload_digest: str


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _new_record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


@dataclass
class _OpenFile:
    path: Path
    handle: BinaryIO
    warcinfo_id: str
    warc: _WarcWriter = field(repr=False, default=None)  # type: ignore[assignment]


class WarcFileWriter:
    """Streams WARC records into rotating `.warc.gz` files under `directory`.

    The first file is opened lazily (a crawl that fetched nothing leaves no file). `clock` and
    `id_factory` are injectable so tests can compare bytes exactly.
    """

    def __init__(
        self,
        directory: str | Path,
        *,
        prefix: str = "govcrawl",
        max_size: int = 1024**3,
        fsync: bool = False,
        warcinfo: Mapping[str, Any],
        clock: Callable[[], datetime] | None = None,
        id_factory: Callable[[], str] | None = None,
    ) -> None:
        self.directory = Path(directory)
        self.prefix = prefix
        self.max_size = max_size
        self.fsync = fsync
        self.warcinfo = dict(warcinfo)
        self.clock = clock or _utcnow
        self.id_factory = id_factory or _new_record_id
        self.files: list[Path] = []
        self._serial = 0
        self._current: _OpenFile | None = None
        self._hostname = file_hostname()
        # scrapy-playwright may run browser event handlers on its own thread (Windows, or
        # PLAYWRIGHT_USE_THREADED_LOOP); records must never interleave in the file.
        self._lock = threading.RLock()

    # -- public API --------------------------------------------------------------------------

    def write_exchange(self, url: str, request: HttpRequest, response: HttpResponse) -> dict:
        """Write a response record and its request record (WARC-Concurrent-To the response).

        Returns `{"file", "record_id", "payload_digest", "date", "offset", "length"}` of the
        response record (offset and length of its gzip member in `file`).
        """
        with self._lock:
            return self._write_exchange(url, request, response)

    def _write_exchange(self, url: str, request: HttpRequest, response: HttpResponse) -> dict:
        current = self._ensure_open()
        date = self._date(response.captured_at)
        response_id = self.id_factory()
        resp_warc = self._warc_headers(current, response_id, date, response)
        if response.truncated:
            resp_warc["WARC-Truncated"] = response.truncated
        with response.open_body() as payload:
            length = payload.seek(0, io.SEEK_END)
            payload.seek(0)
            resp_record = current.warc.create_warc_record(
                url,
                "response",
                payload=payload,
                length=length,
                warc_headers_dict=resp_warc,
                http_headers=_response_http_headers(response),
            )
            digest = resp_record.rec_headers.get_header("WARC-Payload-Digest")
            return self._finish(current, url, request, resp_record, response_id, date, digest)

    def write_revisit(
        self,
        url: str,
        request: HttpRequest,
        response: HttpResponse,
        *,
        profile: str,
        refers_to: RevisitTarget,
    ) -> dict:
        """Write a `revisit` record (HTTP status line and headers, no payload) and its request.

        `profile` is `IDENTICAL_PAYLOAD` or `SERVER_NOT_MODIFIED`; `response.body` is not
        stored. The record names the original by WARC-Refers-To, -Target-URI and -Date and
        carries the original's WARC-Payload-Digest (for a 304 that is the payload the server
        confirmed unchanged). Returns the same dict as `write_exchange`, for the revisit record.
        """
        with self._lock:
            current = self._ensure_open()
            date = self._date(response.captured_at)
            revisit_id = self.id_factory()
            warc_headers = self._warc_headers(current, revisit_id, date, response)
            warc_headers |= {
                "WARC-Profile": profile,
                "WARC-Refers-To": refers_to.record_id,
                "WARC-Refers-To-Target-URI": refers_to.url,
                "WARC-Refers-To-Date": refers_to.date,
                "WARC-Payload-Digest": refers_to.payload_digest,
            }
            record = current.warc.create_warc_record(
                url,
                "revisit",
                warc_headers_dict=warc_headers,
                http_headers=_response_http_headers(response),
            )
            return self._finish(
                current, url, request, record, revisit_id, date, refers_to.payload_digest
            )

    @staticmethod
    def _warc_headers(
        current: _OpenFile, record_id: str, date: str, response: HttpResponse
    ) -> dict[str, str]:
        headers = {
            "WARC-Record-ID": record_id,
            "WARC-Date": date,
            "WARC-Warcinfo-ID": current.warcinfo_id,
        }
        if response.ip_address:
            headers["WARC-IP-Address"] = response.ip_address
        return headers

    def _finish(
        self,
        current: _OpenFile,
        url: str,
        request: HttpRequest,
        record: Any,
        record_id: str,
        date: str,
        digest: str | None,
    ) -> dict:
        """Write the response/revisit record, then its request; rotate; describe the record."""
        offset, length = self._write(current, record)
        self._write_request(current, url, request, record_id, date)
        result = {
            "file": current.path.name.removesuffix(OPEN_SUFFIX),
            "record_id": record_id,
            "payload_digest": digest,
            "date": date,
            "offset": offset,
            "length": length,
        }
        self._rotate_if_full()
        return result

    def _write_request(
        self, current: _OpenFile, url: str, request: HttpRequest, concurrent_to: str, date: str
    ) -> None:
        request_id = self.id_factory()

        request_line = f"{request.method} {request.target} {request.protocol}"
        req_headers = _RawHttpHeaders(
            request_line.encode("latin-1"), [(_b(n), _b(v)) for n, v in request.headers]
        )
        req_record = current.warc.create_warc_record(
            url,
            "request",
            payload=io.BytesIO(request.body),
            length=len(request.body),
            warc_headers_dict={
                "WARC-Record-ID": request_id,
                "WARC-Date": date,
                "WARC-Warcinfo-ID": current.warcinfo_id,
                "WARC-Concurrent-To": concurrent_to,
            },
            http_headers=req_headers,
        )
        self._write(current, req_record)

    def write_metadata(self, refers_to: str, target_uri: str, payload: Mapping[str, Any]) -> str:
        """A `metadata` record (JSON body) about the record `refers_to`; returns its id."""
        body = metadata_body(payload)
        return self._write_resource("metadata", refers_to, target_uri, body, "application/json")

    def write_conversion(self, refers_to: str, target_uri: str, text: str) -> str:
        """A `conversion` record holding `text` derived from the record `refers_to`."""
        body = text.encode("utf-8")
        return self._write_resource(
            "conversion", refers_to, target_uri, body, "text/plain; charset=utf-8"
        )

    def close(self) -> None:
        """Finish the current file: flush, fsync if configured, drop the `.open` suffix."""
        with self._lock:
            self._close()

    def _close(self) -> None:
        current, self._current = self._current, None
        if current is None:
            return
        current.handle.flush()
        if self.fsync:
            os.fsync(current.handle.fileno())
        current.handle.close()
        final = current.path.with_name(current.path.name.removesuffix(OPEN_SUFFIX))
        os.replace(current.path, final)
        if self.fsync:
            _fsync_directory(final.parent)
        self.files.append(final)

    @property
    def current_path(self) -> Path | None:
        """The `.open` file being written, if any."""
        return self._current.path if self._current else None

    # -- internals ---------------------------------------------------------------------------

    def _date(self, at: datetime | None = None) -> str:
        moment = (at or self.clock()).astimezone(UTC).replace(tzinfo=None)
        return datetime_to_iso_date(moment, use_micros=True)

    def _write_resource(
        self, rec_type: str, refers_to: str, target_uri: str, body: bytes, content_type: str
    ) -> str:
        with self._lock:
            return self._write_resource_locked(rec_type, refers_to, target_uri, body, content_type)

    def _write_resource_locked(
        self, rec_type: str, refers_to: str, target_uri: str, body: bytes, content_type: str
    ) -> str:
        current = self._ensure_open()
        record_id = self.id_factory()
        record = current.warc.create_warc_record(
            target_uri,
            rec_type,
            payload=io.BytesIO(body),
            length=len(body),
            warc_content_type=content_type,
            warc_headers_dict={
                "WARC-Record-ID": record_id,
                "WARC-Date": self._date(),
                "WARC-Warcinfo-ID": current.warcinfo_id,
                "WARC-Refers-To": refers_to,
            },
        )
        self._write(current, record)
        self._rotate_if_full()
        return record_id

    def _ensure_open(self) -> _OpenFile:
        if self._current is not None:
            return self._current
        self.directory.mkdir(parents=True, exist_ok=True)
        opened = self.clock().astimezone(UTC)
        name = (
            f"{self.prefix}-{opened:%Y%m%d%H%M%S%f}-{self._serial:05d}-"
            f"{self._hostname}-{os.getpid()}.warc.gz"
        )
        self._serial += 1
        path = self.directory / (name + OPEN_SUFFIX)
        handle = path.open("xb")
        current = _OpenFile(path=path, handle=handle, warcinfo_id=self.id_factory())
        current.warc = _WarcWriter(handle, gzip=True, warc_version="1.1")
        fields = b"".join(
            f"{key}: {value}\r\n".encode()
            for key, value in self.warcinfo.items()
            if value is not None and value != ""
        )
        record = current.warc.create_warc_record(
            "",
            "warcinfo",
            payload=io.BytesIO(fields),
            length=len(fields),
            warc_content_type="application/warc-fields",
            warc_headers_dict={
                "WARC-Record-ID": current.warcinfo_id,
                "WARC-Date": self._date(),
                "WARC-Filename": name,
            },
        )
        self._current = current
        self._write(current, record)
        return current

    def _write(self, current: _OpenFile, record: Any) -> tuple[int, int]:
        """Write one record (one gzip member); return its offset and length in the file."""
        offset = current.handle.tell()
        current.warc.write_record(record)
        current.handle.flush()
        if self.fsync:
            os.fsync(current.handle.fileno())
        return offset, current.handle.tell() - offset

    def _rotate_if_full(self) -> None:
        if self._current is not None and self._current.handle.tell() >= self.max_size:
            self._close()


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _response_http_headers(response: HttpResponse) -> _RawHttpHeaders:
    """Status line and headers exactly as stored for a response or revisit record."""
    # The space after the code stays when there is no reason phrase (RFC 9112: status-code SP
    # [reason-phrase]); without it pywb reads the phrase as "None".
    status_line = f"{response.protocol} {response.status} {response.reason}"
    return _RawHttpHeaders(status_line.encode("latin-1"), stored_response_headers(response.headers))
