"""PDF → blocks with pdfplumber, and OCR for scanned pages.

Ruled tables come from pdfplumber's `find_tables()`: its cells are boxes, so a merged cell is
simply a box that spans several of the distinct column/row edges; we turn boxes into spans by
indexing their edges. Text outside the table areas is read line by line and interleaved with
the tables by vertical position. A page without a text layer (or with ``(cid:NNN)`` glyphs,
i.e. fonts without a Unicode map) is scanned: all scanned pages of a document go to
`govcrawl.clean.ocr` together when tesseract is installed; the ``scanned_pdf`` flag stays only
when OCR is unavailable, fails or reads nothing.

A table cut by a page end arrives as one table per page; tables are kept as cell boxes until
all pages are read, and a table that the next page continues is joined to it (`_below`,
`_beside`), so `CleanDocument` carries whole tables: Writer goes on with the next rows at the
top of the next page (cutting a row with a long label in two), Calc prints a sheet wider than
the paper as its first columns on one page and the rest on the next. The joins rest on layout
only (edges, position on the page, what lies between, which cells hold text), never on
what particular cells say.

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
from govcrawl.clean.title import leading_title
from govcrawl.document import Block, Paragraph, Table

_CID = re.compile(r"\(cid:\d+\)")
_SENTENCE_END = tuple("。！？；：!?;:")
_ENUMERATED = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．])"
)
"""An item marker (4. （五） 五、) opening a line or a cell: it starts a new paragraph, and a
new row's label rather than the rest of a label Writer wrapped over a page break."""


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
        reach past the edge). The next line of one text lies below the line, at least about
        a glyph height down: a line that overlaps it is another cell's text that Calc drew
        overflowing its short row (a wrapped label centred on it) into this one's."""
        if block.chars[-1] != i - 1:
            return False
        last, char = self._chars[i - 1], self._chars[i]
        size = max(last["bottom"] - last["top"], 1.0)
        step = char["top"] - last["top"]
        if abs(step) < 1.0:
            return -1.0 <= char["x0"] - last["x1"] <= size / 2
        below = 0.75 * size <= step <= 2 * size
        if not below or not block.box["x0"] - size <= char["x0"] <= last["x1"]:
            return False
        return bisect_left(rows, last["bottom"] - 1.0) == bisect_right(rows, char["top"] + 1.0)

    def _text(self, members: list[int], cell: Box) -> str:
        clipped = [part for i in members if (part := clip_obj(self._chars[i], cell)) is not None]
        if not clipped:
            return ""
        x0, top, x1, bottom = cell
        layout = {"layout_width": x1 - x0, "layout_height": bottom - top}
        return chars_to_textmap(clipped, layout_bbox=cell, **layout).as_string


_CUT = 1.5
"""Points within which two drawn edges are one edge (a ruling line's width, rounding)."""


@dataclass
class _Piece:
    """A ruled table as cell boxes with their texts, kept until the pages are joined.

    A table an office export continued on the next page arrives as one piece per page; a
    joined piece is in the coordinates of its first page, `last` is the bbox of its part on
    the last page it reaches (in that page's coordinates) and `shift` moves that page's
    coordinates into the piece's.
    """

    boxes: list[tuple[Box, str]]
    bbox: Box
    last: Box
    shift: tuple[float, float] = (0.0, 0.0)


@dataclass
class _Page:
    """A text page's blocks by top, and how low its content (chrome left out) reaches."""

    items: list[tuple[float, Block | _Piece]]
    width: float
    bottom: float


def _near(a: float, b: float) -> bool:
    return abs(a - b) <= _CUT


def _x_edges(boxes: list[tuple[Box, str]]) -> list[float]:
    return _edges([v for (x0, _, x1, _), _ in boxes for v in (x0, x1)], _CUT)


def _y_edges(boxes: list[tuple[Box, str]]) -> list[float]:
    return _edges([v for (_, top, _, bottom), _ in boxes for v in (top, bottom)], _CUT)


def _among(values: list[float], edges: list[float]) -> bool:
    return all(any(_near(v, e) for e in edges) for v in values)


def _moved(boxes: list[tuple[Box, str]], dx: float, dy: float) -> list[tuple[Box, str]]:
    return [((x0 + dx, top + dy, x1 + dx, bottom + dy), t) for (x0, top, x1, bottom), t in boxes]


def _band(boxes: list[tuple[Box, str]], top: float, edge: float) -> list[tuple[Box, str]] | None:
    """The cells between `top` and `edge`, moved to start at 0, sorted; None when a cell
    crosses `edge` (it is no row boundary)."""
    band = []
    for box, text in boxes:
        if box[1] < edge - _CUT and box[3] > edge + _CUT:
            return None
        if box[3] <= edge + _CUT:
            band.append(((box[0], box[1] - top, box[2], box[3] - top), text))
    return sorted(band, key=lambda item: (round(item[0][1]), item[0][0]))


