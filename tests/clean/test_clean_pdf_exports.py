"""Cleaning PDFs that LibreOffice exported from the farm's DOCX and XLSX renders.

Word/WPS reports reach portals as office exports, and their PDFs differ from the reportlab
ones the farm draws: glyph boxes reach about half a point past a ruling line into the row
above, and a spreadsheet centres a wrapped label on a row too short for it, so the label
spills into the rows around it. The exports under `govcrawl/demo_farm/assets/lo_exports/`
are kept as bytes (LibreOffice output is not reproducible byte for byte); `exports.json`
names the report each was made from, so the ground truth is rebuilt from the farm here.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

import govcrawl.demo_farm
from govcrawl.clean.pdf import PdfResult, pdf_blocks
from govcrawl.demo_farm.render.layout import document_blocks, style_for
from govcrawl.demo_farm.reports import GeneratedReport, generate_reports
from govcrawl.document import Source, Table
from govcrawl.process import process_source

ASSETS = Path(govcrawl.demo_farm.__file__).parent / "assets" / "lo_exports"
EXPORTS: dict[str, dict[str, Any]] = json.loads((ASSETS / "exports.json").read_text())["exports"]
WORD = sorted(name for name, entry in EXPORTS.items() if entry["render"] == "render_docx")
SHEET = sorted(name for name, entry in EXPORTS.items() if entry["render"] == "render_xlsx")
_SPACE = re.compile(r"\s")
_NUMBER = re.compile(r"^[-+\d.,]+$")


def _body(name: str) -> bytes:
    return (ASSETS / name).read_bytes()


@cache
def _report(name: str) -> GeneratedReport:
    entry = EXPORTS[name]
    # generate_reports(seed, n) is not prefix-stable: report i is rebuilt with the same n.
    return generate_reports(entry["seed"], entry["count"])[entry["index"]]


@cache
def _cleaned(name: str) -> PdfResult:
    return pdf_blocks(_body(name))


@cache
def _record(name: str) -> dict[str, Any]:
    source = Source(
        url=f"http://127.0.0.1/{name}",
        body=_body(name),
        content_type="application/pdf",
        kind="attachment",
    )
    return process_source(source)


def _truth_cells(report: GeneratedReport, table: str | None = None) -> Counter[str]:
    """Non-empty cell texts of the farm's layout of the report (what the DOCX/XLSX hold)."""
    cells: Counter[str] = Counter()
    for block in document_blocks(report, style_for(report, 0), title=True):
        if block.table is not None and table in (None, block.table.name):
            cells.update(t for cell in block.table.cells if (t := _SPACE.sub("", cell.text)))
    return cells


def _cells(result: PdfResult) -> Counter[str]:
    return Counter(
        text
        for block in result.blocks
        if isinstance(block, Table)
        for cell in block.cells
        if (text := _SPACE.sub("", cell.text))
    )


def test_the_manifest_covers_both_templates_and_both_office_formats() -> None:
    assert {EXPORTS[name]["template"] for name in WORD} == {"2019", "2021"}
    assert SHEET
    for name, entry in EXPORTS.items():
        assert (entry["year"], entry["template"]) == (_report(name).year, _report(name).template)


@pytest.mark.parametrize("name", WORD)
def test_word_export_record_has_every_table_value(name: str) -> None:
    tables = _record(name)["tables"]
    for table, values in _report(name).tables.items():
        assert {key: tables.get(table, {}).get(key) for key in values} == values, table


@pytest.mark.parametrize("name", WORD)
def test_word_export_cells_are_ground_truth_cells(name: str) -> None:
    """Each cell reads as a cell of the source document; a row that a page break cuts in two
    gives a head and a tail, both of which must then be there."""
    truth = _truth_cells(_report(name))
    got = _cells(_cleaned(name))
    for text in got:
        if text in truth:
            continue
        assert any(
            (whole.startswith(text) and whole[len(text) :] in got)
            or (whole.endswith(text) and whole[: -len(text)] in got)
            for whole in truth
        ), text


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_glyphs_overhang_ruling_lines_yet_each_is_read_once(name: str) -> None:
    """Office glyph boxes cross ruling lines (so a glyph overlaps two cells), but every glyph
    lands in one place: in exactly one cell, or in the running text."""
    page_chars: Counter[str] = Counter()
    overhanging = 0
    with pdfplumber.open(io.BytesIO(_body(name))) as pdf:
        for page in pdf.pages:
            page_chars.update(c["text"] for c in page.chars if not c["text"].isspace())
            for table in page.find_tables():
                for char in page.chars:
                    met = sum(
                        char["x0"] < x1
                        and x0 < char["x1"]
                        and char["top"] < b
                        and t < char["bottom"]
                        for x0, t, x1, b in table.cells
                    )
                    overhanging += met > 1
    assert overhanging > 0
    read: Counter[str] = Counter()
    for block in _cleaned(name).blocks:
        texts = [c.text for c in block.cells] if isinstance(block, Table) else [block.text]
        read.update(ch for text in texts for ch in text if not ch.isspace())
    assert not read - page_chars


@pytest.mark.parametrize("name", SHEET)
def test_spreadsheet_export_reads_overflowing_labels_whole(name: str) -> None:
    """Calc centres a wrapped label on its short row, so its first line lies mostly in the
    row above; the label still reads whole, in its own cell (the active-disclosure table
    fits one page width). Numbers are left to the record: Calc shows 1677.00 as 1677."""
    report = _report(name)
    labels = Counter(
        {t: n for t, n in _truth_cells(report, "active_disclosure").items() if not _NUMBER.match(t)}
    )
    assert labels and not labels - _cells(_cleaned(name))
    record = _record(name)["tables"]
    assert record["active_disclosure"] == report.tables["active_disclosure"]


@pytest.mark.parametrize("name", SHEET)
def test_spreadsheet_export_values_are_right_where_read(name: str) -> None:
    """Calc prints the wide tables as column pages, which the cleaner joins, and leaves out
    the first and last lines of labels wrapped over three lines or more, whose rows extract
    names by the piece left when only one row's label holds it. None that is read may be
    wrong, and nearly all are read (before the column join and the pieces, about a third)."""
    tables = _record(name)["tables"]
    read_count = total = 0
    for table, values in _report(name).tables.items():
        read = {k: v for k, v in tables.get(table, {}).items() if k in values and v is not None}
        assert read == {k: values[k] for k in read}, table
        read_count += len(read)
        total += len(values)
    assert read_count >= 0.95 * total, (read_count, total)
