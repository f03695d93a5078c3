"""Generated reports: determinism, spec keys, arithmetic, breakage and realism."""

from __future__ import annotations

import re

import pytest
from farm_content_helpers import spec_checks, spec_keys

from govcrawl.demo_farm.reports import (
    LEVELS,
    decoy_titles,
    expected_checks,
    generate_reports,
)


@pytest.fixture(scope="module")
def reports():
    return generate_reports(3, 150)


def test_same_seed_same_reports_other_seed_other_reports():
    assert generate_reports(11, 20) == generate_reports(11, 20)
    assert generate_reports(11, 20) != generate_reports(12, 20)


def test_tables_use_exactly_the_spec_keys(reports):
    for r in reports:
        assert r.template == ("2019" if r.year <= 2020 else "2021")
        for table in ("active_disclosure", "requests", "review_litigation"):
            assert list(r.tables[table]) == spec_keys(r.template, table), (r.report_id, table)


def test_arithmetic_holds_unless_broken(reports):
    for r in reports:
        checks = spec_checks(r.template, r.tables)
        assert checks == expected_checks(r)
        if r.broken:
            assert r.broken_checks
            assert {c for c, ok in checks.items() if not ok} == set(r.broken_checks)
        else:
            assert all(checks.values()), r.report_id
            assert r.broken_checks == ()


def test_about_one_in_eight_is_broken_and_every_check_gets_broken(reports):
    broken = [r for r in reports if r.broken]
    assert 8 <= len(broken) <= 35
    seen = {c for r in broken for c in r.broken_checks}
    assert seen == {
        "requests.balance",
        "requests.result_sum",
        "requests.row_sum",
        "review_litigation.sums",
    }


def test_metadata_is_consistent(reports):
    ids = [r.report_id for r in reports]
    assert len(set(ids)) == len(ids)
    assert {r.template for r in reports} == {"2019", "2021"}
    assert {r.year for r in reports} == set(range(2019, 2025))
    for r in reports:
        assert r.agency in r.title.replace(" ", "") or r.agency in r.title
        assert str(r.year) in r.title
        assert r.published.year == r.year + 1 and r.published.month <= 3
        assert r.level in LEVELS
        assert set(r.sections) == {
            "overview",
            "active_disclosure",
            "requests",
            "review_litigation",
            "problems",
            "other",
        }
        assert r.headings["overview"] == "一、总体情况"


def test_values_look_like_real_reports(reports):
    changes, fees, nulls, big = [], [], 0, 0
    for r in reports:
        for table in r.tables.values():
            for key, value in table.items():
                if value is None:
                    nulls += 1
                    continue
                if key.endswith(".change"):
                    changes.append(value)
                    continue
                assert value >= 0, (r.report_id, key)
                big += value >= 1000
                if key.endswith(("amount_10k_yuan", "purchase_amount")):
                    assert isinstance(value, float)
                    fees.append(value)
                else:
                    assert isinstance(value, int), (r.report_id, key)
        if r.level == "town":
            assert r.tables["requests"]["new.total"] <= 40
    assert any(c > 0 for c in changes) and any(c < 0 for c in changes)
    assert 0.0 in fees and any(f != int(f) for f in fees)
    cells = sum(len(t) for r in reports for t in r.tables.values())
    assert 0 < nulls < cells * 0.05
    assert big > 0


def test_heading_variants_and_level_filter():
    reports = generate_reports(5, 60)
    assert {r.headings["problems"] for r in reports} == {
        "五、存在的主要问题及改进情况",
        "五、存在的主要问题和改进情况",
    }
    towns = generate_reports(5, 12, level="town")
    assert {r.level for r in towns} == {"town"}
    with pytest.raises(ValueError):
        generate_reports(5, 10_000)


def test_decoys_are_not_annual_reports():
    annual = re.compile(r"政府信息公开(工作)?年度报告$")
    titles = decoy_titles(1, "定西市水务局", 2023)
    assert titles == decoy_titles(1, "定西市水务局", 2023)
    assert len(titles) >= 5
    kinds = ("工作要点", "工作总结", "企业年度报告公示", "统计公报", "预算", "决算")
    for kind in kinds:
        assert any(kind in t for t in titles), kind
    for title in titles:
        assert not annual.search(title)
        assert "2023" in title or "2022" in title
