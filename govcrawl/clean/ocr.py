"""OCR of scanned PDF pages: ruling lines → cell grid, then a fixed few tesseract runs per
document.

Starting tesseract costs a model load, and reading each cell on its own with ``--psm 7``
repeats that hundreds of times and misreads digits (O for 0, 工 for 1) because the Chinese
language model prefers Chinese. So:

* each page is rendered once (pypdfium2), and the ruled tables are found on the image itself —
  long horizontal and vertical ink runs — with spans taken from the rules that are missing;
* every cell's pixels (rules whitened) go into a strip image at a known slot, so one chi_sim
  run reads all cells of the document — each word goes to the slot holding its box centre —
  together with the pages outside the tables;
* cells whose first reading is a value (digits, null marks, a digit misread as one Chinese
  character) are read again with a digits whitelist, several to a line, which is what makes
  the numbers exact (`read_values`).

Arguments always go to tesseract as a list, with a timeout and no shell; OpenMP is limited to
one thread per process and the page run is split over the cores instead.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image

from govcrawl.clean.grid import GridBuilder, norm_space
from govcrawl.document import Table

OCR_DPI = 300
OCR_TIMEOUT = 300
"""Seconds allowed for one tesseract call (it reads a whole document)."""
DIGITS = "0123456789.,+-/—"
"""Characters a value cell may hold (counts, 万元 amounts, signed changes, null marks)."""
_H_RUN = 0.3
"""Shortest horizontal rule piece, in inches (a span's rule may be one narrow column wide)."""
_V_RUN = 0.15
"""Shortest rule piece, in inches: longer than a character stroke, shorter than a cell side."""
_TABLE_RULE = 1.0
"""Inches of unbroken rule every row line of a table has somewhere."""
_GAP = 80
"""Pixels of white between the slots of a strip image."""
_INSET = 8
"""Pixels cut from each side of a cell box (drawn at the rules' centres): rule remnants and
their anti-aliased edges would otherwise be read as 1 or I."""
LABEL_HEIGHT = 34
VALUE_HEIGHT = 17
"""Text line heights (pixels) that cell crops larger than this are scaled down to for the
chi_sim pass, and that the first digits pass reads at: the fast chi_sim model misreads
larger glyphs, and drops thin 1s and 4s from larger digits."""
VALUE_COLUMNS = 12
"""Value crops per line image in the digits pass (read as single lines, ``--psm 7``)."""
_STRIP_HEIGHT = 12000
"""Height of one strip image; tesseract refuses images taller than 32767 pixels."""
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_DIGIT_LOOKALIKE = frozenset("工口〇日")
_NULL_WORDS = frozenset({"无"})
_CJK_GAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u9fff\uff00-\uffef])")
WORKERS = min(4, os.cpu_count() or 1)
"""Concurrent tesseract processes for the page pass."""
_ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}
"""tesseract's OpenMP threads fight each other on small machines (4× slower on two cores)."""


CellKey = tuple[int, int, int, int, int]
"""(page, table on the page, cell index, grid row, grid column) of a cell crop."""


class OcrError(RuntimeError):
    """tesseract failed or timed out, or the pages could not be rendered."""


@dataclass
class CellBox:
    """A ruled cell of a scanned table: grid position, span and pixel box (x0, y0, x1, y1)."""

    row: int
    col: int
    rowspan: int
    colspan: int
    box: tuple[int, int, int, int]


@dataclass
class TableGrid:
    """A ruled table: its rules' positions (pixels) and its cells."""

    ys: list[int]
    xs: list[int]
    cells: list[CellBox]

    @property
    def top(self) -> int:
        return self.ys[0]

    @property
    def bottom(self) -> int:
        return self.ys[-1]


@dataclass
class OcrPage:
    """What OCR found on one page, positions in PDF points from the page top."""

    lines: list[tuple[float, str, float]] = field(default_factory=list)
    """(top, text, right edge) of each text line outside the tables."""
    tables: list[tuple[float, Table]] = field(default_factory=list)


# ---------------------------------------------------------------------------------------
# rules and grids


