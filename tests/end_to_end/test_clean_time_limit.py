"""A report that overruns the clean time limit is stopped, reported and kept; the crawl goes on.

The portal served here lists two reports: a normal one, and one whose 20,000-row table takes
seconds to parse in any process. With `GOVCRAWL_CLEAN_TIMEOUT` at half a second the slow one
is stopped in its worker process: one `clean` error names the limit, its response is still in
the WARC for a later replay with a sane limit, and the crawl finishes normally.
"""

from __future__ import annotations

import functools
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from govcrawl.store import Dataset

REPO = Path(__file__).resolve().parents[2]
TITLE = "某县人民政府{year}年政府信息公开工作年度报告"


def report_page(year: int, rows: int) -> str:
    cells = "".join(f"<tr><td>第{i}项</td><td>{i}</td><td>{i * 3}</td></tr>" for i in range(rows))
    title = TITLE.format(year=year)
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><h1>{title}</h1>"
        f"<p>{'本年度政府信息公开工作情况如下。' * 20}</p><table>{cells}</table></body></html>"
    )


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[str]:
    site = tmp_path / "site"
    site.mkdir()
    (site / "t20240115_1.html").write_text(report_page(2023, 20000), "utf-8")
    (site / "t20230120_1.html").write_text(report_page(2022, 5), "utf-8")
    links = "".join(
        f"<li><a href='{name}'>{TITLE.format(year=year)}</a></li>"
        for name, year in (("t20240115_1.html", 2023), ("t20230120_1.html", 2022))
    )
    (site / "index.html").write_text(
        f"<html><head><meta charset='utf-8'><title>年度报告</title></head><body><ul>{links}"
        "</ul></body></html>",
        "utf-8",
    )
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_report_over_the_time_limit_is_an_error_not_a_stopped_crawl(
    portal: str, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "govcrawl", "crawl", portal + "/index.html", "--out", str(out),
         "--quiet", "-s", "GOVCRAWL_CLEAN_TIMEOUT=0.5", "-s", "GOVCRAWL_ALLOW_PRIVATE_HOSTS=true"],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]

    slow = portal + "/t20240115_1.html"
    errors = Dataset(out).query("SELECT url, stage, reason FROM errors")
    assert [(url, stage) for url, stage, _ in errors] == [(slow, "clean")]
    assert "longer than 0.5 s (GOVCRAWL_CLEAN_TIMEOUT)" in errors[0][2]

    archived = set()
    for path in (out / "warc").glob("*.warc.gz"):
        with path.open("rb") as stream:
            archived |= {
                r.rec_headers.get_header("WARC-Target-URI")
                for r in ArchiveIterator(stream)
                if r.rec_type == "response"
            }
    assert slow in archived
