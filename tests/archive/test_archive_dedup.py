"""Two `govcrawl crawl` runs of the unchanged demo farm into one output folder.

The second run must re-validate every page (the farm answers 304 to If-None-Match), archive
each answer as a revisit instead of a response, and still produce the same records, which
replay then rebuilds from the revisits through the first run's files.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from archive_site import REPO, load, warcio_ok
from warcio.archiveiterator import ArchiveIterator

from govcrawl.archive.package import CDXJ_RECORDS
from govcrawl.archive.reader import iter_files, iter_report_sources
from govcrawl.archive.writer import SERVER_NOT_MODIFIED
from govcrawl.demo_farm.farm import DemoFarm
from govcrawl.process import process_source

PORTALS = ("demo_trs_city", "demo_vsb_bureau")
PROVENANCE = {"warc_record_id", "warc_file", "fetched_at"}


def govcrawl_crawl(manifest: Path, out: Path) -> None:
    command = [
        sys.executable, "-m", "govcrawl", "crawl", *PORTALS, "--manifest", str(manifest),
        "--out", str(out), "--quiet",
    ]  # fmt: skip
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]


def records_of(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    base = tmp_path_factory.mktemp("dedup")
    out = base / "out"
    with DemoFarm(2024) as farm:
        manifest = base / "farm.json"
        farm.write_manifest(manifest)
        govcrawl_crawl(manifest, out)
        files1 = iter_files([out / "warc"])
        records1 = records_of(out / "records.jsonl")
        log1 = len(farm.request_log)
        govcrawl_crawl(manifest, out)
        files2 = [p for p in iter_files([out / "warc"]) if p not in files1]
        records2 = records_of(out / "records.jsonl")[len(records1) :]
        requests2 = list(farm.request_log[log1:])
    yield {
        "out": out,
        "files1": files1,
        "files2": files2,
        "records1": records1,
        "records2": records2,
        "requests2": requests2,
        "loaded": {p: load(p) for p in files1 + files2},
    }


def by_type(runs: dict[str, Any], files: list[Path], kind: str) -> list[dict[str, Any]]:
    return [r for p in files for r in runs["loaded"][p] if r["type"] == kind]


def test_every_file_passes_warcio_check(runs: dict[str, Any]) -> None:
    assert runs["files1"] and runs["files2"]
    assert all(warcio_ok(path) for path in runs["files1"] + runs["files2"])
    version = hashlib.sha1((REPO / "data" / "portals.toml").read_bytes()).hexdigest()
    for path in runs["files1"] + runs["files2"]:
        warcinfo = runs["loaded"][path][0]
        assert warcinfo["type"] == "warcinfo"
        assert f"govcrawl-registry-version: {version}".encode() in warcinfo["stored"]


def test_second_run_revisits_every_unchanged_response(runs: dict[str, Any]) -> None:
    first = by_type(runs, runs["files1"], "response")
    assert first and not by_type(runs, runs["files2"], "response")
    revisits = by_type(runs, runs["files2"], "revisit")
    originals = {r["warc"].get_header("WARC-Record-ID"): r for r in first}
    uris = sorted(r["warc"].get_header("WARC-Target-URI") for r in revisits)
    assert uris == sorted(r["warc"].get_header("WARC-Target-URI") for r in first)
    assert any(uri.endswith("/robots.txt") for uri in uris)
    for revisit in revisits:
        headers = revisit["warc"]
        assert headers.get_header("WARC-Profile") == SERVER_NOT_MODIFIED
        assert revisit["http"].get_statuscode() == "304"
        assert revisit["stored"] == b""
        original = originals[headers.get_header("WARC-Refers-To")]
        assert headers.get_header("WARC-Refers-To-Target-URI") == original["warc"].get_header(
            "WARC-Target-URI"
        )
        assert headers.get_header("WARC-Refers-To-Date") == original["warc"].get_header("WARC-Date")
        assert headers.get_header("WARC-Payload-Digest") == original["warc"].get_header(
            "WARC-Payload-Digest"
        )
    # The farm saw validators on every request of run 2 and answered all with 304.
    assert runs["requests2"] and {status for *_, status in runs["requests2"]} == {304}
    # Run 2 stores no payload, no text and no page record again (the spider made the same of
    # every page): only warcinfo, revisits and their requests.
    kinds = {r["type"] for p in runs["files2"] for r in runs["loaded"][p]}
    assert kinds == {"warcinfo", "revisit", "request"}


def test_requests_carry_the_shipped_headers(runs: dict[str, Any]) -> None:
    """Validators on run 2, and every page asked for as a Chinese reader asks for it."""
    for files in (runs["files1"], runs["files2"]):
        for request in by_type(runs, files, "request"):
            assert request["http"].get_header("Accept-Language").startswith("zh-CN")
    for request in by_type(runs, runs["files2"], "request"):
        assert request["http"].get_header("If-None-Match") or request["http"].get_header(
            "If-Modified-Since"
        )


def member_sizes(path: Path) -> dict[str, int]:
    """Record id → size of its gzip member in the file."""
    sizes = {}
    with path.open("rb") as stream:
        iterator = ArchiveIterator(stream)
        for record in iterator:
            record_id = record.rec_headers.get_header("WARC-Record-ID")
            iterator.read_to_end(record)
            sizes[record_id] = iterator.get_record_length()
    return sizes


def test_revisits_are_much_smaller_than_the_responses_they_replace(runs: dict[str, Any]) -> None:
    sizes: dict[str, int] = {}
    for path in runs["files1"] + runs["files2"]:
        sizes.update(member_sizes(path))
    revisits = by_type(runs, runs["files2"], "revisit")
    # A tiny body (robots.txt) can be smaller than revisit headers; in sum revisits save most.
    revisit_bytes = sum(sizes[r["warc"].get_header("WARC-Record-ID")] for r in revisits)
    original_bytes = sum(sizes[r["warc"].get_header("WARC-Refers-To")] for r in revisits)
    assert revisit_bytes < original_bytes / 4


def test_second_run_bytes_are_at_most_five_percent_of_the_first(runs: dict[str, Any]) -> None:
    first = sum(p.stat().st_size for p in runs["files1"])
    second = sum(p.stat().st_size for p in runs["files2"])
    assert second <= 0.05 * first


def test_second_run_records_equal_the_first_but_for_provenance(runs: dict[str, Any]) -> None:
    def key(record: dict[str, Any]) -> str:
        source = {k: v for k, v in record["source"].items() if k not in PROVENANCE}
        return json.dumps({**record, "source": source}, sort_keys=True, ensure_ascii=False)

    assert runs["records1"]
    assert sorted(map(key, runs["records2"])) == sorted(map(key, runs["records1"]))
    names2 = {p.name for p in runs["files2"]}
    assert all(r["source"]["warc_file"] in names2 for r in runs["records2"])


def test_replay_resolves_revisits_through_the_first_run(runs: dict[str, Any]) -> None:
    by_record_id = {r["source"]["warc_record_id"]: r for r in runs["records2"]}
    live = {record_id: r["source"] for record_id, r in by_record_id.items()}
    sources = list(iter_report_sources(runs["files2"], originals=runs["files1"]))
    assert sorted(s.warc_record_id for s in sources) == sorted(live)
    for source in sources:
        recorded = live[source.warc_record_id]
        assert source.fetched_at == recorded["fetched_at"]
        assert source.warc_file == recorded["warc_file"]
        assert source.payload_digest == recorded["payload_digest"]
        assert source.content_type == recorded["content_type"]
        assert source.final_url == recorded["final_url"]
        assert source.body
    # Cleaned and extracted again, they give run 2's records exactly, provenance included.
    for source in sources:
        replayed = json.loads(json.dumps(process_source(source), ensure_ascii=False))
        assert replayed == by_record_id[source.warc_record_id], source.url
    every = list(iter_report_sources([runs["out"] / "warc"]))
    assert len(every) == len(runs["records1"]) + len(runs["records2"])


PYWB = REPO / ".venv-pywb" / "bin"


def payload_of(files: list[Path], url: str) -> bytes:
    """The decoded payload of `url`'s response record in `files`."""
    for path in files:
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                target = record.rec_headers.get_header("WARC-Target-URI")
                if record.rec_type == "response" and target == url:
                    return record.content_stream().read()
    raise AssertionError(f"no response record for {url}")


