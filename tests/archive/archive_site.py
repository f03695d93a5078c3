"""A tiny 127.0.0.1 site with the response shapes the archive must store, and a crawl runner.

The crawl itself runs in a subprocess (`crawl_helper.py`) so each test gets a fresh Twisted
reactor and a crawl can be killed with SIGKILL.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import subprocess
import sys
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from local_site import serve
from warcio.archiveiterator import ArchiveIterator
from warcio.checker import Checker

from govcrawl.archive.reader import iter_files

HELPER = Path(__file__).with_name("crawl_helper.py")
REPO = Path(__file__).resolve().parents[2]

PLAIN = "<html><head><title>年度报告</title></head><body><p>政府信息公开</p></body></html>"
GZIPPED = ("<html><body>" + "压缩的正文。" * 400 + "</body></html>").encode()
CHUNKS = [b"<html><body>", "分块传输".encode() * 50, b"</body></html>"]
GBK_NAME = "2023年度报告.pdf".encode("gbk")
JS_PAGE = (
    b"<html><body><div id='list'></div><script>"
    b"fetch('/api/reports?page=1', {method: 'POST', body: 'page=1'})"
    b".then(r => r.json()).then(d => {document.getElementById('list').textContent = d.title;});"
    b"</script></body></html>"
)
API_JSON = '{"title": "2023年政府信息公开工作年度报告"}'.encode()
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"
BLOCK = 1024 * 1024


def big_blocks(mebibytes: int) -> Iterator[bytes]:
    """A deterministic, incompressible "PDF" of `mebibytes` MiB, one MiB at a time."""
    for n in range(mebibytes):
        block = hashlib.shake_256(f"block {n}".encode()).digest(BLOCK)
        yield (b"%PDF-1.4\n" + block[9:]) if n == 0 else block


class SiteHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, body: bytes, headers: list[tuple[str, str]]) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path
        if path == "/robots.txt":
            self._send(200, b"User-agent: *\nAllow: /\n", [("Content-Type", "text/plain")])
        elif path == "/plain":
            self._send(
                200,
                PLAIN.encode(),
                [("Content-Type", "text/html; charset=utf-8"), ("Set-Cookie", "sid=abc; Path=/")],
            )
        elif path == "/gzip":
            accepts = "gzip" in (self.headers.get("Accept-Encoding") or "")
            body = gzip.compress(GZIPPED, mtime=0) if accepts else GZIPPED
            headers = [("Content-Type", "text/html; charset=utf-8")]
            if accepts:
                headers.append(("Content-Encoding", "gzip"))
            self._send(200, body, headers)
        elif path == "/chunked":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for chunk in CHUNKS:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
        elif path == "/attachment":
            disposition = b'attachment; filename="' + GBK_NAME + b'"'
            self._send(
                200,
                PDF,
                [
                    ("Content-Type", "application/pdf"),
                    ("Content-Disposition", disposition.decode("latin-1")),
                ],
            )
        elif path == "/js":
            accepts = "gzip" in (self.headers.get("Accept-Encoding") or "")
            body = gzip.compress(JS_PAGE, mtime=0) if accepts else JS_PAGE
            headers = [("Content-Type", "text/html; charset=utf-8")]
            if accepts:
                headers.append(("Content-Encoding", "gzip"))
            self._send(200, body, headers)
        elif path.startswith("/big/"):
            # /big/<MiB>.pdf, sent as it is generated (Content-Length known), like a scan
            mebibytes = int(path.rsplit("/", 1)[1].removesuffix(".pdf"))
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Length", str(mebibytes * BLOCK))
            self.end_headers()
            for block in big_blocks(mebibytes):
                self.wfile.write(block)
        elif path.startswith("/big-gzip/"):
            # /big-gzip/<MiB>.pdf: the same bytes gzip-encoded on the fly, sent chunked
            mebibytes = int(path.rsplit("/", 1)[1].removesuffix(".pdf"))
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            compressor = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS | 16)
            for block in big_blocks(mebibytes):
                data = compressor.compress(block)
                if data:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            data = compressor.flush()
            self.wfile.write(b"%x\r\n%s\r\n0\r\n\r\n" % (len(data), data))
        elif path == "/redirect":
            self._send(302, b"", [("Location", "/plain")])
        elif path == "/error":
            self._send(500, b"boom", [("Content-Type", "text/plain")])
        elif path.startswith("/page/"):
            number = int(path.rsplit("/", 1)[1])
            links = "".join(f'<a href="/page/{number * 4 + i}">p</a>' for i in range(1, 5))
            body = f"<html><body>{'填充' * 300}{links}</body></html>".encode()
            self._send(200, body, [("Content-Type", "text/html; charset=utf-8")])
        else:
            self._send(404, b"not here", [("Content-Type", "text/plain")])

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if self.path.startswith("/api/"):
            self._send(200, API_JSON, [("Content-Type", "application/json")])
            return
        self._send(200, b"<datastore>" + body + b"</datastore>", [("Content-Type", "text/xml")])


@pytest.fixture(scope="session")
def site() -> Iterator[str]:
    with serve(SiteHandler) as url:
        yield url


def crawl_command(
    out: Path, requests: list[dict[str, Any]], *, playwright: bool = False, **settings: Any
) -> list[str]:
    spec = {"out": str(out), "requests": requests, "settings": settings, "playwright": playwright}
    return [sys.executable, str(HELPER), json.dumps(spec)]


def run_crawl(
    out: Path, requests: list[dict[str, Any]], *, playwright: bool = False, **settings: Any
) -> dict[str, Any]:
    """Run a crawl to completion; returns the stats the helper prints as JSON."""
    done = subprocess.run(
        crawl_command(out, requests, playwright=playwright, **settings),
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def warcio_ok(path: Path) -> bool:
    """`warcio check` in-process (for loops over many files): parses, digests match."""
    with contextlib.redirect_stdout(io.StringIO()):
        return Checker(SimpleNamespace(inputs=[str(path)], verbose=False)).process_all() == 0


def warcio_check(path: Path) -> subprocess.CompletedProcess[str]:
    warcio = Path(sys.executable).with_name("warcio")
    return subprocess.run([str(warcio), "check", str(path)], capture_output=True, text=True)


def load(path: Path) -> list[dict[str, Any]]:
    """Every record of a file: type, WARC headers, HTTP headers, stored and decoded payload."""
    out = []
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream):
            http = record.http_headers
            item = {
                "type": record.rec_type,
                "warc": record.rec_headers,
                "http": http,
                "stored": record.raw_stream.read(),
            }
            out.append(item)
    with path.open("rb") as stream:
        for item, record in zip(out, ArchiveIterator(stream), strict=True):
            item["decoded"] = record.content_stream().read()
    return out


POST_BODY = "col=1&appid=1&webid=1&path=/&columnid=1234&unitid=5678"


@pytest.fixture(scope="session")
def crawl(site: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("crawl")
    requests = [
        {"url": f"{site}/plain", "report": True, "parent_url": f"{site}/list"},
        {"url": f"{site}/gzip", "report": True},
        {"url": f"{site}/chunked", "report": True},
        {"url": f"{site}/attachment", "report": True, "kind": "attachment",
         "filename": "2023年度报告.pdf"},
        {"url": f"{site}/redirect", "report": True},
        {"url": f"{site}/missing"},
        {"url": f"{site}/error"},
        {"url": f"{site}/dataproxy.jsp?startrecord=16", "method": "POST", "body": POST_BODY},
    ]  # fmt: skip
    stats = run_crawl(out, requests)
    files = iter_files([out / "warc"])
    records = {path: load(path) for path in files}
    return {"out": out, "stats": stats, "files": files, "records": records, "site": site}
