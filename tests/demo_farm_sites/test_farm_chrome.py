"""The shared portal chrome: on every page, as heavy as real portals, harmless to crawlers,
removed by the cleaner; and born-digital PDFs that embed their font."""

from __future__ import annotations

import gzip
import io
import re
from urllib.parse import urlsplit

import pdfplumber
import pytest
from lxml import html as lxml_html

from govcrawl.demo_farm.reports import AGENCIES
from govcrawl.demo_farm.sites import build_sites, gkmlpt, hanweb, jsportal, town, trs, ucap, vsb
from govcrawl.demo_farm.sites.base import Site
from govcrawl.demo_farm.sites.chrome import Chrome, Portal, site_chrome
from govcrawl.document import Source
from govcrawl.fetch.families.generic import GenericSpider
from govcrawl.fetch.fingerprint import fingerprint, is_list_shell
from govcrawl.process import process_source

PORTALS: dict[str, Portal] = {
    m.CHROME.key: m.CHROME for m in (trs, hanweb, vsb, town, jsportal, gkmlpt, ucap)
}
FAMILY = {"trs": "trs", "hanweb": "hanweb", "vsb": "vsb", "gkmlpt": "gkmlpt", "ucap": "ucap"}
"""The family a site's chrome may point to on its own; any other chrome must look generic."""
SHELL = "/xxgk/ndbg/list.html"
FILE = re.compile(r"\.(pdf|docx?|wps|xlsx?|txt|zip|rar)$", re.I)
ARTICLE = re.compile(r"/t\d{8}_\d+\.s?html?$|/art_\d+_\d+\.s?html$|/info/\d+/\d+\.htm$|/p-\d+")


@pytest.fixture(scope="module")
def sites() -> dict[str, Site]:
    return build_sites(2024)


def _charset(key: str) -> str:
    return "gbk" if key == "hanweb" else "utf-8"


def _html_pages(site: Site) -> dict[str, str]:
    return {
        path: res.body.decode(_charset(site.key))
        for path, res in site.pages.items()
        if res.content_type.startswith("text/html")
    }


def _chrome_of(key: str, path: str) -> Chrome:
    return site_chrome(PORTALS[key], spa=key == "jsportal" and path == SHELL)


def _fragment(chrome: Chrome) -> lxml_html.HtmlElement:
    return lxml_html.fragment_fromstring(chrome.top + chrome.bottom, create_parent="div")


@pytest.mark.parametrize("key", sorted(PORTALS))
def test_every_page_of_a_site_wears_the_same_chrome(key: str, sites: dict[str, Site]) -> None:
    pages = _html_pages(sites[key])
    assert pages
    for path, text in pages.items():
        chrome = _chrome_of(key, path)
        assert chrome.head in text and chrome.top in text and chrome.bottom in text, path


@pytest.mark.parametrize("key", sorted(PORTALS))
def test_pages_weigh_what_real_portal_pages_weigh(key: str, sites: dict[str, Site]) -> None:
    for path, res in sites[key].pages.items():
        if res.content_type.startswith("text/html"):
            packed = len(gzip.compress(res.body, mtime=0))
            assert 7_000 <= packed <= 40_000 and len(res.body) <= 200_000, (path, packed)


@pytest.mark.parametrize("key", sorted(PORTALS))
def test_chrome_links_lead_nowhere_a_crawler_would_go(key: str, sites: dict[str, Site]) -> None:
    site = sites[key]
    chrome = site_chrome(PORTALS[key])
    anchors = _fragment(chrome).xpath("//a[@href]")
    assert len(anchors) > 100
    missing = 0
    for anchor in anchors:
        href, label = anchor.get("href"), anchor.text_content().strip()
        if href.startswith("javascript:"):
            continue
        parts = urlsplit(href)
        if parts.netloc:
            assert parts.netloc in ("beian.miit.gov.cn", "www.beian.gov.cn", "bszs.conac.cn")
            continue
        status = site.resolve("GET", parts.path, {}, {}).status
        assert status in (200, 404), href
        assert not FILE.search(parts.path) and not ARTICLE.search(parts.path), href
        if status == 404:
            missing += 1
            assert not GenericSpider.is_navigation("http://x" + href, label), (href, label)
            assert not any(parts.path.startswith(p) for p in site.disallow), href
    assert missing > 100


