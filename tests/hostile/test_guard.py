"""Unit tests of the guard middlewares' decisions, without a crawl."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy.exceptions import DownloadCancelledError, DownloadTimeoutError, IgnoreRequest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.settings import Settings
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler

from govcrawl.fetch.errors import FetchFailed, Refused, explain
from govcrawl.fetch.guard import (
    CanonicalFingerprinter,
    RedirectLoopGuard,
    ScopeGuard,
    TrapFilter,
    abort_browser_request,
    address_kind,
    is_dated,
    resolve_host,
    retry_after_seconds,
)

PORTAL = "http://127.0.0.1:8101"


def spider(*starts: str, **attrs: Any) -> SimpleNamespace:
    from govcrawl.fetch.urls import origin

    return SimpleNamespace(start_urls=list(starts), origins={origin(u) for u in starts}, **attrs)


def guard(**settings: Any) -> ScopeGuard:
    return ScopeGuard(get_crawler(settings_dict=settings))


def check(g: ScopeGuard, url: str, sp: SimpleNamespace) -> str | None:
    """The refusal reason, None when allowed (guard.check runs its coroutine to the end)."""
    try:
        asyncio.run(g.check(url, sp))
    except Refused as exc:
        return exc.reason
    return None


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("10.0.0.1", "private"),
        ("192.168.1.1", "private"),
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("169.254.169.254", "link-local (cloud metadata)"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "reserved"),
        ("::ffff:10.0.0.1", "private"),
        ("8.8.8.8", None),
        ("www.gov.cn", None),
    ],
)
def test_address_kind(address: str, kind: str | None) -> None:
    assert address_kind(address) == kind


def test_local_portal_keeps_its_own_origin_only() -> None:
    g, sp = guard(), spider(PORTAL + "/")
    assert check(g, PORTAL + "/xxgk/a.pdf", sp) is None
    assert check(g, "http://127.0.0.1:9/admin/", sp).startswith("refused: loopback address")
    assert check(g, "http://10.0.0.1/", sp) == (
        "refused: private address 10.0.0.1 is outside the portal's origins"
    )


def test_public_portal_scope() -> None:
    g, sp = guard(), spider("http://8.8.8.8/xxgk/")
    assert check(g, "http://8.8.8.8:8080/file.pdf", sp) is None  # same host, other port
    assert "out of scope: example.invalid" in check(g, "http://example.invalid/", sp)
    assert "169.254.169.254" in check(g, "http://169.254.169.254/latest/meta-data/", sp)
    assert check(g, "file:///etc/passwd", sp).startswith("refused: not an http(s) URL")


async def intranet_dns(host: str) -> list[str]:
    return ["10.1.2.3"]


def test_host_name_resolving_to_private_address_refused() -> None:
    g, sp = guard(), spider("http://portal.example:8101/")
    g.resolve = intranet_dns  # type: ignore[method-assign]
    assert check(g, "http://portal.example:8101/x", sp) == (
        "refused: private address 10.1.2.3 (DNS answer for portal.example)"
    )
    allowing = guard(GOVCRAWL_ALLOW_PRIVATE_HOSTS=True)
    allowing.resolve = intranet_dns  # type: ignore[method-assign]
    assert check(allowing, "http://portal.example:8101/x", sp) is None
    flagged = spider(*sp.start_urls, allow_private=True)
    assert check(g, "http://portal.example:8101/x", flagged) is None


def test_resolve_host() -> None:
    assert "127.0.0.1" in resolve_host("localhost")
    assert resolve_host("name.invalid") == []


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 3 ", 3.0),
        ("Tue, 24 Nov 2026 04:00:30 GMT", 30.0),
        ("Tue, 24 Nov 2026 03:00:00 GMT", 0.0),
        ("soon", None),
        (None, None),
    ],
)
def test_retry_after(value: str | None, seconds: float | None) -> None:
    now = datetime(2026, 11, 24, 4, 0, 0, tzinfo=UTC)
    assert retry_after_seconds(value, now) == seconds


def test_redirect_loop_detected_before_redirect_middleware() -> None:
    loop = RedirectLoopGuard()
    request = Request(PORTAL + "/go/b.html", meta={"redirect_urls": [PORTAL + "/go/a.html"]})
    back = Response(request.url, status=302, headers={"Location": "a.html"}, request=request)
    with pytest.raises(FetchFailed, match=r"redirect loop: /go/a.html → /go/b.html → /go/a.html"):
        loop.process_response(request, back)
    onward = Response(request.url, status=302, headers={"Location": "c.html"}, request=request)
    assert loop.process_response(request, onward) is onward


@pytest.mark.parametrize(
    ("exc", "category", "start"),
    [
        (
            DownloadTimeoutError("took longer"),
            "timeout",
            "timeout: no complete response within 3 s",
        ),
        (
            DownloadCancelledError(
                "Expected to receive 3145728 bytes which is larger than download max size "
                "(2097152) in request <GET x>."
            ),
            "too_large",
            "too large: 3145728 bytes > 2097152 bytes",
        ),
        (DownloadCancelledError(), "too_large", "too large: more than 1000 bytes"),
        (IgnoreRequest("max redirections reached"), "redirect_limit", "redirect limit"),
        (IgnoreRequest("Forbidden by robots.txt"), "robots", "not fetched: robots.txt"),
        (
            IgnoreRequest("… exceeded DOWNLOAD_MAXSIZE (2097152 B) during decompression."),
            "too_large",
            "decompression bomb: body exceeds 2097152 bytes",
        ),
    ],
)
def test_explain(exc: Exception, category: str, start: str) -> None:
    request = Request(PORTAL + "/a.html", meta={"download_timeout": 3})
    got_category, reason = explain(exc, request, maxsize=1000)
    assert got_category == category and reason.startswith(start)


def test_explain_http_error_counts_attempts() -> None:
    request = Request(PORTAL + "/search.jsp", meta={"retry_times": 2})
    response = Response(request.url, status=500, request=request)
    assert explain(HttpError(response), request) == (
        "http_500",
        "http 500 Internal Server Error after 3 attempts",
    )


def test_fingerprint_ignores_session_ids_and_query_order() -> None:
    fp = CanonicalFingerprinter()
    base = fp.fingerprint(Request(PORTAL + "/hdjl/view.jsp?id=1"))
    token = "0123456789ABCDEF0123456789ABCDEF"
    for url in (
        f"/hdjl/view.jsp;jsessionid={token}?id=1",
        f"/hdjl/view.jsp?id=1&sid={token}",
        f"/hdjl/view.jsp?JSESSIONID={token}&id=1",
        "/hdjl/view.jsp?id=1#top",
    ):
        assert fp.fingerprint(Request(PORTAL + url)) == base
    assert fp.fingerprint(Request(PORTAL + "/hdjl/view.jsp?id=2")) != base


# -- traps ---------------------------------------------------------------------------------


def traps(**settings: Any) -> tuple[TrapFilter, list[tuple[str, str]]]:
    """A TrapFilter on a stand-in crawler; returns it and the (url, reason) rows it sends."""
    rows: list[tuple[str, str]] = []
    crawler = SimpleNamespace(
        settings=Settings(settings),
        stats=SimpleNamespace(inc_value=lambda *a, **k: None),
        signals=SimpleNamespace(
            send_catch_log=lambda signal, url, stage, reason: rows.append((url, reason))
        ),
    )
    return TrapFilter(crawler), rows  # type: ignore[arg-type]


def page(url: str) -> HtmlResponse:
    return HtmlResponse(url, body=b"<html></html>", encoding="utf-8")


def test_calendar_capped() -> None:
    f, rows = traps(GOVCRAWL_TRAP_DATES=3, GOVCRAWL_TRAP_STALE_PAGES=100)
    followed = []
    for day in range(1, 10):
        url = f"{PORTAL}/calendar?date=2024-01-0{day}"
        followed += list(
            f.filter(page(url), [Request(f"{PORTAL}/calendar?date=2024-01-{day + 1:02d}")])
        )
    assert len(followed) == 3
    assert len(rows) == 1 and rows[0][1].startswith("trap: calendar")


def test_dates_inside_article_names_are_not_calendars() -> None:
    assert is_dated(PORTAL + "/calendar?date=20240101")
    assert not is_dated(PORTAL + "/xxgk/ndbg/202301/t20230115_412345.html")
    assert not is_dated(PORTAL + "/art/2023/1/15/art_1234_56789.html")


def test_stale_pagination_stops() -> None:
    f, rows = traps(GOVCRAWL_TRAP_STALE_PAGES=2)
    followed = []
    items = [Request(f"{PORTAL}/xxgk/a{i}.html") for i in range(3)]
    for n in range(1, 8):
        output = [*items, Request(f"{PORTAL}/list_{n + 1}.html")]
        kept = list(f.filter(page(f"{PORTAL}/list_{n}.html"), output))
        followed += [r for r in kept if "list_" in r.url]
    assert len(followed) == 2  # list_2 (page 1 had new links), list_3 (one stale page)
    assert [r for _, r in rows] == [
        f"trap: pagination {PORTAL}/list_N.html showed nothing new on 2 pages in a row; "
        "not followed"
    ]


def test_pagination_with_new_items_keeps_going() -> None:
    f, rows = traps(GOVCRAWL_TRAP_STALE_PAGES=2)
    for n in range(1, 20):
        output = [Request(f"{PORTAL}/xxgk/a{n}.html"), Request(f"{PORTAL}/index_{n + 1}.html")]
        assert len(list(f.filter(page(f"{PORTAL}/index_{n}.html"), output))) == 2
    assert rows == []


def test_repeating_segments_stopped() -> None:
    f, rows = traps()
    kept = list(f.filter(page(PORTAL + "/deep/a/a/"), [Request(PORTAL + "/deep/a/a/a/")]))
    assert kept == [] and rows[0][1].startswith("trap: path repeats segment 'a'")
    assert list(f.filter(page(PORTAL + "/a/b/"), [Request(PORTAL + "/a/b/a/b/")]))


def test_soft_404_item_dropped() -> None:
    f, rows = traps()
    body = "<html><head><title>页面不存在</title></head><body>404</body></html>".encode()
    item = {"source_url": PORTAL + "/x.html", "content_type": "text/html", "body": body}
    real = {**item, "body": "<title>2023年政府信息公开工作年度报告</title>".encode()}
    assert list(f.filter(page(PORTAL + "/x.html"), [item, real])) == [real]
    assert rows[0][1].startswith("soft 404")


@pytest.mark.parametrize(
    ("url", "aborted"),
    [
        ("http://169.254.169.254/latest/meta-data/", True),
        ("http://10.0.0.1/api", True),
        ("http://127.0.0.1:8105/api/reports?page=1", False),
        ("https://www.gov.cn/x.js", False),
        ("data:text/plain,x", False),
    ],
)
def test_browser_fetches_to_private_addresses_aborted(url: str, aborted: bool) -> None:
    assert abort_browser_request(SimpleNamespace(url=url)) is aborted
