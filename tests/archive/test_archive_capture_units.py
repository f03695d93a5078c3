"""How the extension turns Scrapy's request/response objects into wire-form messages."""

from __future__ import annotations

from pathlib import Path

import scrapy
from scrapy.http import Request, Response
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from govcrawl.archive.capture import (
    WarcCaptureExtension,
    http_request_from_scrapy,
    http_response_from_scrapy,
)


def test_request_is_serialised_in_twisted_order() -> None:
    request = scrapy.Request(
        "http://x.gov.cn:8080/module/web/jpage/dataproxy.jsp;jsessionid=1?page=2#frag",
        method="POST",
        body=b"col=1&appid=1",
        headers={"User-Agent": "govcrawl", "Accept-Encoding": "gzip, deflate"},
    )
    wire = http_request_from_scrapy(request)
    assert wire.method == "POST"
    assert wire.target == "/module/web/jpage/dataproxy.jsp;jsessionid=1?page=2"
    assert wire.body == b"col=1&appid=1"
    assert wire.headers == [
        (b"Content-Length", b"13"),
        (b"User-Agent", b"govcrawl"),
        (b"Accept-Encoding", b"gzip, deflate"),
        (b"Host", b"x.gov.cn:8080"),
    ]


def test_empty_post_gets_content_length_zero_and_default_port_no_port() -> None:
    wire = http_request_from_scrapy(scrapy.Request("https://x.gov.cn", method="POST"))
    assert wire.target == "/"
    assert wire.headers == [(b"Content-Length", b"0"), (b"Host", b"x.gov.cn")]


def test_response_status_line_protocol_and_truncation() -> None:
    lost = Response("http://x/a", status=200, body=b"part", flags=["dataloss"], protocol="HTTP/1.0")
    wire = http_response_from_scrapy(lost, Request("http://x/a"))
    assert (wire.protocol, wire.status, wire.reason, wire.truncated) == (
        "HTTP/1.0",
        200,
        "OK",
        "disconnect",
    )
    odd = http_response_from_scrapy(Response("http://x/a", status=599), Request("http://x/a"))
    assert (odd.protocol, odd.reason, odd.truncated) == ("HTTP/1.1", "", None)


def test_truncated_response_is_marked_and_warcinfo_names_the_run(tmp_path: Path) -> None:
    crawler = get_crawler(
        scrapy.Spider,
        {
            "GOVCRAWL_OUT": str(tmp_path),
            "ROBOTSTXT_OBEY": False,
            "GOVCRAWL_RUN_ID": "run-42",
            "GOVCRAWL_REGISTRY_VERSION": "2024.1",
            "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
            "DOWNLOAD_DELAY": 2,
        },
    )
    spider = scrapy.Spider("trs_dingxi")
    extension = WarcCaptureExtension.from_crawler(crawler)
    request = scrapy.Request("http://x/a")
    response = Response("http://x/a", status=200, body=b"part", flags=["dataloss"])
    extension.response_downloaded(response, request, spider)
    extension.spider_closed(spider)
    (path,) = extension.writer.files
    assert path.name.startswith("govcrawl-trs_dingxi-")
    with path.open("rb") as stream:
        records = list(
            (r.rec_type, r.rec_headers, r.content_stream().read()) for r in ArchiveIterator(stream)
        )
    info = records[0][2].decode()
    for line in (
        "isPartOf: run-42",
        "robots: ignore",
        "govcrawl-registry-version: 2024.1",
        "govcrawl-politeness: concurrency 1 per host; delay 2.0 s; autothrottle",
    ):
        assert line in info
    response_headers = records[1][1]
    assert response_headers.get_header("WARC-Truncated") == "disconnect"
    assert request.meta["warc"]["record_id"] == response_headers.get_header("WARC-Record-ID")
    assert crawler.stats.get_value("govcrawl/warc_files") == [str(path)]
