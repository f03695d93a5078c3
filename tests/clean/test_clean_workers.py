"""Cleaning in worker processes: same documents as in-process, and a worker that dies or hangs
costs only the document it was reading.

The crash is real: the test SIGKILLs the worker (as the kernel's OOM killer would) while it
reads a document that takes seconds, then checks the pool goes on with a fresh worker.
"""

from __future__ import annotations

import asyncio
import os
import signal
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from clean_support import SEEDS

from govcrawl.clean import CleanError, clean_source
from govcrawl.clean.workers import CleanWorkers
from govcrawl.document import Source, SpooledBody

pytestmark = pytest.mark.timeout(120)


def html_source(body: bytes, url: str = "http://127.0.0.1/report.html") -> Source:
    return Source(url=url, body=body, content_type="text/html; charset=utf-8")


def slow_source() -> Source:
    """A report page with a 20,000-row table: seconds of parsing, in any process."""
    rows = "".join(f"<tr><td>第{i}项</td><td>{i}</td><td>{i * 3}</td></tr>" for i in range(20000))
    page = (
        "<html><head><title>2023年政府信息公开工作年度报告</title></head><body>"
        f"<p>{'正文。' * 2000}</p><table>{rows}</table></body></html>"
    )
    return html_source(page.encode("utf-8"), "http://127.0.0.1/slow.html")


def seed_source(path: Path) -> Source:
    return Source(
        url=f"http://127.0.0.1/{path.stem}.txt",
        body=path.read_bytes(),
        content_type="text/plain; charset=utf-8",
    )


def descendants(pid: int) -> set[int]:
    """Every live process below `pid` (forkserver, its workers, their subprocesses)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


@pytest.fixture
def workers() -> Iterator[CleanWorkers]:
    pool = CleanWorkers(workers=1, timeout=60)
    try:
        yield pool
    finally:
        pool.close()


def test_workers_clean_exactly_as_the_crawl_process_does(workers: CleanWorkers) -> None:
    sources = [seed_source(path) for path in SEEDS]

    async def clean_all() -> list:
        return await asyncio.gather(*(workers.clean(s) for s in sources))

    in_workers = asyncio.run(clean_all())
    assert [doc.blocks for doc in in_workers] == [clean_source(s).blocks for s in sources]
    assert [doc.flags for doc in in_workers] == [clean_source(s).flags for s in sources]


def test_a_reader_error_arrives_as_the_same_clean_error(workers: CleanWorkers) -> None:
    garbage = Source(url="http://127.0.0.1/x.doc", body=bytes(range(256)) * 64)
    with pytest.raises(CleanError, match="binary data"):
        asyncio.run(workers.clean(garbage))


def test_a_killed_worker_fails_only_its_document(workers: CleanWorkers) -> None:
    async def kill_while_cleaning() -> tuple[BaseException | None, object]:
        task = asyncio.ensure_future(workers.clean(slow_source()))
        deadline = time.monotonic() + 30
        # The forkserver is a child of this process; the workers are its children.
        while time.monotonic() < deadline:
            await asyncio.sleep(0.2)
            grandchildren = {
                pid for child in descendants(os.getpid()) for pid in descendants(child)
            }
            if grandchildren:
                break
        await asyncio.sleep(0.5)  # well inside the seconds the document takes
        for pid in grandchildren:
            os.kill(pid, signal.SIGKILL)
        try:
            await task
        except CleanError as exc:
            failure: BaseException | None = exc
        else:
            failure = None
        after = await workers.clean(seed_source(SEEDS[0]))
        return failure, after

    failure, after = asyncio.run(kill_while_cleaning())
    assert failure is not None and "crashed" in str(failure) and "SIGKILL" in str(failure)
    assert after.blocks == clean_source(seed_source(SEEDS[0])).blocks


def test_a_document_over_the_time_limit_is_stopped() -> None:
    pool = CleanWorkers(workers=1, timeout=0.5)
    try:
        with pytest.raises(CleanError, match=r"longer than 0\.5 s"):
            asyncio.run(pool.clean(slow_source()))
        after = asyncio.run(pool.clean(seed_source(SEEDS[0])))
    finally:
        pool.close()
    assert after.blocks == clean_source(seed_source(SEEDS[0])).blocks


def test_crawlers_of_one_process_share_one_pool() -> None:
    first = CleanWorkers.shared(1, 30.0, 10)
    second = CleanWorkers.shared(1, 30.0, 10)
    try:
        assert first is second
    finally:
        first.close()
    assert CleanWorkers._shared[(1, 30.0, 10)] is second  # still in use by the second caller
    second.close()
    assert (1, 30.0, 10) not in CleanWorkers._shared


def test_clean_in_order_keeps_input_order_and_reports_each_failure(
    workers: CleanWorkers,
) -> None:
    garbage = Source(url="http://127.0.0.1/x.doc", body=bytes(range(256)) * 64)
    sources = [seed_source(SEEDS[0]), garbage, *(seed_source(p) for p in SEEDS[1:])]
    results = list(workers.clean_in_order(sources))
    assert [source for source, _ in results] == sources
    assert isinstance(results[1][1], CleanError)
    expected = [clean_source(s).blocks for s in sources if s is not garbage]
    assert [doc.blocks for s, doc in results if s is not garbage] == expected


def test_a_spooled_source_is_cleaned_before_its_file_goes(workers: CleanWorkers) -> None:
    """Replay removes a spool file when the next source is asked for (archive.reader)."""
    text = SEEDS[0].read_bytes()

    def sources() -> Iterator[Source]:
        with tempfile.NamedTemporaryFile(suffix=".txt") as spool:
            spool.write(text)
            spool.flush()
            yield Source(
                url="http://127.0.0.1/big.txt",
                body=b"",
                content_type="text/plain; charset=utf-8",
                spooled=SpooledBody(path=spool.name, size=len(text)),
            )
        yield seed_source(SEEDS[1])

    [(_, spooled), (_, after)] = list(workers.clean_in_order(sources()))
    assert not isinstance(spooled, CleanError), spooled
    assert spooled.blocks == clean_source(seed_source(SEEDS[0])).blocks
    assert not isinstance(after, CleanError)
