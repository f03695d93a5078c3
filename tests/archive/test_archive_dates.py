"""WARC-Date is when the capture began (WARC 1.1 §5.4), not when the record was written: a
body that takes a while to arrive is dated by its request, before its first byte."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

from local_site import LocalSite, crawl
from warcio.archiveiterator import ArchiveIterator


class SlowFile(LocalSite):
    """Sends a PDF in pieces over about two seconds; notes when the request came and when the
    last byte went."""

    def __init__(self) -> None:
        self.asked = 0.0
        self.done = 0.0
        super().__init__()

    class Handler(LocalSite.Handler):
        server: SlowFile

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
    with SlowFile().serving() as site:
        url = f"{site.url}/slow.pdf"
        crawl(tmp_path, f"generic={url}")
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
