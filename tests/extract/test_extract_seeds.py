"""The extract stage on the five seed reports, with expectations written from the seed texts."""

from __future__ import annotations

import json

import pytest
from extract_layout import request_keys, requests_table
from extract_seedgrid import seed_text, text_doc

from govcrawl.document import CleanDocument, Paragraph, Source, Table
from govcrawl.extract import build_record

SOURCE = Source(url="http://127.0.0.1:8101/a.html", body=b"body")

SEED_002_ACTIVE = {
    "art20_1.rules.new_made": 0,
    "art20_1.rules.new_published": 0,
    "art20_1.rules.published_total": 0,
    "art20_1.normative_documents.new_made": 0,
    "art20_1.normative_documents.new_published": 0,
    "art20_1.normative_documents.published_total": 0,
    "art20_5.licensing.items_last_year": 8,
    "art20_5.licensing.change": 2,
    "art20_5.licensing.decisions": 0,
    "art20_5.other_services.items_last_year": 14,
    "art20_5.other_services.change": 0,
    "art20_5.other_services.decisions": 0,
    "art20_6.penalty.items_last_year": 54,
    "art20_6.penalty.change": 0,
    "art20_6.penalty.decisions": 0,
    "art20_6.enforcement.items_last_year": 10,
    "art20_6.enforcement.change": 0,
    "art20_6.enforcement.decisions": 0,
    "art20_8.fees.items_last_year": 0,
    "art20_8.fees.change": 0,
    "art20_9.central_procurement.purchases": 0,
    "art20_9.central_procurement.purchase_amount": 0.0,
}

SEED_001_ACTIVE = {
    "art20_1.rules.issued": 0,
    "art20_1.rules.repealed": 0,
    "art20_1.rules.in_force": 0,
    "art20_1.normative_documents.issued": 0,
    "art20_1.normative_documents.repealed": 0,
    "art20_1.normative_documents.in_force": 0,
    "art20_5.licensing.decisions": 0,
    "art20_6.penalty.decisions": 0,
    "art20_6.enforcement.decisions": 0,
    "art20_8.fees.amount_10k_yuan": 0.0,
}

REVIEW_ZEROS = {
    f"{group}.{part}": 0
    for group in ("review", "suit_direct", "suit_after_review")
    for part in ("upheld", "corrected", "other", "pending", "total")
}


def record(prefix: str, sep: str | None) -> dict:
    return build_record(text_doc(seed_text(prefix), sep), SOURCE)


def test_seed_002_text_tables_2019() -> None:
    rec = record("002", "\t")
    assert rec["title"] == "盐池县水务局2020年政府信息公开工作年度报告"
    assert (rec["agency"], rec["year"], rec["template"]) == ("盐池县水务局", 2020, "2019")
    assert rec["tables"]["active_disclosure"] == SEED_002_ACTIVE
    assert type(rec["tables"]["active_disclosure"]["art20_5.licensing.change"]) is int
    assert rec["tables"]["review_litigation"] == REVIEW_ZEROS
    assert rec["flags"] == []


def test_seed_002_text_requests_complete_rows_exact_and_lossy_rows_never_misplaced() -> None:
    """The naive text dropped one cell in some rows (six numbers for seven columns): those
    cells must come out null, never shifted into a neighbour; complete rows are exact."""
    requests = record("002", "\t")["tables"]["requests"]
    assert set(requests) == set(request_keys("2019"))
    assert all(v in (0, None) for v in requests.values())
    complete = ["new", "carried_over", "result.withheld.prohibited_by_law", "result.other"]
    complete += ["result.unable.needs_creation", "result.not_processed.duplicate"]
    assert requests["result.withheld.state_secret.total"] == 0  # label "(三) 1.属于国家秘密"
    for row in complete:
        assert all(v == 0 for k, v in requests.items() if k.startswith(row + ".")), row


