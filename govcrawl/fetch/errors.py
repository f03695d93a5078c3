"""Fetch failures in words: every way a download can fail, turned into one clear reason.

Scrapy reports failures as exception types (``DownloadTimeoutError``, ``IgnoreRequest`` with a
log-style message, ``HttpError`` carrying the response …). The `errors` table and the run
summary are read by people deciding whether a portal needs attention, so each failure is
reduced here to a short reason that names what the server did ("truncated body: 1200 of 5000
bytes", "refused: private address 10.0.0.1", "too large: more than 2097152 bytes").
"""

from __future__ import annotations

import re
from http import HTTPStatus

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectError,
    ConnectionLost,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed

_MAXSIZE = re.compile(r"(?:Expected to receive|Received) (\d+) bytes .*max size \((\d+)\)")
_BOMB = re.compile(r"DOWNLOAD_MAXSIZE \((\d+) B\) during decompression")


class FetchFailed(IgnoreRequest):
    """A request govcrawl gives up on, with the reason that goes into the `errors` table.

    A subclass of IgnoreRequest so Scrapy drops the request quietly; the reason is recorded
    once by the failure reporter (`govcrawl.fetch.guard.FailureReporter`).
    """

    def __init__(self, reason: str, category: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.category = category


class Refused(FetchFailed):
    """A request the scope guard stopped before any connection was made."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"refused: {reason}", "refused")


def status_reason(status: int) -> str:
    try:
        return f"http {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"http {status}"


def budget_reason(portal: str, max_pages: int, used: int | None = None) -> str:
    """Why list and navigation pages stopped being fetched: the portal's page budget ran out
    (`used` pages, when fewer than `max_pages`: the rest is kept for report columns).

    Reports already listed are still fetched; what the unfetched pages would have listed is
    not, so the portal may be incomplete and its budget (`max_pages`) may need raising.
    """
    if used is not None and used < max_pages:
        spent = (
            f"used {used} of its {max_pages} list/navigation pages (max_pages), "
            "the rest kept for report columns"
        )
    else:
        spent = f"used its {max_pages} list/navigation pages (max_pages)"
    return (
        f"page budget exhausted: portal {portal} {spent}; further pages not fetched, "
        "reports they list may be missing"
    )


def attempts_note(request: Request) -> str:
    retries = int(request.meta.get("retry_times", 0))
    return f" after {retries + 1} attempts" if retries else ""


def truncation_reason(response: Response) -> str:
    """What a `dataloss`-flagged response is: how much of the promised body arrived."""
    declared = response.headers.get(b"Content-Length")
    got = len(response.body)
    if declared and declared.isdigit():
        return f"truncated body: {got} of {int(declared)} bytes (connection closed or reset)"
    return f"truncated body: {got} bytes, then the connection ended early"


def explain(
    failure: Failure | BaseException, request: Request, maxsize: int = 0
) -> tuple[str, str]:
    """(category, reason) for a failed request; category is a short stats key.

    `maxsize` is the crawl's DOWNLOAD_MAXSIZE: Scrapy cancels a body that outgrows it while
    streaming with a bare DownloadCancelledError, which names neither size nor limit.
    """
    exc = failure.value if isinstance(failure, Failure) else failure
    tries = attempts_note(request)
    if isinstance(exc, FetchFailed):
        return exc.category, exc.reason + tries
    if isinstance(exc, HttpError):
        return f"http_{exc.response.status}", status_reason(exc.response.status) + tries
    if isinstance(exc, IgnoreRequest):
        return _ignored(str(exc), request)
    if isinstance(exc, DownloadTimeoutError | TimeoutError | TCPTimedOutError):
        timeout = request.meta.get("download_timeout")
        limit = f" within {timeout:g} s (DOWNLOAD_TIMEOUT)" if timeout else ""
        return "timeout", f"timeout: no complete response{limit}{tries}"
    if isinstance(exc, DownloadCancelledError):
        m = _MAXSIZE.search(str(exc))
        if m:
            return (
                "too_large",
                f"too large: {m.group(1)} bytes > {m.group(2)} bytes (DOWNLOAD_MAXSIZE)",
            )
        limit = int(request.meta.get("download_maxsize", maxsize) or 0)
        if limit and not str(exc):
            return (
                "too_large",
                f"too large: more than {limit} bytes (DOWNLOAD_MAXSIZE), cut while streaming",
            )
        return "cancelled", f"download cancelled: {exc or 'before the body was complete'}"
    if isinstance(exc, ResponseDataLossError):
        return "truncated", f"truncated body: connection ended before Content-Length{tries}"
    if isinstance(exc, CannotResolveHostError | DNSLookupError):
        return "dns", f"dns: cannot resolve host {request.url.split('/')[2]}{tries}"
    if isinstance(exc, DownloadConnectionRefusedError | ConnectError):
        return "connect", f"cannot connect: {type(exc).__name__}{tries}"
    if isinstance(exc, ResponseFailed | ConnectionLost | DownloadFailedError):
        return "connection_lost", f"connection lost mid-response ({_inner(exc)}){tries}"
    return "other", f"{type(exc).__name__}: {exc}{tries}"


def _ignored(message: str, request: Request) -> tuple[str, str]:
    """Scrapy's own IgnoreRequest messages, reworded."""
    if message == "max redirections reached":
        hops = len(request.meta.get("redirect_urls", []))
        return "redirect_limit", f"redirect limit: gave up after {hops} redirects"
    if "robots.txt" in message:
        return "robots", "not fetched: robots.txt disallows it"
    m = _BOMB.search(message)
    if m:
        return "too_large", f"decompression bomb: body exceeds {m.group(1)} bytes once decoded"
    return "ignored", f"ignored: {message}"


def _inner(exc: BaseException) -> str:
    reasons = getattr(exc, "reasons", None) or ([exc.__cause__] if exc.__cause__ else [])
    names = [type(r.value if isinstance(r, Failure) else r).__name__ for r in reasons if r]
    return ", ".join(names) or type(exc).__name__
