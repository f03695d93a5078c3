"""Plain-text copies of a report, flattened the two ways real text dumps flatten tables.

`tab` follows seed 002 (a Word export: blank lines between paragraphs, table rows as
tab-separated grid positions with a spanned position left empty); `pipe` follows seed 001 (an
HTML-to-text dump: a row's own cells joined by ' | ', padded with bare '|' to the table width).
"""

from __future__ import annotations

from typing import Literal

from govcrawl.demo_farm.render.layout import Block, TableLayout, document_blocks, style_for
from govcrawl.demo_farm.reports import GeneratedReport


def _flat(text: str) -> str:
    return text.replace("\n", "")


def tab_table(table: TableLayout) -> list[str]:
    """Grid rows, tab-separated, origin text at its position and '' under spans."""
    return ["\t".join(_flat(cell.text) if cell else "" for cell in row) for row in table.grid()]


def pipe_row(texts: list[str], width: int) -> str:
    """'a | b | |||': each text followed by ' |', padding cells as bare '|'."""
    out = ""
    previous_filled = False
    for text in texts + [""] * (width - len(texts)):
        if text:
            out += (" " if out else "") + f"{text} |"
        else:
            out += " |" if previous_filled else "|"
        previous_filled = bool(text)
    return out


def pipe_table(table: TableLayout) -> list[str]:
    return [pipe_row([_flat(c.text) for c in row], table.n_cols) for row in table.rows()]


def blocks_txt(blocks: list[Block], style: Literal["tab", "pipe"]) -> str:
    lines: list[str] = []
    for block in blocks:
        if block.kind == "table" and block.table is not None:
            lines.extend(tab_table(block.table) if style == "tab" else pipe_table(block.table))
        else:
            lines.append(block.text)
        if style == "tab":
            lines.append("")
    return "\n".join(lines) + "\n"


def render_txt(report: GeneratedReport, *, style: Literal["tab", "pipe"] = "tab") -> str:
    """The whole report (title first) as text."""
    if style not in ("tab", "pipe"):
        raise ValueError(f"unknown text style {style!r}")
    st = style_for(report, 0)
    return blocks_txt(document_blocks(report, st, title=True), style)
