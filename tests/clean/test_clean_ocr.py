"""OCR of scanned PDFs: grids from the rules on the image, few tesseract calls, exact values.

The round trip renders one of the demo farm's generated reports as a scanned PDF (page images
only) and requires every table value of the record to equal the report's ground truth.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from govcrawl.clean import clean_bytes
from govcrawl.clean.ocr import (
    WORKERS,
    Strip,
    Word,
    _adds_ones,
    find_grids,
    run_tesseract,
    value_cells,
)
from govcrawl.demo_farm.render import render_scanned_pdf
from govcrawl.demo_farm.reports import generate_reports
from govcrawl.document import Source
from govcrawl.extract import build_record

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
needs_ocr = pytest.mark.skipif(
    shutil.which("tesseract") is None or not FONT.exists(),
    reason="tesseract or the CJK font is not installed",
)


def _ruled(spans: bool) -> np.ndarray:
    """Ink of a 3×4 ruled table (300 dpi) whose first row spans all columns when `spans`,
    with a long stroke of text inside a cell that must not count as a rule."""
    image = Image.new("L", (1600, 900), 255)
    draw = ImageDraw.Draw(image)
    xs, ys = [100, 700, 1000, 1300, 1500], [100, 300, 500, 700]
    for y in ys:
        draw.line([(xs[0], y), (xs[-1], y)], fill=0, width=4)
    for x in xs:
        top = ys[1] if spans and x not in (xs[0], xs[-1]) else ys[0]
        draw.line([(x, top), (x, ys[-1])], fill=0, width=4)
    draw.line([(150, 420), (400, 420)], fill=0, width=3)  # touching glyphs' strokes, in a cell
    return np.asarray(image) < 128


@pytest.mark.parametrize("spans", [True, False])
def test_grid_from_rules(spans: bool) -> None:
    grids, rules = find_grids(_ruled(spans))
    assert len(grids) == 1
    cells = {(c.row, c.col): (c.rowspan, c.colspan) for c in grids[0].cells}
    if spans:
        assert cells[(0, 0)] == (1, 4) and (0, 1) not in cells
    else:
        assert cells[(0, 0)] == (1, 1) and cells[(0, 3)] == (1, 1)
    assert cells[(2, 3)] == (1, 1) and len(grids[0].ys) == 4
    assert not rules[420, 300]  # the stroke inside a cell is text, not a rule


def test_strip_places_words_by_centre() -> None:
    crops = [((0, 0, i, i, 1), Image.new("L", (60, 40), 255)) for i in range(5)]
    strip = Strip(crops, columns=2, lines=True)
    images = strip.images()
    assert len(images) == 3  # one image per line of two slots
    words = [
        Word(0, 1, 1, 1, strip.pitch + 90, 40, 20, 20, "7"),  # image 0, second slot
        Word(2, 1, 1, 1, 90, 40, 20, 20, "12"),  # image 2, first slot
    ]
    assert strip.texts(words) == {(0, 0, 1, 1, 1): "7", (0, 0, 4, 4, 1): "12"}


def test_value_cells_by_column_and_row() -> None:
    first = {
        (0, 0, 0, 0, 0): "信息内容",
        (0, 0, 1, 0, 1): "本年制发件数",
        (0, 0, 2, 1, 0): "规章",
        (0, 0, 3, 1, 1): "外",  # a 4 misread, in a row of values
        (0, 0, 9, 1, 2): "3",
        (0, 0, 10, 1, 3): "5",
        (0, 0, 4, 2, 0): "规范性文件",
        (0, 0, 5, 2, 1): "12",
        (0, 0, 6, 3, 0): "行政许可",
        (0, 0, 7, 3, 1): "O",
        (0, 0, 8, 4, 1): "无",
    }
    chosen = value_cells(first, list(first))
    assert chosen == {
        (0, 0, k, r, c) for k, r, c in [(3, 1, 1), (5, 2, 1), (7, 3, 1), (9, 1, 2)]
    } | {(0, 0, 10, 1, 3)}


@pytest.mark.parametrize(
    ("short", "long", "expected"),
    [("-", "-1", True), ("1", "11", True), ("20", "210", True), ("4", "44", False)],
)
def test_backup_reading_only_adds_ones(short: str, long: str, expected: bool) -> None:
    assert _adds_ones(short, long) is expected


@needs_ocr
def test_scanned_report_round_trip_is_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every table value of a generated report comes back from its scanned PDF, in at most
    a fixed number of tesseract runs for the whole document."""
    report = generate_reports(2024, 1)[0]
    body = render_scanned_pdf(report)
    calls: list[int] = []

    def counting(images: list[Image.Image], *args: str) -> list[Word]:
        calls.append(len(images))
        return run_tesseract(images, *args)

    monkeypatch.setattr("govcrawl.clean.ocr.run_tesseract", counting)
    doc = clean_bytes(body, "application/pdf")
    assert 2 <= len(calls) <= WORKERS + 3
    assert "scanned_pdf" not in doc.flags and len(doc.tables) == 3
    assert all(t.source == "pdf-ocr" for t in doc.tables)
    values = {(c.row, c.col) for c in doc.tables[1].cells if c.text.isdigit()}
    assert values <= {(r, c) for t, r, c in doc.ocr_cells if t == 1}
    record = build_record(doc, Source(url="http://127.0.0.1/a.pdf", body=body))
    for table, expected in report.tables.items():
        assert record["tables"][table] == expected, table
    assert record["year"] == report.year
