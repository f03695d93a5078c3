"""`govcrawl extract FILE…` prints one record per file on stdout, the same as the library."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from govcrawl.archive.writer import payload_digest
from govcrawl.demo_farm.render import render_docx
from govcrawl.demo_farm.reports import generate_reports
from govcrawl.process import process_source, source_from_file

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def _extract(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "govcrawl", "extract", *map(str, paths)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def test_extract_prints_a_record_per_file(tmp_path: Path) -> None:
    report = generate_reports(11, 1)[0]
    docx = tmp_path / "report.docx"
    docx.write_bytes(render_docx(report))
    seed = SEEDS / "002_fe67b7d78de9eed6.txt"
    done = _extract(docx, seed)
    assert done.returncode == 0, done.stderr
    first, second = (json.loads(line) for line in done.stdout.splitlines())
    assert first["source"]["format"] == "docx" and first["source"]["kind"] == "attachment"
    assert first["year"] == report.year and first["template"] == report.template
    assert first["tables"] == report.tables
    assert second["source"]["format"] == "txt" and second["year"] == 2020
    assert first == process_source(source_from_file(docx))
    # as a WARC copy of the same bytes would carry it, whatever the file's size
    assert first["source"]["payload_digest"] == payload_digest(io.BytesIO(docx.read_bytes()))


def test_extract_reports_a_broken_file_and_goes_on(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj <<>> endobj\n")  # no xref, no pages
    good = SEEDS / "000_b8b186e67de777d4.txt"
    done = _extract(broken, good)
    assert done.returncode == 1
    assert "broken.pdf" in done.stderr
    [record] = [json.loads(line) for line in done.stdout.splitlines()]
    assert "tables_missing" in record["flags"]
