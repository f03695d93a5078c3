"""PDF → blocks with pdfplumber, and OCR for scanned pages.

Ruled tables come from pdfplumber's `find_tables()`: its cells are boxes, so a merged cell is
simply a box that spans several of the distinct column/row edges; we turn boxes into spans by
indexing their edges. Text outside the table areas is read line by line and interleaved with
the tables by vertical position. A page without a text layer (or with ``(cid:NNN)`` glyphs,
i.e. fonts without a Unicode map) is scanned: all scanned pages of a document go to
`govcrawl.clean.ocr` together when tesseract is installed; the ``scanned_pdf`` flag stays only
when OCR is unavailable, fails or reads nothing.

Speed: a table's cell texts come from one index of the page's chars, not from a cropped page
per cell — each crop re-filters every object of the page, which made a report PDF with ~280
cells take seconds. The OCR test reads the chars instead of laying out the
page's text when the chars alone settle it, and each page's parsed objects are released
once the page is done, so a long PDF is held one page at a time.
"""

from __future__ import annotations

import re
import shutil
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import BinaryIO

import pdfplumber
from pdfplumber.utils import chars_to_textmap, clip_obj

from govcrawl.clean.grid import GridBuilder, norm_space
from govcrawl.clean.noise import chrome_rule
from govcrawl.clean.ocr import OcrError, OcrPage, ocr_pages
from govcrawl.clean.sniff import as_stream
from govcrawl.document import Block, Paragraph, Table

_CID = re.compile(r"\(cid:\d+\)")
_SENTENCE_END = tuple("。！？；：!?;:")
_ENUMERATED = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．])"
)


class PdfError(ValueError):
    """The PDF is encrypted or malformed."""


@dataclass
class PdfResult:
    blocks: list[Block] = field(default_factory=list)
    title: str | None = None
    scanned: bool = False
    ocr_cells: list[tuple[int, int, int]] = field(default_factory=list)


def _edges(values: list[float], tolerance: float = 3.0) -> list[float]:
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > tolerance:
            out.append(value)
    return out


def _index(edges: list[float], value: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - value))


def boxes_to_table(
    boxes: list[tuple[tuple[float, float, float, float], str]], source: str
) -> Table:
    """A grid from cell boxes (x0, top, x1, bottom): spans are the edges a box crosses."""
    xs = _edges([v for (x0, _, x1, _), _ in boxes for v in (x0, x1)])
    ys = _edges([v for (_, top, _, bottom), _ in boxes for v in (top, bottom)])
    builder = GridBuilder()
    for (x0, top, x1, bottom), text in sorted(boxes, key=lambda b: (b[0][1], b[0][0])):
        col, row = _index(xs, x0), _index(ys, top)
        colspan = max(1, _index(xs, x1) - col)
        rowspan = max(1, _index(ys, bottom) - row)
        builder.place(text, row, col, rowspan, colspan)
    return builder.table(source)


def _inside(obj: dict, boxes: list[tuple[float, float, float, float]]) -> bool:
    cx = (obj["x0"] + obj["x1"]) / 2
    cy = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


def _join_lines(
    lines: list[tuple[float, str, float]], right_edge: float
) -> list[tuple[float, str]]:
    """Visual lines → paragraphs: a line that ends short of the margin or in 。 ends one."""
    paragraphs: list[tuple[float, str]] = []
    current: list[str] = []
    top0 = 0.0
    for top, text, x1 in lines:
        if current and _ENUMERATED.match(text):
            paragraphs.append((top0, "".join(current)))
            current = []
        if not current:
            top0 = top
        current.append(text)
        if text.endswith(_SENTENCE_END) or x1 < right_edge - 30:
            paragraphs.append((top0, "".join(current)))
            current = []
    if current:
        paragraphs.append((top0, "".join(current)))
    return paragraphs


Box = tuple[float, float, float, float]


class _CellText:
    """The text `page.crop(cell, strict=False).extract_text()` gives, without the crop.

    A crop re-filters (and clips) every object of the page, once per cell; this indexes the
    page's chars once by their top, so a cell only examines the chars whose height range can
    reach it. Membership and layout are the crop's: every char whose box overlaps the cell
    (touching counts, as in pdfplumber's `get_bbox_overlap`), clipped to the cell, in page
    order, laid out by `chars_to_textmap` with the cell as layout box — so line breaks, word
    spacing and ordering are `extract_text`'s. A glyph overhanging a ruling line therefore
    still shows in both cells, exactly as before.
    """

    def __init__(self, chars: list[dict]) -> None:
        self._chars = chars
        self._order = sorted(range(len(chars)), key=lambda i: chars[i]["top"])
        self._tops = [chars[i]["top"] for i in self._order]
        self._reach = max((c["bottom"] - c["top"] for c in chars), default=0.0)

    def __call__(self, cell: Box) -> str:
        x0, top, x1, bottom = cell
        lo = bisect_left(self._tops, top - self._reach - 1.0)  # 1 pt of slack for rounding
        hi = bisect_right(self._tops, bottom)
        clipped = [
            part
            for i in sorted(self._order[lo:hi])
            if (part := clip_obj(self._chars[i], cell)) is not None
        ]
        if not clipped:
            return ""
        layout = {"layout_width": x1 - x0, "layout_height": bottom - top}
        return chars_to_textmap(clipped, layout_bbox=cell, **layout).as_string


