"""Generic discovery for portals without a known CMS (town sites, one-off URLs).

Real small portals have no predictable URL scheme, but they all lead a visitor from the home
page through 政务公开 / 政府信息公开 to a 年报 column, and they all name a report by its title
in the link text. So this family follows navigation links by text (and by the usual column
URL fragments xxgk, zwgk, gkml, ndbg), takes links whose text is a report title as articles,
and takes document links whose text is a report title as report files directly.

What a visitor sees but a plain `a[href]` walk misses is read too: links opened by script
(`onclick="window.open('…')"`), lists held in an `<iframe>`, table rows whose title sits in
one cell and whose file sits behind a "下载" link or an icon in the next, list titles cut
short with "…" (fetched as report candidates, their page's own title decides), and a list's
"下一页" chain (followed wherever its URLs point, as long as the list shows reports or report
columns; a next page is the same list, not one level deeper).

The page budget is spent on what most likely leads to reports: report columns and next pages
first, then pages named like navigation, and pages only the URL words suggest (the ordinary
items of a 信息公开 column) never eat the last quarter of it. When the budget runs out, the
crawl says so once, as an error row naming the portal and its budget.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlsplit

from scrapy.http import Request, Response
from scrapy.selector import Selector

from govcrawl.fetch.base import ReportSpider, is_attachment_url, is_html, link_title, selector
from govcrawl.fetch.recognize import (
    classify_title,
    is_navigation_text,
    is_report_column_text,
    is_truncated_report,
)

_COLUMN_URL = re.compile(r"(^|[/_.-])(xxgk|zwgk|gkml|ndbg|zfxxgk|xxgkml|gknb)([/_.-]|$)", re.I)
_NEXT_PAGE = re.compile(
    r"^[\[【<《(（]?(?:下一?页|下一頁|后一?页|next(?:page)?|>>?|»|›)[\]】>》)）]?$", re.I
)
_DOWNLOAD_TEXT = re.compile(
    r"^(?:(?:点击|附件)?下载(?:附件|全文)?|查看(?:详情|全文)?|点击查看|详情|全文|阅读全文|"
    r"pdf|docx?|wps)?$",
    re.I,
)
"""Link text that says what to do with a row's file, not what it is (or no text: an icon)."""
_SCRIPT_URL = re.compile(
    r"""(?:window\.open|location\.(?:assign|replace)|location(?:\.href)?\s*=)\s*\(?\s*"""
    r"""['"]([^'"]+)['"]"""
)
_NOT_A_LINK = ("javascript:", "mailto:", "tel:", "#", "data:")

# Navigation tiers: lower is fetched (and claimed from the budget) first.
NEXT_PAGE, REPORT_COLUMN, NAVIGATION, URL_WORDS = 0, 1, 2, 3
_PRIORITY = {NEXT_PAGE: 2, REPORT_COLUMN: 2, NAVIGATION: 1, URL_WORDS: 0}


@dataclass(frozen=True)
class PageLink:
    """One way a page leads on: an absolute URL and what the page calls it."""

    url: str
    title: str
    frame: bool = False
    """An `<iframe>`/`<frame>` source: part of the page, not a link a visitor clicks."""


def row_title(anchor: Selector) -> str:
    """The report title of the table row (or list item) a bare 下载/icon link sits in."""
    for row in anchor.xpath("ancestor::tr[1]"):
        for cell in row.xpath("./td|./th"):
            text = " ".join(t.strip() for t in cell.css("::text").getall() if t.strip())
            if classify_title(text) == "annual_report":
                return text
    for item in anchor.xpath("ancestor::li[1]"):
        text = " ".join(t.strip() for t in item.css("::text").getall() if t.strip())
        if classify_title(text) == "annual_report":
            return text
    return ""


