"""PDF → blocks with pdfplumber, and OCR for scanned pages.

Ruled tables come from pdfplumber's `find_tables()`: its cells are boxes, so a merged cell is
simply a box that spans several of the distinct column/row edges; we turn boxes into spans by
indexing their edges. Text outside the table areas is read line by line and interleaved with
the tables by vertical position. A page without a text layer (or with ``(cid:NNN)`` glyphs,
i.e. fonts without a Unicode map) is scanned: it is rendered and read by tesseract when that
is installed; the ``scanned_pdf`` flag stays only when OCR is unavailable or reads nothing.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import dataclass, field

import pdfplumber
from PIL import Image, ImageOps

from govcrawl.clean.grid import GridBuilder, norm_space
from govcrawl.clean.noise import chrome_rule
from govcrawl.document import Block, Paragraph, Table

OCR_TIMEOUT = 120
OCR_DPI = 300
RULE_INSET = 8
"""Pixels (at OCR_DPI) cut from each side of a ruled cell: rule remnants make tesseract misread
digits."""
_CID = re.compile(r"\(cid:\d+\)")
_CJK_GAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u9fff\uff00-\uffef])")
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


def _page_blocks(page: pdfplumber.page.Page) -> list[Block]:
    found = page.find_tables()
    placed: list[tuple[float, Block]] = []
    bboxes = []
    for table in found:
        boxes = []
        for cell in table.cells:
            text = page.crop(cell, strict=False).extract_text() or ""
            boxes.append((cell, norm_space(text)))
        if boxes:
            bboxes.append(table.bbox)
            placed.append((table.bbox[1], boxes_to_table(boxes, "pdf")))
    rest = page.filter(lambda obj: not (obj.get("object_type") == "char" and _inside(obj, bboxes)))
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
    text = page.extract_text() or ""
    return not text.strip() or len(_CID.findall(text)) * 8 > len(text) * 0.1


def tesseract_available() -> bool:
    return shutil.which("tesseract") is not None


def ocr_image(image: Image.Image, psm: int = 6) -> str:
    """Text tesseract reads in `image` (chi_sim), CJK inner spaces removed; '' on failure."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    args = ["tesseract", "-", "-", "-l", "chi_sim", "--psm", str(psm)]
    try:
        result = subprocess.run(
            args, input=buffer.getvalue(), capture_output=True, timeout=OCR_TIMEOUT, check=False
        )
    except (subprocess.TimeoutExpired, OSError):
        return ""
    if result.returncode != 0:
        return ""
    return _CJK_GAP.sub("", result.stdout.decode("utf-8", "replace"))


