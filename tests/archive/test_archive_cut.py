"""A download cut at DOWNLOAD_MAXSIZE is archived as what arrived, `WARC-Truncated: length`:
refused from its Content-Length (headers only) and cut while a chunked body streams in (the
bytes received, past the spool threshold so from the spool file). The error row stays."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from archive_site import warcio_ok
from local_site import LocalSite, crawl
from warcio.archiveiterator import ArchiveIterator

from govcrawl.store.dataset import Dataset

LIMIT = 1_000_000
BIG = 3 * LIMIT


class BigFiles(LocalSite):
    class Handler(LocalSite.Handler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            if self.path == "/robots.txt":
                body = b"User-agent: *\nAllow: /\n"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("X-Served-By", "big-files")
            if self.path == "/declared.pdf":
                self.send_header("Content-Length", str(BIG))
                self.end_headers()
                self.wfile.write(b"%PDF" + b"0" * (BIG - 4))
                return
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            block = b"%PDF" + b"1" * (64 * 1024 - 4)
            try:
                for _ in range(BIG // len(block)):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(block), block))
                self.wfile.write(b"0\r\n\r\n")
            except OSError:
                pass  # the crawler hung up at its limit


@pytest.fixture(scope="module")
def cut_crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    out = tmp_path_factory.mktemp("cut")
    with BigFiles().serving() as site:
        starts = f"generic={site.url}/declared.pdf|{site.url}/streamed.pdf"
        crawl(out, starts, f"DOWNLOAD_MAXSIZE={LIMIT}", "GOVCRAWL_SPOOL_THRESHOLD=100000")
    yield site.url, out


def exchanges(out: Path) -> dict[str, dict]:
    found: dict[str, dict] = {}
    [warc] = (out / "warc").glob("*.warc.gz")
    assert warcio_ok(warc)
    with warc.open("rb") as stream:
        for record in ArchiveIterator(stream):
            target = record.rec_headers.get_header("WARC-Target-URI") or ""
            entry = found.setdefault(target.rsplit("/", 1)[-1], {})
            if record.rec_type == "response":
                entry["response"] = record.rec_headers.get_header("WARC-Record-ID")
                entry["truncated"] = record.rec_headers.get_header("WARC-Truncated")
                entry["served_by"] = record.http_headers.get_header("X-Served-By")
                entry["body"] = len(record.raw_stream.read())
            elif record.rec_type == "request":
                entry["request_to"] = record.rec_headers.get_header("WARC-Concurrent-To")
    return found


@pytest.mark.parametrize(
    ("name", "smallest", "largest"),
    [("declared.pdf", 0, 0), ("streamed.pdf", 1, LIMIT + 64 * 1024)],
)
def test_a_cut_download_is_archived_truncated(
    cut_crawl: tuple[str, Path], name: str, smallest: int, largest: int
) -> None:
    _, out = cut_crawl
    entry = exchanges(out)[name]
    assert entry["truncated"] == "length" and entry["served_by"] == "big-files"
    assert entry["request_to"] == entry["response"]
    assert smallest <= entry["body"] <= largest


def test_the_cut_still_fails_the_download_and_leaves_no_spool(cut_crawl: tuple[str, Path]) -> None:
    url, out = cut_crawl
    reasons = dict(Dataset(out).query("SELECT url, reason FROM errors"))
    assert set(reasons) == {f"{url}/declared.pdf", f"{url}/streamed.pdf"}
    assert all(reason.startswith("too large") for reason in reasons.values())
    assert not list(Dataset(out).records())
    assert not [p for p in (out / "spool").rglob("*") if p.is_file()]