def page_links(response: Response, sel: Selector | None = None) -> list[PageLink]:
    """Every link of a page: `a[href]`, script-opened links, and frame sources.

    URLs are joined against the page's `<base href>` when it has one (`response.urljoin`).
    """
    sel = sel if sel is not None else selector(response)
    links: list[PageLink] = []
    for node in sel.css("a[href], a[onclick], [onclick]"):
        href = (node.attrib.get("href") or "").strip()
        if not href or href.lower().startswith(_NOT_A_LINK):
            script = _SCRIPT_URL.search(node.attrib.get("onclick") or "")
            if not script:
                continue
            href = script.group(1).strip()
            if href.lower().startswith(_NOT_A_LINK):
                continue
        title = link_title(node)
        if _DOWNLOAD_TEXT.match(re.sub(r"\s+", "", title)):
            title = row_title(node) or title
        links.append(PageLink(response.urljoin(href), title))
    for frame in sel.css("iframe[src], frame[src]"):
        src = frame.attrib["src"].strip()
        if src and not src.lower().startswith(_NOT_A_LINK):
            links.append(PageLink(response.urljoin(src), "", frame=True))
    return links


class GenericSpider(ReportSpider):
    """Link-text discovery, bounded by `max_pages` and `max_depth`.

    Navigation pages are requested with the family's `list_meta`, so a family whose pages
    need the browser (jsonapi) discovers through rendered pages.
    """

    family = "generic"
    max_depth: ClassVar[int] = 4
    reserve: ClassVar[float] = 0.25
    """Share of the page budget pages suggested only by URL words may not use."""

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        yield from self.discover(response)

    def discover(self, response: Response) -> Iterator[Any]:
        """Reports, report files and navigation links found on one page."""
        if not is_html(response):
            return
        depth = response.meta.get("discovery_depth", 0)
        shows_reports = False
        pages: list[tuple[int, int, str]] = []  # (tier, depth, url)
        next_pages: list[str] = []
        for link in page_links(response):
            url, title = link.url, link.title
            verdict = classify_title(title)
            candidate = verdict == "annual_report" or (
                verdict == "unknown" and is_truncated_report(title)
            )
            if link.frame:  # a pdf viewer's frame (`viewer.html?file=`) is the report page's
                viewer = "file=" in urlsplit(url).query.lower()
                if depth < self.max_depth and not viewer and not is_attachment_url(url):
                    pages.append((NAVIGATION, depth, url))
            elif _NEXT_PAGE.match(re.sub(r"\s+", "", title)):
                next_pages.append(url)
            elif candidate:
                shows_reports = True
                request = self.report_request(url, title, response.url)
                if request is not None:
                    yield request
            elif verdict != "unknown" or is_attachment_url(url) or depth >= self.max_depth:
                continue
            elif is_report_column_text(title):
                shows_reports = True
                pages.append((REPORT_COLUMN, depth + 1, url))
            elif is_navigation_text(title):
                pages.append((NAVIGATION, depth + 1, url))
            elif _COLUMN_URL.search(urlsplit(url).path):
                pages.append((URL_WORDS, depth + 1, url))
        if shows_reports:  # a list of reports or columns: its next page is more of the same
            pages += [(NEXT_PAGE, depth, url) for url in next_pages]
        for tier, level, url in sorted(pages, key=lambda page: page[0]):
            request = self.navigation_request(url, tier, level)
            if request is not None:
                yield request

    def report_request(self, url: str, title: str, list_url: str) -> Request | None:
        """A report candidate: a file or a page."""
        if is_attachment_url(url):
            return self.attachment_request(url, title, list_url, list_url)
        return self.article_request(url, title, list_url)

    def navigation_request(self, url: str, tier: int, depth: int) -> Request | None:
        """A navigation page of a tier; pages suggested by URL words alone leave the last
        `reserve` of the budget to the tiers above.

        A next page is the same list, so it is no level deeper, for `max_depth` nor for
        Scrapy's DEPTH_LIMIT (`depth_reset`): a long 下一页 chain is bounded by the page
        budget and `TrapFilter`'s stale-pagination rule instead.
        """
        if tier == URL_WORDS and self.pages_requested >= self.max_pages * (1 - self.reserve):
            if self.budget_refuses(url):
                self._stat("govcrawl/fetch/budget_reserved")
            return None
        meta = {**self.list_meta(), "discovery_depth": depth}
        if tier == NEXT_PAGE:
            meta["depth_reset"] = True
        return self.page_request(url, meta=meta, priority=_PRIORITY[tier])

    @staticmethod
    def is_navigation(url: str, text: str) -> bool:
        return is_navigation_text(text) or bool(_COLUMN_URL.search(urlsplit(url).path))
