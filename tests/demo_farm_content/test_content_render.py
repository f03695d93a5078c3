"""Renderers: every format carries the report's numbers in the official table layout."""

from __future__ import annotations

import io
import re
import zipfile

import docx
import openpyxl
import pdfplumber
import pytest
from farm_content_helpers import grid_values, html_grids, parse_number, same_value

from govcrawl.demo_farm.render import doc as doc_module
from govcrawl.demo_farm.render import (
    render_doc,
    render_docx,
    render_html_body,
    render_pdf,
    render_scanned_pdf,
    render_txt,
    render_xlsx,
)
from govcrawl.demo_farm.reports import generate_reports

TABLES = ("active_disclosure", "requests", "review_litigation")


@pytest.fixture(scope="module")
def reports():
    return generate_reports(21, 24)


@pytest.fixture(scope="module")
def pair(reports):
    """One report of each template."""
    return [next(r for r in reports if r.template == t) for t in ("2019", "2021")]


def assert_values(name, report, shown):
    truth = report.tables[name]
    assert set(shown) == set(truth)
    bad = {k: (shown[k], truth[k]) for k in truth if not same_value(shown[k], truth[k])}
    assert not bad, (report.report_id, name, bad)


def test_rendering_is_deterministic(pair):
    for r in pair:
        for variant in range(3):
            assert render_html_body(r, variant=variant) == render_html_body(r, variant=variant)
        assert render_txt(r, style="tab") == render_txt(r, style="tab")
        assert render_txt(r, style="pipe") == render_txt(r, style="pipe")
        assert render_docx(r) == render_docx(r)
        assert render_xlsx(r) == render_xlsx(r)
        assert render_pdf(r) == render_pdf(r)
    assert render_scanned_pdf(pair[0]) == render_scanned_pdf(pair[0])


def test_html_tables_carry_the_numbers_in_every_variant(reports):
    for r in reports:
        outputs = set()
        for variant in range(4):
            html = render_html_body(r, variant=variant)
            outputs.add(html)
            grids = html_grids(html)
            assert len(grids) == 3
            for name, grid in zip(TABLES, grids, strict=True):
                assert_values(name, r, grid_values(name, r.template, grid))
        assert len(outputs) > 1, "variants should differ cosmetically"


def _cell(html: str, pattern: str) -> str:
    """The attributes of the first <td> whose content (inside any wrapper tags) matches."""
    bracketed = pattern.replace("（", "[（(]").replace("）", "[）)]")
    match = re.search(r"<td([^>]*)>(?:<[^>]*>)*" + bracketed + "<", html)
    assert match, pattern
    return match.group(1)


def test_html_spans_follow_the_official_template(pair):
    for r in pair:
        html = render_html_body(r, variant=0)
        assert 'colspan="7"' in _cell(html, "申请人情况")
        assert 'rowspan="2"' in _cell(html, "自然人")
        assert 'colspan="5"' in _cell(html, "法人或其他组织")
        assert 'rowspan="2"' in _cell(html, "总计")
        results = 22 if r.template == "2021" else 20
        assert f'rowspan="{results}"' in _cell(html, "三、本年度办理结果")
        assert 'rowspan="8"' in _cell(html, "（三）不予公开")
        assert 'rowspan="3"' in _cell(html, "（四）无法提供")
        assert 'rowspan="5"' in _cell(html, "（五）不予处理")
        other = _cell(html, "（六）其他处理")
        assert ('rowspan="3"' in other) == (r.template == "2021")
        assert 'colspan="5"' in _cell(html, "行政复议")
        assert 'colspan="10"' in _cell(html, "行政诉讼")
        assert 'colspan="5"' in _cell(html, "未经复议直接起诉")
        assert 'colspan="4"' in _cell(html, "第二十条第（一）项")


def test_txt_styles_flatten_like_the_seeds(pair):
    r21 = pair[1]
    pipe = render_txt(r21, style="pipe").splitlines()
    assert "行政复议 | 行政诉讼 | |||||||||||||" in pipe
    assert any(line.startswith("第二十条第") and line.endswith(" | |||") for line in pipe)
    tab = render_txt(pair[0], style="tab").splitlines()
    assert tab[0] == pair[0].title
    review = next(i for i, line in enumerate(tab) if line.startswith("行政复议\t"))
    numbers = [parse_number(t) for t in tab[review + 3].split("\t")]
    assert numbers == list(pair[0].tables["review_litigation"].values())


def _pdf_tables(data: bytes):
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
        tables = [t for page in pdf.pages for t in page.extract_tables()]
        return len(pdf.pages), text, tables


def test_pdf_has_chinese_text_and_tables_with_the_numbers(pair):
    for r in pair:
        pages, text, tables = _pdf_tables(render_pdf(r))
        assert pages >= 2
        assert "(cid:" not in text
        assert r.title in text and "一、总体情况" in text
        assert len(tables) == 3
        for name, table in zip(TABLES, tables, strict=True):
            assert_values(name, r, grid_values(name, r.template, table))


def test_scanned_pdf_has_no_text_layer(pair):
    with pdfplumber.open(io.BytesIO(render_scanned_pdf(pair[1]))) as pdf:
        assert len(pdf.pages) >= 2
        assert all(not page.chars for page in pdf.pages)
        assert all(page.images for page in pdf.pages)


def test_docx_has_real_merged_cells(pair):
    for r in pair:
        d = docx.Document(io.BytesIO(render_docx(r)))
        assert d.paragraphs[0].text == r.title
        active, requests, review = d.tables
        assert requests.cell(0, 3).text == "申请人情况"
        assert requests.cell(0, 3)._tc is requests.cell(0, 9)._tc
        results = 22 if r.template == "2021" else 20
        assert requests.cell(5, 0)._tc is requests.cell(5 + results - 1, 0)._tc
        assert requests.cell(5, 0)._tc is not requests.cell(5 + results, 0)._tc
        assert review.cell(1, 0)._tc is review.cell(2, 0)._tc
        numbers = [parse_number(c.text) for c in review.rows[3].cells]
        assert numbers == list(r.tables["review_litigation"].values())
        assert active.cell(0, 0)._tc is active.cell(0, 3)._tc
        with zipfile.ZipFile(io.BytesIO(render_docx(r))) as z:
            assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_xlsx_has_merged_ranges_and_numbers(pair):
    for r in pair:
        wb = openpyxl.load_workbook(io.BytesIO(render_xlsx(r)))
        assert wb.sheetnames[0] == "正文"
        assert wb["正文"]["A1"].value == r.title
        requests = wb["依申请公开"]
        merged = {str(m) for m in requests.merged_cells.ranges}
        assert {"A1:C3", "D1:J1", "D2:D3", "E2:I2", "J2:J3"} <= merged
        review = wb["复议诉讼"]
        shown = [parse_number(str(c.value) if c.value is not None else "") for c in review[4]]
        assert shown == list(r.tables["review_litigation"].values())
        assert isinstance(requests["J4"].value, int)


def test_doc_conversion_is_cached(pair, tmp_path, monkeypatch):
    if doc_module.soffice_path() is None:
        pytest.skip("LibreOffice is not installed")
    monkeypatch.setenv("GOVCRAWL_CACHE", str(tmp_path))
    r = pair[1]
    data = render_doc(r)
    assert data[:8] == bytes.fromhex("d0cf11e0a1b11ae1")  # OLE2 compound file
    assert r.agency.encode("utf-16-le") in data
    assert len(list((tmp_path / "doc").glob("*.doc"))) == 1
    monkeypatch.setattr(doc_module, "soffice_path", lambda: None)
    assert render_doc(r) == data
