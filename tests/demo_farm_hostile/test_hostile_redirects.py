"""Redirects a crawler must bound or refuse, and link traps that never run out of URLs."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from hostile_wire import LOCAL_TARGET, case, get, truth_for

from govcrawl.demo_farm.hostile import (
    EXTERNAL_URL,
    INTRANET_URL,
    METADATA_URL,
    HostileSite,
)


def test_redirect_loop_alternates_between_two_urls(site: HostileSite) -> None:
    start = case(site, "redirect.loop")["path"]
    seen = [start]
    for _ in range(4):
        reply = get(site, seen[-1])
        assert reply.status == 302
        seen.append(urlsplit(urljoin(site.url + seen[-1], reply.header("location"))).path)
    assert seen[0] == seen[2] == seen[4] and seen[1] == seen[3] and seen[0] != seen[1]


def follow(site: HostileSite, path: str, limit: int = 50) -> tuple[list[int], str]:
    """Follow redirects by hand: the 3xx statuses met and the final path."""
    statuses: list[int] = []
    url = site.url + path
    for _ in range(limit):
        reply = get(site, urlsplit(url).path)
        if reply.status not in (301, 302, 303, 307, 308):
            assert reply.status == 200
            return statuses, urlsplit(url).path
        statuses.append(reply.status)
        url = urljoin(url, reply.header("location"))
        assert url.startswith(site.url)  # relative, absolute-path and absolute forms stay here
    raise AssertionError("redirect chain did not end")


def test_chain_of_exactly_twenty_redirects_ends_at_a_report(site: HostileSite) -> None:
    statuses, final = follow(site, case(site, "redirect.chain_20")["path"])
    assert len(statuses) == 20
    assert set(statuses) == {301, 302, 303, 307, 308}
    truth = truth_for(site, final)
    assert f"<h1>{truth['title']}</h1>" in get(site, final).body.decode("utf-8")


def test_chain_length_is_configurable() -> None:
    with HostileSite(redirect_hops=3) as short:
        statuses, final = follow(short, case(short, "redirect.chain_20")["path"])
    assert len(statuses) == 3
    assert final == short.content.paths["chain_report"]


def test_out_of_scope_and_private_redirect_targets(site: HostileSite) -> None:
    expected = {
        "redirect.external": EXTERNAL_URL,
        "redirect.private_10": INTRANET_URL,
        "redirect.metadata": METADATA_URL,
        "redirect.loopback": LOCAL_TARGET,
    }
    for name, target in expected.items():
        reply = get(site, case(site, name)["path"])
        assert reply.status in (301, 302), name
        assert reply.header("location") == target, name
    assert urlsplit(METADATA_URL).hostname == "169.254.169.254"


def test_loopback_target_defaults_to_another_local_port() -> None:
    with HostileSite() as plain:
        target = get(plain, case(plain, "redirect.loopback")["path"]).header("location")
        own_port = urlsplit(plain.url).port
    split = urlsplit(target)
    assert split.hostname == "127.0.0.1" and split.port != own_port


def hrefs(body: bytes) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', body.decode("utf-8"))]


def test_calendar_links_prev_and_next_day_without_end(site: HostileSite) -> None:
    path = case(site, "trap.calendar")["path"]
    seen = set()
    for _ in range(30):
        reply = get(site, path)
        assert reply.status == 200
        seen.add(path)
        prev_day, next_day = [h for h in hrefs(reply.body) if h.startswith("/calendar?")]
        assert prev_day in seen or prev_day.endswith("2023-12-31")
        path = next_day
    assert path.endswith("2024-01-31")
    assert "/calendar?date=1999-12-31" in hrefs(get(site, "/calendar?date=2000-01-01").body)
    assert get(site, "/calendar?date=not-a-date").status == 404


def test_pagination_always_has_a_next_page_with_nothing_new(site: HostileSite) -> None:
    first = get(site, case(site, "trap.pagination")["path"])
    far = get(site, "/list_5000.html")
    assert "list_2.html" in hrefs(first.body) and "list_5001.html" in hrefs(far.body)

    def items(body: bytes) -> set[str]:
        return {h for h in hrefs(body) if not h.startswith("list_")}

    assert items(first.body) == items(far.body)


def test_session_ids_are_fresh_on_every_response(site: HostileSite) -> None:
    path = case(site, "trap.session_ids")["path"]
    one, two = get(site, path), get(site, path)
    links_one, links_two = hrefs(one.body), hrefs(two.body)
    assert any(";jsessionid=" in h for h in links_one)
    assert any("sid=" in urlsplit(h).query for h in links_one)
    assert not set(links_one) & {h for h in links_two if "jsessionid" in h or "sid=" in h}
    assert one.header("set-cookie") != two.header("set-cookie")
    views = [h for h in links_one if h.startswith("/hdjl/view.jsp")]
    bodies = {h: get(site, h).body for h in views}
    titles = {re.search(rb"<h1>(.*?)</h1>", b).group(1) for b in bodies.values()}
    assert len(titles) == 3  # the same three interview pages, whatever the ids


def test_relative_links_go_ever_deeper(site: HostileSite) -> None:
    path = case(site, "trap.deep_relative")["path"]
    for _ in range(12):
        reply = get(site, path)
        assert reply.status == 200
        assert "a/" in hrefs(reply.body)
        path = urljoin(path, "a/")
    assert path == "/deep/" + "a/" * 12
