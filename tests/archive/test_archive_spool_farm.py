"""Spooling changes where bytes wait, never what comes out: the TRS farm portal crawled with
every body over 2 KiB spooled gives the records of a crawl that held them all in memory, and
replay spooling its payloads rebuilds those records exactly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from archive_site import REPO

from govcrawl.archive.reader import iter_report_sources
from govcrawl.demo_farm.farm import DemoFarm
from govcrawl.process import process_source

PROVENANCE = {"warc_record_id", "warc_file", "fetched_at"}

pytestmark = pytest.mark.xdist_group("spool")


def crawl(manifest: Path, out: Path, *settings: str) -> list[dict[str, Any]]:
    command = [
        sys.executable, "-m", "govcrawl", "crawl", "demo_trs_city", "--manifest", str(manifest),
        "--out", str(out), "--quiet", "-s", "AUTOTHROTTLE_ENABLED=false",
    ]  # fmt: skip
    for setting in settings:
        command += ["-s", setting]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    lines = (out / "records.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def without_provenance(record: dict[str, Any]) -> str:
    source = {k: v for k, v in record["source"].items() if k not in PROVENANCE}
    return json.dumps({**record, "source": source}, sort_keys=True, ensure_ascii=False)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("spoolfarm")
    with DemoFarm(2024) as farm:
        manifest = base / "farm.json"
        farm.write_manifest(manifest)
        held = crawl(manifest, base / "held")
        spooled = crawl(manifest, base / "spooled", "GOVCRAWL_SPOOL_THRESHOLD=2048")
        log = len(farm.request_log)
        # again: every answer is a 304, and the archived attachments come back spooled
        again = crawl(manifest, base / "spooled", "GOVCRAWL_SPOOL_THRESHOLD=2048")
        statuses = {status for *_, status in farm.request_log[log:]}
    return {
        "held": held,
        "spooled": spooled,
        "again": again[len(spooled) :],
        "statuses": statuses,
        "out": base / "spooled",
    }


def test_spooled_crawl_gives_the_same_records(runs: dict[str, Any]) -> None:
    assert runs["held"]
    assert any(r["source"]["kind"] == "attachment" for r in runs["held"])
    assert sorted(map(without_provenance, runs["spooled"])) == sorted(
        map(without_provenance, runs["held"])
    )
    assert not any((runs["out"] / "spool").rglob("*")) if (runs["out"] / "spool").exists() else True


def test_recrawl_replays_spooled_originals_after_304(runs: dict[str, Any]) -> None:
    assert runs["statuses"] == {304}
    assert "'govcrawl/conditional_spooled'" in (runs["out"] / "crawl.log").read_text("utf-8")
    assert sorted(map(without_provenance, runs["again"])) == sorted(
        map(without_provenance, runs["held"])
    )


def test_replay_spooling_its_payloads_rebuilds_the_records(runs: dict[str, Any]) -> None:
    live = {r["source"]["warc_record_id"]: r for r in runs["spooled"] + runs["again"]}
    sources = list(iter_report_sources([runs["out"] / "warc"], spool_threshold=2048))
    assert sorted(s.warc_record_id for s in sources) == sorted(live)
    replayed = 0
    for source in iter_report_sources([runs["out"] / "warc"], spool_threshold=2048):
        record = json.loads(json.dumps(process_source(source), ensure_ascii=False))
        assert record == live[source.warc_record_id], source.url
        replayed += source.spooled is not None
    assert replayed  # the spooled path really ran
