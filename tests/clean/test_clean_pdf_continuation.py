"""Tables that a PDF continues on the next page come out of cleaning whole.

Office exports cut a table at the page end: Writer goes on with the next rows on the next page
(and cuts a row whose text does not fit in two, its head at the bottom of one page and its
tail at the top of the next), Calc prints a sheet wider than the paper as its first columns
on one page and the remaining columns on the next. The joins rest on layout alone, so the
synthetic PDFs here (drawn with reportlab at chosen positions) pin down each rule and each
case that must stay apart; the LibreOffice exports under `govcrawl/demo_farm/assets/lo_exports/`
show the result on real office output, with the farm's report as ground truth.
"""

from __future__ import annotations

import io
import json
from functools import cache
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas
from reportlab.platypus import Table as PdfTable
from reportlab.platypus import TableStyle

import govcrawl.demo_farm
from govcrawl.clean.pdf import pdf_blocks
from govcrawl.demo_farm.render import render_pdf
from govcrawl.demo_farm.render.layout import document_blocks, style_for
from govcrawl.demo_farm.reports import GeneratedReport, generate_reports
from govcrawl.document import Cell, Paragraph, Table

WIDTH, HEIGHT = letter
LEFT = 72.0
ROW = 18.0
BOTTOM = HEIGHT - 72.0
"""The lowest a table reaches on these pages (the bottom margin, as distance from the top)."""


def _table(rows: list[list[str]], widths: list[float], spans: tuple, height: float) -> PdfTable:
    style = [("GRID", (0, 0), (-1, -1), 0.6, colors.black), ("FONTSIZE", (0, 0), (-1, -1), 9)]
    style.extend(("SPAN", start, end) for start, end in spans)
    return PdfTable(rows, colWidths=widths, rowHeights=height, style=TableStyle(style))


def _pdf(pages: list[list[tuple]]) -> bytes:
    """Pages of tables and text lines, each placed with its top at a distance from the page
    top: ("table", top, rows, widths, spans, left[, row height]) or ("text", top, line)."""
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=letter, invariant=1)
    for items in pages:
        for kind, top, *rest in items:
            if kind == "text":
                pdf.setFont("Helvetica", 11)
                pdf.drawString(LEFT, HEIGHT - top - 11, rest[0])
                continue
            rows, widths, spans, left, *height = rest
            table = _table(rows, widths, spans, height[0] if height else ROW)
            _, height = table.wrapOn(pdf, WIDTH, HEIGHT)
            table.drawOn(pdf, left, HEIGHT - top - height)
        pdf.showPage()
    pdf.save()
    return buf.getvalue()


def _at_bottom(rows: int) -> float:
    """The top at which a table of `rows` rows ends on the bottom margin."""
    return BOTTOM - rows * ROW


def _tables(body: bytes) -> list[Table]:
    return [block for block in pdf_blocks(body).blocks if isinstance(block, Table)]


def _rows(table: Table) -> list[list[str]]:
    """Each grid row's origin-cell texts (a span's text once, at its origin)."""
    return [
        [cell.text for c, cell in enumerate(row) if cell and (cell.row, cell.col) == (r, c)]
        for r, row in enumerate(table.grid())
    ]


def _at(table: Table, text: str) -> Cell:
    return next(cell for cell in table.cells if cell.text == text)


COLUMNS = [120.0, 60.0, 60.0, 60.0]
HEAD = ["item", "new", "done", "left"]


def _data(labels: str, start: int = 1) -> list[list[str]]:
    return [[label, str(n), str(n + 1), str(n + 2)] for n, label in enumerate(labels, start)]


def test_rows_continued_on_the_next_page_join_one_table_without_the_repeated_header() -> None:
    head_rows = [HEAD, *_data("abcd")]
    tail_rows = [HEAD, *_data("efg", 10)]
    body = _pdf(
        [
            [("text", 72, "Report"), ("table", _at_bottom(5), head_rows, COLUMNS, (), LEFT)],
            [("table", 72, tail_rows, COLUMNS, (), LEFT), ("text", 72 + 5 * ROW, "After")],
        ]
    )
    (table,) = _tables(body)
    assert _rows(table) == [HEAD, *_data("abcd"), *_data("efg", 10)]


def test_page_numbers_in_the_footer_neither_block_the_join_nor_stay_as_text() -> None:
    """Word and WPS print a bare page number under every page's body."""
    footer = HEIGHT - 40
    body = _pdf(
        [
            [("text", 72, "Report"), ("table", _at_bottom(5), [HEAD, *_data("abcd")], COLUMNS,
                                      (), LEFT), ("text", footer, "1")],
            [("table", 72, _data("efg", 10), COLUMNS, (), LEFT), ("text", 72 + 4 * ROW, "2024"),
             ("text", footer, "2")],
        ]
    )  # fmt: skip
    blocks = pdf_blocks(body).blocks
    (table,) = [block for block in blocks if isinstance(block, Table)]
    assert _rows(table) == [HEAD, *_data("abcd"), *_data("efg", 10)]
    # A number in the body is text; the ones in the footer are gone.
    assert [b.text for b in blocks if isinstance(b, Paragraph)] == ["Report", "2024"]


