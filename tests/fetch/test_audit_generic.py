"""Generic discovery on the page shapes a discovery audit found losing reports.

下一页 chains whose URLs name no column, a page budget spent on ordinary items before the 年报
column, notices wrapping a report, list titles cut with "…", decoys named like reports, dated
article folders taken for calendars, script-opened links, framed lists, table rows with the
file behind a "下载" link, and a registry entry of the `generic` family.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy.http import Request
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from govcrawl.fetch.families import FAMILY_SPIDERS, DetectingSpider
from govcrawl.fetch.families.generic import GenericSpider
from govcrawl.fetch.families.trs import TrsSpider
from govcrawl.fetch.fingerprint import probe_site
from govcrawl.fetch.guard import TrapFilter
from govcrawl.fetch.recognize import classify_title, is_truncated_report
from govcrawl.signals import stage_failed
from tests.fetch.conftest import html, items_of, make_spider, requests_of

BASE = "http://127.0.0.1:8001"
REPORT = "某县人民政府2023年政府信息公开工作年度报告"


def generic(**attrs: Any) -> GenericSpider:
    """A plain GenericSpider for the portal at BASE (no other family in front of it)."""
    fields = {"name": "audit", "portal": "audit", "start_urls": [f"{BASE}/"], **attrs}
    return type("AuditGenericSpider", (GenericSpider,), fields)()


def page(body: str) -> str:
    return f"<html><head><title>列表</title></head><body>{body}</body></html>"


def urls(results: Any) -> list[str]:
    return [r.url for r in requests_of(results)]


# -- 5: 下一页 ---------------------------------------------------------------------------------


def list_page(n: int, depth: int = 1) -> Any:
    body = page(
        f'<ul><li><a href="show.php?id={n}">某县{2024 - n}年政府信息公开工作年度报告</a></li></ul>'
        f'<div class="pager">第{n}页 <a href="list.php?cid=7&amp;page=1">首页</a> '
        f'<a href="list.php?cid=7&amp;page={n + 1}">下一页</a></div>'
    )
    url = f"{BASE}/gk/list.php?cid=7&page={n}"
    return html(url, body, meta={"discovery_depth": depth})


def test_next_page_of_a_report_list_followed_whatever_its_url() -> None:
    spider = generic()
    requests = requests_of(spider.parse(list_page(3)))
    [nxt] = [r for r in requests if r.url.endswith("page=4")]
    assert nxt.meta["discovery_depth"] == 1  # the same list, not one level deeper
    assert nxt.meta["depth_reset"]  # nor for Scrapy's DEPTH_LIMIT
    assert f"{BASE}/gk/show.php?id=3" in urls(requests)


def test_next_page_followed_at_the_depth_limit() -> None:
    spider = generic()
    assert f"{BASE}/gk/list.php?cid=7&page=4" in urls(
        spider.parse(list_page(3, depth=spider.max_depth))
    )


def test_next_page_of_a_list_without_reports_not_followed() -> None:
    spider = generic()
    body = page('<a href="news.php?id=1">春节放假通知</a> <a href="list.php?page=2">下一页</a>')
    assert urls(spider.parse(html(f"{BASE}/gk/list.php?page=1", body))) == []


# -- 6: page budget ----------------------------------------------------------------------------


def crowded_column() -> str:
    items = "".join(
        f'<li><a href="/xxgk/content/post_{i}.html">城乡低保资金发放情况公示（第{i}期）</a></li>'
        for i in range(40)
    )
    return page(f'<ul>{items}</ul><a href="/xxgk/ndbg/index.html">政府信息公开年报</a>')


def test_report_column_claims_the_budget_before_ordinary_items() -> None:
    spider = generic(max_pages=20)
    requests = requests_of(spider.parse(html(f"{BASE}/xxgk/index.html", crowded_column())))
    assert requests[0].url == f"{BASE}/xxgk/ndbg/index.html"
    assert requests[0].priority > max(r.priority for r in requests[1:])
    # ordinary items leave the last quarter of the budget to report columns and next pages
    assert len(requests) == 1 + 14


@pytest.mark.parametrize("family", [GenericSpider, TrsSpider])
def test_budget_exhaustion_is_an_error_row_naming_portal_and_budget(family: type) -> None:
    """Every family, not generic discovery alone: a claimed page past the budget is one row."""
    cls = type(
        "AuditBudgetSpider",
        (family,),
        {
            "name": "audit_budget",
            "portal": "audit_budget",
            "start_urls": [f"{BASE}/"],
            "max_pages": 3,
        },
    )
    crawler = get_crawler(cls)
    crawler._apply_settings()
    spider = cls.from_crawler(crawler)
    crawler.spider = spider
    rows: list[tuple[str, str, str]] = []

    def row(url: str, stage: str, reason: str, **_: Any) -> None:
        rows.append((url, stage, reason))

    crawler.signals.connect(row, signal=stage_failed)
    requests = [spider.page_request(f"{BASE}/zwgk/c{i}/") for i in range(6)]
    assert len([r for r in requests if r is not None]) == 3
    [(url, stage, reason)] = rows  # once, not once per refused page
    assert url == f"{BASE}/zwgk/c3/" and stage == "fetch"
    assert "audit_budget" in reason and "3" in reason and "max_pages" in reason
    assert crawler.stats.get_value("govcrawl/fetch/budget_exhausted") == 3


def test_reserved_budget_refusal_says_how_much_was_used() -> None:
    cls = type(
        "AuditReserveSpider",
        (GenericSpider,),
        {"name": "audit_reserve", "portal": "audit_reserve", "start_urls": [f"{BASE}/"]},
    )
    crawler = get_crawler(cls)
    crawler._apply_settings()
    spider = cls.from_crawler(crawler)
    rows: list[str] = []

    def row(url: str, stage: str, reason: str, **_: Any) -> None:
        rows.append(reason)

    crawler.signals.connect(row, signal=stage_failed)
    spider.max_pages = 20
    list(spider.parse(html(f"{BASE}/xxgk/index.html", crowded_column())))
    assert rows == [
        "page budget exhausted: portal audit_reserve used 15 of its 20 list/navigation pages "
        "(max_pages), the rest kept for report columns; further pages not fetched, reports "
        "they list may be missing"
    ]


# -- 7, 10, 13, 15d: titles --------------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "关于公布某县教育局2023年政府信息公开工作年度报告的通知",
        "关于发布2023年度政府信息公开工作年度报告的公告",
        "某市人民政府关于印发《某市2023年政府信息公开工作年度报告》的通知",
        "某县2023年政府信息公开工作年度报告（含预决算公开情况）",
        "某县2023年政府信息公开工作情况的报告",
    ],
)
def test_report_shapes_are_candidates(title: str) -> None:
    assert classify_title(title) == "annual_report"


@pytest.mark.parametrize(
    "title",
    [
        "某县2023年政府信息公开工作年度报告解读",
        "一图读懂某县2023年政府信息公开工作年度报告",
        "某县2023年政府信息公开工作年度报告编制说明",
        "2023年政府信息公开工作年度报告范文(精选5篇)",
        "政府信息公开工作年度报告模板（2023年）",
        "某局2023年政府信息公开工作年度报告3篇",
        "政府信息公开工作年度报告格式要求",
        "附件：政府信息公开申请表.docx",
        "关于做好2023年政府信息公开工作年度报告编制发布工作的通知",
        "关于印发2023年政务公开工作要点的通知",
        "某县2023年部门预决算（含政府信息公开工作年度报告）",
    ],
)
def test_decoys_rejected(title: str) -> None:
    assert classify_title(title) == "not_annual_report"


@pytest.mark.parametrize(
    ("title", "truncated"),
    [
        ("某局2023年政府信息公开工…", True),
        ("某县人民政府2023年政府信息...", True),
        ("某县2023年政府信息公开工作年度报告", False),
        ("政府信息公开年报…", False),
        ("通知公告…", False),
    ],
)
def test_truncated_report_titles(title: str, truncated: bool) -> None:
    assert is_truncated_report(title) is truncated


def test_notice_and_truncated_titles_fetched_as_report_pages() -> None:
    spider = generic()
    body = page(
        '<a href="/zwgk/ndbg/a1.html">关于公布某县教育局2023年政府信息公开工作年度报告的通知</a>'
        '<a href="/zwgk/ndbg/a2.html">某县水务局2023年政府信息公开工…</a>'
    )
    requests = requests_of(spider.parse(html(f"{BASE}/zwgk/ndbg/", body)))
    assert [r.url for r in requests] == [f"{BASE}/zwgk/ndbg/a1.html", f"{BASE}/zwgk/ndbg/a2.html"]
    assert all(r.callback == spider.parse_article for r in requests)
    # the truncated one is decided by the page's own title
    own = html(
        f"{BASE}/zwgk/ndbg/a2.html",
        "<html><head><title>某县水务局2023年政府信息公开工作年度报告</title></head><body></body></html>",
        meta=requests[1].meta,
    )
    assert len(items_of(spider.parse_article(own))) == 1


# -- 11: dated folders -------------------------------------------------------------------------


def trap_filter() -> tuple[TrapFilter, list[str]]:
    rows: list[str] = []
    crawler = SimpleNamespace(
        settings=Settings({"GOVCRAWL_TRAP_DATES": 3}),
        stats=SimpleNamespace(inc_value=lambda *a, **k: None),
        signals=SimpleNamespace(
            send_catch_log=lambda signal, url, stage, reason: rows.append(reason)
        ),
    )
    return TrapFilter(crawler), rows  # type: ignore[arg-type]


def test_dated_report_folders_are_no_calendar() -> None:
    spider = generic()
    traps, rows = trap_filter()
    articles = [
        Request(
            f"{BASE}/zwgk/content/{2015 + i}-01/15/content_{i}.html", callback=spider.parse_article
        )
        for i in range(8)
    ]
    files = [
        Request(f"{BASE}/upload/{2015 + i}0115/{i}.pdf", callback=spider.parse_attachment)
        for i in range(8)
    ]
    kept = list(traps.filter(html(f"{BASE}/zwgk/ndbg/", page("")), [*articles, *files]))
    assert len(kept) == 16 and rows == []


def test_dated_list_pages_still_capped() -> None:
    spider = generic()
    traps, rows = trap_filter()
    lists = [
        Request(f"{BASE}/calendar?date=2024-01-0{d}", callback=spider.parse) for d in range(1, 8)
    ]
    kept = list(traps.filter(html(f"{BASE}/calendar?date=2024-01-01", page("")), lists))
    assert len(kept) == 3 and rows[0].startswith("trap: calendar")


# -- 12: link shapes ---------------------------------------------------------------------------


def test_script_opened_link_and_framed_list() -> None:
    spider = generic()
    body = page(
        f'<a href="javascript:void(0)" onclick="window.open(\'/gkpt/art/71.html\')">{REPORT}</a>'
        '<iframe src="/gkpt/nblist.html"></iframe>'
        '<iframe src="/pdfjs/web/viewer.html?file=/upload/a.pdf"></iframe>'
    )
    requests = requests_of(spider.parse(html(f"{BASE}/gkpt/", body)))
    assert [r.url for r in requests] == [f"{BASE}/gkpt/art/71.html", f"{BASE}/gkpt/nblist.html"]
    assert requests[0].callback == spider.parse_article


def test_table_row_title_names_the_file_behind_a_download_link_or_icon() -> None:
    spider = generic()
    rows = "".join(
        f"<tr><td>某镇人民政府{y}年政府信息公开工作年度报告</td><td>{y + 1}-01-15</td>"
        f"<td>{link}</td></tr>"
        for y, link in [
            (2023, '<a href="/uploads/1.pdf">下载</a>'),
            (2022, '<a href="/uploads/2.pdf"><img src="/img/pdf.gif"></a>'),
        ]
    )
    requests = requests_of(spider.parse(html(f"{BASE}/zwgk/", page(f"<table>{rows}</table>"))))
    assert [r.url for r in requests] == [f"{BASE}/uploads/1.pdf", f"{BASE}/uploads/2.pdf"]
    assert requests[1].meta["title_hint"] == "某镇人民政府2022年政府信息公开工作年度报告"
    assert all(r.callback == spider.parse_attachment for r in requests)


def test_report_on_another_host_is_counted() -> None:
    cls = type(
        "AuditOffsiteSpider",
        (GenericSpider,),
        {"name": "audit_off", "portal": "audit_off", "start_urls": [f"{BASE}/"]},
    )
    crawler = get_crawler(cls)
    crawler._apply_settings()
    spider = cls.from_crawler(crawler)
    body = page(f'<a href="http://localhost:8001/xxgk/ndbg/a4.html">{REPORT}</a>')
    assert requests_of(spider.parse(html(f"{BASE}/xxgk/ndbg/", body))) == []
    assert crawler.stats.get_value("govcrawl/fetch/off_site_report") == 1


# -- 14: the generic family of the registry ----------------------------------------------------


def test_generic_registry_entry_runs_the_detecting_spider() -> None:
    assert FAMILY_SPIDERS["generic"] is DetectingSpider
    spider = make_spider("generic", f"{BASE}/")
    body = page(
        '<a href="./202301/t20230115_1.html">某县2023年政府信息公开工作年度报告</a>'
        '<script>createPageHTML(3, 0, "index", "html");</script>'
    )
    found = urls(spider.parse(html(f"{BASE}/bmnb/index.html", body)))
    assert f"{BASE}/bmnb/index_2.html" in found


# -- 14: fingerprinting reaches the report column through the disclosure page ----------------

TRS_COLUMN = page(
    '<a href="./202301/t20230115_1.html">某县2023年政府信息公开工作年度报告</a>'
    '<script>createPageHTML(3, 0, "index", "html");</script>'
)
SITE = {
    "/": page('<a href="/xxgk/">政府信息公开</a> <a href="/hdjl/">互动交流</a>'),
    "/xxgk/": page('<a href="/xxgk/ndbg/index.html">政府信息公开年报</a>'),
    "/xxgk/ndbg/index.html": TRS_COLUMN,
}


@pytest.fixture
def two_hop_site() -> Iterator[str]:
    """A portal on 127.0.0.1 whose home page links the 年报 column only via 政府信息公开."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = SITE.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            data = (body or "not found").encode()
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_probe_follows_the_disclosure_page_to_the_report_column(two_hop_site: str) -> None:
    assert probe_site(two_hop_site, timeout=5).family == "trs"
