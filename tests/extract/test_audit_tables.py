"""Table layouts an extraction audit found misread, as HTML pages through clean + extract.

Sparse review rows whose zeros are blank, review and litigation split over two tables or
stacked in one, a second (本级) requests table after the whole-agency one, and tables lacking
rows (a preview cut short) or a column.
"""

from __future__ import annotations

import pytest

from govcrawl.clean import clean_source
from govcrawl.document import Source
from govcrawl.extract import SPEC, build_record
from govcrawl.extract.checks import run_checks

TITLE = "某某县水务局2022年政府信息公开工作年度报告"
REQ = SPEC.raw["templates"]["2021"]["requests"]
ROWS = list(REQ["rows"])
COLUMNS = list(REQ["columns"])
REVIEW = list(SPEC.raw["templates"]["2021"]["review_litigation"]["columns"])
PARTS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
REQUESTS_HEADING = "<p>三、收到和处理政府信息公开申请情况</p>"
REVIEW_HEADING = "<p>四、政府信息公开行政复议、行政诉讼情况</p>"


def record(*parts: str) -> dict:
    html = (
        f'<html><head><meta charset="utf-8"><title>{TITLE}</title></head><body><h1>{TITLE}</h1>'
        + "".join(parts)
        + "<p>五、存在的主要问题及改进情况</p><p>无。</p></body></html>"
    )
    source = Source(
        url="http://127.0.0.1/r.html", body=html.encode(), content_type="text/html; charset=utf-8"
    )
    return build_record(clean_source(source), source)


def tds(texts: list[str], colspan: int = 1) -> str:
    return "".join(f'<td colspan="{colspan}">{t}</td>' for t in texts)


def consistent_requests(columns: list[str] = COLUMNS, scale: int = 1) -> dict[str, int]:
    """Every identity of the spec's checks holds over `columns` (totals over those present)."""
    parts = [c for c in columns if c != "total"]
    values = {f"{r}.{c}": 0 for r in ROWS for c in parts}
    for i, c in enumerate(parts):
        values[f"new.{c}"] = (i + 2) * scale
        values[f"carried_over.{c}"] = scale
        values[f"result.disclosed.{c}"] = (i + 1) * scale
        values[f"result.withheld.third_party_rights.{c}"] = scale
        values[f"result.total.{c}"] = (i + 2) * scale
        values[f"carried_forward.{c}"] = scale
    for r in ROWS:
        values[f"{r}.total"] = sum(values[f"{r}.{c}"] for c in parts)
    return values


def requests_html(
    values: dict[str, int], rows: list[str] = ROWS, columns: list[str] = COLUMNS
) -> str:
    """The official layout: 法人或其他组织 over its columns, numbered groups spanning their
    sub-rows; only `rows` and `columns` are printed."""
    orgs = [c for c in columns if c not in ("natural_person", "total")]
    out = [
        '<table border="1"><tr><td rowspan="2" colspan="2"></td><td rowspan="2">自然人</td>'
        f'<td colspan="{len(orgs)}">法人或其他组织</td><td rowspan="2">总计</td></tr>'
        f"<tr>{tds([REQ['columns'][c][0] for c in orgs])}</tr>"
    ]
    groups_seen: set[str] = set()
    for row in rows:
        group = row.rsplit(".", 1)[0]
        label = REQ["rows"][row][0]
        if group in REQ["row_groups"]:
            cells = f"<td>{label}</td>"
            if group not in groups_seen:
                groups_seen.add(group)
                span = sum(r.startswith(group + ".") for r in rows)
                cells = f'<td rowspan="{span}">{REQ["row_groups"][group]}</td>' + cells
        else:
            cells = tds([label], colspan=2)
        values_html = tds([str(values.get(f"{row}.{c}", "")) for c in columns])
        out.append(f"<tr>{cells}{values_html}</tr>")
    return "".join(out) + "</table>"


def review_block(group_row: str, parts: int, values: list[str], span: int = 1) -> str:
    """Header rows (`group_row` html), result labels for `parts` groups, one data row."""
    return f"{group_row}<tr>{tds(PARTS * parts, span)}</tr><tr>{tds(values, span)}</tr>"


def review_one_table(values: dict[str, str], spacer: bool = False) -> str:
    """The official layout; `spacer` puts a row of 15 blank cells between header and data."""
    head = (
        '<tr><td colspan="5">行政复议</td><td colspan="10">行政诉讼</td></tr>'
        f"<tr>{''.join(f'<td rowspan=2>{p}</td>' for p in PARTS)}"
        '<td colspan="5">未经复议直接起诉</td><td colspan="5">复议后起诉</td></tr>'
        f"<tr>{tds(PARTS * 2)}</tr>"
    )
    gap = f"<tr>{tds([''] * 15)}</tr>" if spacer else ""
    return f'<table border="1">{head}{gap}<tr>{tds([values[k] for k in REVIEW])}</tr></table>'


