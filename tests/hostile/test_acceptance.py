"""Acceptance: every hostile case archived, explained and contained in one crawl (see conftest).

Each test reads the shared run: the dataset's `errors` table (URL, stage, reason), the records,
the WARC response records and the sites' own request logs (what was actually connected to).
"""

from __future__ import annotations

import pytest
from hostile_run import SIZE_LIMIT, Run, linked_paths

from govcrawl.demo_farm.hostile import HostileSite


def case_url(site: HostileSite, name: str) -> str:
    return next(c["url"] for c in site.cases() if c["case"] == name)


def reasons(run: Run, name: str) -> list[str]:
    """Distinct reasons recorded for a case (a start URL may also be reached from the list)."""
    return sorted({reason for stage, reason in run.errors_for(case_url(run.hostile, name))})


# -- charset -----------------------------------------------------------------------------


def test_gbk_labelled_utf8_report_extracts(run: Run) -> None:
    truth = next(t for t in run.hostile.ground_truth() if "GBK" in t.get("note", ""))
    record = next(r for r in run.records() if r["source"]["url"] == truth["url"])
    assert record["year"] == truth["year"]
    assert "\ufffd" not in record["text"]


@pytest.mark.parametrize(
    "name",
    ["charset.gb18030_undeclared", "charset.header_gbk_meta_utf8", "charset.bom_utf8_header_gbk"],
)
def test_charset_pages_archived_without_error(run: Run, name: str) -> None:
    url = case_url(run.hostile, name)
    assert url in run.warc_responses()
    assert run.errors_for(url) == []
    assert url not in run.record_urls()  # notices, not reports


# -- transport -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["transport.truncated", "transport.reset"])
def test_short_body_archived_truncated_and_explained(run: Run, name: str) -> None:
    url = case_url(run.hostile, name)
    [reason] = reasons(run, name)
    assert reason.startswith("truncated body:") and "attempts" in reason
    assert all("WARC-Truncated" in h for h in run.warc_responses()[url])
    assert url not in run.record_urls()
    attempts = run.requests_to(run.hostile, url.removeprefix(run.hostile.url))
    assert len(attempts) == 3 * len(run.errors_for(url))  # retried twice per request, no more


@pytest.mark.parametrize("name", ["transport.slow_drip", "transport.silent"])
def test_stalling_answers_time_out(run: Run, name: str) -> None:
    [reason] = reasons(run, name)
    assert reason.startswith("timeout:")
    assert case_url(run.hostile, name) not in run.record_urls()


def test_404_not_retried(run: Run) -> None:
    url = case_url(run.hostile, "status.404")
    assert reasons(run, "status.404") == ["http 404 Not Found"]
    answers = run.requests_to(run.hostile, url.removeprefix(run.hostile.url))
    assert len(answers) == len(run.errors_for(url))  # one request per failure: no retries
    assert url in run.warc_responses()


def test_soft_404_is_not_a_record(run: Run) -> None:
    [reason] = reasons(run, "status.soft_404")
    assert reason.startswith("soft 404")
    assert case_url(run.hostile, "status.soft_404") not in run.record_urls()


def test_500_retried_then_explained(run: Run) -> None:
    url = case_url(run.hostile, "status.500")
    assert reasons(run, "status.500") == ["http 500 Internal Server Error after 3 attempts"]
    assert len(run.warc_responses()[url]) == 3 * len(run.errors_for(url))


def test_503_report_found_after_retry_after(run: Run) -> None:
    """The site serves the retry only once Retry-After has passed: finding it proves waiting."""
    truth = next(t for t in run.hostile.ground_truth() if "503" in t.get("note", ""))
    assert truth["url"] in run.record_urls()
    statuses = [s for _, s in run.requests_to(run.hostile, truth["path"])]
    assert 503 in statuses and 200 in statuses


def test_429_retried_after_wait(run: Run) -> None:
    url = case_url(run.hostile, "status.429_retry")
    statuses = [s for _, s in run.requests_to(run.hostile, url.removeprefix(run.hostile.url))]
    assert statuses[:2] == [429, 200]
    assert reasons(run, "status.429_retry") == []


# -- anti-bot challenges ------------------------------------------------------------------


def test_412_cookie_report_found_through_the_browser(run: Run) -> None:
    """The WAF passes only clients that ran its script: finding the report proves the browser
    ran it and the crawl fetched the page with the cookies it earned."""
    truth = next(t for t in run.hostile.ground_truth() if "412" in t.get("note", ""))
    assert truth["url"] in run.record_urls()
    statuses = [s for _, s in run.requests_to(run.hostile, truth["path"])]
    # the crawl's request, the browser's (challenged, then its reload), the crawl's retry
    assert statuses[:4] == [412, 412, 200, 200]
    assert run.errors_for(truth["url"]) == []
    records = run.warc_responses()[truth["url"]]
    assert len(records) >= 4  # both challenges and both pages are archived


