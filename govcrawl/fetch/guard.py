"""Containment for hostile portals: scope, retries, failure reports and crawler traps.

A crawl runs unattended against portals that redirect into intranets, answer 503 for minutes,
cut bodies short and grow endless calendars. These Scrapy middlewares keep such a portal from
costing more than its own failed pages, and make every failure visible:

- `ScopeGuard` (downloader, before any connection): only the portal's own origins, never a
  private, loopback, link-local (cloud metadata), multicast or reserved address — by literal
  or by DNS answer — except the origins a portal was explicitly configured on. Redirect
  targets are new requests and pass here too, so nothing is connected to before the check.
- `RetryAfterMiddleware` (replaces Scrapy's RetryMiddleware): 429/5xx retried after the
  server's Retry-After (seconds or HTTP date, capped) or an exponential backoff, waiting on
  the reactor clock rather than blocking it; truncated bodies (`dataloss`) and anti-bot
  challenge pages (`is_challenge`: a WAF's 412 JS-cookie page, "访问过于频繁") retried, then
  failed — neither reaches a spider callback, so neither becomes a record or a link source.
  (A JS-cookie challenge is first run in the browser: `govcrawl.fetch.challenge`.)
- `RedirectLoopGuard` (downloader, sees 3xx before RedirectMiddleware): A → B → A is named a
  loop instead of silently vanishing in the duplicate filter.
- `FailureReporter` (spider): gives every request an errback that turns the final failure into
  one `stage_failed(url, "fetch", reason)` (the dataset's `errors` table) and a stat.
- `TrapFilter` (spider): calendars, pagination that shows nothing new, repeating path segments,
  and soft-404 pages; each trap is stopped and explained once.
- `CanonicalFingerprinter`: de-duplication on canonical URLs (session ids stripped, query
  sorted; `govcrawl.fetch.urls.canonical`), so `;jsessionid=` variants are one page.
"""

from __future__ import annotations

import ipaddress
import itertools
import logging
import re
import socket
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit
from weakref import WeakKeyDictionary

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.request import RequestFingerprinter
from twisted.internet.task import deferLater
from twisted.internet.threads import deferToThread
from twisted.python.failure import Failure

from govcrawl.fetch.errors import FetchFailed, Refused, explain, status_reason, truncation_reason
from govcrawl.fetch.urls import Origin, canonical, is_http, origin
from govcrawl.signals import stage_failed

logger = logging.getLogger(__name__)

ALLOW_PRIVATE_SETTING = "GOVCRAWL_ALLOW_PRIVATE_HOSTS"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


def report_failure(crawler: Crawler, url: str, reason: str, category: str) -> None:
    """One fetch failure: a stat, a log line and a `stage_failed` row for the errors table."""
    crawler.stats.inc_value("govcrawl/errors/fetch")
    crawler.stats.inc_value(f"govcrawl/fetch/failed/{category}")
    logger.warning("fetch failed: %s: %s", url, reason)
    crawler.signals.send_catch_log(signal=stage_failed, url=url, stage="fetch", reason=reason)


# -- scope ---------------------------------------------------------------------------------


def address_kind(address: str) -> str | None:
    """Why an IP address is off limits ("loopback", "private", …), None for a public one."""
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local (cloud metadata)" if str(ip) == "169.254.169.254" else "link-local"
    if ip.is_multicast:
        return "multicast"
    if ip.is_unspecified or ip.is_reserved:
        return "reserved"
    if ip.is_private:
        return "private"
    return None


def spider_origins(spider: Spider | None) -> set[Origin]:
    """The portal's origins: the base spider's `origins`, else those of its start URLs."""
    origins = getattr(spider, "origins", None)
    if origins:
        return set(origins)
    return {origin(u) for u in getattr(spider, "start_urls", ()) if is_http(u)}


def is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def resolve_host(host: str) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError:
        return []  # the download itself fails with a DNS error, explained there
    return sorted({info[4][0] for info in infos})


