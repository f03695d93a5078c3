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
from collections.abc import Callable, Iterable, Iterator
from typing import Any, ClassVar
from urllib.parse import parse_qsl, unquote_to_bytes, urljoin, urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.selector import Selector, SelectorList
from twisted.python.failure import Failure

from govcrawl.document import SPOOLED_META
from govcrawl.fetch.errors import budget_reason
from govcrawl.fetch.guard import record_request_failure, report_failure
from govcrawl.fetch.recognize import classify_title, normalize_title
from govcrawl.fetch.registry import (
    has_placeholder,
    manifest_path,
    read_manifest,
    resolve_placeholders,
)
from govcrawl.fetch.urls import canonical, is_http, origin, page_key, url_key

logger = logging.getLogger(__name__)

ATTACHMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".txt")
DEFAULT_MAX_PAGES = 200

DOCUMENT_TYPES = frozenset(
    {
        "application/pdf",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-works",
        "application/wps-office.wps",
        "application/kswps",
        "text/plain",
    }
)
"""Content types of the report file formats the clean stage reads."""

_DOCUMENT_MAGIC = (b"%PDF-", b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
"""PDF, OOXML (zip) and OLE2 (doc/xls/wps) signatures: a file sent as octet-stream."""

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)
_PERCENT = re.compile(rb"%[0-9A-Fa-f]{2}")
_DYNAMIC = re.compile(r"\.(?:jsp|jspx|aspx?|ashx|php|do|action|cgi)$|/[^./]*$", re.IGNORECASE)
_DOWNLOAD_NAME = re.compile(
    r"(?:^|/)[\w-]*(?:download|downfile|filedown|downattach|getfile|getattach)[\w-]*"
    r"(?:\.\w+)?$|(?:^|/)down\.\w+$",
    re.IGNORECASE,
)
_FILE_KEY = re.compile(
    r"^(?:id|fid|uuid|guid|file|path|name)$|file_?(?:id|name|path)$|attach", re.I
)
"""Query keys that name the file a download script is to send (not `owner=`, `type=` …)."""
_VIEWER_PARAMS = ("file", "url", "src")
_FILE_TEXT = re.compile(r"\.(?:pdf|docx?|wps|xlsx?)\s*$|^\s*附件", re.IGNORECASE)


def is_attachment_url(url: str) -> bool:
    """Document files by extension, and the download endpoints CMSes serve them from.

    Endpoints: a script whose name says download given a file's id or name
    (`download.jsp?id=8812`, VSB's `download.jsp?…wbfileid=`, Hanweb's
    `/module/download/downfile.jsp?classid=0&filename=….pdf`), or any script given a document
    file name in its query. A static page (a pdf.js `viewer.html?file=….pdf`) is no
    attachment: `embedded_document` reads it.
    """
    parts = urlsplit(url)
    path = parts.path.lower()
    if path.endswith(ATTACHMENT_EXTENSIONS):
        return True
    if not parts.query or not _DYNAMIC.search(path):
        return False
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if _DOWNLOAD_NAME.search(path) and any(_FILE_KEY.search(k) and v for k, v in pairs):
        return True
    return any(v.lower().strip().endswith(ATTACHMENT_EXTENSIONS) for _, v in pairs)


def embedded_document(url: str) -> str | None:
    """The document a viewer page shows (pdf.js `viewer.html?file=/upload/a.pdf`), absolute.

    pdf.js resolves `file` against the viewer's own URL, and so is it resolved here.
    """
    for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if key.lower() in _VIEWER_PARAMS and value.strip():
            target = urljoin(url, value.strip())
            if is_http(target) and urlsplit(target).path.lower().endswith(ATTACHMENT_EXTENSIONS):
                return target
    return None