@pytest.mark.parametrize(
    "between", [[("text", 72, "Table 2")], []], ids=["heading", "other-columns"]
)
def test_a_new_table_on_the_next_page_stays_apart(between: list[tuple]) -> None:
    """A heading between the two, or other column edges, makes the next page's table a new
    one even when the first ends on the page bottom."""
    top = 72 + 2 * ROW if between else 72
    widths = [90.0, 90.0, 60.0, 60.0] if not between else COLUMNS
    body = _pdf(
        [
            [("table", _at_bottom(4), [HEAD, *_data("abc")], COLUMNS, (), LEFT)],
            [*between, ("table", top, [HEAD, *_data("xy")], widths, (), LEFT)],
        ]
    )
    assert [len(t.grid()) for t in _tables(body)] == [4, 3]


def test_a_table_that_left_room_on_its_page_is_not_continued() -> None:
    """The next table would have fitted under the first: the page ended for another reason."""
    body = _pdf(
        [
            [("table", 300, [HEAD, *_data("abc")], COLUMNS, (), LEFT)],
            [("table", 72, _data("defghijklmnopqrstuvwxyz"), COLUMNS, (), LEFT)],
        ]
    )
    assert [len(t.grid()) for t in _tables(body)] == [4, 23]


GROUPED = [60.0, *COLUMNS]


@pytest.mark.parametrize("split", [False, True], ids=["row-boundary", "row-cut"])
def test_a_row_cut_by_the_page_break_is_one_row_again(split: bool) -> None:
    """A row whose label runs on under the break leaves its finished cells empty on the next
    page: head and tail are one row. A full row there is the next row. A merged cell
    running across the break is one cell either way."""
    head = [["group", *HEAD], ["g1", *_data("a")[0]], ["", *_data("b", 4)[0]]]
    first = ["", "b-tail", "", "", ""] if split else ["", *_data("c", 7)[0]]
    tail = [first, ["", *_data("d", 10)[0]]]
    body = _pdf(
        [
            [("table", _at_bottom(3), head, GROUPED, [((0, 1), (0, 2))], LEFT)],
            [("table", 72, tail, GROUPED, [((0, 0), (0, 1))], LEFT)],
        ]
    )
    (table,) = _tables(body)
    rows = _rows(table)
    if split:
        assert rows[2] == ["b b-tail", "4", "5", "6"]
        assert len(rows) == 4
    else:
        assert rows[2:] == [["b", "4", "5", "6"], ["c", "7", "8", "9"], ["d", "10", "11", "12"]]
    group = _at(table, "g1")
    assert (group.row, group.rowspan) == (1, len(rows) - 1)


def test_a_numbered_row_of_blank_values_opening_the_next_page_is_its_own_row() -> None:
    """Reports that leave zero cells blank: the next page may open with a row that has only
    its label. Its item marker (4.) says it starts a row, unlike a wrapped label's rest."""
    head = [HEAD, ["3.c", "1", "2", "3"]]
    tail = [["4.d", "", "", ""], ["5.e", "7", "8", "9"]]
    body = _pdf(
        [
            [("table", _at_bottom(2), head, COLUMNS, (), LEFT)],
            [("table", 72, tail, COLUMNS, (), LEFT)],
        ]
    )
    (table,) = _tables(body)
    assert _rows(table) == [HEAD, ["3.c", "1", "2", "3"], ["4.d", "", "", ""],
                            ["5.e", "7", "8", "9"]]  # fmt: skip


SHEET = [60.0] * 8  # LEFT + 480 = 552; page width 612 leaves no room for a 9th column


@pytest.mark.parametrize("room", [False, True], ids=["page-full", "room-left"])
def test_a_sheet_printed_in_column_pages_joins_side_by_side(room: bool) -> None:
    """Calc prints the columns that do not fit the paper on the next page, on the same rows:
    one table, wider than a page. Had the first page room for the next column, the second
    table is a table of its own."""
    widths = SHEET[:5] if room else SHEET
    left_rows = [[f"r{r}c{c}" for c in range(len(widths))] for r in range(4)]
    right_rows = [[f"r{r}c{c}" for c in range(len(widths), len(widths) + 2)] for r in range(4)]
    body = _pdf(
        [
            [("table", 72, left_rows, widths, (), LEFT)],
            [("table", 72, right_rows, [60.0, 60.0], (), LEFT)],
        ]
    )
    tables = _tables(body)
    if room:
        assert len(tables) == 2
    else:
        (table,) = tables
        assert _rows(table) == [a + b for a, b in zip(left_rows, right_rows, strict=True)]


