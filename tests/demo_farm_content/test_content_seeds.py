"""Seed pages: parsed from the packaged copies, rebuilt as HTML, truths matching the texts."""

from __future__ import annotations

import re

import pytest
from farm_content_helpers import ROOT, html_grids, spec_keys

from govcrawl.demo_farm.seeds import SEED_DIR, load_seeds, seed_body_html, seed_truth


@pytest.fixture(scope="module")
def seeds():
    return {s.seed_id: s for s in load_seeds()}


def raw(seed_id: str) -> str:
    path = next((ROOT / "tests" / "seeds").glob(f"{seed_id}_*.txt"))
    return path.read_text(encoding="utf-8")


def test_packaged_copies_equal_the_test_seeds():
    ours = {p.name: p.read_bytes() for p in SEED_DIR.glob("*.txt")}
    theirs = {p.name: p.read_bytes() for p in (ROOT / "tests" / "seeds").glob("*.txt")}
    assert ours == theirs and len(ours) == 5


def test_metadata_and_noise_come_from_the_text(seeds):
    assert sorted(seeds) == ["000", "001", "002", "003", "004"]
    for seed_id, page in seeds.items():
        text = raw(seed_id)
        truth = seed_truth(seed_id)
        assert page.title in text
        assert str(truth["year"]) in text
        assert truth["agency"] in text
        html = seed_body_html(page)
        for line in page.noise:
            assert line in text
            assert line not in html
        for chrome in ("分享到", "打印本页", "账号+密码登录", "免费阅读已结束", "备案号"):
            assert chrome not in html


def test_layout_pages_have_no_tables(seeds):
    for seed_id in ("000", "003"):
        truth = seed_truth(seed_id)
        assert truth["tables"] == {} and truth["flags"] == ["tables_missing"]
        html = seed_body_html(seeds[seed_id])
        assert html.count("<table") >= 2 and "<td>第二十条" not in html
        assert "三、收到和处理政府信息公开申请情况" in html
    assert seed_truth("003")["template"] == "2019" and seed_truth("000")["template"] == "2021"


def _pipe(row: list[str | None]) -> str:
    out, filled = "", False
    for text in [t for t in row if t is not None] + [""] * row.count(None):
        out += ((" " if out else "") + f"{text} |") if text else (" |" if filled else "|")
        filled = bool(text)
    return out


def test_001_repeats_the_active_table_under_section_three(seeds):
    truth = seed_truth("001")
    assert truth["flags"] == ["table_misplaced"] and truth["template"] == "2021"
    assert set(truth["tables"]) == {"active_disclosure", "review_litigation"}
    assert list(truth["tables"]["active_disclosure"]) == spec_keys("2021", "active_disclosure")
    assert list(truth["tables"]["review_litigation"]) == spec_keys("2021", "review_litigation")
    assert truth["tables"]["active_disclosure"]["art20_8.fees.amount_10k_yuan"] == 0.0
    assert set(truth["tables"]["review_litigation"].values()) == {0}

    html = seed_body_html(seeds["001"])
    tables = re.findall(r"<table.*?</table>", html, re.S)
    assert len(tables) == 3 and tables[0] == tables[1]
    seed_lines = raw("001").splitlines()
    active, _, review = html_grids(html)
    assert [_pipe(row) for row in active] == seed_lines[9:23]
    assert [_pipe(row) for row in review] == seed_lines[39:43]
    assert tables[1] in html[html.index("三、收到和处理政府信息公开申请情况") :]


def test_002_rebuilds_the_2019_tables(seeds):
    truth = seed_truth("002")
    assert truth["title"] == "盐池县水务局2020年政府信息公开工作年度报告"
    assert truth["template"] == "2019" and truth["flags"] == []
    tables = truth["tables"]
    for name in ("active_disclosure", "requests", "review_litigation"):
        assert list(tables[name]) == spec_keys("2019", name)
    active = tables["active_disclosure"]
    assert active["art20_5.licensing.items_last_year"] == 8
    assert active["art20_5.licensing.change"] == 2
    assert active["art20_5.other_services.items_last_year"] == 14
    assert active["art20_6.penalty.items_last_year"] == 54
    assert active["art20_6.enforcement.items_last_year"] == 10
    assert set(tables["requests"].values()) == {0}

    html = seed_body_html(seeds["002"])
    active_grid, requests_grid, _ = html_grids(html)
    seed_rows = [line.split("\t") for line in raw("002").splitlines()[48:66]]
    assert [[t or "" for t in row] for row in active_grid] == seed_rows
    assert requests_grid[0][3] == "申请人情况" and requests_grid[0][4] is None
    assert "商业机构" in requests_grid[2]


def test_004_is_a_paywalled_work_summary(seeds):
    truth = seed_truth("004")
    assert truth["template"] is None and truth["tables"] == {}
    assert set(truth["flags"]) == {"placeholder_text", "preview_truncated", "not_annual_report"}
    page = seeds["004"]
    html = seed_body_html(page)
    assert "xxxx年" in html and "x.x亿元" in html
    assert "1 / 6" in page.noise
    assert any("免费阅读已结束" in line for line in page.noise)
