"""JS-cookie challenges run in the browser once per request, then the request comes back with
the browser's cookies (`govcrawl.fetch.challenge`); everything else stays with the retries."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hostile_run import DRIVER
from scrapy import Spider
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Request
from scrapy.utils.request import request_from_dict
from scrapy.utils.test import get_crawler
from test_challenge import COOKIE_412, JS_GATE, RUISHU_412, TOO_FREQUENT

from govcrawl.demo_farm.hostile import (
    WAF_412_PAGE,
    WAF_SERVER_COOKIE,
    HostileSite,
    build_content,
    waf_passes,
)
from govcrawl.fetch.challenge import (
    SOLVED_META,
    SOLVING_META,
    BrowserChallengeMiddleware,
    document_status,
    settle_challenge,
    solvable,
)
from govcrawl.fetch.guard import is_challenge
from govcrawl.store.dataset import Dataset

URL = "http://127.0.0.1:8101/xxgk/ndbg/t1.html"
COOKIES = [
    {"name": "FSSBBIl1UgzbN7N80S", "value": "abc", "domain": "127.0.0.1", "path": "/"},
    {"name": "FSSBBIl1UgzbN7N80T", "value": "b68506", "domain": "127.0.0.1", "path": "/"},
]


class ReportSpider(Spider):
    name = "challenge_units"

    def parse_report(self, response: object) -> None:
        """A callback the retried request must keep."""


def middleware(**settings: object) -> BrowserChallengeMiddleware:
    crawler = get_crawler(ReportSpider, settings_dict=settings)
    crawler.spider = crawler._create_spider()
    return BrowserChallengeMiddleware.from_crawler(crawler)


def answer(request: Request, status: int, body: str) -> HtmlResponse:
    return HtmlResponse(request.url, status=status, body=body.encode(), request=request)


def original(mw: BrowserChallengeMiddleware) -> Request:
    return Request(
        URL,
        callback=mw.crawler.spider.parse_report,
        headers={"If-None-Match": '"e1"', "Cookie": "FSSBBIl1UgzbN7N80S=old"},
        meta={"portal": "hostile", "list_page": "http://127.0.0.1:8101/xxgk/"},
    )


def browser_answer(solve: Request, cookies: list[dict]) -> HtmlResponse:
    """What scrapy-playwright hands back: the page methods ran, their results filled in."""
    for method in solve.meta["playwright_page_methods"]:
        method.result = cookies
    return answer(solve, 412, "<html><body><h1>report</h1></body></html>")


@pytest.mark.parametrize(
    ("status", "body", "kind"),
    [
        (412, RUISHU_412, "412 JS cookie"),
        (412, COOKIE_412, "412 JS cookie"),
        (521, COOKIE_412, "521 JS cookie"),  # 加速乐's status
        (200, JS_GATE, "JavaScript required"),
    ],
)
def test_script_challenges_are_solvable(status: int, body: str, kind: str) -> None:
    assert is_challenge(status, {}, body.encode()) == kind
    assert solvable(kind)


@pytest.mark.parametrize("kind", [None, "too frequent", "security check"])
def test_other_challenges_are_not(kind: str | None) -> None:
    assert not solvable(kind)


def test_challenge_goes_to_the_browser_without_validators_or_scrapy_cookies() -> None:
    mw = middleware()
    request = original(mw)
    solve = mw.process_response(request, answer(request, 412, WAF_412_PAGE))
    assert isinstance(solve, Request) and solve.url == URL and solve.dont_filter
    assert solve.meta["playwright"] is True
    assert solve.meta["dont_merge_cookies"] is True
    assert b"If-None-Match" not in solve.headers and b"Cookie" not in solve.headers
    [method] = solve.meta["playwright_page_methods"]
    assert method.method is settle_challenge
    assert solve.callback == mw.crawler.spider.parse_report
    assert mw.crawler.stats.get_value("govcrawl/fetch/challenge_browser") == 1
    # the browser request can wait in a disk or redis queue like any other
    restored = request_from_dict(
        pickle.loads(pickle.dumps(solve.to_dict(spider=mw.crawler.spider))),
        spider=mw.crawler.spider,
    )
    assert restored.meta["playwright_page_methods"][0].method is settle_challenge


def test_browser_cookies_come_back_on_the_original_request() -> None:
    mw = middleware()
    request = original(mw)
    solve = mw.process_response(request, answer(request, 412, WAF_412_PAGE))
    retry = mw.process_response(solve, browser_answer(solve, COOKIES))
    assert isinstance(retry, Request) and retry.url == URL and retry.dont_filter
    assert retry.callback == mw.crawler.spider.parse_report
    assert retry.meta[SOLVED_META]
    assert retry.meta["portal"] == "hostile" and retry.meta["list_page"].endswith("/xxgk/")
    for key in ("playwright", "playwright_page_methods", "dont_merge_cookies", SOLVING_META):
        assert key not in retry.meta
    assert {(c["name"], c["value"]) for c in retry.cookies} == {
        (c["name"], c["value"]) for c in COOKIES
    }
    assert mw.crawler.stats.get_value("govcrawl/fetch/challenge_cookies") == 1


def test_a_spiders_own_dont_merge_cookies_survives_the_round_trip() -> None:
    mw = middleware()
    request = original(mw).replace(meta={"dont_merge_cookies": False})
    solve = mw.process_response(request, answer(request, 412, WAF_412_PAGE))
    retry = mw.process_response(solve, browser_answer(solve, COOKIES))
    assert retry.meta["dont_merge_cookies"] is False


def test_challenged_again_after_solving_is_left_to_the_retries() -> None:
    mw = middleware()
    request = original(mw)
    solve = mw.process_response(request, answer(request, 412, WAF_412_PAGE))
    retry = mw.process_response(solve, browser_answer(solve, COOKIES))
    again = answer(retry, 412, WAF_412_PAGE)
    assert mw.process_response(retry, again) is again
    assert mw.crawler.stats.get_value("govcrawl/fetch/challenge_browser") == 1


@pytest.mark.parametrize(
    ("status", "body"),
    [(200, TOO_FREQUENT), (412, "<html><body>Precondition Failed</body></html>"), (200, "ok")],
)
def test_other_answers_pass(status: int, body: str) -> None:
    mw = middleware()
    request = original(mw)
    response = answer(request, status, body)
    assert mw.process_response(request, response) is response


def solve_round(mw: BrowserChallengeMiddleware, url: str, passes: bool) -> Request | None:
    """One request challenged, solved, and its retry answered (the page, or the challenge
    again); None when the middleware no longer hands the host to the browser."""
    request = Request(url)
    solve = mw.process_response(request, answer(request, 412, RUISHU_412))
    if not isinstance(solve, Request):
        return None
    retry = mw.process_response(solve, browser_answer(solve, COOKIES))
    if passes:
        final = answer(retry, 200, "<html><body>ok</body></html>")
    else:
        final = answer(retry, 412, RUISHU_412)
    assert mw.process_response(retry, final) is final
    assert mw.process_response(retry, final) is final  # its own retries: judged once
    return retry


def test_a_host_stops_being_solved_after_futile_solves_in_a_row() -> None:
    mw = middleware(GOVCRAWL_CHALLENGE_FUTILE=2)
    host = "http://127.0.0.1:8101"
    assert solve_round(mw, f"{host}/p1.html", passes=False)
    assert solve_round(mw, f"{host}/p2.html", passes=True)  # helped: the count starts over
    assert solve_round(mw, f"{host}/p3.html", passes=False)
    assert solve_round(mw, f"{host}/p4.html", passes=False)
    assert solve_round(mw, f"{host}/p5.html", passes=True) is None  # two futile in a row
    assert solve_round(mw, "http://127.0.0.1:8102/p.html", passes=True)  # another host


def test_an_expiring_cookie_is_solved_every_time() -> None:
    mw = middleware(GOVCRAWL_CHALLENGE_FUTILE=2)
    for n in range(6):
        assert solve_round(mw, f"http://127.0.0.1:8101/p{n}.html", passes=True)
    assert mw.crawler.stats.get_value("govcrawl/fetch/challenge_browser") == 6


def test_browser_failure_falls_back_to_the_retries() -> None:
    mw = middleware()
    request = original(mw)
    solve = mw.process_response(request, answer(request, 412, WAF_412_PAGE))
    retry = mw.process_exception(solve, RuntimeError("no browser"))
    assert isinstance(retry, Request) and retry.meta[SOLVED_META]
    assert "playwright" not in retry.meta and not retry.cookies
    assert mw.process_exception(request, RuntimeError("elsewhere")) is None
    assert mw.crawler.stats.get_value("govcrawl/fetch/challenge_browser_failed") == 1
    again = answer(retry, 412, WAF_412_PAGE)
    assert mw.process_response(retry, again) is again  # to the retries, never the browser
    assert mw.futile["127.0.0.1:8101"] == 1  # a failed browser counts once, as futile


def test_no_cookies_earned_is_a_plain_retry() -> None:
    mw = middleware()
    request = original(mw)
    solve = mw.process_response(request, answer(request, 412, WAF_412_PAGE))
    retry = mw.process_response(solve, browser_answer(solve, []))
    assert retry.meta[SOLVED_META] and not retry.cookies


@pytest.mark.parametrize(("shown", "status"), [(200, 200), (0, 412), (412, 412)])
def test_a_rendered_page_gets_the_status_the_browser_ended_on(shown: int, status: int) -> None:
    mw = middleware()
    request = Request(URL, meta={"playwright": True})
    mw.process_request(request)
    mw.process_request(request)  # a retry: still one
    [method] = request.meta["playwright_page_methods"]
    assert method.method is document_status
    method.result = shown  # what the page reported once its network settled (0: unknown)
    rendered = answer(request, 412, "<html><body><h1>report</h1></body></html>")
    assert mw.process_response(request, rendered).status == status


def test_switched_off() -> None:
    crawler = get_crawler(ReportSpider, settings_dict={"GOVCRAWL_SOLVE_CHALLENGES": False})
    with pytest.raises(NotConfigured):
        BrowserChallengeMiddleware.from_crawler(crawler)


def crawl_waf_report(tmp: Path, *settings: str) -> tuple[Dataset, list[int], str]:
    with HostileSite(seed=2024) as site:
        path = next(c["path"] for c in site.cases() if c["case"] == "waf.412_cookie")
        args = [sys.executable, str(DRIVER), str(tmp), f"generic={site.url}{path}"]
        args += ["-s", "AUTOTHROTTLE_ENABLED=false", "-s", "GOVCRAWL_RETRY_BACKOFF=0.1"]
        for setting in settings:
            args += ["-s", setting]
        done = subprocess.run(args, capture_output=True, text=True, timeout=240, check=False)
        assert done.returncode == 0, done.stderr[-3000:]
        json.loads(done.stdout.strip().splitlines()[-1])
        statuses = [status for _, _, target, status in site.request_log if target == path]
        return Dataset(tmp), statuses, site.url + path


def test_without_the_browser_a_strict_waf_fails_the_page(tmp_path: Path) -> None:
    dataset, statuses, url = crawl_waf_report(tmp_path, "GOVCRAWL_SOLVE_CHALLENGES=false")
    assert statuses == [412, 412, 412]
    assert dataset.query("SELECT reason FROM errors WHERE url = ?", [url]) == [
        ("anti-bot challenge (412 JS cookie) after 3 attempts",)
    ]
    assert not list(dataset.records())


class WafJsPortal(ThreadingHTTPServer):
    """A portal whose every page is behind the WAF and whose list exists only after its script
    ran: what the browser renders must be judged by the page the challenge reloaded into."""

    def __init__(self) -> None:
        content = build_content(2024)
        self.report_path = content.paths["waf_report"]
        self.report = content.pages[self.report_path]
        self.log: list[tuple[str, int]] = []
        super().__init__(("127.0.0.1", 0), self.Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    class Handler(BaseHTTPRequestHandler):
        server: WafJsPortal

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the server's own log is what the tests read."""

        def do_GET(self) -> None:
            if self.path == "/robots.txt":
                return self._send(200, b"User-agent: *\nAllow: /\n", "text/plain")
            if not waf_passes(self.headers.get("Cookie", ""), self.headers.get("User-Agent", "")):
                issued = (("Set-Cookie", f"{WAF_SERVER_COOKIE}=s1; Path=/"),)
                return self._send(412, WAF_412_PAGE.encode(), "text/html", issued)
            if self.path == "/xxgk/list.html":
                link = (
                    f'<a class="report-link" href="{self.server.report_path}">'
                    "2023年政府信息公开工作年度报告</a>"
                )
                shell = (
                    "<html><body><div id='list'></div><script>setTimeout(function(){"
                    f"document.getElementById('list').innerHTML={json.dumps(link)};}},100)"
                    "</script></body></html>"
                )
                return self._send(200, shell.encode(), "text/html; charset=utf-8")
            if self.path == self.server.report_path:
                return self._send(200, self.server.report.body, self.server.report.content_type)
            return self._send(404, b"<html><body>404</body></html>", "text/html")

        def _send(
            self, status: int, body: bytes, ctype: str, extra: tuple[tuple[str, str], ...] = ()
        ) -> None:
            self.server.log.append((self.path, status))
            self.send_response(status)
            for name, value in [("Content-Type", ctype), *extra]:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)


def test_a_rendered_list_behind_the_waf_and_its_report(tmp_path: Path) -> None:
    """The browser runs the list's challenge itself: the page counts as the 200 it reloaded
    into, not the 412 it started from; the report it links (plain Scrapy) is solved in turn."""
    portal = WafJsPortal()
    thread = threading.Thread(target=portal.serve_forever, daemon=True)
    thread.start()
    try:
        args = [sys.executable, str(DRIVER), str(tmp_path), f"jsonapi={portal.url}/xxgk/list.html"]
        args += ["-s", "AUTOTHROTTLE_ENABLED=false"]
        done = subprocess.run(args, capture_output=True, text=True, timeout=240, check=False)
        assert done.returncode == 0, done.stderr[-3000:]
    finally:
        portal.shutdown()
        portal.server_close()
    dataset = Dataset(tmp_path)
    assert dataset.query("SELECT url, reason FROM errors") == []
    [record] = dataset.records()
    assert record["source"]["url"] == portal.url + portal.report_path
    assert ("/xxgk/list.html", 412) in portal.log and ("/xxgk/list.html", 200) in portal.log
    report = [status for path, status in portal.log if path == portal.report_path]
    assert report[0] == 412 and report[-1] == 200
