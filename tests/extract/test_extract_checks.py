"""The spec's arithmetic checks: pass on consistent numbers, fail naming the bad place."""

from __future__ import annotations

from extract_layout import request_keys, requests_table, review_keys, review_table

from govcrawl.document import CleanDocument, Paragraph, Source
from govcrawl.extract import SPEC, build_record
from govcrawl.extract.checks import run_checks

COLUMNS = ("natural_person", "commercial", "research", "public_interest", "legal_services")
PARTS = (*COLUMNS, "other_org")


def consistent_requests(template: str) -> dict[str, int]:
    """new 3/2 per column, all disclosed, nothing carried: every identity holds."""
    values = dict.fromkeys(request_keys(template), 0)
    for row, per in (("new", 3), ("carried_over", 1), ("result.disclosed", 3), ("result.total", 4)):
        for col in PARTS:
            values[f"{row}.{col}"] = per
        values[f"{row}.total"] = per * len(PARTS)
    for col in PARTS:
        values[f"result.withheld.state_secret.{col}"] = 1
    values["result.withheld.state_secret.total"] = len(PARTS)
    return values


def checks_of(values: dict[str, int | None], template: str = "2021") -> dict[str, dict]:
    checks = run_checks({"requests": values}, SPEC.templates[template])
    return {c["id"]: c for c in checks}


def test_requests_checks_pass_on_consistent_numbers() -> None:
    for template in ("2019", "2021"):
        got = checks_of(consistent_requests(template), template)
        assert set(got) == {"requests.balance", "requests.result_sum", "requests.row_sum"}
        assert all(c["ok"] and c["detail"] == "" for c in got.values())


def test_balance_fails_with_both_sides() -> None:
    values = consistent_requests("2021")
    values["carried_forward.total"] = -1
    detail = checks_of(values)["requests.balance"]["detail"]
    assert detail == "new+carried_over=24 ≠ result.total+carried_forward=23 (column total)"


def test_result_sum_counts_leaves_only() -> None:
    values = consistent_requests("2021")
    values["result.other.other.research"] = 2
    check = checks_of(values)["requests.result_sum"]
    assert not check["ok"]
    assert check["detail"] == "result.total=4 ≠ sum(result leaf rows)=6 (column research)"


def test_2019_result_other_is_a_leaf() -> None:
    values = consistent_requests("2019")
    values["result.other.commercial"] = 1
    assert "column commercial" in checks_of(values, "2019")["requests.result_sum"]["detail"]


def test_row_sum_names_row() -> None:
    values = consistent_requests("2021")
    values["new.total"] = 17
    detail = checks_of(values)["requests.row_sum"]["detail"]
    assert detail.startswith("new.total=17 ≠ natural_person+commercial+")
    assert detail.endswith("=18 (row new)")


def test_nulls_count_as_zero_and_all_missing_is_not_emitted() -> None:
    values = dict.fromkeys(request_keys("2021"))
    assert checks_of(values) == {}
    values["new.natural_person"] = None
    values["new.total"] = 0
    assert checks_of(values)["requests.row_sum"]["ok"]


def test_review_sums_through_build_record() -> None:
    good = {k: "0" for k in review_keys()}
    good.update({"review.upheld": "2", "review.pending": "1", "review.total": "3"})
    bad = dict(good, **{"suit_direct.corrected": "1"})
    for values, ok in ((good, True), (bad, False)):
        doc = CleanDocument(
            "html",
            [Paragraph("四、政府信息公开行政复议、行政诉讼情况"), review_table(values)],
            title="某局2022年政府信息公开工作年度报告",
        )
        rec = build_record(doc, Source(url="http://h/", body=b""))
        (check,) = rec["checks"]
        assert check["id"] == "review_litigation.sums" and check["ok"] is ok
        assert ("check_failed" in rec["flags"]) is not ok
        if not ok:
            assert check["detail"] == ("total=0 ≠ upheld+corrected+other+pending=1 (suit_direct)")


def test_check_failed_flag_from_table() -> None:
    values = {k: str(v) for k, v in consistent_requests("2021").items()}
    values["new.total"] = "99"
    doc = CleanDocument(
        "html",
        [Paragraph("三、收到和处理政府信息公开申请情况"), requests_table("2021", values)],
        title="某局2022年政府信息公开工作年度报告",
    )
    rec = build_record(doc, Source(url="http://h/", body=b""))
    failed = {c["id"] for c in rec["checks"] if not c["ok"]}
    assert failed == {"requests.balance", "requests.row_sum"}
    assert "check_failed" in rec["flags"]
