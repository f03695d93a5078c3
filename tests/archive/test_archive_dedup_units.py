"""Dedup across runs, component by component: index, revisit records, 304 replay, reader."""

from __future__ import annotations

import gzip
import logging
from pathlib import Path

import pytest
import scrapy
from archive_site import load, warcio_check
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from govcrawl.archive.capture import CONDITIONAL_META, WarcCaptureExtension
from govcrawl.archive.conditional import ConditionalRequestMiddleware, read_stored_response
from govcrawl.archive.dedup import Capture, DedupIndex
from govcrawl.archive.reader import iter_report_sources
from govcrawl.archive.recover import recover
from govcrawl.archive.signals import text_converted
from govcrawl.archive.writer import IDENTICAL_PAYLOAD, SERVER_NOT_MODIFIED, payload_digest

PAGE = "<html><body><p>二〇二三年政府信息公开工作年度报告</p></body></html>".encode()
ETAG = '"abc123"'
MODIFIED = "Sun, 15 Jan 2023 09:30:00 GMT"


def capture(url: str, record_id: str, **fields: object) -> Capture:
    base: dict = {
        "url": url,
        "record_type": "response",
        "payload_digest": "sha1:AAAA",
        "warc_file": "a.warc.gz",
        "offset": 0,
        "length": 10,
        "record_id": record_id,
        "date": "2024-01-01T00:00:00.000000Z",
    }
    return Capture(**{**base, **fields})


def test_index_survives_reopening_and_keys_urls_canonically(tmp_path: Path) -> None:
    db = tmp_path / "dedup.sqlite3"
    index = DedupIndex(db)
    index.add(capture("http://x.gov.cn/a?b=2&a=1", "<urn:1>", etag=ETAG, status=200))
    index.add(
        capture(
            "http://x.gov.cn/copy",
            "<urn:2>",
            record_type="revisit",
            refers_to="<urn:1>",
            warc_file="b.warc.gz",
        )
    )
    index.add_derived("conversion", "<urn:1>", "sha1:TEXT", "<urn:3>")
    index.close()

    reopened = DedupIndex(db)
    assert reopened._db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    latest = reopened.last_capture("http://x.gov.cn/a?a=1&b=2#top")
    assert latest is not None and latest.record_id == "<urn:1>" and latest.etag == ETAG
    assert latest.url == "http://x.gov.cn/a?b=2&a=1"
    # Only full responses are originals: the revisit with the same digest is never returned.
    original = reopened.original_for_digest("sha1:AAAA")
    assert original is not None and original.record_id == "<urn:1>"
    revisit = reopened.last_capture("http://x.gov.cn/copy")
    assert revisit is not None and reopened.original_of(revisit) == original
    assert reopened.has_derived("conversion", "<urn:1>", "sha1:TEXT")
    assert not reopened.has_derived("conversion", "<urn:2>", "sha1:TEXT")
    assert reopened.original_for_digest("sha1:OTHER") is None
    reopened.close()


def make_crawler(out: Path, **settings: object):
    crawler = get_crawler(scrapy.Spider, {"GOVCRAWL_OUT": str(out), **settings})
    crawler.spider = scrapy.Spider("portal")
    return crawler


def download(
    extension: WarcCaptureExtension,
    url: str,
    body: bytes,
    *,
    status: int = 200,
    headers: dict | None = None,
    meta: dict | None = None,
) -> tuple[scrapy.Request, Response]:
    request = scrapy.Request(url, meta=dict(meta or {}))
    response = HtmlResponse(
        url,
        status=status,
        body=body,
        headers=headers
        if headers is not None
        else {
            "Content-Type": "text/html; charset=utf-8",
            "Content-Encoding": "gzip",
            "ETag": ETAG,
            "Last-Modified": MODIFIED,
        },
        request=request,
    )
    extension.response_downloaded(response, request, extension.crawler.spider)
    return request, response


def report(extension, request: scrapy.Request, body: bytes) -> None:
    crawler = extension.crawler
    item = {
        "source_url": request.url,
        "final_url": request.url,
        "kind": "portal",
        "body": body,
        "warc": request.meta["warc"],
        "spider": "portal",
        "portal": "test",
    }
    page = {"page": request.url, "spider": "portal", "portal": "test", "list_url": None,
            "parent_url": None, "outlinks": [], "reports": [dict(item, body=None)]}  # fmt: skip
    extension.page_processed(request.url, request.meta["warc"], page, crawler.spider)
    crawler.signals.send_catch_log(
        text_converted, item=item, text=body.decode(), spider=crawler.spider
    )


def run_one(out: Path, steps) -> list[Path]:
    crawler = make_crawler(out)
    extension = WarcCaptureExtension.from_crawler(crawler)
    middleware = ConditionalRequestMiddleware.from_crawler(crawler)
    steps(crawler, extension, middleware)
    extension.spider_closed(crawler.spider)
    middleware.spider_closed(crawler.spider)
    return list(extension.writer.files)


