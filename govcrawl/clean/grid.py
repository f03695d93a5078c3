"""Placing cells with spans into a `Table`, shared by every format.

Each source describes spans differently (HTML rowspan/colspan, DOCX gridSpan/vMerge, XLSX
merged ranges, PDF cell boxes), but all reduce to "this text starts at (row, col) and covers
rs×cs positions". `GridBuilder` places such cells while refusing overlaps, so a malformed
source can never produce a grid in which two origin cells claim one position.
"""

from __future__ import annotations

import re

from govcrawl.document import Cell, Table

_SPACE = re.compile(r"\s+")


def norm_space(text: str) -> str:
    """Inner whitespace (including the newlines of <br>/<p> joins) collapsed to one space."""
    return _SPACE.sub(" ", text.replace("\u3000", " ").replace("\xa0", " ")).strip()


class GridBuilder:
    """Collects origin cells row by row; positions already covered by a span are skipped."""

    def __init__(self) -> None:
        self.cells: list[Cell] = []
        self._taken: set[tuple[int, int]] = set()

    def next_free(self, row: int, col: int) -> int:
        while (row, col) in self._taken:
            col += 1
        return col

    def place(self, text: str, row: int, col: int, rowspan: int = 1, colspan: int = 1) -> Cell:
        """Add a cell at (row, col); its colspan is cut before any position already taken."""
        colspan = max(1, colspan)
        for offset in range(1, colspan):
            if (row, col + offset) in self._taken:
                colspan = offset
                break
        rowspan = max(1, rowspan)
        for r_off in range(1, rowspan):
            if any((row + r_off, col + c) in self._taken for c in range(colspan)):
                rowspan = r_off
                break
        cell = Cell(norm_space(text), row, col, rowspan, colspan)
        self.cells.append(cell)
        for r in range(row, row + rowspan):
            for c in range(col, col + colspan):
                self._taken.add((r, c))
        return cell

    def is_taken(self, row: int, col: int) -> bool:
        return (row, col) in self._taken

    def table(self, source: str) -> Table:
        return Table(cells=self.cells, source=source)


def compact(table: Table) -> Table:
    """The table moved to start at row 0, column 0 (sheets often start lower and to the right)."""
    if not table.cells:
        return table
    top = min(cell.row for cell in table.cells)
    left = min(cell.col for cell in table.cells)
    for cell in table.cells:
        cell.row -= top
        cell.col -= left
    return table
