"""Row-wise views of a `Table` grid shared by the three table readers.

The readers never rely on fixed positions: they find a row's label by matching text, read the
column labels stacked above each grid column (so spanned group headers and header words split
over two rows both work), and map values to columns by grid position — falling back to the
template's column order only when positions demonstrably do not line up (text-derived grids).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from govcrawl.document import Cell, Table
from govcrawl.extract.labels import declared_unit, is_blank, is_value_text, lookup, with_unit


def row_cells(grid: list[list[Cell | None]], r: int) -> list[Cell]:
    """The distinct cells covering grid row `r`, left to right (a spanned cell once)."""
    seen: set[int] = set()
    out: list[Cell] = []
    for cell in grid[r]:
        if cell is not None and id(cell) not in seen:
            seen.add(id(cell))
            out.append(cell)
    return out


def column_texts(grid: list[list[Cell | None]], rows: Iterable[int]) -> dict[int, list[str]]:
    """For each grid column, the non-blank texts stacked top to bottom within `rows`."""
    out: dict[int, list[str]] = {}
    for r in rows:
        for c, cell in enumerate(grid[r]):
            if cell is None or is_blank(cell.text):
                continue
            texts = out.setdefault(c, [])
            above = grid[r - 1][c] if r > 0 else None
            if above is cell and texts:
                continue
            texts.append(cell.text)
    return out


def match_stacked(texts: Sequence[str], index: dict[str, str]) -> str | None:
    """The lowest text in a column's header stack that names a key; two stacked fragments
    (`商业` over `企业`) are tried joined."""
    for i in range(len(texts) - 1, -1, -1):
        key = lookup(index, texts[i])
        if key is None and i > 0:
            key = lookup(index, texts[i - 1] + texts[i])
        if key is not None:
            return key
    return None


@dataclass
class DataRow:
    """A row whose label names a template row, with the cells to its right.

    A value cell that reads neither as a number nor as a null token (`约3`, `见附件`) stands in
    `values` as a blank cell at its place, so the row's other values keep their columns, and
    is listed in `unreadable` so that the record can say a value was there and not read.
    """

    key: str
    label: Cell
    values: list[Cell]
    unreadable: list[Cell] = field(default_factory=list)


def _header_unit(grid: list[list[Cell | None]], r: int, cell: Cell) -> str | None:
    """The money unit declared by the nearest header cell above `cell`'s column."""
    column = [row[cell.col] for row in grid[:r]]
    if not any(head is not None and "元" in head.text for head in column):
        return None  # no money unit above: spare reading every value cell on the way up
    for above in range(r - 1, -1, -1):
        head = grid[above][cell.col]
        if head is None or head is cell or is_value_text(head.text):
            continue
        return declared_unit(head.text)
    return None


def _value_cell(grid: list[list[Cell | None]], r: int, cell: Cell) -> Cell:
    """`cell` as `parse_value` must read it: carrying the money unit its column header
    declares (`本年收费金额（单位：元）` over `3500`) when it writes none itself."""
    unit = _header_unit(grid, r, cell)
    if unit is None:
        return cell
    return replace(cell, text=with_unit(cell.text, unit))


def split_row(grid: list[list[Cell | None]], r: int, index: dict[str, str]) -> DataRow | None:
    """Find the rightmost label cell naming a row key; everything to its right are values.

    Only cells starting in row `r` count: a label spanning down from above is a group label
    (（三）不予公开), or a span a cleaner guessed wrongly, never this row's own label.
    A row qualifies only if at least one of its value cells reads as a number, which keeps
    header rows (whose labels may coincide with row labels, e.g. 其他, 总计) out; a value
    cell that cannot be read costs only its own value (`DataRow.unreadable`), not the row.
    """
    cells = [c for c in row_cells(grid, r) if c.row == r]
    for i in range(len(cells) - 1, -1, -1):
        cell = cells[i]
        if is_value_text(cell.text):
            continue
        key = lookup(index, cell.text)
        if key is None:
            continue
        values: list[Cell] = []
        unreadable: list[Cell] = []
        for value in cells[i + 1 :]:
            if is_value_text(value.text):
                values.append(_value_cell(grid, r, value))
            else:
                unreadable.append(value)
                values.append(replace(value, text=""))
        if all(is_blank(v.text) for v in values):
            return None
        return DataRow(key=key, label=cell, values=values, unreadable=unreadable)
    return None


def assign(values: list[Cell], colmap: dict[int, str], order: Sequence[str]) -> dict[str, Cell]:
    """Map value cells to column keys.

    By grid position when the header names every expected column and each non-blank value
    sits under a distinct named column; else in template order when exactly `len(order)`
    values remain after dropping blanks at either end; else whatever positions do name.
    """
    positional: dict[str, Cell] = {}
    consistent = set(order) <= set(colmap.values())
    for cell in values:
        key = next(
            (colmap[c] for c in range(cell.col, cell.col + cell.colspan) if c in colmap), None
        )
        if key is None or key not in order or key in positional:
            if not is_blank(cell.text):
                consistent = False
            continue
        positional[key] = cell
    if consistent and positional:
        return positional
    trimmed = list(values)
    while len(trimmed) > len(order) and is_blank(trimmed[0].text):
        trimmed.pop(0)
    while len(trimmed) > len(order) and is_blank(trimmed[-1].text):
        trimmed.pop()
    if len(trimmed) == len(order):
        return dict(zip(order, trimmed, strict=True))
    return positional


def all_values(table: Table) -> bool:
    """True for a label-less table of numbers (a data row split off its header)."""
    texts = [c.text for c in table.cells if not is_blank(c.text)]
    return bool(texts) and all(is_value_text(t) for t in texts)