def test_replay_indexes_leave_out_304_revisits_and_keep_the_rest(
    runs: dict[str, Any], tmp_path: Path
) -> None:
    """The WARCs keep every 304 revisit; the indexes made for replay tools do not list them
    (a replay tool would serve the 304's empty body), and keep every other record."""
    warcs = runs["files1"] + runs["files2"]
    assert any(profile == SERVER_NOT_MODIFIED for w in warcs for _, _, profile in indexable(w))
    package = tmp_path / "runs.wacz"
    done = subprocess.run(
        [sys.executable, "-m", "govcrawl", "package", str(runs["out"]), "-o", str(package)],
        cwd=REPO, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    for warc in warcs:
        cdxj = warc.with_name(warc.name.removesuffix(".warc.gz") + ".cdxj")
        lines = [json.loads(line.split(" ", 2)[2]) for line in cdxj.read_text().splitlines()]
        assert all(line["status"] != "304" for line in lines if "status" in line)
        indexed = {int(line["offset"]) for line in lines}
        records = indexable(warc)
        assert indexed == {o for o, _, profile in records if profile != SERVER_NOT_MODIFIED}
    with zipfile.ZipFile(package) as wacz:
        index = gzip.decompress(wacz.read("indexes/index.cdx.gz")).decode()
    assert '"status": "304"' not in index and '"status": "200"' in index


@pytest.mark.skipif(not (PYWB / "wayback").exists(), reason="pywb venv absent (make installs it)")
def test_pywb_replays_a_recrawled_page_in_full(runs: dict[str, Any], tmp_path: Path) -> None:
    """pywb over the WARCs and the CDXJ govcrawl wrote: the capture nearest a date after the
    re-crawl is the page itself, not the 304 that confirmed it."""
    warcs = runs["files1"] + runs["files2"]
    manager = str(PYWB / "wb-manager")
    subprocess.run([manager, "init", "c"], cwd=tmp_path, check=True, capture_output=True)
    collection = tmp_path / "collections" / "c"
    for warc in warcs:  # the crawl wrote a CDXJ beside each closed WARC
        cdxj = warc.with_name(warc.name.removesuffix(".warc.gz") + ".cdxj")
        shutil.copy(warc, collection / "archive" / warc.name)
        shutil.copy(cdxj, collection / "indexes" / cdxj.name)
    report = next(r for r in runs["records1"] if r["source"]["format"] == "html")
    url = report["source"]["url"]
    port = free_port()
    server = subprocess.Popen(
        [str(PYWB / "wayback"), "-p", str(port), "-b", "127.0.0.1"],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        status, body = get_when_up(f"http://127.0.0.1:{port}/c/2100id_/{url}")
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert status == 200
    assert body == payload_of(runs["files1"], url)


def indexable(warc: Path) -> list[tuple[int, str, str | None]]:
    """(offset, type, revisit profile) of the records a `.cdxj` indexes."""
    found = []
    with warc.open("rb") as stream:
        iterator = ArchiveIterator(stream)
        for record in iterator:
            if record.rec_type in CDXJ_RECORDS:
                profile = record.rec_headers.get_header("WARC-Profile")
                found.append((iterator.get_record_offset(), record.rec_type, profile))
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get_when_up(url: str, wait: float = 60) -> tuple[int, bytes]:
    deadline = time.monotonic() + wait
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                body = response.read()
                if response.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                return response.status, body
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)
