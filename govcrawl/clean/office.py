"""Legacy and spreadsheet formats: DOC/WPS through LibreOffice, XLSX and XLS directly.

DOC and WPS (Kingsoft's Word-compatible format, common on county portals) are converted to
DOCX by a headless LibreOffice and then read like any DOCX. Each conversion gets its own
temporary profile directory: concurrent soffice processes sharing a profile block each other.
Spreadsheets become one table per sheet, merged ranges becoming spans.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import BinaryIO

import openpyxl
import xlrd

from govcrawl.clean.grid import GridBuilder, compact
from govcrawl.clean.sniff import as_stream
from govcrawl.document import Block, Paragraph, Table

SOFFICE_TIMEOUT = 120
SOFFICE_LIMITS = (f"--as={2 << 30}", f"--cpu={SOFFICE_TIMEOUT}", f"--fsize={512 << 20}")
"""Address space, CPU seconds and file size for soffice, set by util-linux `prlimit` (not a
`preexec_fn`: conversions run in worker threads, where preexec_fn can deadlock)."""


class ConversionError(RuntimeError):
    """LibreOffice is missing or could not convert the file."""


def soffice_to_docx(body: bytes, suffix: str) -> bytes:
    """DOCX bytes converted from a DOC/WPS/RTF payload by headless LibreOffice."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise ConversionError("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="govcrawl-soffice-") as tmp:
        work = Path(tmp)
        source = work / f"input.{suffix}"
        source.write_bytes(body)
        out = work / "out"
        prlimit = shutil.which("prlimit")
        args = [
            *([prlimit, *SOFFICE_LIMITS, "--"] if prlimit else []),
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx",
            "--outdir",
            str(out),
            str(source),
        ]
        try:
            result = subprocess.run(args, capture_output=True, timeout=SOFFICE_TIMEOUT, check=False)
        except subprocess.TimeoutExpired as exc:
            raise ConversionError(f"soffice timed out after {SOFFICE_TIMEOUT}s") from exc
        target = out / "input.docx"
        if not target.exists():
            detail = result.stderr.decode("utf-8", "replace").strip()[:300]
            raise ConversionError(f"soffice produced no DOCX (exit {result.returncode}): {detail}")
        return target.read_bytes()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def xlsx_blocks(body: bytes | BinaryIO) -> list[Block]:
    """One sheet-name paragraph and one table per non-empty worksheet."""
    workbook = openpyxl.load_workbook(as_stream(body), data_only=True)
    blocks: list[Block] = []
    for sheet in workbook.worksheets:
        merged = {
            (rng.min_row, rng.min_col): (
                rng.max_row - rng.min_row + 1,
                rng.max_col - rng.min_col + 1,
            )
            for rng in sheet.merged_cells.ranges
        }
        covered = {
            (r, c)
            for rng in sheet.merged_cells.ranges
            for r in range(rng.min_row, rng.max_row + 1)
            for c in range(rng.min_col, rng.max_col + 1)
        } - set(merged)
        builder = GridBuilder()
        for row in sheet.iter_rows():
            for cell in row:
                key = (cell.row, cell.column)
                if key in covered or (cell.value is None and key not in merged):
                    continue
                rows, cols = merged.get(key, (1, 1))
                builder.place(_cell_text(cell.value), cell.row - 1, cell.column - 1, rows, cols)
        _append_sheet(blocks, sheet.title, builder.table("xlsx"))
    return blocks


def xls_blocks(body: bytes) -> list[Block]:
    """Like `xlsx_blocks` for BIFF .xls workbooks (xlrd needs formatting_info for merges)."""
    book = xlrd.open_workbook(file_contents=body, formatting_info=True)
    blocks: list[Block] = []
    for sheet in book.sheets():
        merged = {(rlo, clo): (rhi - rlo, chi - clo) for rlo, rhi, clo, chi in sheet.merged_cells}
        covered = {
            (r, c)
            for rlo, rhi, clo, chi in sheet.merged_cells
            for r in range(rlo, rhi)
            for c in range(clo, chi)
        } - set(merged)
        builder = GridBuilder()
        for r in range(sheet.nrows):
            for c in range(sheet.ncols):
                text = _cell_text(sheet.cell_value(r, c)).strip()
                if (r, c) in covered or (not text and (r, c) not in merged):
                    continue
                rows, cols = merged.get((r, c), (1, 1))
                builder.place(text, r, c, rows, cols)
        _append_sheet(blocks, sheet.name, builder.table("xls"))
    return blocks


_DEFAULT_SHEET = re.compile(r"^(?:sheet|工作表)\s*\d*$", re.I)


def _append_sheet(blocks: list[Block], name: str, table: Table) -> None:
    """Add a sheet's table, preceded by its name unless that is a default like 'Sheet1'."""
    if not any(cell.text for cell in table.cells):
        return
    if not _DEFAULT_SHEET.match(name.strip()):
        blocks.append(Paragraph(name))
    blocks.append(compact(table))
