"""The seeds rebuilt as the HTML pages they were captured from (see `clean_pages`)."""

from __future__ import annotations

from clean_pages import hanweb_page, paragraphs_html, table_html, trs_page
from clean_support import seed_path

from govcrawl.clean.text import split_row


def _pipe_table(rows: list[list[str]]) -> str:
    """HTML for flattened rows: trailing empty cells become the colspan of the cell before."""
    html_rows = []
    for row in rows:
        cells: list[tuple[str, int, int]] = []
        for text in row:
            if not text and cells:
                last = cells[-1]
                cells[-1] = (last[0], last[1], last[2] + 1)
            else:
                cells.append((text, 1, 1))
        html_rows.append(cells)
    return table_html(html_rows)


REVIEW_2021 = table_html(
    [
        [("行政复议", 1, 5), ("行政诉讼", 1, 10)],
        [
            ("结果维持", 2, 1),
            ("结果纠正", 2, 1),
            ("其他结果", 2, 1),
            ("尚未审结", 2, 1),
            ("总计", 2, 1),
            ("未经复议直接起诉", 1, 5),
            ("复议后起诉", 1, 5),
        ],
        [(t, 1, 1) for t in ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2],
        [("0", 1, 1)] * 15,
    ]
)


def layout_seed_page(prefix: str) -> str:
    """Seeds 000/003: TRS article, body paragraphs inside nested layout tables."""
    lines = seed_path(prefix).read_text(encoding="utf-8").splitlines()
    title = lines[1 if prefix == "000" else 3].strip(" |")
    body = [
        line.strip(" |")
        for line in lines
        if line.strip(" |")
        and "|" not in line.strip(" |")
        and line.strip(" |") != title
        and not line.startswith("| ")
    ]
    editor = "市水务局" if prefix == "000" else "马洁"
    return trs_page(title, paragraphs_html(body), editor)


def hanweb_seed_page() -> str:
    """Seed 001: Hanweb article whose tables are real HTML tables, login box around it."""
    lines = seed_path("001").read_text(encoding="utf-8").splitlines()
    title, body_lines = lines[0], lines[1:48]
    parts: list[str] = []
    rows: list[list[str]] = []
    for line in body_lines:
        cells = split_row(line)
        if cells is not None:
            rows.append(cells)
            continue
        if rows:
            parts.append(REVIEW_2021 if len(rows[0]) > 10 else _pipe_table(rows))
            rows = []
        parts.append(paragraphs_html([line]))
    return hanweb_page(title, "\n".join(parts))
