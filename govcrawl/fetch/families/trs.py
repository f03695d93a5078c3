"""TRS WCM portals: list columns paged by a `createPageHTML(...)` script call.

TRS writes no pager markup; the page count is only in the script call, in one of two forms:
`createPageHTML(N, I, "index", "html")` or
`createPageHTML('page_div', N, I, 'index', 'html', TOTAL)`. The list pages are then
`index.html`, `index_1.html` … `index_{N-1}.html` beside the current page. Articles sit under
`YYYYMM/tYYYYMMDD_NNNNNN.html`; list items carry the full title in `title=` (the link text is
cut with "…").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from scrapy.http import Response

from govcrawl.fetch.base import is_attachment_url, links_where, page_text
from govcrawl.fetch.families.generic import GenericSpider

_ARG = r"""\s*(?:'([^']*)'|"([^"]*)"|(\d+))\s*"""
_CALL = re.compile(r"createPageHTML\s*\(((?:" + _ARG + r",?)+)\)")
_ARGS = re.compile(_ARG)
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


def parse_pager(text: str) -> TrsPager | None:
    """The pager of a list page from its inline script, either call form."""
    match = _CALL.search(text)
    if not match:
        return None
    args: list[str | int] = []
    for single, double, number in _ARGS.findall(match.group(1)):
        args.append(int(number) if number else single or double)
    if len(args) >= 5 and isinstance(args[0], str):
        args = args[1:5]
    if len(args) < 4 or not isinstance(args[0], int) or not isinstance(args[1], int):
        return None
    name, ext = str(args[2]), str(args[3])
    return TrsPager(count=args[0], current=args[1], name=name, ext=ext)


def list_links(response: Response) -> list[tuple[str, str]]:
    """(absolute URL, title) of the article and file links of a TRS list page."""
    return links_where(response, lambda url: ARTICLE.search(url) or is_attachment_url(url))


class TrsSpider(GenericSpider):
    """List pages by the pager script; any other page goes to the next family in the MRO."""

    family = "trs"

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
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
                request = self.page_request(urljoin(response.url, name), after=response.url)
                if request is not None:
                    yield request
