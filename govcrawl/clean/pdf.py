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
cells take seconds. Every char of a table lands in exactly one cell, unlike a crop: office
exports draw glyph boxes past the ruling lines (see `_CellText`). The OCR test reads the
chars instead of laying out the page's text when the chars alone settle it, and each page's
parsed objects are released once the page is done, so a long PDF is held one page at a time.
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
    return any(_centre_in(obj, box) for box in boxes)


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


def _fit(obj: dict, cell: Box) -> tuple[bool, float] | None:
    """How well a char (or a block of them) belongs to a cell: whether the cell holds its
    centre, then the area they share; None when they do not meet (touching counts, as in
    `get_bbox_overlap`)."""
    x0, top, x1, bottom = cell
    width = min(obj["x1"], x1) - max(obj["x0"], x0)
    height = min(obj["bottom"], bottom) - max(obj["top"], top)
    if width < 0 or height < 0 or width + height == 0:
        return None
    return _centre_in(obj, cell), width * height


def _centre_in(obj: dict, box: Box) -> bool:
    cx = (obj["x0"] + obj["x1"]) / 2
    cy = (obj["top"] + obj["bottom"]) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


@dataclass
class _Block:
    """Chars drawn one after another as one text: a line, or lines wrapped under each other."""

    chars: list[int]
    box: dict[str, float]  # x0, top, x1, bottom: the union of its chars' boxes
    cells: set[int] = field(default_factory=set)  # every cell one of its chars meets


class _CellText:
    """Cell texts of a table from one index of the page's chars, each char in one cell.

    Cropping the page once per cell re-filters (and clips) every object of the page per cell;
    this indexes the page's chars once by their top, so a cell only examines the chars whose
    height range can reach it.

    Membership — each char of the table lands in exactly one cell, never two:

    - Office exports (LibreOffice, and so Word/WPS documents converted the same way) draw
      glyph boxes that reach about half a point past the ruling line into the row above, so
      a crop's rule ("any char overlapping the cell") put such glyphs in two cells ("0 3"
      for "0"). The unit is therefore the cell holding a text's centre.
    - The text is a block, not a char: chars drawn one after another that continue a line,
      or start a line right under it with no row edge in between, are one cell's text.
      Spreadsheet exports centre a wrapped label on a row too short for it, so its first
      line sits mostly in the row above (another cell, or a hole between cells); the block's
      centre is still in its own cell.
    - A block whose centre is in no cell goes to the cell it overlaps most: running text no
      longer reads chars inside a table (`_inside`), so it would otherwise be lost.
    - A char whose centre is outside the table is running text, even when its box touches
      a border cell (a heading right under a table).

    Each member is clipped to its cell and laid out by `chars_to_textmap` with the cell as
    layout box, so line breaks, word spacing and ordering are `extract_text`'s on a crop.
    """

    def __init__(self, chars: list[dict]) -> None:
        self._chars = chars
        self._order = sorted(range(len(chars)), key=lambda i: chars[i]["top"])
        self._tops = [chars[i]["top"] for i in self._order]
        self._reach = max((c["bottom"] - c["top"] for c in chars), default=0.0)

    def _near(self, cell: Box) -> list[int]:
        """The chars whose height range can reach the cell (1 pt of slack for rounding)."""
        lo = bisect_left(self._tops, cell[1] - self._reach - 1.0)
        return self._order[lo : bisect_right(self._tops, cell[3])]

    def table(self, cells: list[Box], area: Box) -> list[str]:
        """The text of each cell, in the order of `cells`; `area` is the table's bbox."""
        meets: dict[int, set[int]] = {}
        for k, cell in enumerate(cells):
            for i in self._near(cell):
                if _fit(self._chars[i], cell) is not None:
                    meets.setdefault(i, set()).add(k)
        inside = sorted(i for i in meets if _centre_in(self._chars[i], area))
        rows = sorted({edge for cell in cells for edge in (cell[1], cell[3])})
        members: list[list[int]] = [[] for _ in cells]
        for block in self._blocks(inside, meets, rows):
            fits = [(fit, -k) for k in block.cells if (fit := _fit(block.box, cells[k]))]
            members[-max(fits)[1]].extend(block.chars)  # ties: the first cell
        return [self._text(sorted(m), cell) for m, cell in zip(members, cells, strict=True)]

    def _blocks(
        self, inside: list[int], meets: dict[int, set[int]], rows: list[float]
    ) -> list[_Block]:
        """The table's chars (in page order) cut into blocks, with the cells each meets."""
        blocks: list[_Block] = []
        for i in inside:
            char = self._chars[i]
            if blocks and self._continues(blocks[-1], i, rows):
                block = blocks[-1]
                block.chars.append(i)
                box = block.box
                box["x0"], box["x1"] = min(box["x0"], char["x0"]), max(box["x1"], char["x1"])
                box["top"] = min(box["top"], char["top"])
                box["bottom"] = max(box["bottom"], char["bottom"])
            else:
                block = _Block([i], {key: char[key] for key in ("x0", "top", "x1", "bottom")})
                blocks.append(block)
            block.cells |= meets[i]
        return blocks

    def _continues(self, block: _Block, i: int, rows: list[float]) -> bool:
        """Char `i` is drawn right after the block's last char and goes on its text: the
        same line just to its right, or the next line below, starting within the block's
        width, with no row edge between the two lines (1 pt of slack: Office glyph boxes
        reach past the edge)."""
        if block.chars[-1] != i - 1:
            return False
        last, char = self._chars[i - 1], self._chars[i]
        size = max(last["bottom"] - last["top"], 1.0)
        step = char["top"] - last["top"]
        if abs(step) < 1.0:
            return -1.0 <= char["x0"] - last["x1"] <= size / 2
        if not 0 < step <= 2 * size or not block.box["x0"] - size <= char["x0"] <= last["x1"]:
            return False
        return bisect_left(rows, last["bottom"] - 1.0) == bisect_right(rows, char["top"] + 1.0)

    def _text(self, members: list[int], cell: Box) -> str:
        clipped = [part for i in members if (part := clip_obj(self._chars[i], cell)) is not None]
        if not clipped:
            return ""
        x0, top, x1, bottom = cell
        layout = {"layout_width": x1 - x0, "layout_height": bottom - top}
        return chars_to_textmap(clipped, layout_bbox=cell, **layout).as_string


def _page_blocks(page: pdfplumber.page.Page) -> list[Block]:
    placed: list[tuple[float, Block]] = []
    bboxes = []
    cell_text = _CellText(page.chars)
    for table in page.find_tables():
        if table.cells:
            texts = cell_text.table(table.cells, table.bbox)
            boxes = [
                (cell, norm_space(text)) for cell, text in zip(table.cells, texts, strict=True)
            ]
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
