"""Both templates in the official span layout, label variants, split tables, placement."""

from __future__ import annotations

import re

import pytest
from extract_layout import (
    Builder,
    active_keys,
    active_table,
    request_keys,
    requests_table,
    review_keys,
    review_table,
)

from govcrawl.document import Cell, CleanDocument, Paragraph, Source, Table
from govcrawl.extract import build_record

SOURCE = Source(url="http://127.0.0.1/r.html", body=b"")
TITLE = "某某县水务局2022年政府信息公开工作年度报告"


def numbered(keys: list[str], start: int = 1) -> dict[str, str]:
    return {k: str(i) for i, k in enumerate(keys, start)}


def doc_of(*blocks: Paragraph | Table, title: str = TITLE) -> CleanDocument:
    return CleanDocument("html", list(blocks), title=title)


def full_doc(template: str, style=lambda s: s, header: str = "商业企业") -> tuple:
    active = numbered(active_keys(template))
    requests = numbered(request_keys(template), 100)
    review = numbered(review_keys(), 500)
    doc = doc_of(
        Paragraph("一、总体情况"),
        Paragraph("二、主动公开政府信息情况"),
        active_table(template, active, style),
        Paragraph("三、收到和处理政府信息公开申请情况"),
        requests_table(template, requests, style, header),
        Paragraph("四、政府信息公开行政复议、行政诉讼情况"),
        review_table(review, style),
        Paragraph("五、存在的主要问题及改进情况"),
        Paragraph("六、其他需要报告的事项"),
    )
    return doc, active, requests, review


def as_numbers(values: dict[str, str]) -> dict[str, float]:
    return {k: float(v) for k, v in values.items()}


@pytest.mark.parametrize("template", ["2019", "2021"])
def test_official_layout_roundtrip(template: str) -> None:
    doc, active, requests, review = full_doc(template)
    rec = build_record(doc, SOURCE)
    assert rec["template"] == template
    assert rec["tables"]["active_disclosure"] == as_numbers(active)
    assert rec["tables"]["requests"] == as_numbers(requests)
    assert rec["tables"]["review_litigation"] == as_numbers(review)
    assert "tables_missing" not in rec["flags"] and "table_misplaced" not in rec["flags"]


def test_2021_other_processing_has_three_sub_rows_2019_one() -> None:
    rec21 = build_record(full_doc("2021")[0], SOURCE)["tables"]["requests"]
    rec19 = build_record(full_doc("2019")[0], SOURCE)["tables"]["requests"]
    assert {k.rsplit(".", 1)[0] for k in rec21 if k.startswith("result.other")} == {
        "result.other.no_correction",
        "result.other.unpaid_fee",
        "result.other.other",
    }
    assert {k.rsplit(".", 1)[0] for k in rec19 if k.startswith("result.other")} == {"result.other"}


def half_width(label: str) -> str:
    return label.translate(str.maketrans("（）：／", "():/"))


def spaced(label: str) -> str:
    return " ".join(label) if len(label) <= 6 else label


def unnumbered(label: str) -> str:
    return re.sub(r"^(?:（[一二三四五六七]）|[一二三四]、|\d\.)", "", label)


def spaced_numbering(label: str) -> str:
    return re.sub(r"^（([一二三四五六七])）", r"(\1) ", label)


@pytest.mark.parametrize("style", [half_width, spaced, unnumbered, spaced_numbering])
@pytest.mark.parametrize("template", ["2019", "2021"])
def test_label_variants(template: str, style) -> None:
    doc, active, requests, review = full_doc(template, style)
    rec = build_record(doc, SOURCE)
    assert rec["template"] == template
    assert rec["tables"]["active_disclosure"] == as_numbers(active)
    assert rec["tables"]["requests"] == as_numbers(requests)
    assert rec["tables"]["review_litigation"] == as_numbers(review)


@pytest.mark.parametrize("header", ["商业\n企业", "商业 企业", "商业机构"])
def test_commercial_header_split_across_lines(header: str) -> None:
    doc, _, requests, _ = full_doc("2021", header=header)
    got = build_record(doc, SOURCE)["tables"]["requests"]
    assert got["new.commercial"] == float(requests["new.commercial"])


def test_commercial_header_split_across_cells() -> None:
    """商业 and 企业 in two stacked cells of one column, other headers spanning both rows."""
    b = Builder()
    b.next_row().add("申请人情况", colspan=8)
    b.next_row().add("", rowspan=2).add("自然人", rowspan=2).add("商业").add("科研机构", rowspan=2)
    for label in ("社会公益组织", "法律服务机构", "其他", "总计"):
        b.add(label, rowspan=2)
    b.next_row().add("企业")
    b.next_row().add("一、本年新收政府信息公开申请数量")
    for v in range(1, 8):
        b.add(str(v))
    rec = build_record(doc_of(Paragraph("三、收到和处理政府信息公开申请情况"), b.table()), SOURCE)
    req = rec["tables"]["requests"]
    assert [req[f"new.{c}"] for c in ("natural_person", "commercial", "research", "total")] == [
        1,
        2,
        3,
        7,
    ]


