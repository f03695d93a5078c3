"""A spooled payload (a large download on disk, still content-encoded) cleans like the same
bytes held in memory, and an encoding we cannot undo is a clear CleanError."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import pytest

from govcrawl.clean import CleanError, clean_bytes, clean_source
from govcrawl.demo_farm.render import render_docx, render_pdf
from govcrawl.demo_farm.reports import generate_reports
from govcrawl.document import Source, SpooledBody

REPORT = generate_reports(7, 1)[0]


def spooled_source(tmp_path: Path, payload: bytes, encoding: tuple[str, ...], name: str) -> Source:
    path = tmp_path / "body.part"
    path.write_bytes(payload)
    return Source(
        url=f"http://127.0.0.1/{name}",
        body=b"",
        content_type="application/octet-stream",
        filename=name,
        spooled=SpooledBody(path=str(path), size=len(payload), content_encoding=encoding),
    )


@pytest.mark.parametrize(
    ("render", "name"), [(render_pdf, "report.pdf"), (render_docx, "report.docx")]
)
@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ((), lambda b: b),
        (("gzip",), lambda b: gzip.compress(b, mtime=0)),
        (("deflate",), zlib.compress),
        (("gzip", "gzip"), lambda b: gzip.compress(gzip.compress(b, mtime=0), mtime=0)),
    ],
)
def test_spooled_payload_cleans_like_bytes(tmp_path: Path, render, name, encoding, encode) -> None:
    document = render(REPORT)
    expected = clean_bytes(document, "application/octet-stream", [name])
    got = clean_source(spooled_source(tmp_path, encode(document), encoding, name))
    assert got.text() == expected.text()
    assert [type(b).__name__ for b in got.blocks] == [type(b).__name__ for b in expected.blocks]
    assert got.format == expected.format


def test_unsupported_or_broken_encoding_is_a_clean_error(tmp_path: Path) -> None:
    with pytest.raises(CleanError, match="not supported"):
        clean_source(spooled_source(tmp_path, b"xx", ("compress",), "a.pdf"))
    with pytest.raises(CleanError, match="not valid gzip"):
        clean_source(spooled_source(tmp_path, b"not gzip at all", ("gzip",), "a.pdf"))
