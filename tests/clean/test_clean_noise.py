"""The chrome rules: what they delete, and body lines they must leave alone."""

from __future__ import annotations

import pytest

from govcrawl.clean.noise import chrome_rule, has_placeholders, strip_chrome

CHROME = [
    "当前位置：首页 > 政府信息公开 > 年报",
    "字号：[ 大 中 小 ]",
    "[ 打印本页 | 关闭窗口 ]",
    "分享到：",
    "扫一扫在手机打开当前页",
    "责任编辑：马洁",
    "相关链接：甘肃省人民政府",
    "上一篇：定西市2022年政府信息公开工作年度报告",
    "账号+密码登录",
    "还没有账号?",
    "整理文档很辛苦,赏杯茶钱您下走!",
    "下载文档,编辑使用",
    "备案号:鲁ICP备2024069028号-1 客服联系 QQ:2149211541",
    "©2015-2020 m.777doc.com 三七文档.",
    "保存成功",
    "资源描述",
    "×",
    "- 3 -",
    "第 2 页 共 6 页",
]
BODY = [
    "五、存在的主要问题及改进情况",
    "一是进一步规范公开内容。" * 15 + "群众可点击下载相关文档。",
    "2022年，我局共受理政府信息公开申请3件，均已按期答复。",
    "第二十条第（一）项",
]


@pytest.mark.parametrize("line", CHROME)
def test_chrome_lines_are_removed(line: str) -> None:
    assert chrome_rule(line) is not None


@pytest.mark.parametrize("line", BODY)
def test_body_lines_are_kept(line: str) -> None:
    assert chrome_rule(line) is None


def test_preview_markers_are_reported() -> None:
    kept, truncated = strip_chrome(
        ["正文第一段。", "1 / 6", "免费阅读已结束,点击下载阅读编辑剩下 ..."]
    )
    assert kept == ["正文第一段。"] and truncated
    assert strip_chrome(["正文第一段。", "|||||", "正文第二段 |"]) == (
        ["正文第一段。", "正文第二段"],
        False,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("现将我局xxxx年政务公开工作总结入下", True),
        ("共实施x项水利工程，总投资x.x亿元", True),
        ("查处非法取水井xx眼", True),
        ("《x县水务局网站信息发布登记制度》", True),
        ("访问 www.example.gov.cn 查看 Excel 表格，x64 系统", False),
        ("2022年共主动公开信息176条", False),
    ],
)
def test_placeholders(text: str, expected: bool) -> None:
    assert has_placeholders(text) is expected