def is_document_response(response: Response) -> bool:
    """Whether a response is a report file: not HTML, and its Content-Type, Content-Disposition
    file name, URL or first bytes say it is one of the document formats."""
    if is_html(response):
        return False
    media_type = (content_type(response) or "").partition(";")[0].strip().lower()
    if media_type in DOCUMENT_TYPES:
        return True
    name = filename_from_disposition(response.headers.get(b"Content-Disposition")) or ""
    if name.lower().endswith(ATTACHMENT_EXTENSIONS):
        return True
    if urlsplit(response.url).path.lower().endswith(ATTACHMENT_EXTENSIONS):
        return True
    return response.body[:8].startswith(_DOCUMENT_MAGIC)


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
    """What a list says a link is: its title attribute (lists put the full title there and cut
    the text with "…"), unless the text says more.

    Some templates give every item the same tooltip (`title="点击查看详情"`); so a title that
    names no report or look-alike loses to a text that does, and otherwise to a longer text.
    """
    title = (anchor.attrib.get("title") or "").strip()
    text = " ".join(t.strip() for t in anchor.css("::text").getall() if t.strip())
    if not title or not text or classify_title(title) != "unknown":
        return title or text
    if classify_title(text) != "unknown":
        return text
    return title if len(normalize_title(title)) >= len(normalize_title(text)) else text


def links_where(
    response: Response, wanted: Callable[[str], object], scope: str = ""
) -> list[tuple[str, str]]:
    """(absolute URL, title) of the links on a page (under the `scope` css, if given) whose
    absolute URL a family's `wanted` accepts: what each family's list parser starts from."""
    links = []
    for anchor in selector(response).css(f"{scope} a[href]".strip()):
        url = response.urljoin(anchor.attrib["href"].strip())
        if wanted(url):
            links.append((url, link_title(anchor)))
    return links


def once(results: Iterable[Any]) -> Iterator[Any]:
    """A callback's output without a second request for a URL it already asked for (a page
    read by two families at once would otherwise list its links twice)."""
    asked: set[str] = set()
    for result in results:
        if isinstance(result, Request):
            if result.url in asked:
                continue
            asked.add(result.url)
        yield result


def content_type(response: Response) -> str | None:
    value = response.headers.get(b"Content-Type")
    return value.decode("latin-1") if value else None


def is_html(response: Response) -> bool:
    ctype = (content_type(response) or "").lower()
    if ctype:
        return "html" in ctype
    return isinstance(response, scrapy.http.HtmlResponse)


_REPORT_COLUMN = re.compile(r"年报|年度报告")
_COLUMN_INDEX = re.compile(r"/(?:(?:index|default|list|main)(?:_\d+)?\.[a-z]+)?$", re.IGNORECASE)
_TITLE_BLOCK = "body [class*=title]:not(h1):not(a):not(li), body [id*=title]:not(h1):not(a):not(li)"


