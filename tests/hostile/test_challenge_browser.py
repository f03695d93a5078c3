"""JS-cookie challenges run in the browser once per request, then the request comes back with
the browser's cookies (`govcrawl.fetch.challenge`); everything else stays with the retries."""

from __future__ import annotations

import asyncio
import json
import pickle
import re
import subprocess
import sys
import threading
import time
from http.cookies import SimpleCookie
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
    WAF_SCRIPT_COOKIE,
    WAF_SEED,
    WAF_SERVER_COOKIE,
    HostileSite,
    build_content,
    waf_passes,
    waf_token,
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
    mw.process_request(request)  # sent after every earlier solve ended
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


class LocalSite(ThreadingHTTPServer):
    """A test's own portal on 127.0.0.1, crawled by the crawl driver in a subprocess; `log`
    holds what it answered, as `entry` puts it."""

    def __init__(self) -> None:
        self.log: list[tuple] = []
        super().__init__(("127.0.0.1", 0), self.Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def entry(self, path: str, status: int) -> tuple:
        return (path, status)

    def crawl(self, out: Path, spec: str, *settings: str) -> None:
        """Crawl `spec` (`FAMILY=URL`) into `out` while this site serves."""
        thread = threading.Thread(target=self.serve_forever, daemon=True)
        thread.start()
        try:
            args = [sys.executable, str(DRIVER), str(out), spec, "-s", "AUTOTHROTTLE_ENABLED=false"]
            for setting in settings:
                args += ["-s", setting]
            done = subprocess.run(args, capture_output=True, text=True, timeout=240, check=False)
            assert done.returncode == 0, done.stderr[-3000:]
        finally:
            self.shutdown()
            self.server_close()

    class Handler(BaseHTTPRequestHandler):
        server: LocalSite

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the server's own log is what the tests read."""

        def send_page(
            self, status: int, body: bytes, ctype: str, extra: tuple[tuple[str, str], ...] = ()
        ) -> None:
            self.server.log.append(self.server.entry(self.path, status))
            self.send_response(status)
            for name, value in [("Content-Type", ctype), *extra]:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)


class WafJsPortal(LocalSite):
    """A portal whose every page is behind the WAF and whose list exists only after its script
    ran: what the browser renders must be judged by the page the challenge reloaded into."""

    def __init__(self) -> None:
        content = build_content(2024)
        self.report_path = content.paths["waf_report"]
        self.report = content.pages[self.report_path]
        super().__init__()

    class Handler(LocalSite.Handler):
        server: WafJsPortal

        def do_GET(self) -> None:
            if self.path == "/robots.txt":
                return self.send_page(200, b"User-agent: *\nAllow: /\n", "text/plain")
            if not waf_passes(self.headers.get("Cookie", ""), self.headers.get("User-Agent", "")):
                issued = (("Set-Cookie", f"{WAF_SERVER_COOKIE}=s1; Path=/"),)
                return self.send_page(412, WAF_412_PAGE.encode(), "text/html", issued)
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
                return self.send_page(200, shell.encode(), "text/html; charset=utf-8")
            if self.path == self.server.report_path:
                return self.send_page(200, self.server.report.body, self.server.report.content_type)
            return self.send_page(404, b"<html><body>404</body></html>", "text/html")


def test_a_rendered_list_behind_the_waf_and_its_report(tmp_path: Path) -> None:
    """The browser runs the list's challenge itself: the page counts as the 200 it reloaded
    into, not the 412 it started from; the report it links (plain Scrapy) is solved in turn."""
    portal = WafJsPortal()
    portal.crawl(tmp_path, f"jsonapi={portal.url}/xxgk/list.html")
    dataset = Dataset(tmp_path)
    assert dataset.query("SELECT url, reason FROM errors") == []
    [record] = dataset.records()
    assert record["source"]["url"] == portal.url + portal.report_path
    assert ("/xxgk/list.html", 412) in portal.log and ("/xxgk/list.html", 200) in portal.log
    report = [status for path, status in portal.log if path == portal.report_path]
    assert report[0] == 412 and report[-1] == 200


