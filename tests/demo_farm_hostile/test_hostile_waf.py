"""The anti-bot cases: a WAF's 412 JS-cookie challenge before a report, a rate limiter's page."""

from __future__ import annotations

from hostile_wire import case, get, truth_for

from govcrawl.demo_farm.hostile import HostileSite
from govcrawl.fetch.guard import is_challenge


def test_412_cookie_challenge_then_the_report_per_client(site: HostileSite) -> None:
    path = case(site, "waf.412_cookie")["path"]
    first = get(site, path)
    assert first.status == 412
    assert b"document.cookie" in first.body and b"$_ts" in first.body
    assert is_challenge(first.status, first.headers, first.body) == "412 JS cookie"
    second = get(site, path)
    assert second.status == 200
    assert f"<h1>{truth_for(site, path)['title']}</h1>" in second.body.decode("utf-8")
    assert is_challenge(second.status, second.headers, second.body) is None
    assert get(site, path).status == 412  # a new round starts challenged again


def test_too_frequent_page_every_time(site: HostileSite) -> None:
    path = case(site, "waf.too_frequent")["path"]
    replies = [get(site, path) for _ in range(3)]
    assert {r.status for r in replies} == {200}
    for reply in replies:
        assert "访问过于频繁" in reply.body.decode("utf-8")
        assert is_challenge(reply.status, reply.headers, reply.body) == "too frequent"


def test_waf_cases_are_linked_from_the_list(site: HostileSite) -> None:
    listing = get(site, "/xxgk/").body.decode("utf-8")
    for name in ("waf.412_cookie", "waf.too_frequent"):
        assert f'href="{case(site, name)["path"]}"' in listing
