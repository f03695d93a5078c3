"""DOCX → blocks, paragraphs and tables in body order with merged cells kept as spans.

python-docx's `Table.cell()` hands a merged cell back once per grid column it covers, which
is how spans get lost (or labels duplicated) downstream. We read the `<w:tc>` elements
instead — each exists once — and take the span from `gridSpan` (columns) and `vMerge`
(``restart`` opens a vertical merge, a bare ``vMerge`` continues the cell above).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

import docx
from docx.oxml.ns import qn
from lxml import etree

from govcrawl.clean.grid import GridBuilder
from govcrawl.clean.sniff import as_stream
from govcrawl.clean.text import superscript
from govcrawl.clean.title import is_report_title, leading_title
from govcrawl.document import Block, Cell, Paragraph, Table

_RUN_TEXT = {qn("w:tab"): "\t", qn("w:br"): "\n", qn("w:cr"): "\n"}


class DocxError(ValueError):
    """The payload is not a readable DOCX package."""


def _raised(node: etree._Element) -> bool:
    """True for text in a run formatted superscript (`<w:vertAlign w:val="superscript"/>`)."""
    run = node.getparent()
    if run is None or run.tag != qn("w:r"):
        return False
    align = run.find(f"{qn('w:rPr')}/{qn('w:vertAlign')}")
    return align is not None and align.get(qn("w:val")) == "superscript"


def _text(el: etree._Element) -> str:
    """Text of a paragraph or cell: runs joined, one newline between paragraphs.

    A superscript run (a footnote mark after a number) is written in superscript characters,
    so that it does not become a digit of the number.
    """
    paragraphs = el.iter(qn("w:p")) if el.tag != qn("w:p") else [el]
    lines = []
    for p in paragraphs:
        parts = []
        for node in p.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")):
            text = _RUN_TEXT.get(node.tag, node.text or "")
            parts.append(superscript(text) if _raised(node) else text)
        lines.append("".join(parts))
    return "\n".join(lines)


def _int_attr(el: etree._Element | None, default: int = 0) -> int:
    if el is None:
        return default
    try:
        return int(el.get(qn("w:val")))
    except (TypeError, ValueError):
        return default


def docx_table(tbl: etree._Element) -> Table:
    """Grid of one `<w:tbl>`: gridBefore/gridSpan give columns, vMerge gives row spans."""
    builder = GridBuilder()
    open_merge: dict[int, Cell] = {}
    rows = tbl.findall(qn("w:tr"))
    pending: list[Cell] = []
    for r, tr in enumerate(rows):
        trpr = tr.find(qn("w:trPr"))
        col = _int_attr(trpr.find(qn("w:gridBefore")) if trpr is not None else None)
        for tc in tr.iter(qn("w:tc")):
            if tc.getparent() is not tr and tc.getparent().tag != qn("w:sdtContent"):
                continue
            tcpr = tc.find(qn("w:tcPr"))
            span = _int_attr(tcpr.find(qn("w:gridSpan")) if tcpr is not None else None, 1)
            vmerge = tcpr.find(qn("w:vMerge")) if tcpr is not None else None
            if (
                vmerge is not None
                and vmerge.get(qn("w:val")) in (None, "continue")
                and col in open_merge
            ):
                open_merge[col].rowspan += 1
            else:
                cell = Cell(_text(tc), r, col, 1, max(1, span))
                pending.append(cell)
                if vmerge is not None:
                    open_merge[col] = cell
                else:
                    open_merge.pop(col, None)
            col += max(1, span)
    for cell in pending:
        builder.place(cell.text, cell.row, cell.col, cell.rowspan, cell.colspan)
    return builder.table("docx")


def _body_children(parent: etree._Element) -> Iterator[etree._Element]:
    """Body-level paragraphs and tables, looking inside content controls (<w:sdt>)."""
    for child in parent.iterchildren():
        if child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _body_children(content)
        else:
            yield child


def docx_blocks(body: bytes | BinaryIO) -> tuple[list[Block], str | None]:
    """(blocks, title) of a DOCX payload; the title is the first Title/Heading-styled paragraph
    that reads as a report title, else found as in a PDF (`clean.title`): agencies style their
    red head or an attachment marker as a heading as often as the title."""
    try:
        document = docx.Document(as_stream(body))
    except Exception as exc:  # python-docx raises several unrelated types for bad packages
        raise DocxError(f"{type(exc).__name__}: {exc}") from exc
    blocks: list[Block] = []
    title = None
    for child in _body_children(document.element.body):
        if child.tag == qn("w:p"):
            text = _text(child).strip()
            if not text:
                continue
            blocks.extend(Paragraph(line.strip()) for line in text.splitlines() if line.strip())
            style = child.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
            name = (style.get(qn("w:val")) or "") if style is not None else ""
            styled = "Title" in name or name.startswith("Heading1") or name == "1"
            if title is None and styled and is_report_title(text):
                title = text
        elif child.tag == qn("w:tbl"):
            table = docx_table(child)
            if any(cell.text for cell in table.cells):
                blocks.append(table)
    return blocks, title or leading_title(blocks)