def sent(mw: BrowserChallengeMiddleware, url: str = URL) -> Request:
    """A request as the downloader sends it: through the middleware's `process_request`."""
    request = Request(url)
    mw.process_request(request)
    return request


def test_a_request_sent_before_a_solve_ended_retries_with_its_cookies() -> None:
    mw = middleware()
    first, second = sent(mw), sent(mw)
    solve = mw.process_response(first, answer(first, 412, WAF_412_PAGE))
    mw.process_response(solve, browser_answer(solve, COOKIES))
    retry = mw.process_response(second, answer(second, 412, WAF_412_PAGE))
    assert isinstance(retry, Request) and "playwright" not in retry.meta
    assert {c["value"] for c in retry.cookies} == {"abc", "b68506"}
    assert SOLVED_META not in retry.meta  # challenged again: a challenge like any other
    assert mw.crawler.stats.get_value("govcrawl/fetch/challenge_browser") == 1
    assert mw.crawler.stats.get_value("govcrawl/fetch/challenge_shared") == 1
    # sent after that solve ended: the cookie has expired since, so it is solved again
    third = sent(mw)
    assert mw.process_response(third, answer(third, 412, WAF_412_PAGE)).meta["playwright"]
    assert mw.crawler.stats.get_value("govcrawl/fetch/challenge_browser") == 2


def test_the_first_request_after_a_solve_takes_its_cookies_to_the_jar() -> None:
    """The solve's own retry waits in the scheduler behind requests queued before it."""
    mw = middleware()
    first = sent(mw)
    solve = mw.process_response(first, answer(first, 412, WAF_412_PAGE))
    mw.process_response(solve, browser_answer(solve, COOKIES))
    own = Request(URL, cookies={"lang": "zh"}, meta={"dont_merge_cookies": True})
    mw.process_request(own)
    assert own.cookies == {"lang": "zh"}  # a request keeping out of the jar carries none
    queued = Request(URL, cookies={"lang": "zh"})
    mw.process_request(queued)
    assert [c["name"] for c in queued.cookies] == ["lang", *(c["name"] for c in COOKIES)]
    assert sent(mw).cookies == {}  # the jar has them now


def test_requests_challenged_while_a_solve_runs_wait_for_it() -> None:
    async def run() -> None:
        mw = middleware()
        first, second, third = sent(mw), sent(mw), sent(mw)
        solve = mw.process_response(first, answer(first, 412, WAF_412_PAGE))
        waiting = [
            asyncio.ensure_future(mw.process_response(r, answer(r, 412, WAF_412_PAGE)))
            for r in (second, third)
        ]
        await asyncio.sleep(0)
        assert not any(w.done() for w in waiting)
        mw.process_response(solve, browser_answer(solve, COOKIES))
        for retry in await asyncio.gather(*waiting):
            assert isinstance(retry, Request) and "playwright" not in retry.meta
            assert {c["value"] for c in retry.cookies} == {"abc", "b68506"}
        assert mw.crawler.stats.get_value("govcrawl/fetch/challenge_browser") == 1
        assert mw.crawler.stats.get_value("govcrawl/fetch/challenge_waited") == 2
        assert mw.crawler.stats.get_value("govcrawl/fetch/challenge_shared") == 2

    asyncio.run(run())


def test_a_failed_solve_sends_its_waiters_to_the_retries() -> None:
    async def run() -> None:
        mw = middleware()
        first, second = sent(mw), sent(mw)
        solve = mw.process_response(first, answer(first, 412, WAF_412_PAGE))
        waiting = asyncio.ensure_future(
            mw.process_response(second, answer(second, 412, WAF_412_PAGE))
        )
        await asyncio.sleep(0)
        mw.process_exception(solve, RuntimeError("no browser"))
        retry = await waiting
        assert "playwright" not in retry.meta and not retry.cookies and retry.meta[SOLVED_META]
        assert mw.crawler.stats.get_value("govcrawl/fetch/challenge_browser") == 1

    asyncio.run(run())


