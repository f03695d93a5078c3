"""Each CMS family's list parsing, on small pages in the shapes of docs/architecture.md."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from scrapy.http import FormRequest, Request

from govcrawl.fetch.families.hanweb import column_config, dataproxy_form, records, total_records
from govcrawl.fetch.families.jsonapi import browser_meta
from govcrawl.fetch.families.trs import TrsPager, parse_pager
from govcrawl.fetch.families.vsb import pager_urls
from govcrawl.fetch.oneoff import spider_for_url
from tests.fetch.conftest import html, items_of, make_spider, requests_of

BASE = "http://127.0.0.1:8001"
REPORT = "某县人民政府2023年政府信息公开工作年度报告"
DECOY = "某县人民政府2023年政务公开工作要点"

# -- TRS -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("script", "pager"),
    [
        ('createPageHTML(3, 0, "index", "html");', TrsPager(3, 0, "index", "html")),
        ("createPageHTML( 5,2,'index','shtml' )", TrsPager(5, 2, "index", "shtml")),
        ("createPageHTML('page_div', 4, 1, 'index', 'html', 22);", TrsPager(4, 1, "index", "html")),
        ("document.write('no pager')", None),
    ],
)
def test_trs_pager_both_call_forms(script: str, pager: TrsPager | None) -> None:
    assert parse_pager(f"<script>{script}</script>") == pager


def test_trs_page_names() -> None:
    assert TrsPager(3, 0, "index", "html").page_names() == [
        "index.html",
        "index_1.html",
        "index_2.html",
    ]


TRS_LIST = f"""<html><body><ul class="list-ul">
<li><a href="./202401/t20240115_412345.html" target="_blank" title="{REPORT}">某县…</a></li>
<li><a href="./202402/t20240201_412346.html" title="{DECOY}">{DECOY}</a></li>
</ul><div id="page_div"><script>createPageHTML(3, 0, "index", "html");</script></div>
<a href="/private/x.html">内部</a></body></html>"""


def test_trs_list_page_yields_articles_and_every_page() -> None:
    spider = make_spider("trs", f"{BASE}/xxgk/ndbg/index.html")
    spider.pages_seen.add(f"{BASE}/xxgk/ndbg/index.html")
    requests = requests_of(spider.parse(html(f"{BASE}/xxgk/ndbg/index.html", TRS_LIST)))
    articles = [r for r in requests if r.callback == spider.parse_article]
    assert [r.url for r in articles] == [f"{BASE}/xxgk/ndbg/202401/t20240115_412345.html"]
    assert articles[0].meta["title_hint"] == REPORT
    pages = sorted(r.url for r in requests if r.callback == spider.parse)
    assert pages == [f"{BASE}/xxgk/ndbg/index_1.html", f"{BASE}/xxgk/ndbg/index_2.html"]


# -- Hanweb ----------------------------------------------------------------------------------

NEXTGROUP = (
    '<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=7&path=/&columnid=1234'
    '&unitid=5678&webname=某县&permissiontype=0"></a>'
)


def _record(href: str, title: str) -> str:
    li = f'<li><a href="{href}" title="{title}">{title}</a><span>2024-01-15</span></li>'
    return f"<record><![CDATA[{li}]]></record>"


HANWEB_COLUMN = f"""<html><head><meta charset="gb2312"></head><body>
<div id="5678"><script type="text/xml"><datastore>
<nextgroup><![CDATA[{NEXTGROUP}]]></nextgroup>
<recordset>
{_record("/art/2024/1/15/art_1234_56789.html", REPORT)}
{_record("/art/2024/1/16/art_1234_56790.html", DECOY)}
</recordset></datastore></script></div>
<script>var webid = 7; var columnid = 1234; var unitid = 5678;
var perpage = 2; var totalRecord = 5; var webname = '某县';</script></body></html>"""

DATAPROXY_XML = f"""<?xml version="1.0" encoding="GBK"?>
<datastore><totalrecord>5</totalrecord><recordset>
{_record("/art/2023/1/5/art_1234_1.html", REPORT)}
</recordset></datastore>"""


def test_hanweb_records_and_config() -> None:
    assert records(HANWEB_COLUMN) == [
        ("/art/2024/1/15/art_1234_56789.html", REPORT),
        ("/art/2024/1/16/art_1234_56790.html", DECOY),
    ]
    config = column_config(HANWEB_COLUMN)
    assert (config["columnid"], config["unitid"], config["webid"]) == ("1234", "5678", "7")
    assert (config["perpage"], config["totalRecord"], config["webname"]) == ("2", "5", "某县")
    assert total_records(DATAPROXY_XML) == 5
    assert records(DATAPROXY_XML) == [("/art/2023/1/5/art_1234_1.html", REPORT)]


def test_hanweb_column_posts_the_remaining_records() -> None:
    spider = make_spider("hanweb", f"{BASE}/")
    url = f"{BASE}/col/col1234/index.html"
    results = list(spider.parse(html(url, HANWEB_COLUMN, encoding="gbk")))
    articles = [r for r in requests_of(results) if r.callback == spider.parse_article]
    assert [r.url for r in articles] == [f"{BASE}/art/2024/1/15/art_1234_56789.html"]
    posts = [r for r in results if isinstance(r, FormRequest)]
    ranges = [parse_qs(urlsplit(r.url).query) for r in posts]
    assert [(q["startrecord"][0], q["endrecord"][0], q["perpage"][0]) for q in ranges] == [
        ("3", "4", "2"),
        ("5", "6", "2"),
    ]
    assert all(r.method == "POST" for r in posts)
    form = parse_qs(posts[0].body.decode())
    assert form["columnid"] == ["1234"] and form["unitid"] == ["5678"] and form["webid"] == ["7"]
    assert form["webname"] == ["某县"]
    assert posts[0].url.startswith(f"{BASE}/module/web/jpage/dataproxy.jsp?")


def test_hanweb_dataproxy_answer_yields_articles() -> None:
    spider = make_spider("hanweb", f"{BASE}/")
    url = f"{BASE}/module/web/jpage/dataproxy.jsp?startrecord=3&endrecord=4&perpage=2"
    response = html(
        url,
        DATAPROXY_XML,
        encoding="gbk",
        meta={"list_url": f"{BASE}/col/col1234/index.html", "perpage": 2},
    )
    [request] = requests_of(spider.parse_dataproxy(response))
    assert request.url == f"{BASE}/art/2023/1/5/art_1234_1.html"
    assert request.meta["list_url"] == f"{BASE}/col/col1234/index.html"


def test_hanweb_form_body_shape() -> None:
    form = dataproxy_form({"columnid": "1", "unitid": "2", "webid": "3", "webname": "w"})
    assert form == {
        "col": "1",
        "appid": "1",
        "webid": "3",
        "path": "/",
        "columnid": "1",
        "sourceContentType": "1",
        "unitid": "2",
        "webname": "w",
        "permissiontype": "0",
    }


# -- VSB -------------------------------------------------------------------------------------

VSB_FIRST = f"""<html><body><div class="list"><ul>
<li><a href="../info/1234/5678.htm" title="{REPORT}">{REPORT}</a></li>
<li><a href="../info/1234/5679.htm" title="{DECOY}">{DECOY}</a></li></ul></div>
<div class="pb_sys_common"><span class="p_t">共40条 1/4</span>
<span class="p_next"><a href="ndbg/3.htm" class="Next">下页</a></span>
<span class="p_last"><a href="ndbg/1.htm">尾页</a></span></div></body></html>"""


def test_vsb_countdown_pages_from_the_first_page() -> None:
    response = html(f"{BASE}/xxgk/ndbg.htm", VSB_FIRST)
    assert sorted(pager_urls(response)) == [f"{BASE}/xxgk/ndbg/{n}.htm" for n in (1, 2, 3)]


def test_vsb_list_page_yields_articles() -> None:
    spider = make_spider("vsb", f"{BASE}/xxgk/ndbg.htm")
    requests = requests_of(spider.parse(html(f"{BASE}/xxgk/ndbg.htm", VSB_FIRST)))
    articles = [r.url for r in requests if r.callback == spider.parse_article]
    assert articles == [f"{BASE}/info/1234/5678.htm"]


# -- generic ---------------------------------------------------------------------------------

TOWN_HOME = """<html><body><a href="/">首页</a> <a href="/zwgk/">政务公开</a>
<a href="/hdjl/">互动交流</a> <a href="javascript:;">登录</a></body></html>"""
TOWN_LIST = f"""<html><body><p>2024-01-17 <a href="/uploads/2024/01/17051234.pdf">{REPORT}</a></p>
<p><a href="/uploads/2024/01/17059999.docx">{DECOY}</a></p>
<p><a href="/news/1.html">{REPORT.replace("县", "镇")}</a></p></body></html>"""


def test_generic_follows_navigation_by_link_text() -> None:
    spider = make_spider("generic", f"{BASE}/")
    requests = requests_of(spider.parse(html(f"{BASE}/", TOWN_HOME)))
    assert [r.url for r in requests] == [f"{BASE}/zwgk/"]


def test_generic_takes_report_files_and_pages_by_link_text() -> None:
    spider = make_spider("generic", f"{BASE}/")
    requests = requests_of(spider.parse(html(f"{BASE}/zwgk/", TOWN_LIST)))
    by_url = {r.url: r for r in requests}
    assert set(by_url) == {f"{BASE}/uploads/2024/01/17051234.pdf", f"{BASE}/news/1.html"}
    pdf = by_url[f"{BASE}/uploads/2024/01/17051234.pdf"]
    assert pdf.callback == spider.parse_attachment
    assert pdf.meta["parent_url"] == f"{BASE}/zwgk/"
    assert by_url[f"{BASE}/news/1.html"].callback == spider.parse_article


def test_generic_depth_limit() -> None:
    spider = make_spider("generic", f"{BASE}/")
    deep = html(f"{BASE}/zwgk/", TOWN_HOME, meta={"discovery_depth": spider.max_depth})
    assert requests_of(spider.parse(deep)) == []


def test_oneoff_spider_detects_the_cms_per_page() -> None:
    cls = spider_for_url(f"{BASE}/", family="generic")
    spider = cls()
    assert spider.name == "oneoff_127_0_0_1_8001"
    trs = requests_of(spider.parse(html(f"{BASE}/xxgk/ndbg/index.html", TRS_LIST)))
    assert f"{BASE}/xxgk/ndbg/index_2.html" in {r.url for r in trs}
    hanweb = list(spider.parse(html(f"{BASE}/col/col1234/index.html", HANWEB_COLUMN)))
    assert any(isinstance(r, FormRequest) for r in hanweb)
    town = requests_of(spider.parse(html(f"{BASE}/", TOWN_HOME)))
    assert [r.url for r in town] == [f"{BASE}/zwgk/"]


# -- jsonapi ---------------------------------------------------------------------------------

RENDERED = f"""<html><body><div id="report-list"><ul class="report-items">
<li><a class="report-link" href="/content/101.html">{REPORT}</a></li>
<li><a class="report-link" href="/content/102.html">{DECOY}</a></li></ul>
<a class="next" href="list.html?page=2">下一页</a></div></body></html>"""


def test_jsonapi_lists_go_through_the_browser_and_articles_do_not() -> None:
    spider = make_spider("jsonapi", f"{BASE}/xxgk/ndbg/list.html?page=1")
    start = spider.start_request(spider.start_urls[0])
    assert start is not None and start.meta["playwright"] is True
    requests = requests_of(spider.parse(html(f"{BASE}/xxgk/ndbg/list.html?page=1", RENDERED)))
    articles = [r for r in requests if r.callback == spider.parse_article]
    assert [r.url for r in articles] == [f"{BASE}/content/101.html"]
    assert "playwright" not in articles[0].meta
    [next_page] = [r for r in requests if r.callback == spider.parse]
    assert next_page.url == f"{BASE}/xxgk/ndbg/list.html?page=2"
    assert next_page.meta["playwright"] is True


def test_browser_meta_waits_for_the_links() -> None:
    [method] = browser_meta()["playwright_page_methods"]
    assert (method.method, method.args) == ("wait_for_selector", ("a.report-link",))


# -- mirror ----------------------------------------------------------------------------------

MIRROR_DOC = """<html><body><h1 class="doc-title">{title}</h1>
<div class="preview-page">…</div><div class="paywall">整理文档很辛苦</div>
<div class="related"><ul><li><a href="/p-200.html" title="{other}">{other}</a></li>
<li><a href="/p-201.html" title="某县2023年部门预算">某县2023年部门预算</a></li></ul></div>
</body></html>"""


def test_mirror_document_is_a_report_by_its_own_title_and_follows_related() -> None:
    spider = make_spider("mirror", f"{BASE}/")
    page = MIRROR_DOC.format(title=REPORT, other=REPORT.replace("2023", "2022"))
    results = list(spider.parse_document(html(f"{BASE}/p-100.html", page)))
    [item] = items_of(results)
    assert item["kind"] == "mirror"
    assert [r.url for r in requests_of(results)] == [f"{BASE}/p-200.html"]


def test_mirror_non_report_document_yields_nothing_but_links() -> None:
    spider = make_spider("mirror", f"{BASE}/")
    page = MIRROR_DOC.format(title=DECOY, other=REPORT)
    results = list(spider.parse_document(html(f"{BASE}/p-100.html", page)))
    assert items_of(results) == []
    assert all(isinstance(r, Request) for r in results) and len(results) == 1


def test_hanweb_without_total_walks_dataproxy_until_a_short_answer() -> None:
    spider = make_spider("hanweb", f"{BASE}/")
    column = HANWEB_COLUMN.replace("var totalRecord = 5;", "")
    [post] = [
        r
        for r in spider.parse(html(f"{BASE}/col/col1234/index.html", column, encoding="gbk"))
        if isinstance(r, FormRequest)
    ]
    assert "startrecord=3" in post.url and post.meta["chain"]
    full = DATAPROXY_XML.replace(
        "</recordset>", _record("/art/2023/1/6/art_1234_2.html", REPORT) + "</recordset>"
    )
    answer = html(post.url, full, encoding="gbk", meta=post.meta)
    [follow] = [r for r in spider.parse_dataproxy(answer) if isinstance(r, FormRequest)]
    assert "startrecord=5" in follow.url
    short = html(follow.url, DATAPROXY_XML, encoding="gbk", meta=follow.meta)
    assert not [r for r in spider.parse_dataproxy(short) if isinstance(r, FormRequest)]
