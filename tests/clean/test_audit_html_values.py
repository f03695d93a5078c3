"""What the clean stage must keep apart for the extractor: a footnote mark from the number it
follows, a portal's pager from a doc-share preview counter, a site name from the report title."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from govcrawl.clean import clean_bytes
from govcrawl.document import CleanDocument

REPORT = "某某县水务局2022年政府信息公开工作年度报告"
BODY = "<p>一、总体情况</p><p>2022年，我局主动公开政府信息一百二十条，办理申请十五件。</p>"


def _html(body: str, title: str = REPORT) -> CleanDocument:
    page = f"<html><head><title>{title}</title></head><body>{body}</body></html>"
    return clean_bytes(page.encode("utf-8"), "text/html; charset=utf-8")


def _table(value: str) -> str:
    return (
        "<table border='1'><tr><td>信息内容</td><td>本年处理决定数量</td></tr>"
        f"<tr><td>行政处罚</td><td>{value}</td></tr>"
        "<tr><td>行政强制</td><td>2</td></tr></table>"
    )


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        ("35<sup>2</sup>", "35²"),
        ("35<sup>(1)</sup>", "35⁽¹⁾"),
        ("15<span style='vertical-align: super'>1</span>", "15¹"),
        ("15<sup>①</sup>", "15①"),
    ],
)
def test_superscript_in_an_html_cell_stays_a_mark(cell: str, text: str) -> None:
    doc = _html(f"<div>{BODY}{_table(cell)}</div>")
    assert doc.tables[0].grid()[1][1].text == text


def test_superscript_run_in_a_docx_cell_stays_a_mark(tmp_path: Path) -> None:
    document = Document()
    document.add_paragraph(REPORT)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "信息内容"
    table.cell(0, 1).text = "本年处理决定数量"
    table.cell(1, 0).text = "行政处罚"
    paragraph = table.cell(1, 1).paragraphs[0]
    paragraph.add_run("35")
    paragraph.add_run("2").font.superscript = True
    path = tmp_path / "report.docx"
    document.save(path)
    doc = clean_bytes(path.read_bytes(), None, [path.name])
    assert doc.format == "docx"
    assert doc.tables[0].grid()[1][1].text == "35²"


@pytest.mark.parametrize(
    ("pager", "truncated"),
    [
        ("<div class='pager'><span>1/1</span></div>", False),
        ("<div class='pager'><span>1 / 2</span></div><p>正文续。</p><span>2 / 2</span>", False),
        ("<div class='pager'><span>1 / 6</span></div>", True),
        ("<p>免费阅读已结束，点击下载阅读编辑剩下内容</p>", True),
    ],
)
def test_page_counter_is_a_preview_marker_only_short_of_the_last_page(
    pager: str, truncated: bool
) -> None:
    doc = _html(f"<div class='article'>{BODY}</div>{pager}")
    assert ("preview_truncated" in doc.flags) is truncated


@pytest.mark.parametrize(("counter", "truncated"), [("1/1", False), ("1 / 6", True)])
def test_page_counter_in_plain_text(counter: str, truncated: bool) -> None:
    text = f"{REPORT}\n一、总体情况\n本年度主动公开政府信息一百二十条。\n{counter}\n"
    doc = clean_bytes(text.encode("utf-8"), "text/plain; charset=utf-8")
    assert ("preview_truncated" in doc.flags) is truncated


def test_report_heading_wins_over_a_site_name_title() -> None:
    doc = _html(
        f"<div class='article'><h1 class='title'>{REPORT}</h1>{BODY}</div>",
        title="某某县人民政府门户网站",
    )
    assert doc.title == REPORT
    assert REPORT in doc.text()


def test_report_title_wins_over_a_site_name_heading() -> None:
    doc = _html(f"<h1>某某县人民政府</h1><div class='article'>{BODY}</div>")
    assert doc.title == REPORT
