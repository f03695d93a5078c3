"""Each site's own pagination, walked the way a spider must, reaches every report it serves."""

from __future__ import annotations

import io
import json
import re
from urllib.parse import quote, unquote, urlencode, urljoin

import pdfplumber
from farm_http import fetch

from govcrawl.demo_farm.farm import DemoFarm

HREF = re.compile(r'href="([^"]+)"')


def _truth(farm: DemoFarm, site: str) -> list[dict]:
    return [e for e in farm.ground_truth() if e["site"] == site]


def _decoy_urls(farm: DemoFarm, site: str) -> set[str]:
    return {d["url"] for d in farm.decoys() if d["site"] == site}


def _assert_attachments_linked(farm: DemoFarm, site: str, encoding: str = "utf-8") -> None:
    base = farm.urls[site]
    for entry in _truth(farm, site):
        if entry["kind"] != "attachment":
            continue
        parent = base + entry["parent_path"]
        page = fetch(parent).body.decode(encoding).replace("&amp;", "&")
        assert entry["url"] in {urljoin(parent, h) for h in HREF.findall(page)}, entry["url"]


def _trs_column(base: str, column: str) -> tuple[list[str], list[tuple]]:
    """Walk a TRS column through its createPageHTML pager; items and every pager call seen."""
    first = f"{base}/xxgk/{column}/"
    html = fetch(first).body.decode("utf-8")
    call = re.search(r"createPageHTML\(([^)]*)\)", html).group(1)
    args = [a.strip().strip("'\"") for a in call.split(",")]
    count = int(args[0] if len(args) == 4 else args[1])
    items, calls = [], []
    for index in range(count):
        url = first + ("index.html" if index == 0 else f"index_{index}.html")
        page = fetch(url)
        assert page.status == 200, url
        text = page.body.decode("utf-8")
        calls.append(tuple(re.search(r"createPageHTML\(([^)]*)\)", text).group(1).split(",")))
        for href in re.findall(r'<ul class="list-ul">(.*?)</ul>', text, re.S)[0].split("<li>")[1:]:
            items.append(urljoin(url, HREF.search(href).group(1)))
    return items, calls


def test_trs_pager_reaches_every_report(farm: DemoFarm) -> None:
    base = farm.urls["trs"]
    home = fetch(base + "/").body.decode()
    assert 'href="/xxgk/"' in home and "政府信息公开" in home
    assert 'href="./ndbg/"' in fetch(base + "/xxgk/").body.decode()
    items, calls = _trs_column(base, "ndbg")
    assert len(calls) >= 3 and all(len(c) == 4 for c in calls)
    assert [int(c[1]) for c in calls] == list(range(len(calls)))
    portal = {e["url"] for e in _truth(farm, "trs") if e["kind"] == "portal"}
    assert portal <= set(items)
    listed_decoys = set(items) - portal
    assert listed_decoys and listed_decoys <= _decoy_urls(farm, "trs")
    assert {e["seed"] for e in _truth(farm, "trs")} >= {"000", "003"}
    _assert_attachments_linked(farm, "trs")
    guide, guide_calls = _trs_column(base, "zfxxgkzn")
    assert all(len(c) == 6 for c in guide_calls) and len(guide_calls) >= 2
    assert guide and set(guide) <= _decoy_urls(farm, "trs")


def test_trs_article_chrome(farm: DemoFarm) -> None:
    entry = next(e for e in _truth(farm, "trs") if e["seed"] == "000")
    text = fetch(entry["url"]).body.decode()
    for marker in (
        "当前位置",
        "字号",
        "大</a>",
        "打印本页",
        "关闭窗口",
        "分享到",
        "责任编辑",
        "TRS_Editor",
    ):
        assert marker in text
    assert re.search(r"/xxgk/ndbg/\d{6}/t\d{8}_\d{6}\.html$", entry["path"])


def _hanweb_records(xml: str) -> list[str]:
    return re.findall(r"<record><!\[CDATA\[(.*?)\]\]></record>", xml, re.S)


