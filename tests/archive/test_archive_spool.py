"""Large bodies go from the socket to disk to the WARC without being held in memory.

The crawl helper runs the project's download handler (`SpoolingDownloadHandler`) and prints
its own peak RSS, so the same crawl with spooling on and (threshold above the body) off shows
what holding the body costs. Memory is compared between two runs, never timed.
"""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from archive_site import BLOCK, big_blocks, load, run_crawl, warcio_check

from govcrawl import settings as project
from govcrawl.archive.reader import iter_files
from govcrawl.archive.writer import payload_digest
from govcrawl.fetch.spool import remove_stale_spools

MIB = 48
HANDLERS = {
    "DOWNLOAD_HANDLERS": project.DOWNLOAD_HANDLERS,
    "TWISTED_REACTOR": project.TWISTED_REACTOR,
}

pytestmark = pytest.mark.xdist_group("spool")


def big_digest(mebibytes: int) -> str:
    sha1 = hashlib.sha1()
    for block in big_blocks(mebibytes):
        sha1.update(block)
    return "sha1:" + base64.b32encode(sha1.digest()).decode("ascii")


def crawl_big(site: str, out: Path, threshold: int) -> dict[str, Any]:
    requests = [{"url": f"{site}/big/{MIB}.pdf"}, {"url": f"{site}/big-gzip/{MIB // 4}.pdf"}]
    return run_crawl(
        out,
        requests,
        GOVCRAWL_SPOOL_THRESHOLD=threshold,
        DOWNLOAD_MAXSIZE=256 * BLOCK,
        DOWNLOAD_WARNSIZE=0,
        **HANDLERS,
    )


@pytest.fixture(scope="module")
def spooled(site: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("spooled")
    stats = crawl_big(site, out, threshold=BLOCK)
    responses = {
        r["warc"].get_header("WARC-Target-URI"): r
        for path in iter_files([out / "warc"])
        for r in load(path)
        if r["type"] == "response"
    }
    return {"out": out, "stats": stats, "responses": responses}


def test_spooled_body_is_archived_whole_with_its_digest(site: str, spooled: dict) -> None:
    record = spooled["responses"][f"{site}/big/{MIB}.pdf"]
    assert len(record["stored"]) == MIB * BLOCK
    assert record["warc"].get_header("WARC-Payload-Digest") == big_digest(MIB)
    assert record["http"].get_header("Content-Length") == str(MIB * BLOCK)
    for path in iter_files([spooled["out"] / "warc"]):
        check = warcio_check(path)
        assert check.returncode == 0, check.stdout + check.stderr


def test_spooled_gzip_body_keeps_its_encoding_and_digests_the_decoded_payload(
    site: str, spooled: dict
) -> None:
    record = spooled["responses"][f"{site}/big-gzip/{MIB // 4}.pdf"]
    assert record["http"].get_header("Content-Encoding") == "gzip"
    # stored compressed; the payload digest is over what was received (the entity body)
    assert record["warc"].get_header("WARC-Payload-Digest") == payload_digest(record["stored"])
    assert record["decoded"] == b"".join(big_blocks(MIB // 4))


def test_spool_files_are_gone_after_the_crawl(spooled: dict) -> None:
    spool = spooled["out"] / "spool"
    assert not spool.exists() or not any(spool.rglob("*"))


def test_spooling_keeps_the_body_out_of_memory(site: str, spooled: dict, tmp_path: Path) -> None:
    held = crawl_big(site, tmp_path / "held", threshold=1024 * BLOCK)
    streamed_kib, held_kib = spooled["stats"]["peak_rss_kib"], held["peak_rss_kib"]
    # Holding a 48 MiB body costs Scrapy's buffer plus the Response's copy; spooled, neither.
    assert held_kib - streamed_kib > MIB * 1024, (streamed_kib, held_kib)


def test_spools_of_dead_crawls_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    folders = {
        "dead": tmp_path / f"{dead.pid}-abcd1234",
        "dead_stored": tmp_path / f"stored-{dead.pid}",
        "live": tmp_path / f"{os.getpid()}-abcd1234",
        "other": tmp_path / "notes",
    }
    for folder in folders.values():
        folder.mkdir()
        (folder / "body-x.part").write_bytes(b"x")
    removed = remove_stale_spools(tmp_path)
    assert sorted(removed) == sorted([folders["dead"], folders["dead_stored"]])
    assert folders["live"].exists() and folders["other"].exists()
