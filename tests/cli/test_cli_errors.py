"""The CLI's answers to wrong input: one line naming the path or value and what is wrong, exit
code 2, never a traceback or a hang; and the warnings a new user needs (open WARCs, revisits
without originals, broken portals, demo portals without a manifest)."""

from __future__ import annotations

import json
import socket
from collections import Counter
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from govcrawl.cli import _print_summary, main
from govcrawl.fetch.health import STATE_NAME
from govcrawl.process import source_from_file
from govcrawl.run import CrawlSummary, PortalSummary

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_b8b186e67de777d4.txt"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """`crawl` exports --manifest/--registry to the environment (Scrapy reads them there):
    undone after each test, so no later test in this worker inherits them. (`setenv` first:
    `delenv` of an absent name records nothing to restore.)"""
    for name in ("GOVCRAWL_DEMO_MANIFEST", "GOVCRAWL_REGISTRY"):
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, " ".join(err.split())  # rich may wrap long lines


def _usage_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """Run argv, expect argparse to refuse it; return its message."""
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    assert exit_info.value.code == 2
    return " ".join(capsys.readouterr().err.split())


# -- WARC fixtures ------------------------------------------------------------------------


def _response(writer: WARCWriter, url: str, body: bytes) -> str:
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/plain; charset=utf-8")], "HTTP/1.1")
    record = writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=http)
    writer.write_record(record)
    return record.rec_headers.get_header("WARC-Record-ID")


def _page(writer: WARCWriter, url: str, refers_to: str) -> None:
    info = {"govcrawl": {"reports": [{"source_url": url, "kind": "attachment"}]}}
    record = writer.create_warc_record(
        url,
        "metadata",
        payload=BytesIO(json.dumps(info).encode()),
        warc_content_type="application/json",
        warc_headers_dict={"WARC-Refers-To": refers_to},
    )
    writer.write_record(record)


def _first_run(path: Path) -> str:
    """One report (a response and its page record); returns the response's record id."""
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        record_id = _response(writer, "http://127.0.0.1/report.txt", SEED.read_bytes())
        _page(writer, "http://127.0.0.1/report.txt", record_id)
    return record_id


def _second_run(path: Path, original: str) -> None:
    """A re-crawl: the unchanged report as a revisit with no page record of its own."""
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        http = StatusAndHeaders("304 Not Modified", [], "HTTP/1.1")
        record = writer.create_warc_record(
            "http://127.0.0.1/report.txt",
            "revisit",
            http_headers=http,
            warc_headers_dict={
                "WARC-Refers-To": original,
                "WARC-Profile": "http://netpreserve.org/warc/1.1/revisit/server-not-modified",
            },
        )
        writer.write_record(record)


# -- 1. --workers ---------------------------------------------------------------------------


@pytest.mark.timeout(60)
@pytest.mark.parametrize("command", ["extract", "replay"])
def test_negative_workers_are_refused(
    capsys: pytest.CaptureFixture[str], command: str, tmp_path: Path
) -> None:
    err = _usage_error(capsys, command, str(tmp_path), "--workers", "-1")
    assert "--workers" in err and "-1" in err


# -- 2. demo portals and --manifest ---------------------------------------------------------


def test_a_demo_portal_without_manifest_says_it_needs_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = _run(capsys, "crawl", "demo_trs_city", "--out", str(tmp_path))
    assert code == 2
    assert "unknown portal" not in err
    assert "demo_trs_city" in err and "--manifest" in err
    assert "govcrawl serve-demo" in err and "data/demo/farm.json" in err
    assert "govcrawl demo" in err


