"""Read the three statistical tables into canonical keys, and tell which template they follow.

Each reader takes the list of tables that hold one logical table (a table split by a page break
arrives as two), walks their rows and keeps the column map across them, so a continuation
without its header still lands in the right columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from govcrawl.document import Cell, Table
from govcrawl.extract.grid import (
    all_values,
    assign,
    column_texts,
    match_stacked,
    row_cells,
    split_row,
)
from govcrawl.extract.labels import core, is_blank, is_value_text, normalise, parse_value
from govcrawl.extract.spec import SPEC, Template

_GROUP_LABEL = re.compile(r"第二十条第\(?([一二三四五六七八九十]+)\)?项")
_CN = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}

CellRef = tuple[int, int, int]
"""(table index in the document, row, col) of a value's origin cell."""


@dataclass
class Located:
    """A table of the document with its index among `CleanDocument.tables`."""

    index: int
    table: Table


@dataclass
class Extracted:
    """One logical table's values under canonical keys, and where each value came from."""

    values: dict[str, int | float | None] = field(default_factory=dict)
    origins: dict[str, CellRef] = field(default_factory=dict)
    rows: int = 0
    """How many data rows had values placed in named columns."""

    def put_row(
        self, prefix: str, mapped: dict[str, Cell], table: int, amounts: frozenset[str]
    ) -> None:
        """Store one data row's cells (`mapped`: column key → cell) under `prefix`."""
        self.rows += bool(mapped)
        for column, cell in mapped.items():
            self.put(f"{prefix}.{column}" if prefix else column, cell, table, column in amounts)

    def put(self, key: str, cell: Cell, table: int, amount: bool) -> None:
        """Store a value cell (callers pass only cells that read as numbers or null)."""
        self.values[key] = parse_value(cell.text, amount=amount)
        self.origins[key] = (table, cell.row, cell.col)


def _group_key(text: str) -> str | None:
    m = _GROUP_LABEL.search(normalise(text))
    if not m:
        return None
    n = m.group(1)
    number = _CN[n] if len(n) == 1 else 10 + _CN.get(n[-1], 0)
    return f"art20_{number}"


def _all_labels() -> dict[str, set[str]]:
    """Core labels that mark each table kind, over both templates."""
    marks: dict[str, set[str]] = {"active_disclosure": {"信息内容"}, "requests": set()}
    marks["requests"] |= {"申请人情况", "法人或其他组织", "本年度办理结果", "不予公开", "无法提供"}
    marks["requests"] |= {"不予处理", "其他处理"}
    marks["review_litigation"] = {"行政诉讼"}
    for t in SPEC.templates.values():
        for g in t.groups.values():
            marks["active_disclosure"] |= set(g.columns) | set(g.rows)
        marks["requests"] |= set(t.request_columns) | set(t.request_rows)
        marks["review_litigation"] |= set(t.review_groups) | set(t.review_parts)
    return marks


_MARKS = _all_labels()


def classify_table(table: Table) -> str | None:
    """Which of the three tables this is, by how many of its cells are that table's labels."""
    cores = {core(c.text) for c in table.cells if not is_blank(c.text)}
    scores = {kind: len(cores & marks) for kind, marks in _MARKS.items()}
    scores["active_disclosure"] += sum(1 for c in table.cells if _group_key(c.text))
    kind, best = max(scores.items(), key=lambda kv: kv[1])
    return kind if best >= 3 else None


def classify_tables(tables: list[Table]) -> list[str | None]:
    """Kinds for a document's tables in order; a bare block of numbers right after a table
    continues that table (a data row split off its header)."""
    kinds: list[str | None] = []
    for table in tables:
        kind = classify_table(table)
        if kind is None and kinds and kinds[-1] and all_values(table):
            kind = kinds[-1]
        kinds.append(kind)
    return kinds


def _exclusive(name: str) -> tuple[set[str], set[str], set[str]]:
    """Active-disclosure labels, group keys and request row labels only `name` has."""
    mine = SPEC.templates[name]
    others = [t for t in SPEC.templates.values() if t.name != name]

    def active(t: Template) -> set[str]:
        return {k for g in t.groups.values() for k in (*g.columns, *g.rows)}

    labels = active(mine).difference(*(active(t) for t in others))
    groups = set(mine.groups).difference(*(set(t.groups) for t in others))
    rows = set(mine.request_rows).difference(*(set(t.request_rows) for t in others))
    return labels, groups, rows


