"""Real Scrapy crawls against a local site: what lands in the WARC, and replay from it."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

from archive_site import (
    CHUNKS,
    GBK_NAME,
    GZIPPED,
    PDF,
    PLAIN,
    POST_BODY,
    load,
    run_crawl,
    warcio_check,
    warcio_ok,
)

from govcrawl.archive.reader import iter_files, iter_report_sources


def sha1_b32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def responses(crawl: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = {}
    for records in crawl["records"].values():
        for record in records:
            if record["type"] == "response":
                found[record["warc"].get_header("WARC-Target-URI")] = record
    return found


def test_files_are_closed_valid_and_reported_in_stats(crawl: dict[str, Any]) -> None:
    assert crawl["files"]
    assert not list((crawl["out"] / "warc").glob("*.open"))
    assert crawl["stats"]["govcrawl/warc_files"] == [str(p) for p in crawl["files"]]
    assert crawl["stats"]["govcrawl/warc_bytes"] == sum(p.stat().st_size for p in crawl["files"])
    for path in crawl["files"]:
        assert path.name.startswith("govcrawl-archivetest-")
        done = warcio_check(path)
        assert done.returncode == 0, done.stdout
        records = crawl["records"][path]
        assert records[0]["type"] == "warcinfo"
        info = records[0]["stored"].decode()
        assert "format: WARC File Format 1.1" in info
        assert "isPartOf: test-run" in info
        assert "robots: obey" in info
        assert "Scrapy " in info and "warcio " in info


def test_every_response_has_its_request(crawl: dict[str, Any]) -> None:
    for records in crawl["records"].values():
        ids = {r["warc"].get_header("WARC-Record-ID"): r for r in records}
        found = [r for r in records if r["type"] in ("response", "revisit")]
        requests = [r for r in records if r["type"] == "request"]
        assert len(found) == len(requests)
        for request in requests:
            response = ids[request["warc"].get_header("WARC-Concurrent-To")]
            assert response["type"] in ("response", "revisit")
            uri = request["warc"].get_header("WARC-Target-URI")
            assert response["warc"].get_header("WARC-Target-URI") == uri
            assert request["http"].get_header("Host") == uri.split("/")[2]
            assert request["http"].get_header("User-Agent")


def test_robots_redirects_and_errors_are_archived(crawl: dict[str, Any]) -> None:
    site = crawl["site"]
    found = responses(crawl)
    assert found[f"{site}/robots.txt"]["http"].get_statuscode() == "200"
    redirect = found[f"{site}/redirect"]["http"]
    assert redirect.get_statuscode() == "302"
    assert redirect.get_header("Location") == "/plain"
    assert found[f"{site}/missing"]["http"].statusline == "404 Not Found"
    assert found[f"{site}/error"]["http"].statusline == "500 Internal Server Error"


def test_gzip_response_is_stored_compressed(crawl: dict[str, Any]) -> None:
    record = responses(crawl)[f"{crawl['site']}/gzip"]
    assert record["http"].get_header("Content-Encoding") == "gzip"
    assert record["stored"] == gzip.compress(GZIPPED, mtime=0)
    assert record["warc"].get_header("WARC-Payload-Digest") == sha1_b32(record["stored"])
    assert record["decoded"] == GZIPPED
    (request,) = [
        r
        for records in crawl["records"].values()
        for r in records
        if r["type"] == "request"
        and r["warc"].get_header("WARC-Concurrent-To")
        == record["warc"].get_header("WARC-Record-ID")
    ]
    assert "gzip" in request["http"].get_header("Accept-Encoding")


def test_chunked_response_is_a_valid_dechunked_message(crawl: dict[str, Any]) -> None:
    record = responses(crawl)[f"{crawl['site']}/chunked"]
    body = b"".join(CHUNKS)
    assert record["http"].get_header("Transfer-Encoding") is None
    assert record["stored"] == body
    assert record["decoded"] == body
    assert record["warc"].get_header("WARC-Payload-Digest") == sha1_b32(body)


def test_post_body_and_raw_header_bytes_are_kept(crawl: dict[str, Any]) -> None:
    site = crawl["site"]
    requests = [
        r for records in crawl["records"].values() for r in records if r["type"] == "request"
    ]
    (post,) = [r for r in requests if r["http"].protocol == "POST"]
    assert post["http"].statusline == "/dataproxy.jsp?startrecord=16 HTTP/1.1"
    assert post["stored"] == POST_BODY.encode()
    assert post["http"].get_header("Content-Length") == str(len(POST_BODY))
    attachment = responses(crawl)[f"{site}/attachment"]
    disposition = attachment["http"].get_header("Content-Disposition").encode("latin-1")
    assert disposition == b'attachment; filename="' + GBK_NAME + b'"'


def test_reports_replay_as_the_sources_that_were_served(crawl: dict[str, Any]) -> None:
    site = crawl["site"]
    sources = {s.url: s for s in iter_report_sources([crawl["out"] / "warc"])}
    assert set(sources) == {f"{site}/{p}" for p in ("plain", "gzip", "chunked", "attachment",
                                                      "redirect")}  # fmt: skip
    assert sources[f"{site}/plain"].body == PLAIN.encode()
    assert sources[f"{site}/plain"].parent_url == f"{site}/list"
    assert sources[f"{site}/gzip"].body == GZIPPED
    assert sources[f"{site}/chunked"].body == b"".join(CHUNKS)
    attachment = sources[f"{site}/attachment"]
    assert attachment.body == PDF
    assert attachment.kind == "attachment"
    assert attachment.content_type == "application/pdf"
    assert attachment.filename == "2023年度报告.pdf"
    redirected = sources[f"{site}/redirect"]
    assert redirected.final_url == f"{site}/plain"
    assert redirected.body == PLAIN.encode()
    by_id = {
        r["warc"].get_header("WARC-Record-ID"): r
        for records in crawl["records"].values()
        for r in records
    }
    # /plain was fetched twice (directly and through /redirect): one copy is a revisit.
    assert sorted(by_id[s.warc_record_id]["type"] for s in sources.values()) == [
        *["response"] * 4,
        "revisit",
    ]
    for source in sources.values():
        record = by_id[source.warc_record_id]
        assert record["warc"].get_header("WARC-Target-URI") == source.final_url
        assert source.fetched_at == record["warc"].get_header("WARC-Date")
        assert source.payload_digest == record["warc"].get_header("WARC-Payload-Digest")
        assert source.warc_file in {p.name for p in crawl["files"]}


def test_metadata_and_conversion_records_refer_to_responses(crawl: dict[str, Any]) -> None:
    records = [r for recs in crawl["records"].values() for r in recs]
    by_id = {r["warc"].get_header("WARC-Record-ID"): r for r in records}
    metadata = [r for r in records if r["type"] == "metadata"]
    conversions = [r for r in records if r["type"] == "conversion"]
    # One page record for each of the 8 pages the spider saw (robots.txt and the 302 are not
    # pages); /plain was fetched twice, and the revisit's identical text is not stored again.
    assert (len(metadata), len(conversions)) == (8, 4)
    reports = [json.loads(r["stored"])["govcrawl"]["reports"] for r in metadata]
    assert sum(map(len, reports)) == 5
    for record in metadata + conversions:
        target = by_id[record["warc"].get_header("WARC-Refers-To")]
        assert target["type"] in ("response", "revisit")
        uri = target["warc"].get_header("WARC-Target-URI")
        prefix = "urn:govcrawl:page:" if record["type"] == "metadata" else "urn:text:"
        assert record["warc"].get_header("WARC-Target-URI") == prefix + uri
    plain = [c for c in conversions if c["warc"].get_header("WARC-Target-URI").endswith("/plain")]
    assert [c["stored"] for c in plain] == [PLAIN.encode()]


def test_rotation_during_a_crawl_keeps_every_file_valid(site: str, tmp_path: Path) -> None:
    requests = [{"url": f"{site}/gzip", "report": True} for _ in range(6)]
    requests += [{"url": f"{site}/attachment", "report": True, "kind": "attachment"}]
    stats = run_crawl(tmp_path, requests, GOVCRAWL_WARC_MAX_SIZE=1200)
    files = iter_files([tmp_path / "warc"])
    assert len(files) >= 4
    assert stats["govcrawl/warc_files"] == [str(p) for p in files]
    for path in files:
        assert warcio_ok(path)
        assert load(path)[0]["type"] == "warcinfo"
    sources = list(iter_report_sources(files))
    assert len(sources) == 7
    assert sorted(s.body for s in sources) == sorted([GZIPPED] * 6 + [PDF])


def test_disabled_extension_writes_nothing(site: str, tmp_path: Path) -> None:
    stats = run_crawl(tmp_path, [{"url": f"{site}/plain"}], GOVCRAWL_WARC_ENABLED=False)
    assert not (tmp_path / "warc").exists()
    assert "govcrawl/warc_files" not in stats