def _same_band(a: list[tuple[Box, str]], b: list[tuple[Box, str]]) -> bool:
    return len(a) == len(b) and all(
        ta == tb and all(_near(u, v) for u, v in zip(ba, bb, strict=True))
        for (ba, ta), (bb, tb) in zip(a, b, strict=True)
    )


def _repeated_header(a: _Piece, boxes: list[tuple[Box, str]], top: float) -> float:
    """Where the rows at the top of a continuation end that repeat the table's first rows
    (Word's repeated heading rows): the same cells, texts and heights; `top` if none."""
    end = top
    for edge in _y_edges(boxes)[1:]:
        band = _band(boxes, top, edge)
        if band is None:
            continue
        head = _band(a.boxes, a.bbox[1], a.bbox[1] + edge - top)
        if head is None or not _same_band(head, band) or not any(t for _, t in band):
            break
        end = edge
    return end


def _below(a: _Piece, b: _Piece, room: float) -> _Piece | None:
    """`b`, at the top of the page after the one `a` ends, continues `a` row-wise: same
    outer edges, one's column edges among the other's, and `a` ends so low that `b`'s first
    row did not fit under it (`room`: the lowest content of any page). Heading rows that
    repeat `a`'s are dropped.

    When the cells on both sides of the cut match one to one, the cut may run through a
    row: Writer then leaves the cells whose text ended above the cut empty below it, and
    only the text that did not fit (a long label) goes on. So the row is cut, and each
    cell is one with its part below, when more of the row's own cells (not merged from
    above, not reaching past `b`'s first row) are empty below the cut with text above it
    than have text below it, and no text below opens with an item marker (a row of blank
    values whose label is numbered is the next row); a full row there is the next row. A
    merged cell from above whose part below the cut is empty is one cell either way."""
    last, new = a.last, b.bbox
    if a.shift[0] or not (_near(last[0], new[0]) and _near(last[2], new[2])):
        return None
    xa, xb = _x_edges(a.boxes), _x_edges(b.boxes)
    if not (_among(xb, xa) or _among(xa, xb)):
        return None
    start = _repeated_header(a, b.boxes, new[1])
    rest = [item for item in b.boxes if item[0][1] >= start - _CUT]
    bottom = a.bbox[3]
    boxes = _moved(rest, 0.0, bottom - start)
    cut_b = [k for k, (box, _) in enumerate(boxes) if _near(box[1], bottom)]
    if not cut_b:
        return None
    first_row = min(boxes[k][0][3] for k in cut_b) - bottom
    if last[3] + first_row <= room - _CUT:
        return None
    joined = list(a.boxes)
    cut_a = [k for k, (box, _) in enumerate(joined) if _near(box[3], bottom)]
    pairs = [
        (i, k)
        for i in cut_a
        for k in cut_b
        if _near(joined[i][0][0], boxes[k][0][0]) and _near(joined[i][0][2], boxes[k][0][2])
    ]
    if len(pairs) == len(cut_a) == len(cut_b) and len({i for i, _ in pairs}) == len(cut_a):
        row_top = max(joined[i][0][1] for i in cut_a)
        row = [
            (joined[i][1], boxes[k][1])
            for i, k in pairs
            if _near(joined[i][0][1], row_top) and _near(boxes[k][0][3], bottom + first_row)
        ]
        split = sum(bool(above and not below) for above, below in row) > sum(
            bool(below) for _, below in row
        ) and not any(_ENUMERATED.match(below) for _, below in row)
        merged = set()
        for i, k in pairs:
            (x0, top, x1, _), above = joined[i]
            below, text = boxes[k]
            if split or (top < row_top - _CUT and not text):
                joined[i] = ((x0, top, x1, below[3]), " ".join(t for t in (above, text) if t))
                merged.add(k)
        boxes = [item for k, item in enumerate(boxes) if k not in merged]
    end = max((box[3] for box, _ in boxes), default=bottom)
    bbox = (min(a.bbox[0], new[0]), a.bbox[1], max(a.bbox[2], new[2]), max(bottom, end))
    return _Piece(joined + boxes, bbox, new, (0.0, bottom - start))


def _beside(a: _Piece, b: _Piece, width: float) -> _Piece | None:
    """`b`, on the page after the one `a` ends, holds `a`'s next columns (a spreadsheet
    printed wider than the paper): `a` leaves no room for `b`'s first column within the
    page's print width, both start at the same left margin and `b`'s row edges are
    `a`'s, down to the same bottom."""
    last, new = a.last, b.bbox
    if a.shift[1] or not (_near(last[0], new[0]) and _near(last[3], new[3])):
        return None
    first_col = min((box[2] for box, _ in b.boxes if _near(box[0], new[0])), default=new[2])
    if last[2] + first_col - new[0] <= width - last[0] + _CUT:
        return None
    rows = _y_edges(b.boxes)
    if len(rows) < 3 or not _among(rows, _y_edges(a.boxes)):
        return None
    dx = last[2] + a.shift[0] - new[0]
    bbox = (a.bbox[0], a.bbox[1], new[2] + dx, max(a.bbox[3], new[3]))
    return _Piece(a.boxes + _moved(b.boxes, dx, 0.0), bbox, new, (dx, 0.0))


