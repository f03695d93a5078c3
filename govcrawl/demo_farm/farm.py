"""The demo farm: every simulated portal served on 127.0.0.1, plus what a perfect crawl finds.

Tests and demos start one `DemoFarm`, point the crawler at `urls`, and score the result against
`ground_truth()` (every report copy served, with its tables and checks) and `decoys()` (pages a
crawler must not take for reports). Content is built once per seed and process; each site
gets its own `ThreadingHTTPServer` in a daemon thread, so a farm starts in milliseconds after
the first build.
"""

from __future__ import annotations

import copy
import json
import socket
import sys
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from govcrawl.demo_farm.sites import SITE_ORDER, Site, build_sites
from govcrawl.demo_farm.sites.base import make_handler


class _Server(ThreadingHTTPServer):
    """One site's server; a client hanging up mid-answer is normal for crawlers, not an error."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            super().handle_error(request, client_address)

    def get_request(self) -> tuple[socket.socket, Any]:
        """Answers leave without waiting on Nagle's algorithm: the handler writes headers and
        body separately, and with Nagle on the body waits for the client's delayed ACK of the
        headers (40 ms on Linux), which would swamp the latency a benchmark sets."""
        conn, address = super().get_request()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return conn, address


class SiteServer:
    """One site outside the demo farm on its own port (benchmarks serve big generated sites).

    Keeps only a count of answers per status, not a request log, so a crawl of 10,000 pages
    does not grow the serving process; and the most requests it was ever answering at once,
    which is what a portal feels of a crawler's politeness.
    """

    def __init__(
        self, site: Site, *, host: str = "127.0.0.1", port: int = 0, latency: float = 0.0
    ) -> None:
        self.site = site
        self.statuses: Counter[int] = Counter()
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._server = _Server((host, port), self._gauged(make_handler(site, self._count, latency)))
        self._thread = threading.Thread(
            target=self._server.serve_forever, name=f"site-{site.key}", daemon=True
        )

    def _count(self, site: str, method: str, path: str, status: int) -> None:
        with self._lock:
            self.statuses[status] += 1

    def _gauged(self, handler: type[BaseHTTPRequestHandler]) -> type[BaseHTTPRequestHandler]:
        """The handler class, counting the requests being answered (latency wait included)."""
        server = self

        class GaugedHandler(handler):  # type: ignore[misc,valid-type]
            def handle_one_request(self) -> None:
                # The request line is read inside; a keep-alive connection waiting for its next
                # request is idle, not in flight, so count from the first byte received.
                try:
                    waiting = self.rfile.peek(1)
                except (TimeoutError, ConnectionError):
                    waiting = b""
                if not waiting:
                    self.close_connection = True
                    return
                with server._lock:
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    super().handle_one_request()
                finally:
                    with server._lock:
                        server.in_flight -= 1

        return GaugedHandler

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> SiteServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


class DemoFarm:
    """All demo sites for one seed, on one host, each on its own port (0 = any free port)."""

    def __init__(
        self,
        seed: int = 2024,
        *,
        host: str = "127.0.0.1",
        ports: dict[str, int] | None = None,
        latency: float = 0.0,
    ) -> None:
        unknown = set(ports or {}) - set(SITE_ORDER)
        if unknown:
            raise ValueError(f"unknown site keys: {sorted(unknown)}")
        self.seed = seed
        self.host = host
        self.latency = latency
        """Seconds each answer waits, to make the farm latency-bound (benchmarks)."""
        self.ports = {key: (ports or {}).get(key, 0) for key in SITE_ORDER}
        self.request_log: list[tuple[str, str, str, int]] = []
        """(site, method, request target with query, status) of every request answered."""
        self._log_lock = threading.Lock()
        self._servers: dict[str, _Server] = {}
        self._threads: list[threading.Thread] = []

    @property
    def sites(self) -> dict[str, Site]:
        return build_sites(self.seed)

    def _log(self, site: str, method: str, path: str, status: int) -> None:
        with self._log_lock:
            self.request_log.append((site, method, path, status))

    def start(self) -> DemoFarm:
        if self._servers:
            return self
        try:
            for key, site in self.sites.items():
                server = _Server(
                    (self.host, self.ports[key]), make_handler(site, self._log, self.latency)
                )
                self._servers[key] = server
                thread = threading.Thread(
                    target=server.serve_forever, name=f"demo-farm-{key}", daemon=True
                )
                thread.start()
                self._threads.append(thread)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for server in self._servers.values():
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers.clear()
        self._threads.clear()

    def __enter__(self) -> DemoFarm:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def urls(self) -> dict[str, str]:
        """Site key → base URL; needs a started farm unless every port was given."""
        out = {}
        for key in SITE_ORDER:
            server = self._servers.get(key)
            port = server.server_address[1] if server else self.ports[key]
            if not port:
                raise RuntimeError("the farm is not started and its ports are not fixed")
            out[key] = f"http://{self.host}:{port}"
        return out

    def ground_truth(self) -> list[dict]:
        """One dict per report copy served (portal page, attachment or mirror copy)."""
        urls = self.urls
        return [
            {**copy.deepcopy(entry), "url": urls[key] + entry["path"]}  # callers may mutate
            for key, site in self.sites.items()
            for entry in site.truth
        ]

    def decoys(self) -> list[dict]:
        """Pages and files that look like reports but are not (or must not be fetched)."""
        urls = self.urls
        return [
            {**entry, "url": urls[key] + entry["path"]}
            for key, site in self.sites.items()
            for entry in site.decoys
        ]

    def write_manifest(self, path: str | Path) -> None:
        """Everything a separate crawl process needs to find and score this farm, as JSON."""
        manifest = {
            "seed": self.seed,
            "urls": self.urls,
            "ground_truth": self.ground_truth(),
            "decoys": self.decoys(),
        }
        target = Path(path)
        partial = target.with_name(target.name + ".part")
        partial.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
        partial.replace(target)  # atomic: a process polling for the file never reads half of it
