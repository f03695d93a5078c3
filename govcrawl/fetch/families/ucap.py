"""开普云 (Ucap) portals: static `.shtml` list pages `index.shtml`, `index_2.shtml` …

Ucap's pager markup (`<div class="page">`) shows only 首页/上一页/下一页/尾页 around the current
page; the page count is also in an inline `var countPage = N` script. Both are read: the count
gives every page at once (page 1 is `index.shtml`, page k ≥ 2 is `index_k.shtml` — numbered
from 2, unlike TRS), and the pager links are followed as well in case a site's script names
the count differently. Articles are `/art/YYYY/M/D/art_{column}_{n}.shtml` or migrated
`YYYYMM/tYYYYMMDD_{n}.shtml` items; other pages go to generic discovery.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from scrapy.http import Response

from govcrawl.fetch.base import is_attachment_url, link_title, once, page_text, selector
from govcrawl.fetch.families.generic import GenericSpider

ARTICLE = re.compile(r"(/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+|/t\d{8}_\d+)\.shtml$")
LIST_PAGE = re.compile(r"/(?P<name>index)(?:_(?P<n>\d+))?\.shtml$")
_COUNT = re.compile(r"\bvar\s+countPage\s*=\s*(\d+)")


def is_article(url: str) -> bool:
    return ARTICLE.search(urlsplit(url).path) is not None


def page_count(text: str) -> int | None:
    match = _COUNT.search(text)
    return int(match.group(1)) if match else None


def list_pages(url: str, count: int) -> list[str]:
    """Every list page of the column `url` belongs to, given its page count."""
    base = url.rsplit("/", 1)[0] + "/"
    return [base + ("index.shtml" if k == 1 else f"index_{k}.shtml") for k in range(1, count + 1)]


def pager_links(response: Response) -> list[str]:
    """The `div.page` pager's links to list pages of the same column."""
    out = []
    for href in selector(response).css("div.page a::attr(href)").getall():
        url = response.urljoin(href.strip())
        if LIST_PAGE.search(urlsplit(url).path):
            out.append(url)
    return out


class UcapSpider(GenericSpider):
    """Count-driven `.shtml` list pages; any other page goes to the next family in the MRO.

    A list page is also followed to the report columns and sub-columns it links
    (`column_requests`); a page with article links that is no paged list is read by the next
    family as well.
    """

    family = "ucap"

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        yield from once(self.read_ucap_list(response, **kwargs))

    def read_ucap_list(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        count = page_count(page_text(response))
        anchors = selector(response).css("a[href]")
        links = [(response.urljoin(a.attrib["href"].strip()), link_title(a)) for a in anchors]
        articles = [(u, t) for u, t in links if is_article(u)]
        pages = pager_links(response)
        is_list = LIST_PAGE.search(urlsplit(response.url).path) is not None
        paged = is_list and bool(count or pages)
        if not articles and not paged:
            yield from super().parse(response, **kwargs)
            return
        for url, title in articles:
            request = self.article_request(url, title, response.url)
            if request is not None:
                yield request
        for url, title in links:
            if is_attachment_url(url):
                request = self.attachment_request(url, title, response.url, response.url)
                if request is not None:
                    yield request
        if is_list and count:
            pages = list_pages(response.url, count) + pages
        for url in dict.fromkeys(pages):
            request = self.page_request(url, after=response.url)
            if request is not None:
                yield request
        yield from self.column_requests(response, is_article)
        if not paged:
            yield from super().parse(response, **kwargs)