class ScopeGuard:
    """Refuse requests outside the portal's origins or to non-public addresses (see module).

    A portal whose start URL is itself a private or loopback IP literal (the demo farm) was
    configured local on purpose: its own origins are allowed, other ports of the same address
    are not. `GOVCRAWL_ALLOW_PRIVATE_HOSTS` (or spider attribute `allow_private = True`)
    also allows host *names* of the portal's origins that resolve to private addresses (an
    intranet deployment). Out-of-scope targets are refused before any DNS lookup; in-scope
    host names are resolved once (in a thread) and cached for the crawl.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.allow_private = crawler.settings.getbool(ALLOW_PRIVATE_SETTING)
        self._resolved: dict[str, list[str]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ScopeGuard:
        return cls(crawler)

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        spider = self.crawler.spider
        try:
            await self.check(request.url, spider)
        except Refused:
            self.crawler.stats.inc_value("govcrawl/fetch/refused")
            raise

    async def check(self, url: str, spider: Spider | None) -> None:
        """Raise `Refused` unless `url` may be connected to for `spider`'s portal."""
        if not is_http(url):
            raise Refused(f"not an http(s) URL: {url}")
        target = origin(url)
        _, host, port = target
        origins = spider_origins(spider)
        allow_all = self.allow_private or bool(getattr(spider, "allow_private", False))
        local = {o for o in origins if allow_all or address_kind(o[1])}
        if target in local:
            return
        kind = address_kind(host)
        if kind:
            where = f"{host}:{port}" if target[1] in {o[1] for o in origins} else host
            raise Refused(f"{kind} address {where} is outside the portal's origins")
        if origins and host not in {o[1] for o in origins}:
            raise Refused(f"out of scope: {host} is not the portal's host")
        if is_ip_literal(host):
            return
        for address in await self._addresses(host):
            kind = address_kind(address)
            if kind:
                raise Refused(f"{kind} address {address} (DNS answer for {host})")

    async def resolve(self, host: str) -> list[str]:
        """The host's addresses, looked up in a thread (getaddrinfo blocks)."""
        return await maybe_deferred_to_future(deferToThread(resolve_host, host))

    async def _addresses(self, host: str) -> list[str]:
        if host not in self._resolved:
            self._resolved[host] = await self.resolve(host)
        return self._resolved[host]


def abort_browser_request(request: Any) -> bool:
    """PLAYWRIGHT_ABORT_REQUEST: a rendered page's own fetches to non-public IP literals.

    The browser loads a page's scripts and API calls itself, past the downloader middlewares,
    so a JS-rendered page could make it fetch 169.254.169.254 or an intranet address. Those
    are aborted here. Loopback stays allowed (the demo farm's JS portal is on 127.0.0.1), and
    host names are not resolved (the browser does its own DNS): both are documented limits.
    """
    url = getattr(request, "url", "")
    if not is_http(url):
        return False
    kind = address_kind(urlsplit(url).hostname or "")
    return kind is not None and kind != "loopback"


# -- retries -------------------------------------------------------------------------------


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP date; None when unusable."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


CHALLENGE_STATUSES = frozenset({200, 403, 412, 503, 521})
_COOKIE_STATUSES = frozenset({412, 521})
"""Statuses WAFs answer with a cookie-setting script: Ruishu/瑞数 412, 加速乐 521."""
CHALLENGE_MAX_BODY = 64 * 1024
"""Challenge pages are small; a longer body is content (Ruishu's 412 scripts stay well below)."""
CHALLENGE_MAX_TEXT = 400
"""Visible characters at most on a phrase-only challenge page (a portal page's menus alone are
longer), so a report that mentions "访问过于频繁" in its prose is never taken for one."""
_COOKIE_SCRIPT = re.compile(
    r"<script\b[^>]*>(?:(?!</script>).)*?(?:document\.cookie|\$_ts)", re.I | re.S
)
_RELOAD_SCRIPT = re.compile(
    r"<script\b[^>]*>(?:(?!</script>).)*?"
    r"(?:document\.cookie|\$_ts|location\.(?:reload|replace)|location(?:\.href)?\s*=)",
    re.I | re.S,
)
"""An inline script that sets a cookie or reloads: what makes "enable JavaScript" a challenge
rather than the fallback of a page a script builds (`<noscript>请启用JavaScript</noscript>`)."""
_CHALLENGE_PHRASES = (
    (re.compile(r"(?:访问|请求|操作)(?:过于|太)频繁"), "too frequent"),
    (re.compile(r"安全验证|人机验证|滑块验证"), "security check"),
    (
        re.compile(r"(?:开启|启用|打开|支持)\s*javascript|enable\s+javascript", re.I),
        "JavaScript required",
    ),
)
_INVISIBLE = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->", re.I | re.S)
_TAG = re.compile(r"<[^>]*>")


