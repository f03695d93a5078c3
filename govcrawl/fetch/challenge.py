"""JavaScript anti-bot challenges run in the browser, so the crawl gets the page behind them.

Chinese government portals sit behind WAFs (Ruishu/瑞数, 加速乐 and the like) that answer a
client lacking their cookies with a small page — 412 or 521, sometimes 200/403/503 — whose
script computes a cookie and reloads. A client that runs no script gets that page on every
retry: `RetryAfterMiddleware` alone can only wait, retry and fail the portal page by page.

`BrowserChallengeMiddleware` sees such an answer first (`is_challenge` says "… JS cookie", or
"JavaScript required" from a page whose script sets a cookie or reloads) and hands the request
once to the browser (scrapy-playwright). Chromium runs the script, the WAF lets the reload
through, and `settle_challenge` waits until the page is no longer a challenge and takes the
browser's cookies. They go into Scrapy's cookie jar with a retry of the original request,
which then gets the page through the ordinary download path: archived as wire bytes like every
page, with the spider's callback and meta unchanged. Later requests to the host carry the
cookies from the jar and pass without the browser. The browser's own traffic (the challenge,
the reload) is archived as a rendered page's is.

A page the crawl renders in the browser anyway (`meta["playwright"]`) runs the script
itself, but scrapy-playwright reports the status of the navigation it started: the
challenge's 412 even when the DOM it hands over is the page the reload brought. The middleware
therefore adds `document_status` to every browser request's page methods and gives the
response the status of the document the browser ended on.

Not solved here, and left to `RetryAfterMiddleware` (wait, retry, fail as "anti-bot
challenge"): captchas and "访问过于频繁" pages; a request whose challenge comes back after it
was solved (a WAF binding its cookie to something Scrapy's client lacks, such as its TLS
fingerprint); every challenge of a host once `GOVCRAWL_CHALLENGE_FUTILE` (default 3) solves in a
row came to nothing there, so a WAF that never accepts is not fed the browser all crawl long
while one whose cookie expires now and then is solved again each time; and every challenge
when `GOVCRAWL_SOLVE_CHALLENGES` is off.

One solve serves a host's whole wave of challenges. Up to CONCURRENT_REQUESTS_PER_DOMAIN
requests are in flight when a cookie is missing or expires, and each comes back challenged;
handing each to Chromium would open that many browser pages and show the WAF that many fresh
clients at once, which is what makes such WAFs escalate to captchas. So while a host's solve
runs, its other challenged requests wait for it (at most three challenge timeouts, then they
solve on their own), and a request that was sent before the latest solve ended and comes back
challenged simply retries with that solve's cookies. Only the solve's own retry judges whether
it helped (`GOVCRAWL_CHALLENGE_FUTILE`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy_playwright.page import PageMethod

from govcrawl.fetch.guard import is_challenge
from govcrawl.fetch.page_methods import add_page_method, page_method_result

logger = logging.getLogger(__name__)

SOLVING_META = "govcrawl_challenge_solving"
"""On the browser request that runs a challenge: the request's own `dont_merge_cookies`."""
SOLVED_META = "govcrawl_challenge_solved"
"""On the retry after a solve (and its own retries): never handed to the browser again.
`_UNJUDGED` until its first answer tells whether the solve helped, `_JUDGED` after."""
_UNJUDGED, _JUDGED = "unjudged", "judged"
SENT_AFTER_META = "govcrawl_challenge_sent_after"
"""How many of its host's solves had ended when the request was sent: a request challenged
although a solve ended since retries with that solve's cookies instead of solving again."""
_VALIDATORS = (b"If-None-Match", b"If-Modified-Since")
_BROWSER_META = (
    "playwright",
    "playwright_page_methods",
    "playwright_page_event_handlers",
    "playwright_page_init_callback",
)


def solvable(kind: str | None) -> bool:
    """Whether a challenge of this kind (`is_challenge`) is a script a browser can run."""
    return kind is not None and (kind.endswith("JS cookie") or kind == "JavaScript required")


def _still_challenged(html: str) -> bool:
    body = html.encode("utf-8")
    return any(solvable(is_challenge(status, {}, body)) for status in (412, 200))


async def document_status(page: Any) -> int:
    """Page method: the HTTP status of the document the page shows once its network settled
    (a challenge's reload done), or 0 when the browser cannot say."""
    try:
        await page.wait_for_load_state("networkidle")
        status = await page.evaluate(
            "() => (performance.getEntriesByType('navigation')[0] || {}).responseStatus || 0"
        )
    except PlaywrightError:  # navigating again: no document to ask
        return 0
    return int(status)


