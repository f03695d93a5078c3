"""The base spider every CMS family builds on: scope, page budget, report pages, attachments.

Families differ only in how they walk list pages (TRS pager scripts, Hanweb's XML data proxy,
VSB's count-down pages, JS-rendered lists, doc-share pages). What happens once an article or
file is reached is the same everywhere and lives here: decide report or not (from the list's
link title first, then the page's own title), yield one `ReportItem` dict in the shape of
docs/architecture.md, and follow the report page's attachments.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from typing import Any, ClassVar
from urllib.parse import unquote_to_bytes, urljoin, urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.selector import Selector
from twisted.python.failure import Failure

from govcrawl.document import SPOOLED_META
from govcrawl.fetch.guard import record_request_failure
from govcrawl.fetch.recognize import classify_title, normalize_title
from govcrawl.fetch.registry import (
    has_placeholder,
    manifest_path,
    read_manifest,
    resolve_placeholders,
)
from govcrawl.fetch.urls import canonical, is_http, origin, url_key

logger = logging.getLogger(__name__)

ATTACHMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".txt")
DEFAULT_MAX_PAGES = 200

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)
_PERCENT = re.compile(rb"%[0-9A-Fa-f]{2}")


def is_attachment_url(url: str) -> bool:
    """Document files by extension, and VSB's `download.jsp?…wbfileid=` attachment links."""
    parts = urlsplit(url)
    path = parts.path.lower()
    if path.endswith(ATTACHMENT_EXTENSIONS):
        return True
    return path.endswith("download.jsp") and "wbfileid=" in parts.query.lower()