def test_too_frequent_page_is_an_error_not_a_record(run: Run) -> None:
    url = case_url(run.hostile, "waf.too_frequent")
    assert reasons(run, "waf.too_frequent") == [
        "anti-bot challenge (too frequent) after 3 attempts"
    ]
    assert url not in run.record_urls()
    assert url in run.warc_responses()
    attempts = run.requests_to(run.hostile, url.removeprefix(run.hostile.url))
    assert len(attempts) == 3 * len(run.errors_for(url))


# -- redirects -----------------------------------------------------------------------------


def test_redirect_loop_named(run: Run) -> None:
    [reason] = reasons(run, "redirect.loop")
    assert reason.startswith("redirect loop:")


def test_chain_of_20_followed(run: Run) -> None:
    chain_end = next(t for t in run.hostile.ground_truth() if "redirect chain" in t.get("note", ""))
    assert reasons(run, "redirect.chain_20") == []
    assert run.requests_to(run.hostile, chain_end["path"])[0][1] == 200


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("redirect.external", "refused: out of scope: example.invalid"),
        ("redirect.private_10", "refused: private address 10.0.0.1"),
        ("redirect.metadata", "refused: link-local (cloud metadata) address 169.254.169.254"),
        ("redirect.loopback", "refused: loopback address 127.0.0.1:"),
    ],
)
def test_redirect_out_of_scope_refused(run: Run, name: str, expected: str) -> None:
    [reason] = reasons(run, name)
    assert reason.startswith(expected)
    assert run.summary["errors"]


def test_loopback_target_never_contacted(run: Run) -> None:
    assert run.target.request_log == []


def test_robots_disallowed_never_requested(run: Run) -> None:
    assert run.requests_to(run.hostile, "/private/.*") == []


# -- traps ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "pattern", "bound"),
    [
        ("trap.calendar", "/calendar", 7),
        ("trap.pagination", "/list_\\d+\\.html", 6),
        ("trap.session_ids", "/hdjl/.*", 5),
        ("trap.deep_relative", "/deep/.*", 4),
    ],
)
def test_traps_stay_small(run: Run, name: str, pattern: str, bound: int) -> None:
    assert 1 <= len(run.requests_to(run.hostile, pattern)) <= bound


# -- size ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["size.huge", "size.huge_chunked"])
def test_oversize_cut(run: Run, name: str) -> None:
    [reason] = reasons(run, name)
    assert reason.startswith("too large:") and str(SIZE_LIMIT) in reason
    assert case_url(run.hostile, name) not in run.record_urls()


def test_gzip_bomb_cut_and_archived_compressed(run: Run) -> None:
    url = case_url(run.hostile, "size.gzip_bomb")
    [reason] = reasons(run, "size.gzip_bomb")
    assert reason.startswith("decompression bomb:")
    assert url in run.warc_responses()


def test_big_table_page_fetched(run: Run) -> None:
    url = case_url(run.hostile, "size.big_table")
    assert url in run.warc_responses()
    assert run.errors_for(url) == []


# -- documents -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("doc.malformed_pdf", "pdf:"),
        ("doc.encrypted_pdf", "pdf:"),
        ("doc.corrupt_docx", "docx: not a readable Word document"),
        ("doc.random_doc", "unknown format"),
    ],
)
def test_broken_documents_explained(run: Run, name: str, expected: str) -> None:
    url = case_url(run.hostile, name)
    assert [(s, r[: len(expected)]) for s, r in run.errors_for(url)] == [("clean", expected)]
    assert url in run.warc_responses()
    assert url not in run.record_urls()


@pytest.mark.parametrize("name", ["doc.zip_slip_docx", "doc.pdf_as_docx", "doc.docx_as_pdf"])
def test_disguised_documents_extract(run: Run, name: str) -> None:
    url = case_url(run.hostile, name)
    truth = next(t for t in run.hostile.ground_truth() if t["url"] == url)
    record = next(r for r in run.records() if r["source"]["url"] == url)
    assert record["source"]["format"] == truth["format"]


# -- the run as a whole --------------------------------------------------------------------


def test_normal_portal_complete(run: Run) -> None:
    expected = {t["url"] for t in run.farm.ground_truth() if t["site"] == run.normal_site}
    assert expected and expected <= run.record_urls()
    normal = {u for u, _, _ in run.errors() if u.startswith(run.farm.urls[run.normal_site])}
    assert normal == set()


def test_hostile_reachable_reports_found(run: Run) -> None:
    """Every report linked from the list page or from a found report page is a record."""
    site = run.hostile
    linked = linked_paths(site, "/xxgk/")
    found = run.record_urls()
    for truth in site.ground_truth():
        parents = {t["path"] for t in site.ground_truth() if t["url"] in found}
        reachable = truth["path"] in linked or (
            truth.get("parent_path") in parents
            and truth["path"] in linked_paths(site, truth["parent_path"])
        )
        if reachable:
            assert truth["url"] in found, truth["title"]


def test_every_failure_counted_in_summary(run: Run) -> None:
    [hostile] = [n for n in run.summary["errors"] if "127_0_0_1" in n and run.summary["errors"][n]]
    assert run.summary["errors"][hostile] == len(
        [u for u, _, _ in run.errors() if u.startswith(run.hostile.url)]
    )
