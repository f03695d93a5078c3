"""Legacy and spreadsheet formats: DOC/WPS through LibreOffice, XLSX and XLS directly.

DOC and WPS (Kingsoft's Word-compatible format, common on county portals) are converted to
DOCX by a headless LibreOffice and then read like any DOCX. Each conversion gets its own
temporary profile directory: concurrent soffice processes sharing a profile block each other.
Spreadsheets become paragraphs and tables, merged ranges becoming spans: a sheet may hold one
table or a whole report, its tables separated by blank rows and headings.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import openpyxl
import xlrd

from govcrawl.clean.grid import GridBuilder, compact
from govcrawl.clean.sniff import as_stream
from govcrawl.document import Block, Paragraph

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


@dataclass(frozen=True)
class _Placed:
    """A sheet cell kept for the grid: text, 0-based origin and merge spans."""

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


def xlsx_blocks(body: bytes | BinaryIO) -> list[Block]:
    """Per non-empty worksheet its name, then its paragraphs and tables (see `_sheet_blocks`)."""
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
        placed = [
            _Placed(_cell_text(cell.value), cell.row - 1, cell.column - 1, *spans)
            for row in sheet.iter_rows()
            for cell in row
            if (key := (cell.row, cell.column)) not in covered
            and (cell.value is not None or key in merged)
            for spans in [merged.get(key, (1, 1))]
        ]
        blocks.extend(_sheet_blocks(sheet.title, placed, "xlsx"))
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
        placed = [
            _Placed(text, r, c, *merged.get((r, c), (1, 1)))
            for r in range(sheet.nrows)
            for c in range(sheet.ncols)
            if (r, c) not in covered
            and ((text := _cell_text(sheet.cell_value(r, c)).strip()) or (r, c) in merged)
        ]
        blocks.extend(_sheet_blocks(sheet.name, placed, "xls"))
    return blocks


_DEFAULT_SHEET = re.compile(r"^(?:sheet|工作表)\s*\d*$", re.I)


def _sheet_blocks(name: str, placed: list[_Placed], source: str) -> list[Block]:
    """A sheet's name (unless a default like 'Sheet1'), then the blocks of its runs of rows."""
    blocks = [block for run in _runs(placed) for block in _run_blocks(run, source)]
    if blocks and not _DEFAULT_SHEET.match(name.strip()):
        blocks.insert(0, Paragraph(name))
    return blocks


def _runs(placed: list[_Placed]) -> list[list[_Placed]]:
    """The non-empty cells in reading order, grouped by runs of rows that no blank row cuts (a
    merge holds the rows it spans together)."""
    runs: list[list[_Placed]] = []
    end = -2
    for cell in sorted(placed, key=lambda c: (c.row, c.col)):
        if not (cell.text or cell.rowspan > 1 or cell.colspan > 1):
            continue
        if cell.row > end + 1:
            runs.append([])
        runs[-1].append(cell)
        end = max(end, cell.row + cell.rowspan - 1)
    return runs


_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?$")


def _text_row(cells: list[_Placed]) -> bool:
    """A row holding one unmerged cell of text: a title, heading, sentence, or a table's label
    whose values are all blank."""
    return len(cells) == 1 and cells[0].rowspan == cells[0].colspan == 1 and bool(cells[0].text)


def _run_blocks(run: list[_Placed], source: str) -> list[Block]:
    """A run of rows as paragraphs and tables.

    One sheet may hold a whole report: title, section headings and the three tables one below
    the other, set apart by blank rows or only by heading rows. A text row is a label inside the
    open table when the next table row holds a number (more data follows) or a merge from above
    spans it; otherwise it is text, and it closes the open table. Merged one-cell rows (a group
    heading such as 第二十条第（一）项 spanning the table) are table rows; a table that is one
    cell is text.
    """
    by_row: dict[int, list[_Placed]] = {}
    for cell in run:
        by_row.setdefault(cell.row, []).append(cell)
    rows = sorted(by_row)
    held = {r for c in run for r in range(c.row + 1, c.row + c.rowspan)}
    texts = {r for r in rows if _text_row(by_row[r]) and r not in held}
    blocks: list[Block] = []
    table: list[_Placed] = []
    for i, row in enumerate(rows):
        if row in texts:
            following = next((r for r in rows[i + 1 :] if r not in texts), None)
            data_follows = following is not None and any(
                _NUMBER.match(c.text) for c in by_row[following]
            )
            if not (table and data_follows):
                blocks.extend(_table_blocks(table, source))
                blocks.append(Paragraph(by_row[row][0].text))
                table = []
                continue
        table.extend(by_row[row])
    blocks.extend(_table_blocks(table, source))
    return blocks


def _table_blocks(cells: list[_Placed], source: str) -> list[Block]:
    """The cells as a table, or as paragraphs when they are one cell (a merged title)."""
    if len(cells) <= 1:
        return [Paragraph(c.text) for c in cells if c.text]
    builder = GridBuilder()
    for cell in cells:
        builder.place(cell.text, cell.row, cell.col, cell.rowspan, cell.colspan)
    return [compact(builder.table(source))]
