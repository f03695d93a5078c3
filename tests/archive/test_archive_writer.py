"""WarcFileWriter on its own: exact bytes, digests, rotation, naming, record links."""

from __future__ import annotations

import base64
import gzip
import hashlib
import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

from archive_site import warcio_check, warcio_ok
from warcio.archiveiterator import ArchiveIterator

from govcrawl.archive.writer import HttpRequest, HttpResponse, WarcFileWriter

GBK_DISPOSITION = b'attachment; filename="' + "年报.pdf".encode("gbk") + b'"'


def fixed_writer(directory: Path, **kwargs) -> WarcFileWriter:
    start = datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
    ticks = itertools.count()
    ids = itertools.count(1)
    return WarcFileWriter(
        directory,
        prefix="govcrawl-test",
        warcinfo={"software": "govcrawl/test", "format": "WARC File Format 1.1"},
        clock=lambda: start + timedelta(seconds=next(ticks)),
        id_factory=lambda: f"<urn:uuid:00000000-0000-0000-0000-{next(ids):012d}>",
        **kwargs,
    )


def sha1_b32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def exchange(body: bytes, headers: list[tuple[bytes, bytes]]) -> tuple[HttpRequest, HttpResponse]:
    request = HttpRequest(
        "POST", "/module/web/jpage/dataproxy.jsp?page=1", [(b"Host", b"x.gov.cn")], b"col=1"
    )
    response = HttpResponse(200, "OK", headers, body, ip_address="127.0.0.1")
    return request, response


def records(path: Path) -> list:
    out = []
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream):
            http = record.http_headers
            out.append(
                (
                    record.rec_type,
                    dict(record.rec_headers.headers),
                    record.raw_stream.read(),
                    (http.protocol, http.statusline, http.headers) if http else None,
                )
            )
    return out


def test_response_block_is_the_exact_bytes_given(tmp_path: Path) -> None:
    body = gzip.compress(b"<html>report</html>", mtime=0)
    headers = [
        (b"Content-Type", b"text/html"),
        (b"Content-Encoding", b"gzip"),
        (b"Content-Disposition", GBK_DISPOSITION),
    ]
    writer = fixed_writer(tmp_path)
    info = writer.write_exchange("http://x.gov.cn/a", *exchange(body, headers))
    writer.close()
    (path,) = writer.files
    data = gzip.decompress(path.read_bytes())
    block = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n"
        b"Content-Disposition: " + GBK_DISPOSITION + b"\r\n\r\n" + body
    )
    expected_record = (
        b"WARC/1.1\r\n"
        b"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000002>\r\n"
        b"WARC-Date: 2024-01-02T03:04:07.678901Z\r\n"
        b"WARC-Warcinfo-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
        b"WARC-IP-Address: 127.0.0.1\r\n"
        b"WARC-Type: response\r\n"
        b"WARC-Target-URI: http://x.gov.cn/a\r\n"
        b"WARC-Payload-Digest: " + sha1_b32(body).encode() + b"\r\n"
        b"WARC-Block-Digest: " + sha1_b32(block).encode() + b"\r\n"
        b"Content-Type: application/http; msgtype=response\r\n"
        b"Content-Length: " + str(len(block)).encode() + b"\r\n\r\n" + block + b"\r\n\r\n"
    )
    assert expected_record in data
    offset, length = info.pop("offset"), info.pop("length")
    assert gzip.decompress(path.read_bytes()[offset : offset + length]) == expected_record
    assert info == {
        "file": path.name,
        "record_id": "<urn:uuid:00000000-0000-0000-0000-000000000002>",
        "payload_digest": sha1_b32(body),
        "date": "2024-01-02T03:04:07.678901Z",
    }
    read_back = [(kind, raw, http) for kind, _, raw, http in records(path)]
    assert read_back[0][0] == "warcinfo"
    assert read_back[1] == (
        "response",
        body,
        ("HTTP/1.1", "200 OK", [(n.decode(), v.decode("latin-1")) for n, v in headers]),
    )
    assert read_back[2] == (
        "request",
        b"col=1",
        ("POST", "/module/web/jpage/dataproxy.jsp?page=1 HTTP/1.1", [("Host", "x.gov.cn")]),
    )


def test_a_request_has_a_payload_digest_only_when_it_has_a_body(tmp_path: Path) -> None:
    """WARC 1.1 §5.9: no WARC-Payload-Digest on a record without a payload (a bodiless GET)."""
    writer = fixed_writer(tmp_path)
    post, response = exchange(b"<html/>", [(b"Content-Type", b"text/html")])
    writer.write_exchange("http://x.gov.cn/list", post, response)
    get = HttpRequest("GET", "/a", [(b"Host", b"x.gov.cn")])
    writer.write_exchange("http://x.gov.cn/a", get, response)
    writer.close()
    (path,) = writer.files
    requests = [headers for kind, headers, _, _ in records(path) if kind == "request"]
    assert requests[0]["WARC-Payload-Digest"] == sha1_b32(b"col=1")
    assert "WARC-Payload-Digest" not in requests[1]
    assert all("WARC-Block-Digest" in headers for headers in requests)
    assert warcio_ok(path)


