"""VSB (博达) portals: list pages that count down, articles under info/, download.jsp files.

A VSB column's newest page is `ndbg.htm`; older pages are `ndbg/{N-1}.htm` … `ndbg/1.htm`,
linked as 下页 … 尾页. The pager's numbered links give the whole range at once, so every
page is requested from the first one, and 下页 is still followed on each page in case a pager
shows only a window of numbers. Articles are `info/{column}/{id}.htm`; attachments are
`/system/_content/download.jsp?…wbfileid=…` links, handled by the base spider.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from scrapy.http import Response

from govcrawl.fetch.base import links_where, once, selector
from govcrawl.fetch.families.generic import GenericSpider

ARTICLE = re.compile(r"/info/\d+/\d+\.htm$")
_PAGE = re.compile(r"^(?P<stem>.*)/(?P<n>\d+)\.htm$")
_PAGER_TEXT = ("下页", "下一页", "尾页", "末页", "上页", "首页")


def pager_urls(response: Response) -> list[str]:
    """Every list page the pager implies: 下页/尾页 targets and the count-down range between."""
    targets: list[str] = []
    numbered: dict[str, list[int]] = {}
    for anchor in selector(response).css("a[href]"):
        text = "".join(anchor.css("::text").getall()).strip()
        is_pager = (
            text in _PAGER_TEXT
            or text.isdigit()
            or "next" in anchor.attrib.get("class", "").lower()
        )
        url = response.urljoin(anchor.attrib["href"].strip())
        match = _PAGE.match(urlsplit(url).path)
        if is_pager and match:
            targets.append(url)
            numbered.setdefault(match.group("stem"), []).append(int(match.group("n")))
    base = urlsplit(response.url)
    for stem, numbers in numbered.items():
        for n in range(min(numbers), max(numbers) + 1):
            targets.append(f"{base.scheme}://{base.netloc}{stem}/{n}.htm")
    return list(dict.fromkeys(targets))


def is_article(url: str) -> bool:
    return ARTICLE.search(urlsplit(url).path) is not None


def list_links(response: Response) -> list[tuple[str, str]]:
    """(absolute URL, title) of the article links of a VSB list page."""
    return links_where(response, is_article)


class VsbSpider(GenericSpider):
    """Count-down list pages; any other page goes to the next family in the MRO.

    A list page is also followed to the report columns it links (`column_requests`); a page
    with article links but no pager is no known column, so the next family reads it as well.
    """

    family = "vsb"

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        yield from once(self.read_vsb_list(response, **kwargs))

    def read_vsb_list(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        links = list_links(response)
        pages = pager_urls(response)
        if not links and not pages:
            yield from super().parse(response, **kwargs)
            return
        for url, title in links:
            request = self.article_request(url, title, response.url)
            if request is not None:
                yield request
        for url in pages:
            request = self.page_request(url, after=response.url)
            if request is not None:
                yield request
        yield from self.column_requests(response, is_article)
        if not pages:
            yield from super().parse(response, **kwargs)
