"""Crash safety: torn `.open` files are cut back to their complete records, a killed crawl too."""

from __future__ import annotations

import errno
import gzip
import json
import logging
import os
import shutil
import signal
import subprocess
import time
import zlib
from pathlib import Path

import pytest
from archive_site import REPO, crawl_command, warcio_check, warcio_ok
from warcio.archiveiterator import ArchiveIterator

from govcrawl.archive.recover import RecoverError, complete_members_end, recover, recover_stale
from govcrawl.archive.writer import HttpRequest, HttpResponse, WarcFileWriter, file_hostname


def record_spans(path: Path) -> list[tuple[str, int, int]]:
    """(record id, start offset, end offset) of the records warcio reads from `path`.

    Reading stops at the first record warcio cannot parse (a torn tail)."""
    spans = []
    with path.open("rb") as stream:
        iterator = ArchiveIterator(stream)
        try:
            for record in iterator:
                start = iterator.get_record_offset()
                record_id = record.rec_headers.get_header("WARC-Record-ID")
                spans.append((record_id, start, start + iterator.get_record_length()))
        except Exception:  # a torn gzip member at the end
            pass
    return spans


def unclosed_writer(folder: Path, exchanges: int) -> WarcFileWriter:
    """A writer left open after warcinfo and `exchanges` response + request pairs."""
    writer = WarcFileWriter(folder, prefix="govcrawl-crash", warcinfo={"x": "y"})
    for i in range(exchanges):
        writer.write_exchange(
            f"http://x/{i}",
            HttpRequest("GET", f"/{i}", [(b"Host", b"x")]),
            HttpResponse(200, "OK", [(b"Content-Type", b"text/html")], os.urandom(700 + i)),
        )
    return writer


@pytest.fixture
def open_file(tmp_path: Path) -> Path:
    """An unclosed writer's `.open` file holding warcinfo + 5 exchanges + metadata."""
    writer = WarcFileWriter(tmp_path / "src", prefix="govcrawl-crash", warcinfo={"x": "y"})
    for i in range(5):
        info = writer.write_exchange(
            f"http://x/{i}",
            HttpRequest("GET", f"/{i}", [(b"Host", b"x")]),
            HttpResponse(200, "OK", [(b"Content-Type", b"text/html")], os.urandom(700 + i)),
        )
    writer.write_metadata(info["record_id"], "http://x/4", {"govcrawl": {"report": True}})
    assert writer.current_path is not None
    return writer.current_path


