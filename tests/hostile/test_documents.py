"""Broken and disguised documents: a CleanError with a clear reason, or a correct record.

The payloads are the hostile portal's own files (no server needed). The zip-slip test runs the
whole clean+extract of the DOCX carrying `../../evil.txt` from a working directory two levels
below an empty folder, with TMPDIR pointed into it: an extraction by entry name would leave the
file there.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from govcrawl.clean import CleanError, clean_source
from govcrawl.demo_farm.hostile import BIG_TABLE_ROWS, P, build_content
from govcrawl.document import Source, Table
from govcrawl.extract import build_record
from govcrawl.process import process_source

CONTENT = build_content(2024)
BASE = "http://127.0.0.1:8101"


def source(path: str) -> Source:
    resource = CONTENT.pages[path]
    return Source(
        url=BASE + path,
        body=resource.body,
        content_type=resource.content_type,
        final_url=BASE + path,
        kind="attachment",
        filename=path.rsplit("/", 1)[-1],
    )


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("malformed_pdf", "pdf:"),
        ("encrypted_pdf", "pdf:"),
        ("corrupt_docx", "docx: not a readable Word document"),
        ("random_doc", "unknown format"),
    ],
)
def test_broken_documents_raise_clean_error(key: str, reason: str) -> None:
    with pytest.raises(CleanError) as caught:
        process_source(source(P[key]))
    assert str(caught.value).startswith(reason)


@pytest.mark.parametrize(
    ("role", "fmt"), [("zip_slip_docx", "docx"), ("pdf_as_docx", "pdf"), ("docx_as_pdf", "docx")]
)
def test_disguised_documents_read_by_their_bytes(role: str, fmt: str) -> None:
    truth = next(t for t in CONTENT.truth if t["path"] == CONTENT.paths[role])
    record = process_source(source(CONTENT.paths[role]))
    assert record["source"]["format"] == fmt == truth["format"]
    assert record["year"] == truth["year"]


def test_zip_slip_docx_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr(tempfile, "tempdir", None)  # re-read TMPDIR
    process_source(source(CONTENT.paths["zip_slip_docx"]))
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


@pytest.mark.timeout(120)  # a hang detector, not a performance threshold
def test_ten_thousand_cell_page_cleans() -> None:
    page = source(P["big_table"])
    doc = clean_source(page)
    [table] = [b for b in doc.blocks if isinstance(b, Table)]
    assert len(table.cells) == BIG_TABLE_ROWS * 4
    record = build_record(doc, page)
    assert "not_annual_report" in record["flags"] or not any(record["tables"].values())
