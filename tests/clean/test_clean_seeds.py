"""The seeds, as text and as the HTML pages they came from: chrome gone, body kept, tables
rebuilt with their spans, flags raised."""

from __future__ import annotations

import pytest
from clean_pages import table_html
from clean_seed_pages import hanweb_seed_page, layout_seed_page
from clean_support import kept_ratio, reference, seed_path

from govcrawl.clean import clean_bytes, clean_source
from govcrawl.document import CleanDocument, Source, Table

NOISE_PHRASES = [
    "当前位置",
    "字号",
    "打印本页",
    "关闭窗口",
    "分享到",
    "扫一扫",
    "责任编辑",
    "相关链接",
    "上一篇",
    "下一篇",
    "账号+密码登录",
    "手机+密码登录",
    "还没有账号",
    "立即注册",
    "整理文档很辛苦",
    "赏杯茶钱",
    "免费阅读已结束",
    "阅读已结束",
    "下载文档",
    "点击下载",
    "VIP",
    "备案号",
    "ICP",
    "客服",
    "三七文档",
    "保存成功",
    "资源描述",
    "1 / 6",
    "||",
]


def _as_text(prefix: str) -> CleanDocument:
    path = seed_path(prefix)
    return clean_source(Source(url=f"file://{path}", body=path.read_bytes(), filename=path.name))


def _as_html(prefix: str) -> CleanDocument:
    page = hanweb_seed_page() if prefix == "001" else layout_seed_page(prefix)
    return clean_bytes(page.encode("utf-8"), "text/html; charset=utf-8")


def _assert_no_noise(text: str) -> None:
    left = [phrase for phrase in NOISE_PHRASES if phrase in text]
    assert not left, f"chrome left in the text: {left}"


def test_seed_text_has_no_chrome(seed: str) -> None:
    doc = _as_text(seed)
    assert doc.format == "txt"
    _assert_no_noise(doc.text())


def test_seed_text_keeps_the_body(seed: str) -> None:
    assert kept_ratio(reference(seed), _as_text(seed).text()) >= 0.99


@pytest.mark.parametrize("prefix", ["000", "001", "003"])
def test_seed_html_page_has_no_chrome_and_keeps_the_body(prefix: str) -> None:
    doc = _as_html(prefix)
    assert doc.format == "html"
    _assert_no_noise(doc.text())
    assert kept_ratio(reference(prefix), doc.text()) >= 0.99


def test_layout_tables_are_not_data_tables() -> None:
    for prefix in ("000", "003"):
        doc = _as_html(prefix)
        assert doc.tables == []
        assert doc.title == reference(prefix).splitlines()[0]


def test_title_drops_site_suffix() -> None:
    doc = _as_html("000")
    assert doc.title == "定西市水务局2023年政府信息公开工作年度报告"


def _spans(table: Table) -> dict[str, tuple[int, int]]:
    return {c.text: (c.rowspan, c.colspan) for c in table.cells if c.rowspan > 1 or c.colspan > 1}


def test_seed_001_tables_are_grids_with_group_header_spans() -> None:
    for doc in (_as_text("001"), _as_html("001")):
        active, repeated, review = doc.tables
        assert (active.n_rows, active.n_cols) == (14, 4)
        grid = active.grid()
        assert grid[0][0] is grid[0][3] and grid[0][0].text == "第二十条第(一)项"
        assert [c.text for c in grid[2]] == ["规章", "0", "0", "0"]
        assert grid[5][1].text == "本年处理决定数量" and grid[5][1] is grid[5][3]
        assert active.to_text() == repeated.to_text()
        assert review.n_cols == 15
        assert [c.text for c in review.grid()[-1]] == ["0"] * 15


def test_seed_001_review_table_spans() -> None:
    """From HTML the spans are read; from the left-packed text they are inferred."""
    for doc in (_as_text("001"), _as_html("001")):
        spans = _spans(doc.tables[2])
        assert spans["行政复议"] == (1, 5) and spans["行政诉讼"] == (1, 10)
        assert spans["结果维持"] == (2, 1) and spans["总计"] == (2, 1)
        assert spans["未经复议直接起诉"] == (1, 5) and spans["复议后起诉"] == (1, 5)


def _requests(doc: CleanDocument) -> Table:
    return next(t for t in doc.tables if any("本年新收" in c.text for c in t.cells))


