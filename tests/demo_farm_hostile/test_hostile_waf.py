"""The anti-bot cases: a WAF's 412 JS-cookie challenge before a report, a rate limiter's page."""

from __future__ import annotations

from hostile_wire import case, get, truth_for

from govcrawl.demo_farm.hostile import (
    WAF_SCRIPT_COOKIE,
    WAF_SERVER_COOKIE,
    HostileSite,
    waf_token,
)
from govcrawl.fetch.guard import is_challenge


def test_412_cookie_challenge_until_both_cookies_come_back(site: HostileSite) -> None:
    path = case(site, "waf.412_cookie")["path"]
    first = get(site, path)
    assert first.status == 412
    assert b"document.cookie" in first.body and b"$_ts" in first.body
    assert is_challenge(first.status, first.headers, first.body) == "412 JS cookie"
    issued = first.headers["set-cookie"].split(";")[0]
    assert issued.startswith(f"{WAF_SERVER_COOKIE}=")
    assert get(site, path).status == 412  # retrying alone never passes
    assert get(site, path, {"Cookie": issued}).status == 412  # nor the issued cookie alone
    wrong = f"{issued}; {WAF_SCRIPT_COOKIE}=0"
    assert get(site, path, {"Cookie": wrong}).status == 412
    agent = "govcrawl-test/1"
    both = f"{issued}; {WAF_SCRIPT_COOKIE}={waf_token(agent)}"
    assert get(site, path, {"Cookie": both, "User-Agent": "other/1"}).status == 412
    served = get(site, path, {"Cookie": both, "User-Agent": agent})
    assert served.status == 200
    assert f"<h1>{truth_for(site, path)['title']}</h1>" in served.body.decode("utf-8")
    assert is_challenge(served.status, served.headers, served.body) is None


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
