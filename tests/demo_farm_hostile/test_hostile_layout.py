"""The site a crawler walks into: home → list page → every case, robots.txt, truth and cases."""

from __future__ import annotations

import re
import urllib.robotparser

from hostile_wire import get

from govcrawl.demo_farm.hostile import HostileSite, build_content
from govcrawl.demo_farm.reports import CHECK_IDS, run_checks

TRUTH_KEYS = {
    "site", "path", "url", "kind", "format", "title", "agency", "year", "template", "tables",
    "broken", "checks", "seed", "parent_path",
}  # fmt: skip


def hrefs(html: bytes) -> list[str]:
    return re.findall(r'href="([^"]+)"', html.decode("utf-8"))


def test_home_links_the_disclosure_list(site: HostileSite) -> None:
    home = get(site, "/")
    assert home.status == 200
    assert '<a href="/xxgk/">政府信息公开</a>' in home.body.decode("utf-8")


def test_list_page_links_every_listed_case_and_report_by_title(site: HostileSite) -> None:
    listing = get(site, "/xxgk/")
    text = listing.body.decode("utf-8")
    links = set(hrefs(listing.body))
    listed = [c for c in site.content.cases if c.listed]
    assert len(listed) > 20
    for c in listed:
        assert c.path.replace("&", "&amp;") in links, c.case
        assert f">{c.link_text}</a>" in text, c.case
    portal_reports = [t for t in site.ground_truth() if t["parent_path"] == "/xxgk/"]
    linked = [t for t in portal_reports if t["path"] in links]
    assert all(f">{t['title']}</a>" in text for t in linked)
    # Only the chain's report is unlisted: it is reached through 20 redirects.
    assert [t["path"] for t in portal_reports if t not in linked] == [
        site.content.paths["chain_report"]
    ]


def test_attachments_hang_off_a_report_page(site: HostileSite) -> None:
    parent = site.content.paths["attachments_page"]
    links = set(hrefs(get(site, parent).body))
    unlisted = [c for c in site.content.cases if not c.listed]
    assert unlisted and all(c.case.startswith("doc.") for c in unlisted)
    assert {c.path for c in unlisted} <= links
    attachments = [t for t in site.ground_truth() if t["kind"] == "attachment"]
    assert attachments and all(t["parent_path"] == parent for t in attachments)


def test_robots_disallows_private_and_the_private_page_exists(site: HostileSite) -> None:
    robots = get(site, "/robots.txt")
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(robots.body.decode("utf-8").splitlines())
    private = next(c for c in site.cases() if c["case"] == "robots.disallowed")
    assert private["path"].startswith("/private/")
    assert not parser.can_fetch("govcrawl", private["url"])
    assert parser.can_fetch("govcrawl", site.url + "/xxgk/")
    assert get(site, private["path"]).status == 200  # served: a request would show in the log
    assert ("hostile", "GET", private["path"], 200) in site.request_log


def test_cases_are_unique_and_absolute(site: HostileSite) -> None:
    cases = site.cases()
    assert len({c["case"] for c in cases}) == len(cases)
    assert len({c["path"] for c in cases}) == len(cases)
    for c in cases:
        assert set(c) == {"case", "path", "url", "expect"}
        assert c["url"] == site.url + c["path"] and c["path"].startswith("/")
        assert len(c["expect"]) > 20


def test_ground_truth_rows_match_the_farm_shape_and_their_checks(site: HostileSite) -> None:
    truth = site.ground_truth()
    assert len(truth) == 8
    assert len({t["title"] for t in truth}) == len(truth)
    for row in truth:
        assert set(row) >= TRUTH_KEYS, row["path"]
        assert row["site"] == "hostile" and row["seed"] is None
        assert row["url"] == site.url + row["path"]
        assert set(row["checks"]) == set(CHECK_IDS)
        assert row["checks"] == run_checks(row["template"], row["tables"])
        assert row["broken"] == (not all(row["checks"].values()))
    assert {t["format"] for t in truth} == {"html", "pdf", "docx"}


def test_report_titles_never_collide_with_decoy_link_texts(site: HostileSite) -> None:
    titles = {t["title"] for t in site.ground_truth()}
    decoys = {c.link_text for c in site.content.cases if not c.expect.startswith("report")}
    assert not titles & decoys


def test_content_is_a_pure_function_of_the_seed() -> None:
    first, again, other = build_content(2024), build_content.__wrapped__(2024), build_content(2025)
    assert {p: r.body for p, r in first.pages.items()} == {
        p: r.body for p, r in again.pages.items()
    }
    assert first.truth == again.truth
    assert [t["tables"] for t in first.truth] != [t["tables"] for t in other.truth]
