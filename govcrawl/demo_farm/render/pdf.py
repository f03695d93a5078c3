"""PDF copies of a report: a born-digital one with a text layer, and a scanned one without.

The text PDF embeds a subset of a TrueType CJK font (WenQuanYi Zen Hei), as PDFs exported
from Word or WPS do — a reader without Adobe's Asian font packs shows it, and its weight is a
real report PDF's weight (~90 KB rather than ~12 KB with a non-embedded CID font). reportlab
writes a ToUnicode map for every subset, so text extraction gives the characters back. Tables
are drawn with ruling lines and real SPANs, which is what pdfplumber's table finder relies on.
The scanned PDF holds only page images, like a report printed, stamped and scanned, so an
extractor without OCR must flag it `scanned_pdf`.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from PIL import Image, ImageDraw, ImageFont
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from govcrawl.demo_farm.render.layout import Block, TableLayout, document_blocks, style_for
from govcrawl.demo_farm.reports import GeneratedReport

FONT = "WenQuanYiZenHei"
FONT_FILE = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
"""Debian's fonts-wqy-zenhei (scripts/install-system-deps.sh installs it)."""
MARGIN = 15 * mm
FRAME_WIDTH = A4[0] - 2 * MARGIN

# Relative column widths per table (label columns wider than number columns).
_WIDTHS = {
    "active_disclosure": [2.2, 1, 1, 1],
    "requests": [1.1, 1.3, 3.0] + [0.85] * 7,
    "review_litigation": [1] * 15,
}
_FONT_SIZE = {"active_disclosure": 10, "requests": 7.5, "review_litigation": 7}


@cache
def _register_font() -> str:
    if not Path(FONT_FILE).exists():
        raise RuntimeError(f"{FONT_FILE} missing: install fonts-wqy-zenhei")
    pdfmetrics.registerFont(TTFont(FONT, FONT_FILE, subfontIndex=0))
    return FONT


def _styles() -> dict[str, ParagraphStyle]:
    font = _register_font()
    body = ParagraphStyle(
        "body",
        fontName=font,
        fontSize=11,
        leading=19,
        firstLineIndent=22,
        wordWrap="CJK",
        spaceAfter=4,
    )
    return {
        "title": ParagraphStyle(
            "title",
            parent=body,
            fontSize=16,
            leading=26,
            alignment=TA_CENTER,
            firstLineIndent=0,
            spaceAfter=12,
        ),
        "heading": ParagraphStyle(
            "heading", parent=body, fontSize=12, leading=22, firstLineIndent=0
        ),
        "paragraph": body,
    }


def _cell_style(size: float) -> ParagraphStyle:
    return ParagraphStyle(
        f"cell{size}",
        fontName=_register_font(),
        fontSize=size,
        leading=size * 1.3,
        alignment=TA_CENTER,
        wordWrap="CJK",
    )


def _pdf_table(table: TableLayout) -> Table:
    size = _FONT_SIZE[table.name]
    cell_style = _cell_style(size)
    data: list[list[object]] = [[""] * table.n_cols for _ in range(table.n_rows)]
    commands: list[tuple] = [
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONTNAME", (0, 0), (-1, -1), _register_font()),
        ("FONTSIZE", (0, 0), (-1, -1), size),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]
    for cell in table.cells:
        text = escape(cell.text).replace("\n", "<br/>")
        data[cell.row][cell.col] = Paragraph(text, cell_style) if text else ""
        if cell.rowspan > 1 or cell.colspan > 1:
            end = (cell.col + cell.colspan - 1, cell.row + cell.rowspan - 1)
            commands.append(("SPAN", (cell.col, cell.row), end))
    weights = _WIDTHS[table.name]
    widths = [FRAME_WIDTH * w / sum(weights) for w in weights]
    return Table(data, colWidths=widths, style=TableStyle(commands))


def _flowables(blocks: list[Block]) -> list:
    styles = _styles()
    out: list = []
    for block in blocks:
        if block.kind == "table" and block.table is not None:
            out.append(KeepTogether([_pdf_table(block.table), Spacer(1, 8)]))
        else:
            out.append(Paragraph(escape(block.text), styles[block.kind]))
    return out


def render_pdf(report: GeneratedReport) -> bytes:
    """A multi-page text PDF; byte-identical for the same report (reportlab invariant mode)."""
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=report.title,
        author=report.agency,
        invariant=1,
    )
    doc.build(_flowables(document_blocks(report, style_for(report, 0), title=True)))
    return buf.getvalue()


