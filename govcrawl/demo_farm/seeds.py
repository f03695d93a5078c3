"""The five real seed pages, rebuilt so the farm can serve them the way they were found.

The seeds (`assets/seeds/*.txt`) are what a naive extractor produced from real report pages:
layout tables flattened to '|' runs (000, 003), HTML tables flattened to ' | ' rows (001),
a Word export with tab-separated grids (002) and a doc-share mirror page (004). This module
splits each text into body blocks, statistical tables and site chrome (`noise`), and rebuilds
the tables as span grids by aligning the seed's rows with the official template layout — so
the cells keep the seed's exact wording while the spans come from the template.

What the text cannot tell (which site a page lived on, the reporting agency when the title
does not name it, the expected flags) is recorded as human labels in `_LABELS`; the tests
check those labels against the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from html import escape
from pathlib import Path
from typing import Literal

from govcrawl.demo_farm.render.layout import (
    Style,
    TableLayout,
    active_layout,
    requests_layout,
    review_layout,
)
from govcrawl.demo_farm.reports import Number, request_columns, request_rows, template_for_year

SEED_DIR = Path(__file__).resolve().parent / "assets" / "seeds"

_CHROME = re.compile(
    r"^(当前位置|责任编辑|分享到|\[ ?打印本页|打印本页|关闭窗口|账号\+密码登录|手机\+密码登录"
    r"|还没有账号|立即注册|整理文档很辛苦|免费阅读已结束|阅读已结束|资源描述$|\d+ / \d+$|下载文档"
    r"|©|备案号|×$|保存成功)"
)
_HEADING = re.compile(r"^[一二三四五六七八九十]、\S{2,30}$")
_NUMBER = re.compile(r"^[+\-]?\d[\d,]*(\.\d+)?$")
_AMOUNT_KEYS = ("amount_10k_yuan", "purchase_amount")


@dataclass(frozen=True)
class _Label:
    site: str
    agency: str | None
    year: int | None
    annual_report: bool
    flags: tuple[str, ...]


# Human labels: where each page lived, who reported for which year, the expected flags.
_LABELS = {
    "000": _Label("trs", "定西市水务局", 2023, True, ("tables_missing",)),
    "001": _Label("hanweb", "西华池镇人民政府", 2022, True, ("table_misplaced",)),
    "002": _Label("vsb", "盐池县水务局", 2020, True, ()),
    "003": _Label("trs", "定西市人民政府", 2020, True, ("tables_missing",)),
    "004": _Label(
        "mirror",
        "水务局",
        2021,
        False,
        ("placeholder_text", "preview_truncated", "not_annual_report"),
    ),
}


@dataclass(frozen=True)
class SeedCell:
    """An origin cell of a rebuilt table."""

    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class SeedTable:
    """A statistical table as HTML rows of origin cells (spans as the template merges them)."""

    name: str
    rows: tuple[tuple[SeedCell, ...], ...]
    values: dict[str, Number]


@dataclass(frozen=True)
class SeedBlock:
    """Body content in reading order; `table` indexes `SeedPage.tables`."""

    kind: Literal["heading", "paragraph", "table"]
    text: str = ""
    table: int | None = None


@dataclass(frozen=True)
class SeedPage:
    """One seed page: body blocks, rebuilt tables and the chrome lines seen around them."""

    seed_id: str
    filename: str
    site: str
    layout: Literal["layout_tables", "pipe", "tab", "mirror"]
    title: str
    agency: str | None
    year: int | None
    blocks: tuple[SeedBlock, ...]
    tables: tuple[SeedTable, ...]
    noise: tuple[str, ...]


# ---------------------------------------------------------------------------------------
# parsing


def _layout_kind(raw: list[str]) -> Literal["layout_tables", "pipe", "tab", "mirror"]:
    """How the seed text was flattened, recognised from its own marks."""
    lines = [line.strip() for line in raw]
    if any(_CHROME.match(line) and "免费阅读" in line for line in lines):
        return "mirror"
    if any(re.fullmatch(r"\|{3,}", line) for line in lines):
        return "layout_tables"
    if any("\t" in line for line in raw):
        return "tab"
    return "pipe"


def _strip_layout(line: str) -> str:
    """Remove the '| ' … ' |' a flattened layout table leaves around a cell."""
    line = line.strip()
    line = re.sub(r"^\|\s*", "", line)
    line = re.sub(r"\s*\|$", "", line)
    return line.strip()


def _pipe_cells(line: str) -> list[str]:
    """Cells of a ' | '-flattened row; padding '|' runs become empty cells."""
    cells: list[str] = []
    for part in re.findall(r"[^|]*\|", line):
        cells.append(part[:-1].strip())
    return cells


def _table_kind(first_row: list[str]) -> str:
    head = "".join(first_row)
    if "第二十条" in head:
        return "active_disclosure"
    if "行政复议" in head:
        return "review_litigation"
    return "requests"


def _parse_value(key: str, text: str) -> Number:
    text = text.strip()
    if not _NUMBER.match(text):
        return None
    number = float(text.replace(",", ""))
    if key.endswith(_AMOUNT_KEYS):
        return number
    return int(number)


def _template_layout(
    name: str, template: str, style: Style, values: dict[str, Number] | None = None
) -> TableLayout:
    values = values or {}
    if name == "active_disclosure":
        return active_layout(template, values, style)
    if name == "requests":
        return requests_layout(template, values, style)
    return review_layout(values, style)


def _from_layout(name: str, layout: TableLayout, texts: dict[tuple[int, int], str]) -> SeedTable:
    """Attach the seed's cell texts to the template layout and read the numbers back."""
    rows: list[tuple[SeedCell, ...]] = []
    values: dict[str, Number] = {}
    for row in layout.rows():
        out: list[SeedCell] = []
        for cell in row:
            text = texts.get((cell.row, cell.col), cell.text)
            out.append(SeedCell(text, cell.rowspan, cell.colspan))
            if cell.key is not None:
                values[cell.key] = _parse_value(cell.key, text)
        rows.append(tuple(out))
    return SeedTable(name, tuple(rows), values)


