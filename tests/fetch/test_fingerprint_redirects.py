"""The fingerprint probe runs outside Scrapy's scope guard: it must not follow a redirect off
the host it was given (to a private network, a cloud metadata address, anywhere else)."""

from __future__ import annotations

import threading
import urllib.error
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from govcrawl.fetch.fingerprint import fetch_page


class _Redirector(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        target = {
            "/away": "http://169.254.169.254/latest/meta-data/",
            "/home": "/index.html",
        }.get(self.path)
        if target:
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = "<html><body>首页</body></html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Redirector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_redirect_on_the_same_host_is_followed(site: str) -> None:
    final, text, _ = fetch_page(site + "/home", timeout=5)
    assert final == site + "/index.html" and "首页" in text


def test_a_redirect_off_the_host_is_refused(site: str) -> None:
    with pytest.raises(urllib.error.HTTPError, match="redirect off the host"):
        fetch_page(site + "/away", timeout=5)
