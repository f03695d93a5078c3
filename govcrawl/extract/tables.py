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
    DataRow,
    all_values,
    assign,
    column_texts,
    match_stacked,
    row_cells,
    split_row,
)
from govcrawl.extract.labels import (
    core,
    is_blank,
    is_value_text,
    lookup,
    normalise,
    parse_value,
)
from govcrawl.extract.spec import REVIEW_PARTS, SPEC, Template

_GROUP_LABEL = re.compile(r"第二十条第\(?([一二三四五六七八九十]+)\)?项")
_CN = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}

CellRef = tuple[int, int, int]
"""(table index in the document, row, col) of a value's origin cell."""


@dataclass
class Located:
    """A table of the document with its index among `CleanDocument.tables`."""

    index: int
    table: Table


RowRead = tuple[str, dict[str, Cell], frozenset[str], frozenset[tuple[int, int]]]
"""One data row as read from a table: row key, column key → cell, amount columns, and the
(row, column) places of its cells that could not be read (`DataRow.unreadable`)."""


@dataclass
class Extracted:
    """One logical table's values under canonical keys, and where each value came from.

    Only keys whose cell was found are held: a key the table lacks (a row cut off by a
    preview, a column the report left out) is absent here, so the record can tell it from a
    blank cell and the checks can leave it untested.
    """

    values: dict[str, int | float | None] = field(default_factory=dict)
    origins: dict[str, CellRef] = field(default_factory=dict)
    rows: int = 0
    """How many data rows had values placed in named columns."""
    row_keys: set[str] = field(default_factory=set)
    """The row keys (prefixes) those data rows were stored under."""
    unreadable: set[str] = field(default_factory=set)
    """Keys whose cell held text that reads neither as a number nor as a null token: their
    value is null, and the record says it was not read rather than blank."""

    def put_row(self, row: RowRead, table: int) -> None:
        """Store one data row's cells (column key → cell) under its row key."""
        prefix, mapped, amounts, unreadable = row
        self.rows += bool(mapped)
        if mapped:
            self.row_keys.add(prefix)
        for column, cell in mapped.items():
            key = f"{prefix}.{column}" if prefix else column
            self.put(key, cell, table, column in amounts)
            if (cell.row, cell.col) in unreadable:
                self.unreadable.add(key)

    def put(self, key: str, cell: Cell, table: int, amount: bool) -> None:
        """Store a value cell (callers pass only cells that read as numbers or null)."""
        self.values[key] = parse_value(cell.text, amount=amount)
        self.origins[key] = (table, cell.row, cell.col)


def _places(cells: list[Cell]) -> frozenset[tuple[int, int]]:
    return frozenset((cell.row, cell.col) for cell in cells)


def _fullest_table(per_table: list[tuple[int, list[RowRead]]]) -> Extracted:
    """Join the tables' rows into logical tables and keep the fullest, the first on ties.

    A table continues the logical table before it (a page break splits one table, the
    continuation repeating at most the header) unless it repeats a row already read there:
    then it is another table of the same kind, such as the agency's own-office (本级) table
    after the whole-agency one. Mixing the two, or letting the second overwrite the first,
    would give numbers of neither; the national template's table is the first complete one.
    """
    logical = [Extracted()]
    for index, rows in per_table:
        if any(row[0] in logical[-1].row_keys for row in rows):
            logical.append(Extracted())
        for row in rows:
            logical[-1].put_row(row, index)
    return max(logical, key=lambda ext: len(ext.row_keys))


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


def _blank_row(grid: list[list[Cell | None]], r: int, index: dict[str, str]) -> DataRow | None:
    """A row whose label names a row key and whose cells right of it are all blank: a report
    may leave a row of zeros empty. `split_row` passes such rows over to keep header rows out
    (a header may end in a label that is also a row's, 其他 or 总计), so a reader whose headers
    can do that takes one only with a cell for each of its value columns. Read, the row's keys
    are null (blank cells) rather than missing from the document."""
    cells = [c for c in row_cells(grid, r) if c.row == r]
    labels = [i for i, c in enumerate(cells) if not is_value_text(c.text)]
    if not labels or labels[-1] == len(cells) - 1:
        return None
    label, values = cells[labels[-1]], cells[labels[-1] + 1 :]
    if not all(is_blank(c.text) for c in values):
        return None
    key = lookup(index, label.text)
    return None if key is None else DataRow(key=key, label=label, values=values)