def test_identical_payload_under_another_url_is_a_revisit(tmp_path: Path) -> None:
    stored = gzip.compress(PAGE, mtime=0)
    seen: dict = {}

    def steps(crawler, extension, middleware) -> None:
        first, _ = download(extension, "http://x.gov.cn/a.html", stored)
        second, _ = download(extension, "http://x.gov.cn/mirror/a.html", stored)
        empty_one, _ = download(extension, "http://x.gov.cn/e1", b"")
        empty_two, _ = download(extension, "http://x.gov.cn/e2", b"")
        report(extension, first, PAGE)
        report(extension, second, PAGE)
        seen.update(first=first.meta["warc"], second=second.meta["warc"])
        seen["empty"] = (empty_one.meta["warc"], empty_two.meta["warc"])
        seen["stats"] = crawler.stats.get_stats()

    (path,) = run_one(tmp_path, steps)
    assert warcio_check(path).returncode == 0
    records = {r["warc"].get_header("WARC-Record-ID"): r for r in load(path)}
    original = records[seen["first"]["record_id"]]
    revisit = records[seen["second"]["record_id"]]
    assert original["type"] == "response"
    assert revisit["type"] == "revisit"
    headers = revisit["warc"]
    assert headers.get_header("WARC-Profile") == IDENTICAL_PAYLOAD
    assert headers.get_header("WARC-Refers-To") == seen["first"]["record_id"]
    assert headers.get_header("WARC-Refers-To-Target-URI") == "http://x.gov.cn/a.html"
    assert headers.get_header("WARC-Refers-To-Date") == seen["first"]["date"]
    assert headers.get_header("WARC-Payload-Digest") == payload_digest(stored)
    assert revisit["http"].get_statuscode() == "200"
    assert revisit["http"].get_header("ETag") == ETAG
    assert revisit["stored"] == b""
    assert seen["second"]["payload_digest"] == seen["first"]["payload_digest"]
    # Empty payloads are never deduplicated.
    assert [records[w["record_id"]]["type"] for w in seen["empty"]] == ["response", "response"]
    # The revisit's identical text is not stored twice.
    conversions = [r for r in records.values() if r["type"] == "conversion"]
    assert [c["warc"].get_header("WARC-Refers-To") for c in conversions] == [
        seen["first"]["record_id"]
    ]
    assert seen["stats"]["govcrawl/warc_conversion_deduplicated"] == 1
    sources = {s.url: s for s in iter_report_sources([path])}
    mirror = sources["http://x.gov.cn/mirror/a.html"]
    assert mirror.body == PAGE
    assert mirror.warc_record_id == seen["second"]["record_id"]
    assert mirror.fetched_at == seen["second"]["date"]
    assert mirror.payload_digest == payload_digest(stored)
    assert mirror.content_type == "text/html; charset=utf-8"


def test_not_modified_is_a_revisit_and_replays_the_original(tmp_path: Path) -> None:
    stored = gzip.compress(PAGE, mtime=0)
    url = "http://x.gov.cn/xxgk/ndbg/t1.html"
    first: dict = {}

    def run1(crawler, extension, middleware) -> None:
        request = scrapy.Request(url)
        assert middleware.process_request(request, crawler.spider) is None
        assert b"If-None-Match" not in request.headers
        done, _ = download(extension, url, stored)
        report(extension, done, PAGE)
        first.update(done.meta["warc"])

    (file1,) = run_one(tmp_path, run1)

    second: dict = {}

    def run2(crawler, extension, middleware) -> None:
        request = scrapy.Request(url)
        middleware.process_request(request, crawler.spider)
        assert request.headers[b"If-None-Match"] == ETAG.encode()
        assert request.headers[b"If-Modified-Since"] == MODIFIED.encode()
        not_modified = Response(
            url, status=304, headers={"ETag": ETAG, "Date": MODIFIED}, request=request
        )
        extension.response_downloaded(not_modified, request, crawler.spider)
        replayed = middleware.process_response(request, not_modified, crawler.spider)
        assert isinstance(replayed, HtmlResponse)
        assert (replayed.status, replayed.body) == (200, stored)
        assert replayed.headers[b"Content-Encoding"] == b"gzip"
        assert replayed.headers[b"Content-Type"] == b"text/html; charset=utf-8"
        assert "revisit" in replayed.flags
        report(extension, request, PAGE)
        second.update(request.meta["warc"])
        # POST requests are never made conditional.
        post = scrapy.Request(url, method="POST", body=b"a=1")
        middleware.process_request(post, crawler.spider)
        assert b"If-None-Match" not in post.headers

    (file2,) = run_one(tmp_path, run2)
    assert warcio_check(file2).returncode == 0
    records = {r["warc"].get_header("WARC-Record-ID"): r for r in load(file2)}
    revisit = records[second["record_id"]]
    assert revisit["type"] == "revisit"
    assert revisit["warc"].get_header("WARC-Profile") == SERVER_NOT_MODIFIED
    assert revisit["warc"].get_header("WARC-Refers-To") == first["record_id"]
    assert revisit["http"].get_statuscode() == "304"
    request = next(
        r
        for r in records.values()
        if r["type"] == "request"
        and r["warc"].get_header("WARC-Concurrent-To") == second["record_id"]
    )
    assert request["http"].get_header("If-None-Match") == ETAG
    assert second["payload_digest"] == first["payload_digest"]
    assert second["file"] == file2.name and second["date"] != first["date"]
    assert not [r for r in records.values() if r["type"] == "conversion"]

    # Run 2 replayed alone resolves its revisit through run 1's file given as `originals`.
    (source,) = iter_report_sources([file2], originals=[file1])
    assert (source.body, source.warc_record_id, source.fetched_at) == (
        PAGE,
        second["record_id"],
        second["date"],
    )
    assert source.content_type == "text/html; charset=utf-8"
    both = sorted(s.warc_record_id for s in iter_report_sources([file1, file2]))
    assert both == sorted([first["record_id"], second["record_id"]])