def _header(headers: Mapping[Any, Any], name: str) -> str:
    """A header from Scrapy's Headers (bytes, any case) or a plain str-keyed mapping."""
    for key in (name.encode(), name, name.lower()):
        value = headers.get(key)
        if value:
            return value.decode("latin-1") if isinstance(value, bytes) else str(value)
    return ""


def _page_text(body: bytes) -> str:
    """The body as text: UTF-8 when it is valid, else GB18030 (WAF pages rarely declare)."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("gb18030", "replace")


def is_challenge(status: int, headers: Mapping[Any, Any], body: bytes) -> str | None:
    """The kind of anti-bot challenge this answer is ("412 JS cookie", "too frequent", …), or None.

    Chinese government WAFs (Ruishu/瑞数, 加速乐 and the like) answer a client without their
    cookies with 412 or 521 and a script that computes a cookie (`document.cookie`, `$_ts`)
    and reloads (`govcrawl.fetch.challenge` runs it in the browser); rate limiters and
    captcha gates answer 200/403/503 with a short "访问过于频繁" / "安全验证" / "请开启
    JavaScript" page. Either is a page about the crawler, not from the portal: retried later,
    never content. Phrase matches count only on short pages with little visible text.
    """
    if status not in CHALLENGE_STATUSES or len(body) > CHALLENGE_MAX_BODY:
        return None
    ctype = _header(headers, "Content-Type").lower()
    if ctype and "html" not in ctype and "text" not in ctype:
        return None
    page = _page_text(body)
    if status in _COOKIE_STATUSES:
        return f"{status} JS cookie" if _COOKIE_SCRIPT.search(page) else None
    visible = _TAG.sub(" ", _INVISIBLE.sub(" ", page))  # <noscript> text stays
    if len("".join(visible.split())) > CHALLENGE_MAX_TEXT:
        return None
    for pattern, name in _CHALLENGE_PHRASES:
        if not pattern.search(visible):
            continue
        if name == "JavaScript required" and status == 200 and not _RELOAD_SCRIPT.search(page):
            continue  # a script-built page's own fallback text, not a gate
        return name
    return None


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware, but waiting before each retry of a 429/5xx answer.

    The wait is the answer's Retry-After, else `GOVCRAWL_RETRY_BACKOFF * 2**attempt`, capped
    by `GOVCRAWL_RETRY_AFTER_MAX` (a portal asking for an hour is retried after the cap, and
    fails if still busy). The wait is a reactor timer: other portals and other requests go on.
    Responses flagged `dataloss` (body shorter than Content-Length, DOWNLOAD_FAIL_ON_DATALOSS
    off so the archive keeps them, WARC-Truncated) are retried, then failed. Anti-bot
    challenge pages (`is_challenge`) are waited on like a 429 and retried, then failed as
    "anti-bot challenge (…)": the archive has them (it sees every download), the spider never.
    """

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.max_wait = settings.getfloat("GOVCRAWL_RETRY_AFTER_MAX", 120.0)
        self.backoff = settings.getfloat("GOVCRAWL_RETRY_BACKOFF", 1.0)

    def delay(self, request: Request, response: Response) -> float:
        asked = retry_after_seconds(response.headers.get(b"Retry-After"))
        if asked is None:
            asked = self.backoff * 2 ** int(request.meta.get("retry_times", 0))
        return min(asked, self.max_wait)

    async def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        retrying = not request.meta.get("dont_retry", False)
        if "dataloss" in response.flags:
            retry = self._retry(request, "truncated body") if retrying else None
            if retry is not None:
                return retry
            raise FetchFailed(truncation_reason(response), "truncated")
        challenge = is_challenge(response.status, response.headers, response.body)
        if challenge:
            self.crawler.stats.inc_value("govcrawl/fetch/challenged")
            retry = self._retry(request, f"anti-bot challenge ({challenge})") if retrying else None
            if retry is None:
                raise FetchFailed(f"anti-bot challenge ({challenge})", "challenge")
        elif not retrying or response.status not in self.retry_http_codes:
            return response
        else:
            retry = self._retry(request, status_reason(response.status))
            if retry is None:
                return response
        wait = self.delay(request, response)
        if wait > 0:
            self.crawler.stats.inc_value("govcrawl/fetch/retry_wait_seconds", wait)
            from twisted.internet import reactor  # the installed one (asyncio), not a default

            await maybe_deferred_to_future(deferLater(reactor, wait, lambda: None))
        return retry


