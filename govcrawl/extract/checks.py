"""The arithmetic checks of the spec's `checks` list, run on extracted values.

Nulls (blank cells) count as 0 in sums, but a column/row whose inputs are all null is skipped,
and so is one with an input the document does not have at all (a key absent from the values: a
row a preview cut off, a column the table lacks), since its equation cannot be known to hold or
fail. A check with nothing left to test is not emitted at all. A failing check names the column
or row and both sides of the equation, so a reader can find the bad cell.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from govcrawl.extract.spec import REVIEW_GROUPS, REVIEW_PARTS, SPEC, Template

Values = dict[str, int | float | None]
Unit = tuple[str, list[str], list[str], str]
"""(name, left keys, right keys, how to print the left and right side)."""


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _run(check_id: str, units: Iterable[Unit], values: Values) -> dict | None:
    failures: list[str] = []
    tested = False
    for name, left, right, sides in units:
        inputs = left + right
        if any(k not in values for k in inputs) or all(values[k] is None for k in inputs):
            continue
        tested = True
        lsum = sum(values[k] or 0 for k in left)
        rsum = sum(values[k] or 0 for k in right)
        if abs(lsum - rsum) > 1e-9:
            lname, rname = sides.split("|")
            failures.append(f"{lname}={_fmt(lsum)} ≠ {rname}={_fmt(rsum)} ({name})")
    if not tested:
        return None
    return {"id": check_id, "ok": not failures, "detail": "; ".join(failures)}


def _balance(t: Template) -> list[Unit]:
    return [
        (
            f"column {c}",
            [f"new.{c}", f"carried_over.{c}"],
            [f"result.total.{c}", f"carried_forward.{c}"],
            "new+carried_over|result.total+carried_forward",
        )
        for c in t.request_column_keys
    ]


def _result_sum(t: Template) -> list[Unit]:
    return [
        (
            f"column {c}",
            [f"result.total.{c}"],
            [f"{r}.{c}" for r in t.result_leaf_rows],
            "result.total|sum(result leaf rows)",
        )
        for c in t.request_column_keys
    ]


def _row_sum(t: Template) -> list[Unit]:
    parts = [c for c in t.request_column_keys if c != "total"]
    return [
        (f"row {r}", [f"{r}.total"], [f"{r}.{c}" for c in parts], f"{r}.total|" + "+".join(parts))
        for r in t.request_row_keys
    ]


def _review_sums(_: Template) -> list[Unit]:
    parts = [p for p in REVIEW_PARTS if p != "total"]
    return [
        (g, [f"{g}.total"], [f"{g}.{p}" for p in parts], "total|" + "+".join(parts))
        for g in REVIEW_GROUPS
    ]


_UNITS: dict[str, tuple[str, Callable[[Template], list[Unit]]]] = {
    "requests.balance": ("requests", _balance),
    "requests.result_sum": ("requests", _result_sum),
    "requests.row_sum": ("requests", _row_sum),
    "review_litigation.sums": ("review_litigation", _review_sums),
}


def run_checks(tables: dict[str, Values], template: Template) -> list[dict]:
    """Every spec check whose table was extracted, in the spec's order.

    `tables` holds per table only the keys whose cells were found (null for a blank cell).
    """
    out = []
    for check in SPEC.checks:
        table, units = _UNITS[check["id"]]
        if table not in tables:
            continue
        result = _run(check["id"], units(template), tables[table])
        if result is not None:
            out.append(result)
    return out