def _align_rows(
    layout: TableLayout, rows: list[list[str]], *, positional: bool
) -> dict[tuple[int, int], str]:
    """Map seed cell texts onto layout origin cells.

    `positional` rows are full grids (tab export: position i is grid column i); otherwise a row
    lists its origin cells in order followed by padding (HTML-to-text dump).
    """
    if len(rows) != layout.n_rows:
        raise ValueError(f"{layout.name}: {len(rows)} rows, template has {layout.n_rows}")
    texts: dict[tuple[int, int], str] = {}
    for cells, origins in zip(rows, layout.rows(), strict=True):
        if positional:
            picked = [cells[c.col] if c.col < len(cells) else "" for c in origins]
            covered = {c.col for c in origins}
            stray = [t for i, t in enumerate(cells) if i not in covered and t]
            if stray:
                raise ValueError(f"{layout.name}: text {stray} under a spanned cell")
        else:
            picked = cells[: len(origins)]
            if any(cells[len(origins) :]):
                raise ValueError(f"{layout.name}: row has more cells than the template")
        for cell, text in zip(origins, picked, strict=False):
            texts[(cell.row, cell.col)] = text
    return texts


def _requests_from_tab(rows: list[list[str]], template: str, style: Style) -> SeedTable:
    """The tab export misplaces label cells in the requests table, so read numbers per row.

    Header rows are the first three; each data row must give the 7 numbers, except that a row
    of zeros which lost a cell in the export is still all zeros.
    """
    data_rows = request_rows(template)
    body = rows[3:]
    if len(body) != len(data_rows):
        raise ValueError(f"requests: {len(body)} data rows, template has {len(data_rows)}")
    values: dict[str, Number] = {}
    columns = request_columns()
    for rkey, cells in zip(data_rows, body, strict=True):
        numbers = [int(t.replace(",", "")) for t in cells if _NUMBER.match(t)]
        if len(numbers) < len(columns) and not any(numbers):
            numbers = [0] * len(columns)
        if len(numbers) != len(columns):
            raise ValueError(f"requests row {rkey}: {len(numbers)} numbers")
        values.update({f"{rkey}.{c}": n for c, n in zip(columns, numbers, strict=True)})
    layout = requests_layout(template, values, style)
    return _from_layout("requests", layout, {})