def test_requests_split_over_two_tables_keeps_columns() -> None:
    """A page break splits the table; the continuation has no header."""
    requests = numbered(request_keys("2021"))
    whole = requests_table("2021", requests)
    cut = 12
    top = Table([c for c in whole.cells if c.row < cut])
    bottom_cells = []
    for c in whole.cells:
        if c.row + c.rowspan > cut and c.row < cut:
            bottom_cells.append(Cell(c.text, 0, c.col, c.row + c.rowspan - cut, c.colspan))
        elif c.row >= cut:
            bottom_cells.append(Cell(c.text, c.row - cut, c.col, c.rowspan, c.colspan))
    top.cells = [
        Cell(c.text, c.row, c.col, min(c.rowspan, cut - c.row), c.colspan) for c in top.cells
    ]
    doc = doc_of(Paragraph("三、收到和处理政府信息公开申请情况"), top, Table(bottom_cells))
    got = build_record(doc, SOURCE)["tables"]["requests"]
    assert got == as_numbers(requests)


def test_review_header_split_uses_fifteen_column_order() -> None:
    """Header labels out of position (as seed 001's text): the data row follows the spec order."""
    b = Builder()
    b.next_row().add("行政复议").add("行政诉讼")
    b.next_row()
    for label in ("结果维持", "结果 纠正", "其他 结果", "尚未 审结", "总计", "未经复议直接起诉"):
        b.add(label)
    b.add("复议后起诉")
    b.next_row()
    for label in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计") * 2:
        b.add(label)
    b.next_row()
    for v in range(15):
        b.add(str(v))
    doc = doc_of(Paragraph("四、政府信息公开行政复议、行政诉讼情况"), b.table())
    got = build_record(doc, SOURCE)["tables"]["review_litigation"]
    assert got == {k: i for i, k in enumerate(review_keys())}


def test_misplaced_table_flagged_and_not_read_as_requests() -> None:
    active = numbered(active_keys("2021"))
    doc = doc_of(
        Paragraph("二、主动公开政府信息情况"),
        active_table("2021", active),
        Paragraph("三、收到和处理政府信息公开申请情况"),
        active_table("2021", active),
        Paragraph("四、政府信息公开行政复议、行政诉讼情况"),
        review_table(dict.fromkeys(review_keys(), "0")),
    )
    rec = build_record(doc, SOURCE)
    assert "requests" not in rec["tables"]
    assert rec["tables"]["active_disclosure"] == as_numbers(active)
    assert {"table_misplaced", "tables_missing"} <= set(rec["flags"])


def test_tables_without_headings_are_taken_by_content() -> None:
    doc, active, requests, review = full_doc("2021")
    doc.blocks = [b for b in doc.blocks if isinstance(b, Table)]
    rec = build_record(doc, SOURCE)
    assert rec["tables"]["requests"] == as_numbers(requests)
    assert rec["tables"]["active_disclosure"] == as_numbers(active)
    assert rec["tables"]["review_litigation"] == as_numbers(review)
    assert not {"table_misplaced", "tables_missing"} & set(rec["flags"])


def test_unrecognised_table_template_unknown() -> None:
    b = Builder()
    b.next_row().add("信息内容").add("上年数").add("本年数")
    for label in ("规章", "规范性文件", "行政许可"):
        b.next_row().add(label).add("1").add("2")
    rec = build_record(doc_of(Paragraph("二、主动公开政府信息情况"), b.table()), SOURCE)
    assert rec["template"] is None
    assert "template_unknown" in rec["flags"]
    assert "active_disclosure" not in rec["tables"]


def test_blank_cells_are_null() -> None:
    active = numbered(active_keys("2021"))
    active["art20_1.rules.issued"] = "/"
    active["art20_1.rules.repealed"] = "—"
    active["art20_1.rules.in_force"] = "无"
    active["art20_5.licensing.decisions"] = ""
    rec = build_record(doc_of(active_table("2021", active)), SOURCE)
    got = rec["tables"]["active_disclosure"]
    assert [got[f"art20_1.rules.{c}"] for c in ("issued", "repealed", "in_force")] == [None] * 3
    assert got["art20_5.licensing.decisions"] is None
    assert got["art20_6.penalty.decisions"] == float(active["art20_6.penalty.decisions"])