LITIGATION_HEAD = (
    '<tr><td colspan="10">行政诉讼</td></tr>'
    '<tr><td colspan="5">未经复议直接起诉</td><td colspan="5">复议后起诉</td></tr>'
)


def review_two_tables(values: dict[str, str]) -> str:
    texts = [values[k] for k in REVIEW]
    first = review_block('<tr><td colspan="5">行政复议</td></tr>', 1, texts[:5])
    second = review_block(LITIGATION_HEAD, 2, texts[5:])
    return f'<table border="1">{first}</table><p></p><table border="1">{second}</table>'


def review_stacked(values: dict[str, str]) -> str:
    """行政复议's five columns drawn two grid columns wide above the litigation block."""
    texts = [values[k] for k in REVIEW]
    first = review_block('<tr><td colspan="10">行政复议</td></tr>', 1, texts[:5], span=2)
    return f'<table border="1">{first}{review_block(LITIGATION_HEAD, 2, texts[5:])}</table>'


def as_numbers(values: dict[str, str]) -> dict[str, int | None]:
    return {k: int(v) if v else None for k, v in values.items()}


# -- finding: a review row with few filled cells, the others blank ------------------------


@pytest.mark.parametrize(
    "filled",
    [
        {"review.pending": "1", "review.total": "1"},
        {"suit_direct.corrected": "1"},
        {"review.upheld": "2", "review.total": "2", "suit_after_review.other": "1"},
    ],
)
def test_sparse_review_row_with_blank_zeros_is_read(filled: dict[str, str]) -> None:
    values = dict.fromkeys(REVIEW, "") | filled
    rec = record(REVIEW_HEADING, review_one_table(values))
    assert rec["tables"]["review_litigation"] == as_numbers(values)
    assert rec["missing_values"] == []


def test_sparse_review_row_is_checked() -> None:
    values = dict.fromkeys(REVIEW, "")
    values.update({"review.pending": "1", "review.total": "2"})
    rec = record(REVIEW_HEADING, review_one_table(values))
    (check,) = rec["checks"]
    assert check["id"] == "review_litigation.sums" and not check["ok"]
    assert "check_failed" in rec["flags"]


# -- finding: review and litigation in two tables, or stacked in one ------------------------


@pytest.mark.parametrize("layout", [review_two_tables, review_stacked])
def test_review_and_litigation_in_separate_blocks(layout) -> None:
    values = {k: str(i + 1) for i, k in enumerate(REVIEW)}
    rec = record(REVIEW_HEADING, layout(values))
    assert rec["tables"]["review_litigation"] == as_numbers(values)


def test_second_review_table_does_not_overwrite_first() -> None:
    first = {k: str(i + 1) for i, k in enumerate(REVIEW)}
    second = dict.fromkeys(REVIEW, "0")
    rec = record(REVIEW_HEADING, review_one_table(first), review_one_table(second))
    assert rec["tables"]["review_litigation"] == as_numbers(first)


# -- finding: a second requests table (本级) after the whole-agency table -------------------


@pytest.mark.parametrize("scale", [0, 2])
def test_second_requests_table_neither_overwrites_nor_mixes(scale: int) -> None:
    whole = consistent_requests()
    own = consistent_requests(scale=scale)
    rec = record(
        REQUESTS_HEADING,
        requests_html(whole),
        "<p>其中，局机关本级收到和处理政府信息公开申请情况如下：</p>",
        requests_html(own),
    )
    assert rec["tables"]["requests"] == whole
    assert all(c["ok"] for c in rec["checks"])


def test_a_complete_requests_table_wins_over_an_earlier_partial_one() -> None:
    summary = consistent_requests(scale=3)
    whole = consistent_requests()
    rec = record(REQUESTS_HEADING, requests_html(summary, ROWS[:2]), requests_html(whole))
    assert rec["tables"]["requests"] == whole


def test_requests_continued_after_a_page_break_are_joined() -> None:
    values = consistent_requests()
    rec = record(
        REQUESTS_HEADING, requests_html(values, ROWS[:10]), requests_html(values, ROWS[10:])
    )
    assert rec["tables"]["requests"] == values


def test_second_active_table_does_not_overwrite_first() -> None:
    def active(issued: int) -> str:
        return (
            '<table border="1"><tr><td colspan="4">第二十条第（一）项</td></tr>'
            "<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>"
            f"<tr><td>规章</td><td>{issued}</td><td>0</td><td>{issued + 1}</td></tr>"
            f"<tr><td>行政规范性文件</td><td>{issued}</td><td>1</td><td>9</td></tr></table>"
        )

    rec = record("<p>二、主动公开政府信息情况</p>", active(5), "<p>其中本级：</p>", active(0))
    got = rec["tables"]["active_disclosure"]
    assert got["art20_1.rules.issued"] == 5 and got["art20_1.rules.in_force"] == 6


# -- finding: rows or columns the document does not have ------------------------------------


