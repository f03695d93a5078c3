"""Audit findings on headings, titles and agencies: heading wordings with a subject between the
numeral and the title, titles that are not the first line, agencies named only in a long
`由…根据…编制` sentence or by a bare township name."""

from __future__ import annotations

import pytest
from extract_layout import (
    active_keys,
    active_table,
    request_keys,
    requests_table,
    review_keys,
    review_table,
)

from govcrawl.document import CleanDocument, Paragraph, Source
from govcrawl.extract import build_record
from govcrawl.extract.metadata import find_agency, find_title, find_year
from govcrawl.extract.sections import split_sections

SOURCE = Source(url="http://127.0.0.1/r.html", body=b"")
TITLE = "某某县水务局2022年政府信息公开工作年度报告"
REVIEW_OLD = "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况"


@pytest.mark.parametrize(
    ("heading", "key"),
    [
        ("五、政府信息公开工作存在的主要问题及改进情况", "problems"),
        ("五、政务公开工作存在的主要问题和改进措施", "problems"),
        (REVIEW_OLD, "review_litigation"),
        ("四、政府信息公开被申请行政复议、提起行政诉讼情况", "review_litigation"),
        ("（四）因政府信息公开申请行政复议、行政诉讼的情况", "review_litigation"),
    ],
)
def test_heading_naming_its_subject(heading: str, key: str) -> None:
    text = f"一、总体情况\n概述。\n{heading}\n正文。\n六、其他需要报告的事项\n无"
    sections = split_sections(text)
    assert sections[key] == f"{heading}\n正文。"
    assert sections["overview"] == "一、总体情况\n概述。"


def test_numbered_item_mentioning_a_title_is_no_heading() -> None:
    text = "五、存在的主要问题及改进情况\n（一）加强培训，存在的主要问题及改进情况见上。"
    assert split_sections(text)["problems"] == text


def _numbered(keys: list[str], start: int) -> dict[str, str]:
    return {k: str(i) for i, k in enumerate(keys, start)}


def test_old_review_heading_keeps_tables_in_place() -> None:
    """The review table under the old wording is in its own section, not section 三's."""
    review = _numbered(review_keys(), 500)
    doc = CleanDocument(
        "html",
        [
            Paragraph("二、主动公开政府信息情况"),
            active_table("2021", _numbered(active_keys("2021"), 1)),
            Paragraph("三、收到和处理政府信息公开申请情况"),
            requests_table("2021", _numbered(request_keys("2021"), 100), header="商业企业"),
            Paragraph(REVIEW_OLD),
            review_table(review),
            Paragraph("五、政府信息公开工作存在的主要问题及改进情况"),
            Paragraph("无。"),
        ],
        title=TITLE,
    )
    rec = build_record(doc, SOURCE)
    assert "table_misplaced" not in rec["flags"]
    assert rec["sections"]["review_litigation"].startswith(REVIEW_OLD)
    assert rec["sections"]["problems"] == "五、政府信息公开工作存在的主要问题及改进情况\n无。"
    assert rec["tables"]["review_litigation"] == {k: float(v) for k, v in review.items()}


@pytest.mark.parametrize(
    ("doc_title", "text", "title"),
    [
        ("附件1", f"附件1\n{TITLE}\n本报告根据《条例》编制。", TITLE),
        ("某某县水务局", "某某县水务局\n2022年政府信息公开工作年度报告\n正文。", TITLE),
        (
            None,
            "首页 > 信息公开\n某某县水务局\n二〇二二年政务公开工作年度报告\n正文。",
            "某某县水务局二〇二二年政务公开工作年度报告",
        ),
        (None, "本报告由某某县水务局根据《条例》要求编制。统计期限自2022年1月1日起。", None),
        (None, "一、总体情况\n六、其他需要报告的事项\n无。", None),
        ("本溪市2022年政府信息公开工作年度报告", "", "本溪市2022年政府信息公开工作年度报告"),
        ("某某县人民政府门户网站", "正文。", "某某县人民政府门户网站"),
    ],
)
def test_title_is_the_line_that_reads_as_one(
    doc_title: str | None, text: str, title: str | None
) -> None:
    assert find_title(doc_title, text) == title


def test_year_opening_title_not_joined_to_a_non_name() -> None:
    text = "发布时间：2023-01-18\n2022年政府信息公开工作年度报告\n正文。"
    assert find_title(None, text) == "2022年政府信息公开工作年度报告"


@pytest.mark.parametrize(
    ("title", "text", "agency"),
    [
        (
            "某某县2022年政府信息公开工作年度报告",
            "本报告由某某县人民政府办公室根据《中华人民共和国政府信息公开条例》要求编制。",
            "某某县人民政府",
        ),
        (None, "本报告由某某县水务局依据《条例》和上级要求负责编制。", "某某县水务局"),
        ("某某镇2022年政府信息公开工作年度报告", "", "某某镇"),
        ("某某区某某街道2022年政务公开工作年度报告", "", "某某区某某街道"),
        ("某某县2022年政府信息公开工作年度报告", "本报告根据《条例》编制。", None),
    ],
)
def test_agency_from_long_compiled_by_or_township(
    title: str | None, text: str, agency: str | None
) -> None:
    assert find_agency(title, text) == agency


@pytest.mark.parametrize(
    ("title", "year"),
    [
        ("某某县政府信息公开工作年度报告2023", 2023),
        ("某某县政府信息公开年报（2023）", 2023),
        ("某某县政府信息公开年报 2024-01-15", None),  # a publication date, not the year reported
    ],
)
def test_a_bare_year_in_the_title_is_the_reporting_year(title: str, year: int | None) -> None:
    assert find_year(title, "一、总体情况\n本机关认真贯彻落实条例。") == year
