"""Discovery shapes the family spiders once lost reports on (the discovery audit's findings).

Each test is a small page in a shape real portals use: TRS pagers given through script
variables, list pages that are also menus (a home page's newest-reports block beside its 年报
link, a county column's side menu of department sub-columns), a column shown first on a home
page, download scripts and embedded viewers instead of `.pdf` links, site logos in the first
<h1>, junk tooltips, `<base href>`, and Hanweb configs in camelCase.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from scrapy.http import Request
from warcio.archiveiterator import ArchiveIterator

from govcrawl.fetch.base import (
    ReportSpider,
    embedded_document,
    is_attachment_url,
    link_title,
    links_where,
)
from govcrawl.fetch.families.hanweb import column_config
from govcrawl.fetch.families.trs import TrsPager, parse_pager
from govcrawl.fetch.oneoff import spider_for_url
from tests.fetch import audit_family_sites
from tests.fetch.conftest import html, items_of, make_spider, raw, requests_of

REPO = Path(__file__).resolve().parents[2]
BASE = "http://127.0.0.1:8001"
REPORT = "某县教育局2023年政府信息公开工作年度报告"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"


def page_urls(spider: ReportSpider, requests: list[Request]) -> list[str]:
    return sorted(r.url for r in requests if r.callback == spider.parse)


def article_urls(spider: ReportSpider, requests: list[Request]) -> list[str]:
    return sorted(r.url for r in requests if r.callback == spider.parse_article)


# -- 1: TRS pager through variables ----------------------------------------------------------

COUNT_PAGE = """<script>var currentPage = 2;//所在页从0开始
var prevPage = currentPage-1;
var nextPage = currentPage+1;
var countPage = 35;//共多少页
createPageHTML(countPage, currentPage, "index", "html");</script>"""

OLD_TEMPLATE = """<script language="JavaScript">
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){ /* … */ }
</script><script>var _nPageCount = 7; var _nCurrIndex = 0;
var _sPageName = "index"; var _sPageExt = "shtml";
createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt);</script>"""


@pytest.mark.parametrize(
    ("script", "pager"),
    [
        (COUNT_PAGE, TrsPager(35, 2, "index", "html")),
        (OLD_TEMPLATE, TrsPager(7, 0, "index", "shtml")),
        (
            "<script>var n = 4; createPageHTML('page_div', n, 1, 'index', 'html', 22);</script>",
            TrsPager(4, 1, "index", "html"),
        ),
        ('<script>createPageHTML(countPage, 0, "index", "html");</script>', None),
    ],
)
def test_trs_pager_given_through_variables(script: str, pager: TrsPager | None) -> None:
    assert parse_pager(script) == pager


def test_trs_list_with_variable_pager_requests_every_page() -> None:
    url = f"{BASE}/xxgk/ndbg/index_2.html"
    spider = make_spider("trs", f"{BASE}/xxgk/ndbg/index.html", max_pages=100)
    spider.pages_seen.update({url, f"{BASE}/xxgk/ndbg/index.html"})
    body = f"""<ul class="list-ul"><li><a href="./202401/t20240115_4002.html"
        title="{REPORT}">某县教育局…</a></li></ul>{COUNT_PAGE}"""
    pages = page_urls(spider, requests_of(spider.parse(html(url, body))))
    assert len(pages) == 33  # every page but index.html (the start page) and itself
    assert f"{BASE}/xxgk/ndbg/index_34.html" in pages


# -- 3/4: a family list page is also a menu ---------------------------------------------------

HOME = f"""<div class="zxnb"><h3>最新年报</h3><ul>
<li><a href="{{article}}" title="{REPORT}">{REPORT}</a></li></ul>
<a href="{{column}}">更多</a></div>
<div class="nav"><a href="{{column}}">政府信息公开年报</a> <a href="/news/index.html">新闻中心</a>
<a href="/zwgk/zfxxgkzn/index.html">政府信息公开指南</a></div>"""

FAMILY_SHAPES = {
    "trs": ("/xxgk/ndbg/202401/t20240115_600.html", "/xxgk/ndbg/index.html"),
    "vsb": ("/info/1234/5678.htm", "/xxgk/ndbg.htm"),
    "ucap": ("/art/2024/1/15/art_4512_600.shtml", "/xxgk/ndbg/index.shtml"),
}


@pytest.mark.parametrize("family", sorted(FAMILY_SHAPES))
def test_home_page_with_report_links_still_follows_the_report_column(family: str) -> None:
    article, column = FAMILY_SHAPES[family]
    spider = make_spider(family, f"{BASE}/")
    body = HOME.format(article=article, column=column)
    requests = requests_of(spider.parse(html(f"{BASE}/", body)))
    assert article_urls(spider, requests) == [BASE + article]
    pages = page_urls(spider, requests)
    assert BASE + column in pages
    assert f"{BASE}/zwgk/zfxxgkzn/index.html" not in pages  # a look-alike column
    assert len([r for r in requests if r.url == BASE + column]) == 1


SIDE_MENU = f"""<div class="leftnav"><h3>部门年报</h3>
<a href="./bm/jyj/index.html">某县教育局</a><a href="./bm/czj/">某县财政局</a></div>
<div class="menu"><a href="/xwzx/index.html">新闻中心</a>
<a href="/xxgk/tzgg/index.html">通知公告</a>
<a href="./bm/jyj/202401/detail.html">某县教育局简介</a></div>
<ul class="list-ul"><li><a href="./202401/t20240110_100.html" title="{REPORT}">{REPORT}</a></li>
</ul><script>createPageHTML(2, 0, "index", "html");</script>"""


def test_list_page_follows_the_sub_columns_of_its_own_folder_only() -> None:
    spider = make_spider("trs", f"{BASE}/xxgk/ndbg/index.html")
    spider.pages_seen.add(f"{BASE}/xxgk/ndbg/index.html")
    requests = requests_of(spider.parse(html(f"{BASE}/xxgk/ndbg/index.html", SIDE_MENU)))
    assert page_urls(spider, requests) == [
        f"{BASE}/xxgk/ndbg/bm/czj/",
        f"{BASE}/xxgk/ndbg/bm/jyj/index.html",
        f"{BASE}/xxgk/ndbg/index_1.html",
    ]
    sub = next(r for r in requests if r.url.endswith("/bm/jyj/index.html"))
    assert sub.meta["discovery_depth"] == 1


def test_sub_columns_stop_at_the_depth_limit() -> None:
    spider = make_spider("trs", f"{BASE}/xxgk/ndbg/index.html")
    url = f"{BASE}/xxgk/ndbg/index.html"
    spider.pages_seen.add(url)
    deep = html(url, SIDE_MENU, meta={"discovery_depth": spider.max_depth})
    assert page_urls(spider, requests_of(spider.parse(deep))) == [f"{BASE}/xxgk/ndbg/index_1.html"]


def test_one_off_spider_reads_a_home_page_with_news_links_as_navigation_too() -> None:
    """A TRS home page lists news (article-shaped links) and no pager: it is no known column,
    so its 政府信息公开 link is followed as well."""
    cls = spider_for_url(f"{BASE}/", family="generic")
    spider = cls()
    body = """<ul><li><a href="/xwzx/202401/t20240105_1.html">县长调研春耕</a></li></ul>
    <a href="/xxgk/">政府信息公开</a>"""
    requests = requests_of(spider.parse(html(f"{BASE}/", body)))
    assert f"{BASE}/xxgk/" in page_urls(spider, requests)


# -- 2: stale pagination judged within the column ---------------------------------------------


def _list(links: list[str], count: int, current: int) -> str:
    items = "".join(f'<li><a href="{u}" title="{REPORT}">{REPORT}</a></li>' for u in links)
    return f'<ul>{items}</ul><script>createPageHTML({count}, {current}, "index", "html");</script>'


def test_column_shown_first_on_the_home_page_is_still_paged() -> None:
    column = f"{BASE}/xxgk/ndbg/index.html"
    spider = make_spider("trs", f"{BASE}/", column)
    spider.pages_seen.update({f"{BASE}/", column})
    first = ["/xxgk/ndbg/202401/t20240110_600.html", "/xxgk/ndbg/202401/t20240111_601.html"]
    home = "".join(f'<a href="{u}" title="{REPORT}">{REPORT}</a>' for u in first)
    list(spider.parse(html(f"{BASE}/", home)))
    pages = page_urls(spider, requests_of(spider.parse(html(column, _list(first, 3, 0)))))
    assert pages == [f"{BASE}/xxgk/ndbg/index_1.html", f"{BASE}/xxgk/ndbg/index_2.html"]


def test_a_page_repeating_its_own_column_is_still_stale() -> None:
    column = f"{BASE}/xxgk/ndbg/index.html"
    spider = make_spider("trs", column)
    first = ["/xxgk/ndbg/202401/t20240110_600.html"]
    spider.pages_seen.add(column)
    list(spider.parse(html(column, _list(first, 3, 0))))
    again = f"{BASE}/xxgk/ndbg/index_1.html"
    assert page_urls(spider, requests_of(spider.parse(html(again, _list(first, 4, 1))))) == []


# -- 8 and 12d: attachments behind download scripts and viewers ------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (f"{BASE}/module/download/downfile.jsp?classid=0&filename=2401150003.pdf", True),
        (f"{BASE}/common/download.jsp?id=8812", True),
        (f"{BASE}/attach/DownLoad.aspx?fileId=77", True),
        (f"{BASE}/api/file/get?name=report.docx", True),
        (f"{BASE}/common/download.jsp", False),
        (f"{BASE}/common/download.jsp?type=news", False),
        (f"{BASE}/pdfjs/web/viewer.html?file=/upload/a.pdf", False),
        (f"{BASE}/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=15", False),
    ],
)
def test_download_endpoints_are_attachments(url: str, expected: bool) -> None:
    assert is_attachment_url(url) is expected


def test_viewer_pages_show_their_document() -> None:
    viewer = f"{BASE}/pdfjs/web/viewer.html"
    assert embedded_document(f"{viewer}?file=/upload/nb/a1.pdf") == f"{BASE}/upload/nb/a1.pdf"
    assert embedded_document(f"{viewer}?file=..%2F..%2Fup%2Fa.pdf") == f"{BASE}/up/a.pdf"
    assert embedded_document(f"{viewer}?file=") is None
    assert embedded_document(f"{BASE}/x.html?url=/a.html") is None


REPORT_PAGE = """<html><head><title>{title}</title></head><body><h1>{title}</h1>
<div class="TRS_Editor"><p>详见附件。</p>{extra}</div></body></html>"""


def _attachments(extra: str, url: str = f"{BASE}/art/2024/1/15/art_1_1.html") -> list[Request]:
    spider = make_spider("hanweb", f"{BASE}/")
    page = html(url, REPORT_PAGE.format(title=REPORT, extra=extra), meta={"title_hint": REPORT})
    results = list(spider.parse_article(page))
    assert items_of(results)  # the page itself is still a report
    return [r for r in requests_of(results) if r.callback == spider.parse_attachment]


def test_report_page_follows_download_script_links() -> None:
    extra = f"""<a href="/module/download/downfile.jsp?classid=0&filename=1.pdf">{REPORT}.pdf</a>
    <a href="/common/download.jsp?id=8812">附件：{REPORT}</a>
    <a href="/files/get?k=9">附件1：{REPORT}.docx</a><a href="/xxgk/other.html">其他</a>"""
    requests = _attachments(extra)
    assert sorted(r.url for r in requests) == [
        f"{BASE}/common/download.jsp?id=8812",
        f"{BASE}/files/get?k=9",
        f"{BASE}/module/download/downfile.jsp?classid=0&filename=1.pdf",
    ]
    assert all(r.meta["sniff"] for r in requests)


def test_report_page_follows_embedded_and_viewer_documents() -> None:
    extra = """<iframe src="/pdfjs/web/viewer.html?file=/upload/nb/a1.pdf"></iframe>
    <embed src="../upload/nb/a2.pdf" type="application/pdf"><object data="a3.pdf"></object>
    <iframe src="/share/player.html"></iframe>"""
    requests = _attachments(extra, f"{BASE}/xxgk/ndbg/a.html")
    assert sorted(r.url for r in requests) == [
        f"{BASE}/upload/nb/a1.pdf",
        f"{BASE}/xxgk/ndbg/a3.pdf",
        f"{BASE}/xxgk/upload/nb/a2.pdf",
    ]
    assert {r.meta["title_hint"] for r in requests} == {REPORT}


@pytest.mark.parametrize(
    ("headers", "body", "kept"),
    [
        ({"Content-Type": "application/pdf"}, PDF, True),
        (
            {"Content-Type": "application/octet-stream", "Content-Disposition": "attachment"},
            b"\xd0\xcf\x11\xe0rest",
            True,
        ),
        ({"Content-Type": "application/octet-stream"}, PDF, True),
        ({"Content-Type": "text/html; charset=utf-8"}, "<html>请登录</html>".encode(), False),
    ],
)
def test_a_sniffed_attachment_counts_only_as_a_document(
    headers: dict, body: bytes, kept: bool
) -> None:
    spider = make_spider("hanweb", f"{BASE}/")
    url = f"{BASE}/common/download.jsp?id=8812"
    meta = {"parent_url": f"{BASE}/a.html", "list_url": None, "title_hint": REPORT, "sniff": True}
    assert bool(items_of(spider.parse_attachment(raw(url, body, headers, meta=meta)))) is kept


# -- 9: titles -------------------------------------------------------------------------------


def test_site_logo_h1_does_not_hide_the_article_title() -> None:
    spider = make_spider("trs", f"{BASE}/")
    body = f"""<html><head><title>{REPORT}_某县人民政府</title></head><body>
    <div class="header"><h1 class="logo"><a href="/">某县人民政府</a></h1></div>
    <div class="xl-title">{REPORT}</div><div class="TRS_Editor">…</div></body></html>"""
    page = html(f"{BASE}/a.html", body, meta={"title_hint": "某县教育局2023年政府信…"})
    assert items_of(spider.parse_article(page))
    no_title = body.replace(f"<title>{REPORT}_某县人民政府</title>", "")
    assert spider.page_title(html(f"{BASE}/b.html", no_title)) == REPORT


def test_page_title_keeps_the_first_h1_when_it_names_the_page() -> None:
    body = "<title>某县人民政府</title><h1>某县2023年政务公开工作要点</h1><h1>某县人民政府</h1>"
    assert ReportSpider.page_title(html(f"{BASE}/a.html", body)) == "某县2023年政务公开工作要点"


@pytest.mark.parametrize(
    ("anchor", "expected"),
    [
        (f'<a title="点击查看详情">{REPORT[:14]}…</a>', f"{REPORT[:14]}…"),
        (f'<a title="点击查看详情">{REPORT}</a>', REPORT),
        (f'<a title="{REPORT}">{REPORT[:8]}…</a>', REPORT),
        (f'<a title="{REPORT[:-2]}">某县教育局…</a>', REPORT[:-2]),
        ('<a title="查看">政府信息公开年报</a>', "政府信息公开年报"),
    ],
)
def test_link_title_prefers_the_text_over_a_junk_tooltip(anchor: str, expected: str) -> None:
    [link] = html(f"{BASE}/", f"<html><body>{anchor}</body></html>").css("a")
    assert link_title(link) == expected


# -- 12a: <base href> ------------------------------------------------------------------------


def test_list_links_are_joined_against_base_href() -> None:
    url = f"{BASE}/xxgk/bmnb/sub/index_3.html"
    body = f"""<html><head><base href="/xxgk/bmnb/"></head><body>
    <a href="202402/t20240201_7003.html" title="{REPORT}">x</a></body></html>"""
    assert links_where(html(url, body), lambda u: True) == [
        (f"{BASE}/xxgk/bmnb/202402/t20240201_7003.html", REPORT)
    ]


def test_report_page_attachments_are_joined_against_base_href() -> None:
    extra = '<a href="P020240201.pdf">附件：报告.pdf</a>'
    body = REPORT_PAGE.format(title=REPORT, extra=extra).replace(
        "<head>", '<head><base href="/xxgk/bmnb/202402/">'
    )
    spider = make_spider("trs", f"{BASE}/")
    page = html(f"{BASE}/show/a.html", body, meta={"title_hint": REPORT})
    [request] = requests_of(spider.parse_article(page))
    assert request.url == f"{BASE}/xxgk/bmnb/202402/P020240201.pdf"


# -- 15b: Hanweb config spelled in camelCase -------------------------------------------------


def test_hanweb_config_keys_in_any_case() -> None:
    page = """<script>$('#8765').jpage({ perPage: 10, proxyUrl: '/module/web/jpage/dataproxy.jsp',
    ajaxParam: {webid:'3', columnId:'4321', unitId:'8765', webName:'环县', totalRecord: 32}});
    </script>"""
    config = column_config(page)
    assert config["perpage"] == "10"
    assert (config["columnid"], config["unitid"], config["webid"]) == ("4321", "8765", "3")
    assert config["totalRecord"] == "32"
    assert config["proxyUrl"] == "/module/web/jpage/dataproxy.jsp"


# -- a whole crawl of a portal in these shapes -----------------------------------------------


def _archived(warc_dir: Path) -> set[str]:
    paths = set()
    for warc in warc_dir.glob("*.warc.gz"):
        with warc.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response":
                    parts = urlsplit(record.rec_headers.get_header("WARC-Target-URI"))
                    paths.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths


def test_crawl_from_the_home_page_finds_every_report_and_no_menu_page(tmp_path: Path) -> None:
    """`govcrawl crawl URL` from the home page: the column behind the newest-reports block, its
    variable pager, its department sub-column and the file behind a download script — and not
    the news column its side menu also links."""
    feed = tmp_path / "items.jsonl"
    feeds = {str(feed): {"format": "jsonlines", "fields": ["source_url", "kind"]}}
    with audit_family_sites.serve() as base:
        done = subprocess.run(
            [sys.executable, "-m", "govcrawl", "crawl", f"{base}/", "--out", str(tmp_path / "out"),
             "--quiet", "-s", "ITEM_PIPELINES={}", "-s", f"FEEDS={json.dumps(feeds)}"],
            cwd=REPO, capture_output=True, text=True, timeout=240, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]
        found = {json.loads(line)["source_url"].removeprefix(base) for line in feed.open()}
    assert found == audit_family_sites.REPORTS
    archived = _archived(tmp_path / "out" / "warc")
    assert "/xxgk/ndbg/bm/jyj/index.html" in archived
    assert "/xwzx/index.html" not in archived


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("/xxgk/ndbg/index.html", "/xxgk/ndbg/", True),
        ("/xxgk/ndbg/", "/xxgk/ndbg/default.htm", True),
        ("/xxgk/ndbg/index.shtml", "/xxgk/ndbg/index_1.shtml", False),  # page 2 of the list
        ("/list.jsp?cid=1", "/", False),
        ("/xxgk/ndbg/index.html", "/xxgk/bmnb/", False),
    ],
)
def test_a_folder_and_its_index_page_are_fetched_once(first: str, second: str, same: bool) -> None:
    """A menu links the column's folder, its breadcrumb the folder's index page: one page."""
    spider = make_spider("trs", f"{BASE}/")
    assert spider.claim_page(BASE + first)
    assert spider.claim_page(BASE + second) is not same
