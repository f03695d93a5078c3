"""Responses too large to keep: over the size limit (declared or streamed), a gzip bomb, a
10,000-cell table."""

from __future__ import annotations

import http.client
import struct
import zlib

from hostile_wire import BOMB_SIZE, SIZE_LIMIT, case, get, port_of, raw_get

from govcrawl.demo_farm.hostile import GIB, MIB, HostileSite, filler, gzip_bomb


def test_huge_declares_its_length_above_the_limit(site: HostileSite) -> None:
    reply = raw_get(site, case(site, "size.huge")["path"], limit=MIB)
    assert reply.status == 200
    assert int(reply.headers["content-length"]) == site.huge_size > SIZE_LIMIT
    assert reply.body.startswith(b"%PDF-")
    assert len(reply.body) >= MIB  # we hung up after the first MiB


def test_huge_really_sends_every_byte_it_declares(site: HostileSite) -> None:
    reply = raw_get(site, case(site, "size.huge")["path"])
    assert reply.error is None
    assert len(reply.body) == int(reply.headers["content-length"]) == SIZE_LIMIT + MIB


def test_huge_chunked_has_no_length_and_streams_past_the_limit(site: HostileSite) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port_of(site), timeout=30)
    conn.request("GET", case(site, "size.huge_chunked")["path"])
    resp = conn.getresponse()
    assert resp.getheader("Content-Length") is None
    assert resp.getheader("Transfer-Encoding") == "chunked"
    total = 0
    while piece := resp.read(256 * 1024):
        total += len(piece)
    conn.close()
    assert total == site.huge_size > SIZE_LIMIT


def test_default_size_limit_is_fifty_mib_and_the_client_can_hang_up_early() -> None:
    with HostileSite() as plain:
        reply = raw_get(plain, case(plain, "size.huge")["path"], limit=MIB)
        assert int(reply.headers["content-length"]) > 50 * MIB
        assert get(plain, "/").status == 200  # the server shrugged off the hang-up


def test_filler_streams_bounded_pieces() -> None:
    pieces = list(filler(3 * MIB + 5))
    assert sum(map(len, pieces)) == 3 * MIB + 5
    assert max(map(len, pieces)) <= 64 * 1024


def inflate_capped(data: bytes, cap: int) -> tuple[int, bool]:
    """Inflate gzip `data` in bounded steps until `cap` bytes: (bytes out, input left over)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = 0
    pending = data
    while pending and out < cap:
        out += len(inflater.decompress(pending, min(4 * MIB, cap - out)))
        pending = inflater.unconsumed_tail
        if inflater.eof:
            break
    return out, bool(pending) and not inflater.eof


def test_gzip_bomb_is_small_on_the_wire_and_huge_inflated(site: HostileSite) -> None:
    reply = get(site, case(site, "size.gzip_bomb")["path"], {"Accept-Encoding": "gzip"})
    assert reply.status == 200
    assert reply.header("content-encoding") == "gzip"
    assert int(reply.header("content-length")) == len(reply.body) < BOMB_SIZE // 500
    assert struct.unpack("<I", reply.body[-4:])[0] == BOMB_SIZE  # gzip ISIZE trailer
    produced, more = inflate_capped(reply.body, 16 * MIB)
    assert produced == 16 * MIB and more


def test_gzip_bomb_is_sent_even_to_clients_that_did_not_ask(site: HostileSite) -> None:
    reply = get(site, case(site, "size.gzip_bomb")["path"], {"Accept-Encoding": "identity"})
    assert reply.header("content-encoding") == "gzip"


def test_gzip_bomb_is_a_valid_gzip_stream() -> None:
    data = gzip_bomb(8 * MIB)
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    assert inflater.decompress(data) == bytes(8 * MIB)  # CRC and length checked at the end
    assert inflater.eof


def test_default_gzip_bomb_inflates_to_a_gibibyte() -> None:
    with HostileSite() as plain:
        reply = get(plain, case(plain, "size.gzip_bomb")["path"])
    assert len(reply.body) < 2 * MIB
    assert struct.unpack("<I", reply.body[-4:])[0] == GIB % 2**32
    produced, more = inflate_capped(reply.body, 64 * MIB)
    assert produced == 64 * MIB and more


def test_big_table_has_ten_thousand_cells(site: HostileSite) -> None:
    reply = get(site, case(site, "size.big_table")["path"])
    text = reply.body.decode("utf-8")
    assert text.count("<table") == 1
    assert text.count("<td>") == 10_000