def decode_name(raw: bytes) -> str:
    """Header bytes as UTF-8 when valid, else GB18030 (what Chinese servers send raw)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gb18030", errors="replace")


def filename_from_disposition(value: bytes | str | None) -> str | None:
    """The file name of a Content-Disposition header, decoded.

    Handles RFC 5987 `filename*=charset''percent-encoded`, percent-encoded UTF-8 inside a plain
    `filename="…"`, and raw GBK/UTF-8 bytes inside the quotes.
    """
    if not value:
        return None
    raw = value.encode("utf-8") if isinstance(value, str) else bytes(value)
    star = re.search(rb"filename\*\s*=\s*([^;]+)", raw, re.IGNORECASE)
    if star:
        charset, _, rest = star.group(1).strip().strip(b'"').partition(b"'")
        _, _, encoded = rest.partition(b"'")
        data = unquote_to_bytes(encoded)
        try:
            name = data.decode(charset.decode("ascii", "replace") or "utf-8")
        except (LookupError, UnicodeDecodeError):
            name = decode_name(data)
        return _basename(name)
    plain = re.search(rb'filename\s*=\s*("(?:[^"\\]|\\.)*"|[^;]+)', raw, re.IGNORECASE)
    if not plain:
        return None
    data = plain.group(1).strip()
    if data.startswith(b'"') and data.endswith(b'"') and len(data) >= 2:
        data = data[1:-1].replace(b'\\"', b'"')
    if _PERCENT.search(data):
        data = unquote_to_bytes(data)
    return _basename(decode_name(data))


def _basename(name: str) -> str | None:
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name or None


def page_text(response: Response) -> str:
    """The page as text, repairing a header charset that lies about the bytes.

    Some Hanweb articles say `charset=UTF-8` while the bytes are GBK; Scrapy then decodes with
    replacement characters. The page's own <meta charset>, else GB18030, is tried instead.
    """
    text = getattr(response, "text", None)
    if text is None:
        return ""
    if "\ufffd" not in text:
        return text
    declared = _META_CHARSET.search(response.body[:4096])
    candidates = [declared.group(1).decode("ascii")] if declared else []
    for encoding in (*candidates, "gb18030"):
        try:
            return response.body.decode(
                "gb18030" if encoding.lower().startswith("gb") else encoding
            )
        except (LookupError, UnicodeDecodeError):
            continue
    return text


def selector(response: Response) -> Selector:
    return Selector(text=page_text(response))


def link_title(anchor: Selector) -> str:
    """What a list says a link is: its title attribute, else its text."""
    title = (anchor.attrib.get("title") or "").strip()
    text = " ".join(t.strip() for t in anchor.css("::text").getall() if t.strip())
    return title or text


def links_where(
    response: Response, wanted: Callable[[str], object], scope: str = ""
) -> list[tuple[str, str]]:
    """(absolute URL, title) of the links on a page (under the `scope` css, if given) whose
    absolute URL a family's `wanted` accepts: what each family's list parser starts from."""
    links = []
    for anchor in selector(response).css(f"{scope} a[href]".strip()):
        url = urljoin(response.url, anchor.attrib["href"].strip())
        if wanted(url):
            links.append((url, link_title(anchor)))
    return links


def content_type(response: Response) -> str | None:
    value = response.headers.get(b"Content-Type")
    return value.decode("latin-1") if value else None


def is_html(response: Response) -> bool:
    ctype = (content_type(response) or "").lower()
    if ctype:
        return "html" in ctype
    return isinstance(response, scrapy.http.HtmlResponse)


class ReportSpider(scrapy.Spider):
    """A spider for one portal: the registry entry's facts plus the shared report handling.

    Subclasses (the families) implement `parse` for list pages and call `page_request`,
    `article_request` and `attachment_request`; everything those lead to is decided here.
    """

    portal: ClassVar[str] = ""
    agency: ClassVar[str | None] = None
    kind: ClassVar[str] = "portal"
    family: ClassVar[str] = ""
    max_pages: ClassVar[int] = DEFAULT_MAX_PAGES
    allowed_paths: ClassVar[tuple[str, ...]] = ()
    raw_start_urls: ClassVar[tuple[str, ...]] = ()
    """Start URLs as written in the registry (may hold `{demo:SITE}` placeholders)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        missing = [
            attr for attr in ("name", "portal", "start_urls") if not getattr(self, attr, None)
        ]
        if missing:
            raise NotConfigured(f"{type(self).__name__}: missing {', '.join(missing)}")
        if self.kind not in ("portal", "mirror"):
            raise NotConfigured(f"{self.name}: kind must be portal or mirror, not {self.kind!r}")
        try:  # `scrapy crawl ID -a max_pages=N` passes a string
            self.max_pages = int(self.max_pages)
        except (TypeError, ValueError) as exc:
            raise NotConfigured(f"{self.name}: max_pages must be an integer") from exc
        bad = [u for u in self.start_urls if not is_http(u)]
        if bad:
            raise NotConfigured(f"{self.name}: start URLs must be absolute http(s): {bad}")
        self.start_urls = [canonical(u) for u in self.start_urls]
        self.origins = {origin(u) for u in self.start_urls}
        self.allowed_domains = sorted({host for _, host, _ in self.origins})
        self.pages_requested = 0
        self.pages_seen: set[str] = set()
        self.links_seen: set[str] = set()
        self.new_links: dict[str, int] = {}
        """List page URL → article/file links it showed that no earlier page had."""

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ReportSpider:
        """Re-resolve demo placeholders with the crawler's GOVCRAWL_DEMO_MANIFEST setting."""
        if any(has_placeholder(u) for u in cls.raw_start_urls) and "start_urls" not in kwargs:
            path = manifest_path(crawler.settings)
            if path is not None:
                sites = read_manifest(path)
                kwargs["start_urls"] = [resolve_placeholders(u, sites) for u in cls.raw_start_urls]
        return super().from_crawler(crawler, *args, **kwargs)

    async def start(self) -> Any:
        for url in self.start_urls:
            yield self.start_request(url)

    def start_request(self, url: str) -> Request:
        """A start page: always fetched, but counted against the page budget."""
        self.pages_requested += 1
        self.pages_seen.add(url_key(url))
        return Request(url, callback=self.parse, meta=self.list_meta(), dont_filter=True)

    def list_meta(self) -> dict[str, Any]:
        """Request meta for list pages (the JS family renders them in a browser)."""
        return {}

    # -- scope and budget --------------------------------------------------------------------

    def in_scope(self, url: str) -> bool:
        return is_http(url) and origin(url) in self.origins

    def path_allowed(self, url: str) -> bool:
        if not self.allowed_paths:
            return True
        path = urlsplit(url).path
        return any(path.startswith(prefix) for prefix in self.allowed_paths)

    def claim_page(self, url: str) -> bool:
        """Whether a list/navigation page may be fetched (scope, paths, budget, not seen)."""
        key = url_key(url)
        if key in self.pages_seen or not self.in_scope(url) or not self.path_allowed(url):
            return False
        if self.pages_requested >= self.max_pages:
            self._stat("govcrawl/fetch/budget_exhausted")
            return False
        self.pages_requested += 1
        self.pages_seen.add(key)
        return True

    def page_request(
        self,
        url: str,
        *,
        callback: Any = None,
        meta: dict | None = None,
        after: str | None = None,
        **kwargs: Any,
    ) -> Request | None:
        """A list or navigation page, if `claim_page` allows it.

        `after` names the list page whose pager links to `url`: when that page showed no link
        that was new, its pagination is a trap (a calendar, a pager that repeats the last
        page) and is not followed.
        """
        url = canonical(url)
        if after is not None and not self.yielded_new(after):
            self._stat("govcrawl/fetch/stale_pagination")
            return None
        if not self.claim_page(url):
            return None
        return Request(url, callback=callback or self.parse, meta=meta or {}, **kwargs)

    def note_link(self, url: str, list_url: str | None) -> None:
        """Count an article/file link of a list page, for the stale-pagination test."""
        if list_url is None:
            return
        key = url_key(list_url)
        self.new_links.setdefault(key, 0)
        if url_key(url) not in self.links_seen:
            self.links_seen.add(url_key(url))
            self.new_links[key] += 1

    def yielded_new(self, list_url: str) -> bool:
        """Whether a list page showed at least one article/file link no earlier page had."""
        return self.new_links.get(url_key(list_url), 0) > 0

    def article_request(self, url: str, title_hint: str | None, list_url: str) -> Request | None:
        """An article (or a file) listed on a list page; look-alike titles are not fetched."""
        url = canonical(url)
        if not self.in_scope(url):
            return None
        self.note_link(url, list_url)
        if classify_title(title_hint) == "not_annual_report":
            self._stat("govcrawl/fetch/rejected_by_title")
            return None
        meta = {"list_url": list_url, "title_hint": title_hint or None}
        return Request(url, callback=self.parse_article, meta=meta)

    def attachment_request(
        self, url: str, title_hint: str | None, parent_url: str | None, list_url: str | None
    ) -> Request | None:
        url = canonical(url)
        if not self.in_scope(url):
            return None
        self.note_link(url, list_url)
        if classify_title(title_hint) == "not_annual_report":
            return None
        meta = {"parent_url": parent_url, "list_url": list_url, "title_hint": title_hint or None}
        return Request(url, callback=self.parse_attachment, meta=meta)

    # -- report pages and files --------------------------------------------------------------

    def parse_article(self, response: Response) -> Iterator[Any]:
        """A listed page: yield it when it is a report, then follow its attachments."""
        hint = response.meta.get("title_hint")
        list_url = response.meta.get("list_url")
        if not is_html(response):
            if self.is_report(
                hint, filename_from_disposition(response.headers.get(b"Content-Disposition"))
            ):
                yield self.report_item(response, "attachment", list_url, list_url, hint)
            return
        if not self.is_report(hint, self.page_title(response)):
            self._stat("govcrawl/fetch/not_report")
            return
        yield self.report_item(response, self.kind, None, list_url, hint)
        yield from self.attachment_requests(response, list_url)

    def parse_attachment(self, response: Response) -> Iterator[dict]:
        meta = response.meta
        yield self.report_item(
            response,
            "attachment",
            meta.get("parent_url"),
            meta.get("list_url"),
            meta.get("title_hint"),
        )

    def attachment_requests(self, response: Response, list_url: str | None) -> Iterator[Request]:
        """Requests for the document attachments linked from a report page."""
        for anchor in selector(response).css("a[href]"):
            url = urljoin(response.url, anchor.attrib["href"].strip())
            if not is_attachment_url(url):
                continue
            request = self.attachment_request(url, link_title(anchor), response.url, list_url)
            if request is not None:
                yield request

    @staticmethod
    def is_report(hint: str | None, own_title: str | None) -> bool:
        """The list's link title decides; the page's (or file's) own title only if it cannot."""
        verdict = classify_title(hint)
        if verdict == "unknown":
            verdict = classify_title(own_title)
        return verdict == "annual_report"

    @staticmethod
    def page_title(response: Response) -> str | None:
        """The page's own title: a doc-share title, else the first <h1>, else <title>."""
        sel = selector(response)
        for css in ("h1.doc-title", "h1", "title"):
            first = sel.css(css)[:1]
            text = normalize_title("".join(first.css("::text").getall()))
            if text:
                return text
        return None

    def report_item(
        self,
        response: Response,
        kind: str,
        parent_url: str | None,
        list_url: str | None,
        title_hint: str | None,
    ) -> dict[str, Any]:
        """The ReportItem dict of docs/architecture.md for one fetched report copy."""
        redirects = response.meta.get("redirect_urls") or []
        self._stat(f"govcrawl/fetch/items/{kind}")
        return {
            "source_url": redirects[0] if redirects else response.request.url,
            "final_url": response.url,
            "kind": kind,
            "parent_url": parent_url,
            "list_url": list_url,
            "title_hint": title_hint,
            "content_type": content_type(response),
            "body": response.body,
            "spooled": response.meta.get(SPOOLED_META),
            "filename": filename_from_disposition(response.headers.get(b"Content-Disposition")),
            "warc": response.meta.get("warc"),
            "spider": self.name,
            "portal": self.portal,
        }

    def report_request_failure(self, failure: Failure) -> None:
        """Errback `FailureReporter` gives every request: a spider method, so requests can be
        serialised into disk or redis queues (see `guard.FailureReporter`)."""
        record_request_failure(self.crawler, failure)

    def _stat(self, key: str) -> None:
        crawler = getattr(self, "crawler", None)
        if crawler is not None and crawler.stats is not None:
            crawler.stats.inc_value(key)
