"""Audit findings on PDF titles and spreadsheets: a PDF whose first line is an attachment marker
or whose title is set in two lines, and a sheet holding a whole report with all its tables."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import docx
import openpyxl
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import SimpleDocTemplate

from govcrawl.clean import clean_bytes
from govcrawl.clean.docx import docx_blocks
from govcrawl.clean.office import xls_blocks, xlsx_blocks
from govcrawl.clean.pdf import pdf_blocks
from govcrawl.document import Block, Paragraph, Table

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
TITLE = "某某县水务局2022年政府信息公开工作年度报告"


def _pdf(lines: list[str]) -> bytes:
    pdfmetrics.registerFont(TTFont("wqy", str(FONT), subfontIndex=0))
    style = ParagraphStyle("cjk", fontName="wqy", fontSize=11, leading=16, wordWrap="CJK")
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build([RLParagraph(t, style) for t in lines])
    return buffer.getvalue()


BODY = [
    "本报告根据《中华人民共和国政府信息公开条例》要求编制，数据统计期限为全年。",  # the widest line
    "一、总体情况",
    "本年度公开信息。",
]


@pytest.mark.skipif(not FONT.exists(), reason="CJK font fonts-wqy-zenhei not installed")
@pytest.mark.parametrize(
    ("head", "title"),
    [
        (["附件1", TITLE], TITLE),
        (["某某县水务局", "2022年政府信息公开工作年度报告"], TITLE),
        (["某某县水务局文件", "某水发〔2023〕3号", TITLE], TITLE),
        (["某某县水务局文件", "2022年政府信息公开工作年度报告"], "2022年政府信息公开工作年度报告"),
        (["附件", "关于某事项的说明"], "附件"),
    ],
)
def test_pdf_title_is_the_report_title_line(head: list[str], title: str) -> None:
    assert pdf_blocks(_pdf([*head, *BODY])).title == title


def _docx(head: list[tuple[str, str | None]]) -> bytes:
    """A DOCX whose leading paragraphs are `head` ((text, style or None)), then BODY."""
    document = docx.Document()
    for text, style in [*head, *((line, None) for line in BODY)]:
        document.add_paragraph(text, style=style)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("head", "title"),
    [
        ([(TITLE, "Title")], TITLE),
        ([("附件1", "Heading 1"), (TITLE, None)], TITLE),  # a styled marker is no title
        ([("某某县水务局", None), ("2022年政府信息公开工作年度报告", None)], TITLE),
        ([("某某县水务局文件", "Title"), (TITLE, "Heading 1")], TITLE),
    ],
)
def test_docx_title_is_the_report_title_not_the_first_styled_line(
    head: list[tuple[str, str | None]], title: str
) -> None:
    assert docx_blocks(_docx(head))[1] == title


def _kinds(blocks: list[Block]) -> list[str]:
    return [b.text if isinstance(b, Paragraph) else f"T{b.n_rows}x{b.n_cols}" for b in blocks]


def _report_sheet() -> bytes:
    """One sheet with a whole report: headings, three tables apart by blank or heading rows."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    rows: list[list[object]] = [
        [TITLE],
        [],
        ["二、主动公开政府信息情况"],
        ["第二十条第（一）项"],
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章"],  # values all blank, data below: still a row of the table
        ["行政规范性文件", 1, 0, 3],
        [],
        ["三、收到和处理政府信息公开申请情况"],
        ["项目", "自然人", "总计"],
        ["一、本年新收政府信息公开申请数量", 4, 4],
        ["四、政府信息公开行政复议、行政诉讼情况"],  # no blank row above: the heading cuts
        ["行政复议", None, "行政诉讼"],
        ["结果维持", "总计", "结果维持"],
        [1, 1, 0],
        [],
        ["五、存在的主要问题及改进情况"],
        ["公开形式单一。"],
    ]
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(r, c, value)
    sheet.merge_cells("A4:D4")  # group heading spanning the table
    sheet.merge_cells("A13:B13")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


EXPECTED = [
    TITLE,
    "二、主动公开政府信息情况",
    "T4x4",
    "三、收到和处理政府信息公开申请情况",
    "T2x3",
    "四、政府信息公开行政复议、行政诉讼情况",
    "T3x3",
    "五、存在的主要问题及改进情况",
    "公开形式单一。",
]


def test_sheet_with_whole_report_gives_each_table() -> None:
    blocks = xlsx_blocks(_report_sheet())
    assert _kinds(blocks) == EXPECTED
    active = next(b for b in blocks if isinstance(b, Table))
    grid = active.grid()
    assert grid[0][0].text == "第二十条第（一）项" and grid[0][0].colspan == 4
    assert grid[2][0].text == "规章" and grid[3][0].text == "行政规范性文件"


def test_sheet_holding_one_table_stays_one_table() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "依申请公开"
    sheet.append(["项目", "自然人", "总计"])
    sheet.append(["一、本年新收政府信息公开申请数量"])
    sheet.append(["二、上年结转政府信息公开申请数量", 4, 4])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert _kinds(xlsx_blocks(buffer.getvalue())) == ["依申请公开", "T3x3"]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_xls_sheet_with_whole_report_gives_each_table(tmp_path: Path) -> None:
    source = tmp_path / "report.xlsx"
    source.write_bytes(_report_sheet())
    args = [
        "soffice",
        f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
        "--headless",
        "--convert-to",
        "xls",
        "--outdir",
        str(tmp_path / "out"),
        str(source),
    ]
    subprocess.run(args, capture_output=True, timeout=120, check=True)
    body = (tmp_path / "out" / "report.xls").read_bytes()
    assert _kinds(xls_blocks(body)) == EXPECTED
    assert _kinds(clean_bytes(body, None, ["report.xls"]).blocks) == EXPECTED
