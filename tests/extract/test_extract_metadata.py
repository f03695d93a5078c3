"""Titles, agencies, years, section splitting and record ids."""

from __future__ import annotations

import base64
import hashlib

import pytest

from govcrawl.document import CleanDocument, Paragraph, Source
from govcrawl.extract import build_record, record_id
from govcrawl.extract.metadata import (
    find_agency,
    find_title,
    find_year,
    has_placeholders,
    squeeze_cjk_spaces,
)
from govcrawl.extract.sections import split_sections
from govcrawl.fetch.recognize import classify_title


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("定西市水务局2023年政府信息公开工作年度报告", "annual_report"),
        ("西华池镇人民政府2022年信息公开工作年度报告", "annual_report"),
        ("定西市政府信息公开工作年度报告", "annual_report"),
        ("某县2020年政务公开工作年度报告", "annual_report"),
        ("某区政府信息公开年报（2021年）", "annual_report"),
        ("水务局关于报送2021年度政务公开总结暨来年工作思路的报告", "not_annual_report"),
        ("定西市2020年政务公开工作要点", "not_annual_report"),
        ("某局2021年政府信息公开工作总结", "not_annual_report"),
        ("某局2022年政务公开工作计划", "not_annual_report"),
        ("2021年度企业年度报告公示的通知", "not_annual_report"),
        ("某市2020年国民经济和社会发展统计公报", "not_annual_report"),
        ("某局2021年部门预算", "not_annual_report"),
        ("某局2020年部门决算公开", "not_annual_report"),
        ("某局政府信息公开指南", "not_annual_report"),
        ("关于召开全县大会的通知", "not_annual_report"),
        ("", "unknown"),
    ],
)
def test_classify_title(title: str, kind: str) -> None:
    """The record's report verdict is fetch's classifier (one implementation)."""
    assert classify_title(title) == kind


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (
            "盐池县水务局 2020 年政府信息公开工作年度报告",
            "盐池县水务局2020年政府信息公开工作年度报告",
        ),
        ("某局  二〇二一 年 政府信息公开 年报", "某局二〇二一年政府信息公开年报"),
        ("某市 Open Data 平台 2021 年度报告", "某市Open Data平台2021年度报告"),
        ("某区 PPP 项目（2020 年）报告", "某区PPP项目（2020年）报告"),
    ],
)
def test_titles_lose_spaces_next_to_cjk(raw: str, clean: str) -> None:
    assert squeeze_cjk_spaces(raw) == clean
    assert find_title(raw, "") == clean
    assert find_title(None, f"{raw}\n正文。") == clean


def test_agency_has_no_spaces() -> None:
    assert find_agency("盐池县 水务局 2020 年政府信息公开工作年度报告", "") == "盐池县水务局"


@pytest.mark.parametrize(
    ("title", "text", "year"),
    [
        ("某局2020年政府信息公开工作年度报告", "本报告于2021年1月15日发布。", 2020),
        ("某局二〇二一年政府信息公开工作年度报告", "", 2021),
        ("某局政府信息公开工作年度报告", "统计期限自2020年1月1日起至2020年12月31日止", 2020),
        ("某局政府信息公开工作年度报告", "发布日期：2021年1月20日\n2020年，我局坚持…", 2020),
        ("某局政府信息公开工作年度报告", "发布日期：2021年1月20日", None),
    ],
)
def test_year_is_reporting_year(title: str, text: str, year: int | None) -> None:
    assert find_year(title, text) == year


@pytest.mark.parametrize(
    ("title", "text", "agency"),
    [
        ("定西市水务局2023年政府信息公开工作年度报告", "", "定西市水务局"),
        ("西华池镇人民政府2022年信息公开工作年度报告", "", "西华池镇人民政府"),
        ("盐池县水务局 2020 年政府信息公开工作年度报告", "", "盐池县水务局"),
        ("2020年某县人民政府政府信息公开工作年度报告", "", "某县人民政府"),
        ("关于某县财政局2020年政府信息公开工作年度报告", "", "某县财政局"),
        ("定西市政府信息公开工作年度报告", "由定西市人民政府办公室编制,全文包括", "定西市人民政府"),
        ("定西市政府信息公开工作年度报告", "全文包括总体情况", None),
    ],
)
def test_agency(title: str, text: str, agency: str | None) -> None:
    assert find_agency(title, text) == agency


