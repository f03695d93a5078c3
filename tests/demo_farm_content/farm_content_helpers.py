"""Test-side readings of the spec and of rendered tables, written independently of the farm code.

The farm computes its ground truth with `govcrawl.demo_farm.reports`; these helpers recompute
keys and checks straight from report-tables.json and read numbers back out of HTML/PDF grids,
so a bug in the farm cannot hide behind the same bug in the test.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import lxml.html

ROOT = Path(__file__).resolve().parents[2]
SPEC = json.loads((ROOT / "govcrawl" / "spec" / "report-tables.json").read_text(encoding="utf-8"))
NULLS = {"", "/", "-", "—", "无"}


def requests_rows(template: str) -> list[str]:
    rows = list(SPEC["templates"]["2021"]["requests"]["rows"])
    if template == "2019":
        first = next(i for i, r in enumerate(rows) if r.startswith("result.other."))
        rows = [r for r in rows if not r.startswith("result.other.")]
        rows.insert(first, "result.other")
    return rows


def requests_cols() -> list[str]:
    return list(SPEC["templates"]["2021"]["requests"]["columns"])


def spec_keys(template: str, table: str) -> list[str]:
    if table == "requests":
        return [f"{r}.{c}" for r in requests_rows(template) for c in requests_cols()]
    if table == "review_litigation":
        return list(SPEC["templates"]["2021"]["review_litigation"]["columns"])
    groups = SPEC["templates"][template]["active_disclosure"]["groups"]
    return [
        f"{g}.{r}.{c}" for g, grp in groups.items() for r in grp["rows"] for c in grp["columns"]
    ]


def spec_checks(template: str, tables: dict) -> dict[str, bool]:
    """The four checks of the spec, evaluated with null as 0."""
    req = {k: v or 0 for k, v in tables["requests"].items()}
    rev = {k: v or 0 for k, v in tables["review_litigation"].items()}
    cols = requests_cols()
    rows = requests_rows(template)
    leaves = [r for r in rows if r.startswith("result.") and r != "result.total"]
    return {
        "requests.balance": all(
            req[f"new.{c}"] + req[f"carried_over.{c}"]
            == req[f"result.total.{c}"] + req[f"carried_forward.{c}"]
            for c in cols
        ),
        "requests.result_sum": all(
            req[f"result.total.{c}"] == sum(req[f"{r}.{c}"] for r in leaves) for c in cols
        ),
        "requests.row_sum": all(
            req[f"{r}.total"] == sum(req[f"{r}.{c}"] for c in cols if c != "total") for r in rows
        ),
        "review_litigation.sums": all(
            rev[f"{g}.total"]
            == sum(rev[f"{g}.{p}"] for p in ("upheld", "corrected", "other", "pending"))
            for g in ("review", "suit_direct", "suit_after_review")
        ),
    }


def parse_number(text: str | None) -> int | float | None:
    text = re.sub(r"\s+", "", text or "").replace(",", "")
    if text in NULLS:
        return None
    number = float(text)
    return int(number) if re.fullmatch(r"[+-]?\d+", text) else number


def same_value(shown: int | float | None, truth: int | float | None) -> bool:
    if shown is None or truth is None:
        return shown is truth
    return abs(shown - truth) < 1e-9


Grid = list[list[str | None]]


def html_grids(html: str) -> list[Grid]:
    """Every <table> as a grid: origin text at its position, None where a span covers."""
    root = lxml.html.fromstring(f"<div>{html}</div>")
    grids = []
    for table in root.iter("table"):
        if table.find(".//table") is not None:
            continue  # layout wrapper
        cells: dict[tuple[int, int], str | None] = {}
        for r, tr in enumerate(table.iter("tr")):
            c = 0
            for td in tr:
                if td.tag not in ("td", "th"):
                    continue
                while (r, c) in cells:
                    c += 1
                rs, cs = int(td.get("rowspan", 1)), int(td.get("colspan", 1))
                for dr in range(rs):
                    for dc in range(cs):
                        cells[(r + dr, c + dc)] = None
                cells[(r, c)] = " ".join(td.text_content().split())
                c += cs
        n_rows = max(r for r, _ in cells) + 1
        n_cols = max(c for _, c in cells) + 1
        grids.append([[cells.get((r, c)) for c in range(n_cols)] for r in range(n_rows)])
    return grids


def grid_values(name: str, template: str, grid: Grid) -> dict[str, int | float | None]:
    """Read a table's numbers back by the template's positions."""
    if name == "review_litigation":
        return dict(zip(spec_keys(template, name), map(parse_number, grid[3]), strict=True))
    if name == "requests":
        out = {}
        for i, rkey in enumerate(requests_rows(template)):
            numbers = [t for t in grid[3 + i][3:] if t is not None]
            for ckey, text in zip(requests_cols(), numbers, strict=True):
                out[f"{rkey}.{ckey}"] = parse_number(text)
        return out
    out = {}
    groups = SPEC["templates"][template]["active_disclosure"]["groups"]
    row = 0
    for gkey, group in groups.items():
        row += 2  # group label row, column label row
        for rkey in group["rows"]:
            numbers = [t for t in grid[row][1:] if t is not None]
            for ckey, text in zip(group["columns"], numbers, strict=True):
                out[f"{gkey}.{rkey}.{ckey}"] = parse_number(text)
            row += 1
    return out
