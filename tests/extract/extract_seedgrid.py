"""Turn a seed's naive text into a `CleanDocument`, the way a text-only cleaner would.

Runs of lines holding tabs (seed 002) or ` | ` separators (seed 001) become `Table`s of
one-cell-per-field rows without spans; a blank line ends a table, so seed 002's requests table
arrives in two parts as it would across a page break. Markdown rule lines (`---`) are dropped.
"""

from __future__ import annotations

import re
from pathlib import Path

from govcrawl.document import Cell, CleanDocument, Paragraph, Table

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
_RULE = re.compile(r"^[\s\t|-]*-{3}[\s\t|-]*$")


def seed_text(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text("utf-8")


def _fields(line: str, sep: str) -> list[str]:
    fields = [f.strip() for f in line.split(sep)]
    if sep == "|" and fields and fields[-1] == "":
        fields.pop()
    return fields


def text_doc(text: str, sep: str | None, title: str | None = None) -> CleanDocument:
    """Paragraphs and span-less tables; `sep` '\\t' or '|' marks table rows (None: no tables)."""
    blocks: list[Paragraph | Table] = []
    rows: list[list[str]] = []

    def flush() -> None:
        if rows:
            cells = [Cell(t, r, c) for r, row in enumerate(rows) for c, t in enumerate(row)]
            blocks.append(Table(cells=cells, source="text"))
            rows.clear()

    for line in text.splitlines():
        if _RULE.match(line) and "-" in line:
            continue
        if sep and sep in line:
            rows.append(_fields(line, sep))
            continue
        flush()
        if line.strip():
            blocks.append(Paragraph(line.strip()))
    flush()
    return CleanDocument(format="html", blocks=blocks, title=title)
