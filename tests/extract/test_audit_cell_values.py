"""Cell values a real report writes around its numbers, and labels that negate each other.

Footnote marks and notes after a number must not become digits of it; a signed change may be
written in words or with any minus look-alike; money may be given in 元 while the key is in 万元;
a value cell that cannot be read costs its own value, not its row's; and a label that means the
opposite of another (不予公开 / 予以公开) is never taken for it, however alike the characters.
"""

from __future__ import annotations

import pytest
from extract_layout import Builder, active_keys, active_table, request_keys, requests_table

from govcrawl.document import CleanDocument, Paragraph, Source, Table
from govcrawl.extract import SPEC, build_record
from govcrawl.extract.grid import split_row
from govcrawl.extract.labels import (
    NotANumber,
    cn_year_digits,
    core,
    lookup,
    parse_value,
)

NEGATIONS = "不未非无没"


def negations(text: str) -> str:
    """What makes a label mean its opposite: its negation characters, in order."""
    return "".join(ch for ch in text if ch in NEGATIONS)


SOURCE = Source(url="http://127.0.0.1/r.html", body=b"")
TITLE = "某某县水务局2022年政府信息公开工作年度报告"


def _record(*blocks: Paragraph | Table, title: str = TITLE) -> dict:
    return build_record(CleanDocument("html", list(blocks), title=title), SOURCE)


def _active_record(template: str, values: dict[str, str], style=lambda s: s) -> dict:
    title = TITLE.replace("2022", "2020" if template == "2019" else "2022")
    table = active_table(template, values, style)
    return _record(Paragraph("二、主动公开政府信息情况"), table, title=title)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15①", 15),
        ("15¹", 15),
        ("35²", 35),
        ("35⁽¹⁾", 35),
        ("12⑴", 12),
        ("0*", 0),
        ("7※", 7),
        ("3（含转办2件）", 3),
        ("3(注)", 3),
        ("4件（注1）", 4),
    ],
)
def test_footnote_marks_and_notes_are_not_digits(text: str, expected: int) -> None:
    assert parse_value(text) == expected


@pytest.mark.parametrize("text", ["Ⅱ", "①", "²", "*", "（注）"])
def test_marks_and_roman_numerals_alone_are_not_numbers(text: str) -> None:
    with pytest.raises(NotANumber):
        parse_value(text)


def test_superscript_footnote_in_an_active_cell_reads_as_the_number() -> None:
    keys = active_keys("2021")
    values = {k: "1" for k in keys}
    values["art20_6.penalty.decisions"] = "35²"
    values["art20_1.rules.issued"] = "2①"
    got = _active_record("2021", values)["tables"]["active_disclosure"]
    assert got["art20_6.penalty.decisions"] == 35
    assert got["art20_1.rules.issued"] == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("增加1", 1),
        ("减少1", -1),
        ("增加 2 项", 2),
        ("新增3", 3),
        ("−1", -1),  # U+2212 minus sign
        ("–2", -2),  # en dash
        ("‒4", -4),  # figure dash
        ("﹣5", -5),
        ("持平", 0),
    ],
)
def test_signed_changes_in_words_and_minus_look_alikes(text: str, expected: int) -> None:
    assert parse_value(text) == expected


def test_2019_change_column_keeps_every_row() -> None:
    keys = active_keys("2019")
    values = {k: "2" for k in keys}
    changes = {
        "art20_5.licensing.change": ("增加1", 1),
        "art20_5.other_services.change": ("−1", -1),
        "art20_6.penalty.change": ("减少3", -3),
        "art20_8.fees.change": ("–2", -2),
    }
    values.update({k: text for k, (text, _) in changes.items()})
    rec = _active_record("2019", values)
    assert rec["template"] == "2019"
    got = rec["tables"]["active_disclosure"]
    for key, (_, number) in changes.items():
        assert got[key] == number
        row = key.rsplit(".", 1)[0]
        assert got[f"{row}.items_last_year"] == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3500元", 0.35),
        ("3,500元", 0.35),
        ("12.5万", 12.5),
        ("12.5万元", 12.5),
        ("1.2亿元", 12000.0),
        ("800千元", 80.0),
        ("3500", 3500.0),
    ],
)
def test_amounts_are_read_in_10k_yuan(text: str, expected: float) -> None:
    got = parse_value(text, amount=True)
    assert type(got) is float
    assert got == pytest.approx(expected, abs=0)


def _fee_label(unit: str):
    def style(label: str) -> str:
        return label.replace("（单位：万元）", f"（单位：{unit}）")

    return style


@pytest.mark.parametrize(
    ("unit", "cell", "expected"),
    [
        ("元", "3500", 0.35),
        ("万元", "3500元", 0.35),
        ("万元", "12.5万", 12.5),
        ("元", "12.5万元", 12.5),
        ("万元", "12.5", 12.5),
    ],
)
def test_fee_unit_from_header_or_cell(unit: str, cell: str, expected: float) -> None:
    values = {k: "0" for k in active_keys("2021")}
    values["art20_8.fees.amount_10k_yuan"] = cell
    got = _active_record("2021", values, _fee_label(unit))["tables"]["active_disclosure"]
    assert got["art20_8.fees.amount_10k_yuan"] == pytest.approx(expected, abs=0)
    assert got["art20_1.rules.issued"] == 0


