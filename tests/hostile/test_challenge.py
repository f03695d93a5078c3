"""Anti-bot challenge pages: recognised by `is_challenge`, retried, then failed, never content."""

from __future__ import annotations

import asyncio

import pytest
from scrapy import Spider
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from govcrawl.fetch.errors import FetchFailed, explain
from govcrawl.fetch.guard import RetryAfterMiddleware, is_challenge

HTML = {"Content-Type": "text/html; charset=utf-8"}
RUISHU_412 = (
    '<html><head><meta id="9DhefwqGPrzGxEp9hPaoag" content="abc"></head><body>'
    '<script type="text/javascript" src="/4QbVtADbnLVIc/d.FxJzG50F.dfe1675.js"></script>'
    '<script>$_ts=window["$_ts"];if(!$_ts)$_ts={};$_ts.nsd=41786;$_ts.cd="qoGr";</script>'
    "</body></html>"
)
COOKIE_412 = (
    "<html><body><script>document.cookie='__jsl_clearance=1700000000.1|0|x;path=/';"
    "location.href=location.pathname+location.search</script></body></html>"
)
TOO_FREQUENT = "<html><body><p>您的访问过于频繁，请稍后再试。</p></body></html>"
NAV = "".join(f'<li><a href="/l{i}.html">政务公开栏目{i}</a></li>' for i in range(60))
REPORT = (
    "<html><head><title>2023年政府信息公开工作年度报告</title></head><body><ul>"
    + NAV
    + "</ul><p>部分办事群众反映网上平台访问过于频繁时响应缓慢，本机关已扩容服务器。</p>"
    "<table><tr><td>收到申请数</td><td>12</td></tr></table></body></html>"
)
JS_LIST_SHELL = (
    "<html><body><div id='list'></div><noscript>本栏目共3页，请启用JavaScript后浏览。</noscript>"
    '<script src="/static/list.js"></script></body></html>'
)
JS_GATE = (
    "<html><body><noscript>请开启JavaScript后访问本站</noscript>"
    "<script>document.cookie='wzws_cid=1';location.reload()</script></body></html>"
)


@pytest.mark.parametrize(
    ("status", "body", "kind"),
    [
        (412, RUISHU_412, "412 JS cookie"),
        (412, COOKIE_412, "412 JS cookie"),
        (200, TOO_FREQUENT, "too frequent"),
        (403, "<html><body>请求过于频繁</body></html>", "too frequent"),
        (503, TOO_FREQUENT.encode("gbk"), "too frequent"),
        (
            200,
            "<html><body><h3>安全验证</h3><p>请拖动滑块完成验证</p></body></html>",
            "security check",
        ),
        (200, JS_GATE, "JavaScript required"),
        (
            403,
            "<html><body><noscript>Please enable JavaScript</noscript></body></html>",
            "JavaScript required",
        ),
    ],
)
def test_challenges_recognised(status: int, body: str | bytes, kind: str) -> None:
    raw = body.encode() if isinstance(body, str) else body
    assert is_challenge(status, HTML, raw) == kind


@pytest.mark.parametrize(
    ("status", "body", "headers"),
    [
        (200, REPORT, HTML),  # a report that mentions "访问过于频繁" in its prose
        (412, "<html><body>Precondition Failed</body></html>", HTML),  # 412 without a script
        (404, TOO_FREQUENT, HTML),  # not a status a challenge comes with
        (200, JS_LIST_SHELL, HTML),  # a script-built list's own fallback, no cookie, no reload
        (200, "<html><body>群众反映办理事项频繁变动。</body></html>", HTML),
        (200, TOO_FREQUENT, {"Content-Type": "application/pdf"}),
        (200, TOO_FREQUENT + "<!--" + "x" * 70_000 + "-->", HTML),  # too long for a challenge
    ],
)
def test_ordinary_pages_are_not_challenges(status: int, body: str, headers: dict) -> None:
    assert is_challenge(status, headers, body.encode()) is None


def retry_middleware() -> RetryAfterMiddleware:
    crawler = get_crawler(Spider, settings_dict={"RETRY_TIMES": 2, "GOVCRAWL_RETRY_BACKOFF": 0})
    crawler.spider = crawler._create_spider("challenge")
    return RetryAfterMiddleware.from_crawler(crawler)


def answer(request: Request, status: int, body: str) -> HtmlResponse:
    return HtmlResponse(request.url, status=status, body=body.encode(), request=request)


def test_challenge_retried_then_failed_with_its_name() -> None:
    mw = retry_middleware()
    request = Request("http://127.0.0.1:8101/xxgk/t1.html")
    for _ in range(2):
        retry = asyncio.run(mw.process_response(request, answer(request, 412, RUISHU_412)))
        assert isinstance(retry, Request) and retry.url == request.url
        request = retry
    with pytest.raises(FetchFailed) as failed:
        asyncio.run(mw.process_response(request, answer(request, 412, RUISHU_412)))
    assert explain(failed.value, request) == (
        "challenge",
        "anti-bot challenge (412 JS cookie) after 3 attempts",
    )
    assert mw.crawler.stats.get_value("govcrawl/fetch/challenged") == 3


def test_challenge_with_dont_retry_fails_at_once() -> None:
    mw = retry_middleware()
    request = Request("http://127.0.0.1:8101/a.html", meta={"dont_retry": True})
    with pytest.raises(FetchFailed, match=r"anti-bot challenge \(too frequent\)"):
        asyncio.run(mw.process_response(request, answer(request, 200, TOO_FREQUENT)))


def test_ordinary_page_passes() -> None:
    mw = retry_middleware()
    request = Request("http://127.0.0.1:8101/r.html")
    page = answer(request, 200, REPORT)
    assert asyncio.run(mw.process_response(request, page)) is page
