"""HTML specifics: which tables are data, how cell text is joined, where tables sit."""

from __future__ import annotations

import pytest

from govcrawl.clean import clean_bytes
from govcrawl.clean import html as clean_html
from govcrawl.document import CleanDocument, Table


def _clean(body: str) -> CleanDocument:
    page = f"<html><head><title>报告_某市人民政府</title></head><body>{body}</body></html>"
    return clean_bytes(page.encode("utf-8"), "text/html; charset=utf-8")


INTRO = "<p>二、主动公开政府信息情况。本年度共主动公开政府信息一百二十条。</p>"


def test_values_wrapped_in_divs_stay_a_data_table() -> None:
    rows = "".join(
        f"<tr><td><div>{label}</div></td><td><div>{a}</div></td><td><div>{b}</div></td></tr>"
        for label, a, b in [
            ("信息内容", "本年制发件数", "本年废止件数"),
            ("规章", "0", "1"),
            ("行政规范性文件", "2", "3"),
        ]
    )
    doc = _clean(f"<div>{INTRO}<table>{rows}</table></div>")
    assert [[c.text for c in row] for row in doc.tables[0].grid()][-1] == [
        "行政规范性文件",
        "2",
        "3",
    ]


def test_cell_lines_joined_and_empty_cells_kept() -> None:
    table = (
        "<table><tr><td>结果<br>纠正</td><td><p>其他</p><p>结果</p></td><td></td></tr>"
        "<tr><td>1</td><td></td><td>3</td></tr></table>"
    )
    doc = _clean(f"<div>{INTRO}{table}</div>")
    grid = doc.tables[0].grid()
    assert [c.text for c in grid[0]] == ["结果 纠正", "其他 结果", ""]
    assert [c.text for c in grid[1]] == ["1", "", "3"]


def test_menu_and_prev_next_tables_are_not_data() -> None:
    menu = (
        "<table><tr><td><a href='/'>首页</a></td><td><a href='/a'>政务公开</a></td></tr>"
        "<tr><td><a href='/b'>政务服务</a></td><td><a href='/c'>互动交流</a></td></tr></table>"
    )
    prev_next = (
        "<table><tr><td>上一篇：某报告</td><td>下一篇：另一报告</td></tr>"
        "<tr><td>打印本页</td><td>关闭窗口</td></tr></table>"
    )
    doc = _clean(f"{menu}<div>{INTRO}</div>{prev_next}")
    assert doc.tables == []
    assert "政务服务" not in doc.text() and "上一篇" not in doc.text()


def test_table_sits_between_its_paragraphs() -> None:
    table = (
        "<table><tr><td>规章</td><td>0</td></tr><tr><td>行政规范性文件</td><td>1</td></tr></table>"
    )
    after = "<p>三、收到和处理政府信息公开申请情况。本年度未收到政府信息公开申请。</p>"
    doc = _clean(f"<div>{INTRO}{table}{after}</div>")
    kinds = ["T" if isinstance(b, Table) else b.text[:2] for b in doc.blocks]
    assert kinds == ["报告", "二、", "T", "三、"]
    assert doc.title == "报告"


MIRROR = """<html><head><meta charset="utf-8"><title>{title} - 三七文档</title></head><body>
<div class="top"><a href="/">首页</a><a href="/search.html">搜索</a><span>VIP</span></div>
<h1 class="doc-title">{title}</h1>
<div class="preview-page"><p>{body}</p></div>
<div class="pager"><span>1 / 6</span></div>
<div class="paywall"><p>整理文档很辛苦，赏杯茶钱您下走！</p>
<p>免费阅读已结束，点击下载阅读编辑剩下 ...</p><a class="btn">下载文档</a></div>
<div class="modal"><p>账号+密码登录</p><p>手机+密码登录</p><p>还没有账号？立即注册</p></div>
<div class="related"><a href="/p-2.html">某县2022年政府信息公开工作年度报告</a></div>
<div class="footer">©2015-2020 m.777doc.com 三七文档. 备案号:鲁ICP备2024069028号-1 客服QQ:123</div>
</body></html>"""


def test_mirror_page_flags_and_chrome() -> None:
    title = "水务局关于报送2021年度政务公开总结暨来年工作思路的报告"
    body = "现将我局xxxx年政务公开工作总结如下：共实施x项水利工程，总投资x.x亿元。" * 4
    page = MIRROR.format(title=title, body=body)
    doc = clean_bytes(page.encode("utf-8"), "text/html; charset=utf-8")
    assert doc.title == title
    assert {"preview_truncated", "placeholder_text"} <= set(doc.flags)
    assert body in doc.text()
    for phrase in ("整理文档", "免费阅读", "下载文档", "立即注册", "备案号", "1 / 6", "VIP"):
        assert phrase not in doc.text()


def test_tables_outside_main_content_keep_document_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever trafilatura leaves out, tables come back in the order of the page."""
    rows = "<tr><td>规章</td><td>{0}</td></tr><tr><td>行政规范性文件</td><td>{0}</td></tr>"
    tables = "".join(f"<table>{rows.format(i)}</table>" for i in range(3))
    main = f"{INTRO}\n{clean_html._MARKER.format(2)}"  # trafilatura kept only the last table
    monkeypatch.setattr(clean_html, "_main_text", lambda root: main)
    doc = _clean(f"<div>{INTRO}{tables}</div>")
    assert [t.cells[1].text for t in doc.tables] == ["0", "1", "2"]


@pytest.mark.parametrize(
    "raw", [b"", b"<!-- only a comment -->", b"<html><body>\x00\x01abc</body></html>"]
)
def test_degenerate_pages_give_documents_not_errors(raw: bytes) -> None:
    doc = clean_bytes(raw, "text/html")
    assert doc.format == "html" and "\x00" not in doc.text()
