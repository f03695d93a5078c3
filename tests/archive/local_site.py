"""A test's own HTTP site on 127.0.0.1 and a crawl of it by the crawl driver (a subprocess, as
a Twisted reactor cannot restart in the pytest process): what the archive tests that serve
their own edge cases share."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

DRIVER = Path(__file__).parents[1] / "hostile" / "crawl_driver.py"


class LocalSite(ThreadingHTTPServer):
    """A server on a free 127.0.0.1 port for its `Handler`."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), self.Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    @contextmanager
    def serving(self) -> Iterator[LocalSite]:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        try:
            yield self
        finally:
            self.shutdown()
            self.server_close()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the tests read what the crawl archived."""


@contextmanager
def serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """The base URL of a 127.0.0.1 server for `handler` while the block runs."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """`python ARGS…` (the crawl driver, or `-m govcrawl …`), which must succeed."""
    done = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=240, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def crawl(out: Path, spec: str, *settings: str) -> None:
    """Crawl `spec` (`FAMILY=URL[|URL…]`) into `out`, with `-s NAME=VALUE` settings."""
    run(str(DRIVER), str(out), spec, *(arg for s in settings for arg in ("-s", s)))
