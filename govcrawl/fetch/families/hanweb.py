"""Hanweb jcms portals: list records in an XML data island, later pages from dataproxy.jsp.

A jcms column page carries only its first `perpage` records, as CDATA `<record>`s inside
`<script type="text/xml"><datastore>`; the rest are fetched by the page's script with a POST
to `/module/web/jpage/dataproxy.jsp?startrecord=&endrecord=&perpage=` whose form body must
repeat the column's ids (`columnid`, `unitid`, `webid`, …). Those ids are read from the inline
config and the `<nextgroup>` link, and the POSTs are made here directly. Pages and XML are GBK.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from scrapy.http import FormRequest, Response
from scrapy.selector import Selector

from govcrawl.fetch.base import link_title, page_text
from govcrawl.fetch.families.generic import GenericSpider
from govcrawl.fetch.urls import canonical

DATAPROXY = "/module/web/jpage/dataproxy.jsp"
_DATASTORE = re.compile(
    r"<script[^>]*type\s*=\s*[\"']text/xml[\"'][^>]*>(.*?)</script>", re.S | re.I
)
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>\s*</nextgroup>", re.S | re.I)
_TOTAL = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>", re.I)
_CONFIG = re.compile(
    r"\b(webid|columnid|unitid|perpage|totalrecord|webname|permissiontype|proxyurl)"
    r"\s*[:=]\s*(?:'([^']*)'|\"([^\"]*)\"|(\d+))",
    re.IGNORECASE,
)
_CONFIG_NAMES = {"totalrecord": "totalRecord", "proxyurl": "proxyUrl"}
"""Config keys under the names used here; templates spell them in any case (`perPage: 10`)."""
CONFIG_KEYS = ("webid", "columnid", "unitid", "webname", "permissiontype", "path")


def records(text: str) -> list[tuple[str, str]]:
    """(href, title) of every `<record>` of a datastore (page data island or dataproxy XML)."""
    links: list[tuple[str, str]] = []
    for record in _RECORD.findall(text):
        for anchor in Selector(text=record).css("a[href]"):
            links.append((anchor.attrib["href"].strip(), link_title(anchor)))
    return links


def column_config(page: str) -> dict[str, str]:
    """Column ids and paging numbers from the inline config and the nextgroup link."""
    config: dict[str, str] = {}
    nextgroup = _NEXTGROUP.search(page)
    if nextgroup:
        href = Selector(text=nextgroup.group(1)).css("a::attr(href)").get() or ""
        parts = urlsplit(href)
        if parts.path:
            config["proxyUrl"] = parts.path
        config.update({k: v for k, v in parse_qsl(parts.query, keep_blank_values=True)})
    for key, single, double, number in _CONFIG.findall(page):
        name = _CONFIG_NAMES.get(key.lower(), key.lower())
        config.setdefault(name, single or double or number)
    return config


def total_records(xml: str) -> int | None:
    match = _TOTAL.search(xml)
    return int(match.group(1)) if match else None


def dataproxy_form(config: dict[str, str]) -> dict[str, str]:
    """The form body jcms's list script posts to dataproxy.jsp."""
    return {
        "col": "1",
        "appid": "1",
        "webid": config.get("webid", "1"),
        "path": config.get("path", "/"),
        "columnid": config["columnid"],
        "sourceContentType": "1",
        "unitid": config["unitid"],
        "webname": config.get("webname", ""),
        "permissiontype": config.get("permissiontype", "0"),
    }


class HanwebSpider(GenericSpider):
    """Column pages by their data island; later records by dataproxy POSTs."""

    family = "hanweb"
    default_perpage = 15

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        text = page_text(response)
        island = _DATASTORE.search(text)
        if island is None:
            yield from super().parse(response, **kwargs)
            return
        first = records(island.group(1))
        yield from self.article_requests(response, first)
        config = column_config(text)
        if "columnid" not in config or "unitid" not in config:
            self.logger.warning("hanweb column %s: no columnid/unitid, only page 1", response.url)
            return
        perpage = int(config.get("perpage") or self.default_perpage)
        total = int(config["totalRecord"]) if config.get("totalRecord") else None
        if total is None:
            request = self.proxy_request(response, config, len(first) + 1, perpage, chain=True)
            if request is not None:
                yield request
            return
        for start in range(len(first) + 1, total + 1, perpage):
            request = self.proxy_request(response, config, start, perpage)
            if request is not None:
                yield request

    def proxy_request(
        self,
        response: Response,
        config: dict[str, str],
        start: int,
        perpage: int,
        *,
        chain: bool = False,
    ) -> FormRequest | None:
        """The POST for records start … start+perpage-1 of the column."""
        query = urlencode(
            {"startrecord": start, "endrecord": start + perpage - 1, "perpage": perpage}
        )
        url = canonical(response.urljoin(config.get("proxyUrl") or DATAPROXY) + "?" + query)
        if not self.claim_page(url):
            return None
        meta = {
            "list_url": response.meta.get("list_url", response.url),
            "config": config,
            "start": start,
            "perpage": perpage,
            "chain": chain,
        }
        return FormRequest(
            url, formdata=dataproxy_form(config), callback=self.parse_dataproxy, meta=meta
        )

    def parse_dataproxy(self, response: Response) -> Iterator[Any]:
        xml = page_text(response)
        found = records(xml)
        yield from self.article_requests(response, found, list_url=response.meta["list_url"])
        if response.meta.get("chain") and len(found) == response.meta["perpage"]:
            total = total_records(xml)
            start = response.meta["start"] + len(found)
            if total is None or start <= total:
                request = self.proxy_request(
                    response,
                    response.meta["config"],
                    start,
                    response.meta["perpage"],
                    chain=True,
                )
                if request is not None:
                    yield request

    def article_requests(
        self, response: Response, links: list[tuple[str, str]], list_url: str | None = None
    ) -> Iterator[Any]:
        for href, title in links:
            request = self.article_request(response.urljoin(href), title, list_url or response.url)
            if request is not None:
                yield request