def _dark_runs(profile: list[int], threshold: float) -> list[int]:
    """Centres of runs of positions whose darkness is above `threshold` (0–255 scale)."""
    centres, start = [], None
    for i, value in enumerate([*profile, 0]):
        if value >= threshold and start is None:
            start = i
        elif value < threshold and start is not None:
            centres.append((start + i - 1) // 2)
            start = None
    return centres


def _ruled(ink: Image.Image, box: tuple[int, int, int, int]) -> bool:
    """True when the thin strip `box` of the ink mask is mostly ink, i.e. a rule is drawn."""
    return ink.crop(box).resize((1, 1), Image.Resampling.BOX).getpixel((0, 0)) >= 128


def ruled_cells(image: Image.Image) -> list[tuple[int, int, int, int]]:
    """Cell boxes of the ruled table in a scanned page, merged where a rule is missing.

    Rules are the pixel rows (then, inside the table band, the pixel columns) that are mostly
    ink; a cell grows right while the vertical rule on its right is absent in its row and
    down while the horizontal rule below it is absent — that is how a scan shows a span.
    """
    ink = image.convert("L").point(lambda v: 255 if v < 128 else 0)
    width, height = ink.size
    ys = _dark_runs(list(ink.resize((1, height), Image.Resampling.BOX).tobytes()), 128)
    if len(ys) < 2:
        return []
    band = ink.crop((0, ys[0], width, ys[-1] + 1))
    xs = _dark_runs(list(band.resize((width, 1), Image.Resampling.BOX).tobytes()), 128)
    if len(xs) < 2:
        return []
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    taken: set[tuple[int, int]] = set()
    boxes = []
    for r in range(n_rows):
        for c in range(n_cols):
            if (r, c) in taken:
                continue
            c_end = c
            while c_end + 1 < n_cols and not _ruled(
                ink, (xs[c_end + 1] - 1, ys[r] + 3, xs[c_end + 1] + 2, ys[r + 1] - 2)
            ):
                c_end += 1
            r_end = r
            while r_end + 1 < n_rows and not _ruled(
                ink, (xs[c] + 3, ys[r_end + 1] - 1, xs[c_end + 1] - 2, ys[r_end + 1] + 2)
            ):
                r_end += 1
            taken.update((i, j) for i in range(r, r_end + 1) for j in range(c, c_end + 1))
            boxes.append((xs[c], ys[r], xs[c_end + 1], ys[r_end + 1]))
    return boxes


def _ocr_page(page: pdfplumber.page.Page, table_index: int, result: PdfResult) -> list[Block]:
    image = page.to_image(resolution=OCR_DPI).original.convert("RGB")
    cells = ruled_cells(image)
    if not cells:
        text = ocr_image(image)
        return [Paragraph(norm_space(line)) for line in text.splitlines() if norm_space(line)]
    boxes = []
    for x0, top, x1, bottom in cells:
        inner = image.crop(
            (x0 + RULE_INSET, top + RULE_INSET, x1 - RULE_INSET, bottom - RULE_INSET)
        )
        text = ocr_image(ImageOps.expand(inner, border=RULE_INSET, fill="white"), psm=7)
        boxes.append(((float(x0), float(top), float(x1), float(bottom)), norm_space(text)))
    table = boxes_to_table(boxes, "pdf-ocr")
    result.ocr_cells.extend((table_index, cell.row, cell.col) for cell in table.cells if cell.text)
    top, bottom = min(b[0][1] for b in boxes), max(b[0][3] for b in boxes)
    outside = [
        image.crop((0, 0, image.width, int(top))),
        image.crop((0, int(bottom), image.width, image.height)),
    ]
    before, after = (ocr_image(part) if part.height > 20 else "" for part in outside)
    blocks: list[Block] = [Paragraph(norm_space(x)) for x in before.splitlines() if norm_space(x)]
    blocks.append(table)
    blocks.extend(Paragraph(norm_space(x)) for x in after.splitlines() if norm_space(x))
    return blocks


def pdf_blocks(body: bytes) -> PdfResult:
    """Blocks of every page in order; raises PdfError for encrypted or unreadable files."""
    result = PdfResult()
    try:
        pdf = pdfplumber.open(io.BytesIO(body))
    except Exception as exc:  # pdfminer raises many types for encrypted/malformed files
        raise PdfError(f"cannot open PDF ({type(exc).__name__}: {exc})") from exc
    with pdf:
        try:
            pages = list(pdf.pages)
        except Exception as exc:
            raise PdfError(f"cannot read PDF pages ({type(exc).__name__}: {exc})") from exc
        ocr = tesseract_available()
        for page in pages:
            try:
                scanned = _needs_ocr(page)
                if not scanned:
                    result.blocks.extend(_page_blocks(page))
                    continue
                if ocr:
                    n_tables = sum(isinstance(b, Table) for b in result.blocks)
                    ocr_blocks = _ocr_page(page, n_tables, result)
                    if ocr_blocks:
                        result.blocks.extend(ocr_blocks)
                        continue
                result.scanned = True
            except PdfError:
                raise
            except Exception as exc:
                raise PdfError(
                    f"malformed PDF page {page.page_number} ({type(exc).__name__}: {exc})"
                ) from exc
    first = next((b.text for b in result.blocks if isinstance(b, Paragraph)), None)
    result.title = first if first and len(first) <= 80 else None
    return result
