"""Helpers for fetch tests: spiders built from registry-shaped entries, fake responses."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis
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


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A `redis-server` of the test module's own on 127.0.0.1 (scrapy-redis workers)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    folder = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [
            *("redis-server", "--port", str(port), "--bind", "127.0.0.1"),
            *("--save", "", "--appendonly", "no", "--dir", str(folder)),
        ],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    try:
        yield f"redis://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


__all__ = ["TextResponse", "html", "items_of", "make_spider", "raw", "requests_of"]