def test_recover_cuts_a_torn_file_at_every_offset_kind(open_file: Path, tmp_path: Path) -> None:
    spans = record_spans(open_file)
    size = open_file.stat().st_size
    assert spans[-1][2] == size
    # record boundaries, one byte either side, and the middle of every record
    cuts = {size}
    for _, start, end in spans:
        cuts |= {start + 1, (start + end) // 2, end - 1, end}
    for cut in sorted(cuts):
        torn = tmp_path / "torn" / str(cut) / open_file.name
        torn.parent.mkdir(parents=True)
        with open_file.open("rb") as src, torn.open("wb") as dst:
            dst.write(src.read(cut))
        expected = [rid for rid, _, end in spans if end <= cut]
        if not expected:  # torn inside its first record: nothing to keep, nothing is cut
            before = torn.read_bytes()
            with pytest.raises(RecoverError, match="no complete WARC record"):
                recover(torn)
            assert torn.read_bytes() == before
            continue
        fixed = recover(torn)
        assert fixed.name == open_file.name.removesuffix(".open")
        assert not torn.exists()
        assert warcio_ok(fixed)
        assert [rid for rid, _, _ in record_spans(fixed)] == expected


def test_a_cut_inside_the_warc_headers_of_the_last_record_is_a_torn_tail(
    tmp_path: Path,
) -> None:
    """A crash can stop the last gzip member anywhere in its WARC headers; warcio then fails
    in ways of its own (an AttributeError on a request without its WARC-Target-URI) and the
    record is cut like any torn one."""
    writer = unclosed_writer(tmp_path / "src", exchanges=3)
    assert writer.current_path is not None
    source = writer.current_path
    spans = record_spans(source)
    data = source.read_bytes()
    _, last_start, last_end = spans[-1]
    cuts = []  # (cut offset, the WARC headers that reach the parser)
    for cut in range(last_start + 1, last_end):
        headers = zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(data[last_start:cut])
        if b"\r\n\r\n" not in headers:
            cuts.append((cut, headers))
    # the headers warcio failed on: a request's type without its target URI
    assert any(b"WARC-Type: request\r\n" in h and b"Target-URI" not in h for _, h in cuts)
    assert any(b"WARC-Target-URI" in h for _, h in cuts)
    expected = [rid for rid, _, _ in spans[:-1]]
    for cut, _ in cuts:
        torn = tmp_path / "torn" / str(cut) / source.name
        torn.parent.mkdir(parents=True)
        torn.write_bytes(data[:cut])
        fixed = recover(torn)
        assert fixed.stat().st_size == last_start
        assert warcio_ok(fixed)
        assert [rid for rid, _, _ in record_spans(fixed)] == expected


def test_a_recovered_file_gets_its_cdxj(open_file: Path) -> None:
    """Like a closed file of a finished crawl: replay setups copy `*.cdxj`."""
    with open_file.open("ab") as handle:
        handle.write(b"\x1f\x8b\x08\x00torn")
    fixed = recover(open_file)
    cdxj = fixed.with_name(fixed.name.removesuffix(".warc.gz") + ".cdxj")
    entries = [json.loads(line.split(" ", 2)[2]) for line in cdxj.read_text().splitlines()]
    assert {e["filename"] for e in entries} == {fixed.name}
    indexed = {(e["url"], int(e["offset"])) for e in entries if "status" in e}  # HTTP ones
    assert indexed == set(response_offsets(fixed))
    assert len(indexed) == 5


class FullDiskIndexer:
    """A CDXJ indexer that writes a line of its output, then finds the disk full."""

    def __init__(self, output: str, *args: object, **kwargs: object) -> None:
        self.output = output

    def process_all(self) -> None:
        Path(self.output).write_text("com,x)/ 2026")
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_while_indexing_leaves_the_file_recovered_and_no_half_index(
    open_file: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The WARC is closed before its index is written: saying "not recovered" then would
    send the user to recover a file that no longer exists, and a half `.cdxj` in the
    folder would hide captures from pywb."""
    monkeypatch.setattr("govcrawl.archive.package.ReplayCDXJIndexer", FullDiskIndexer)
    with caplog.at_level(logging.WARNING, logger="govcrawl.archive.recover"):
        fixed = recover(open_file)
    assert warcio_ok(fixed) and not open_file.exists()
    assert [p.name for p in fixed.parent.iterdir()] == [fixed.name]
    assert "recovered, but its .cdxj index was not written" in caplog.text


def response_offsets(path: Path) -> list[tuple[str, int]]:
    """(target URI, offset) of the response records of `path`."""
    found = []
    with path.open("rb") as stream:
        iterator = ArchiveIterator(stream)
        for record in iterator:
            if record.rec_type == "response":
                uri = record.rec_headers.get_header("WARC-Target-URI")
                found.append((uri, iterator.get_record_offset()))
    return found


def test_complete_members_end_ignores_trailing_garbage(open_file: Path) -> None:
    size = open_file.stat().st_size
    with open_file.open("ab") as handle:
        handle.write(b"\x1f\x8b\x08\x00garbage")
    assert complete_members_end(open_file) == size


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.7\n" + bytes(range(256)) * 40,  # a document someone named .open
        bytes(range(256)) * 40,
        gzip.compress(b"plain text, not a WARC record\n" * 50),
    ],
    ids=["pdf", "random", "gzip-text"],
)
def test_what_is_not_a_warc_is_left_as_it_is(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "x.warc.gz.open"
    path.write_bytes(content)
    with pytest.raises(RecoverError, match="no complete WARC record"):
        recover(path)
    assert path.read_bytes() == content


def test_a_damaged_complete_record_is_not_cut_away(open_file: Path) -> None:
    """A complete gzip member whose record fails its digest is damage, not a crash: cutting
    there would lose every good record after it."""
    spans = record_spans(open_file)
    data = open_file.read_bytes()
    _, start, end = spans[2]
    record = bytearray(gzip.decompress(data[start:end]))
    record[-10] ^= 0xFF  # a payload byte: the block digest no longer matches
    damaged = data[:start] + gzip.compress(bytes(record)) + data[end:]
    open_file.write_bytes(damaged)
    with pytest.raises(RecoverError, match="does not verify"):
        recover(open_file)
    assert open_file.read_bytes() == damaged


def test_a_closed_file_is_not_recovered(open_file: Path) -> None:
    closed = open_file.with_name(open_file.name.removesuffix(".open"))
    open_file.rename(closed)
    before = closed.read_bytes()
    with pytest.raises(RecoverError, match=r"not an \.open file"):
        recover(closed)
    assert closed.read_bytes() == before


def test_stale_files_of_dead_processes_of_this_host_are_recovered(
    open_file: Path, tmp_path: Path
) -> None:
    """What a crawl does at its start: files of a dead process of this host are recovered; a
    live process's file and another machine's are still being written and stay open."""
    folder = tmp_path / "warc"
    folder.mkdir()
    host = file_hostname()
    names = {
        "dead": f"govcrawl-p-20261124000000000000-00000-{host}-{_dead_pid()}.warc.gz.open",
        "alive": f"govcrawl-p-20261124000000000000-00001-{host}-{os.getpid()}.warc.gz.open",
        "elsewhere": f"govcrawl-p-20261124000000000000-00002-otherhost-{_dead_pid()}.warc.gz.open",
    }
    for name in names.values():
        shutil.copy(open_file, folder / name)
    with (folder / names["dead"]).open("ab") as handle:
        handle.write(b"\x1f\x8b\x08\x00torn")
    [recovered] = recover_stale(folder)
    assert recovered.name == names["dead"].removesuffix(".open")
    assert warcio_ok(recovered)
    assert recovered.with_name(recovered.name.removesuffix(".warc.gz") + ".cdxj").exists()
    assert (folder / names["alive"]).exists() and (folder / names["elsewhere"]).exists()
    assert recover_stale(folder) == []


@pytest.mark.parametrize("failure", ["damaged", "unreadable"])
def test_a_stale_file_that_fails_does_not_stop_the_others(
    open_file: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, failure: str
) -> None:
    """One stale file that cannot be recovered — refused, or failing in a way nobody foresaw —
    is logged in one line and left; the stale files after it are recovered all the same."""
    folder = tmp_path / "warc"
    folder.mkdir()
    host, pid = file_hostname(), _dead_pid()
    bad = folder / f"govcrawl-p-20261124000000000000-00000-{host}-{pid}.warc.gz.open"
    good = folder / f"govcrawl-p-20261124000000000000-00001-{host}-{pid}.warc.gz.open"
    shutil.copy(open_file, good)
    with good.open("ab") as handle:
        handle.write(b"\x1f\x8b\x08\x00torn")
    if failure == "damaged":  # a complete record whose digest fails: RecoverError
        data = open_file.read_bytes()
        _, start, end = record_spans(open_file)[1]
        record = bytearray(gzip.decompress(data[start:end]))
        record[-10] ^= 0xFF
        bad.write_bytes(data[:start] + gzip.compress(bytes(record)) + data[end:])
    else:  # a folder where a file should be: an OSError of its own
        bad.mkdir()
    with caplog.at_level(logging.WARNING, logger="govcrawl.archive.recover"):
        [recovered] = recover_stale(folder)
    assert recovered == good.with_name(good.name.removesuffix(".open"))
    assert warcio_ok(recovered)
    assert recovered.with_name(recovered.name.removesuffix(".warc.gz") + ".cdxj").exists()
    assert bad.exists()
    [warning] = [r for r in caplog.records if bad.name in r.getMessage()]
    assert warning.levelno == logging.WARNING
    assert warning.exc_info is None and "\n" not in warning.getMessage()


def _dead_pid() -> int:
    """The id of a process that has ended (and so is free)."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def wait_for(predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached")
        time.sleep(0.05)


def test_kill_9_mid_crawl_leaves_valid_files_and_a_recoverable_one(
    site: str, tmp_path: Path
) -> None:
    command = crawl_command(
        tmp_path,
        [{"url": f"{site}/page/1", "follow": True}],
        GOVCRAWL_WARC_MAX_SIZE=3000,
        CONCURRENT_REQUESTS=8,
    )
    process = subprocess.Popen(
        command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    warc = tmp_path / "warc"
    try:
        wait_for(
            lambda: (
                warc.exists()
                and len(list(warc.glob("*.warc.gz"))) >= 3
                and any(warc.glob("*.warc.gz.open"))
            )
        )
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    closed = sorted(warc.glob("*.warc.gz"))
    for path in closed:
        assert warcio_check(path).returncode == 0, path
    # The kill lands between two records almost always while a file is open (the wait asks for
    # one); in the rare instant between a rename and the next open there is none to recover.
    left_open = list(warc.glob("*.warc.gz.open"))
    assert len(left_open) <= 1
    for path in left_open:
        assert_recovers_without_loss(path, tmp_path / "copy")


def assert_recovers_without_loss(path: Path, scratch: Path) -> None:
    scratch.mkdir()
    copy = scratch / path.name
    shutil.copy(path, copy)
    complete = [rid for rid, _, end in record_spans(copy) if end <= complete_members_end(copy)]
    fixed = recover(path)
    assert fixed.name == path.name.removesuffix(".open")
    assert not path.exists()
    if not complete:
        assert fixed.stat().st_size == 0
        return
    assert warcio_ok(fixed)
    assert [rid for rid, _, _ in record_spans(fixed)] == complete
