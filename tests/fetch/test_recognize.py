"""Report recognition over report titles and the look-alikes portals file next to them."""

from __future__ import annotations

import pytest

from govcrawl.fetch.recognize import (
    classify_title,
    is_navigation_text,
    normalize_title,
    report_year,
)

REPORTS = [
    ("定西市人民政府2023年政府信息公开工作年度报告", 2023),
    ("安定区人民政府2019年度政府信息公开工作年度报告", 2019),
    ("陇西县人民政府2019年政府信息公开年度报告", 2019),
    ("定西市水务局 2022 年政府信息公开工作年度报告", 2022),
    ("通渭县人民政府关于2020年政府信息公开工作年度报告", 2020),
    ("西华池镇人民政府2022年信息公开工作年度报告", 2022),
    ("盐池县水务局 2020 年政府信息公开工作年度报告", 2020),
    ("定西市政府信息公开工作年度报告", None),
    ("附件：定西市财政局2020年度政府信息公开工作年度报告.pdf", 2020),
    ("某某县2018年政务公开年报", 2018),
    ("2021年度政府信息公开工作报告", 2021),
    ("某市二〇二二年政府信息公开工作年度报告", 2022),
]

LOOKALIKES = [
    "定西市人民政府2023年政务公开工作要点",
    "定西市人民政府2023年政务公开工作总结",
    "定西市人民政府关于2023年度政府信息公开工作总结的报告",
    "甘肃陇原水务有限公司2023年度企业年度报告公示",
    "某公司2022年企业年报",
    "定西市2023年国民经济和社会发展统计公报",
    "定西市财政局2023年部门预算公开",
    "定西市财政局2022年度部门决算",
    "定西市人民政府2023年政府信息公开指南",
    "关于印发2023年政务公开工作要点的通知",
    "水务局关于报送2021年度政务公开总结暨来年工作思路的报告",
    "关于做好2023年政府信息公开工作年度报告编制发布工作的通知",
]

NEITHER = ["政府信息公开年报", "政府信息公开年度报告", "互动交流", "", None, "首页"]


@pytest.mark.parametrize(("title", "year"), REPORTS)
def test_report_titles_are_reports_with_their_year(title: str, year: int | None) -> None:
    assert classify_title(title) == "annual_report"
    assert report_year(title) == year


@pytest.mark.parametrize("title", LOOKALIKES)
def test_lookalikes_are_rejected(title: str) -> None:
    assert classify_title(title) == "not_annual_report"


@pytest.mark.parametrize("title", NEITHER)
def test_column_names_and_chrome_are_unknown(title: str | None) -> None:
    assert classify_title(title) == "unknown"


def test_normalize_strips_space_prefix_and_extension() -> None:
    assert normalize_title(" 附件1： 某县 2020 年报告.docx ") == "某县2020年报告"


def test_navigation_text() -> None:
    assert is_navigation_text("政府信息公开")
    assert is_navigation_text("政务公开")
    assert is_navigation_text("政府信息公开年报")
    assert not is_navigation_text("互动交流")
