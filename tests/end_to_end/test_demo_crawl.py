"""The whole path on the demo farm: crawl every portal, check the archive, replay it.

One crawl of the farm (started here on free 127.0.0.1 ports) feeds every test of the module;
the crawl and the replay run as `govcrawl` subprocesses, the way a user runs them.
"""

from __future__ import annotations

import gzip
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from govcrawl.demo_farm.farm import DemoFarm
from govcrawl.store import Dataset

pytestmark = pytest.mark.xdist_group("end_to_end")

SEED = 2024


def _govcrawl(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.run(
        [sys.executable, "-m", "govcrawl", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


@pytest.fixture(scope="module")
def farm() -> Iterator[DemoFarm]:
    with DemoFarm(SEED) as running:
        yield running


@pytest.fixture(scope="module")
def crawl_out(farm: DemoFarm, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("crawl")
    manifest = out / "farm.json"
    farm.write_manifest(manifest)
    repo = Path(__file__).resolve().parents[2]
    done = _govcrawl(
        "crawl", "--all", "--manifest", str(manifest), "--out", str(out), "--quiet", cwd=repo
    )
    assert done.returncode == 0, done.stderr[-4000:] + (out / "crawl.log").read_text()[-4000:]
    return out


def test_every_generated_report_is_found_and_no_decoy_taken(
    farm: DemoFarm, crawl_out: Path
) -> None:
    found = {r["source"]["url"] for r in Dataset(crawl_out).records()}
    expected = {t["url"] for t in farm.ground_truth()}
    decoys = {d["url"] for d in farm.decoys()}
    assert expected - found == set()
    assert found & decoys == set()
    assert found - expected == set()


def test_records_follow_the_contract(crawl_out: Path) -> None:
    keys = {
        "id",
        "title",
        "agency",
        "year",
        "template",
        "source",
        "sections",
        "tables",
        "checks",
        "flags",
        "text",
    }
    source_keys = {
        "url",
        "final_url",
        "kind",
        "content_type",
        "format",
        "fetched_at",
        "warc_file",
        "warc_record_id",
        "payload_digest",
        "parent_url",
    }
    records = list(Dataset(crawl_out).records())
    assert records
    for record in records:
        assert keys <= record.keys()
        assert source_keys <= record["source"].keys()
        assert record["source"]["warc_record_id"], record["source"]["url"]
        assert record["source"]["kind"] in {"portal", "attachment", "mirror"}


def test_generated_numbers_come_out_exactly(farm: DemoFarm, crawl_out: Path) -> None:
    by_url = {r["source"]["url"]: r for r in Dataset(crawl_out).records()}
    compared = 0
    for truth in farm.ground_truth():
        if not truth.get("tables") or truth.get("seed"):
            continue
        record = by_url[truth["url"]]
        for table, values in truth["tables"].items():
            assert record["tables"].get(table) == values, (truth["url"], table)
            compared += len(values)
        failed = any(not c["ok"] for c in record["checks"])
        assert failed == truth["broken"], truth["url"]
    assert compared > 0


def test_every_warc_passes_warcio_check(crawl_out: Path) -> None:
    files = sorted((crawl_out / "warc").glob("*.warc.gz"))
    assert files
    assert not list((crawl_out / "warc").glob("*.open"))
    warcio = Path(sys.executable).with_name("warcio")
    for path in files:
        done = subprocess.run([str(warcio), "check", str(path)], capture_output=True, text=True)
        assert done.returncode == 0, (path, done.stdout, done.stderr)


def test_replay_gives_the_live_records(crawl_out: Path, tmp_path: Path) -> None:
    repo = Path(__file__).resolve().parents[2]
    done = _govcrawl("replay", str(crawl_out / "warc"), "--out", str(tmp_path), cwd=repo)
    assert done.returncode == 0, done.stderr[-4000:]
    live = sorted(Dataset(crawl_out).records(), key=lambda r: r["id"])
    replayed = sorted(Dataset(tmp_path).records(), key=lambda r: r["id"])
    assert [r["id"] for r in replayed] == [r["id"] for r in live]
    for a, b in zip(live, replayed, strict=True):
        assert json.dumps(a, sort_keys=True, ensure_ascii=False) == json.dumps(
            b, sort_keys=True, ensure_ascii=False
        ), a["source"]["url"]


def test_dataset_holds_every_record(crawl_out: Path) -> None:
    dataset = Dataset(crawl_out)
    n = sum(1 for _ in dataset.records())
    assert dataset.query("select count(*) from records") == [(n,)]
    assert dataset.query("select count(*) from table_values")[0][0] > 0


def test_package_makes_a_valid_wacz_with_cdxj(crawl_out: Path, tmp_path: Path) -> None:
    repo = Path(__file__).resolve().parents[2]
    wacz = tmp_path / "demo.wacz"
    done = _govcrawl("package", str(crawl_out), "-o", str(wacz), cwd=repo)
    assert done.returncode == 0, done.stderr[-4000:]
    validate = subprocess.run(
        [str(Path(sys.executable).with_name("wacz")), "validate", "-f", str(wacz)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert validate.returncode == 0, validate.stdout + validate.stderr
    with zipfile.ZipFile(wacz) as package:
        names = package.namelist()
        pages = [json.loads(line) for line in package.read("pages/pages.jsonl").splitlines()]
    assert "datapackage.json" in names and any(n.startswith("archive/") for n in names)
    # the package opens on the reports: one page per report copy, titled
    listed = {page["url"]: page["title"] for page in pages[1:]}
    records = list(Dataset(crawl_out).records())
    assert set(listed) == {r["source"]["final_url"] or r["source"]["url"] for r in records}
    assert all(listed.values())
    for warc in (crawl_out / "warc").glob("*.warc.gz"):
        assert warc.with_name(warc.name.removesuffix(".warc.gz") + ".cdxj").stat().st_size > 0


PYWB = Path(__file__).resolve().parents[2] / ".venv-pywb" / "bin"


@pytest.mark.skipif(not (PYWB / "wayback").exists(), reason="pywb venv absent (make installs it)")
def test_pywb_serves_what_the_farm_served(farm: DemoFarm, crawl_out: Path, tmp_path: Path) -> None:
    manager = str(PYWB / "wb-manager")
    subprocess.run([manager, "init", "demo"], cwd=tmp_path, check=True, capture_output=True)
    files = [str(p) for p in sorted((crawl_out / "warc").glob("*.warc.gz"))]
    subprocess.run([manager, "add", "demo", *files], cwd=tmp_path, check=True, capture_output=True)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [str(PYWB / "wayback"), "-p", str(port), "-b", "127.0.0.1"],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    report = next(t for t in farm.ground_truth() if t["site"] == "trs" and t["format"] == "html")
    pages = [
        report["url"],
        farm.urls["jsportal"] + "/xxgk/ndbg/list.html?page=1",  # the shell the browser rendered
        farm.urls["jsportal"] + "/api/reports?page=1&size=10",  # the XHR that filled it
    ]
    try:
        for url in pages:
            served = _get(url)
            replayed = _get_when_up(f"http://127.0.0.1:{port}/demo/2100id_/{url}")
            assert replayed == served, url
    finally:
        server.terminate()
        server.wait(timeout=10)


def _get(url: str) -> bytes:
    """The payload as a browser sees it: pywb replays the stored (gzip) encoding as is."""
    with urllib.request.urlopen(url, timeout=10) as response:
        body = response.read()
        if response.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        return body


def _get_when_up(url: str, wait: float = 60) -> bytes:
    deadline = time.monotonic() + wait
    while True:
        try:
            return _get(url)
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def test_copies_of_one_report_share_a_report_key(farm: DemoFarm, crawl_out: Path) -> None:
    by_url = {r["source"]["url"]: r for r in Dataset(crawl_out).records()}
    linked = 0
    for truth in farm.ground_truth():
        parent = truth.get("parent_path")
        parent_url = farm.urls[truth["site"]] + parent if parent else None
        if truth["kind"] != "attachment" or parent_url not in by_url:
            continue
        assert by_url[truth["url"]]["report_key"] == by_url[parent_url]["report_key"]
        linked += 1
    assert linked > 0
    copies = Dataset(crawl_out).query("select max(copies) from report_copies")
    assert copies[0][0] >= 2