def test_hanweb_datastore_and_dataproxy_reach_every_report(farm: DemoFarm) -> None:
    base = farm.urls["hanweb"]
    home = fetch(base + "/").body.decode("gbk")
    column_path = re.search(r'href="(/col/col\d+/index\.html)">政府信息公开年报', home).group(1)
    page = fetch(base + column_path)
    text = page.body.decode("gbk")
    conf = {
        k: re.search(rf"var {k} = '?([^';]+)'?;", text).group(1)
        for k in ("webid", "columnid", "unitid", "perpage", "totalRecord", "webname")
    }
    perpage, total = int(conf["perpage"]), int(conf["totalRecord"])
    store = re.search(r'<script type="text/xml">(.*?)</script>', text, re.S).group(1)
    records = _hanweb_records(store)
    assert len(records) == perpage < total
    form = {
        "col": "1",
        "appid": "1",
        "webid": conf["webid"],
        "path": "/",
        "columnid": conf["columnid"],
        "sourceContentType": "1",
        "unitid": conf["unitid"],
        "webname": conf["webname"],
        "permissiontype": "0",
    }
    body = urlencode(form, encoding="gbk").encode()
    for start in range(perpage + 1, total + 1, perpage):
        query = f"startrecord={start}&endrecord={start + perpage - 1}&perpage={perpage}"
        reply = fetch(f"{base}/module/web/jpage/dataproxy.jsp?{query}", method="POST", data=body)
        assert reply.status == 200 and "gbk" in reply.content_type.lower()
        xml = reply.body.decode("gbk")
        assert f"<totalrecord>{total}</totalrecord>" in xml
        records += _hanweb_records(xml)
    assert len(records) == total
    urls = {base + HREF.search(r).group(1) for r in records}
    assert {e["url"] for e in _truth(farm, "hanweb")} | _decoy_urls(farm, "hanweb") == urls
    inline = {base + HREF.search(r).group(1) for r in _hanweb_records(store)}
    assert not inline >= {e["url"] for e in _truth(farm, "hanweb")}


def test_hanweb_dataproxy_checks_its_form(farm: DemoFarm) -> None:
    url = farm.urls["hanweb"] + "/module/web/jpage/dataproxy.jsp?startrecord=16&endrecord=30"
    assert fetch(url).status == 405
    wrong = urlencode({"webid": "1", "columnid": "1", "unitid": "1"}).encode()
    assert fetch(url, method="POST", data=wrong).status == 400
    assert fetch(url, method="POST", data=b"").status == 400


def test_hanweb_pages_are_gbk_and_some_are_mislabelled(farm: DemoFarm) -> None:
    mislabelled = 0
    for entry in _truth(farm, "hanweb"):
        reply = fetch(entry["url"])
        text = reply.body.decode("gbk")
        assert 'charset="gb2312"' in text and entry["title"] in text
        if "utf-8" in reply.content_type.lower():
            mislabelled += 1
            try:
                reply.body.decode("utf-8")
            except UnicodeDecodeError:
                continue
            raise AssertionError(f"{entry['url']} claims UTF-8 and decodes as UTF-8")
    assert mislabelled >= 2
    seed = next(e for e in _truth(farm, "hanweb") if e["seed"] == "001")
    assert "账号+密码登录" in fetch(seed["url"]).body.decode("gbk")


def test_vsb_countdown_pages_reach_every_report(farm: DemoFarm) -> None:
    base = farm.urls["vsb"]
    home = fetch(base + "/").body.decode()
    url = urljoin(base + "/", re.search(r'href="([^"]+)">政府信息公开年度报告', home).group(1))
    assert url == base + "/xxgk/ndbg.htm"
    items, pages = [], []
    while url:
        pages.append(url)
        text = fetch(url).body.decode()
        block = re.search(r'<div class="list"><ul>(.*?)</ul>', text, re.S).group(1)
        items += [urljoin(url, h) for h in HREF.findall(block)]
        nxt = re.search(r'<a href="([^"]+)" class="Next">下页</a>', text)
        url = urljoin(url, nxt.group(1)) if nxt else None
    numbers = [int(p.rsplit("/", 1)[1].removesuffix(".htm")) for p in pages[1:]]
    assert len(pages) >= 3 and numbers == sorted(numbers, reverse=True) and numbers[-1] == 1
    portal = {e["url"] for e in _truth(farm, "vsb") if e["kind"] == "portal"}
    assert portal | _decoy_urls(farm, "vsb") == set(items)
    _assert_attachments_linked(farm, "vsb")


