"""Spreadsheet copies of a report, as some agencies post their statistical tables.

Sheet 正文 holds the title and prose one paragraph per row; then one sheet per table with the
template's merged ranges. Numbers are stored as numbers, except signed changes ('+2') and
null spellings ('/'), which real sheets hold as text.
"""

from __future__ import annotations

import datetime
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Side
from openpyxl.xml.constants import ARC_CORE
from openpyxl.xml.functions import tostring

from govcrawl.demo_farm.render.docx import normalize_zip
from govcrawl.demo_farm.render.layout import TableLayout, document_blocks, style_for
from govcrawl.demo_farm.reports import GeneratedReport

SHEET_NAMES = {
    "active_disclosure": "主动公开",
    "requests": "依申请公开",
    "review_litigation": "复议诉讼",
}
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _write_table(ws, table: TableLayout) -> None:
    for cell in table.cells:
        target = ws.cell(row=cell.row + 1, column=cell.col + 1)
        plain_number = cell.numeric and cell.value is not None and not cell.text.startswith("+")
        target.value = cell.value if plain_number else cell.text
        target.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if cell.rowspan > 1 or cell.colspan > 1:
            ws.merge_cells(
                start_row=cell.row + 1,
                start_column=cell.col + 1,
                end_row=cell.row + cell.rowspan,
                end_column=cell.col + cell.colspan,
            )
    for row in ws.iter_rows(min_row=1, max_row=table.n_rows, max_col=table.n_cols):
        for c in row:
            c.border = _BORDER


def render_xlsx(report: GeneratedReport) -> bytes:
    """The report as XLSX; byte-identical for the same report."""
    wb = Workbook()
    stamp = datetime.datetime.combine(report.published, datetime.time(9, 0))
    wb.properties.creator = report.agency
    wb.properties.title = report.title
    wb.properties.created = stamp
    wb.properties.modified = stamp
    text = wb.active
    text.title = "正文"
    text.column_dimensions["A"].width = 120
    row = 1
    for block in document_blocks(report, style_for(report, 0), title=True):
        if block.kind == "table" and block.table is not None:
            ws = wb.create_sheet(SHEET_NAMES[block.table.name])
            _write_table(ws, block.table)
            text.cell(row=row, column=1, value=f"（见工作表“{ws.title}”）")
        else:
            text.cell(row=row, column=1, value=block.text)
        row += 1
    buf = io.BytesIO()
    wb.save(buf)  # stamps properties.modified with the current time
    wb.properties.modified = stamp
    core = tostring(wb.properties.to_tree())
    return normalize_zip(buf.getvalue(), replace={ARC_CORE: core})
