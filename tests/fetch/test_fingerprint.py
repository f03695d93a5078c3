"""CMS fingerprinting names the right family for every farm portal, home and list pages."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from govcrawl.demo_farm.farm import DemoFarm
from govcrawl.fetch.families import FAMILY_SPIDERS
from govcrawl.fetch.fingerprint import fetch_page, fingerprint, fingerprint_site, is_list_shell
from govcrawl.fetch.oneoff import DetectingSpider, spider_for_url
from govcrawl.fetch.registry import load_registry, resolve_placeholders

pytestmark = pytest.mark.xdist_group("fetch_farm")

DEMO = [e for e in load_registry(resolve=False) if e.is_demo]
SITE_FAMILY = {re.match(r"\{demo:(\w+)\}", e.raw_start_urls[0]).group(1): e.family for e in DEMO}


@pytest.fixture(scope="module")
def farm() -> Iterator[DemoFarm]:
    with DemoFarm(2024) as running:
        yield running


def test_every_family_has_a_farm_portal() -> None:
    assert set(SITE_FAMILY.values()) == set(FAMILY_SPIDERS)


@pytest.mark.parametrize("entry", DEMO, ids=lambda e: e.id)
def test_start_pages_name_their_family(entry, farm: DemoFarm) -> None:
    for raw in entry.raw_start_urls:
        url, html, headers = fetch_page(resolve_placeholders(raw, farm.urls))
        assert fingerprint(url, html, headers) == entry.family, url
        if entry.family != "generic":
            # the page alone, without the Server header, still names the family
            assert fingerprint(url, html, {}) == entry.family, url


@pytest.mark.parametrize("site", sorted(SITE_FAMILY))
def test_home_pages_name_their_family(site: str, farm: DemoFarm) -> None:
    home = farm.urls[site] + "/"
    assert fingerprint_site(home) == SITE_FAMILY[site]


@pytest.mark.parametrize("site", sorted(SITE_FAMILY))
def test_oneoff_spider_uses_the_fingerprinted_family(site: str, farm: DemoFarm) -> None:
    cls = spider_for_url(farm.urls[site] + "/")
    family = SITE_FAMILY[site]
    expected = DetectingSpider if family == "generic" else FAMILY_SPIDERS[family]
    assert issubclass(cls, expected)
    assert cls.kind == ("mirror" if family == "mirror" else "portal")


def test_unreachable_start_page_falls_back_to_detection() -> None:
    with DemoFarm(2024) as other:
        dead = other.urls["trs"] + "/"
    cls = spider_for_url(dead)
    assert issubclass(cls, DetectingSpider)


@pytest.mark.parametrize(
    ("html", "family"),
    [
        ('<meta name="generator" content="TRS WCM">', "trs"),
        ('<meta name="Generator" content="Hanweb jcms">', "hanweb"),
        ("<!--Announced by Visual SiteBuilder 9-->", "vsb"),
        ('<link href="/system/resource/css/x.css"><script>_sitegray()</script>', "vsb"),
        ('<script src="/module/web/jpage/dataproxy.jsp"></script>', "hanweb"),
        ('<a href="/gkmlpt/index">目录</a>', "gkmlpt"),
        ('<meta name="generator" content="开普云">', "ucap"),
        ('<div id="news-list"></div><script src="/js/list.js"></script>', "jsonapi"),
        ('<ul><li><a href="/about.html">关于</a></li></ul>', "generic"),
        ('<a href="/a.htm">one .htm link is not enough</a>', "generic"),
    ],
)
def test_single_page_signals(html: str, family: str) -> None:
    page = f"<html><head><title>t</title>{html}</head><body>{html}</body></html>"
    assert fingerprint("http://example.gov.cn/", page, {}) == family


def test_list_shell_needs_an_empty_container() -> None:
    full = '<div id="list"><a href="/a.html">a</a></div><script src="/x.js"></script>'
    assert not is_list_shell(full)
    assert is_list_shell('<div id="list"></div><script src="/x.js"></script>')
