"""A server that answers `Content-Encoding: br` unasked: the crawl asks for gzip and deflate
only, archives the brotli body as sent, and replay and packaging still read it (warcio's
brotli decoder, mended by `govcrawl.archive.warcio_brotli`, fails on Scrapy's brotli); and a
packaging failure leaves no half-written WACZ."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import brotli
import pytest
import wacz.main
from local_site import LocalSite, crawl, run
from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import DecompressingBufferedReader

import govcrawl.archive  # noqa: F401  (installs the brotli decompressor)
from govcrawl.archive.package import package_wacz
from govcrawl.demo_farm.hostile import build_content
from govcrawl.store.dataset import Dataset

REPORT = "/xxgk/ndbg/report.html"


def test_warcio_reads_brotli_with_scrapys_brotli() -> None:
    text = "政府信息公开工作年度报告".encode() * 500
    reader = DecompressingBufferedReader(io.BytesIO(brotli.compress(text)), decomp_type="br")
    assert reader.read() == text


class BrotliSite(LocalSite):
    def __init__(self) -> None:
        content = build_content(2024)
        self.report = content.pages[content.paths["waf_report"]].body
        self.accepted: list[str] = []
        super().__init__()

    class Handler(LocalSite.Handler):
        server: BrotliSite

        def do_GET(self) -> None:
            self.server.accepted.append(self.headers.get("Accept-Encoding", ""))
            if self.path == "/robots.txt":
                body = b"User-agent: *\nAllow: /\n"
            elif self.path == "/xxgk/ndbg/":
                link = f'<a href="{REPORT}">2023年政府信息公开工作年度报告</a>'
                body = f"<html><body><ul><li>{link}</li></ul></body></html>".encode()
            elif self.path == REPORT:
                body = self.server.report
            else:
                self.send_error(404)
                return
            packed = brotli.compress(body)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Encoding", "br")  # whatever the client accepts
            self.send_header("Content-Length", str(len(packed)))
            self.end_headers()
            self.wfile.write(packed)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[BrotliSite, Path]]:
    out = tmp_path_factory.mktemp("brotli")
    with BrotliSite().serving() as site:
        crawl(out, f"generic={site.url}/xxgk/ndbg/")
    yield site, out


def test_the_crawl_asks_for_gzip_and_deflate_only(crawled: tuple[BrotliSite, Path]) -> None:
    site, out = crawled
    assert site.accepted and set(site.accepted) == {"gzip, deflate"}
    [record] = Dataset(out).records()
    assert record["source"]["url"].endswith(REPORT)


def test_brotli_records_are_stored_as_sent_and_replay(
    crawled: tuple[BrotliSite, Path], tmp_path: Path
) -> None:
    _, out = crawled
    [warc] = (out / "warc").glob("*.warc.gz")
    with warc.open("rb") as stream:
        encodings = [
            record.http_headers.get_header("Content-Encoding")
            for record in ArchiveIterator(stream)
            if record.rec_type == "response"
        ]
    assert encodings and set(encodings) == {"br"}
    live = [r["text"] for r in Dataset(out).records()]
    run("-m", "govcrawl", "replay", str(out / "warc"), "--out", str(tmp_path))
    assert [r["text"] for r in Dataset(tmp_path).records()] == live


def test_brotli_records_package_into_a_valid_wacz(
    crawled: tuple[BrotliSite, Path], tmp_path: Path
) -> None:
    _, out = crawled
    wacz = tmp_path / "run.wacz"
    done = run("-m", "govcrawl", "package", str(out), "-o", str(wacz))
    assert "WACZ valid" in done.stderr


def test_a_failed_package_leaves_no_wacz(
    crawled: tuple[BrotliSite, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """py-wacz writes its zip as it goes: a failure half-way must not leave a broken file."""
    _, out = crawled

    def fail_half_way(args: list[str]) -> int:
        output = Path(args[args.index("-o") + 1])
        output.write_bytes(b"PK\x03\x04 half a zip")
        raise RuntimeError("cannot read a record")

    monkeypatch.setattr(wacz.main, "main", fail_half_way)
    target = tmp_path / "run.wacz"
    with pytest.raises(RuntimeError):
        package_wacz([out], target, title="run")
    assert list(tmp_path.iterdir()) == []
