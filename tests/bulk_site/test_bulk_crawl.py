"""govcrawl on a 200-page bulk portal, through its registry entry, as a user runs it: every
list page and every article not refused by its title is fetched, and the records are exactly
the farm's report copies."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator

from govcrawl.demo_farm.farm import SiteServer
from govcrawl.demo_farm.sites.bulk import build, registry_entry
from govcrawl.fetch.recognize import classify_title
from govcrawl.store import Dataset

REPO = Path(__file__).resolve().parents[2]


def _archived_paths(warc_dir: Path) -> set[str]:
    paths = set()
    for warc in warc_dir.glob("*.warc.gz"):
        with warc.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response":
                    paths.add(urlsplit(record.rec_headers.get_header("WARC-Target-URI")).path)
    return paths


def test_crawl_reaches_every_page_and_finds_every_report(tmp_path: Path) -> None:
    site = build(2024, 200)
    with SiteServer(site) as server:
        registry = tmp_path / "portals.toml"
        registry.write_text(registry_entry(server.url, site), encoding="utf-8")
        done = subprocess.run(
            [sys.executable, "-m", "govcrawl", "crawl", "bulk_city", "--registry",
             str(registry), "--out", str(tmp_path / "out"), "--quiet"],
            cwd=REPO, capture_output=True, text=True, timeout=240, check=False,
        )  # fmt: skip
        base = server.url
    assert done.returncode == 0, done.stderr[-2000:]

    archived = _archived_paths(tmp_path / "out" / "warc")
    lists = {
        site.list_path(c, i) for c in site.layout.columns for i in range(site.layout.list_pages(c))
    }
    wanted = {
        site.article_path(c, i)
        for c in site.layout.columns
        for i in range(site.layout.column_size(c))
        if classify_title(site.title(c, i)) != "not_annual_report"
    }
    assert lists <= archived
    assert wanted <= archived
    assert archived - set(site.paths()) == {"/robots.txt"}

    found = {r["source"]["url"] for r in Dataset(tmp_path / "out").records()}
    assert found == {base + entry["path"] for entry in site.truth}
