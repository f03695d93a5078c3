"""Clean documents in worker processes, so a document that kills or hangs its reader costs only
that document.

The readers under `clean_source` are native code fed with whatever a portal served: pdfminer
and pdfium on damaged PDFs, lxml on broken markup, LibreOffice on old Word files. In the crawl
process a segfault, a heap corruption or an endless loop there would take the whole run (every
portal of it) down with it. In a pebble `ProcessPool` the worker dies or is killed instead, the
document gets a clear `CleanError` ("reader crashed", "took longer than N s"), and the pool
starts a fresh worker for the next one.

It also gives cleaning real parallelism: CPU-bound parsing in threads shared the GIL with the
reactor, whose every sqlite, zlib and file call then waited out the GIL switch interval.

Workers are forked from a forkserver that imported `govcrawl.clean` once, so a new worker
starts in milliseconds and inherits none of the crawl process's threads (the reactor, the
browser driver). One pool serves every crawler of a process (`CleanWorkers.shared`).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout

from pebble import ProcessExpired, ProcessPool

from govcrawl.clean import CleanError, clean_source
from govcrawl.document import CleanDocument, Source
from govcrawl.sharing import SharedPerProcess

DEFAULT_TIMEOUT = 600.0
"""Seconds one document may take; OCR of a long scanned report takes minutes, not tens."""
DEFAULT_MAX_TASKS = 200
"""Documents per worker before it is replaced, bounding what reader leaks can accumulate."""


def default_workers() -> int:
    """One core stays with the crawl process (reactor, archive writes); the rest clean."""
    return max(1, min(4, (os.cpu_count() or 2) - 1))


def _describe_exit(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit status {exitcode}"


class CleanWorkers(SharedPerProcess):
    """A pool of cleaning processes; `clean` awaits one document's `CleanDocument`."""

    @classmethod
    def shared(
        cls,
        workers: int | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_tasks: int = DEFAULT_MAX_TASKS,
    ) -> CleanWorkers:
        """This process's pool for these parameters; each caller `close`s it once when done."""
        key = (workers or default_workers(), timeout, max_tasks)
        return cls._shared_instance(key, lambda: cls(*key))

    def __init__(
        self,
        workers: int | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_tasks: int = DEFAULT_MAX_TASKS,
    ) -> None:
        self.workers = workers or default_workers()
        self.timeout = timeout
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["govcrawl.clean"])
        self._pool = ProcessPool(max_workers=self.workers, max_tasks=max_tasks, context=context)

    async def clean(self, source: Source) -> CleanDocument:
        """`clean_source(source)` in a worker; CleanError also for a crash or a timeout."""
        future = self._schedule(source)
        try:
            return await asyncio.wrap_future(future)
        except (ProcessExpired, FutureTimeout) as exc:
            raise self._failure(exc) from exc

    def clean_in_order(
        self, sources: Iterable[Source]
    ) -> Iterator[tuple[Source, CleanDocument | CleanError]]:
        """Each source with its document or its CleanError, in input order, several at a time.

        Sources are pulled lazily, a few per worker ahead, so memory stays bounded. A spooled
        source's file may live only until the next source is pulled (replay removes it then),
        so it is finished before pulling on.
        """
        window: deque[tuple[Source, Future]] = deque()
        for source in sources:
            window.append((source, self._schedule(source)))
            limit = 0 if source.spooled is not None else 2 * self.workers
            while len(window) > limit:
                yield self._result(*window.popleft())
        while window:
            yield self._result(*window.popleft())

    def _schedule(self, source: Source) -> Future:
        return self._pool.schedule(clean_source, args=(source,), timeout=self.timeout)

    def _result(self, source: Source, future: Future) -> tuple[Source, CleanDocument | CleanError]:
        try:
            return source, future.result()
        except CleanError as exc:
            return source, exc
        except (ProcessExpired, FutureTimeout) as exc:
            return source, self._failure(exc)

    def _failure(self, exc: BaseException) -> CleanError:
        if isinstance(exc, ProcessExpired):
            return CleanError(
                f"the reader crashed on this document ({_describe_exit(exc.exitcode)}); "
                "cleaning went on in a new process"
            )
        return CleanError(
            f"cleaning took longer than {self.timeout:g} s (GOVCRAWL_CLEAN_TIMEOUT) and was stopped"
        )

    def close(self) -> None:
        """Release this caller's use; the last one stops the workers."""
        if not self._release():
            return
        self._pool.close()
        self._pool.join()
