"""One layout for every format: the document as blocks and the tables as span grids.

The official templates are fixed grids with merged cells; real reports differ only in
cosmetics (bracket width, spaces inside labels, how an empty cell is written). Building the
grid once here and letting each renderer only *draw* it keeps HTML, PDF, DOCX, XLSX and text
copies of one report identical in content, so one ground truth serves them all.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from govcrawl.demo_farm.reports import (
    GeneratedReport,
    Number,
    active_groups,
    org_columns,
    request_rows,
    review_keys,
    spec,
)

BALANCE_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
_HALF = str.maketrans({"（": "(", "）": ")", "：": ":", "／": "/"})
_COL_SPAN_WIDTH = 3  # data positions of the active-disclosure table


@dataclass(frozen=True)
class Style:
    """Cosmetic choices that change how a report looks but never what it says."""

    half_width: bool = False
    spaced_labels: bool = False
    split_commercial: bool = False
    commercial_label: str = "商业企业"
    null_text: str = "/"
    thousands: bool = False
    fee_decimals: bool = True
    cell_wrap: Literal["none", "p", "span", "p_span"] = "none"
    styled: bool = False
    heading_tag: Literal["h3", "strong", "p"] = "strong"

    def label(self, text: str) -> str:
        return text.translate(_HALF) if self.half_width else text


def style_for(report: GeneratedReport, variant: int = 0) -> Style:
    """The style of `report` in cosmetic `variant` (deterministic).

    Number formatting and label wording follow the report (the same in every format); bracket
    width, spacing, cell markup and the spelling of empty cells follow the variant.
    """
    own = random.Random(f"style:{report.style}")
    var = random.Random(f"variant:{report.style}:{variant}")
    commercial = "商业机构" if report.template == "2019" and own.random() < 0.5 else "商业企业"
    return Style(
        half_width=bool(report.style & 1) if variant == 0 else var.random() < 0.5,
        spaced_labels=var.random() < 0.4,
        split_commercial=var.random() < 0.3,
        commercial_label=commercial,
        null_text=var.choice(("/", "/", "—", "", "-", "无")),
        thousands=own.random() < 0.4,
        fee_decimals=own.random() < 0.6,
        cell_wrap=var.choice(("none", "none", "p", "span", "p_span")),
        styled=var.random() < 0.5,
        heading_tag=var.choice(("h3", "strong", "strong", "p")),
    )


@dataclass(frozen=True)
class LayoutCell:
    """An origin cell; `text` may hold '\\n' where the cell breaks its line."""

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    header: bool = False
    value: Number = None
    numeric: bool = False
    key: str | None = None
    """Canonical key of a number cell (None for labels)."""


@dataclass(frozen=True)
class TableLayout:
    """A table as origin cells with spans, the way the official template merges them."""

    name: str
    cells: tuple[LayoutCell, ...]
    n_rows: int
    n_cols: int

    def rows(self) -> list[list[LayoutCell]]:
        """Origin cells grouped by row, in column order (what an HTML <tr> holds)."""
        out: list[list[LayoutCell]] = [[] for _ in range(self.n_rows)]
        for cell in sorted(self.cells, key=lambda c: (c.row, c.col)):
            out[cell.row].append(cell)
        return out

    def grid(self) -> list[list[LayoutCell | None]]:
        """Rectangular view: the origin cell at its own position, None where a span covers."""
        out: list[list[LayoutCell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for cell in self.cells:
            out[cell.row][cell.col] = cell
        return out


def format_value(key: str, value: Number, st: Style) -> str:
    """A cell value as a report writes it: '/', '+2', '1,234', '12.35'."""
    if value is None:
        return st.null_text
    if isinstance(value, float):
        if value == int(value) and not st.fee_decimals:
            return str(int(value))
        return f"{value:,.2f}" if st.thousands and value >= 1000 else f"{value:.2f}"
    if key.endswith(".change"):
        return f"{value:+d}" if value else "0"
    return f"{value:,}" if st.thousands and value >= 1000 else str(value)


class _Builder:
    def __init__(self, name: str, n_cols: int) -> None:
        self.name = name
        self.n_cols = n_cols
        self.cells: list[LayoutCell] = []
        self.n_rows = 0

    def add(self, text: str, row: int, col: int, rowspan: int = 1, colspan: int = 1, **kw) -> None:
        self.cells.append(LayoutCell(text, row, col, rowspan, colspan, **kw))
        self.n_rows = max(self.n_rows, row + rowspan)

    def value(
        self,
        key: str,
        values: Mapping[str, Number],
        st: Style,
        row: int,
        col: int,
        colspan: int = 1,
    ) -> None:
        val = values.get(key)
        self.add(
            format_value(key, val, st), row, col, colspan=colspan, value=val, numeric=True, key=key
        )

    def build(self) -> TableLayout:
        return TableLayout(self.name, tuple(self.cells), self.n_rows, self.n_cols)


def _spaced(text: str, st: Style) -> str:
    """'结果纠正' → '结果 纠正' when the style spaces its labels (as Word exports often do)."""
    return f"{text[:2]} {text[2:]}" if st.spaced_labels and len(text) == 4 else text


def active_layout(template: str, values: Mapping[str, Number], st: Style) -> TableLayout:
    """Active-disclosure table: one group-label row, a column-label row, then data rows."""
    b = _Builder("active_disclosure", 1 + _COL_SPAN_WIDTH)
    row = 0
    for gkey, group in active_groups(template).items():
        b.add(st.label(group["label"]), row, 0, colspan=b.n_cols, header=True)
        columns = list(group["columns"].items())
        spans = _data_spans(len(columns))
        b.add("信息内容", row + 1, 0, header=True)
        col = 1
        for (_, labels), span in zip(columns, spans, strict=True):
            b.add(st.label(labels[0]), row + 1, col, colspan=span, header=True)
            col += span
        row += 2
        for rkey, rlabels in group["rows"].items():
            label = rlabels[0]
            if rkey == "normative_documents" and template == "2021" and st.spaced_labels:
                label = rlabels[1]
            b.add(label, row, 0, header=True)
            col = 1
            for (ckey, _), span in zip(columns, spans, strict=True):
                b.value(f"{gkey}.{rkey}.{ckey}", values, st, row, col, colspan=span)
                col += span
            row += 1
    return b.build()


def _data_spans(n: int) -> list[int]:
    """How n data columns share the table's three data positions (the last one stretches)."""
    return [1] * (n - 1) + [_COL_SPAN_WIDTH - (n - 1)]