def _runs_at_least(ink: np.ndarray, length: int) -> np.ndarray:
    """Mask of ink pixels lying on a run of at least `length` along axis 1."""
    rows, width = ink.shape
    if width < length:
        return np.zeros_like(ink)
    csum = np.zeros((rows, width + 1), dtype=np.int32)
    np.cumsum(ink, axis=1, out=csum[:, 1:])
    full = (csum[:, length:] - csum[:, :-length]) == length  # window starting at i is all ink
    starts = np.zeros((rows, width + 1), dtype=np.int32)
    np.cumsum(full, axis=1, out=starts[:, 1 : full.shape[1] + 1])
    starts[:, full.shape[1] + 1 :] = starts[:, full.shape[1] : full.shape[1] + 1]
    # pixel j is covered when some window start i lies in [j - length + 1, j]
    idx = np.arange(width)
    lo = np.clip(idx - length + 1, 0, None)
    hi = np.clip(idx + 1, None, full.shape[1])
    return (starts[:, hi] - starts[:, lo]) > 0


def _dilate(mask: np.ndarray, radius: int) -> np.ndarray:
    """`mask` grown by `radius` pixels in each direction (rules' anti-aliased edges)."""
    out = mask.copy()
    for shift in range(1, radius + 1):
        out[shift:] |= mask[:-shift]
        out[:-shift] |= mask[shift:]
        out[:, shift:] |= mask[:, :-shift]
        out[:, :-shift] |= mask[:, shift:]
    return out


def _groups(indices: Iterable[int]) -> list[tuple[int, int]]:
    """Consecutive integers as inclusive (first, last) runs."""
    out: list[tuple[int, int]] = []
    for i in indices:
        if out and i == out[-1][1] + 1:
            out[-1] = (out[-1][0], i)
        else:
            out.append((i, i))
    return out


def _covered(stretch: np.ndarray) -> bool:
    """True when at least 60% of a rule's stretch is drawn."""
    return len(stretch) > 0 and float(stretch.mean()) >= 0.6


