"""The shared report handling: scope, attachments, file names, item shape."""

from __future__ import annotations

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Request

from govcrawl.fetch.base import (
    ReportSpider,
    filename_from_disposition,
    is_attachment_url,
    page_text,
)
from govcrawl.fetch.urls import canonical, url_key
from tests.fetch.conftest import html, items_of, make_spider, raw, requests_of

BASE = "http://127.0.0.1:8001"


@pytest.mark.parametrize(
    ("header", "name"),
    [
        (b'attachment; filename="report.pdf"', "report.pdf"),
        (
            b'attachment; filename="%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A.pdf"',
            "年度报告.pdf",
        ),
        ('attachment; filename="年度报告.docx"'.encode("gbk"), "年度报告.docx"),
        ('attachment; filename="年度报告.docx"'.encode(), "年度报告.docx"),
        (
            b"attachment; filename=\"fallback.pdf\"; filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf",
            "报告.pdf",
        ),
        (b"attachment; filename*=GBK''%C4%EA%B1%A8.xls", "年报.xls"),
        (b"inline", None),
        (None, None),
    ],
)
def test_content_disposition_file_names(header: bytes | None, name: str | None) -> None:
    assert filename_from_disposition(header) == name


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://x/a/P020230115123456789012.pdf", True),
        ("http://x/uploads/2024/01/17051234.DOCX", True),
        ("http://x/a.wps", True),
        (
            "http://x/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=1&wbfileid=2",
            True,
        ),
        ("http://x/system/_content/download.jsp?owner=1", False),
        ("http://x/info/1234/5678.htm", False),
    ],
)
def test_attachment_urls(url: str, expected: bool) -> None:
    assert is_attachment_url(url) is expected


def test_missing_configuration_is_a_clear_error() -> None:
    class Broken(ReportSpider):
        name = "broken"

    with pytest.raises(NotConfigured, match="portal"):
        Broken()


def test_scope_is_per_port_on_a_shared_host() -> None:
    spider = make_spider("trs", f"{BASE}/xxgk/ndbg/index.html")
    assert spider.allowed_domains == ["127.0.0.1"]
    assert spider.in_scope(f"{BASE}/xxgk/ndbg/index_1.html")
    assert not spider.in_scope("http://127.0.0.1:8002/xxgk/ndbg/index_1.html")
    assert (
        spider.article_request(
            "http://127.0.0.1:8002/a.html", "某县2023年政府信息公开工作年度报告", BASE
        )
        is None
    )


def test_page_budget_and_allowed_paths() -> None:
    spider = make_spider("generic", f"{BASE}/", max_pages=2, allowed_paths=("/xxgk/",))
    assert spider.page_request(f"{BASE}/other/") is None
    assert spider.page_request(f"{BASE}/xxgk/a.html") is not None
    assert spider.page_request(f"{BASE}/xxgk/a.html") is None  # already requested
    spider.pages_requested = 2
    assert spider.page_request(f"{BASE}/xxgk/b.html") is None


def test_lookalike_titles_are_not_even_fetched() -> None:
    spider = make_spider("trs", BASE + "/")
    assert spider.article_request(f"{BASE}/t1.html", "某县2023年政务公开工作要点", BASE) is None
    assert spider.article_request(f"{BASE}/t1.html", "某县2023年政府信息公开工作年度报告", BASE)


ARTICLE = """<html><head><title>{title}</title></head><body><h1>{title}</h1>
<div class="TRS_Editor"><p>正文</p></div>
<a href="./P020230115123456789012.pdf">附件：{title}.pdf</a>
<a href="./P020230115999999999999.xls">附件：某县2023年部门预算.xls</a>
<a href="/other.html">其他</a></body></html>"""


def test_report_article_yields_item_and_follows_attachments() -> None:
    spider = make_spider("trs", BASE + "/")
    title = "某县人民政府2023年政府信息公开工作年度报告"
    url = f"{BASE}/xxgk/ndbg/202401/t20240115_1.html"
    response = html(
        url,
        ARTICLE.format(title=title),
        meta={
            "list_url": f"{BASE}/xxgk/ndbg/index.html",
            "title_hint": title,
            "redirect_urls": [f"{BASE}/old.html"],
            "warc": {"file": "a.warc.gz"},
        },
    )
    results = list(spider.parse_article(response))
    [item] = items_of(results)
    assert item["source_url"] == f"{BASE}/old.html"
    assert item["final_url"] == url
    assert item["kind"] == "portal"
    assert item["list_url"] == f"{BASE}/xxgk/ndbg/index.html"
    assert item["title_hint"] == title
    assert item["body"] == response.body
    assert item["warc"] == {"file": "a.warc.gz"}
    assert item["spider"] == item["portal"] == "test_trs"
    assert item["content_type"].startswith("text/html")
    [request] = requests_of(results)
    assert request.url == f"{BASE}/xxgk/ndbg/202401/P020230115123456789012.pdf"
    assert request.meta["parent_url"] == url


def test_page_title_decides_when_the_list_title_cannot() -> None:
    spider = make_spider("trs", BASE + "/")
    report = "某县人民政府2023年政府信息公开工作年度报告"
    page = html(f"{BASE}/a.html", ARTICLE.format(title=report), meta={"title_hint": "查看"})
    assert items_of(spider.parse_article(page))
    decoy = html(
        f"{BASE}/b.html",
        ARTICLE.format(title="某县2023年政务公开工作总结"),
        meta={"title_hint": "查看"},
    )
    assert list(spider.parse_article(decoy)) == []


