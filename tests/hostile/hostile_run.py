"""One crawl of the hostile portal plus a normal demo portal, shared by the acceptance tests.

The crawl runs as a subprocess (`crawl_driver.py`), with small timeouts and size limits so it
takes seconds. The hostile portal's start URLs are its `/xxgk/` list (which leads to the reports
and the broken attachments) and every listed non-report case, so each hostile endpoint is
requested by the crawler at least once. A second hostile site only serves as the loopback
redirect target: the crawl must never connect to it.
"""

from __future__ import annotations

import http.client
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from warcio.archiveiterator import ArchiveIterator

from govcrawl.demo_farm.farm import DemoFarm
from govcrawl.demo_farm.hostile import MIB, HostileSite
from govcrawl.store.dataset import Dataset

DRIVER = Path(__file__).with_name("crawl_driver.py")
SIZE_LIMIT = 2 * MIB
TIMEOUT = 8  # generous: a reset or short body must not lose the race to the timeout under load
SETTINGS = {
    "DOWNLOAD_TIMEOUT": TIMEOUT,
    "DOWNLOAD_MAXSIZE": SIZE_LIMIT,
    "DOWNLOAD_WARNSIZE": 0,
    "GOVCRAWL_RETRY_AFTER_MAX": 5,
    "GOVCRAWL_RETRY_BACKOFF": 0.2,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
}
REPORT_CASES = ("charset.gbk_labelled_utf8", "status.503_retry", "waf.412_cookie")
"""Cases whose endpoint is a report page: reached through the list, not as start pages."""


@dataclass
class Run:
    out: Path
    hostile: HostileSite
    target: HostileSite
    farm: DemoFarm
    normal_site: str
    summary: dict

    def errors(self) -> list[tuple[str, str, str]]:
        return Dataset(self.out).query("SELECT url, stage, reason FROM errors")

    def errors_for(self, url: str) -> list[tuple[str, str]]:
        return [(stage, reason) for u, stage, reason in self.errors() if u == url]

    def records(self) -> list[dict]:
        return list(Dataset(self.out).records())

    def record_urls(self) -> set[str]:
        return {r["source"]["url"] for r in self.records()}

    def warc_responses(self) -> dict[str, list[dict[str, str]]]:
        """Target URI → WARC headers of each response (or identical-payload revisit) record."""
        found: dict[str, list[dict[str, str]]] = {}
        for path in sorted((self.out / "warc").glob("*.warc*")):
            with path.open("rb") as stream:
                for record in ArchiveIterator(stream):
                    if record.rec_type in ("response", "revisit"):
                        headers = dict(record.rec_headers.headers)
                        found.setdefault(headers["WARC-Target-URI"], []).append(headers)
        return found

    def requests_to(self, site: HostileSite, pattern: str) -> list[tuple[str, int]]:
        """(target, status) of the requests `site` answered whose path matches `pattern`."""
        return [
            (target, status)
            for _, _, target, status in site.request_log
            if re.fullmatch(pattern, urlsplit(target).path)
        ]


def linked_paths(site: HostileSite, path: str) -> set[str]:
    """Paths a page of `site` links to (read with a plain client, no crawler involved)."""
    conn = http.client.HTTPConnection("127.0.0.1", int(site.url.rsplit(":", 1)[1]), timeout=10)
    try:
        conn.request("GET", path)
        body = conn.getresponse().read().decode("utf-8", "replace")
    finally:
        conn.close()
    base = site.url + path
    return {urlsplit(urljoin(base, href)).path for href in re.findall(r'href="([^"]+)"', body)}
