"""One payload under two URLs with different Content-Encodings: `/plain.gz` serves a gzip file
as it is, `/page.html` serves the same bytes as a gzip-encoded page. The page is archived as an
identical-payload revisit of the file, and must still read as the page: on a re-crawl (no
304 answered with the file's headers) and in replay (decoded as the page's own headers say)."""

from __future__ import annotations

import gzip
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from local_site import LocalSite, crawl, run
from warcio.archiveiterator import ArchiveIterator

from govcrawl.store.dataset import Dataset

TITLE = "乙县人民政府2022年政府信息公开工作年度报告"
PAGE = (
    f"<html><head><meta charset='utf-8'><title>{TITLE}</title></head><body><h1>{TITLE}</h1>"
    + "<p>乙县人民政府办公室依照《中华人民共和国政府信息公开条例》编制本报告。</p>" * 40
    + "</body></html>"
).encode()
PACKED = gzip.compress(PAGE, mtime=0)


class TwoCodings(LocalSite):
    def __init__(self) -> None:
        self.conditional: list[str] = []
        super().__init__()

    class Handler(LocalSite.Handler):
        server: TwoCodings

        def do_GET(self) -> None:
            headers: list[tuple[str, str]]
            if self.path == "/robots.txt":
                body, headers = b"User-agent: *\nAllow: /\n", [("Content-Type", "text/plain")]
            elif self.path == "/xxgk/ndbg/":
                link = f'<a href="/page.html">{TITLE}</a>'
                body = f"<html><body><ul><li>{link}</li></ul></body></html>".encode()
                headers = [("Content-Type", "text/html; charset=utf-8")]
            elif self.path == "/plain.gz":
                body, headers = PACKED, [("Content-Type", "application/gzip")]
            elif self.path == "/page.html":
                time.sleep(0.5)  # after the file: the page is the revisit
                if self.headers.get("If-None-Match"):
                    self.server.conditional.append(self.path)
                    self.send_response(304)
                    self.send_header("ETag", '"page"')
                    self.end_headers()
                    return
                body = PACKED
                headers = [("Content-Type", "text/html; charset=utf-8")]
                headers += [("Content-Encoding", "gzip"), ("ETag", '"page"')]
            else:
                self.send_error(404)
                return
            self.send_response(200)
            for name, value in [*headers, ("Content-Length", str(len(body)))]:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)


@pytest.fixture(scope="module")
def twice(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TwoCodings, Path]]:
    out = tmp_path_factory.mktemp("codings")
    with TwoCodings().serving() as site:
        starts = f"generic={site.url}/plain.gz|{site.url}/xxgk/ndbg/"
        for _ in range(2):  # the second run is the re-crawl
            crawl(out, starts, "CONCURRENT_REQUESTS=1")
    yield site, out


def page_texts(out: Path) -> list[str]:
    return [r["text"] for r in Dataset(out).records() if r["source"]["url"].endswith("/page.html")]


def test_the_page_is_a_revisit_of_the_file(twice: tuple[TwoCodings, Path]) -> None:
    _, out = twice
    profiles = []
    for path in sorted((out / "warc").glob("*.warc.gz")):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                target = record.rec_headers.get_header("WARC-Target-URI") or ""
                if target.endswith("/page.html") and record.rec_type in ("response", "revisit"):
                    profiles.append(record.rec_headers.get_header("WARC-Profile"))
    assert profiles and all(p and p.endswith("identical-payload-digest") for p in profiles)


def test_a_recrawl_does_not_answer_the_page_with_the_files_headers(
    twice: tuple[TwoCodings, Path],
) -> None:
    site, out = twice
    assert site.conditional == []  # fetched whole: a 304 would be rebuilt from the file
    texts = page_texts(out)  # each run's record of the page
    assert len(texts) == 2 and all("乙县人民政府办公室依照" in text for text in texts)


def test_replay_reads_the_page_as_its_own_headers_say(
    twice: tuple[TwoCodings, Path], tmp_path: Path
) -> None:
    _, out = twice
    run("-m", "govcrawl", "replay", str(out / "warc"), "--out", str(tmp_path))
    texts = page_texts(tmp_path)
    assert texts and all("乙县人民政府办公室依照" in text for text in texts)
