"""gkmlpt (政府信息公开目录平台, Guangdong's disclosure catalogue): lists from a JSON API.

The catalogue page `/gkmlpt/index` is a shell: its script reads the site id (`SID: '…'`) from
an inline config and the catalogue id from the URL fragment (`/gkmlpt/index#2811`), then pages
through `GET /gkmlpt/api/all/{catId}?page=N&sid=SID` → `{"articles": [{"title", "url", …}],
"total": T}`. The HTML holds no list at all, but the API is plain JSON, so it is called here
directly — no browser needed. Catalogue ids come from the start URL's fragment, from links to
`…/gkmlpt/index#ID`, or from the shell's own catalogue tree (`href="#ID"`) when the link text
names a report column. Article URLs carry the catalogue as a fragment, dropped by
canonicalisation.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

from scrapy.http import Request, Response

from govcrawl.fetch.base import is_attachment_url, link_title, page_text, selector
from govcrawl.fetch.families.generic import GenericSpider

_SID = re.compile(r"""\bSID\s*[:=]\s*['"]?(\d+)""")
REPORT_COLUMN = re.compile(r"年报|年度报告")


def shell_sid(text: str) -> str | None:
    """The site id a gkmlpt shell page passes to its list API."""
    match = _SID.search(text)
    return match.group(1) if match else None


def api_url(page_url: str, catalogue: str, sid: str, page: int) -> str:
    """The list API URL for one page of a catalogue, beside the shell's `/gkmlpt/`."""
    base = page_url.split("/gkmlpt/", 1)[0] + "/gkmlpt/api/all/"
    return urljoin(page_url, base + catalogue) + "?" + urlencode({"page": page, "sid": sid})


def catalogue_of(url: str) -> str | None:
    """The catalogue id in a `…/gkmlpt/index#ID` URL's fragment."""
    parts = urlsplit(url)
    if "/gkmlpt/" in parts.path and parts.fragment.isdigit():
        return parts.fragment
    return None


class GkmlptSpider(GenericSpider):
    """Shell pages → API pages → articles; other pages by generic discovery."""

    family = "gkmlpt"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raw = kwargs.get("start_urls") or getattr(self, "start_urls", ())
        # canonicalisation drops fragments, and a gkmlpt start URL's fragment is its catalogue
        self.start_catalogues = {c for c in map(catalogue_of, raw) if c}
        super().__init__(*args, **kwargs)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        text = page_text(response)
        sid = shell_sid(text) if "/gkmlpt/" in response.url else None
        if sid is None:
            yield from self.catalogue_links(response)
            yield from super().parse(response, **kwargs)
            return
        catalogues = set(response.meta.get("gkmlpt_catalogues") or ()) | self.start_catalogues
        if not catalogues:
            catalogues = {
                anchor.attrib["href"].strip()[1:]
                for anchor in selector(response).css('a[href^="#"]')
                if anchor.attrib["href"].strip()[1:].isdigit()
                and REPORT_COLUMN.search(link_title(anchor))
            }
        for catalogue in sorted(catalogues):
            request = self.api_request(response.url, catalogue, sid, 1)
            if request is not None:
                yield request

    def catalogue_links(self, response: Response) -> Iterator[Request]:
        """Links to a report catalogue of a gkmlpt shell: fetch the shell, keep the id."""
        for anchor in selector(response).css("a[href]"):
            url = response.urljoin(anchor.attrib["href"].strip())
            catalogue = catalogue_of(url)
            if catalogue and REPORT_COLUMN.search(link_title(anchor)):
                request = self.page_request(url, meta={"gkmlpt_catalogues": [catalogue]})
                if request is not None:
                    yield request

    def api_request(
        self, page_url: str, catalogue: str, sid: str, page: int, after: str | None = None
    ) -> Request | None:
        meta = {"shell": page_url, "catalogue": catalogue, "sid": sid, "page": page}
        return self.page_request(
            api_url(page_url, catalogue, sid, page),
            callback=self.parse_api,
            meta=meta,
            after=after,
        )

    def parse_api(self, response: Response) -> Iterator[Any]:
        """One API page: its articles; from page 1, every further page the total implies."""
        try:
            data = json.loads(response.text)
        except ValueError:
            self.logger.warning("gkmlpt API %s: not JSON", response.url)
            return
        articles = data.get("articles") or []
        shell = response.meta["shell"]
        for article in articles:
            href = article.get("post_url") or article.get("url")
            if not href:
                continue
            url = urljoin(shell, href)
            title = article.get("title")
            if is_attachment_url(url):
                request = self.attachment_request(url, title, None, response.url)
            else:
                request = self.article_request(url, title, response.url)
            if request is not None:
                yield request
        if response.meta["page"] != 1 or not articles:
            return
        pages = math.ceil(int(data.get("total") or 0) / len(articles))
        for page in range(2, pages + 1):
            request = self.api_request(
                shell, response.meta["catalogue"], response.meta["sid"], page, after=response.url
            )
            if request is not None:
                yield request
