"""Cell texts of ruled PDF tables, on PDFs drawn here with exact glyph positions.

`govcrawl.clean.pdf` reads a table cell's text from an index of the page's chars instead of
cropping the page once per cell (the crop was the slow part). These tests pin merged cells,
several lines in one cell, running text between tables in reading order, glyphs lying across
a ruling line (each read in one cell only, unlike a crop), tables on a later page and spooled
input, and check every cell against the crop of the chars whose centre it holds.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pdfplumber
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from govcrawl.clean.grid import norm_space
from govcrawl.clean.pdf import pdf_blocks
from govcrawl.document import Paragraph, Table

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
pytestmark = pytest.mark.skipif(not FONT.exists(), reason="CJK font fonts-wqy-zenhei not installed")

Box = tuple[float, float, float, float]  # x0, top, x1, bottom in pdfplumber's page coordinates


class _Page:
    """Draws on a reportlab canvas in top-down coordinates, as pdfplumber reports them."""

    def __init__(self, pdf: canvas.Canvas) -> None:
        self.pdf = pdf
        self.height = A4[1]

    def text(self, x: float, top: float, text: str, size: float = 10) -> None:
        """`text` with its glyph boxes starting at `top` (pdfplumber's box is one size high)."""
        self.pdf.setFont("wqy", size)
        self.pdf.drawString(x, self.height - top - size * 0.86, text)

    def cells(self, boxes: list[Box]) -> None:
        """Ruling lines around each box; a merged cell is one box over several columns/rows."""
        self.pdf.setLineWidth(0.8)
        for x0, top, x1, bottom in boxes:
            self.pdf.rect(x0, self.height - bottom, x1 - x0, bottom - top)


def _report_pdf() -> bytes:
    """Two pages: prose, a table with spans and a two-line cell, prose, a table with glyphs
    across ruling lines, prose; then a table and prose on page 2."""
    pdfmetrics.registerFont(TTFont("wqy", str(FONT), subfontIndex=0))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    page = _Page(pdf)
    page.text(240, 60, "年度报告", size=16)
    page.text(80, 100, "一、主动公开情况如下表。")
    xs, ys = [80, 200, 300, 400], [130, 150, 180, 200]
    page.cells(
        [
            (xs[0], ys[0], xs[1], ys[1]),
            (xs[1], ys[0], xs[3], ys[1]),  # header over two columns
            (xs[0], ys[1], xs[1], ys[3]),  # label over two rows
            (xs[1], ys[1], xs[2], ys[2]),
            (xs[2], ys[1], xs[3], ys[2]),
            (xs[1], ys[2], xs[2], ys[3]),
            (xs[2], ys[2], xs[3], ys[3]),
        ]
    )
    page.text(90, 135, "信息内容")
    page.text(260, 135, "本年新制作数量")
    page.text(90, 170, "规章")
    page.text(210, 153, "本年新制作")  # two lines in one cell
    page.text(210, 166, "数量")
    page.text(310, 160, "12")
    page.text(210, 185, "3")
    page.text(310, 185, "45")
    page.text(80, 230, "二、依申请公开情况如下表。")
    page.cells(
        [(80, 260, 200, 280), (200, 260, 320, 280), (80, 280, 200, 300), (200, 280, 320, 300)]
    )
    page.text(90, 265, "申请")
    page.text(196, 265, "丙")  # glyph 196–206 across the ruling line at x=200
    page.text(260, 265, "7")
    page.text(90, 279.5, "驳回")  # boxes reach 0.5 pt above their row, as office exports draw
    page.text(260, 279.5, "8")
    page.text(80, 310, "以上为本年度统计。")
    pdf.showPage()
    page.cells([(80, 80, 200, 100), (200, 80, 320, 100)])
    page.text(90, 85, "总计")
    page.text(210, 85, "52")
    page.text(80, 130, "三、存在的主要问题。")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _texts(table: Table) -> dict[tuple[int, int, int, int], str]:
    return {(c.row, c.col, c.rowspan, c.colspan): c.text for c in table.cells}


def test_blocks_keep_spans_lines_and_reading_order() -> None:
    result = pdf_blocks(_report_pdf())
    kinds = "".join("T" if isinstance(block, Table) else "P" for block in result.blocks)
    assert kinds == "PPTPTPTP"  # title, prose, table, prose, table, prose / table, prose
    paragraphs = [block.text for block in result.blocks if isinstance(block, Paragraph)]
    assert paragraphs == [
        "年度报告",
        "一、主动公开情况如下表。",
        "二、依申请公开情况如下表。",
        "以上为本年度统计。",
        "三、存在的主要问题。",
    ]
    assert result.title == "年度报告" and not result.scanned and result.ocr_cells == []
    first, _, last = (block for block in result.blocks if isinstance(block, Table))
    assert _texts(first) == {
        (0, 0, 1, 1): "信息内容",
        (0, 1, 1, 2): "本年新制作数量",
        (1, 0, 2, 1): "规章",
        (1, 1, 1, 1): "本年新制作 数量",
        (1, 2, 1, 1): "12",
        (2, 1, 1, 1): "3",
        (2, 2, 1, 1): "45",
    }
    assert _texts(last) == {(0, 0, 1, 1): "总计", (0, 1, 1, 1): "52"}


def test_a_glyph_across_a_ruling_line_lands_in_one_cell() -> None:
    """A crop would keep every char its box overlaps, so "丙" would read in both cells of its
    row and the second row's glyphs in the first row too; each goes to the cell holding its
    centre."""
    tables = [b for b in pdf_blocks(_report_pdf()).blocks if isinstance(b, Table)]
    assert _texts(tables[1]) == {
        (0, 0, 1, 1): "申请",
        (0, 1, 1, 1): "丙 7",
        (1, 0, 1, 1): "驳回",
        (1, 1, 1, 1): "8",
    }


def _centred(cell: Box) -> Callable[[dict], bool]:
    """Keeps the page's objects except the chars whose centre lies outside `cell`."""
    x0, top, x1, bottom = cell

    def keep(obj: dict) -> bool:
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return obj.get("object_type") != "char" or (x0 <= cx <= x1 and top <= cy <= bottom)

    return keep


def test_every_cell_reads_as_the_crop_of_the_chars_it_centres() -> None:
    body = _report_pdf()
    tables = iter([b for b in pdf_blocks(body).blocks if isinstance(b, Table)])
    with pdfplumber.open(io.BytesIO(body)) as pdf:
        for page in pdf.pages:
            for found in page.find_tables():
                expected = sorted(
                    norm_space(
                        page.filter(_centred(cell)).crop(cell, strict=False).extract_text() or ""
                    )
                    for cell in found.cells
                )
                assert sorted(cell.text for cell in next(tables).cells) == expected


def test_spooled_input_reads_the_same(tmp_path: Path) -> None:
    body = _report_pdf()
    path = tmp_path / "report.pdf"
    path.write_bytes(body)
    with path.open("rb") as spooled:
        assert pdf_blocks(spooled) == pdf_blocks(body)
