"""Round trips through the binary formats: documents built here with merged cells come back
as grids with the same spans, paragraphs in body order."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import SimpleDocTemplate, TableStyle
from reportlab.platypus import Table as RLTable

from govcrawl.clean import CleanError, clean_bytes, clean_source
from govcrawl.document import CleanDocument, Source, Table

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
TITLE = "某县人民政府2023年政府信息公开工作年度报告"
INTRO = "一、总体情况。本年度主动公开政府信息120条。"
OUTRO = "五、存在的主要问题及改进情况。公开形式仍较单一。"
# group header spanning three columns, a label spanning two rows, values
ROWS = [
    ["第二十条第（一）项", "", "", ""],
    ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
    ["规章", "1", "2", "3"],
    ["", "4", "5", "6"],
]
SPANS = {(0, 0): (1, 4), (2, 0): (2, 1)}


def _assert_grid(table: Table) -> None:
    grid = table.grid()
    assert (table.n_rows, table.n_cols) == (4, 4)
    for (r, c), (rs, cs) in SPANS.items():
        cell = grid[r][c]
        assert (cell.row, cell.col, cell.rowspan, cell.colspan) == (r, c, rs, cs)
        assert cell.text == ROWS[r][c]
    assert grid[3][0] is grid[2][0]
    assert [c.text for c in grid[3][1:]] == ["4", "5", "6"]
    assert [c.text for c in grid[1]] == ROWS[1]


def _assert_order(doc: CleanDocument) -> None:
    kinds = ["T" if isinstance(b, Table) else b.text for b in doc.blocks]
    assert kinds.index(INTRO) < kinds.index("T") < kinds.index(OUTRO)


def _docx_bytes() -> bytes:
    document = Document()
    document.add_heading(TITLE, level=1)
    document.add_paragraph(INTRO)
    table = document.add_table(rows=4, cols=4)
    for r, row in enumerate(ROWS):
        for c, text in enumerate(row):
            if text:
                table.cell(r, c).text = text
    table.cell(0, 0).merge(table.cell(0, 3))
    table.cell(2, 0).merge(table.cell(3, 0))
    document.add_paragraph(OUTRO)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_round_trip() -> None:
    doc = clean_source(Source(url="http://127.0.0.1/upload/17051234", body=_docx_bytes()))
    assert doc.format == "docx"
    assert doc.title == TITLE
    _assert_grid(doc.tables[0])
    _assert_order(doc)


def test_xlsx_round_trip() -> None:
    doc = clean_bytes(_xlsx_bytes(), "application/octet-stream", ["report.xlsx"])
    assert doc.format == "xlsx"
    assert doc.blocks[0].text == "主动公开"
    _assert_grid(doc.tables[0])


def _pdf_bytes(encrypt: StandardEncryption | None = None) -> bytes:
    pdfmetrics.registerFont(TTFont("wqy", str(FONT), subfontIndex=0))
    style = ParagraphStyle("cjk", fontName="wqy", fontSize=11, leading=16, wordWrap="CJK")
    data = [list(row) for row in ROWS]
    table = RLTable(data, colWidths=[120, 100, 100, 100])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), "wqy"),
                ("GRID", (0, 0), (-1, -1), 0.8, "black"),
                ("SPAN", (0, 0), (3, 0)),
                ("SPAN", (0, 2), (0, 3)),
            ]
        )
    )
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, encrypt=encrypt).build(
        [RLParagraph(TITLE, style), RLParagraph(INTRO, style), table, RLParagraph(OUTRO, style)]
    )
    return buffer.getvalue()


@pytest.mark.skipif(not FONT.exists(), reason="CJK font fonts-wqy-zenhei not installed")
def test_pdf_round_trip() -> None:
    doc = clean_bytes(_pdf_bytes(), "application/pdf", ["a.pdf"])
    assert doc.format == "pdf" and "scanned_pdf" not in doc.flags
    _assert_grid(doc.tables[0])
    _assert_order(doc)
    assert doc.title == TITLE


def test_encrypted_and_broken_pdfs_raise_clean_error() -> None:
    locked = _pdf_bytes(StandardEncryption("secret", "owner"))
    with pytest.raises(CleanError, match="pdf"):
        clean_bytes(locked, "application/pdf")
    with pytest.raises(CleanError, match="pdf"):
        clean_bytes(b"%PDF-1.4\n1 0 obj garbage", "application/pdf")


def _soffice_convert(source: Path, target_format: str) -> bytes:
    """`source` converted by headless LibreOffice (own profile) to `target_format`."""
    out = source.parent / "out"
    args = [
        "soffice",
        f"-env:UserInstallation={(source.parent / 'profile').as_uri()}",
        "--headless",
        "--convert-to",
        target_format,
        "--outdir",
        str(out),
        str(source),
    ]
    subprocess.run(args, capture_output=True, timeout=120, check=True)
    return (out / f"{source.stem}.{target_format}").read_bytes()


def _xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "主动公开"
    for r, row in enumerate(ROWS, start=2):  # the table starts at B2, as sheets often do
        for c, text in enumerate(row, start=2):
            if text:
                sheet.cell(r, c, int(text) if text.isdigit() else text)
    sheet.merge_cells("B2:E2")
    sheet.merge_cells("B4:B5")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_doc_and_wps_convert_through_libreoffice(tmp_path: Path) -> None:
    source = tmp_path / "report.docx"
    source.write_bytes(_docx_bytes())
    body = _soffice_convert(source, "doc")
    for name, fmt in [("/uploads/2024/01/17051234.doc", "doc"), ("附件1.wps", "wps")]:
        doc = clean_bytes(body, "application/octet-stream", [name])
        assert doc.format == fmt
        _assert_grid(doc.tables[0])
        _assert_order(doc)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_xls_round_trip(tmp_path: Path) -> None:
    source = tmp_path / "report.xlsx"
    source.write_bytes(_xlsx_bytes())
    doc = clean_bytes(_soffice_convert(source, "xls"), None, ["download.jsp"])
    assert doc.format == "xls"
    _assert_grid(doc.tables[0])


def _scanned_pdf() -> bytes:
    """An image-only PDF: a title line and a ruled 3×3 table whose header spans two columns."""
    font = ImageFont.truetype(str(FONT), 40)
    image = Image.new("RGB", (1654, 1100), "white")
    draw = ImageDraw.Draw(image)
    draw.text((150, 100), "政府信息公开工作年度报告", font=font, fill="black")
    xs, ys = [150, 650, 1000, 1350], [300, 400, 500, 600]
    for y in ys:
        draw.line([(xs[0], y), (xs[-1], y)], fill="black", width=4)
    for x in xs:
        draw.line([(x, ys[0] if x != xs[2] else ys[1]), (x, ys[-1])], fill="black", width=4)
    texts = {(0, 0): "信息内容", (0, 1): "本年制发件数", (1, 0): "规章", (1, 1): "12", (1, 2): "30"}
    texts |= {(2, 0): "规范性文件", (2, 1): "5", (2, 2): "41"}
    for (r, c), text in texts.items():
        draw.text((xs[c] + 20, ys[r] + 25), text, font=font, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PDF", resolution=200)
    return buffer.getvalue()


@pytest.mark.skipif(not FONT.exists(), reason="CJK font fonts-wqy-zenhei not installed")
@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_scanned_pdf_is_read_cell_by_cell() -> None:
    doc = clean_bytes(_scanned_pdf(), "application/pdf")
    assert "scanned_pdf" not in doc.flags
    table = doc.tables[0]
    grid = table.grid()
    assert table.source == "pdf-ocr"
    assert grid[0][1] is grid[0][2] and grid[0][1].text == "本年制发件数"
    assert [c.text for c in grid[1]] == ["规章", "12", "30"]
    assert [c.text for c in grid[2]] == ["规范性文件", "5", "41"]
    assert (0, 1, 1) in doc.ocr_cells and len(doc.ocr_cells) == 8


def test_scanned_pdf_without_ocr_is_flagged(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("govcrawl.clean.pdf.tesseract_available", lambda: False)
    doc = clean_bytes(_scanned_pdf(), "application/pdf")
    assert doc.flags == ["scanned_pdf"] and doc.blocks == []
