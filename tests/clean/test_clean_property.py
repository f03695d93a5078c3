"""Property: any grid of spanned cells, written as an HTML table, is read back as that grid."""

from __future__ import annotations

from html import escape

from hypothesis import given, settings
from hypothesis import strategies as st

from govcrawl.clean import clean_bytes
from govcrawl.clean.html import html_table, parse_html
from govcrawl.document import Cell

WORDS = st.text(alphabet="收到处理申请公开总计结果维持纠正0123456789", min_size=1, max_size=6)


@st.composite
def spanned_grids(draw: st.DrawFn) -> tuple[int, int, list[Cell]]:
    n_rows = draw(st.integers(1, 5))
    n_cols = draw(st.integers(1, 5))
    taken: set[tuple[int, int]] = set()
    cells: list[Cell] = []
    for r in range(n_rows):
        for c in range(n_cols):
            if (r, c) in taken:
                continue
            max_cs = next((k for k in range(1, n_cols - c) if (r, c + k) in taken), n_cols - c)
            cs = draw(st.integers(1, max_cs))
            rs = draw(st.integers(1, n_rows - r))
            text = f"{draw(WORDS)}#{len(cells)}"
            cells.append(Cell(text, r, c, rs, cs))
            taken.update((r + i, c + j) for i in range(rs) for j in range(cs))
    return n_rows, n_cols, cells


def _html(n_rows: int, cells: list[Cell]) -> str:
    rows = []
    for r in range(n_rows):
        tds = "".join(
            f'<td rowspan="{c.rowspan}" colspan="{c.colspan}">{escape(c.text)}</td>'
            for c in sorted(cells, key=lambda c: c.col)
            if c.row == r
        )
        rows.append(f"<tr>{tds}</tr>")
    return f"<table border='1'>{''.join(rows)}</table>"


def _shape(cells: list[Cell]) -> set[tuple[str, int, int, int, int]]:
    return {(c.text, c.row, c.col, c.rowspan, c.colspan) for c in cells}


@settings(max_examples=150, deadline=None)
@given(spanned_grids())
def test_html_table_round_trip(grid: tuple[int, int, list[Cell]]) -> None:
    n_rows, _, cells = grid
    element = parse_html(_html(n_rows, cells)).xpath("//table")[0]
    assert _shape(html_table(element).cells) == _shape(cells)


def _is_data_shaped(grid: tuple[int, int, list[Cell]]) -> bool:
    """Two rows that start cells, one row that starts two: below that a table is layout."""
    per_row = [sum(c.row == r for c in grid[2]) for r in range(grid[0])]
    return sum(n > 0 for n in per_row) >= 2 and max(per_row) >= 2


@settings(max_examples=40, deadline=None)
@given(spanned_grids().filter(_is_data_shaped))
def test_page_round_trip(grid: tuple[int, int, list[Cell]]) -> None:
    n_rows, _, cells = grid
    table = _html(n_rows, cells)
    page = f"<html><body><div><p>表前说明文字。</p>{table}<p>表后说明文字。</p></div></body></html>"
    doc = clean_bytes(page.encode("utf-8"), "text/html; charset=utf-8")
    assert len(doc.tables) == 1
    assert _shape(doc.tables[0].cells) == _shape(cells)
