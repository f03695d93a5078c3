"""The archive replays in pywb: chunked, gzip and raw-header responses come back as served.

pywb is not a project dependency; it lives in its own venv (`.venv-pywb`, pywb 2.10) when it is
installed, and this test is skipped without it.
"""

from __future__ import annotations

import gzip
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from archive_site import CHUNKS, GBK_NAME, GZIPPED, PDF, REPO

PYWB = REPO / ".venv-pywb" / "bin"

pytestmark = pytest.mark.skipif(not (PYWB / "wayback").exists(), reason="pywb venv absent")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, Any, bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.headers, response.read()


def test_pywb_replays_what_the_server_sent(crawl: dict[str, Any], tmp_path: Path) -> None:
    subprocess.run([str(PYWB / "wb-manager"), "init", "c"], cwd=tmp_path, check=True,
                   capture_output=True)  # fmt: skip
    files = [str(p) for p in crawl["files"]]
    subprocess.run([str(PYWB / "wb-manager"), "add", "c", *files], cwd=tmp_path, check=True,
                   capture_output=True)  # fmt: skip
    port = free_port()
    server = subprocess.Popen(
        [str(PYWB / "wayback"), "-p", str(port), "-b", "127.0.0.1"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}/c/2030id_/{crawl['site']}"
        deadline = time.monotonic() + 60
        while True:
            try:
                status, headers, body = fetch(base + "/chunked")
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert status == 200
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert body == b"".join(CHUNKS)

        status, headers, body = fetch(base + "/gzip")
        assert headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(body) == GZIPPED

        status, headers, body = fetch(base + "/attachment")
        assert body == PDF
        disposition = headers["Content-Disposition"].encode("latin-1")
        assert disposition == b'attachment; filename="' + GBK_NAME + b'"'
    finally:
        server.terminate()
        server.wait(timeout=10)