async def settle_challenge(page: Any, timeout: float = 10.0) -> list[dict[str, Any]]:
    """Page method: wait until the challenge script has reloaded into a page that is not a
    challenge (or `timeout` seconds passed), then return the browser context's cookies.

    The navigation that scrapy-playwright awaited ended with the challenge itself; the
    script's reload is a second navigation that may still be under way, during which the
    page's content cannot be read — hence polling rather than one wait.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            await page.wait_for_load_state("load")
            if not _still_challenged(await page.content()):
                break
        except PlaywrightError:  # navigating: the content is not readable yet
            pass
        if loop.time() >= deadline:
            break
        await asyncio.sleep(0.2)
    return await page.context.cookies()


@dataclass
class _HostSolves:
    """One host's solves: how many ended, the cookies the last one earned (`undelivered` until
    a request has carried them into Scrapy's cookie jar), the one running."""

    ended: int = 0
    cookies: list[dict[str, Any]] = field(default_factory=list)
    undelivered: bool = False
    running: asyncio.Event | None = None


class BrowserChallengeMiddleware:
    """Downloader middleware (before `RetryAfterMiddleware`): JS challenges go to the browser
    once per request, and the request comes back with the cookies the browser earned."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.max_futile = crawler.settings.getint("GOVCRAWL_CHALLENGE_FUTILE", 3)
        self.timeout = crawler.settings.getfloat("GOVCRAWL_CHALLENGE_TIMEOUT", 10.0)
        self.futile: Counter[str] = Counter()
        """Per host: solves in a row whose retry was challenged again."""
        self.solves: dict[str, _HostSolves] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BrowserChallengeMiddleware:
        if not crawler.settings.getbool("GOVCRAWL_SOLVE_CHALLENGES", True):
            raise NotConfigured("GOVCRAWL_SOLVE_CHALLENGES is off")
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        solves = self.solves.get(urlsplit(request.url).netloc)
        if solves is not None:
            request.meta[SENT_AFTER_META] = solves.ended
            if solves.undelivered and not request.meta.get("dont_merge_cookies"):
                # The solve's own retry waits in the scheduler behind requests already queued:
                # the first of them takes the cookies to the jar (CookiesMiddleware, next).
                request.cookies = [*_cookie_list(request.cookies), *solves.cookies]
                solves.undelivered = False
        if not request.meta.get("playwright") or SOLVING_META in request.meta:
            return
        add_page_method(request.meta, PageMethod(document_status))

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response | Coroutine[Any, Any, Request]:
        if SOLVING_META in request.meta:
            return self._after_browser(request, response)
        if request.meta.get("playwright"):
            return _as_shown(request, response)
        kind = is_challenge(response.status, response.headers, response.body)
        host = urlsplit(request.url).netloc
        solved = request.meta.get(SOLVED_META)
        if solved:
            if solved == _UNJUDGED:  # the first answer to the retry after a solve
                request.meta[SOLVED_META] = _JUDGED
                self.futile[host] = self.futile[host] + 1 if solvable(kind) else 0
            return response
        if not solvable(kind) or self.futile[host] >= self.max_futile:
            return response
        solves = self.solves.setdefault(host, _HostSolves())
        if request.meta.get(SENT_AFTER_META, 0) < solves.ended:
            self.crawler.stats.inc_value("govcrawl/fetch/challenge_shared")
            return self._retry(request, solves.cookies, solved=None)
        if solves.running is not None and _loop_running():
            return self._after_running_solve(request, solves)
        return self._solve(request, solves, kind)

    def _solve(self, request: Request, solves: _HostSolves, kind: str | None) -> Request:
        self.crawler.stats.inc_value("govcrawl/fetch/challenge_browser")
        logger.info("%s answered %s: running the challenge in the browser", request.url, kind)
        solves.running = asyncio.Event()
        return self._in_browser(request)

    async def _after_running_solve(self, request: Request, solves: _HostSolves) -> Request:
        """Wait for the host's running solve, then retry with its cookies; solve on our own if
        it takes longer than a solve can (its request was lost) or it failed."""
        running = solves.running
        assert running is not None
        ended = solves.ended
        self.crawler.stats.inc_value("govcrawl/fetch/challenge_waited")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(running.wait(), timeout=3 * self.timeout)
        if solves.ended > ended:
            self.crawler.stats.inc_value("govcrawl/fetch/challenge_shared")
            return self._retry(request, solves.cookies, solved=None)
        if running.is_set():  # the browser failed: to the retries, as the solve's own request
            return self._retry(request, [], solved=_JUDGED)
        return self._solve(request, solves, "a challenge")

    def process_exception(
        self, request: Request, exception: BaseException, spider: Spider | None = None
    ) -> Request | None:
        if SOLVING_META not in request.meta:
            return None
        logger.warning("could not run the challenge of %s in the browser: %r", request, exception)
        self.crawler.stats.inc_value("govcrawl/fetch/challenge_browser_failed")
        host = urlsplit(request.url).netloc
        self.futile[host] += 1
        self._solve_ended(host, None)
        return self._retry(request, cookies=[], solved=_JUDGED)

    def _solve_ended(self, host: str, cookies: list[dict[str, Any]] | None) -> None:
        """Wake the requests waiting for the host's solve; `cookies` None: the browser failed."""
        solves = self.solves.setdefault(host, _HostSolves())
        if cookies is not None:
            solves.ended += 1
            solves.cookies = cookies
            solves.undelivered = bool(cookies)
        if solves.running is not None:
            solves.running.set()
            solves.running = None

    def _in_browser(self, request: Request) -> Request:
        """The request for the browser: with its own cookie jar (Scrapy's Cookie header would
        override the browser's on every navigation, the script's reload included) and without
        validators (a 304 would leave the browser a blank page)."""
        headers = request.headers.copy()
        for name in (*_VALIDATORS, b"Cookie"):
            headers.pop(name, None)
        meta = {
            **request.meta,
            "playwright": True,
            "playwright_page_methods": [PageMethod(settle_challenge, timeout=self.timeout)],
            "dont_merge_cookies": True,
            SOLVING_META: request.meta.get("dont_merge_cookies"),
        }
        for key in ("playwright_page_event_handlers", "playwright_page_init_callback"):
            meta.pop(key, None)  # the browser stages attach theirs when it is dequeued
        return request.replace(headers=headers, meta=meta, dont_filter=True)

    def _after_browser(self, request: Request, response: Response) -> Request:
        cookies = page_method_result(request.meta, settle_challenge)
        if cookies:
            self.crawler.stats.inc_value("govcrawl/fetch/challenge_cookies")
        else:
            logger.warning("the browser earned no cookies from the challenge of %s", request.url)
        earned = _jar_cookies(cookies or [], request.url)
        self._solve_ended(urlsplit(request.url).netloc, earned)
        retry = self._retry(request, cookies=earned)
        # Ahead of the requests that waited for this solve: its answer judges the solve, and
        # a cookie a WAF lets through only so many times must not be used up before it.
        retry.priority += 1
        return retry

    def _retry(
        self,
        request: Request,
        cookies: list[dict[str, Any]],
        *,
        solved: str | None = _UNJUDGED,
    ) -> Request:
        """The original request again, past the browser, with what the browser earned.

        `solved` goes into `SOLVED_META`: `_UNJUDGED` for a solve's own retry, whose answer
        tells whether the solve helped; `_JUDGED` after the browser failed, so a challenge
        coming back goes to the retries; None for a request retried with another request's
        solve, which is challenged like any request if the cookie expires again."""
        meta = {k: v for k, v in request.meta.items() if k not in _BROWSER_META}
        if SOLVING_META in meta:  # back from the browser: the request's own cookie setting
            own_merge = meta.pop(SOLVING_META)
            meta.pop("dont_merge_cookies", None)
            if own_merge is not None:
                meta["dont_merge_cookies"] = own_merge
        if solved is not None:
            meta[SOLVED_META] = solved
        return request.replace(meta=meta, cookies=cookies, dont_filter=True)


def _jar_cookies(browser_cookies: list[dict[str, Any]], url: str) -> list[dict[str, Any]]:
    """The browser context's cookies in the form Scrapy's `Request.cookies` takes."""
    return [
        {
            "name": c["name"],
            "value": c["value"],
            "domain": c.get("domain") or urlsplit(url).hostname,
            "path": c.get("path") or "/",
            "secure": bool(c.get("secure")),
        }
        for c in browser_cookies
    ]


def _cookie_list(cookies: Any) -> list[dict[str, Any]]:
    """A request's own cookies (a name → value dict or a list of cookie dicts) as a list."""
    if isinstance(cookies, dict):
        return [{"name": name, "value": value} for name, value in cookies.items()]
    return list(cookies or [])


def _loop_running() -> bool:
    """Whether an asyncio loop runs this call (Scrapy on the asyncio reactor): only then can a
    request wait for another's solve."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _as_shown(request: Request, response: Response) -> Response:
    """A rendered page with the status of the document the browser ended on."""
    shown = page_method_result(request.meta, document_status, 0)
    if not isinstance(shown, int) or not shown or shown == response.status:
        return response
    logger.debug("%s: the browser ended on a %d document, not %d", request, shown, response.status)
    return response.replace(status=shown)
