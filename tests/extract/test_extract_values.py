"""Cell values and labels: the number formats and label spellings real reports use."""

from __future__ import annotations

import pytest

from govcrawl.extract.labels import NotANumber, core, lookup, parse_value
from govcrawl.extract.spec import SPEC


@pytest.mark.parametrize(
    ("text", "amount", "expected"),
    [
        ("0", False, 0),
        ("12", False, 12),
        ("１２", False, 12),
        ("+2", False, 2),
        ("-1", False, -1),
        ("＋３", False, 3),
        ("增2", False, 2),
        ("减1", False, -1),
        ("1,234", False, 1234),
        ("1，234", False, 1234),
        (" 7 ", False, 7),
        ("5件", False, 5),
        ("0.35", True, 0.35),
        ("０．５", True, 0.5),
        ("12", True, 12.0),
        ("1,234.5", True, 1234.5),
        ("3.2万元", True, 3.2),
        ("", False, None),
        ("/", False, None),
        ("／", False, None),
        ("-", False, None),
        ("—", False, None),
        ("无", False, None),
        ("  ", False, None),
        ("O", False, 0),
        ("工", False, 1),
        ("O0.00", True, 0.0),
    ],
)
def test_parse_value(text: str, amount: bool, expected: float | None) -> None:
    got = parse_value(text, amount=amount)
    assert got == expected
    if expected is not None:
        assert type(got) is (float if amount else int)


@pytest.mark.parametrize("text", ["规章", "总计", "1.2.3", "x项", "十二", "工程", "Ol规"])
def test_parse_value_rejects_labels(text: str) -> None:
    with pytest.raises(NotANumber):
        parse_value(text)


@pytest.mark.parametrize(
    ("variant", "official"),
    [
        ("(一) 予以公开", "（一）予以公开"),
        ("予以公开", "（一）予以公开"),
        ("(三) 1.属于国家秘密", "1.属于国家秘密"),
        ("结果 纠正", "结果纠正"),
        ("本年收费金额(单位:万元)", "本年收费金额（单位：万元）"),
        ("本年增／减", "本年增/减"),
        ('3.危及"三安全一稳定"', "3.危及“三安全一稳定”"),
        ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "（二）部分公开"),
        ("一、本年新收政府信息公开申请数量", "本年新收政府信息公开申请数量"),
        ("商业\n企业", "商业企业"),
    ],
)
def test_label_core_variants(variant: str, official: str) -> None:
    assert core(variant) == core(official)


def test_core_keeps_distinct_labels_apart() -> None:
    assert core("处理决定数量") != core("本年处理决定数量")
    assert core("复议后起诉") != core("未经复议直接起诉")


@pytest.mark.parametrize(
    ("ocr_text", "key"),
    [
        ("僵 ) 子以公开", "result.disclosed"),  # bracket lost, 予 read as 子
        ("二. 属于国家秘密", "result.withheld.state_secret"),
        ("5 要求行政机关确认或重新出具已获取信息", "result.not_processed.confirmation"),
        ("一 .本年新收政府信息公开申请数呈", "new"),
    ],
)
def test_lookup_tolerates_ocr_misreads(ocr_text: str, key: str) -> None:
    rows = SPEC.templates["2021"].request_rows
    assert key in rows.values()
    assert lookup(rows, ocr_text) == key


@pytest.mark.parametrize("text", ["公开", "本年政府信息公开申请数量", "行政复议", "12"])
def test_lookup_refuses_unclear_labels(text: str) -> None:
    """Too short, equally close to two rows (本年新收 / 上年结转), or not a row at all."""
    assert lookup(SPEC.templates["2021"].request_rows, text) is None


@pytest.mark.parametrize(
    ("piece", "key"),
    [
        ("掌握相关政", "result.unable.not_held"),
        ("由大量反复", "result.not_processed.excessive"),
        ("机关确认或 重新出具已", "result.not_processed.confirmation"),
        # from the note in brackets, which core forms leave out
        ("处理的，只计这一情形", "result.partially_disclosed"),
    ],
)
def test_lookup_names_the_row_of_a_label_a_pdf_cut_short(piece: str, key: str) -> None:
    """Calc leaves the first and last lines of a label wrapped over three out of its PDF."""
    rows = SPEC.templates["2021"].request_rows
    assert key in rows.values()
    assert lookup(rows, piece) == key


@pytest.mark.parametrize("piece", ["行政机关不", "申请", "政府信息公开申请"])
def test_lookup_refuses_a_piece_of_several_rows_or_too_short(piece: str) -> None:
    """行政机关不 is in two 其他处理 labels; a piece names a row only when it is one row's."""
    assert lookup(SPEC.templates["2021"].request_rows, piece) is None