# ---------------------------------------------------------------------------------------
# scanned


_SCAN_DPI = 150
_FONT_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
)


@cache
def _scan_font(size: int) -> ImageFont.FreeTypeFont:
    for path in _FONT_FILES:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    raise RuntimeError("no CJK TrueType font found for the scanned PDF (install fonts-wqy-zenhei)")


class _ScanPages:
    """Lays text and table grids onto page images, one A4 page at `_SCAN_DPI`."""

    def __init__(self) -> None:
        self.width = round(A4[0] / 72 * _SCAN_DPI)
        self.height = round(A4[1] / 72 * _SCAN_DPI)
        self.margin = round(self.width * 0.09)
        self.pages: list[Image.Image] = []
        self._new_page()

    def _new_page(self) -> None:
        self.page = Image.new("L", (self.width, self.height), 255)
        self.draw = ImageDraw.Draw(self.page)
        self.pages.append(self.page)
        self.y = self.margin

    def _room(self, height: int) -> None:
        if self.y + height > self.height - self.margin:
            self._new_page()

    def text(self, text: str, size: int, indent: int = 0, center: bool = False) -> None:
        font = _scan_font(size)
        usable = self.width - 2 * self.margin
        for i, part in enumerate(_wrap(text, font, usable, indent)):
            self._room(int(size * 1.6))
            offset = indent if i == 0 else 0
            if center:
                offset = int((usable - font.getlength(part)) / 2)
            self.draw.text((self.margin + offset, self.y), part, font=font, fill=0)
            self.y += int(size * 1.6)
        self.y += size // 2

    def table(self, table: TableLayout) -> None:
        """Draw ruled cells; rows grow to fit wrapped labels, like a printed template."""
        weights = _WIDTHS[table.name]
        usable = self.width - 2 * self.margin
        xs = [self.margin]
        for w in weights:
            xs.append(xs[-1] + usable * w / sum(weights))
        size = 18 if table.name == "active_disclosure" else 15
        font = _scan_font(size)
        line_h = int(size * 1.3)
        pad = size // 2
        lines = {
            (c.row, c.col): _wrap(
                c.text.replace("\n", ""), font, xs[c.col + c.colspan] - xs[c.col] - 6
            )
            for c in table.cells
        }
        heights = [line_h + 2 * pad] * table.n_rows
        for c in table.cells:
            need = len(lines[(c.row, c.col)]) * line_h + 2 * pad
            if c.rowspan == 1:
                heights[c.row] = max(heights[c.row], need)
        ys = [0]
        for h in heights:
            ys.append(ys[-1] + h)
        self._room(ys[-1])
        top = self.y
        for c in table.cells:
            x0, x1 = int(xs[c.col]), int(xs[c.col + c.colspan])
            y0, y1 = top + ys[c.row], top + ys[c.row + c.rowspan]
            self.draw.rectangle((x0, y0, x1, y1), outline=0, width=2)
            cell_lines = lines[(c.row, c.col)]
            ty = (y0 + y1 - len(cell_lines) * line_h) / 2
            for part in cell_lines:
                tx = x0 + (x1 - x0 - font.getlength(part)) / 2
                self.draw.text((tx, ty), part, font=font, fill=0)
                ty += line_h
        self.y = top + ys[-1] + size


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: float, indent: int = 0) -> list[str]:
    """Break CJK text into lines no wider than `width` pixels (first line indented)."""
    lines: list[str] = []
    line, x = "", indent
    for ch in text:
        w = font.getlength(ch)
        if x + w > width and line:
            lines.append(line)
            line, x = "", 0
        line += ch
        x += w
    lines.append(line)
    return lines


def render_scanned_pdf(report: GeneratedReport) -> bytes:
    """A PDF of page images only (no text layer), as if the printed report were scanned."""
    pages = _ScanPages()
    for block in document_blocks(report, style_for(report, 0), title=True):
        if block.kind == "table" and block.table is not None:
            pages.table(block.table)
        elif block.kind == "title":
            pages.text(block.text, 34, center=True)
        elif block.kind == "heading":
            pages.text(block.text, 25)
        else:
            pages.text(block.text, 23, indent=46)
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, invariant=1)
    for image in pages.pages:
        pdf.drawImage(ImageReader(image), 0, 0, width=A4[0], height=A4[1])
        pdf.showPage()
    pdf.save()
    return buf.getvalue()