def test_title_fallback_skips_breadcrumb() -> None:
    doc = CleanDocument(
        "html",
        [
            Paragraph("当前位置：首页 > 政府信息公开 > 年度报告"),
            Paragraph("某县财政局2021年政府信息公开工作年度报告"),
        ],
    )
    assert build_record(doc, Source(url="http://h/", body=b""))["title"] == (
        "某县财政局2021年政府信息公开工作年度报告"
    )


def test_title_run_into_first_paragraph() -> None:
    doc = CleanDocument(
        "pdf",
        [Paragraph("某镇人民政府2021年政府信息公开工作年度报告本报告根据《条例》要求编制。" * 3)],
    )
    rec = build_record(doc, Source(url="http://h/", body=b""))
    assert rec["title"] == "某镇人民政府2021年政府信息公开工作年度报告"
    assert rec["agency"] == "某镇人民政府"


def test_unknown_metadata_flagged() -> None:
    doc = CleanDocument("html", [Paragraph("政府信息公开工作年度报告"), Paragraph("正文")])
    rec = build_record(doc, Source(url="http://h/", body=b""))
    assert rec["year"] is None and rec["agency"] is None
    assert {"year_unknown", "agency_unknown"} <= set(rec["flags"])


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("现将我局xxxx年政务公开工作总结", True),
        ("草拟等x项制度", True),
        ("总投资x.x亿元", True),
        ("共发布信息67条,Linux服务器2台", False),
    ],
)
def test_placeholders(text: str, found: bool) -> None:
    assert has_placeholders(text) is found


def test_sections_on_own_lines_with_variants() -> None:
    text = "\n".join(
        [
            "标题",
            "（一）总体情况",
            "概述。",
            "二 主动公开政府信息情况",
            "表1",
            "三、收到及处理政府信息公开申请情况",
            "四、政府信息公开行政复议行政诉讼情况",
            "五、存在的主要问题和改进情况",
            "问题。",
            "六．其他需要报告的事项",
            "无",
        ]
    )
    sections = split_sections(text)
    assert sections["overview"] == "（一）总体情况\n概述。"
    assert sections["active_disclosure"] == "二 主动公开政府信息情况\n表1"
    assert sections["requests"] == "三、收到及处理政府信息公开申请情况"
    assert sections["review_litigation"] == "四、政府信息公开行政复议行政诉讼情况"
    assert sections["problems"] == "五、存在的主要问题和改进情况\n问题。"
    assert sections["other"] == "六．其他需要报告的事项\n无"


def test_sections_mid_line_and_not_fooled_by_lists() -> None:
    text = (
        "本报告由总体情况、主动公开政府信息情况、其他需要报告的事项组成。 一、总体情况 "
        "形式单一、质量不高。 五、存在的主要问题及改进情况 不足。 六、其他需要报告的事项 无"
    )
    sections = split_sections(text)
    assert sections["overview"] == "一、总体情况 形式单一、质量不高。"
    assert sections["active_disclosure"] is None
    assert sections["problems"] == "五、存在的主要问题及改进情况 不足。"
    assert sections["other"] == "六、其他需要报告的事项 无"


def test_record_id() -> None:
    body = b"payload"
    digest = "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode()
    a = record_id("HTTP://Example.GOV.cn:80/a/b.html#top", None, body)
    b = record_id("http://example.gov.cn/a/b.html", digest, b"ignored when digest given")
    assert a == b
    assert a == hashlib.sha1(f"http://example.gov.cn/a/b.html\n{digest}".encode()).hexdigest()
    assert record_id("http://example.gov.cn/a/b.html", "sha1:OTHER", body) != a
    assert record_id("http://example.gov.cn/a/c.html", digest, body) != a
