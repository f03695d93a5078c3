"""TRS WCM portals: list columns paged by a `createPageHTML(...)` script call.

TRS writes no pager markup; the page count is only in the script call, in one of two forms:
`createPageHTML(N, I, "index", "html")` or
`createPageHTML('page_div', N, I, 'index', 'html', TOTAL)`, each argument a literal or a
variable the template set just before (`var countPage = 35; createPageHTML(countPage,
currentPage, "index", "html")`, older templates' `_nPageCount`/`_nCurrIndex`). The list pages
are then `index.html`, `index_1.html` … `index_{N-1}.html` beside the current page. Articles sit
under `YYYYMM/tYYYYMMDD_NNNNNN.html`; list items carry the full title in `title=` (the link text
is cut with "…").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from scrapy.http import Response

from govcrawl.fetch.base import is_attachment_url, links_where, once, page_text
from govcrawl.fetch.families.generic import GenericSpider

_ARG = r"""\s*(?:'([^']*)'|"([^"]*)"|(\d+)|([A-Za-z_$][\w$]*))\s*"""
_CALL = re.compile(r"createPageHTML\s*\(((?:" + _ARG + r",?)+)\)")
_ARGS = re.compile(_ARG)
_ASSIGN = re.compile(
    r"""([A-Za-z_$][\w$]*)\s*=\s*(?:'([^']*)'|"([^"]*)"|(\d+))(?=\s*(?:[;,\n<]|$))"""
)
ARTICLE = re.compile(r"/t\d{8}_\d+\.s?html?$")


@dataclass(frozen=True)
class TrsPager:
    """The arguments of one createPageHTML call."""

    count: int
    current: int
    name: str
    ext: str

    def page_names(self) -> list[str]:
        """Every list page file name of the column, `index.html` first."""
        return [
            f"{self.name}.{self.ext}" if i == 0 else f"{self.name}_{i}.{self.ext}"
            for i in range(self.count)
        ]


def script_values(text: str) -> dict[str, str | int]:
    """Literal values the page's scripts assign to variables (`var countPage = 35;`), the
    last assignment winning as it would when the script runs."""
    values: dict[str, str | int] = {}
    for name, single, double, number in _ASSIGN.findall(text):
        values[name] = int(number) if number else single or double
    return values


def parse_pager(text: str) -> TrsPager | None:
    """The pager of a list page from its inline script, either call form, literal or variable
    arguments. A call whose variables the page does not set (the function's own definition,
    when a template inlines it) is skipped for the next one."""
    for match in _CALL.finditer(text):
        pager = _pager(match.group(1), script_values(text[: match.start()]))
        if pager is not None:
            return pager
    return None


def _pager(arguments: str, values: dict[str, str | int]) -> TrsPager | None:
    args: list[str | int | None] = []
    for single, double, number, name in _ARGS.findall(arguments):
        if name:
            args.append(values.get(name))
        else:
            args.append(int(number) if number else single or double)
    if len(args) >= 5 and not isinstance(args[0], int):
        args = args[1:5]
    if len(args) < 4:
        return None
    count, current, name, ext = args[:4]
    if not (isinstance(count, int) and isinstance(current, int)):
        return None
    if not (isinstance(name, str) and isinstance(ext, str)):
        return None
    return TrsPager(count=count, current=current, name=name, ext=ext)


def list_links(response: Response) -> list[tuple[str, str]]:
    """(absolute URL, title) of the article and file links of a TRS list page."""
    return links_where(response, lambda url: ARTICLE.search(url) or is_attachment_url(url))


class TrsSpider(GenericSpider):
    """List pages by the pager script; any other page goes to the next family in the MRO.

    A list page is also followed to the report columns and sub-columns it links
    (`column_requests`); a page with article links but no pager (a home page's news block)
    is no known column, so the next family reads it as well.
    """

    family = "trs"

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        yield from once(self.read_trs_list(response, **kwargs))

    def read_trs_list(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        pager = parse_pager(page_text(response))
        links = list_links(response)
        if pager is None and not any(ARTICLE.search(url) for url, _ in links):
            yield from super().parse(response, **kwargs)
            return
        for url, title in links:
            if is_attachment_url(url):
                request = self.attachment_request(url, title, response.url, response.url)
            else:
                request = self.article_request(url, title, response.url)
            if request is not None:
                yield request
        if pager is not None:
            for name in pager.page_names():
                request = self.page_request(response.urljoin(name), after=response.url)
                if request is not None:
                    yield request
        yield from self.column_requests(response, ARTICLE.search)
        if pager is None:
            yield from super().parse(response, **kwargs)