def test_a_note_in_a_requests_cell_keeps_the_row() -> None:
    keys = request_keys("2021")
    values = {k: "0" for k in keys}
    values["new.natural_person"] = "3（含转办2件）"
    values["new.total"] = "3"
    values["carried_over.natural_person"] = "0*"
    rec = _record(Paragraph("三、收到和处理政府信息公开申请情况"), requests_table("2021", values))
    got = rec["tables"]["requests"]
    assert got["new.natural_person"] == 3
    assert got["new.total"] == 3
    assert got["carried_over.natural_person"] == 0


def _grid(rows: list[list[str]]):
    b = Builder()
    for row in rows:
        b.next_row()
        for text in row:
            b.add(text)
    return b.table().grid()


def test_an_unreadable_cell_costs_only_its_value() -> None:
    grid = _grid(
        [
            ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
            ["行政许可", "10", "见附件", "500"],
        ]
    )
    index = SPEC.templates["2019"].groups["art20_5"].rows
    row = split_row(grid, 1, index)
    assert row is not None and row.key == "licensing"
    assert [v.text for v in row.values] == ["10", "", "500"]
    assert [v.col for v in row.values] == [1, 2, 3]
    assert [c.text for c in row.unreadable] == ["见附件"]


def test_a_row_of_unreadable_cells_only_is_no_data_row() -> None:
    grid = _grid([["行政许可", "见附件", "另行公布"]])
    index = SPEC.templates["2019"].groups["art20_5"].rows
    assert split_row(grid, 0, index) is None


def _indexes() -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for t in SPEC.templates.values():
        out += [t.request_rows, t.request_columns, t.review_groups, t.review_parts]
        for g in t.groups.values():
            out += [g.rows, g.columns]
    return out


def _spec_texts() -> set[str]:
    """Every label-like string in report-tables.json (labels, group labels, row groups)."""
    texts: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, str):
            texts.add(node)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)

    for template in SPEC.raw["templates"].values():
        walk(template)
    return {t for t in texts if len(t) <= 60}


@pytest.mark.parametrize("template", ["2019", "2021"])
def test_withheld_group_label_is_not_disclosed(template: str) -> None:
    rows = SPEC.templates[template].request_rows
    assert lookup(rows, "（三）不予公开") is None
    assert lookup(rows, "不予公开") is None
    assert lookup(rows, "（一）子以公开") == "result.disclosed"  # an OCR misread still reads


def test_no_spec_label_matches_a_key_whose_labels_negate_differently() -> None:
    texts = _spec_texts()
    for index in _indexes():
        negs: dict[str, set[str]] = {}
        for label, key in index.items():
            negs.setdefault(key, set()).add(negations(label))
        for text in texts:
            key = lookup(index, text)
            if key is not None:
                assert negations(core(text)) in negs[key], (text, key)


def test_dropping_or_adding_a_negation_never_keeps_the_key() -> None:
    """Close matching only (a plain dict: no fragment look-up, whose pieces of a label cut
    short at its start may well have lost a leading 没 or 不 with the cut)."""
    for index in _indexes():
        plain = dict(index)
        for label in index:
            flipped = [label.replace(ch, "", 1) for ch in set(negations(label))]
            flipped += ["不" + label, "未" + label]
            for text in flipped:
                found = lookup(plain, text)
                if found is not None:
                    assert any(
                        negations(other) == negations(core(text))
                        for other, k in index.items()
                        if k == found
                    ), (label, text, found)


def test_subtotal_row_of_a_withheld_group_is_no_data_row() -> None:
    grid = _grid(
        [
            ["三、本年度办理结果", "（一）予以公开", "5", "8"],
            ["", "（三）不予公开", "1", "1"],
            ["", "1.属于国家秘密", "0", "0"],
        ]
    )
    rows = SPEC.templates["2021"].request_rows
    assert split_row(grid, 0, rows).key == "result.disclosed"
    assert split_row(grid, 1, rows) is None
    assert split_row(grid, 2, rows).key == "result.withheld.state_secret"


@pytest.mark.parametrize(
    "year", ["二○二二年", "二〇二二年", "二◯二二年", "二Ｏ二二年", "二O二二年"]
)
def test_chinese_year_with_any_zero_look_alike(year: str) -> None:
    assert cn_year_digits(f"某某县{year}报告") == "某某县2022年报告"


def test_four_letter_os_are_no_year() -> None:
    assert cn_year_digits("OOOO年") == "OOOO年"


def test_circle_zero_year_title_gives_agency_and_year() -> None:
    title = "某某县水务局二○二二年政府信息公开工作年度报告"
    rec = _record(Paragraph(title), Paragraph("一、总体情况"), title=title)
    assert rec["year"] == 2022
    assert rec["agency"] == "某某县水务局"
