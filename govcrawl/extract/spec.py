"""The national table templates from `govcrawl/spec/report-tables.json`, made ready to match.

The JSON writes the 2019 template partly as `same_as` 2021 plus prose `differences`; here both
templates are expanded to full label → key indexes (on `labels.core` forms) so extraction never
special-cases a year beyond what this module states once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources

from govcrawl.extract.labels import LabelIndex, core, core_index

TABLES = ("active_disclosure", "requests", "review_litigation")
REVIEW_GROUPS = ("review", "suit_direct", "suit_after_review")
REVIEW_PARTS = ("upheld", "corrected", "other", "pending", "total")


@dataclass(frozen=True)
class Group:
    """One 第二十条第（N）项 block of the active-disclosure table."""

    key: str
    label: str
    columns: dict[str, str]
    """core label → column key"""
    rows: LabelIndex
    """core label → row key"""
    column_keys: tuple[str, ...]
    row_keys: tuple[str, ...]
    amount_columns: frozenset[str]


@dataclass(frozen=True)
class Template:
    """One national template with label indexes for its three tables."""

    name: str
    groups: dict[str, Group]
    request_columns: dict[str, str]
    request_column_keys: tuple[str, ...]
    request_rows: LabelIndex
    request_row_keys: tuple[str, ...]
    review_groups: dict[str, str]
    """core label of a review/litigation column group → group key"""
    review_parts: dict[str, str]
    """core label of a result column → part key"""
    review_keys: tuple[str, ...]

    def keys(self, table: str) -> tuple[str, ...]:
        """Every canonical key of `table`, in template order."""
        if table == "active_disclosure":
            return tuple(
                f"{g.key}.{r}.{c}"
                for g in self.groups.values()
                for r in g.row_keys
                for c in g.column_keys
            )
        if table == "requests":
            return tuple(
                f"{r}.{c}" for r in self.request_row_keys for c in self.request_column_keys
            )
        return self.review_keys

    @property
    def result_leaf_rows(self) -> tuple[str, ...]:
        return tuple(
            r for r in self.request_row_keys if r.startswith("result.") and r != "result.total"
        )


@dataclass(frozen=True)
class Spec:
    """The loaded spec: expanded templates and the checks list."""

    templates: dict[str, Template]
    checks: tuple[dict, ...]
    raw: dict


def _group(key: str, raw: dict) -> Group:
    return Group(
        key=key,
        label=raw["label"],
        columns=core_index(raw["columns"]),
        rows=LabelIndex(raw["rows"]),
        column_keys=tuple(raw["columns"]),
        row_keys=tuple(raw["rows"]),
        amount_columns=frozenset(c for c in raw["columns"] if "amount" in c),
    )


def _expand_requests(raw_templates: dict, name: str) -> dict:
    """Resolve `same_as`; the 2019 difference is (六)其他处理 as a single leaf row."""
    raw = raw_templates[name]["requests"]
    if "same_as" not in raw:
        return raw
    base = raw_templates[raw["same_as"]]["requests"]
    rows: dict[str, list[str]] = {}
    for key, labels in base["rows"].items():
        if key.startswith("result.other."):
            continue
        if key == "result.total":
            rows["result.other"] = [base["row_groups"]["result.other"]]
        rows[key] = labels
    groups = {k: v for k, v in base["row_groups"].items() if k != "result.other"}
    return {**base, "rows": rows, "row_groups": groups}


def _review(raw_templates: dict, name: str) -> dict:
    raw = raw_templates[name]["review_litigation"]
    return raw_templates[raw["same_as"]]["review_litigation"] if "same_as" in raw else raw


def _template(raw_templates: dict, name: str) -> Template:
    raw = raw_templates[name]
    requests = _expand_requests(raw_templates, name)
    review = _review(raw_templates, name)
    group_labels: dict[str, str] = {}
    part_labels: dict[str, str] = {}
    for key, labels in review["columns"].items():
        group, part = key.split(".")
        for label in labels:
            group_text, part_text = label.split(" ", 1)
            group_labels[core(group_text)] = group
            part_labels[core(part_text)] = part
    return Template(
        name=name,
        groups={k: _group(k, g) for k, g in raw["active_disclosure"]["groups"].items()},
        request_columns=core_index(requests["columns"]),
        request_column_keys=tuple(requests["columns"]),
        request_rows=LabelIndex(requests["rows"]),
        request_row_keys=tuple(requests["rows"]),
        review_groups=group_labels,
        review_parts=part_labels,
        review_keys=tuple(review["columns"]),
    )


def load_spec() -> Spec:
    """Read report-tables.json from the installed package."""
    text = resources.files("govcrawl.spec").joinpath("report-tables.json").read_text("utf-8")
    raw = json.loads(text)
    templates = {name: _template(raw["templates"], name) for name in raw["templates"]}
    return Spec(templates=templates, checks=tuple(raw["checks"]), raw=raw)


SPEC = load_spec()