def read_active(tables: list[Located], template: Template) -> Extracted:
    """Active disclosure: group rows (第二十条第（N）项), column header rows, data rows."""
    columns = {label: key for g in template.groups.values() for label, key in g.columns.items()}
    rows = _active_row_index(template)
    colmap: dict[int, str] = {}
    per_table: list[tuple[int, list[RowRead]]] = []
    for loc in tables:
        grid = loc.table.grid()
        read: list[RowRead] = []
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
            data = split_row(grid, r, rows) or _blank_row(grid, r, rows)
            if data is None:
                continue
            group = template.groups[data.key.split(".")[0]]
            mapped = assign(data.values, colmap, group.column_keys)
            read.append((data.key, mapped, group.amount_columns, _places(data.unreadable)))
        per_table.append((loc.index, read))
    return _fullest_table(per_table)


def _request_header(grid: list[list[Cell | None]], r: int, template: Template) -> dict[int, str]:
    """Grid column → column key from the labels stacked above row `r`; empty unless at least
    three columns are named (fewer is a stray label, not the header)."""
    header = {
        c: key
        for c, texts in column_texts(grid, range(r)).items()
        if (key := match_stacked(texts, template.request_columns))
    }
    return header if len(set(header.values())) >= 3 else {}


def read_requests(tables: list[Located], template: Template) -> Extracted:
    """Requests: two header levels above the data, row labels matched at any depth."""
    colmap: dict[int, str] = {}
    per_table: list[tuple[int, list[RowRead]]] = []
    for loc in tables:
        grid = loc.table.grid()
        header_read = False
        read: list[RowRead] = []
        for r in range(len(grid)):
            data = split_row(grid, r, template.request_rows)
            blank = data is None
            data = data or _blank_row(grid, r, template.request_rows)
            if data is None:
                continue
            columns = colmap if header_read else _request_header(grid, r, template) or colmap
            width = len(set(columns.values())) or len(template.request_column_keys)
            if blank and len(data.values) < width:
                continue
            header_read, colmap = True, columns
            mapped = assign(data.values, colmap, template.request_column_keys)
            read.append((data.key, mapped, frozenset(), _places(data.unreadable)))
        per_table.append((loc.index, read))
    return _fullest_table(per_table)


def _is_review_data(cells: list[Cell]) -> bool:
    """A row of at least one column group's five result cells, all numbers or blanks (a
    report may leave its zeros blank), beside at most one label."""
    values = [c for c in cells if is_value_text(c.text)]
    return len(values) >= len(REVIEW_PARTS) and len(cells) - len(values) <= 1


def _review_header(
    grid: list[list[Cell | None]], rows: range, template: Template
) -> dict[int, str]:
    """Grid column → review key, from the group and result labels stacked in `rows`."""
    header: dict[int, str] = {}
    for c, texts in column_texts(grid, rows).items():
        group = match_stacked(texts, template.review_groups)
        part = match_stacked(texts, template.review_parts)
        if group and part:
            header[c] = f"{group}.{part}"
    return header


def read_review(tables: list[Located], template: Template) -> Extracted:
    """Review/litigation: 15 values in one data row, or in several (review and litigation
    in two tables, or stacked in one, each under its own header).

    Each data row takes its columns from the labels between it and the data row above; a
    row fills only keys not read yet, and falls back to the template order of those keys when
    the labels are split out of position (a text-derived grid). So a second copy of the table
    never overwrites the first. A row of blank cells only (no case that year, zeros left
    blank) may also be a spacer, so it neither ends a header nor claims keys by order: it
    gives null to the keys its header names over it that no filled row gave a value.
    """
    out = Extracted()
    blank_rows: list[tuple[int, list[Cell], dict[int, str]]] = []
    for loc in tables:
        grid = loc.table.grid()
        top = 0
        for r in range(len(grid)):
            cells = row_cells(grid, r)
            if not _is_review_data(cells):
                continue
            values = [c for c in cells if is_value_text(c.text)]
            header = _review_header(grid, range(top, r), template)
            if all(is_blank(c.text) for c in values):
                blank_rows.append((loc.index, values, header))
                continue
            top = r + 1
            order = [k for k in template.review_keys if k not in out.values]
            out.put_row(("", assign(values, header, order), frozenset(), frozenset()), loc.index)
    for index, values, header in blank_rows:
        under = {
            header[c]: cell
            for cell in values
            for c in range(cell.col, cell.col + cell.colspan)
            if c in header and header[c] not in out.values
        }
        out.put_row(("", under, frozenset(), frozenset()), index)
    return out
