"""A start page whose fingerprint fetch fails in http.client still gets crawled.

`detect_family` fetches the start page with urllib before the crawl starts. http.client
raises its own exceptions (no OSError) for a chunked body cut short or a garbled status line;
they must fall back to generic discovery like a refused connection, not end `govcrawl crawl`
with a traceback. The server is a raw socket one, so it can send what no framework would.
"""

from __future__ import annotations

import logging
import os
import socketserver
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from govcrawl.fetch.oneoff import DetectingSpider, detect_family, spider_for_url

REPO = Path(__file__).resolve().parents[2]
PAGE = (
    "<html><head><meta charset='utf-8'><title>测试县人民政府2023年政府信息公开工作年度报告</title>"
    "</head><body>" + "<p>正文内容。</p>" * 200 + "</body></html>"
).encode()


def chunks(body: bytes, size: int = 100) -> bytes:
    return b"".join(b"%x\r\n%s\r\n" % (len(body[i : i + size]), body[i : i + size])
                    for i in range(0, len(body), size))  # fmt: skip


def answer(path: str) -> bytes:
    if path == "/truncated.html":  # half the chunks, no last chunk, then the connection ends
        head = (
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        return head + chunks(PAGE[: len(PAGE) // 2])
    if path == "/garbled.html":
        return b"HTP/1.1 two hundred\r\n\r\n" + PAGE
    body = b"User-agent: *\nDisallow:\n" if path == "/robots.txt" else b"not here"
    status = b"200 OK" if path == "/robots.txt" else b"404 Not Found"
    return b"HTTP/1.1 %s\r\nContent-Length: %d\r\n\r\n%s" % (status, len(body), body)


class RawHandler(socketserver.StreamRequestHandler):
    """One answer per connection, then close (the truncation is the early close)."""

    def handle(self) -> None:
        request_line = self.rfile.readline().decode("latin-1")
        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
            pass
        path = request_line.split(" ")[1] if " " in request_line else "/"
        self.wfile.write(answer(path))


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = Server(("127.0.0.1", 0), RawHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("page", ["truncated.html", "garbled.html"])
def test_http_client_failures_fall_back_to_generic_discovery(
    site: str, page: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="govcrawl.fetch.oneoff"):
        assert detect_family(f"{site}/{page}", timeout=5) == "generic"
    assert "using generic discovery" in caplog.text
    assert issubclass(spider_for_url(f"{site}/{page}"), DetectingSpider)


def test_crawl_of_a_truncated_start_page_runs_and_archives_it(site: str, tmp_path: Path) -> None:
    url = f"{site}/truncated.html"
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "govcrawl", "crawl", url, "--out", str(out), "--quiet",
         "-s", "RETRY_ENABLED=False", "-s", "AUTOTHROTTLE_ENABLED=False"],
        cwd=REPO,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert "using generic discovery" in result.stdout + result.stderr
    truncated = []
    for path in sorted((out / "warc").glob("*.warc.gz")):
        with path.open("rb") as stream:
            truncated += [
                record.rec_headers.get_header("WARC-Truncated")
                for record in ArchiveIterator(stream)
                if record.rec_type == "response"
                and record.rec_headers.get_header("WARC-Target-URI") == url
            ]
    assert truncated == ["disconnect"]


class RobotsSite(ThreadingHTTPServer):
    """A TRS-looking site whose robots.txt may keep govcrawl out; it logs what was asked."""

    def __init__(self, robots: bytes) -> None:
        self.robots = robots
        self.asked: list[str] = []
        super().__init__(("127.0.0.1", 0), self.Handler)

    class Handler(BaseHTTPRequestHandler):
        server: RobotsSite

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

        def do_GET(self) -> None:
            self.server.asked.append(self.path)
            body = self.server.robots if self.path == "/robots.txt" else PAGE
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)


@pytest.mark.parametrize(
    ("robots", "fetched"),
    [(b"User-agent: *\nDisallow: /\n", False), (b"User-agent: *\nAllow: /\n", True)],
)
def test_the_fingerprint_fetch_obeys_robots_txt(robots: bytes, fetched: bool) -> None:
    site = RobotsSite(robots)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    try:
        family = detect_family(f"http://127.0.0.1:{site.server_address[1]}/", timeout=5)
    finally:
        site.shutdown()
        site.server_close()
    assert family == "generic"
    assert site.asked[0] == "/robots.txt"
    assert ("/" in site.asked) is fetched