def test_crawl_all_without_manifest_explains_why_nothing_is_left(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = _run(capsys, "crawl", "--all", "--out", str(tmp_path))
    assert code == 2
    assert "give portal ids, URLs or --all" not in err
    assert "manifest" in err and "govcrawl serve-demo" in err


def test_a_missing_manifest_is_an_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "nonexistent.json"
    code, _, err = _run(capsys, "crawl", "demo_trs_city", "--manifest", str(missing))
    assert code == 2
    assert f"--manifest {missing}: no such file" in err


def test_a_manifest_that_is_not_json_is_an_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    manifest = tmp_path / "farm.json"
    manifest.write_text("not json at all")
    code, _, err = _run(capsys, "crawl", "demo_trs_city", "--manifest", str(manifest))
    assert code == 2
    assert str(manifest) in err and "not JSON" in err


# -- 3. one-line errors ---------------------------------------------------------------------


def test_replay_of_a_missing_path(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "nonexistent"
    code, _, err = _run(capsys, "replay", str(missing), "--out", str(tmp_path / "out"))
    assert code == 2
    assert err == f"govcrawl replay: {missing}: no such file or folder"


@pytest.mark.parametrize("name, body", [("garbage.pdf", b"%PDF-1.4 junk"), ("some.txt", b"hi\n")])
def test_replay_of_a_file_that_is_not_a_warc(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, body: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(body)
    code, _, err = _run(capsys, "replay", str(path), "--out", str(tmp_path / "out"))
    assert code == 2
    assert f"{path}: not a WARC file" in err


def test_package_of_a_missing_path(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "nonexistent"
    code, _, err = _run(capsys, "package", str(missing), "-o", str(tmp_path / "x.wacz"))
    assert code == 2
    assert f"{missing}: no such file or folder" in err


def test_package_into_a_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    _first_run(tmp_path / "run.warc.gz")
    target = tmp_path / "existing"
    target.mkdir()
    code, _, err = _run(capsys, "package", str(tmp_path), "-o", str(target))
    assert code == 2
    assert f"{target}: is a folder" in err


def test_recover_names_each_bad_path_and_recovers_the_rest(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    good = tmp_path / "good.warc.gz.open"
    _first_run(good)
    garbage = tmp_path / "garbage.warc.gz.open"
    garbage.write_bytes(b"not a warc at all\n" * 10)
    pattern = tmp_path / "nothing" / "*.open"  # what the shell passes when a glob matches nothing
    missing = tmp_path / "nonexistent.warc.gz.open"
    folder = tmp_path / "folder"
    folder.mkdir()
    argv = ["archive", "recover", str(missing), str(folder), str(pattern), str(garbage), str(good)]
    code, _, err = _run(capsys, *argv)
    assert code == 1
    assert f"govcrawl archive recover: {missing}: no such file" in err
    assert f"{pattern}: no such file (a shell pattern that matched no file)" in err
    assert f"{folder}: is a folder" in err
    assert f"govcrawl archive recover: {garbage}: no complete WARC record" in err
    assert garbage.read_bytes() == b"not a warc at all\n" * 10
    assert (tmp_path / "good.warc.gz").is_file() and not good.exists()
    assert "Traceback" not in err


@pytest.mark.parametrize("command", ["crawl", "replay"])
def test_out_that_is_a_regular_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str
) -> None:
    taken = tmp_path / "taken"
    taken.write_text("x")
    target = "https://127.0.0.1/" if command == "crawl" else str(tmp_path)
    code, _, err = _run(capsys, command, target, "--out", str(taken))
    assert code == 2
    assert f"--out {taken}: exists and is not a folder" in err


def test_a_missing_registry(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "nonexistent.toml"
    code, _, err = _run(capsys, "crawl", "--all", "--registry", str(missing))
    assert code == 2
    assert f"--registry {missing}: no such file" in err


def test_an_invalid_registry_prints_its_problems(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    registry = tmp_path / "portals.toml"
    registry.write_text('[[portal]]\nid = "x"\n')
    code, _, err = _run(capsys, "crawl", "--all", "--registry", str(registry))
    assert code == 2
    assert err.startswith("govcrawl crawl: ") and "missing name" in err


def test_serve_demo_on_a_port_in_use(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        code, _, err = _run(capsys, "serve-demo", "--port", str(port))
    assert code == 2
    assert f"port {port} is in use" in err and "--port 0" in err


def test_serve_demo_port_range_leaves_room_for_every_site(
    capsys: pytest.CaptureFixture[str],
) -> None:
    err = _usage_error(capsys, "serve-demo", "--port", "65530")
    assert "65530" in err and "consecutive ports" in err


@pytest.mark.parametrize(
    "setting, expected",
    [
        ("NOPE", "expected NAME=VALUE"),
        ("GOVCRAWL_WARC_MAX_SIZE=abc", "expected a number"),
        ("DOWNLOAD_TIMEOUT=[1]", "expected a number"),
        ("ROBOTSTXT_OBEY=maybe", "expected True or False"),
    ],
)
def test_bad_settings_are_refused_before_crawling(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, setting: str, expected: str
) -> None:
    out = tmp_path / "out"
    code, _, err = _run(capsys, "crawl", "https://127.0.0.1/", "-s", setting, "--out", str(out))
    assert code == 2
    assert expected in err and setting.partition("=")[0] in err
    assert not out.exists()  # refused before the crawl made anything


# -- 4. .open files -------------------------------------------------------------------------


def test_package_warns_about_open_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    warc = tmp_path / "warc"
    warc.mkdir()
    _first_run(warc / "a.warc.gz")
    _first_run(warc / "b.warc.gz.open")
    code, _, err = _run(capsys, "package", str(tmp_path), "-o", str(tmp_path / "x.wacz"))
    assert code == 0, err
    assert f"{warc / 'b.warc.gz.open'} is still open" in err
    assert "govcrawl archive recover" in err


def test_replay_warns_about_open_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    _first_run(tmp_path / "a.warc.gz")
    _first_run(tmp_path / "b.warc.gz.open")
    code, _, err = _run(capsys, "replay", str(tmp_path), "--out", str(tmp_path / "out"))
    assert code == 0, err
    assert f"{tmp_path / 'b.warc.gz.open'} is still open (a killed crawl?) and is left out" in err


# -- 5. revisits without originals ----------------------------------------------------------


def test_replay_of_a_recrawl_asks_for_originals(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    first, second = tmp_path / "first.warc.gz", tmp_path / "second.warc.gz"
    _second_run(second, _first_run(first))
    code, _, err = _run(capsys, "replay", str(second), "--out", str(tmp_path / "alone"))
    assert code == 0
    assert "replayed 0 records" in err
    assert "1 revisit records could not be resolved" in err and "--originals" in err

    argv = ["replay", str(second), "--originals", str(first), "--out", str(tmp_path / "both")]
    code, _, err = _run(capsys, *argv)
    assert code == 0
    assert "replayed 1 records" in err and "could not be resolved" not in err


# -- 6. portals -----------------------------------------------------------------------------


def test_portals_reads_the_given_registry_and_prints_whole_values_when_piped(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url = "https://www.example.gov.cn/" + "xxgk/" * 12 + "ndbg/index.html"
    registry = tmp_path / "portals.toml"
    registry.write_text(
        '[[portal]]\nid = "long_one"\nname = "长名"\nagency = "某市人民政府"\n'
        'region = "某省某市"\nlevel = "city"\nfamily = "generic"\nkind = "portal"\n'
        f'start_urls = ["{url}"]\n',
        encoding="utf-8",
    )
    code, out, _ = _run(capsys, "portals", "--registry", str(registry))
    assert code == 0
    header, row = out.splitlines()
    assert header.split("\t") == ["id", "family", "level", "agency", "start URLs"]
    assert row.split("\t") == ["long_one", "generic", "city", "某市人民政府", url]


# -- 7. broken portals in the summary -------------------------------------------------------


def _summary(out: Path, **finish: str) -> CrawlSummary:
    portals = [
        PortalSummary(portal=name, finish_reason=reason, flags=Counter())
        for name, reason in finish.items()
    ]
    return CrawlSummary(out_dir=out, portals=portals, warc_files=[], warc_bytes=0)


def _health(out: Path, portals: dict[str, dict[str, Any]]) -> None:
    (out / STATE_NAME).write_text(json.dumps({"portals": portals}), "utf-8")


def test_summary_names_broken_portals(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    broken = {"status": "broken", "last_nonzero": 7, "last_nonzero_run": "2026-01-02T03:04:05"}
    _health(tmp_path, {"gone": broken, "fine": {"status": "ok"}, "cut": broken})
    _print_summary(_summary(tmp_path, gone="finished", fine="finished", cut="shutdown"))
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith("broken:")]
    assert len(lines) == 1
    assert "gone" in lines[0] and "7 on 2026-01-02T03:04:05" in lines[0]


# -- 8. extract's content type --------------------------------------------------------------


def test_local_file_content_type_follows_the_sniffed_format(tmp_path: Path) -> None:
    lying = tmp_path / "lying.docx"
    lying.write_bytes(b"%PDF-1.7\n1 0 obj <<>> endobj\n")
    assert source_from_file(lying).content_type == "application/pdf"
    page = tmp_path / "page.txt"
    page.write_bytes(b"<!DOCTYPE html><html><body>x</body></html>")
    source = source_from_file(page)
    assert source.content_type == "text/html" and source.kind == "portal"
