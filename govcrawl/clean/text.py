"""Plain text → `CleanDocument` blocks, recovering the tables that text flattening left behind.

Reports reach us as text in two flattened table shapes: tab-separated rows (one ``\\t`` per
cell, ``---`` markdown separator rows) and ``" | "``-joined rows (each cell followed by ``|``,
so a row of one label and three empty cells reads ``label | |||``). Layout pages flattened the
same way leave lines of pipes and ``| chrome |`` lines, which `noise` removes.

Flattening loses spans; `rows_to_table()` puts them back with two layouts:

* positional — every row has its cells in grid order. In header rows (rows without values) an
  empty cell continues the header above it when that header starts in its column, else it
  continues the header on its left; in data rows leading empty label cells continue the label
  above (the blank-leading-cell continuation rows of grouped tables) and trailing empty cells
  continue the cell on their left.
* outline — data rows whose labels are outline items of different depth (``一、`` / ``（一）`` /
  ``1.``) and start at different positions, as in the requests table: labels go to one column
  per depth, values to the columns after the labels, missing labels continue the label above
  (a row span), and a label split across rows by the flattening (``（三）`` + ``不予公开``) is
  joined again.

A three-row header that the flattening packed to the left (``行政复议 | 行政诉讼 | |||…``, the
review table) is spread back to positional rows first, when its repeated leaf labels make
the layout unambiguous (`_spread_three_row_header`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from govcrawl.clean.grid import GridBuilder, norm_space
from govcrawl.clean.noise import chrome_rule, is_preview_marker, strip_chrome
from govcrawl.document import Block, Paragraph, Table

VALUE = re.compile(r"^(?:[+\-−–－]?\d[\d,]*(?:\.\d+)?%?[*※¹²³⁰⁴-⁹①-⑳]*|[/／\-—–－]|无)$")
"""A table value cell: a number (signed with any minus look-alike, a footnote mark after it)
or a null token."""
_PAGE_COUNTER = re.compile(r"(\d+)\s*/\s*(\d+)")
_SEPARATOR = re.compile(r"^:?-{3,}:?$")
_LEVELS: tuple[re.Pattern[str], ...] = (
    re.compile(r"^[一二三四五六七八九十]+[、.．]"),
    re.compile(r"^[（(][一二三四五六七八九十]+[）)]"),
    re.compile(r"^\d{1,2}[.．、](?!\d)"),
)
_COMPOUND = re.compile(r"^([（(][一二三四五六七八九十]+[）)])\s*(\d{1,2}[.．、](?!\d).*)$")


def split_row(line: str) -> list[str] | None:
    """Cells of a flattened table row, or None when `line` is not one."""
    if "\t" in line:
        cells = [norm_space(c) for c in line.split("\t")]
    elif "|" in line.strip()[1:]:
        body = line.strip()
        body = body[1:] if body.startswith("|") else body
        body = body[:-1] if body.endswith("|") else body
        cells = [norm_space(c) for c in body.split("|")]
    else:
        return None
    filled = sum(1 for cell in cells if cell)
    # an indented paragraph ("\t一、总体情况") is two cells with one filled: not a row
    if filled == 0 or (filled < 2 and len(cells) < 3):
        return None
    return cells


_SUPERSCRIPT = str.maketrans("0123456789+-=()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾")


def superscript(text: str) -> str:
    """`text` as it was set, raised: digits and signs in their superscript characters.

    HTML and DOCX mark a footnote reference by position only (`35<sup>2</sup>`); flattened to
    plain characters it would become part of the number (352). Superscript characters keep
    it a mark that the extractor can set aside. Characters without a superscript form stay.
    """
    return text.translate(_SUPERSCRIPT)


def preview_marked(lines: Iterable[str]) -> bool:
    """True when `lines` mark a doc-share preview: a marker such as 免费阅读已结束, or page
    counters (`1 / 6`) that stop short of their last page.

    A counter that reaches its last page (a portal's pager `1/1`, or every page of a full copy
    numbered `k / n`) shows the whole document, so it is no sign of truncation.
    """
    counters: list[tuple[int, int]] = []
    for line in lines:
        if not line.strip() or not is_preview_marker(line):
            continue
        counter = _PAGE_COUNTER.fullmatch(line.strip())
        if counter is None:
            return True
        page, pages = int(counter.group(1)), int(counter.group(2))
        if 0 < page <= pages:
            counters.append((page, pages))
    return bool(counters) and max(p for p, _ in counters) < max(n for _, n in counters)


def is_value(text: str) -> bool:
    return bool(VALUE.match(text))


def level(label: str) -> int | None:
    """Outline depth of a label: 0 for 一、, 1 for （一）, 2 for 1., None for plain text."""
    return next((i for i, pattern in enumerate(_LEVELS) if pattern.match(label)), None)


def _first_value(row: list[str]) -> int | None:
    return next((i for i, cell in enumerate(row) if is_value(cell)), None)


@dataclass
class _Box:
    """A cell under construction: a rectangle that can still grow right or down."""

    text: str
    row: int
    col: int
    rows: int = 1
    cols: int = 1


@dataclass
class _Grid:
    """Owner matrix used while spans are being decided."""

    owner: dict[tuple[int, int], _Box] = field(default_factory=dict)
    boxes: list[_Box] = field(default_factory=list)

    def new(self, text: str, r: int, c: int) -> _Box:
        """A new cell at (r, c); text landing on an occupied position joins that cell."""
        if (r, c) in self.owner:
            box = self.owner[r, c]
            box.text = f"{box.text} {text}"
            return box
        box = _Box(text, r, c)
        self.boxes.append(box)
        self.owner[r, c] = box
        return box

    def grow_right(self, box: _Box, r: int, c: int) -> bool:
        if box.row != r or box.rows != 1 or box.col + box.cols != c:
            return False
        box.cols += 1
        self.owner[r, c] = box
        return True

    def grow_down(self, box: _Box, r: int, free: set[int]) -> bool:
        """Extend `box` into row r if all its columns are free there."""
        span = range(box.col, box.col + box.cols)
        if box.row + box.rows != r or any(c not in free for c in span):
            return False
        box.rows += 1
        for c in span:
            self.owner[r, c] = box
            free.discard(c)
        return True

    def table(self) -> Table:
        builder = GridBuilder()
        for box in sorted(self.boxes, key=lambda b: (b.row, b.col)):
            builder.place(box.text, box.row, box.col, box.rows, box.cols)
        return builder.table("text")


def _place_header(grid: _Grid, r: int, cells: list[str | None], prev_header: bool) -> None:
    """Header row: None means 'same cell as on the left' (a label spanning label columns)."""
    free = {c for c, text in enumerate(cells) if not text}
    for c, text in enumerate(cells):
        if c not in free:
            if text is None:
                continue
            grid.new(text, r, c)
            continue
        if (r, c) in grid.owner:
            continue
        left = grid.owner.get((r, c - 1))
        above = grid.owner.get((r - 1, c)) if prev_header else None
        if cells[c] is None and left is not None and grid.grow_right(left, r, c):
            continue
        if above is not None and above.col == c and grid.grow_down(above, r, free):
            continue
        if left is not None and grid.grow_right(left, r, c):
            continue


def _place_positional_data(grid: _Grid, r: int, cells: list[str]) -> None:
    first_value = _first_value(cells)
    label_end = first_value if first_value is not None else len(cells)
    last_text = max((i for i, t in enumerate(cells) if t), default=-1)
    free = {c for c, text in enumerate(cells) if not text}
    for c, text in enumerate(cells):
        if text:
            grid.new(text, r, c)
            continue
        if (r, c) in grid.owner:
            continue
        above = grid.owner.get((r - 1, c))
        continues_label = c < label_end and above is not None and not is_value(above.text)
        if continues_label and above.col == c and grid.grow_down(above, r, free):
            continue
        if c > last_text and (left := grid.owner.get((r, c - 1))) is not None:
            grid.grow_right(left, r, c)


def _labels(label_cells: list[str]) -> list[tuple[int | None, str]]:
    """(depth, text) of a row's labels; a cell holding two outline items is split, and a
    plain label takes the depth just above the next outline item (or below the previous)."""
    out: list[tuple[int | None, str]] = []
    for cell in label_cells:
        if not cell:
            continue
        compound = _COMPOUND.match(cell)
        if compound:
            out.extend((level(part), part) for part in compound.groups())
        else:
            out.append((level(cell), cell))
    resolved: list[tuple[int | None, str]] = []
    for i, (depth, text) in enumerate(out):
        if depth is None:
            after = next((d for d, _ in out[i + 1 :] if d is not None), None)
            before = resolved[-1][0] if resolved else None
            if after is not None:
                depth = max(after - 1, 0)
            else:
                depth = before + 1 if before is not None else 0
        resolved.append((depth, text))
    return resolved


def _place_outline_data(grid: _Grid, r: int, cells: list[str], depth_col: dict[int, int]) -> None:
    first_value = _first_value(cells)
    n_labels = len(depth_col)
    labels = _labels(cells[:first_value])
    placed: list[tuple[int, str]] = []
    for depth, text in labels:
        col = depth_col.get(depth, n_labels - 1)
        above = grid.owner.get((r - 1, col))
        if (
            above is not None
            and level(text) is None
            and _LEVELS[1].fullmatch(above.text) is not None
        ):
            above.text = f"{above.text} {text}"
            placed.append((col, ""))
            continue
        placed.append((col, text))
    starts = [col for col, _ in placed]
    free = set(range(n_labels)) - {c for c, t in placed if t}
    for index, (col, text) in enumerate(placed):
        if not text:
            continue
        end = starts[index + 1] if index + 1 < len(placed) else n_labels
        box = grid.new(text, r, col)
        for c in range(col + 1, max(end, col + 1)):
            grid.grow_right(box, r, c)
            free.discard(c)
    for c in range(n_labels):
        if c in free and (r, c) not in grid.owner:
            above = grid.owner.get((r - 1, c))
            if above is not None and above.col == c:
                grid.grow_down(above, r, free)
    values = cells[first_value:] if first_value is not None else []
    while values and not values[-1]:
        values.pop()
    for offset, text in enumerate(values):
        if text:
            grid.new(text, r, n_labels + offset)


def _outline_columns(data_rows: list[list[str]]) -> dict[int, int] | None:
    """Depth → label column when the rows are an outline, else None (positional layout)."""
    starts = {_first_value(row) for row in data_rows}
    depths = {d for row in data_rows for d, _ in _labels(row[: _first_value(row)]) if d is not None}
    if len(starts) < 2 or len(depths) < 2:
        return None
    return {depth: i for i, depth in enumerate(sorted(depths))}


def _packed(row: list[str]) -> list[str] | None:
    """The filled cells of a left-packed row (all filled cells first, then only blanks)."""
    filled = [cell for cell in row if cell]
    return filled if row[: len(filled)] == filled and len(filled) < len(row) else None


def _spread_three_row_header(block: list[list[str]], width: int) -> list[list[str]] | None:
    """Positional rows for a left-packed three-row header (top group row, middle row of
    leaves and sub-group labels, bottom row of repeated leaf labels), or None when the rows
    do not determine one layout.

    Flattening that drops colspans packs each header row to the left, e.g. the review table's
    ``行政复议 | 行政诉讼 | |||…``. The bottom row repeats one label pattern once per middle
    sub-group; middle cells whose text occurs in that pattern are leaves spanning both rows;
    the top cells cover the runs of leaves and of sub-groups.
    """
    if len(block) != 3:
        return None
    top, middle, bottom = (_packed(row) for row in block)
    if top is None or middle is None or bottom is None:
        return None
    leaf_names = {norm_space(t).replace(" ", "") for t in bottom}
    is_leaf = [norm_space(t).replace(" ", "") in leaf_names for t in middle]
    groups = len(middle) - sum(is_leaf)
    if groups == 0 or len(bottom) % groups or sum(is_leaf) + len(bottom) != width:
        return None
    period = len(bottom) // groups
    if bottom != bottom[:period] * groups:
        return None
    runs = [k for k, i in enumerate(is_leaf) if k == 0 or is_leaf[k - 1] != i]
    if len(runs) != len(top):
        return None
    rows: list[list[str]] = [[], [], []]
    for k, (text, leaf) in enumerate(zip(middle, is_leaf, strict=True)):
        span = 1 if leaf else period
        rows[0].extend([top[runs.index(k)] if k in runs else ""] + [""] * (span - 1))
        rows[1].extend([text] + [""] * (span - 1))
        rows[2].extend([""] if leaf else bottom[:period])
    return rows


def _repair_packed_headers(rows: list[list[str]], is_data: list[bool]) -> list[list[str]]:
    """Re-spread left-packed header blocks that sit directly on a wider data row."""
    out = list(rows)
    start = 0
    for r, data in enumerate(is_data):
        if not data:
            continue
        if r - start == 3:
            spread = _spread_three_row_header(out[start:r], len(rows[r]))
            if spread is not None:
                out[start:r] = spread
        start = r + 1
    return out


def rows_to_table(rows: list[list[str]]) -> Table:
    """A span-aware grid from flattened rows (see the module docstring for the rules)."""
    rows = [row for row in rows if not all(_SEPARATOR.match(c) or not c for c in row)]
    rows = _repair_packed_headers(rows, [_first_value(row) is not None for row in rows])
    is_data = [_first_value(row) is not None for row in rows]
    data_rows = [row for row, data in zip(rows, is_data, strict=True) if data]
    depth_col = _outline_columns(data_rows)
    grid = _Grid()
    n_values = max((len(row) - (_first_value(row) or 0) for row in data_rows), default=0)
    for r, (row, data) in enumerate(zip(rows, is_data, strict=True)):
        prev_header = r > 0 and not is_data[r - 1]
        if depth_col is None:
            if data:
                _place_positional_data(grid, r, row)
            else:
                _place_header(grid, r, list(row), prev_header)
        elif data:
            _place_outline_data(grid, r, row, depth_col)
        else:
            head = row[: max(1, len(row) - n_values)]
            mapped: list[str | None] = [head[0]] + [None] * (len(depth_col) - 1)
            mapped += list(head[1:]) + list(row[len(head) :])
            _place_header(grid, r, mapped, prev_header)
    return grid.table()


def text_blocks(text: str) -> tuple[list[Block], str | None, bool]:
    """(blocks, title, preview_truncated?) for plain text."""
    blocks: list[Block] = []
    table_rows: list[list[str]] = []
    paragraph_lines: list[str] = []

    def flush_paragraphs() -> None:
        lines, _ = strip_chrome(paragraph_lines)
        blocks.extend(Paragraph(line) for line in lines)
        paragraph_lines.clear()

    def flush_table() -> None:
        if table_rows:
            table = rows_to_table(table_rows)
            if table.cells:
                blocks.append(table)
            table_rows.clear()

    for line in text.splitlines():
        if not line.strip():
            continue  # blank lines neither end a table nor make a paragraph
        if chrome_rule(line) is not None:
            continue
        cells = split_row(line)
        if cells is None:
            flush_table()
            paragraph_lines.append(line)
            continue
        flush_paragraphs()
        table_rows.append(cells)
    flush_table()
    flush_paragraphs()
    title = next((b.text for b in blocks if isinstance(b, Paragraph)), None)
    if title is not None and len(title) > 80:
        title = None
    return blocks, title, preview_marked(text.splitlines())
