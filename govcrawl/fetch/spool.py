"""Download handler that writes large response bodies to disk as they arrive.

Scrapy's HTTP/1.1 handler collects every body in a `BytesIO` and copies it into the
`Response`, so a 200 MB scanned report costs 400 MB of memory before any middleware runs.
Reports are often exactly that: scanned PDFs, zipped attachment bundles, spreadsheets of
every township. Here a body stays in memory up to `GOVCRAWL_SPOOL_THRESHOLD` bytes (default
8 MiB: every HTML page and most attachments) and then rolls over to a file in
`<GOVCRAWL_OUT>/spool/`. The `Response` of a spooled body has an empty `body`;
`request.meta["govcrawl_spooled"]` (and so `response.meta`) holds a `SpooledBody` with the
file, its size and the Content-Encoding as received. The bytes in the file are the payload as
on the wire (still content-encoded), which is what the archive stores; the clean stage decodes
them from the file.

Only the body reader changes: connection handling, timeouts, size limits and data-loss
reporting are Scrapy's own (`_ScrapyAgent`), and requests with `meta["playwright"]` still go
to the browser (`ScrapyPlaywrightDownloadHandler`, which this class extends).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler, _ScrapyAgent
from scrapy.crawler import Crawler
from scrapy.exceptions import ResponseDataLossError
from scrapy.http import Response
from scrapy.utils._download_handlers import get_dataloss_msg, wrap_twisted_exceptions
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler
from twisted.web.iweb import UNKNOWN_LENGTH

from govcrawl.document import (
    CAPTURE_STARTED_META,
    CUT_META,
    SPOOL_THRESHOLD,
    SPOOLED_META,
    CutDownload,
    SpooledBody,
    is_text_type,
)

logger = logging.getLogger(__name__)


def spool_directory(settings: Any) -> Path:
    """`<GOVCRAWL_OUT>/spool`: on the same disk as the WARCs the bodies are copied into."""
    return Path(settings.get("GOVCRAWL_OUT", "data/out")) / "spool"


def remove_stale_spools(root: Path) -> list[Path]:
    """Remove the spool folders of processes that are gone (a crawl killed with -9 leaves its
    bodies behind); returns what was removed. Folders are named `<pid>-…` or `stored-<pid>`."""
    removed: list[Path] = []
    if not root.is_dir():
        return removed
    for folder in root.iterdir():
        digits = folder.name.removeprefix("stored-").split("-", 1)[0]
        if not folder.is_dir() or not digits.isdigit():
            continue
        try:
            os.kill(int(digits), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
        except PermissionError:  # alive, another user's
            continue
    return removed


class BodySpool:
    """The body buffer of one response: bytes in memory, then a file past the threshold.

    It stands in for the `BytesIO` of Scrapy's `_ResponseReader` (which calls `write`,
    `truncate(0)` when DOWNLOAD_MAXSIZE is exceeded, and `getvalue()` when the body is
    complete), so Scrapy's own reader keeps doing the protocol work.
    """

    def __init__(
        self,
        request: Request,
        directory: Path,
        threshold: int,
        content_encoding: list[str],
        on_cut: Callable[[bytes, str | None], None] | None = None,
    ) -> None:
        self.request = request
        self.directory = directory
        self.threshold = threshold
        self.content_encoding = content_encoding
        self.on_cut = on_cut
        self._memory = bytearray()
        self._file: Any = None
        self._size = 0
        self._cut = False

    def write(self, data: bytes) -> None:
        if self._cut:
            return
        self._size += len(data)
        if self._file is None and self._size > self.threshold:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._file = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed in getvalue
                dir=self.directory, prefix="body-", suffix=".part", delete=False
            )
            self._file.write(self._memory)
            self._memory = bytearray()
        if self._file is not None:
            self._file.write(data)
        else:
            self._memory += data

    def truncate(self, size: int = 0) -> None:
        """Scrapy drops the body (over DOWNLOAD_MAXSIZE) and fails the download: what arrived
        goes to `on_cut` for the archive (memory, or the spool file, which it then owns)."""
        if self.on_cut is None:
            self._memory = bytearray()
            self._size = 0
            self.discard()
            return
        self._cut = True
        if self._file is None:
            body, self._memory = bytes(self._memory), bytearray()
            self.on_cut(body, None)
            return
        self._file.close()
        path, self._file = self._file.name, None
        self.on_cut(b"", path)

    def discard(self) -> None:
        if self._file is not None:
            self._file.close()
            Path(self._file.name).unlink(missing_ok=True)
            self._file = None

    def getvalue(self) -> bytes:
        """The body in memory, or b"" with the file handed over in `request.meta`."""
        if self._file is None:
            return bytes(self._memory)
        self._file.close()
        path = Path(self._file.name)
        self._file = None
        self.request.meta[SPOOLED_META] = SpooledBody(
            path=str(path), size=self._size, content_encoding=tuple(self.content_encoding)
        )
        return b""


class _SpoolingAgent(_ScrapyAgent):
    """Scrapy's agent with its body buffer swapped for a `BodySpool`."""

    def __init__(self, *, directory: Path, threshold: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._directory = directory
        self._threshold = threshold

    def _cb_bodyready(self, txresponse: Any, request: Request) -> Any:
        deliver = txresponse.deliverBody
        encoding = [
            value.decode("latin-1").strip().lower()
            for value in txresponse.headers.getRawHeaders(b"Content-Encoding", [])
        ]
        # Scrapy has just set download_latency (request sent → headers received).
        request.meta[CAPTURE_STARTED_META] = time.time() - request.meta.get("download_latency", 0)
        limit = int(request.meta.get("download_maxsize", self._maxsize) or 0)
        version = txresponse.version

        def cut(body: bytes, body_file: str | None) -> None:
            headers = self._headers_from_twisted_response(txresponse)
            request.meta[CUT_META] = CutDownload(
                status=txresponse.code,
                protocol=f"{version[0].decode()}/{version[1]}.{version[2]}",
                headers=[(name, value) for name, values in headers.items() for value in values],
                body=body,
                body_file=body_file,
                limit=limit,
            )

        if limit and txresponse.length != UNKNOWN_LENGTH and txresponse.length > limit:
            cut(b"", None)  # Scrapy refuses it from its Content-Length, before any body

        def deliver_to_spool(reader: Any) -> None:
            reader._bodybuf = BodySpool(request, self._directory, self._threshold, encoding, cut)
            deliver(reader)

        txresponse.deliverBody = deliver_to_spool
        return super()._cb_bodyready(txresponse, request)


class _PoolCloseWithoutRace(HTTP11DownloadHandler):
    """Scrapy's `close` with its give-up timer made harmless.

    Scrapy fires the pool's close Deferred itself after `_disconnect_timeout` in case the
    connections hang, and cancels that timer when the Deferred fires. Under the asyncio reactor
    the cancel runs only when the awaiting coroutine resumes; a busy loop (other crawlers of the
    run cleaning PDFs) lets the timer fire first on an already-fired Deferred, and Twisted logs
    a CRITICAL AlreadyCalledError at the end of the run. The timer here checks first.
    """

    async def close(self) -> None:
        from twisted.internet import reactor

        closed = self._pool.closeCachedConnections()

        def give_up() -> None:
            if not closed.called:
                closed.callback([])  # a DeferredList: its result is a list, as Scrapy's own

        timer = reactor.callLater(self._disconnect_timeout, give_up)
        try:
            await maybe_deferred_to_future(closed)
        finally:
            if timer.active():
                timer.cancel()


def browser_identity(settings: Any) -> dict[str, str]:
    """Browser context options that make Chromium the same client Scrapy is.

    scrapy-playwright puts Scrapy's User-Agent on the requests it routes, but a page's
    scripts read `navigator.userAgent` and `navigator.language`, which stay Chromium's own
    (`HeadlessChrome/…`, `en-US`) unless the context is told. A WAF script that folds the user
    agent into its cookie (Ruishu does) then earns a cookie no request of the crawl can use,
    and a page may render for another locale than the one the crawl asks for.
    """
    identity = {"user_agent": settings.get("USER_AGENT")}
    headers = {
        str(name).lower(): value
        for name, value in settings.getdict("DEFAULT_REQUEST_HEADERS").items()
    }
    language = str(headers.get("accept-language", "")).split(",")[0].split(";")[0].strip()
    if language:
        identity["locale"] = language
    return {key: value for key, value in identity.items() if value}


class SpoolingDownloadHandler(ScrapyPlaywrightDownloadHandler, _PoolCloseWithoutRace):
    """http/https handler: the browser for `meta["playwright"]`, else a spooling HTTP/1.1 agent."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        # One folder per crawler: several crawlers of one run share GOVCRAWL_OUT, and each
        # removes only its own bodies when its engine stops.
        root = spool_directory(settings)
        self.spool_directory = root / f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        for stale in remove_stale_spools(root):
            logger.info("removed the spool of a crawl that did not finish: %s", stale)
        self.threshold = settings.getint("GOVCRAWL_SPOOL_THRESHOLD", SPOOL_THRESHOLD)
        self.identity = browser_identity(settings)
        crawler.signals.connect(self._remove_spool, signal=signals.engine_stopped)

    async def _create_browser_context(
        self, name: str, context_kwargs: dict | None, spider: Spider | None = None
    ) -> Any:
        """Every browser context the crawl opens carries the crawl's identity, unless the
        request's `playwright_context_kwargs` (or PLAYWRIGHT_CONTEXTS) say otherwise."""
        kwargs = {**self.identity, **(context_kwargs or {})}
        return await super()._create_browser_context(name, kwargs, spider)

    async def download_request(self, request: Request) -> Response:
        if request.meta.get("playwright"):
            return await super().download_request(request)
        agent = _SpoolingAgent(
            directory=self.spool_directory,
            threshold=self.threshold,
            contextFactory=self._contextFactory,
            bindAddress=self._bind_address,
            pool=self._pool,
            maxsize=self._default_maxsize,
            warnsize=self._default_warnsize,
            fail_on_dataloss=self._fail_on_dataloss,
            crawler=self._crawler,
            tls_verbose_logging=self._tls_verbose_logging,
        )
        try:
            with wrap_twisted_exceptions():
                return await maybe_deferred_to_future(agent.download_request(request))
        except ResponseDataLossError:
            if not self._fail_on_dataloss_warned:
                logger.warning(get_dataloss_msg(request.url))
                self._fail_on_dataloss_warned = True
            raise

    def _remove_spool(self) -> None:
        """Bodies still spooled when the engine stops were archived and are no longer needed."""
        if self.spool_directory.is_dir():
            leftover = os.listdir(self.spool_directory)
            if leftover:
                logger.debug("removing %d spooled bodies", len(leftover))
            shutil.rmtree(self.spool_directory, ignore_errors=True)
        with contextlib.suppress(OSError):  # other crawlers' folders may still be there
            self.spool_directory.parent.rmdir()


class SpooledTextMiddleware:
    """Loads spooled pages back into memory so spiders can parse them; leaves documents on disk.

    A spider reads list and article pages whole (links, titles, JSON lists), so a spooled
    page is of no use to it on disk; a PDF or workbook is only handed on to cleaning, which
    reads it from the file. It sits next to the downloader (a high order number), so in
    `process_response` it runs after the archive took the wire bytes and before
    HttpCompression decodes the body it restores.
    """

    def process_response(self, request: Request, response: Response) -> Response:
        spooled: SpooledBody | None = request.meta.get(SPOOLED_META)
        if spooled is None:
            return response
        if not is_text_type(response.headers.get(b"Content-Type", b"").decode("latin-1")):
            return response
        path = Path(spooled.path)
        body = path.read_bytes()
        path.unlink(missing_ok=True)
        del request.meta[SPOOLED_META]
        return response.replace(body=body)
