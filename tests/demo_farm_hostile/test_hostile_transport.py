"""Below-HTTP misbehaviour (short bodies, resets, drips, stalls) and hostile status codes."""

from __future__ import annotations

import http.client
import socket
import time

import pytest
from hostile_wire import case, get, open_request, parse_head, port_of, raw_get, truth_for

from govcrawl.demo_farm.hostile import HostileSite


def test_truncated_body_promises_more_than_it_sends_then_closes(site: HostileSite) -> None:
    path = case(site, "transport.truncated")["path"]
    reply = raw_get(site, path)
    assert reply.error is None  # a clean FIN, not a reset
    assert reply.status == 200
    assert 0 < len(reply.body) < int(reply.headers["content-length"])
    conn = http.client.HTTPConnection("127.0.0.1", port_of(site), timeout=30)
    conn.request("GET", path)
    with pytest.raises(http.client.IncompleteRead):
        conn.getresponse().read()
    conn.close()


def test_reset_mid_body_is_a_tcp_rst(site: HostileSite) -> None:
    reply = raw_get(site, case(site, "transport.reset")["path"])
    assert isinstance(reply.error, ConnectionResetError)
    if reply.status is not None:  # the kernel may drop queued bytes when the RST lands
        assert len(reply.body) < int(reply.headers["content-length"])


def test_slow_drip_sends_headers_then_one_byte_at_a_time(site: HostileSite) -> None:
    with open_request(site, case(site, "transport.slow_drip")["path"]) as sock:
        data = b""
        while parse_head(data) is None:
            data += sock.recv(4096)
        status, headers, first = parse_head(data)
        assert status == 200
        pieces = [first] if first else []
        while len(pieces) < 4:
            pieces.append(sock.recv(4096))
    sizes = [len(p) for p in pieces]
    assert all(1 <= n <= 3 for n in sizes)  # a byte per interval (a slow reader may see two)
    assert int(headers["content-length"]) > 1000


def test_silent_endpoint_accepts_and_says_nothing(site: HostileSite) -> None:
    path = case(site, "transport.silent")["path"]
    with open_request(site, path, timeout=0.5) as sock, pytest.raises(socket.timeout):
        sock.recv(1)
    assert ("hostile", "GET", path, 0) in site.request_log


def test_stop_releases_dripping_and_stalled_connections(site: HostileSite) -> None:
    drip = open_request(site, case(site, "transport.slow_drip")["path"], timeout=30)
    stall_path = case(site, "transport.silent")["path"]
    stall = open_request(site, stall_path, timeout=30)
    drip.recv(1)
    while ("hostile", "GET", stall_path, 0) not in site.request_log:
        time.sleep(0.01)  # stop only once the stall handler holds the connection
    site.stop()
    with stall:
        assert stall.recv(1) == b""  # the stalled handler woke up and closed
    drip.close()


@pytest.mark.parametrize("name,status", [("status.404", 404), ("status.500", 500)])
def test_error_statuses(site: HostileSite, name: str, status: int) -> None:
    reply = get(site, case(site, name)["path"])
    assert reply.status == status
    assert reply.header("retry-after") is None


def test_soft_404_is_a_200_not_found_page(site: HostileSite) -> None:
    reply = get(site, case(site, "status.soft_404")["path"])
    assert reply.status == 200
    assert "页面不存在" in reply.body.decode("utf-8")
    assert b"<table" not in reply.body


@pytest.mark.parametrize("name,status", [("status.503_retry", 503), ("status.429_retry", 429)])
def test_busy_then_ok_on_retry_per_client(site: HostileSite, name: str, status: int) -> None:
    path = case(site, name)["path"]
    first = get(site, path)
    assert first.status == status
    assert first.header("retry-after") == str(site.retry_after)
    second = get(site, path)
    assert second.status == 200
    assert get(site, path).status == status  # a new round starts busy again
    assert get(site, path).status == 200


def test_enforced_retry_after_refuses_early_retries() -> None:
    with HostileSite(retry_after=60, enforce_retry_after=True) as strict:
        path = case(strict, "status.503_retry")["path"]
        statuses = [get(strict, path).status for _ in range(3)]
    assert statuses == [503, 503, 503]  # nobody waited a minute


def test_enforced_retry_after_serves_a_patient_client() -> None:
    with HostileSite(retry_after=1, enforce_retry_after=True) as strict:
        path = case(strict, "status.429_retry")["path"]
        first = get(strict, path)
        time.sleep(1.05 * int(first.header("retry-after")))
        assert (first.status, get(strict, path).status) == (429, 200)


def test_the_503_page_is_a_report(site: HostileSite) -> None:
    path = case(site, "status.503_retry")["path"]
    get(site, path)
    text = get(site, path).body.decode("utf-8")
    assert f"<h1>{truth_for(site, path)['title']}</h1>" in text