def test_vsb_attachments_name_themselves_both_ways(farm: DemoFarm) -> None:
    spellings, formats = set(), set()
    for entry in _truth(farm, "vsb"):
        if entry["kind"] != "attachment":
            continue
        formats.add(entry["format"])
        header = fetch(entry["url"]).headers["content-disposition"]
        raw = re.search(r'filename="(.*)"', header).group(1)
        expected = f"{entry['title']}.{entry['format']}"
        if raw == quote(expected, safe=""):
            spellings.add("percent")
            assert unquote(raw) == expected
        else:
            spellings.add("gbk")
            assert raw.encode("latin-1").decode("gbk") == expected
    assert spellings == {"percent", "gbk"} and formats == {"pdf", "docx", "xlsx"}
    seed = next(e for e in _truth(farm, "vsb") if e["seed"] == "002")
    assert "<table" in fetch(seed["url"]).body.decode().split("v_news_content", 1)[1]
    missing = "/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=1&wbfileid=2"
    assert fetch(farm.urls["vsb"] + missing).status == 404


def test_town_lists_every_upload_by_its_title(farm: DemoFarm) -> None:
    base = farm.urls["town"]
    assert 'href="/zwgk/"' in fetch(base + "/").body.decode()
    text = fetch(base + "/zwgk/").body.decode()
    links = dict(re.findall(r'<a href="(/uploads/[^"]+)">([^<]+)</a>', text))
    truth = _truth(farm, "town")
    assert {e["format"] for e in truth} >= {"pdf", "docx", "doc", "txt"}
    scanned = [e for e in truth if "scanned" in e.get("note", "")]
    assert len(scanned) == 1 and scanned[0]["tables"] and scanned[0]["format"] == "pdf"
    with pdfplumber.open(io.BytesIO(fetch(scanned[0]["url"]).body)) as pdf:
        assert not "".join(page.extract_text() or "" for page in pdf.pages).strip()
    for entry in truth:
        assert links[entry["path"]] == entry["title"]
        assert re.fullmatch(r"/uploads/\d{4}/\d{2}/\d+\.\w+", entry["path"])
    decoys = {d["path"] for d in farm.decoys() if d["site"] == "town"}
    assert decoys and decoys <= set(links)


def test_jsportal_shell_script_and_api_reach_every_report(farm: DemoFarm) -> None:
    base = farm.urls["jsportal"]
    shell = fetch(base + "/xxgk/ndbg/list.html?page=1").body.decode()
    assert '<div id="report-list"></div>' in shell and 'src="/static/list.js"' in shell
    assert "/content/" not in shell
    script = fetch(base + "/static/list.js")
    assert script.content_type.startswith("application/javascript")
    assert b"/api/reports?page=" in script.body and b"fetch(" in script.body
    urls, page = [], 1
    while True:
        data = json.loads(fetch(f"{base}/api/reports?page={page}&size=10").body)
        assert data["page"] == page and data["size"] == 10
        urls += [urljoin(base + "/xxgk/ndbg/list.html", i["url"]) for i in data["items"]]
        if page * data["size"] >= data["total"]:
            break
        page += 1
    assert page == 2 and len(urls) == data["total"]
    assert {e["url"] for e in _truth(farm, "jsportal")} | _decoy_urls(farm, "jsportal") == set(urls)
    assert fetch(base + "/api/reports?page=1&size=500").status == 400
    assert fetch(base + "/api/reports?page=x").status == 400


def test_mirror_previews_show_exactly_the_tables_in_truth(farm: DemoFarm) -> None:
    base = farm.urls["mirror"]
    home = fetch(base + "/").body.decode()
    truth = _truth(farm, "mirror")
    assert len(truth) >= 6
    assert any("seed 004" in (d.get("note") or "") for d in farm.decoys())
    assert {(e["tables"] is None) for e in truth if e["seed"] is None} == {True, False}
    for entry in truth + [d for d in farm.decoys() if d["site"] == "mirror"]:
        assert f'href="{entry["path"]}"' in home
        text = fetch(entry["url"]).body.decode()
        for marker in (
            "preview-page",
            "免费阅读已结束",
            "账号+密码登录",
            "备案号",
            'class="related"',
        ):
            assert marker in text
        assert re.search(r"\b1 / \d+\b", text) and f'<h1 class="doc-title">{entry["title"]}' in text
        if entry.get("seed") is None and "format" in entry:
            assert text.count("<table") == len(entry["tables"] or {})
            assert {c.split(".")[0] for c in entry["checks"]} <= set(entry["tables"] or {})
            assert entry["broken"] == (not all(entry["checks"].values()))
    hit = truth[0]["title"]
    found = fetch(f"{base}/search.html?q={quote(hit)}").body.decode()
    assert f'href="{truth[0]["path"]}"' in found
