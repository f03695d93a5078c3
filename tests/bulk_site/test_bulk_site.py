"""The bulk portal: exact size, deterministic bytes, every page reachable by links, the farm's
own reports, and pages rendered on request rather than held in memory."""

from __future__ import annotations

import gzip
import random
import re
import urllib.error
import urllib.request
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest

from govcrawl.demo_farm.farm import SiteServer
from govcrawl.demo_farm.render import render_html_body, render_pdf
from govcrawl.demo_farm.reports import generate_reports
from govcrawl.demo_farm.sites.bulk import (
    MIN_PAGES,
    PER_PAGE,
    BulkSite,
    article_index,
    article_number,
    build,
    plan,
)

_LINK = re.compile(r"""(?:href|src)=["']([^"']+)["']""")


def _get(site: BulkSite, path: str) -> tuple[int, bytes]:
    answer = site.resolve("GET", path, {}, {})
    return answer.status, answer.body


def _walk(site: BulkSite) -> set[str]:
    """Every path reached from the home page by following href/src, as a crawler without
    JavaScript does; fails on any link that does not answer 200."""
    seen = {"/"}
    queue = deque(["/"])
    while queue:
        path = queue.popleft()
        status, body = _get(site, path)
        assert status == 200, path
        if not path.endswith((".html", "/")):
            continue
        for href in _LINK.findall(body.decode("utf-8")):
            if href.startswith(("javascript:", "#")):
                continue
            target = urlsplit(urljoin("http://portal" + path, href)).path
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


@pytest.mark.parametrize("pages", [MIN_PAGES, MIN_PAGES + 1, 95, 123, 200, 1234])
def test_links_from_the_home_page_reach_exactly_the_asked_number_of_pages(pages: int) -> None:
    site = build(11, pages)
    reached = _walk(site)
    assert len(reached) == site.page_count == pages
    assert reached == set(site.paths())


def test_list_pages_hold_twenty_articles_newest_first() -> None:
    site = build(11, 500)
    body = _get(site, "/xxgk/gzdt/index_1.html")[1].decode()
    days = re.findall(r"<span>(\d{4}-\d{2}-\d{2})</span>", body)
    assert len(days) == PER_PAGE
    assert days == sorted(days, reverse=True)
    last = site.layout.list_pages("gzdt") - 1
    assert f'createPageHTML({last + 1}, 1, "index", "html")' in body
    assert f'href="index_{last}.html">尾页' in body


def test_same_seed_same_bytes_other_seed_other_content() -> None:
    first, again, other = build(5, 300), build(5, 300), build(6, 300)
    paths = list(first.paths())
    assert paths == list(again.paths())
    assert all(_get(first, p) == _get(again, p) for p in paths)
    articles = [p for p in paths if "/t" in p]
    assert any(_get(first, p)[1] != _get(other, p)[1] for p in articles[:50])
    assert [e["title"] for e in first.truth] != [e["title"] for e in other.truth]


def test_unknown_or_inconsistent_paths_are_404() -> None:
    site = build(3, 400)
    article = next(p for p in site.paths() if "/gzdt/2" in p)
    wrong_day = re.sub(r"/t(\d{8})_", lambda m: f"/t{int(m.group(1)) - 1}_", article)
    wrong_column = article.replace("/gzdt/", "/rsxx/")
    past_end = f"/xxgk/gzdt/index_{site.layout.list_pages('gzdt')}.html"
    no_pdf = site.pdf_path(0)  # only report k % 4 == 1 has a PDF copy
    zero = "/xxgk/gzdt/index_0.html"
    for path in (wrong_day, wrong_column, past_end, no_pdf, zero, "/xxgk/nope/index.html", "/x"):
        assert _get(site, path)[0] == 404, path


def test_article_numbers_are_a_permutation() -> None:
    rng = random.Random(1)
    for index in [0, 1, 899_999, *rng.sample(range(900_000), 200)]:
        number = article_number(index)
        assert 100_000 <= number < 1_000_000
        assert article_index(number) == index


def test_too_small_a_portal_is_refused() -> None:
    with pytest.raises(ValueError):
        plan(MIN_PAGES - 1)


def test_reports_are_the_farms_generated_reports_rendered_by_its_renderers() -> None:
    site = build(2024, 1000)
    generated = {r.report_id: r for r in generate_reports(2024 * 10 + 97, site.layout.reports)}
    assert {r.report_id for r in site.reports} == set(generated)
    portal = [e for e in site.truth if e["kind"] == "portal"]
    files = [e for e in site.truth if e["kind"] == "attachment"]
    assert len(portal) == site.layout.reports and len(files) == site.layout.pdfs > 0
    for k, report in enumerate(site.reports):
        status, body = _get(site, site.article_path("ndbg", k))
        assert status == 200
        assert render_html_body(report, variant=k % 3) in body.decode()
    entry = files[0]
    report = next(r for r in site.reports if r.title == entry["title"])
    assert _get(site, entry["path"]) == (200, render_pdf(report))


def test_a_ten_thousand_page_portal_is_not_built_in_memory() -> None:
    site = build(2024, 10_000)
    assert site.pages == {}
    assert site.page_count == 10_000
    last = list(site.paths())[-1]
    assert _get(site, last)[0] == 200


def test_served_over_http_with_gzip_and_counted() -> None:
    site = build(2024, 100)
    with SiteServer(site, latency=0.01) as server:
        request = urllib.request.Request(
            server.url + "/xxgk/ndbg/index.html", headers={"Accept-Encoding": "gzip"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            body = gzip.decompress(response.read())
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(server.url + "/xxgk/ndbg/index_99.html", timeout=10)
        assert missing.value.code == 404
        assert server.statuses == {200: 1, 404: 1}
    assert body == _get(site, "/xxgk/ndbg/index.html")[1]


def test_a_size_the_columns_cannot_hit_gets_one_prose_page_more() -> None:
    sizes = range(MIN_PAGES, 400)
    padded = [n for n in sizes if plan(n).pad]
    assert padded and len(padded) < len(sizes)
    assert all(build(1, n).page_count == n for n in padded[:3])