def test_rows_cut_off_by_a_preview_are_listed_missing_and_left_unchecked() -> None:
    values = consistent_requests()
    shown = ROWS[:4]
    rec = record(REQUESTS_HEADING, requests_html(values, shown))
    got = rec["tables"]["requests"]
    assert list(got) == [f"{r}.{c}" for r in ROWS for c in COLUMNS]
    cut = {f"requests.{r}.{c}" for r in ROWS[4:] for c in COLUMNS}
    assert set(rec["missing_values"]) == cut
    assert all(got[k.split(".", 1)[1]] is None for k in cut)
    assert {k: v for k, v in got.items() if v is not None} == {
        f"{r}.{c}": values[f"{r}.{c}"] for r in shown for c in COLUMNS
    }
    assert [c["id"] for c in rec["checks"]] == ["requests.row_sum"]
    assert "check_failed" not in rec["flags"]


def test_a_column_the_table_lacks_is_listed_missing() -> None:
    columns = [c for c in COLUMNS if c != "legal_services"]
    values = consistent_requests(columns)
    rec = record(REQUESTS_HEADING, requests_html(values, columns=columns))
    got = rec["tables"]["requests"]
    assert rec["missing_values"] == sorted(f"requests.{r}.legal_services" for r in ROWS)
    assert {k: v for k, v in got.items() if not k.endswith(".legal_services")} == values
    assert "check_failed" not in rec["flags"]
    assert {c["id"] for c in rec["checks"]} == {"requests.balance", "requests.result_sum"}


def test_blank_cells_and_rows_are_null_but_not_missing() -> None:
    values: dict[str, int | str] = dict(consistent_requests())
    values["result.withheld.state_secret.research"] = ""
    values.update({f"result.unable.not_held.{c}": "" for c in COLUMNS})
    rec = record(REQUESTS_HEADING, requests_html(values))
    got = rec["tables"]["requests"]
    assert got["result.withheld.state_secret.research"] is None
    assert all(got[f"result.unable.not_held.{c}"] is None for c in COLUMNS)
    assert rec["missing_values"] == []
    assert [(c["id"], c["ok"]) for c in rec["checks"]] == [
        ("requests.balance", True),
        ("requests.result_sum", True),
        ("requests.row_sum", True),
    ]


def test_blank_active_row_and_blank_review_table_are_not_missing() -> None:
    active = (
        '<table border="1"><tr><td colspan="2">第二十条第（八）项</td></tr>'
        "<tr><td>信息内容</td><td>本年收费金额（单位：万元）</td></tr>"
        "<tr><td>行政事业性收费</td><td></td></tr></table>"
    )
    review = review_two_tables(dict.fromkeys(REVIEW, ""))
    rec = record("<p>二、主动公开政府信息情况</p>", active, REVIEW_HEADING, review)
    assert rec["tables"]["active_disclosure"]["art20_8.fees.amount_10k_yuan"] is None
    assert rec["tables"]["review_litigation"] == dict.fromkeys(REVIEW)
    assert not [k for k in rec["missing_values"] if "fees" in k or k.startswith("review_")]


def test_a_blank_spacer_row_does_not_take_the_header_from_the_data() -> None:
    values = {k: str(i) for i, k in enumerate(REVIEW)}
    rec = record(REVIEW_HEADING, review_one_table(values, spacer=True))
    assert rec["tables"]["review_litigation"] == as_numbers(values)


def test_checks_skip_a_unit_with_an_input_the_document_lacks() -> None:
    """carried_forward absent: new+carried_over=2 against result.total=1 cannot be judged."""
    values = {f"{r}.{c}": 1 for r in ("new", "carried_over") for c in COLUMNS}
    values.update({f"result.total.{c}": 1 for c in COLUMNS})
    checks = {c["id"]: c for c in run_checks({"requests": values}, SPEC.templates["2021"])}
    assert "requests.balance" not in checks
    values.update({f"carried_forward.{c}": 1 for c in COLUMNS})
    checks = {c["id"]: c for c in run_checks({"requests": values}, SPEC.templates["2021"])}
    assert checks["requests.balance"]["ok"]


def test_a_cell_that_cannot_be_read_is_flagged_and_named() -> None:
    """Null alone would read as a blank cell: the record must say a value was there."""
    values: dict[str, int | str] = dict(consistent_requests())
    values["new.natural_person"] = "见附件"
    rec = record(REQUESTS_HEADING, requests_html(values))
    got = rec["tables"]["requests"]
    assert got["new.natural_person"] is None
    assert got["new.total"] == values["new.total"]  # the row's other values keep their places
    assert "value_unreadable" in rec["flags"]
    assert rec["unreadable_values"] == ["requests.new.natural_person"]
    assert rec["missing_values"] == []


def test_blank_cells_are_not_unreadable() -> None:
    values: dict[str, int | str] = dict(consistent_requests())
    values["new.natural_person"] = "—"
    rec = record(REQUESTS_HEADING, requests_html(values))
    assert "value_unreadable" not in rec["flags"] and rec["unreadable_values"] == []