def requests_layout(template: str, values: Mapping[str, Number], st: Style) -> TableLayout:
    """Requests table: 3 label columns, 7 data columns, two header levels, row groups."""
    req_spec = spec()["templates"]["2021"]["requests"]
    labels = req_spec["rows"]
    groups = req_spec["row_groups"]
    columns = list(req_spec["columns"])
    b = _Builder("requests", 3 + len(columns))
    b.add(st.label(BALANCE_NOTE), 0, 0, rowspan=3, colspan=3, header=True)
    b.add("申请人情况", 0, 3, colspan=len(columns), header=True)
    b.add("自然人", 1, 3, rowspan=2, header=True)
    b.add("法人或其他组织", 1, 4, colspan=len(org_columns()), header=True)
    b.add("总计", 1, 3 + len(columns) - 1, rowspan=2, header=True)
    for i, ckey in enumerate(org_columns()):
        text = req_spec["columns"][ckey][0]
        if ckey == "commercial":
            text = st.commercial_label
            if st.split_commercial:
                text = f"{text[:2]}\n{text[2:]}"
        b.add(text, 2, 4 + i, header=True)

    rows = request_rows(template)
    result_rows = [r for r in rows if r.startswith("result.")]
    first_result = 3 + rows.index(result_rows[0])

    def data(rkey: str, row: int) -> None:
        for i, ckey in enumerate(columns):
            b.value(f"{rkey}.{ckey}", values, st, row, 3 + i)

    seen_groups: set[str] = set()
    for i, rkey in enumerate(rows):
        row = 3 + i
        label = labels[rkey][0] if rkey in labels else groups[rkey]
        if not rkey.startswith("result."):
            b.add(st.label(label), row, 0, colspan=3, header=True)
        elif rkey in groups:
            b.add(st.label(groups[rkey]), row, 1, colspan=2, header=True)
        else:
            group = rkey.rsplit(".", 1)[0]
            if group in groups:
                if group not in seen_groups:
                    size = sum(1 for r in rows if r.startswith(group + "."))
                    b.add(st.label(groups[group]), row, 1, rowspan=size, header=True)
                    seen_groups.add(group)
                b.add(st.label(label), row, 2, header=True)
            else:
                b.add(st.label(label), row, 1, colspan=2, header=True)
        if row == first_result:
            b.add("三、本年度办理结果", row, 0, rowspan=len(result_rows), header=True)
        data(rkey, row)
    return b.build()


def review_layout(values: Mapping[str, Number], st: Style) -> TableLayout:
    """Review/litigation table: 行政复议 ×5 and 行政诉讼 ×10 over one row of 15 numbers."""
    parts = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    b = _Builder("review_litigation", 15)
    b.add("行政复议", 0, 0, colspan=5, header=True)
    b.add("行政诉讼", 0, 5, colspan=10, header=True)
    for i, text in enumerate(parts):
        b.add(_spaced(text, st), 1, i, rowspan=2, header=True)
    b.add("未经复议直接起诉", 1, 5, colspan=5, header=True)
    b.add("复议后起诉", 1, 10, colspan=5, header=True)
    for i in range(10):
        b.add(_spaced(parts[i % 5], st), 2, 5 + i, header=True)
    for i, key in enumerate(review_keys()):
        b.value(key, values, st, 3, i)
    return b.build()


def table_layouts(
    template: str, tables: Mapping[str, Mapping[str, Number]], st: Style
) -> dict[str, TableLayout]:
    """Layouts of the tables present in `tables`."""
    builders = {
        "active_disclosure": lambda v: active_layout(template, v, st),
        "requests": lambda v: requests_layout(template, v, st),
        "review_litigation": lambda v: review_layout(v, st),
    }
    return {name: builders[name](values) for name, values in tables.items()}


@dataclass(frozen=True)
class Block:
    """A piece of the document in reading order."""

    kind: Literal["title", "heading", "paragraph", "table"]
    text: str = ""
    table: TableLayout | None = None


def document_blocks(report: GeneratedReport, st: Style, *, title: bool) -> list[Block]:
    """The report in reading order: title, preamble, six sections with their tables."""
    layouts = table_layouts(report.template, report.tables, st)
    blocks: list[Block] = [Block("title", report.title)] if title else []
    blocks.append(Block("paragraph", report.preamble))
    for key, heading in report.headings.items():
        blocks.append(Block("heading", heading))
        blocks.extend(Block("paragraph", line) for line in report.sections[key].split("\n") if line)
        if key in layouts:
            blocks.append(Block("table", table=layouts[key]))
    return blocks
