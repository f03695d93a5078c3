"""Property: any valid generated report, rendered in any format a portal serves, extracts back to
exactly the numbers it was generated with (issue 5's round trip, across stages)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govcrawl.demo_farm.render import (
    render_docx,
    render_html_body,
    render_pdf,
    render_txt,
    render_xlsx,
)
from govcrawl.demo_farm.reports import generate_reports
from govcrawl.document import Source
from govcrawl.process import process_source


def _html(report: Any) -> bytes:
    page = (
        f"<html><head><meta charset='utf-8'><title>{report.title}</title></head><body>"
        f"<h1>{report.title}</h1>{render_html_body(report, variant=report.style % 4)}</body></html>"
    )
    return page.encode("utf-8")


FORMATS: dict[str, tuple[str, Callable[[Any], bytes]]] = {
    "html": ("text/html; charset=utf-8", _html),
    "gbk-html": ("text/html; charset=gbk", lambda r: _html(r).decode().encode("gb18030")),
    "pdf": ("application/pdf", render_pdf),
    "docx": ("application/octet-stream", render_docx),
    "xlsx": ("application/octet-stream", render_xlsx),
    "txt-tab": ("text/plain; charset=utf-8", lambda r: render_txt(r, style="tab").encode()),
    "txt-pipe": ("text/plain; charset=utf-8", lambda r: render_txt(r, style="pipe").encode()),
}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=10**6))
def test_rendered_report_extracts_to_its_numbers(fmt: str, seed: int) -> None:
    [report] = generate_reports(seed, 1)
    content_type, render = FORMATS[fmt]
    record = process_source(
        Source(url=f"http://127.0.0.1/report.{fmt}", body=render(report), content_type=content_type)
    )
    assert record["tables"] == report.tables
    assert record["year"] == report.year and record["template"] == report.template
    assert ("check_failed" in record["flags"]) == report.broken
