"""What a latency-bound portal feels of govcrawl's politeness, measured at the server.

The project default lets up to 4 requests be in flight to one portal; a registry entry's
`concurrency` lowers that for one portal. The farm server counts the requests it is answering
at once, so these tests see the limit a portal sees, not what Scrapy's settings claim.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from govcrawl import settings
from govcrawl.demo_farm.farm import SiteServer
from govcrawl.demo_farm.sites.bulk import build, registry_entry

REPO = Path(__file__).resolve().parents[2]
PAGES = 80
LATENCY = 0.05


def crawl_max_in_flight(tmp_path: Path, extra_entry_lines: str = "") -> tuple[int, int]:
    """(most requests answered at once, requests answered) for one crawl of the bulk portal."""
    site = build(2024, PAGES)
    with SiteServer(site, latency=LATENCY) as server:
        registry = tmp_path / "portals.toml"
        registry.write_text(registry_entry(server.url, site) + extra_entry_lines, "utf-8")
        done = subprocess.run(
            [sys.executable, "-m", "govcrawl", "crawl", "bulk_city", "--registry",
             str(registry), "--out", str(tmp_path / "out"), "--quiet",
             "-s", "ITEM_PIPELINES={}"],
            cwd=REPO, capture_output=True, text=True, timeout=240, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]
        return server.max_in_flight, sum(server.statuses.values())


def test_default_uses_parallel_requests_up_to_the_per_portal_limit(tmp_path: Path) -> None:
    most, answered = crawl_max_in_flight(tmp_path)
    assert answered > PAGES // 2  # list pages and every article not refused by its title
    assert 1 < most <= settings.CONCURRENT_REQUESTS_PER_DOMAIN


@pytest.mark.parametrize("concurrency", [1, 2])
def test_registry_concurrency_caps_requests_in_flight(tmp_path: Path, concurrency: int) -> None:
    most, answered = crawl_max_in_flight(tmp_path, f"concurrency = {concurrency}\n")
    assert answered > PAGES // 2  # list pages and every article not refused by its title
    assert most == concurrency
