"""Extraction benchmark: cost against trafilatura alone, cell accuracy, reports/s per format.

- `vs_trafilatura`: govcrawl clean+extract time per HTML report ÷ `trafilatura.extract` alone on
  the same decoded page (goal ≤ 1.5) — both measured here, in this process.
- `cell_accuracy`: share of ground-truth table cells extracted exactly, over generated reports
  rendered in every format (and per format in `cell_accuracy_by_format`). `pdf-lo` is the
  Word document exported to PDF by LibreOffice, the way most report PDFs reach portals: its
  glyph boxes cross ruling lines and its rows break across pages, which the born-digital
  `pdf` (reportlab) never does.
- `reports_per_s`: per format, for orientation only (not a goal).
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import trafilatura

from bench.common import write_result
from govcrawl.demo_farm.render import (
    render_doc,
    render_docx,
    render_html_body,
    render_pdf,
    render_txt,
    render_xlsx,
)
from govcrawl.demo_farm.reports import generate_reports
from govcrawl.document import Source
from govcrawl.process import process_source

N_REPORTS = 24

FORMATS: dict[str, tuple[str, Callable[[Any], bytes]]] = {
    "html": ("text/html; charset=utf-8", lambda r: _page(r).encode("utf-8")),
    "pdf": ("application/pdf", render_pdf),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        render_docx,
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", render_xlsx),
    "txt": ("text/plain; charset=utf-8", lambda r: render_txt(r, style="tab").encode("utf-8")),
    "doc": ("application/msword", render_doc),
    "pdf-lo": ("application/pdf", lambda r: _office_pdf(render_docx(r), "docx")),
}
SLOW_FORMATS = ("doc", "pdf-lo")
"""Rendered through LibreOffice (about a second each): a few reports only."""


def _page(report: Any) -> str:
    return (
        f"<html><head><meta charset='utf-8'><title>{report.title}</title></head><body>"
        f"<h1>{report.title}</h1>{render_html_body(report)}</body></html>"
    )


def _office_pdf(body: bytes, suffix: str) -> bytes:
    """The PDF LibreOffice exports of a DOCX/XLSX: how Word/WPS reports reach portals."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"report.{suffix}"
        path.write_bytes(body)
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless",
             "--convert-to", "pdf", "--outdir", tmp, str(path)],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        return path.with_suffix(".pdf").read_bytes()


def exact_cells(report: Any, record: dict[str, Any]) -> tuple[int, int]:
    """(ground-truth table values the record has exactly, all of them)."""
    cells = exact = 0
    for table, values in report.tables.items():
        got = record["tables"].get(table, {})
        for key, value in values.items():
            cells += 1
            exact += got.get(key, "absent") == value
    return exact, cells


def _best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    reports = generate_reports(7, N_REPORTS)
    pages = [_page(r) for r in reports]
    sources = [
        Source(url=f"http://127.0.0.1/r{i}.html", body=p.encode(), content_type="text/html")
        for i, p in enumerate(pages)
    ]
    ours = _best_of(lambda: [process_source(s) for s in sources])
    theirs = _best_of(lambda: [trafilatura.extract(p) for p in pages])

    cells = exact = 0
    per_format: dict[str, float] = {}
    accuracy: dict[str, float] = {}
    for fmt, (content_type, render) in FORMATS.items():
        subset = reports[:4] if fmt in SLOW_FORMATS else reports
        docs = [
            (
                r,
                Source(
                    url=f"http://127.0.0.1/r{i}.{fmt}",
                    body=render(r),
                    content_type=content_type,
                    kind="attachment",
                ),
            )
            for i, r in enumerate(subset)
        ]
        start = time.perf_counter()
        records = [(r, process_source(s)) for r, s in docs]
        per_format[fmt] = round(len(docs) / (time.perf_counter() - start), 2)
        hits = [exact_cells(report, record) for report, record in records]
        accuracy[fmt] = round(sum(h for h, _ in hits) / sum(n for _, n in hits), 5)
        exact += sum(h for h, _ in hits)
        cells += sum(n for _, n in hits)

    write_result(
        "extract",
        {
            "vs_trafilatura": round(ours / theirs, 3),
            "vs_trafilatura_goal": 1.5,
            "cell_accuracy": round(exact / cells, 5),
            "cells": cells,
            "cell_accuracy_by_format": accuracy,
            "reports_per_s": per_format,
            "html_reports": len(pages),
        },
    )