def test_seed_002_requests_table_rebuilt_from_text() -> None:
    table = _requests(_as_text("002"))
    grid = table.grid()
    spans = _spans(table)
    assert spans["(三) 不予公开"] == (8, 1)
    assert spans["(四) 无法提供"] == (3, 1)
    assert spans["(五) 不予处理"] == (5, 1)
    assert spans["申请人情况"] == (1, 7)
    assert spans["法人或其他组织"] == (1, 5)
    assert spans["自然人"] == (2, 1) and spans["总计"] == (2, 1)
    withheld = next(c for c in table.cells if c.text == "(三) 不予公开")
    labels = [grid[r][2].text for r in range(withheld.row, withheld.row + withheld.rowspan)]
    assert labels[0] == "1.属于国家秘密" and labels[-1] == "8.属于行政查询事项"
    for r in range(withheld.row + 1, withheld.row + withheld.rowspan):
        values = [c.text for c in grid[r][3:]]
        assert values == ["0"] * 7, f"row {r}: 7 numbers expected"
    assert table.n_cols == 10


def test_seed_002_tables_from_text() -> None:
    doc = _as_text("002")
    active, _, review = doc.tables
    assert _spans(active)["第二十条第（九）项"] == (1, 4)
    assert [c.text for c in active.grid()[6]] == ["行政许可", "8", "+2", "0"]
    assert _spans(review)["行政复议"] == (1, 5)
    assert _spans(review)["行政诉讼"] == (1, 10)
    assert _spans(review)["尚未审结"] == (2, 1)
    assert [c.text for c in review.grid()[-1]] == ["0"] * 15
    assert "---" not in doc.text()


def _vsb_requests_page() -> str:
    """Seed 002's requests table as the VSB article serves it: the template's spans."""
    head = [
        [
            ("(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)", 3, 3),
            ("申请人情况", 1, 7),
        ],
        [("自然人", 2, 1), ("法人或其他组织", 1, 5), ("总计", 2, 1)],
        [(t, 1, 1) for t in ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]],
    ]
    rows = [
        [("一、本年新收政府信息公开申请数量", 1, 3)],
        [("二、上年结转政府信息公开申请数量", 1, 3)],
    ]
    rows.append([("三、本年度办理结果", 10, 1), ("（一）予以公开", 1, 2)])
    rows.append([("（二）部分公开", 1, 2)])
    rows.append([("（三）不予公开", 8, 1), ("1.属于国家秘密", 1, 1)])
    rows += [[(f"{i}.不予公开情形{i}", 1, 1)] for i in range(2, 9)]
    rows.append([("四、结转下年度继续办理", 1, 3)])
    body = [row + [(str(10 * r + c), 1, 1) for c in range(7)] for r, row in enumerate(rows)]
    table = table_html(head + body)
    return (
        "<html><head><meta charset='utf-8'><title>盐池县水务局报告</title></head><body>"
        "<div class='v_news_content'><p>三、收到和处理政府信息公开申请情况</p>"
        f"{table}<p>四、政府信息公开行政复议、行政诉讼情况</p></div></body></html>"
    )


def test_seed_002_html_requests_table_has_seven_numbers_per_row() -> None:
    doc = clean_bytes(_vsb_requests_page().encode(), "text/html; charset=utf-8")
    table = doc.tables[0]
    grid = table.grid()
    for r in range(3, table.n_rows):
        assert [c.text for c in grid[r][3:]] == [str(10 * (r - 3) + c) for c in range(7)]
    assert _spans(table)["（三）不予公开"] == (8, 1)
    assert _spans(table)["三、本年度办理结果"] == (10, 1)
    texts = [b.text if not isinstance(b, Table) else "TABLE" for b in doc.blocks]
    assert texts.index("TABLE") == texts.index("三、收到和处理政府信息公开申请情况") + 1


def test_seed_004_mirror_flags() -> None:
    doc = _as_text("004")
    assert "preview_truncated" in doc.flags
    assert "placeholder_text" in doc.flags
    assert "xxxx年" in doc.text()


def test_report_without_placeholders_is_not_flagged(seed: str) -> None:
    doc = _as_text(seed)
    assert ("placeholder_text" in doc.flags) == (seed == "004")
    assert ("preview_truncated" in doc.flags) == (seed == "004")