@pytest.mark.parametrize("shift", [0.0, ROW / 2], ids=["other-rows", "lower"])
def test_column_pages_must_share_the_rows(shift: float) -> None:
    """The next page's table spans the same height with other row edges, or sits lower."""
    left_rows = [[f"r{r}c{c}" for c in range(8)] for r in range(4)]
    other = [["x", "y"], ["z", "w"], ["u", "v"]]
    body = _pdf(
        [
            [("table", 72, left_rows, SHEET, (), LEFT)],
            [("table", 72 + shift, other, [60.0, 60.0], (), LEFT, 4 * ROW / 3)],
        ]
    )
    assert len(_tables(body)) == 2


# --- LibreOffice exports of farm reports ---------------------------------------------------

ASSETS = Path(govcrawl.demo_farm.__file__).parent / "assets" / "lo_exports"
EXPORTS: dict[str, dict[str, Any]] = json.loads((ASSETS / "exports.json").read_text())["exports"]


@cache
def _report(name: str) -> GeneratedReport:
    entry = EXPORTS[name]
    return generate_reports(entry["seed"], entry["count"])[entry["index"]]


def _farm_shapes(report: GeneratedReport) -> list[tuple[int, int]]:
    blocks = document_blocks(report, style_for(report, 0), title=True)
    return [(b.table.n_rows, b.table.n_cols) for b in blocks if b.table is not None]


def _page_tables(body: bytes) -> int:
    with pdfplumber.open(io.BytesIO(body)) as pdf:
        return sum(len(page.find_tables()) for page in pdf.pages)


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_office_exports_give_the_documents_tables_whole(name: str) -> None:
    """Every export cuts some table at a page end (Writer by rows, Calc by rows and columns),
    yet cleaning gives as many tables as the document has, each as wide as the document's
    and with no fewer rows (a row merged into its neighbour by mistake would be one less).
    A heading row whose every cell wraps can stay cut in two (its cells all hold text on
    both pages); its words then stack in the columns as the readers expect."""
    body = (ASSETS / name).read_bytes()
    farm = _farm_shapes(_report(name))
    assert _page_tables(body) > len(farm)
    got = [(t.n_rows, t.n_cols) for t in _tables(body)]
    assert [cols for _, cols in got] == [cols for _, cols in farm]
    assert all(rows >= want for (rows, _), (want, _) in zip(got, farm, strict=True))


@pytest.mark.parametrize("seed", [3, 77])
def test_reportlab_farm_pdfs_keep_their_tables_apart(seed: int) -> None:
    """The farm's own PDFs put a heading before every table: nothing may be joined."""
    for report in generate_reports(seed, 3):
        body = render_pdf(report)
        assert [(t.n_rows, t.n_cols) for t in _tables(body)] == _farm_shapes(report)
        texts = [b.text for b in pdf_blocks(body).blocks if isinstance(b, Paragraph)]
        assert texts


def _row_labels(report: GeneratedReport, table: str) -> set[str]:
    """The label cells of the table's data rows (rows that also start a number)."""
    blocks = document_blocks(report, style_for(report, 0), title=True)
    (layout,) = [b.table for b in blocks if b.table is not None and b.table.name == table]
    texts = {id(cell): "".join(cell.text.split()) for cell in layout.cells}
    data_rows = {cell.row for cell in layout.cells if texts[id(cell)].isdigit()}
    return {
        text
        for cell in layout.cells
        if cell.row in data_rows and (text := texts[id(cell)]) and not text.isdigit()
    }


@pytest.mark.parametrize(
    "name", sorted(n for n, e in EXPORTS.items() if e["render"] == "render_xlsx")
)
def test_sheet_labels_that_overflow_into_each_other_read_whole(name: str) -> None:
    """Calc centres a wrapped label on a row too short for it, so its lines overlap those of
    the labels above and below. Every label the PDF draws whole is one cell's text (Calc
    leaves out the lines of a longer label that fall past its neighbours; those cannot be
    read)."""
    body = (ASSETS / name).read_bytes()
    with pdfplumber.open(io.BytesIO(body)) as pdf:
        drawn = "".join(char["text"] for page in pdf.pages for char in page.chars)
    whole = {label for label in _row_labels(_report(name), "requests") if label in drawn}
    cells = {"".join(cell.text.split()) for table in _tables(body) for cell in table.cells}
    assert len(whole) > 10
    assert not whole - cells
