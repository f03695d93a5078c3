"""HTML body of a report, as a CMS editor (TRS, Hanweb, VSB) stores it.

Only the article body: the sites wrap it in their own chrome. Variants change markup the way
different editors do (wrapped cell contents, inline styles, <br> inside labels, heading
tags) so that the cleaner is tested on markup noise, not on one house style.
"""

from __future__ import annotations

from html import escape

from govcrawl.demo_farm.render.layout import (
    Block,
    LayoutCell,
    Style,
    TableLayout,
    document_blocks,
    style_for,
)
from govcrawl.demo_farm.reports import GeneratedReport

_CELL_STYLE = (
    ' style="border:1px solid #000000;text-align:center;vertical-align:middle;padding:2px"'
)
_P_STYLE = ' style="text-indent:2em;line-height:1.75em"'


def _cell_html(cell: LayoutCell, st: Style) -> str:
    inner = "<br>".join(escape(part) for part in cell.text.split("\n"))
    if st.cell_wrap == "p":
        inner = f"<p>{inner}</p>"
    elif st.cell_wrap == "span":
        inner = f'<span style="font-size:14px">{inner}</span>'
    elif st.cell_wrap == "p_span":
        inner = f'<p style="text-align:center"><span style="font-family:宋体">{inner}</span></p>'
    attrs = ""
    if cell.rowspan > 1:
        attrs += f' rowspan="{cell.rowspan}"'
    if cell.colspan > 1:
        attrs += f' colspan="{cell.colspan}"'
    if st.styled:
        attrs += _CELL_STYLE
    return f"<td{attrs}>{inner}</td>"


def table_html(table: TableLayout, st: Style) -> str:
    """One table with the template's rowspan/colspan."""
    attrs = ' border="1" cellspacing="0" cellpadding="0"'
    if st.styled:
        attrs += ' style="border-collapse:collapse;width:100%"'
    rows = "".join(
        "<tr>" + "".join(_cell_html(cell, st) for cell in row) + "</tr>" for row in table.rows()
    )
    return f"<table{attrs}><tbody>{rows}</tbody></table>"


def heading_html(text: str, st: Style) -> str:
    """A section heading in the style's markup."""
    if st.heading_tag == "h3":
        return f"<h3>{escape(text)}</h3>"
    if st.heading_tag == "strong":
        return f"<p{_P_STYLE if st.styled else ''}><strong>{escape(text)}</strong></p>"
    return f"<p>{escape(text)}</p>"


def paragraph_html(text: str, st: Style) -> str:
    return f"<p{_P_STYLE if st.styled else ''}>{escape(text)}</p>"


def blocks_html(blocks: list[Block], st: Style) -> str:
    """Blocks as an HTML fragment, one element per line."""
    out: list[str] = []
    for block in blocks:
        if block.kind == "table" and block.table is not None:
            out.append(table_html(block.table, st))
        elif block.kind in ("heading", "title"):
            out.append(heading_html(block.text, st))
        else:
            out.append(paragraph_html(block.text, st))
    return "\n".join(out)


def render_html_body(report: GeneratedReport, *, variant: int = 0) -> str:
    """The report body (no title, no chrome) as an HTML fragment in cosmetic `variant`."""
    st = style_for(report, variant)
    return blocks_html(document_blocks(report, st, title=False), st)