@pytest.mark.parametrize("key", sorted(PORTALS))
def test_chrome_alone_names_no_other_cms(key: str) -> None:
    for spa in (False, True):
        chrome = site_chrome(PORTALS[key], spa=spa)
        page = f"<html><head>{chrome.head}</head><body>{chrome.top}{chrome.bottom}</body></html>"
        assert fingerprint("http://x/", page) in {FAMILY.get(key, "generic"), "generic"}


def test_the_list_shell_stays_a_shell(sites: dict[str, Site]) -> None:
    shell = sites["jsportal"].pages[SHELL].body.decode()
    assert is_list_shell(shell)
    assert "<a " not in site_chrome(PORTALS["jsportal"], spa=True).top
    assert "主办单位" in shell and "网站标识码" in shell


@pytest.mark.parametrize("key", sorted(PORTALS))
def test_chrome_markup_cannot_pass_for_content(key: str) -> None:
    chrome = site_chrome(PORTALS[key])
    text = chrome.head + chrome.top + chrome.bottom
    assert "<table" not in text and "<h1" not in text
    assert not re.search(r"""(class|id)="[^"]*title""", text)
    assert not re.search(r"(?:19|20)\d\d年|\d{4}-\d{2}-\d{2}", text)


@pytest.mark.parametrize("key", ["trs", "hanweb", "gkmlpt"])
def test_site_group_lists_the_farms_own_agencies(key: str) -> None:
    chrome = site_chrome(PORTALS[key])
    me = next(a for a in AGENCIES if a.name == PORTALS[key].name)
    below = "county" if me.level == "city" else "town"
    expected = {
        a.name
        for a in AGENCIES
        if (a.level == below and a.region.startswith(me.region))
        or (a.level == "department" and a.region == me.region)
    }
    options = set(_fragment(chrome).xpath("//option/text()"))
    assert expected and expected <= options
    assert len(options) > 40


def _visible_lines(root: lxml_html.HtmlElement) -> set[str]:
    for bad in root.xpath("//script|//style|//select|//svg"):
        bad.drop_tree()
    return {
        line.strip()
        for el in root.iter()
        if isinstance(el.tag, str)
        for line in (el.text or "", el.tail or "")
        if len(line.strip()) >= 2
    }


@pytest.mark.parametrize("key", sorted(PORTALS))
def test_cleaning_removes_the_chrome(key: str, sites: dict[str, Site]) -> None:
    site = sites[key]
    paths = [t["path"] for t in site.truth if t["format"] == "html"][:2]
    pages = _html_pages(site)
    paths += [d["path"] for d in site.decoys if d["path"] in pages][:1]
    assert paths or key == "town"
    for path in paths or ["/zwgk/"]:
        chrome = _chrome_of(key, path)
        res = site.pages[path]
        bare = (
            pages[path].replace(chrome.head, "").replace(chrome.top, "").replace(chrome.bottom, "")
        )
        record = process_source(
            Source(url="http://x" + path, body=res.body, content_type=res.content_type)
        )
        chrome_lines = _visible_lines(_fragment(chrome))
        leaked = [line for line in chrome_lines if line in record["text"] and line not in bare]
        assert not leaked, (path, leaked)


def test_text_pdfs_embed_a_font_subset_and_extract_exactly(sites: dict[str, Site]) -> None:
    entry = next(t for t in sites["trs"].truth if t["format"] == "pdf")
    body = sites["trs"].pages[entry["path"]].body
    assert b"/FontFile2" in body and b"STSong" not in body
    assert len(body) > 50_000
    with pdfplumber.open(io.BytesIO(body)) as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
        tables = [t for page in pdf.pages for t in page.extract_tables()]
    assert entry["title"] in text.replace("\n", "")
    assert len(tables) >= len(entry["tables"])
