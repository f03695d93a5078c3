"""Clean + extract for paths that do not go through Scrapy: offline replay and local files.

The Scrapy pipelines call the same two functions (`clean_source`, `build_record`) one per
pipeline; here they are chained for a `Source` read from a WARC or from disk, so every path
gives the same record for the same bytes. As in the crawl, cleaning runs in worker processes
(`govcrawl.clean.workers`): a document that crashes or hangs its reader is an error for that
document, and the rest of an archive still replays.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govcrawl.archive.reader import iter_report_sources
from govcrawl.archive.writer import payload_digest
from govcrawl.clean import CleanError, clean_source
from govcrawl.clean.sniff import sniff_format
from govcrawl.clean.workers import DEFAULT_TIMEOUT, CleanWorkers
from govcrawl.document import SPOOL_THRESHOLD, Source, SpooledBody
from govcrawl.extract import build_record
from govcrawl.store import RecordStore


def process_source(source: Source) -> dict[str, Any]:
    """Clean and extract one source; raises `CleanError` for a document that cannot be read."""
    return build_record(clean_source(source), source)


def process_sources(
    sources: Iterable[Source], *, workers: int | None = None, timeout: float = DEFAULT_TIMEOUT
) -> Iterator[tuple[Source, dict[str, Any] | CleanError]]:
    """Each source with its record, or the CleanError that stopped it, in input order.

    `workers` cleaning processes (default: every core, since this process only extracts).
    """
    pool = CleanWorkers(workers or os.cpu_count() or 1, timeout)
    try:
        for source, cleaned in pool.clean_in_order(sources):
            if isinstance(cleaned, CleanError):
                yield source, cleaned
            else:
                yield source, build_record(cleaned, source)
    finally:
        pool.close()


# The media type recorded for each sniffed format: a local file has no server to say it.
FORMAT_TYPES = {
    "html": "text/html",
    "txt": "text/plain",
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "wps": "application/kswps",
}


def source_from_file(path: str | Path) -> Source:
    """A local file as a `Source`: URL is its file:// URI, kind by format (HTML is a page).

    The content type is that of the format sniffed from the bytes (the name only breaks ties,
    as for a download), so a PDF named `.docx` is recorded as a PDF. A file larger than the
    replay spool threshold is read from disk by the cleaner rather than loaded
    (`Source.spooled` names the file itself).
    """
    path = Path(path).resolve()
    with path.open("rb") as stream:
        content_type = FORMAT_TYPES.get(sniff_format(stream, names=[path.name]))
    kind = "portal" if content_type == "text/html" else "attachment"
    size = path.stat().st_size
    spooled = SpooledBody(path=str(path), size=size) if size > SPOOL_THRESHOLD else None
    with path.open("rb") as stream:  # the digest a WARC copy of these bytes carries
        digest = payload_digest(stream)
    return Source(
        url=path.as_uri(),
        body=b"" if spooled else path.read_bytes(),
        payload_digest=digest,
        spooled=spooled,
        content_type=content_type,
        final_url=path.as_uri(),
        kind=kind,
        filename=path.name,
    )


@dataclass
class ReplayResult:
    records: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    unresolved: int = 0
    """Revisits whose original is in none of the archives or originals (their reports, if
    any, are missing from the replay)."""


def replay(
    archives: Iterable[str | Path],
    out_dir: str | Path,
    *,
    originals: Iterable[str | Path] = (),
    on_record: Callable[[dict[str, Any]], None] | None = None,
    workers: int | None = None,
) -> ReplayResult:
    """Re-extract every report the archives hold into `out_dir` (records.jsonl + dataset).

    `originals` are earlier runs' WARCs, searched only for the payloads that revisit records
    of `archives` refer to.
    """
    result = ReplayResult()

    def unresolved(_uri: str, _original: str) -> None:
        result.unresolved += 1

    store = RecordStore(out_dir)
    try:
        sources = iter_report_sources(archives, originals=originals, on_unresolved=unresolved)
        for source, record in process_sources(sources, workers=workers):
            if isinstance(record, CleanError):
                store.add_error(source.url, "clean", str(record))
                result.errors.append((source.url, str(record)))
                continue
            store.add(record)
            result.records += 1
            if on_record is not None:
                on_record(record)
    finally:
        store.close()
    return result