@cache
def _load(path: Path) -> SeedPage:
    seed_id = path.name.split("_", 1)[0]
    label = _LABELS[seed_id]
    raw = path.read_text(encoding="utf-8").splitlines()
    kind = _layout_kind(raw)
    template = template_for_year(label.year) if label.year else "2021"
    style = Style(
        half_width=True, commercial_label="商业机构" if "商业机构" in "".join(raw) else "商业企业"
    )

    noise: list[str] = []
    blocks: list[SeedBlock] = []
    tables: list[SeedTable] = []
    title = ""
    pending: list[list[str]] = []

    def flush() -> None:
        if not pending:
            return
        name = _table_kind(pending[0])
        layout = _template_layout(name, template, style)
        if name == "requests" and kind == "tab":
            table = _requests_from_tab(pending, template, style)
        else:
            table = _from_layout(
                name, layout, _align_rows(layout, pending, positional=kind == "tab")
            )
        blocks.append(SeedBlock("table", table=len(tables)))
        tables.append(table)
        pending.clear()

    for line in raw:
        if kind == "tab" and "\t" in line:
            cells = [c.strip() for c in line.split("\t")]
            if all(set(c) <= {"-"} for c in cells):
                continue  # a '---' rule row of the export, not content
            pending.append(cells)
            continue
        if kind == "pipe" and " |" in line:
            pending.append(_pipe_cells(line))
            continue
        text = _strip_layout(line) if kind == "layout_tables" else line.strip()
        if not text or set(text) <= {"|"}:
            continue
        if _CHROME.match(text):
            noise.append(text)
            continue
        flush()
        if not title:
            title = text
        elif _HEADING.match(text):
            blocks.append(SeedBlock("heading", text))
        else:
            blocks.append(SeedBlock("paragraph", text))
    flush()
    return SeedPage(
        seed_id=seed_id,
        filename=path.name,
        site=label.site,
        layout=kind,
        title=title,
        agency=label.agency,
        year=label.year,
        blocks=tuple(blocks),
        tables=tuple(tables),
        noise=tuple(noise),
    )


def load_seeds() -> list[SeedPage]:
    """All seed pages, ordered by seed id."""
    return [_load(path) for path in sorted(SEED_DIR.glob("*.txt"))]


def _seed(seed_id: str) -> SeedPage:
    for page in load_seeds():
        if page.seed_id == seed_id:
            return page
    raise KeyError(seed_id)


# ---------------------------------------------------------------------------------------
# HTML


def _table_html(table: SeedTable) -> str:
    rows = []
    for row in table.rows:
        cells = []
        for cell in row:
            attrs = ""
            if cell.rowspan > 1:
                attrs += f' rowspan="{cell.rowspan}"'
            if cell.colspan > 1:
                attrs += f' colspan="{cell.colspan}"'
            cells.append(f"<td{attrs}>{escape(cell.text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        '<table border="1" cellspacing="0" cellpadding="0"><tbody>'
        + "".join(rows)
        + "</tbody></table>"
    )


def _blocks_html(page: SeedPage) -> list[str]:
    out: list[str] = []
    for block in page.blocks:
        if block.kind == "table" and block.table is not None:
            out.append(_table_html(page.tables[block.table]))
        elif block.kind == "heading":
            out.append(f"<p><strong>{escape(block.text)}</strong></p>")
        else:
            out.append(f"<p>{escape(block.text)}</p>")
    return out


def seed_body_html(seed: SeedPage) -> str:
    """The report body as HTML in the layout the seed came from (no title, no chrome)."""
    body = "\n".join(_blocks_html(seed))
    if seed.layout == "layout_tables":
        # TRS articles of that generation put the text in a cell of nested layout tables.
        return (
            '<table width="100%" border="0" cellspacing="0" cellpadding="0"><tr><td>'
            '<table width="96%" border="0" align="center" cellspacing="0" cellpadding="0">'
            '<tr><td height="10"></td></tr><tr><td class="bt_content">\n'
            f'{body}\n</td></tr><tr><td height="10"></td></tr></table></td></tr></table>'
        )
    if seed.layout == "mirror":
        return f'<div class="doc-text">\n{body}\n</div>'
    return body


# ---------------------------------------------------------------------------------------
# truth


def seed_truth(seed_id: str) -> dict:
    """What a perfect extractor returns for a seed page.

    The title loses the stray spaces of the Word export ('盐池县水务局 2020 年…'); tables hold
    only what the page really carries (001: section 三 repeats section 二's table, so its
    requests table is absent; 000/003: no tables at all).
    """
    page = _seed(seed_id)
    label = _LABELS[seed_id]
    tables: dict[str, dict[str, Number]] = {}
    for table in page.tables:
        tables.setdefault(table.name, dict(table.values))  # a copy: the page is cached
    return {
        "seed": seed_id,
        "site": label.site,
        "title": re.sub(r"\s+", "", page.title),
        "agency": label.agency,
        "year": label.year,
        "template": template_for_year(label.year) if label.annual_report and label.year else None,
        "tables": tables,
        "flags": list(label.flags),
    }