# -- redirects -----------------------------------------------------------------------------


class RedirectLoopGuard:
    """Name redirect loops before RedirectMiddleware turns them into filtered duplicates."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectLoopGuard:
        return cls()

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        location = response.headers.get(b"Location")
        if (
            response.status not in REDIRECT_STATUSES
            or not location
            or request.meta.get("dont_redirect")
        ):
            return response
        target = canonical(urljoin(request.url, location.decode("latin-1")))
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target in {canonical(u) for u in chain}:
            hops = [*chain, target]
            path = " → ".join(urlsplit(u).path or "/" for u in hops)
            raise FetchFailed(f"redirect loop: {path}", "redirect_loop")
        return response


# -- failure reports -----------------------------------------------------------------------


def first_url(request: Request) -> str:
    """The URL the crawler meant to fetch (before any redirect)."""
    redirects = request.meta.get("redirect_urls") or []
    return redirects[0] if redirects else request.url


ERRBACK_METHOD = "report_request_failure"
"""Spider method FailureReporter uses as errback when the spider has one (see `arm`)."""


def record_request_failure(crawler: Crawler, failure: Failure) -> None:
    """Record a request's final failure with the reason a user can act on (see module).

    Robots.txt refusals are obeyed policy, not failures: counted, not recorded.
    """
    request: Request = failure.request  # type: ignore[attr-defined]
    maxsize = crawler.settings.getint("DOWNLOAD_MAXSIZE")
    category, reason = explain(failure, request, maxsize)
    if category == "robots":
        crawler.stats.inc_value("govcrawl/fetch/robots_disallowed")
        return
    url = first_url(request)
    if url != request.url and category != "redirect_loop":
        reason += f" (redirected to {request.url})"
    report_failure(crawler, url, reason, category)


class FailureReporter:
    """Arm every request with an errback that records its final failure (see module).

    Requests a spider gave its own errback keep it (the spider then owns the report). The
    errback is the spider's `report_request_failure` method when it has one (every
    `ReportSpider` does): a request whose callbacks are spider methods can be serialised, which
    disk queues (JOBDIR) and scrapy-redis's shared queue require. Other spiders get this
    middleware's own method, which works in memory only.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FailureReporter:
        return cls(crawler)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for obj in start:
            yield self.arm(obj)

    def process_spider_output(
        self, response: Response, result: Iterable[Any], spider: Spider | None = None
    ) -> Iterator[Any]:
        for obj in result:
            yield self.arm(obj)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any], spider: Spider | None = None
    ) -> AsyncIterator[Any]:
        async for obj in result:
            yield self.arm(obj)

    def arm(self, obj: Any) -> Any:
        if isinstance(obj, Request) and obj.errback is None:
            obj.errback = getattr(self.crawler.spider, ERRBACK_METHOD, None) or self.failed
        return obj

    def failed(self, failure: Failure) -> None:
        record_request_failure(self.crawler, failure)