Placed = list[tuple[float, Block | _Piece]]


def _continued(previous: Placed, page: _Page, room: float) -> tuple[Placed, Placed] | None:
    """When the page's first table continues the previous page's last one: the previous
    page's items before that table, and the page's items with the joined table first.

    Row-wise, the table must be the last block of its page and the continuation the first
    of the next. Column-wise, text may come after the one and before the other as long as it
    lies within the table's rows: a merged cell's text that the page edge cut off from its
    borders."""
    ka = next(
        (i for i in range(len(previous) - 1, -1, -1) if isinstance(previous[i][1], _Piece)), None
    )
    kb = next((i for i, (_, item) in enumerate(page.items) if isinstance(item, _Piece)), None)
    if ka is None or kb is None:
        return None
    a, b = previous[ka][1], page.items[kb][1]
    assert isinstance(a, _Piece) and isinstance(b, _Piece)
    trailing, before, after = previous[ka + 1 :], page.items[:kb], page.items[kb + 1 :]
    band = all(top <= a.last[3] for top, _ in trailing) and all(
        a.last[1] - _CUT <= top <= a.last[3] for top, _ in before
    )
    if band and (joined := _beside(a, b, page.width)) is not None:
        return previous[:ka], [(b.bbox[1], joined), *trailing, *before, *after]
    if not trailing and kb == 0 and (joined := _below(a, b, room)) is not None:
        return previous[:ka], [(b.bbox[1], joined), *after]
    return None


def _document_blocks(pages: list[_Page | list[Block] | None]) -> list[Block]:
    """The pages' blocks in order; a table that the next text page continues (its next
    rows, or its next columns) is joined to it first."""
    room = max((page.bottom for page in pages if isinstance(page, _Page)), default=0.0)
    out: list[Block | _Piece] = []
    current: Placed = []  # the last text page's items, which the next page may continue
    for page in pages:
        if not isinstance(page, _Page):
            out.extend(item for _, item in current)
            out.extend(page or [])
            current = []
            continue
        joined = _continued(current, page, room) if current else None
        if joined is None:
            out.extend(item for _, item in current)
            current = page.items
        else:
            done, current = joined
            out.extend(item for _, item in done)
    out.extend(item for _, item in current)
    return [boxes_to_table(item.boxes, "pdf") if isinstance(item, _Piece) else item for item in out]


_BARE_NUMBER = re.compile(r"\d{1,4}")
_MARGIN = 0.1
"""Share of the page height at top and bottom that holds running headers and footers."""


def _page_number(line: dict, height: float) -> bool:
    """A bare number in the top or bottom margin: the page number Word and WPS print in the
    footer. (Framed forms, 第3页 and - 3 -, are chrome rules.) Kept, it would be a paragraph
    of its own and would stand between a table and its continuation on the next page."""
    in_margin = line["top"] > height * (1 - _MARGIN) or line["bottom"] < height * _MARGIN
    return in_margin and _BARE_NUMBER.fullmatch(norm_space(line["text"])) is not None


def _page_blocks(page: pdfplumber.page.Page) -> _Page:
    placed: list[tuple[float, Block | _Piece]] = []
    bboxes = []
    cell_text = _CellText(page.chars)
    for table in page.find_tables():
        if table.cells:
            texts = cell_text.table(table.cells, table.bbox)
            boxes = [
                (cell, norm_space(text)) for cell, text in zip(table.cells, texts, strict=True)
            ]
            bboxes.append(table.bbox)
            placed.append((table.bbox[1], _Piece(boxes, table.bbox, table.bbox)))
    # Without tables every char is running text: the page itself (and its cached text
    # layout, if the OCR test built one) serves.
    rest = (
        page.filter(lambda obj: not (obj.get("object_type") == "char" and _inside(obj, bboxes)))
        if bboxes
        else page
    )
    kept = [
        line
        for line in rest.extract_text_lines()
        if norm_space(line["text"])
        and chrome_rule(line["text"]) is None
        and not _page_number(line, page.height)
    ]
    lines = [(line["top"], norm_space(line["text"]), line["x1"]) for line in kept]
    right = max((x1 for _, _, x1 in lines), default=page.width)
    placed.extend((top, Paragraph(text)) for top, text in _join_lines(lines, right))
    placed.sort(key=lambda item: item[0])
    bottoms = [line["bottom"] for line in kept] + [box[3] for box in bboxes]
    return _Page(placed, page.width, max(bottoms, default=0.0))


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
    pages: list[_Page | list[Block] | None] = []
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
    result.scanned = any(page is None for page in pages)
    result.blocks = _document_blocks(pages)
    tables = [b for b in result.blocks if isinstance(b, Table)]
    result.ocr_cells = [
        (i, cell.row, cell.col)
        for i, table in enumerate(tables)
        if table.source == "pdf-ocr"
        for cell in table.cells
        if cell.text
    ]
    result.title = leading_title(result.blocks)
    return result