def test_report_whose_original_is_missing_is_skipped_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    stored = gzip.compress(PAGE, mtime=0)
    (file1,) = run_one(tmp_path, lambda c, e, m: download(e, "http://x.gov.cn/a", stored))

    def run2(crawler, extension, middleware) -> None:
        request, _ = download(extension, "http://x.gov.cn/b", stored)
        report(extension, request, PAGE)

    (file2,) = run_one(tmp_path, run2)
    with caplog.at_level(logging.WARNING, logger="govcrawl.archive.reader"):
        assert list(iter_report_sources([file2])) == []
    assert "not in the given files" in caplog.text
    assert [s.body for s in iter_report_sources([file2, file1])] == [PAGE]


def test_no_validators_when_the_original_file_is_gone_and_refetch_after_failed_replay(
    tmp_path: Path,
) -> None:
    stored = gzip.compress(PAGE, mtime=0)
    url = "http://x.gov.cn/a"
    (file1,) = run_one(tmp_path, lambda c, e, m: download(e, url, stored))
    crawler = make_crawler(tmp_path)
    middleware = ConditionalRequestMiddleware.from_crawler(crawler)
    conditional = scrapy.Request(url)
    middleware.process_request(conditional, crawler.spider)
    assert CONDITIONAL_META in conditional.meta

    original = conditional.meta[CONDITIONAL_META]
    assert read_stored_response(tmp_path / "warc", original).body == stored
    file1.rename(file1.with_name("moved.warc.gz"))
    retry = middleware.process_response(
        conditional, Response(url, status=304, request=conditional), crawler.spider
    )
    assert isinstance(retry, scrapy.Request)
    assert b"If-None-Match" not in retry.headers and retry.dont_filter
    assert CONDITIONAL_META not in retry.meta
    assert middleware.process_request(retry, crawler.spider) is None
    assert b"If-None-Match" not in retry.headers

    later = scrapy.Request(url)
    middleware.process_request(later, crawler.spider)
    assert b"If-None-Match" not in later.headers
    middleware.spider_closed(crawler.spider)


def test_recover_keeps_revisits(tmp_path: Path) -> None:
    stored = gzip.compress(PAGE, mtime=0)
    crawler = make_crawler(tmp_path)
    extension = WarcCaptureExtension.from_crawler(crawler)
    download(extension, "http://x.gov.cn/a", stored)
    download(extension, "http://x.gov.cn/b", stored)
    path = extension.writer.current_path
    assert path is not None
    with path.open("ab") as handle:  # a torn record after the revisit
        handle.write(gzip.compress(b"WARC/1.1\r\nWARC-Type: response\r\n")[:20])
    fixed = recover(path)
    assert warcio_check(fixed).returncode == 0
    assert [r["type"] for r in load(fixed)] == [
        "warcinfo",
        "response",
        "request",
        "revisit",
        "request",
    ]


def test_payload_whose_original_file_is_gone_is_stored_in_full(tmp_path: Path) -> None:
    stored = gzip.compress(PAGE, mtime=0)
    (file1,) = run_one(tmp_path, lambda c, e, m: download(e, "http://x.gov.cn/a", stored))
    file1.rename(tmp_path / "elsewhere.warc.gz")
    (file2,) = run_one(tmp_path, lambda c, e, m: download(e, "http://x.gov.cn/b", stored))
    assert [r["type"] for r in load(file2)] == ["warcinfo", "response", "request"]
