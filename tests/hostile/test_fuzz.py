"""Fuzzing clean+extract: mutated HTML, PDF and DOCX never raise anything but CleanError.

Inputs start from a generated report rendered by the demo farm (so the readers get deep into
their real code paths), then are cut short, have bytes overwritten, or (HTML) get deeply nested
or unclosed tags spliced in. Hypothesis' per-example `deadline` flags a document that takes
far too long (a hang, not a performance threshold); pytest-timeout stops a true hang.

OCR is switched off here: a flipped byte in a font makes a page look scanned, and tesseract
then takes tens of seconds per page (bounded by its own timeout in `govcrawl.clean.ocr`); the
fuzzing is about the parsers.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta
from functools import lru_cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import govcrawl.clean.pdf
from govcrawl.clean import CleanError
from govcrawl.demo_farm.render import render_docx, render_html_body, render_pdf
from govcrawl.demo_farm.reports import GeneratedReport, generate_reports
from govcrawl.document import Source
from govcrawl.process import process_source

FUZZ = settings(
    max_examples=30,
    deadline=timedelta(seconds=10),
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,  # the no-OCR patch is the same for every example
    ],
    derandomize=True,
)


@lru_cache(maxsize=1)
def report() -> GeneratedReport:
    return generate_reports(7, 1)[0]


@lru_cache(maxsize=1)
def seeds() -> dict[str, bytes]:
    html = f"<html><head><meta charset='utf-8'><title>{report().title}</title></head><body>"
    html += render_html_body(report(), variant=0) + "</body></html>"
    return {"html": html.encode(), "pdf": render_pdf(report()), "docx": render_docx(report())}


@pytest.fixture(autouse=True)
def no_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(govcrawl.clean.pdf, "tesseract_available", lambda: False)


@st.composite
def mutated(draw: st.DrawFn, fmt: str) -> bytes:
    data = bytearray(seeds()[fmt])
    for pos, value in draw(
        st.lists(st.tuples(st.integers(0, len(data) - 1), st.integers(0, 255)), max_size=24)
    ):
        data[pos] = value
    if fmt == "html" and draw(st.booleans()):
        depth = draw(st.integers(1, 2000))
        tag = draw(st.sampled_from(["div", "table", "td", "tr", "span", "p", "font"]))
        at = draw(st.integers(0, len(data)))
        data[at:at] = (f"<{tag}>" * depth).encode()
    cut = draw(st.integers(0, len(data)))
    return bytes(data[:cut] if draw(st.booleans()) else data)


def run(body: bytes, content_type: str, name: str) -> None:
    url = f"http://127.0.0.1:8101/{name}"
    source = Source(url=url, body=body, content_type=content_type, final_url=url, filename=name)
    with contextlib.suppress(CleanError):
        process_source(source)


@pytest.mark.timeout(600)
@FUZZ
@given(mutated("html"))
def test_mutated_html(body: bytes) -> None:
    run(body, "text/html; charset=utf-8", "report.html")


@pytest.mark.timeout(600)
@FUZZ
@given(mutated("pdf"))
def test_mutated_pdf(body: bytes) -> None:
    run(body, "application/pdf", "report.pdf")


@pytest.mark.timeout(600)
@FUZZ
@given(mutated("docx"))
def test_mutated_docx(body: bytes) -> None:
    content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    run(body, content_type, "report.docx")