def test_same_input_same_clock_same_bytes(tmp_path: Path) -> None:
    outputs = []
    for run in ("a", "b"):
        writer = fixed_writer(tmp_path / run)
        rid = writer.write_exchange(
            "http://x.gov.cn/a", *exchange(b"body", [(b"Content-Type", b"text/plain")])
        )["record_id"]
        writer.write_metadata(rid, "http://x.gov.cn/a", {"govcrawl": {"report": True}})
        writer.write_conversion(rid, "http://x.gov.cn/a", "正文")
        writer.close()
        outputs.append(writer.files[0].read_bytes())
    assert outputs[0] == outputs[1]


def test_transfer_encoding_is_kept_as_original_header_only(tmp_path: Path) -> None:
    body = b"1a\r\nlooks like a chunk header but is the body"
    writer = fixed_writer(tmp_path)
    info = writer.write_exchange(
        "http://x/a", *exchange(body, [(b"Transfer-Encoding", b"chunked")])
    )
    writer.close()
    with writer.files[0].open("rb") as stream:
        response = next(r for r in ArchiveIterator(stream) if r.rec_type == "response")
        assert response.http_headers.get_header("Transfer-Encoding") is None
        assert response.http_headers.get_header("X-Archive-Orig-Transfer-Encoding") == "chunked"
        assert response.content_stream().read() == body
    assert info["payload_digest"] == sha1_b32(body)
    assert warcio_check(writer.files[0]).returncode == 0


def test_a_status_without_reason_phrase_keeps_its_space(tmp_path: Path) -> None:
    """RFC 9112: status-code SP [reason-phrase]; without the space pywb reads "299 None"."""
    writer = fixed_writer(tmp_path)
    request, _ = exchange(b"", [])
    writer.write_exchange("http://x/odd", request, HttpResponse(299, "", [], b"odd"))
    writer.close()
    [response] = [r for r in records(writer.files[0]) if r[0] == "response"]
    assert response[2] == b"odd" and response[3][1] == "299"
    assert b"\r\n\r\nHTTP/1.1 299 \r\n" in gzip.decompress(writer.files[0].read_bytes())
    assert warcio_check(writer.files[0]).returncode == 0


def test_metadata_and_conversion_refer_to_the_response(tmp_path: Path) -> None:
    writer = fixed_writer(tmp_path)
    rid = writer.write_exchange("http://x/a", *exchange(b"b", []))["record_id"]
    meta_id = writer.write_metadata(rid, "http://x/a", {"govcrawl": {"report": True}})
    conv_id = writer.write_conversion(rid, "http://x/a", "文本")
    writer.close()
    by_type = {kind: (headers, raw) for kind, headers, raw, _ in records(writer.files[0])}
    meta_headers, meta_body = by_type["metadata"]
    assert meta_headers["WARC-Refers-To"] == rid
    assert meta_headers["WARC-Record-ID"] == meta_id
    assert meta_body == b'{"govcrawl": {"report": true}}'
    conv_headers, conv_body = by_type["conversion"]
    assert conv_headers["WARC-Refers-To"] == rid
    assert conv_headers["WARC-Record-ID"] == conv_id
    assert conv_headers["Content-Type"] == "text/plain; charset=utf-8"
    assert conv_body == "文本".encode()


def test_rotation_makes_several_valid_files_each_with_warcinfo(tmp_path: Path) -> None:
    writer = WarcFileWriter(tmp_path, prefix="govcrawl-rot", max_size=1500, warcinfo={"a": "b"})
    for i in range(12):
        writer.write_exchange(f"http://x/{i}", *exchange(bytes(range(256)) * 2, []))
    writer.close()
    assert len(writer.files) > 3
    assert sorted(tmp_path.iterdir()) == sorted(writer.files)
    serials = [p.name.split("-")[3] for p in writer.files]
    assert serials == [f"{i:05d}" for i in range(len(writer.files))]
    responses = 0
    for path in writer.files:
        assert warcio_ok(path)
        kinds = [kind for kind, _, _, _ in records(path)]
        assert kinds[0] == "warcinfo"
        assert kinds.count("warcinfo") == 1
        responses += kinds.count("response")
        # a response and its request are never split across files
        assert kinds.count("response") == kinds.count("request")
    assert responses == 12


def test_file_is_open_until_closed_and_nothing_written_means_no_file(tmp_path: Path) -> None:
    empty = WarcFileWriter(tmp_path / "empty", warcinfo={})
    empty.close()
    assert empty.files == []
    assert not (tmp_path / "empty").exists()

    writer = WarcFileWriter(tmp_path / "w", prefix="govcrawl-demo", warcinfo={})
    writer.write_exchange("http://x/a", *exchange(b"b", []))
    open_path = writer.current_path
    assert open_path is not None and open_path.name.endswith(".warc.gz.open")
    assert open_path.name.startswith("govcrawl-demo-")
    writer.close()
    assert not open_path.exists()
    assert writer.files == [open_path.with_name(open_path.name.removesuffix(".open"))]