def test_a_lost_solve_is_not_waited_for_forever() -> None:
    async def run() -> None:
        mw = middleware(GOVCRAWL_CHALLENGE_TIMEOUT=0.01)
        first, second = sent(mw), sent(mw)
        mw.process_response(first, answer(first, 412, WAF_412_PAGE))  # never answered
        solve = await mw.process_response(second, answer(second, 412, WAF_412_PAGE))
        assert solve.meta["playwright"] is True
        assert mw.crawler.stats.get_value("govcrawl/fetch/challenge_browser") == 2

    asyncio.run(run())


def test_without_an_event_loop_each_challenge_is_solved() -> None:
    mw = middleware()
    first, second = sent(mw), sent(mw)
    mw.process_response(first, answer(first, 412, WAF_412_PAGE))
    assert mw.process_response(second, answer(second, 412, WAF_412_PAGE)).meta["playwright"]


class ExpiringWaf(LocalSite):
    """A WAF whose cookie expires after a few pages, as Ruishu's do: a new seed (and with it
    a new computed cookie) every `PASSES` requests let through (the browser's reload among
    them). Its list links eight reports, each answered slowly, so the crawl always has several
    in flight when the cookie expires."""

    PASSES = 6
    REPORTS = 8

    def __init__(self) -> None:
        content = build_content(2024)
        self.report = content.pages[content.paths["waf_report"]]
        self.generation = 0
        self.passed = 0
        self.lock = threading.Lock()
        super().__init__()

    def entry(self, path: str, status: int) -> tuple:
        return (path, status, self.generation)

    def seed(self) -> str:
        return f"{self.generation}{WAF_SEED}"

    def admit(self, cookie: str, user_agent: str) -> bool:
        """Whether the request holds this generation's cookies; counts it if so."""
        with self.lock:
            jar = SimpleCookie(cookie)
            script = jar.get(WAF_SCRIPT_COOKIE)
            if script is None or script.value != waf_token(user_agent, self.seed()):
                return False
            self.passed += 1
            if self.passed % self.PASSES == 0:
                self.generation += 1
            return True

    class Handler(LocalSite.Handler):
        server: ExpiringWaf

        def do_GET(self) -> None:
            if self.path == "/robots.txt":
                return self.send_page(200, b"User-agent: *\nAllow: /\n", "text/plain")
            user_agent = self.headers.get("User-Agent", "")
            if not self.server.admit(self.headers.get("Cookie", ""), user_agent):
                page = WAF_412_PAGE.replace(WAF_SEED, self.server.seed())
                return self.send_page(412, page.encode(), "text/html")
            if self.path == "/xxgk/list.html":
                links = "".join(
                    f'<li><a href="/xxgk/r{n}.html">{2015 + n}年政府信息公开工作年度报告</a></li>'
                    for n in range(self.server.REPORTS)
                )
                page = f"<html><body><ul>{links}</ul></body></html>"
                return self.send_page(200, page.encode(), "text/html; charset=utf-8")
            if self.path.startswith("/xxgk/r"):
                time.sleep(0.3)
                return self.send_page(200, self.server.report.body, self.server.report.content_type)
            return self.send_page(404, b"<html><body>404</body></html>", "text/html")


def test_one_solve_serves_every_request_its_cookie_expired_under(tmp_path: Path) -> None:
    """Several reports in flight come back challenged when the cookie expires: one browser
    solve per cookie, the others wait for it or use it, and every report is fetched."""
    waf = ExpiringWaf()
    waf.crawl(tmp_path, f"generic={waf.url}/xxgk/list.html", "CONCURRENT_REQUESTS_PER_DOMAIN=4")
    dataset = Dataset(tmp_path)
    assert dataset.query("SELECT url, reason FROM errors") == []
    assert len(list(dataset.records())) == ExpiringWaf.REPORTS
    log = (tmp_path / "crawl.log").read_text()
    solves = int(re.search(r"'govcrawl/fetch/challenge_browser': (\d+)", log)[1])
    challenged = {generation for _, status, generation in waf.log if status == 412}
    assert solves <= len(challenged)  # never two solves for one cookie
    assert int(re.search(r"'govcrawl/fetch/challenge_shared': (\d+)", log)[1]) > 0