def _text_of(nodes: Selector | SelectorList) -> str:
    return normalize_title("".join(nodes.css("::text").getall()))


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
    max_depth: ClassVar[int] = 4
    """Navigation levels followed from a start page (list pages reached by a pager are none)."""
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
        self.folder_pages: set[str] = set()
        self.budget_reported = False
        """`page_key`s of the pages fetched: a folder and its index page are one page."""
        self.columns: dict[str, str] = {}
        """List page key → key of the first page of its column (pages reached by a pager)."""
        self.paged: set[str] = set()
        """Keys of the list pages whose pager was read."""
        self.shown_by: dict[str, list[str]] = {}
        """Article/file link key → keys of the list pages that showed it, in order."""
        self.page_links: dict[str, list[str]] = {}
        """List page key → keys of the article/file links it showed."""

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
        self.folder_pages.add(page_key(url))
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

    def page_seen(self, url: str) -> bool:
        """Whether a list/navigation page was fetched already, under this URL or, for a
        folder's index page, under the folder's other name (`urls.page_key`)."""
        return url_key(url) in self.pages_seen or page_key(url) in self.folder_pages

    def claim_page(self, url: str) -> bool:
        """Whether a list/navigation page may be fetched (scope, paths, budget, not seen)."""
        if self.page_seen(url) or not self.in_scope(url) or not self.path_allowed(url):
            return False
        if self.pages_requested >= self.max_pages:
            self._stat("govcrawl/fetch/budget_exhausted")
            self.budget_refuses(url)
            return False
        self.pages_requested += 1
        self.pages_seen.add(url_key(url))
        self.folder_pages.add(page_key(url))
        return True

    def budget_refuses(self, url: str) -> bool:
        """Whether the page budget (not scope or an earlier visit) keeps `url` from being
        fetched; the first time, one error row names the portal and its budget: what the
        pages left unfetched would have listed is missing, and the user must hear of it."""
        if self.page_seen(url) or not self.in_scope(url):
            return False
        crawler = getattr(self, "crawler", None)
        if not self.budget_reported and crawler is not None:
            self.budget_reported = True
            reason = budget_reason(self.portal, self.max_pages, self.pages_requested)
            report_failure(crawler, url, reason, "budget")
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
        page) or another name of a list already paged, and is not followed (see
        `yielded_new`). `url` joins the column of `after`.
        """
        url = canonical(url)
        if after is not None:
            self.paged.add(url_key(after))
            if not self.yielded_new(after):
                self._stat("govcrawl/fetch/stale_pagination")
                return None
        if not self.claim_page(url):
            return None
        if after is not None:
            self.columns[url_key(url)] = self.column_of(after)
        return Request(url, callback=callback or self.parse, meta=meta or {}, **kwargs)

    def column_of(self, list_url: str) -> str:
        """The key of the column a list page belongs to: the page its pager chain began at."""
        key = url_key(list_url)
        return self.columns.get(key, key)

    def note_link(self, url: str, list_url: str | None) -> None:
        """Note an article/file link of a list page, for the stale-pagination test."""
        if list_url is None:
            return
        page, link = url_key(list_url), url_key(url)
        links = self.page_links.setdefault(page, [])
        shown = self.shown_by.setdefault(link, [])
        if page not in shown:
            shown.append(page)
            links.append(link)

    def yielded_new(self, list_url: str) -> bool:
        """Whether a list page showed an article/file link that no earlier page of its own
        column, nor any earlier paged list, had shown.

        Links shown outside any pager do not count: a home page's 最新年报 block repeats the
        first page of the 年报 column, and that must not make the column look stale.
        """
        page = url_key(list_url)
        column = self.column_of(list_url)
        for link in self.page_links.get(page, ()):
            shown = self.shown_by[link]
            earlier = shown[: shown.index(page)]
            if not any(self.column_of(q) == column or q in self.paged for q in earlier):
                return True
        return False

    def column_requests(
        self, response: Response, is_item: Callable[[str], object]
    ) -> Iterator[Request]:
        """The report columns and sub-columns a family list page links to beside its items.

        A list page is a menu too: a home page shows the newest reports beside its link to
        the 年报 column, a county's 年报 column lists its own reports beside a side menu of
        its departments' sub-columns. Followed are links whose text names a report column
        (年报, 年度报告 — not a report's own title) and column index pages inside the list
        page's own folder; nothing else, so a list page does not open the rest of the site,
        and each within scope, page budget and `max_depth` levels.
        """
        depth = response.meta.get("discovery_depth", 0)
        if depth >= self.max_depth:
            return
        folder = urlsplit(response.url).path.rsplit("/", 1)[0] + "/"
        meta = {**self.list_meta(), "discovery_depth": depth + 1}
        for anchor in selector(response).css("a[href]"):
            href = anchor.attrib["href"].strip()
            if not href or href.startswith(("javascript:", "mailto:", "#")):
                continue
            url = response.urljoin(href)
            if is_item(url) or is_attachment_url(url):
                continue
            title = link_title(anchor)
            if classify_title(title) != "unknown":
                continue
            path = urlsplit(url).path
            inside = (
                folder != "/"
                and path.startswith(folder)
                and "/" in path[len(folder) :]
                and _COLUMN_INDEX.search(path) is not None
            )
            if inside or _REPORT_COLUMN.search(normalize_title(title)):
                request = self.page_request(url, meta=meta)
                if request is not None:
                    yield request

    def article_request(self, url: str, title_hint: str | None, list_url: str) -> Request | None:
        """An article (or a file) listed on a list page; look-alike titles are not fetched."""
        url = canonical(url)
        if not self.in_scope(url):
            self.off_site(url, title_hint)
            return None
        self.note_link(url, list_url)
        if classify_title(title_hint) == "not_annual_report":
            self._stat("govcrawl/fetch/rejected_by_title")
            return None
        meta = {"list_url": list_url, "title_hint": title_hint or None}
        return Request(url, callback=self.parse_article, meta=meta)

    def off_site(self, url: str, title: str | None) -> None:
        """A report link off the portal's origins (a mirror on the provincial platform, a
        sister site): not followed, but counted and logged, never dropped in silence."""
        self._stat("govcrawl/fetch/off_site_report")
        logger.info("report link off the portal's origins, not followed: %s (%s)", url, title)

    def attachment_request(
        self, url: str, title_hint: str | None, parent_url: str | None, list_url: str | None
    ) -> Request | None:
        url = canonical(url)
        if not self.in_scope(url):
            self.off_site(url, title_hint)
            return None
        self.note_link(url, list_url)
        if classify_title(title_hint) == "not_annual_report":
            return None
        meta = {"parent_url": parent_url, "list_url": list_url, "title_hint": title_hint or None}
        if not urlsplit(url).path.lower().endswith(ATTACHMENT_EXTENSIONS):
            meta["sniff"] = True
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
        """A report file. A link taken for one by its shape or text (a download script, "附件：…")
        counts only when the answer is a document: a login or error page is none."""
        meta = response.meta
        if meta.get("sniff") and not is_document_response(response):
            self._stat("govcrawl/fetch/attachment_not_document")
            return
        yield self.report_item(
            response,
            "attachment",
            meta.get("parent_url"),
            meta.get("list_url"),
            meta.get("title_hint"),
        )

    def attachment_requests(self, response: Response, list_url: str | None) -> Iterator[Request]:
        """Requests for the document attachments of a report page.

        Linked files (by URL shape, or by link text naming a file: `附件：….pdf` on a download
        script's opaque URL — `parse_attachment` keeps it only if a document comes back), and
        a document the page shows in an `<embed>`, `<object>` or `<iframe>`, directly or
        through a pdf.js viewer (`viewer.html?file=….pdf`), titled as the page.
        """
        sel = selector(response)
        for anchor in sel.css("a[href]"):
            url = response.urljoin(anchor.attrib["href"].strip())
            title = link_title(anchor)
            url = embedded_document(url) or url
            if not (is_attachment_url(url) or _FILE_TEXT.search(title)) or not is_http(url):
                continue
            request = self.attachment_request(url, title, response.url, list_url)
            if request is not None:
                yield request
        hint = response.meta.get("title_hint") or self.page_title(response)
        for src in sel.css("embed::attr(src), iframe::attr(src), object::attr(data)").getall():
            url = response.urljoin(src.strip())
            url = embedded_document(url) or url
            if is_attachment_url(url):
                request = self.attachment_request(url, hint, response.url, list_url)
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
        """The page's own title: a doc-share title; else, of the <h1>s, <title> and the first
        title block (`class="xl-title"` …), the first that names a report or a look-alike;
        else the first of them that has any text.

        Many templates make the site logo the first <h1> (`<h1 class="logo">某市人民政府`),
        which names no report; the article's title is then in <title> or a title block.
        """
        sel = selector(response)
        doc_title = _text_of(sel.css("h1.doc-title")[:1])
        if doc_title:
            return doc_title
        headings = [_text_of(h1) for h1 in sel.css("h1")]
        own = _text_of(sel.css("title")[:1])
        block = _text_of(sel.css(_TITLE_BLOCK)[:1])
        candidates = [t for t in (*headings, own, block) if t]
        for text in candidates:
            if classify_title(text) != "unknown":
                return text
        return candidates[0] if candidates else None

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