def find_grids(ink: np.ndarray, dpi: int = OCR_DPI) -> tuple[list[TableGrid], np.ndarray]:
    """The ruled tables of a page's ink mask, top to bottom, and the mask of their rules.

    A table is a stack of horizontal rules joined by vertical ones. A cell grows right while
    the vertical rule on its right is missing and down while the rule below it is missing:
    that is how a printed template shows a merged cell.
    """
    horizontal = _runs_at_least(ink, int(dpi * _H_RUN))
    vertical = _runs_at_least(ink.T, int(dpi * _V_RUN)).T
    # every row rule of a table is long somewhere; touching glyphs of large text can make a
    # short run, so short runs count only as pieces of a rule already found
    long_rows = _runs_at_least(ink, int(dpi * _TABLE_RULE)).any(axis=1)
    lines = [(a + b) // 2 for a, b in _groups(np.flatnonzero(long_rows))]
    grids: list[TableGrid] = []
    start = 0
    for i in range(len(lines) + 1):
        joined = i < len(lines) - 1 and bool(
            (vertical[lines[i] + 3 : lines[i + 1] - 2].mean(axis=0) > 0.9).any()
        )
        if joined:
            continue
        grid = _grid(lines[start : i + 1], horizontal, vertical) if i < len(lines) else None
        if grid is not None:
            grids.append(grid)
        start = i + 1
    rules = np.zeros_like(ink)
    for grid in grids:
        x0, x1 = max(0, grid.xs[0] - 4), grid.xs[-1] + 5
        y0, y1 = max(0, grid.ys[0] - 4), grid.ys[-1] + 5
        for y in grid.ys:
            rows = slice(max(0, y - 4), y + 5)
            rules[rows, x0:x1] |= horizontal[rows, x0:x1]
        for x in grid.xs:
            cols = slice(max(0, x - 4), x + 5)
            rules[y0:y1, cols] |= vertical[y0:y1, cols]
    return grids, rules


def _grid(ys: list[int], horizontal: np.ndarray, vertical: np.ndarray) -> TableGrid | None:
    if len(ys) < 2:
        return None
    # a rule spans a whole row from rule to rule; a character's stroke never does
    spans = [vertical[top + 3 : bottom - 2].mean(axis=0) for top, bottom in pairwise(ys)]
    xs = [(a + b) // 2 for a, b in _groups(np.flatnonzero(np.max(spans, axis=0) > 0.9))]
    if len(xs) < 2:
        return None
    n_rows, n_cols = len(ys) - 1, len(xs) - 1

    def v_rule(r: int, x: int) -> bool:
        column = vertical[ys[r] + 3 : ys[r + 1] - 2, max(0, x - 3) : x + 4].any(axis=1)
        return _covered(column)

    def h_rule(y: int, c0: int, c1: int) -> bool:
        row = horizontal[max(0, y - 3) : y + 4, xs[c0] + 3 : xs[c1] - 2].any(axis=0)
        return _covered(row)

    taken: set[tuple[int, int]] = set()
    cells = []
    for r in range(n_rows):
        for c in range(n_cols):
            if (r, c) in taken:
                continue
            c_end = c
            while c_end + 1 < n_cols and not v_rule(r, xs[c_end + 1]):
                c_end += 1
            r_end = r
            while r_end + 1 < n_rows and not h_rule(ys[r_end + 1], c, c_end + 1):
                r_end += 1
            taken.update((i, j) for i in range(r, r_end + 1) for j in range(c, c_end + 1))
            box = (xs[c], ys[r], xs[c_end + 1], ys[r_end + 1])
            cells.append(CellBox(r, c, r_end - r + 1, c_end - c + 1, box))
    return TableGrid(ys, xs, cells)


# ---------------------------------------------------------------------------------------
# tesseract


@dataclass
class Word:
    image: int
    block: int
    par: int
    line: int
    left: int
    top: int
    width: int
    height: int
    text: str

    @property
    def centre(self) -> tuple[float, float]:
        return self.left + self.width / 2, self.top + self.height / 2


def run_tesseract(
    images: list[Image.Image], lang: str, psm: int, whitelist: str = ""
) -> list[Word]:
    """Words (TSV level 5) of all `images` read in one tesseract process."""
    if not images:
        return []
    with tempfile.TemporaryDirectory(prefix="govcrawl-ocr-") as tmp:
        names = []
        for i, image in enumerate(images):
            path = Path(tmp) / f"{i:04d}.png"
            image.save(path)
            names.append(str(path))
        listing = Path(tmp) / "images.txt"
        listing.write_text("\n".join(names) + "\n", encoding="utf-8")
        args = ["tesseract", str(listing), "stdout", "-l", lang, "--psm", str(psm)]
        args += ["--dpi", str(OCR_DPI)]
        if whitelist:
            args += ["-c", f"tessedit_char_whitelist={whitelist}"]
        args.append("tsv")
        try:
            result = subprocess.run(
                args, capture_output=True, timeout=OCR_TIMEOUT, check=False, env=_ENV
            )
        except (subprocess.TimeoutExpired, OSError) as exc:
            raise OcrError(f"tesseract: {exc}") from exc
    if result.returncode != 0:
        raise OcrError(result.stderr.decode("utf-8", "replace")[-300:])
    words = []
    for line in result.stdout.decode("utf-8", "replace").splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) < 12 or parts[0] != "5" or not parts[11].strip():
            continue
        nums = [int(p) for p in parts[1:10]]
        words.append(Word(nums[0] - 1, *nums[1:4], *nums[5:9], parts[11].strip()))
    return words


def run_split(
    tesseract: Callable[..., list[Word]], images: list[Image.Image], *args: str | int
) -> list[Word]:
    """`tesseract` over `images` in up to `WORKERS` concurrent processes (one per core, each
    single-threaded), words numbered by their image's index in `images`."""
    workers = max(1, min(WORKERS, len(images)))
    chunks = [list(range(i, len(images), workers)) for i in range(workers)]
    with ThreadPoolExecutor(workers) as pool:
        results = pool.map(lambda idx: tesseract([images[i] for i in idx], *args), chunks)
        words = []
        for idx, chunk_words in zip(chunks, results, strict=True):
            for word in chunk_words:
                word.image = idx[word.image]
                words.append(word)
    return words


def join_words(words: list[Word]) -> str:
    """Words of one line joined by spaces, the spaces between CJK characters dropped."""
    return _CJK_GAP.sub("", " ".join(w.text for w in sorted(words, key=lambda w: w.left)))


# ---------------------------------------------------------------------------------------
# strips: many small crops read in one call


class Strip:
    """Crops laid out in rows of `columns` slots with white gaps, over as many images as
    tesseract's size limit needs; a word belongs to the slot that holds its box centre.

    Values go several to a row: tesseract drops a line holding one lone short glyph (a 4, a
    dash) as noise, but reads it among neighbours.
    """

    def __init__(
        self, crops: list[tuple[CellKey, Image.Image]], columns: int = 1, lines: bool = False
    ) -> None:
        self.keys = [key for key, _ in crops]
        self.crops = [crop for _, crop in crops]
        self.columns = columns
        self.pitch = max((c.width for c in self.crops), default=1) + _GAP * min(columns, 3)
        self.rows: list[tuple[int, int, int]] = []
        """(image, top, bottom) of each row of slots; a row of several slots is an image."""
        y, image = _GAP // 2, 0
        for start in range(0, len(self.crops), columns):
            height = max(c.height for c in self.crops[start : start + columns]) + _GAP
            if (y + height > _STRIP_HEIGHT or lines) and y > _GAP // 2:
                y, image = _GAP // 2, image + 1
            self.rows.append((image, y, y + height))
            y += height

    def images(self) -> list[Image.Image]:
        width = self.pitch * min(self.columns, len(self.crops)) + _GAP
        heights: dict[int, int] = {}
        for image, _, bottom in self.rows:
            heights[image] = bottom + _GAP // 2
        out = [Image.new("L", (width, heights[i]), 255) for i in sorted(heights)]
        for n, crop in enumerate(self.crops):
            image, top, _ = self.rows[n // self.columns]
            out[image].paste(crop, ((n % self.columns) * self.pitch + _GAP, top + _GAP // 2))
        return out

    def _slot(self, word: Word, image: int) -> int | None:
        x, y = word.centre
        for row, (at, top, bottom) in enumerate(self.rows):
            if at == image and top <= y < bottom:
                n = row * self.columns + int((x - _GAP // 2) // self.pitch)
                return n if n < len(self.crops) else None
        return None

    def texts(self, words: list[Word], first_image: int = 0) -> dict[CellKey, str]:
        """Text per key, lines in order, from a tesseract call whose images from
        `first_image` on are `images()`."""
        by_slot: dict[int, list[Word]] = {}
        for word in words:
            slot = self._slot(word, word.image - first_image)
            if slot is not None:
                by_slot.setdefault(slot, []).append(word)
        out: dict[CellKey, str] = {}
        for slot, slot_words in by_slot.items():
            lines: dict[tuple[int, int, int], list[Word]] = {}
            for word in slot_words:
                lines.setdefault((word.block, word.par, word.line), []).append(word)
            ordered = sorted(lines.values(), key=lambda ws: min(w.top for w in ws))
            out[self.keys[slot]] = "".join(join_words(ws) for ws in ordered)
        return out


def _cell_ink(
    gray: np.ndarray, text_ink: np.ndarray, box: tuple[int, int, int, int]
) -> Image.Image | None:
    """The cell's pixels, rules whitened, trimmed to its ink plus a margin; None if blank."""
    x0, y0, x1, y1 = (box[0] + _INSET, box[1] + _INSET, box[2] - _INSET, box[3] - _INSET)
    inner = text_ink[y0:y1, x0:x1]
    rows, cols = np.flatnonzero(inner.any(axis=1)), np.flatnonzero(inner.any(axis=0))
    if inner.sum() < 12 or not len(rows):
        return None
    pad = 10
    top, bottom = max(y0, y0 + rows[0] - pad), min(y1, y0 + rows[-1] + 1 + pad)
    left, right = max(x0, x0 + cols[0] - pad), min(x1, x0 + cols[-1] + 1 + pad)
    return Image.fromarray(gray[top:bottom, left:right])


def _cjk_count(text: str) -> int:
    return sum(1 for ch in _CJK.findall(text) if ch not in _DIGIT_LOOKALIKE)


def is_value_like(text: str) -> bool:
    """A first reading that may be a number or a null mark: no Chinese beyond look-alikes."""
    squeezed = "".join(text.split())
    return squeezed not in _NULL_WORDS and _cjk_count(squeezed) == 0


def value_cells(first: dict[CellKey, str], keys: list[CellKey]) -> set[CellKey]:
    """Cells to read again as digits.

    Besides every value-like first reading, a reading with at most one Chinese character (a
    digit misread as 外 or 四) counts when its column is mostly values or its row holds at
    least two other values; headers (自然人, 商业企业) have more characters and keep theirs.
    """
    columns: dict[tuple[int, int, int], list[bool]] = {}
    rows: dict[tuple[int, int, int], int] = {}
    for key in keys:
        like = is_value_like(first.get(key, ""))
        columns.setdefault((*key[:2], key[4]), []).append(like)
        rows[(*key[:2], key[3])] = rows.get((*key[:2], key[3]), 0) + like
    out = set()
    for key in keys:
        text = "".join(first.get(key, "").split())
        seen = columns[(*key[:2], key[4])]
        loose = sum(seen) * 2 > len(seen) or rows[(*key[:2], key[3])] >= 2
        if is_value_like(text) or (loose and text not in _NULL_WORDS and _cjk_count(text) <= 1):
            out.add(key)
    return out


def _is_dash(crop: Image.Image) -> bool:
    """A crop whose ink is one flat bar: a dash, which tesseract drops as noise."""
    ink = np.asarray(crop) < 128
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    return bool(len(rows)) and (rows[-1] - rows[0] + 1) * 3 <= cols[-1] - cols[0] + 1


def line_height(crops: list[Image.Image]) -> float:
    """Median height of the text lines in `crops` (ink row runs; a character's own inner
    gaps, as in 二 or 三, are thinner than the gap between lines)."""
    heights = []
    for crop in crops:
        runs: list[tuple[int, int]] = []
        for top, bottom in _groups(np.flatnonzero((np.asarray(crop) < 128).any(axis=1))):
            if runs and top - runs[-1][1] <= 4:
                runs[-1] = (runs[-1][0], bottom)
            else:
                runs.append((top, bottom))
        heights.extend(bottom - top + 1 for top, bottom in runs if bottom - top >= 6)
    return float(np.median(heights)) if heights else float(LABEL_HEIGHT)


def _scaled(crop: Image.Image, factor: float) -> Image.Image:
    size = (max(1, round(crop.width * factor)), max(1, round(crop.height * factor)))
    return crop.resize(size, Image.Resampling.LANCZOS)


def _adds_ones(short: str, long: str) -> bool:
    """True when `long` is `short` with one or more 1s inserted."""
    if len(long) <= len(short):
        return False
    i = 0
    for ch in long:
        if i < len(short) and ch == short[i]:
            i += 1
        elif ch != "1":
            return False
    return i == len(short)


def _read_digits(
    crops: list[tuple[CellKey, Image.Image]],
    factor: float,
    columns: int,
    tesseract: Callable[..., list[Word]],
) -> dict[CellKey, str]:
    if not crops:
        return {}
    strip = Strip([(key, _scaled(crop, factor)) for key, crop in crops], columns, lines=True)
    return strip.texts(tesseract(strip.images(), "chi_sim", 7, DIGITS))


def read_values(
    crops: list[tuple[CellKey, Image.Image]], tesseract: Callable[..., list[Word]]
) -> dict[CellKey, str]:
    """Value cells read with the digits whitelist as single lines (``--psm 7``).

    The main pass reads glyphs `VALUE_HEIGHT` high, several crops to a line; what it leaves
    empty is read again one crop to a line. A pass at the label size backs both up: it may
    drop glyphs and now and then doubles a 4, so it wins only where it adds nothing but 1s
    (the thin glyph the small passes lose). A crop still empty whose ink is a flat bar is a
    dash (tesseract drops a lone dash as noise).
    """
    small = VALUE_HEIGHT / LABEL_HEIGHT
    with ThreadPoolExecutor(2) as pool:
        backup = pool.submit(_read_digits, crops, 1.0, VALUE_COLUMNS, tesseract)
        first = _read_digits(crops, small, VALUE_COLUMNS, tesseract)
        missing = [(key, crop) for key, crop in crops if not first.get(key)]
        first.update(_read_digits(missing, small, 1, tesseract))
        large = backup.result()
    out: dict[CellKey, str] = {}
    for key, crop in crops:
        reading, backup = first.get(key, ""), large.get(key, "")
        if not reading and not backup:
            out[key] = "-" if _is_dash(crop) else ""
        elif not reading or _adds_ones(reading, backup):
            out[key] = backup
        else:
            out[key] = reading
    return out


# ---------------------------------------------------------------------------------------
# pages


def render_pages(body: bytes, indices: list[int], dpi: int = OCR_DPI) -> list[np.ndarray]:
    """Grayscale pixels of the given pages (0-based), rendered once each."""
    try:
        pdf = pdfium.PdfDocument(body)
    except pdfium.PdfiumError as exc:
        raise OcrError(f"pdfium cannot open the PDF: {exc}") from exc
    try:
        return [
            np.asarray(pdf[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L"))
            for i in indices
        ]
    finally:
        pdf.close()


def ocr_pages(
    body: bytes,
    indices: list[int],
    tesseract: Callable[..., list[Word]] | None = None,
) -> dict[int, OcrPage]:
    """OCR the given pages of a PDF: text lines outside tables, and tables as span grids.

    `tesseract` (default `run_tesseract`) runs a fixed number of times per document, however
    many cells it has: pages and cell labels (split over `WORKERS` processes), then the three
    digit passes of `read_values`.
    """
    tesseract = tesseract or run_tesseract
    scale = 72 / OCR_DPI
    pages: list[list[TableGrid]] = []
    blanked: list[Image.Image] = []
    crops: list[tuple[CellKey, Image.Image]] = []
    for n, gray in enumerate(render_pages(body, indices)):
        ink = gray < 128
        grids, rules = find_grids(ink)
        text_ink = ink & ~rules
        clean = np.where(_dilate(rules, 2), 255, gray).astype(np.uint8)
        outside = gray.copy()
        for g, grid in enumerate(grids):
            outside[max(0, grid.top - 6) : grid.bottom + 7] = 255
            for t, cell in enumerate(grid.cells):
                crop = _cell_ink(clean, text_ink, cell.box)
                if crop is not None:
                    crops.append(((n, g, t, cell.row, cell.col), crop))
        pages.append(grids)
        blanked.append(Image.fromarray(outside))
    factor = min(1.0, LABEL_HEIGHT / line_height([crop for _, crop in crops]))
    crops = [(key, _scaled(crop, factor)) for key, crop in crops]
    cells = Strip(crops)
    words = run_split(tesseract, [*blanked, *cells.images()], "chi_sim", 6)
    first = cells.texts(words, len(blanked))
    chosen = value_cells(first, cells.keys)
    first.update(read_values([(key, crop) for key, crop in crops if key in chosen], tesseract))
    result: dict[int, OcrPage] = {}
    for n, (index, grids) in enumerate(zip(indices, pages, strict=True)):
        page = OcrPage()
        lines: dict[tuple[int, int, int], list[Word]] = {}
        for word in words:
            if word.image == n:
                lines.setdefault((word.block, word.par, word.line), []).append(word)
        for line_words in lines.values():
            text = norm_space(join_words(line_words))
            if text:
                top = min(w.top for w in line_words) * scale
                right = max(w.left + w.width for w in line_words) * scale
                page.lines.append((top, text, right))
        page.lines.sort(key=lambda line: line[0])
        for g, grid in enumerate(grids):
            builder = GridBuilder()
            for t, cell in enumerate(grid.cells):
                text = first.get((n, g, t, cell.row, cell.col), "")
                builder.place(text, cell.row, cell.col, cell.rowspan, cell.colspan)
            page.tables.append((grid.top * scale, builder.table("pdf-ocr")))
        result[index] = page
    return result