# -- traps ---------------------------------------------------------------------------------

_DATE = re.compile(r"(?:19|20)\d{2}(?:-\d{1,2}(?:-\d{1,2})?|(?:0[1-9]|1[0-2])(?:[0-2]\d|3[01]))")
"""A whole query value or path segment that is a date (2024-01-01, 2024-1, 20240101)."""
_DIGITS = re.compile(r"\d+")
_SOFT_404_TITLE = re.compile(
    r"<title[^>]*>[^<]*(?:404|页面不存在|页面未找到|找不到页面|not\s+found)[^<]*</title>", re.I
)


def url_pattern(url: str) -> str:
    """The URL's shape: digits generalised, query values dropped (keys sorted)."""
    parts = urlsplit(canonical(url))
    keys = sorted({p.partition("=")[0] for p in parts.query.split("&") if p})
    query = "?" + "&".join(f"{k}=*" for k in keys) if keys else ""
    return f"{parts.scheme}://{parts.netloc}{_DIGITS.sub('N', parts.path)}{query}"


def repeated_segment(url: str, times: int) -> str | None:
    """A path segment that repeats `times` times in a row (`a/a/a/`), if any."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    run = 1
    for previous, segment in itertools.pairwise(segments):
        run = run + 1 if segment == previous else 1
        if run >= times:
            return segment
    return None


def is_dated(url: str) -> bool:
    """Whether a query value or a path segment of `url` is a date (a calendar's steps).

    Whole values only: article paths such as TRS `t20230115_412345.html` or Hanweb
    `/art/2023/1/15/` carry a date inside a segment and are not calendars.
    """
    parts = urlsplit(url)
    values = [p.partition("=")[2] for p in parts.query.split("&")]
    return any(_DATE.fullmatch(v) for v in [*values, *parts.path.split("/")] if v)


REPORT_CALLBACKS = frozenset({"parse_article", "parse_attachment"})
"""Spider callbacks of report pages and files (`ReportSpider`), which link to no list."""


def is_report_request(request: Request) -> bool:
    """Whether a request fetches a report page or file rather than a list or navigation page."""
    return getattr(request.callback, "__name__", None) in REPORT_CALLBACKS


def is_soft_404(item: dict[str, Any]) -> bool:
    """A 200 HTML page whose own title says the page does not exist."""
    ctype = (item.get("content_type") or "").lower()
    body = item.get("body")
    if "html" not in ctype or not isinstance(body, bytes):
        return False
    head = body[:8192].decode("utf-8", "replace")
    return bool(_SOFT_404_TITLE.search(head)) and len(body) < 64 * 1024


class TrapFilter:
    """Stop requests that lead into crawler traps; each trap is reported once.

    - calendar: list/navigation URLs carrying a date (query or path) — at most
      `GOVCRAWL_TRAP_DATES` distinct URLs per URL shape (report pages and files in dated
      folders are not calendars);
    - stale pagination: a page that links to more pages of its own shape but to nothing new
      (no new page, file or report) `GOVCRAWL_TRAP_STALE_PAGES` times in a row stops that
      shape;
    - repeating segments: a path with one segment `GOVCRAWL_TRAP_REPEATS` times in a row;
    - soft 404: a report item whose 200 page is titled "404 / 页面不存在" is dropped.
    The per-portal page budget (`max_pages` of the base spider) bounds everything else.
    """

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.max_dates = settings.getint("GOVCRAWL_TRAP_DATES", 5)
        self.max_stale = settings.getint("GOVCRAWL_TRAP_STALE_PAGES", 3)
        self.max_repeats = settings.getint("GOVCRAWL_TRAP_REPEATS", 3)
        self.seen: set[str] = set()
        self.dated: dict[str, set[str]] = defaultdict(set)
        self.stale: dict[str, int] = defaultdict(int)
        self.reported: set[str] = set()
        """(URL shape, trap kind) already reported."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TrapFilter:
        return cls(crawler)

    def process_spider_output(
        self, response: Response, result: Iterable[Any], spider: Spider | None = None
    ) -> Iterator[Any]:
        yield from self.filter(response, list(result))

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any], spider: Spider | None = None
    ) -> AsyncIterator[Any]:
        for obj in self.filter(response, [obj async for obj in result]):
            yield obj

    def filter(self, response: Response, output: list[Any]) -> Iterator[Any]:
        own = url_pattern(response.url)
        requests = [o for o in output if isinstance(o, Request)]
        paging = [r for r in requests if url_pattern(r.url) == own]
        if paging:
            fresh = [r for r in requests if r not in paging and canonical(r.url) not in self.seen]
            productive = fresh or any(not isinstance(o, Request) for o in output)
            self.stale[own] = 0 if productive else self.stale[own] + 1
        for obj in output:
            if isinstance(obj, Request):
                reason = self.trap(obj.url, own, lists=not is_report_request(obj))
                if reason:
                    self._trapped(obj.url, reason)
                    continue
                self.seen.add(canonical(obj.url))
            elif isinstance(obj, dict) and is_soft_404(obj):
                self._soft_404(obj)
                continue
            yield obj

    def trap(self, url: str, source_pattern: str, *, lists: bool = True) -> str | None:
        """Why `url` is a trap (None when it is not); `source_pattern` is the linking page's.

        `lists` is False for a report page or file request: the calendar cap is for list
        pages stepping through dates, while report archives file their pages and uploads in
        dated folders (`/content/2024-01/15/…`, `/upload/20240115/…`) by the hundred.
        """
        pattern = url_pattern(url)
        segment = repeated_segment(url, self.max_repeats)
        if segment:
            shape = re.sub(rf"(?:/{re.escape(segment)})+", f"/{segment}/…", urlsplit(url).path)
            return f"trap: path repeats segment '{segment}' ({shape}); not followed"
        if lists and is_dated(url):
            dated = self.dated[pattern]
            key = canonical(url)
            if key not in dated and len(dated) >= self.max_dates:
                return (
                    f"trap: calendar — more than {self.max_dates} dated URLs of shape "
                    f"{pattern}; not followed"
                )
            dated.add(key)
        if pattern == source_pattern and self.stale[pattern] >= self.max_stale:
            return (
                f"trap: pagination {pattern} showed nothing new on {self.stale[pattern]} pages "
                "in a row; not followed"
            )
        return None

    def _trapped(self, url: str, reason: str) -> None:
        self.crawler.stats.inc_value("govcrawl/fetch/trapped")
        key = f"{url_pattern(url)} {reason.split()[1]}"
        if key not in self.reported:
            self.reported.add(key)
            report_failure(self.crawler, url, reason, "trap")

    def _soft_404(self, item: dict[str, Any]) -> None:
        url = item.get("source_url") or item.get("final_url") or ""
        reason = "soft 404: a 200 answer whose page says it does not exist; not a report"
        report_failure(self.crawler, url, reason, "soft_404")


# -- de-duplication ------------------------------------------------------------------------


class CanonicalFingerprinter:
    """Scrapy's request fingerprint, taken of the canonical URL (session ids stripped)."""

    def __init__(self, crawler: Crawler | None = None) -> None:
        self._inner = RequestFingerprinter(crawler)
        self._cache: WeakKeyDictionary[Request, bytes] = WeakKeyDictionary()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CanonicalFingerprinter:
        return cls(crawler)

    def fingerprint(self, request: Request) -> bytes:
        if request not in self._cache:
            url = canonical(request.url)
            same = request if url == request.url else request.replace(url=url)
            self._cache[request] = self._inner.fingerprint(same)
        return self._cache[request]
