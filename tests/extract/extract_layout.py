"""Build report tables in the official templates' HTML layout (rowspans/colspans), from the
spec JSON itself, so tests feed `build_record` the grids a clean stage makes of real pages.

`Builder` places origin cells with explicit spans; `active_table`, `requests_table` and
`review_table` lay out the three national tables for given values (a dict of canonical key →
cell text), with optional label restyling to exercise label variants.
"""

from __future__ import annotations

from collections.abc import Callable

from govcrawl.document import Cell, Table
from govcrawl.extract import SPEC

RAW = SPEC.raw["templates"]
Style = Callable[[str], str]


def plain(label: str) -> str:
    return label


class Builder:
    """Origin cells placed row by row; `skip` marks positions covered by earlier rowspans."""

    def __init__(self) -> None:
        self.cells: list[Cell] = []
        self.taken: set[tuple[int, int]] = set()
        self.row = -1
        self.col = 0

    def next_row(self) -> Builder:
        self.row += 1
        self.col = 0
        return self

    def add(self, text: str, rowspan: int = 1, colspan: int = 1) -> Builder:
        while (self.row, self.col) in self.taken:
            self.col += 1
        self.cells.append(Cell(text, self.row, self.col, rowspan, colspan))
        for r in range(self.row, self.row + rowspan):
            for c in range(self.col, self.col + colspan):
                self.taken.add((r, c))
        self.col += colspan
        return self

    def table(self) -> Table:
        return Table(cells=self.cells, source="html")


def active_table(template: str, values: dict[str, str], style: Style = plain) -> Table:
    """第二十条 groups stacked in one 4-column table, as both templates print them."""
    b = Builder()
    for gkey, group in RAW[template]["active_disclosure"]["groups"].items():
        b.next_row().add(style(group["label"]), colspan=4)
        columns = list(group["columns"])
        span = 4 - len(columns)
        b.next_row().add("信息内容")
        for i, col in enumerate(columns):
            b.add(style(group["columns"][col][0]), colspan=span if i == len(columns) - 1 else 1)
        for row, labels in group["rows"].items():
            b.next_row().add(style(labels[0]))
            for i, col in enumerate(columns):
                text = values.get(f"{gkey}.{row}.{col}", "")
                b.add(text, colspan=span if i == len(columns) - 1 else 1)
    return b.table()


def _request_rows(template: str) -> list[str]:
    rows = list(RAW["2021"]["requests"]["rows"])
    if template == "2019":
        rows = [r for r in rows if not r.startswith("result.other.")]
        rows.insert(rows.index("result.total"), "result.other")
    return rows


def requests_table(
    template: str, values: dict[str, str], style: Style = plain, header: str = "商业企业"
) -> Table:
    """Three header levels, 三、本年度办理结果 spanning every result row, numbered groups
    spanning their sub-rows with the first sub-row on the group label's grid row."""
    spec = RAW["2021"]["requests"]
    columns = list(spec["columns"])
    labels = {k: v[0] for k, v in spec["rows"].items()}
    labels["result.other"] = spec["row_groups"]["result.other"]
    rows = _request_rows(template)
    result_rows = [r for r in rows if r.startswith("result.")]
    b = Builder()
    b.next_row().add("(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)", 3, 3)
    b.add(style("申请人情况"), colspan=7)
    b.next_row().add(style("自然人"), rowspan=2).add(style("法人或其他组织"), colspan=5)
    b.add(style("总计"), rowspan=2)
    b.next_row()
    for col in columns[1:6]:
        b.add(style(header if col == "commercial" else spec["columns"][col][0]))
    seen_groups: set[str] = set()
    for row in rows:
        b.next_row()
        group = row.rsplit(".", 1)[0]
        if row in ("new", "carried_over", "carried_forward"):
            b.add(style(labels[row]), colspan=3)
        else:
            if row == result_rows[0]:
                b.add(style("三、本年度办理结果"), rowspan=len(result_rows))
            if group in spec["row_groups"] and row != "result.other":
                if group not in seen_groups:
                    seen_groups.add(group)
                    size = sum(1 for r in rows if r.startswith(group + "."))
                    b.add(style(spec["row_groups"][group]), rowspan=size)
                b.add(style(labels[row]))
            else:
                b.add(style(labels[row]), colspan=2)
        for col in columns:
            b.add(values.get(f"{row}.{col}", ""))
    return b.table()


def review_table(values: dict[str, str], style: Style = plain) -> Table:
    """行政复议 over 5 columns, 行政诉讼 over 10 split in two, one data row of 15."""
    parts = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    b = Builder()
    b.next_row().add(style("行政复议"), colspan=5).add(style("行政诉讼"), colspan=10)
    b.next_row()
    for part in parts:
        b.add(style(part), rowspan=2)
    b.add(style("未经复议直接起诉"), colspan=5).add(style("复议后起诉"), colspan=5)
    b.next_row()
    for part in parts * 2:
        b.add(style(part))
    b.next_row()
    for key in RAW["2021"]["review_litigation"]["columns"]:
        b.add(values.get(key, ""))
    return b.table()


def request_keys(template: str) -> list[str]:
    return [f"{r}.{c}" for r in _request_rows(template) for c in RAW["2021"]["requests"]["columns"]]


def active_keys(template: str) -> list[str]:
    return [
        f"{g}.{r}.{c}"
        for g, group in RAW[template]["active_disclosure"]["groups"].items()
        for r in group["rows"]
        for c in group["columns"]
    ]


def review_keys() -> list[str]:
    return list(RAW["2021"]["review_litigation"]["columns"])