def _page_blocks(page: pdfplumber.page.Page) -> list[Block]:
    placed: list[tuple[float, Block]] = []
    bboxes = []
    cell_text = _CellText(page.chars)
    for table in page.find_tables():
        if table.cells:
            boxes = [(cell, norm_space(cell_text(cell))) for cell in table.cells]
            bboxes.append(table.bbox)
            placed.append((table.bbox[1], boxes_to_table(boxes, "pdf")))
    # Without tables every char is running text: the page itself (and its cached text
    # layout, if the OCR test built one) serves.
    rest = (
        page.filter(lambda obj: not (obj.get("object_type") == "char" and _inside(obj, bboxes)))
        if bboxes
        else page
    )
    lines = [
        (line["top"], norm_space(line["text"]), line["x1"])
        for line in rest.extract_text_lines()
        if norm_space(line["text"]) and chrome_rule(line["text"]) is None
    ]
    right = max((x1 for _, _, x1 in lines), default=page.width)
    placed.extend((top, Paragraph(text)) for top, text in _join_lines(lines, right))
    placed.sort(key=lambda item: item[0])
    return [block for _, block in placed]


def _needs_ocr(page: pdfplumber.page.Page) -> bool:
    """No text layer, or mostly ``(cid:NNN)`` glyphs.

    Laying out the page's text only to measure it is the costly part, so the chars decide
    when they can: every non-blank char's text appears in the laid-out text, and each
    ``(cid:`` match starts at a ``(``, so a page with a non-blank char and too few ``(`` for
    the threshold passes the text test whatever the layout adds.
    """
    texts = [char["text"] for char in page.chars]
    visible = sum(len(text) for text in texts if not text.isspace())
    opening = sum(text.count("(") for text in texts)
    if any(text.strip() for text in texts) and opening * 8 <= visible * 0.1:
        return False
    text = page.extract_text() or ""
    return not text.strip() or len(_CID.findall(text)) * 8 > len(text) * 0.1


def tesseract_available() -> bool:
    return shutil.which("tesseract") is not None


def _ocr_blocks(page: OcrPage) -> list[Block]:
    """An OCR'd page as blocks: its text lines joined into paragraphs, tables by position."""
    right = max((x1 for _, _, x1 in page.lines), default=0.0)
    lines = [line for line in page.lines if chrome_rule(line[1]) is None]
    placed: list[tuple[float, Block]] = [
        (top, Paragraph(text)) for top, text in _join_lines(lines, right)
    ]
    placed.extend(page.tables)
    placed.sort(key=lambda item: item[0])
    return [block for _, block in placed]


def pdf_blocks(body: bytes | BinaryIO) -> PdfResult:
    """Blocks of every page in order; raises PdfError for encrypted or unreadable files.

    A spooled file is read page by page from disk, never loaded whole.
    """
    result = PdfResult()
    try:
        pdf = pdfplumber.open(as_stream(body))
    except Exception as exc:  # pdfminer raises many types for encrypted/malformed files
        raise PdfError(f"cannot open PDF ({type(exc).__name__}: {exc})") from exc
    pages: list[list[Block] | None] = []
    with pdf:
        try:
            for page in pdf.pages:
                try:
                    pages.append(None if _needs_ocr(page) else _page_blocks(page))
                finally:
                    page.close()  # drop the page's parsed objects before the next page
        except Exception as exc:
            raise PdfError(
                f"malformed PDF page {len(pages) + 1} ({type(exc).__name__}: {exc})"
            ) from exc
    scanned = [i for i, blocks in enumerate(pages) if blocks is None]
    if scanned and tesseract_available():
        try:
            for index, page in ocr_pages(body, scanned).items():
                pages[index] = _ocr_blocks(page) or None
        except OcrError:
            pass
    for blocks in pages:
        result.scanned |= blocks is None
        result.blocks.extend(blocks or [])
    tables = [b for b in result.blocks if isinstance(b, Table)]
    result.ocr_cells = [
        (i, cell.row, cell.col)
        for i, table in enumerate(tables)
        if table.source == "pdf-ocr"
        for cell in table.cells
        if cell.text
    ]
    first = next((b.text for b in result.blocks if isinstance(b, Paragraph)), None)
    result.title = first if first and len(first) <= 80 else None
    return result
