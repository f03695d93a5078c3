"""The gkmlpt and Ucap families' list handling, on small pages in their shapes."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

from scrapy.http import TextResponse

from govcrawl.fetch.families.gkmlpt import api_url, catalogue_of, shell_sid
from govcrawl.fetch.families.ucap import list_pages, page_count
from tests.fetch.conftest import html, make_spider, requests_of

BASE = "http://127.0.0.1:8001"
REPORT = "某市人民政府2023年政府信息公开工作年度报告"
DECOY = "某市人民政府2023年政务公开工作要点"

# -- gkmlpt ----------------------------------------------------------------------------------

SHELL = """<html><head><script>window._CONFIG = { SID: '755031', API: '/gkmlpt/api/all/' };
</script></head><body><ul class="tree"><li><a href="#2810">政府信息公开指南</a></li>
<li><a href="#2811">政府信息公开年报</a></li></ul><div id="articles"></div></body></html>"""


def api_response(url: str, articles: list[dict], total: int, meta: dict) -> TextResponse:
    body = json.dumps({"articles": articles, "total": total}, ensure_ascii=False).encode()
    response = html(url, "", meta=meta)
    return TextResponse(url, body=body, encoding="utf-8", request=response.request)


def test_gkmlpt_helpers() -> None:
    assert shell_sid("window._CONFIG = {SID: '755031'}") == "755031"
    assert shell_sid("<html></html>") is None
    assert catalogue_of(f"{BASE}/gkmlpt/index#2811") == "2811"
    assert catalogue_of(f"{BASE}/xxgk/index.html#2811") is None
    url = api_url(f"{BASE}/sub/gkmlpt/index", "2811", "755031", 3)
    assert urlsplit(url).path == "/sub/gkmlpt/api/all/2811"
    assert parse_qs(urlsplit(url).query) == {"page": ["3"], "sid": ["755031"]}


def test_gkmlpt_shell_calls_the_api_for_the_start_catalogue() -> None:
    spider = make_spider("gkmlpt", f"{BASE}/gkmlpt/index#2811")
    assert spider.start_urls == [f"{BASE}/gkmlpt/index"]
    [request] = requests_of(spider.parse(html(f"{BASE}/gkmlpt/index", SHELL)))
    assert request.url == f"{BASE}/gkmlpt/api/all/2811?page=1&sid=755031"
    assert request.callback == spider.parse_api


def test_gkmlpt_shell_without_fragment_picks_report_catalogues_from_its_tree() -> None:
    spider = make_spider("gkmlpt", f"{BASE}/gkmlpt/index")
    urls = [r.url for r in requests_of(spider.parse(html(f"{BASE}/gkmlpt/index", SHELL)))]
    assert urls == [f"{BASE}/gkmlpt/api/all/2811?page=1&sid=755031"]


def test_gkmlpt_home_link_carries_its_catalogue_to_the_shell() -> None:
    spider = make_spider("gkmlpt", f"{BASE}/")
    home = '<a href="/gkmlpt/index#2811">政府信息公开年报</a><a href="/about/">关于</a>'
    [request] = requests_of(spider.parse(html(f"{BASE}/", home)))
    assert request.url == f"{BASE}/gkmlpt/index"
    assert request.meta["gkmlpt_catalogues"] == ["2811"]
    shell = html(f"{BASE}/gkmlpt/index", SHELL.replace("#2811", "#9"), meta=request.meta)
    assert [r.url for r in requests_of(spider.parse(shell))] == [
        f"{BASE}/gkmlpt/api/all/2811?page=1&sid=755031"
    ]


def test_gkmlpt_api_page_one_yields_articles_and_every_further_page() -> None:
    spider = make_spider("gkmlpt", f"{BASE}/gkmlpt/index#2811")
    url = f"{BASE}/gkmlpt/api/all/2811?page=1&sid=755031"
    meta = {"shell": f"{BASE}/gkmlpt/index", "catalogue": "2811", "sid": "755031", "page": 1}
    articles = [
        {"title": REPORT, "url": "/gkmlpt/content/1/1234/post_1234567.html#2811"},
        {"title": DECOY, "url": "/gkmlpt/content/1/1234/post_1234568.html#2811"},
    ]
    requests = requests_of(spider.parse_api(api_response(url, articles, 5, meta)))
    found = [r for r in requests if r.callback == spider.parse_article]
    assert [r.url for r in found] == [f"{BASE}/gkmlpt/content/1/1234/post_1234567.html"]
    assert found[0].meta["list_url"] == url
    pages = sorted(r.url for r in requests if r.callback == spider.parse_api)
    assert pages == [
        f"{BASE}/gkmlpt/api/all/2811?page={n}&sid=755031" for n in (2, 3)
    ]  # 5 articles at 2 per page


def test_gkmlpt_api_page_that_repeats_known_articles_ends_paging() -> None:
    spider = make_spider("gkmlpt", f"{BASE}/gkmlpt/index#2811")
    meta = {"shell": f"{BASE}/gkmlpt/index", "catalogue": "2811", "sid": "755031", "page": 1}
    articles = [{"title": REPORT, "url": "/gkmlpt/content/1/1234/post_1234567.html"}]
    first = f"{BASE}/gkmlpt/api/all/2811?page=1&sid=755031"
    assert requests_of(spider.parse_api(api_response(first, articles, 9, meta)))
    # another catalogue listing only articles seen already: its pages are not fetched
    again = f"{BASE}/gkmlpt/api/all/2812?page=1&sid=755031"
    other = {**meta, "catalogue": "2812"}
    requests = requests_of(spider.parse_api(api_response(again, articles, 9, other)))
    assert [r for r in requests if r.callback == spider.parse_api] == []


# -- Ucap ------------------------------------------------------------------------------------

UCAP_LIST = f"""<html><body><div class="list"><ul>
<li><a href="/art/2024/1/15/art_4512_123456.shtml" title="{REPORT}">{REPORT}</a></li>
<li><a href="/xxgk/ndbg/202401/t20240116_654321.shtml" title="{REPORT}（二）">x</a></li>
<li><a href="/art/2024/1/17/art_4512_123457.shtml" title="{DECOY}">{DECOY}</a></li>
</ul><div class="page"><a href="/xxgk/ndbg/index.shtml">首页</a><span>1</span>
<a href="/xxgk/ndbg/index_2.shtml">下一页</a><a href="/xxgk/ndbg/index_4.shtml">尾页</a></div>
<script>var countPage = 4//共多少页
var currentPage = 1;</script></div></body></html>"""


def test_ucap_page_count_and_page_names() -> None:
    assert page_count("<script>var countPage = 7//共多少页</script>") == 7
    assert page_count("<p>no pager</p>") is None
    assert list_pages(f"{BASE}/xxgk/ndbg/index_3.shtml", 3) == [
        f"{BASE}/xxgk/ndbg/index.shtml",
        f"{BASE}/xxgk/ndbg/index_2.shtml",
        f"{BASE}/xxgk/ndbg/index_3.shtml",
    ]


def test_ucap_list_page_yields_articles_and_every_page() -> None:
    spider = make_spider("ucap", f"{BASE}/xxgk/ndbg/index.shtml")
    spider.pages_seen.add(f"{BASE}/xxgk/ndbg/index.shtml")
    requests = requests_of(spider.parse(html(f"{BASE}/xxgk/ndbg/index.shtml", UCAP_LIST)))
    articles = [r.url for r in requests if r.callback == spider.parse_article]
    assert articles == [
        f"{BASE}/art/2024/1/15/art_4512_123456.shtml",
        f"{BASE}/xxgk/ndbg/202401/t20240116_654321.shtml",
    ]
    pages = sorted(r.url for r in requests if r.callback == spider.parse)
    assert pages == [f"{BASE}/xxgk/ndbg/index_{n}.shtml" for n in (2, 3, 4)]


def test_ucap_pager_links_alone_are_followed() -> None:
    page = UCAP_LIST.replace("var countPage = 4", "var pages = 4")
    spider = make_spider("ucap", f"{BASE}/xxgk/ndbg/index.shtml")
    spider.pages_seen.add(f"{BASE}/xxgk/ndbg/index.shtml")
    requests = requests_of(spider.parse(html(f"{BASE}/xxgk/ndbg/index.shtml", page)))
    pages = sorted(r.url for r in requests if r.callback == spider.parse)
    assert pages == [f"{BASE}/xxgk/ndbg/index_{n}.shtml" for n in (2, 4)]


def test_ucap_other_pages_go_to_generic_discovery() -> None:
    spider = make_spider("ucap", f"{BASE}/")
    home = '<a href="/xxgk/index.shtml">政府信息公开</a><a href="/hdjl/index.shtml">互动</a>'
    requests = requests_of(spider.parse(html(f"{BASE}/", home)))
    assert [r.url for r in requests] == [f"{BASE}/xxgk/index.shtml"]