def test_seed_002_requests_in_official_layout_exact() -> None:
    """Seed 002's requests table as its HTML article has it: spans, 2019 (六) as one row."""
    values = dict.fromkeys(request_keys("2019"), "0")
    doc = CleanDocument(
        "html",
        [Paragraph("三、收到和处理政府信息公开申请情况"), requests_table("2019", values)],
        title="盐池县水务局 2020 年政府信息公开工作年度报告",
    )
    rec = build_record(doc, SOURCE)
    assert rec["template"] == "2019"
    assert rec["tables"]["requests"] == dict.fromkeys(request_keys("2019"), 0)
    assert [c["id"] for c in rec["checks"]] == [
        "requests.balance",
        "requests.result_sum",
        "requests.row_sum",
    ]
    assert all(c["ok"] for c in rec["checks"])


def test_seed_001_misplaced_table() -> None:
    rec = record("001", "|")
    assert (rec["agency"], rec["year"], rec["template"]) == ("西华池镇人民政府", 2022, "2021")
    assert rec["tables"]["active_disclosure"] == SEED_001_ACTIVE
    assert "requests" not in rec["tables"]
    assert rec["tables"]["review_litigation"] == REVIEW_ZEROS
    assert {"table_misplaced", "tables_missing"} <= set(rec["flags"])
    assert "check_failed" not in rec["flags"]


@pytest.mark.parametrize(
    ("prefix", "title", "agency", "year"),
    [
        ("000", "定西市水务局2023年政府信息公开工作年度报告", "定西市水务局", 2023),
        ("003", "定西市政府信息公开工作年度报告", "定西市人民政府", 2020),
    ],
)
def test_seeds_without_tables(prefix: str, title: str, agency: str, year: int) -> None:
    rec = record(prefix, None)
    assert (rec["title"], rec["agency"], rec["year"]) == (title, agency, year)
    assert rec["tables"] == {}
    assert rec["flags"] == ["tables_missing"]
    assert rec["sections"]["active_disclosure"] == "二、主动公开政府信息情况"
    assert rec["sections"]["problems"].startswith("五、存在的主要问题及改进情况")
    assert rec["sections"]["overview"].startswith("一、总体情况")


def test_seed_004_work_summary_with_placeholders() -> None:
    rec = record("004", None)
    assert rec["title"] == "水务局关于报送2021年度政务公开总结暨来年工作思路的报告"
    assert rec["template"] is None
    assert {"not_annual_report", "placeholder_text"} <= set(rec["flags"])


def test_record_keys_deterministic_and_json() -> None:
    doc = text_doc(seed_text("002"), "\t")
    first, second = build_record(doc, SOURCE), build_record(doc, SOURCE)
    assert first == second
    assert json.loads(json.dumps(first, ensure_ascii=False)) == first
    assert set(first) >= {"id", "title", "agency", "year", "template", "source", "sections"}
    assert set(first) >= {"tables", "checks", "flags", "text"}
    assert set(first["source"]) == {
        "url",
        "final_url",
        "kind",
        "content_type",
        "format",
        "fetched_at",
        "warc_file",
        "warc_record_id",
        "payload_digest",
        "parent_url",
    }
    assert first["text"] == doc.text()


def test_doc_flags_kept_and_unknown_dropped() -> None:
    doc = CleanDocument(
        "pdf",
        [Paragraph("某某县人民政府2021年政府信息公开工作年度报告")],
        flags=["scanned_pdf", "encoding_repaired", "not_a_flag"],
    )
    rec = build_record(doc, SOURCE)
    assert rec["flags"] == ["encoding_repaired", "scanned_pdf"]
    assert rec["source"]["format"] == "pdf"


def test_ocr_cells_reported() -> None:
    doc = text_doc(seed_text("002"), "\t")
    first_table = next(b for b in doc.blocks if isinstance(b, Table))
    cell = next(c for c in first_table.cells if c.text == "8")
    doc.ocr_cells = [(0, cell.row, cell.col)]
    rec = build_record(doc, SOURCE)
    assert rec["ocr_values"] == ["active_disclosure.art20_5.licensing.items_last_year"]
