"""HTTP behaviour every crawler relies on: types, validators, gzip, chunking, robots, 404."""

from __future__ import annotations

import gzip
import http.client
import json
import urllib.robotparser
from urllib.parse import urlsplit

from farm_http import fetch

from govcrawl.demo_farm.farm import DemoFarm

MEDIA = {
    "html": "text/html",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "txt": "text/plain",
}
MAGIC = {"pdf": b"%PDF", "docx": b"PK", "xlsx": b"PK", "doc": b"\xd0\xcf\x11\xe0"}


def test_every_ground_truth_url_answers_with_its_type(farm: DemoFarm) -> None:
    truth = farm.ground_truth()
    assert {e["site"] for e in truth} == set(farm.urls)
    for entry in truth:
        reply = fetch(entry["url"])
        assert reply.status == 200, entry["url"]
        assert reply.content_type.split(";")[0] == MEDIA[entry["format"]], entry["url"]
        assert int(reply.headers.get("content-length", len(reply.body))) == len(reply.body)
        assert reply.body.startswith(MAGIC.get(entry["format"], b"")), entry["url"]
        assert reply.headers["etag"] and reply.headers["last-modified"]
        if entry["format"] == "html" and entry["seed"] is None:
            text = reply.body.decode("gbk" if entry["site"] == "hanweb" else "utf-8")
            assert f"<title>{entry['title']}" in text
            assert entry["title"] in text.split("</title>", 1)[1]


def test_article_pages_carry_date_and_source(farm: DemoFarm) -> None:
    for entry in farm.ground_truth():
        if entry["kind"] != "portal":
            continue
        text = fetch(entry["url"]).body.decode("gbk" if entry["site"] == "hanweb" else "utf-8")
        assert "发布时间：" in text and "来源：" in text, entry["url"]


def test_decoys_are_served_and_never_ground_truth(farm: DemoFarm) -> None:
    truth_urls = {e["url"] for e in farm.ground_truth()}
    decoys = farm.decoys()
    assert len({d["site"] for d in decoys}) == len(farm.urls)
    for decoy in decoys:
        assert decoy["url"] not in truth_urls
        reply = fetch(decoy["url"])
        assert reply.status == 200, decoy["url"]
        if reply.content_type.startswith("text/html"):
            text = reply.body.decode("gbk" if decoy["site"] == "hanweb" else "utf-8")
            assert "本年制发件数" not in text and "申请人情况" not in text


def test_robots_txt_fences_only_the_private_draft(farm: DemoFarm) -> None:
    parsers = {}
    for key, base in farm.urls.items():
        reply = fetch(base + "/robots.txt")
        assert reply.status == 200 and reply.content_type.startswith("text/plain")
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(reply.body.decode().splitlines())
        parsers[key] = parser
    for entry in farm.ground_truth():
        assert parsers[entry["site"]].can_fetch("govcrawl", entry["url"])
    fenced = [d for d in farm.decoys() if not parsers[d["site"]].can_fetch("govcrawl", d["url"])]
    assert len(fenced) == 1 and "robots" in fenced[0]["note"]
    assert "年度报告" in fenced[0]["title"]


def test_unknown_paths_get_a_404_page(farm: DemoFarm) -> None:
    for base in farm.urls.values():
        reply = fetch(base + "/no/such/page.html")
        assert reply.status == 404
        assert reply.content_type.startswith("text/html") and b"404" in reply.body


def test_conditional_requests_answer_304(farm: DemoFarm) -> None:
    entry = next(e for e in farm.ground_truth() if e["site"] == "trs" and e["kind"] == "portal")
    first = fetch(entry["url"])
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    again = fetch(entry["url"], headers={"If-None-Match": etag})
    assert again.status == 304 and again.body == b"" and again.headers["etag"] == etag
    assert fetch(entry["url"], headers={"If-None-Match": '"other"'}).status == 200
    assert fetch(entry["url"], headers={"If-Modified-Since": modified}).status == 304
    old = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert fetch(entry["url"], headers={"If-Modified-Since": old}).status == 200


def test_gzip_on_trs_and_vsb_only_when_asked(farm: DemoFarm) -> None:
    for key in ("trs", "vsb"):
        url = next(e["url"] for e in farm.ground_truth() if e["site"] == key)
        plain = fetch(url)
        packed = fetch(url, headers={"Accept-Encoding": "gzip, deflate"})
        assert "content-encoding" not in plain.headers
        assert packed.headers["content-encoding"] == "gzip"
        assert int(packed.headers["content-length"]) == len(packed.body)
        assert gzip.decompress(packed.body) == plain.body
        assert packed.headers["etag"] == plain.headers["etag"]


def test_some_responses_are_chunked(farm: DemoFarm) -> None:
    host, port = urlsplit(farm.urls["jsportal"]).netloc.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.request("GET", "/api/reports?page=1&size=10")
    resp = conn.getresponse()
    assert resp.getheader("Transfer-Encoding") == "chunked"
    assert resp.getheader("Content-Length") is None
    assert json.loads(resp.read())["page"] == 1
    conn.request("HEAD", "/")  # same keep-alive connection still usable after a chunked body
    head = conn.getresponse()
    assert head.status == 200 and head.read() == b""
    assert int(head.getheader("Content-Length")) > 0
    conn.close()


def test_request_log_records_requests(farm: DemoFarm) -> None:
    fetch(farm.urls["town"] + "/zwgk/")
    fetch(farm.urls["town"] + "/missing")
    assert ("town", "GET", "/zwgk/", 200) in farm.request_log
    assert ("town", "GET", "/missing", 404) in farm.request_log


def test_manifest_names_urls_and_truth(farm: DemoFarm, tmp_path) -> None:
    path = tmp_path / "farm.json"
    farm.write_manifest(path)
    manifest = json.loads(path.read_text("utf-8"))
    assert manifest["seed"] == 2024 and manifest["urls"] == farm.urls
    assert manifest["ground_truth"] == farm.ground_truth()
    assert manifest["decoys"] == farm.decoys()


def test_portal_home_pages_have_a_site_nav(farm: DemoFarm) -> None:
    for key, base in farm.urls.items():
        reply = fetch(base + "/")
        text = reply.body.decode("gbk" if key == "hanweb" else "utf-8")
        assert reply.status == 200 and "<a href=" in text
        if key != "mirror":
            assert all(word in text for word in ("首页", "政务公开", "政府信息公开", "互动交流"))


def test_request_log_keeps_the_query(farm: DemoFarm) -> None:
    entry = next(e for e in farm.ground_truth() if "wbfileid=" in e["path"])
    fetch(entry["url"], method="HEAD")
    assert ("vsb", "HEAD", entry["path"], 200) in farm.request_log
