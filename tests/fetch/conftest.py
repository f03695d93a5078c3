"""Helpers for fetch tests: spiders built from registry-shaped entries, fake responses."""

from __future__ import annotations

from typing import Any

from scrapy.http import HtmlResponse, Request, Response, TextResponse

from govcrawl.fetch.base import ReportSpider
from govcrawl.fetch.families import spider_class
from govcrawl.fetch.registry import PortalEntry


def make_spider(family: str, *start_urls: str, **overrides: Any) -> ReportSpider:
    fields: dict[str, Any] = {
        "id": f"test_{family}",
        "name": "test portal",
        "agency": "测试县人民政府",
        "region": "测试省",
        "level": "county",
        "family": family,
        "start_urls": start_urls or ("http://127.0.0.1:8001/",),
        "kind": "mirror" if family == "mirror" else "portal",
    }
    fields.update(overrides)
    return spider_class(PortalEntry(**fields))()


def html(
    url: str,
    text: str,
    *,
    encoding: str = "utf-8",
    meta: dict | None = None,
    headers: dict | None = None,
) -> HtmlResponse:
    request = Request(url, meta=meta or {})
    return HtmlResponse(
        url,
        body=text.encode(encoding),
        encoding=encoding,
        request=request,
        headers=headers or {"Content-Type": f"text/html; charset={encoding}"},
    )


def raw(
    url: str, body: bytes, headers: dict, meta: dict | None = None, cls: type[Response] = Response
) -> Response:
    return cls(url, body=body, headers=headers, request=Request(url, meta=meta or {}))


def requests_of(results: Any) -> list[Request]:
    return [r for r in results if isinstance(r, Request)]


def items_of(results: Any) -> list[dict]:
    return [r for r in results if isinstance(r, dict)]


__all__ = ["TextResponse", "html", "items_of", "make_spider", "raw", "requests_of"]
