"""WARC-Date is when the capture began (WARC 1.1 §5.4), not when the record was written: a
body that takes a while to arrive is dated by its request, before its first byte."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

DRIVER = Path(__file__).parents[1] / "hostile" / "crawl_driver.py"


class SlowFile(ThreadingHTTPServer):
    """Sends a PDF in pieces over about two seconds; notes when the request came and when the
    last byte went."""

    def __init__(self) -> None:
        self.asked = 0.0
        self.done = 0.0
        super().__init__(("127.0.0.1", 0), self.Handler)

    class Handler(BaseHTTPRequestHandler):
        server: SlowFile

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

        def do_GET(self) -> None:
            if self.path == "/robots.txt":
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.server.asked = time.time()
            pieces = [b"%PDF-1.4 slow"] + [b"0" * 1000] * 4
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Length", str(sum(map(len, pieces))))
            self.end_headers()
            for piece in pieces:
                self.wfile.write(piece)
                self.wfile.flush()
                time.sleep(0.5)
            self.server.done = time.time()


def test_a_slow_body_is_dated_by_its_request(tmp_path: Path) -> None:
    site = SlowFile()
    threading.Thread(target=site.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{site.server_address[1]}/slow.pdf"
        args = [sys.executable, str(DRIVER), str(tmp_path), f"generic={url}"]
        done = subprocess.run(args, capture_output=True, text=True, timeout=240, check=False)
        assert done.returncode == 0, done.stderr[-3000:]
    finally:
        site.shutdown()
        site.server_close()
    [warc] = (tmp_path / "warc").glob("*.warc.gz")
    with warc.open("rb") as stream:
        dates = {
            record.rec_type: record.rec_headers.get_header("WARC-Date")
            for record in ArchiveIterator(stream)
            if record.rec_headers.get_header("WARC-Target-URI") == url
        }
    for kind in ("request", "response"):
        date = datetime.strptime(dates[kind], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        # before the body began to arrive, let alone ended (the server slept 2 s sending it)
        assert date.timestamp() <= site.asked < site.done
