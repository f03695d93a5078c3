"""Wire-level clients for the hostile-site tests: nothing decoded, followed or retried for us.

`get` speaks HTTP through http.client (no redirects, no decompression); `raw_get` talks to the
socket directly so a test sees exactly what arrived before a FIN, a reset or a stall.
"""

from __future__ import annotations

import http.client
import socket
from dataclasses import dataclass, field

from govcrawl.demo_farm.hostile import MIB, HostileSite

LOCAL_TARGET = "http://127.0.0.1:9/admin/"
"""The loopback redirect target the test site is given (nothing needs to listen there)."""
SIZE_LIMIT = 2 * MIB
BOMB_SIZE = 64 * MIB


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass
class RawReply:
    """What a raw socket read: status line and headers (if any arrived), body bytes, the end."""

    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    error: OSError | None = None
    """None when the server closed cleanly (FIN) or the read stopped at `limit`."""


def port_of(site: HostileSite) -> int:
    return int(site.url.rsplit(":", 1)[1])


def get(site: HostileSite, path: str, headers: dict[str, str] | None = None) -> Reply:
    """One request on a fresh connection; the whole body as sent."""
    conn = http.client.HTTPConnection("127.0.0.1", port_of(site), timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        resp = conn.getresponse()
        return Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
    finally:
        conn.close()


def open_request(site: HostileSite, path: str, timeout: float = 30) -> socket.socket:
    """A socket that has sent `GET path` and not read anything yet."""
    sock = socket.create_connection(("127.0.0.1", port_of(site)), timeout=timeout)
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port_of(site)}\r\nConnection: close\r\n\r\n"
    sock.sendall(request.encode("ascii"))
    return sock


def parse_head(data: bytes) -> tuple[int, dict[str, str], bytes] | None:
    """(status, headers, rest) once the header block is complete, else None."""
    head, sep, rest = data.partition(b"\r\n\r\n")
    if not sep:
        return None
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, rest


def raw_get(site: HostileSite, path: str, *, limit: int | None = None) -> RawReply:
    """Read until the server closes or resets, or until `limit` body bytes arrived."""
    reply = RawReply()
    data = b""
    with open_request(site, path) as sock:
        try:
            while True:
                piece = sock.recv(65536)
                if not piece:
                    break
                data += piece
                parsed = parse_head(data)
                if limit is not None and parsed and len(parsed[2]) >= limit:
                    break
        except OSError as err:
            reply.error = err
    parsed = parse_head(data)
    if parsed:
        reply.status, reply.headers, reply.body = parsed
    return reply


def case(site: HostileSite, name: str) -> dict:
    """The `cases()` row called `name`."""
    return next(c for c in site.cases() if c["case"] == name)


def truth_for(site: HostileSite, path: str) -> dict:
    """The ground-truth row served at `path`."""
    return next(t for t in site.ground_truth() if t["path"] == path)
