"""Word copies of a report: DOCX via python-docx, DOC via LibreOffice.

The DOCX merges cells for real (`cell.merge`), producing the gridSpan/vMerge markup the
cleaner has to unfold. Its zip entries and core properties get fixed timestamps so the same
report always gives the same bytes — which is also what makes the DOC cache work.
"""

from __future__ import annotations

import datetime
import io
import zipfile

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from govcrawl.demo_farm.render.layout import TableLayout, document_blocks, style_for
from govcrawl.demo_farm.reports import GeneratedReport

_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def normalize_zip(data: bytes, replace: dict[str, bytes] | None = None) -> bytes:
    """Rewrite a zip (DOCX/XLSX) with fixed entry timestamps, keeping entry order.

    `replace` swaps the content of named entries (used for metadata a writer stamps with
    the current time).
    """
    replace = replace or {}
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_EPOCH)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, replace.get(info.filename) or src.read(info.filename))
    return out.getvalue()


def _add_table(doc: Document, table: TableLayout) -> None:
    t = doc.add_table(rows=table.n_rows, cols=table.n_cols)
    t.style = "Table Grid"
    # Snapshot the unmerged grid once: Table.cell() rescans the whole table on every call.
    flat = t._cells
    grid = [flat[r * table.n_cols : (r + 1) * table.n_cols] for r in range(table.n_rows)]
    size = Pt(9 if table.name != "active_disclosure" else 10.5)
    for cell in table.cells:
        para = grid[cell.row][cell.col].paragraphs[0]
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        lines = cell.text.split("\n")
        run = para.add_run(lines[0])
        run.font.size = size
        for line in lines[1:]:
            run.add_break()
            run = para.add_run(line)
            run.font.size = size
    # Merge after writing: merging keeps the origin's text and drops the empty covered cells.
    for cell in table.cells:
        if cell.rowspan > 1 or cell.colspan > 1:
            end = grid[cell.row + cell.rowspan - 1][cell.col + cell.colspan - 1]
            grid[cell.row][cell.col].merge(end)


def render_docx(report: GeneratedReport) -> bytes:
    """The report as DOCX with merged table cells; byte-identical for the same report."""
    doc = Document()
    stamp = datetime.datetime.combine(report.published, datetime.time(9, 0))
    props = doc.core_properties
    props.title = report.title
    props.author = report.agency
    props.last_modified_by = report.agency
    props.created = stamp
    props.modified = stamp
    props.revision = 1
    for block in document_blocks(report, style_for(report, 0), title=True):
        if block.kind == "table" and block.table is not None:
            _add_table(doc, block.table)
        elif block.kind == "title":
            para = doc.add_paragraph()
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = para.add_run(block.text)
            run.bold = True
            run.font.size = Pt(18)
        elif block.kind == "heading":
            run = doc.add_paragraph().add_run(block.text)
            run.bold = True
        else:
            para = doc.add_paragraph(block.text)
            para.paragraph_format.first_line_indent = Pt(24)
    buf = io.BytesIO()
    doc.save(buf)
    return normalize_zip(buf.getvalue())
