"""Property: any values written into the official layout come back out unchanged."""

from __future__ import annotations

from extract_layout import (
    active_keys,
    active_table,
    request_keys,
    requests_table,
    review_keys,
    review_table,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from govcrawl.document import CleanDocument, Paragraph, Source
from govcrawl.extract import build_record

FULL_WIDTH = str.maketrans("0123456789.+-", "０１２３４５６７８９．＋－")
NULLS = ("", "/", "-", "—", "无")


@st.composite
def count_cell(draw, signed: bool = False) -> tuple[str, int | None]:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from(NULLS)), None
    n = draw(st.integers(-999 if signed else 0, 99_999))
    text = f"{n:+d}" if signed and n else str(n)
    if draw(st.booleans()) and abs(n) >= 1000:
        text = f"{n:+,d}" if signed else f"{n:,d}"
    if draw(st.booleans()):
        text = text.translate(FULL_WIDTH)
    return text, n


@st.composite
def amount_cell(draw) -> tuple[str, float | None]:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from(NULLS)), None
    cents = draw(st.integers(0, 10_000_000))
    text = f"{cents // 100}.{cents % 100:02d}"
    return text, float(text)


@st.composite
def tables_for(draw, template: str) -> tuple[dict[str, str], dict[str, object]]:
    texts: dict[str, str] = {}
    expected: dict[str, object] = {}
    for key in active_keys(template):
        if "amount" in key:
            text, value = draw(amount_cell())
        else:
            text, value = draw(count_cell(signed=key.endswith(".change")))
        texts[f"a:{key}"], expected[f"a:{key}"] = text, value
    for prefix, keys in (("r", request_keys(template)), ("v", review_keys())):
        for key in keys:
            text, value = draw(count_cell())
            texts[f"{prefix}:{key}"], expected[f"{prefix}:{key}"] = text, value
    return texts, expected


def _part(values: dict, prefix: str) -> dict:
    return {k[2:]: v for k, v in values.items() if k.startswith(prefix + ":")}


@settings(max_examples=40, deadline=None)
@given(data=st.data(), template=st.sampled_from(["2019", "2021"]))
def test_official_layout_values_roundtrip(data: st.DataObject, template: str) -> None:
    texts, expected = data.draw(tables_for(template))
    year = 2022 if template == "2021" else 2020
    doc = CleanDocument(
        "html",
        [
            Paragraph("二、主动公开政府信息情况"),
            active_table(template, _part(texts, "a")),
            Paragraph("三、收到和处理政府信息公开申请情况"),
            requests_table(template, _part(texts, "r")),
            Paragraph("四、政府信息公开行政复议、行政诉讼情况"),
            review_table(_part(texts, "v")),
        ],
        title=f"某县人民政府{year}年政府信息公开工作年度报告",
    )
    rec = build_record(doc, Source(url="http://h/", body=b""))
    assert rec["template"] == template
    assert rec["tables"]["active_disclosure"] == _part(expected, "a")
    assert rec["tables"]["requests"] == _part(expected, "r")
    assert rec["tables"]["review_litigation"] == _part(expected, "v")