def test_attachment_item_carries_parent_and_decoded_file_name() -> None:
    spider = make_spider("vsb", BASE + "/")
    url = f"{BASE}/system/_content/download.jsp?owner=1&wbfileid=2"
    response = raw(
        url,
        b"%PDF-1.4",
        {
            "Content-Type": "application/pdf",
            "Content-Disposition": 'attachment; filename="报告.pdf"'.encode("gbk"),
        },
        meta={"parent_url": f"{BASE}/info/1/2.htm", "list_url": None, "title_hint": "报告.pdf"},
    )
    [item] = list(spider.parse_attachment(response))
    assert item["kind"] == "attachment"
    assert item["parent_url"] == f"{BASE}/info/1/2.htm"
    assert item["filename"] == "报告.pdf"
    assert item["body"] == b"%PDF-1.4"


def test_listed_file_is_an_attachment_of_its_list() -> None:
    spider = make_spider("generic", BASE + "/")
    response = raw(
        f"{BASE}/uploads/1.pdf",
        b"%PDF",
        {"Content-Type": "application/pdf"},
        meta={"list_url": f"{BASE}/zwgk/", "title_hint": "某镇2023年政府信息公开工作年度报告"},
    )
    [item] = list(spider.parse_article(response))
    assert (item["kind"], item["parent_url"]) == ("attachment", f"{BASE}/zwgk/")


def test_page_text_repairs_a_lying_header_charset() -> None:
    text = '<html><head><meta charset="gb2312"><title>年度报告</title></head></html>'
    url = f"{BASE}/a.html"
    response = HtmlResponse(
        url,
        body=text.encode("gbk"),
        request=Request(url),
        headers={"Content-Type": "text/html; charset=UTF-8"},
    )
    assert "年度报告" not in response.text
    assert "年度报告" in page_text(response)


def test_start_requests_are_the_start_urls() -> None:
    spider = make_spider("trs", f"{BASE}/a/", f"{BASE}/b/")
    requests = [spider.start_request(u) for u in spider.start_urls]
    assert [r.url for r in requests if isinstance(r, Request)] == [f"{BASE}/a/", f"{BASE}/b/"]


# -- canonical URLs and stale pagination -----------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://WWW.Example.gov.cn:80/a/b.html#top", "http://www.example.gov.cn/a/b.html"),
        (f"{BASE}/list.jsp;jsessionid=0A1B2C3D4E5F?id=7", f"{BASE}/list.jsp?id=7"),
        (f"{BASE}/list.do?page=2&columnid=12&JSESSIONID=abc", f"{BASE}/list.do?page=2&columnid=12"),
        (f"{BASE}/a.php?PHPSESSID=x1&b=&a=1", f"{BASE}/a.php?b=&a=1"),
        (f"{BASE}/s.html?sid=9f8e7d6c5b4a39281706&q=1", f"{BASE}/s.html?q=1"),
        # gkmlpt names its *site* sid=<number>: part of the page, kept
        (
            f"{BASE}/gkmlpt/api/all/5?sid=755031&page=2",
            f"{BASE}/gkmlpt/api/all/5?sid=755031&page=2",
        ),
        ("https://a.gov.cn:8443", "https://a.gov.cn:8443/"),
    ],
)
def test_canonical_urls(url: str, expected: str) -> None:
    assert canonical(url) == expected


def test_url_key_sorts_the_query_and_keeps_its_bytes() -> None:
    assert url_key(f"{BASE}/q?b=%E5%B9%B4&a=2#x") == f"{BASE}/q?a=2&b=%E5%B9%B4"
    assert url_key(f"{BASE}/q?a=2&b=%E5%B9%B4&JSESSIONID=1") == url_key(f"{BASE}/q?b=%E5%B9%B4&a=2")


def test_session_variants_of_one_page_are_one_request() -> None:
    spider = make_spider("generic", f"{BASE}/")
    first = spider.page_request(f"{BASE}/xxgk/index.jsp;jsessionid=AAAA1111?b=1&a=2")
    assert first is not None and first.url == f"{BASE}/xxgk/index.jsp?b=1&a=2"
    assert spider.page_request(f"{BASE}/xxgk/index.jsp?a=2&b=1#list") is None
    assert spider.page_request(f"{BASE}/xxgk/index.jsp?a=2&b=1&JSESSIONID=BBBB") is None


VSB_PAGE = """<html><body><ul>
<li><a href="../info/1234/{n}.htm" title="某县2023年政府信息公开工作年度报告">x</a></li>
</ul><a href="{next}.htm" class="Next">下页</a></body></html>"""


def test_pagination_that_shows_nothing_new_is_not_followed() -> None:
    spider = make_spider("vsb", f"{BASE}/xxgk/ndbg.htm")
    first = html(f"{BASE}/xxgk/ndbg/9.htm", VSB_PAGE.format(n=5678, next=8))
    pages = [r.url for r in requests_of(spider.parse(first)) if r.callback == spider.parse]
    assert pages == [f"{BASE}/xxgk/ndbg/8.htm"]
    # page 8 repeats page 9's item and links on: a trap, its pager is not followed
    repeat = html(f"{BASE}/xxgk/ndbg/8.htm", VSB_PAGE.format(n=5678, next=7))
    assert [r for r in requests_of(spider.parse(repeat)) if r.callback == spider.parse] == []


def test_max_pages_from_the_command_line_is_a_number() -> None:
    spider = make_spider("generic", f"{BASE}/")
    assert type(spider).max_pages == 200
    assert type(spider)(max_pages="3").max_pages == 3
    with pytest.raises(NotConfigured, match="max_pages"):
        type(spider)(max_pages="many")