def detect_template(active: list[Located], requests: list[Located]) -> str | None:
    """The template whose exclusive labels the tables use most (None when neither's appear).

    2019 is told by 本年新制作数量 / 上一年项目数量 / 第二十条第（九）项 / a one-row
    （六）其他处理; 2021 by 本年制发件数 / 本年处理决定数量 / 本年收费金额 / （六）'s sub-rows.
    """
    scores: dict[str, int] = {}
    for name, template in SPEC.templates.items():
        labels, groups, rows = _exclusive(name)
        score = 0
        for loc in active:
            for cell in loc.table.cells:
                score += core(cell.text) in labels
                score += _group_key(cell.text) in groups
        for loc in requests:
            grid = loc.table.grid()
            for r in range(len(grid)):
                data = split_row(grid, r, template.request_rows)
                score += data is not None and core(data.label.text) in rows
        scores[name] = score
    best = max(scores.values(), default=0)
    winners = [name for name, score in scores.items() if score == best]
    return winners[0] if best and len(winners) == 1 else None


def _active_row_index(template: Template) -> dict[str, str]:
    return {
        label: f"{g.key}.{row}" for g in template.groups.values() for label, row in g.rows.items()
    }


def read_active(tables: list[Located], template: Template) -> Extracted:
    """Active disclosure: group rows (第二十条第（N）项), column header rows, data rows."""
    out = Extracted(values=dict.fromkeys(template.keys("active_disclosure")))
    columns = {label: key for g in template.groups.values() for label, key in g.columns.items()}
    rows = _active_row_index(template)
    colmap: dict[int, str] = {}
    for loc in tables:
        grid = loc.table.grid()
        for r in range(len(grid)):
            cells = row_cells(grid, r)
            header = {
                c: columns[core(cell.text)]
                for cell in cells
                if core(cell.text) in columns
                for c in range(cell.col, cell.col + cell.colspan)
            }
            if header and not any(is_value_text(c.text) and not is_blank(c.text) for c in cells):
                colmap = header
                continue
            data = split_row(grid, r, rows)
            if data is None:
                continue
            group_key = data.key.split(".")[0]
            group = template.groups[group_key]
            mapped = assign(data.values, colmap, group.column_keys)
            out.put_row(data.key, mapped, loc.index, group.amount_columns)
    return out


def read_requests(tables: list[Located], template: Template) -> Extracted:
    """Requests: two header levels above the data, row labels matched at any depth."""
    out = Extracted(values=dict.fromkeys(template.keys("requests")))
    colmap: dict[int, str] = {}
    for loc in tables:
        grid = loc.table.grid()
        header_read = False
        for r in range(len(grid)):
            data = split_row(grid, r, template.request_rows)
            if data is None:
                continue
            if not header_read:
                header_read = True
                stacks = column_texts(grid, range(r))
                header = {
                    c: key
                    for c, texts in stacks.items()
                    if (key := match_stacked(texts, template.request_columns))
                }
                if len(set(header.values())) >= 3:
                    colmap = header
            mapped = assign(data.values, colmap, template.request_column_keys)
            out.put_row(data.key, mapped, loc.index, frozenset())
    return out


def _is_review_data(cells: list[Cell]) -> bool:
    numbers = [c for c in cells if not is_blank(c.text) and is_value_text(c.text)]
    labels = [c for c in cells if not is_value_text(c.text)]
    return len(numbers) >= 5 and len(labels) <= 1


def read_review(tables: list[Located], template: Template) -> Extracted:
    """Review/litigation: one data row of 15; columns from the stacked group/result labels,
    or the 15-column template order when the header labels are split out of position."""
    out = Extracted(values=dict.fromkeys(template.keys("review_litigation")))
    colmap: dict[int, str] = {}
    for loc in tables:
        grid = loc.table.grid()
        for r in range(len(grid)):
            cells = row_cells(grid, r)
            if not _is_review_data(cells):
                continue
            stacks = column_texts(grid, range(r))
            header: dict[int, str] = {}
            for c, texts in stacks.items():
                group = match_stacked(texts, template.review_groups)
                part = match_stacked(texts, template.review_parts)
                if group and part:
                    header[c] = f"{group}.{part}"
            if header:
                colmap = header
            values = [c for c in cells if is_value_text(c.text)]
            out.put_row("", assign(values, colmap, template.review_keys), loc.index, frozenset())
            return out
    return out
