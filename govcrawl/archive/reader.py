"""Replay reader: the reports an archive holds, as the same `Source`s the live crawl built.

Reports are found by the page `metadata` records (`{"govcrawl": {"reports": […], …}}`, see
`provenance`) and paired with the `response` record they refer to. The two may sit in
different files (rotation), so the reader makes two streaming passes: the first collects the
small metadata payloads keyed by the response record id, the second decodes only the responses
that are wanted, one at a time. No body is held longer than its own `Source`.

Re-crawls store unchanged pages as `revisit` records (see `capture`); the first pass also
notes every revisit's WARC-Refers-To (a few header values per revisit — the only state that
grows with the archive), and the second pass reads the original `response` in its place. A
revisit whose page was made the same of as its original has no page record of its own (the
crawl does not write an identical one twice) and takes the original's.
"""

from __future__ import annotations

import io
import json
import logging
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import DecompressingBufferedReader

from govcrawl.archive.writer import SERVER_NOT_MODIFIED
from govcrawl.document import SPOOL_THRESHOLD, Source, SpooledBody

logger = logging.getLogger(__name__)

WARC_SUFFIXES = (".warc.gz", ".warc")
SPOOL_BLOCK = 1024 * 1024


def iter_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand directories to their `*.warc.gz` / `*.warc` files (sorted); keep files as given."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(
                sorted(p for p in path.iterdir() if p.is_file() and p.name.endswith(WARC_SUFFIXES))
            )
        else:
            files.append(path)
    return files


@dataclass(frozen=True)
class _Revisit:
    """What a report needs from a revisit record: its own identity and the original's id."""

    path: Path
    record_id: str
    date: str
    target_uri: str
    refers_to: str
    not_modified: bool
    content_type: str | None
    content_encoding: str | None

    def encoding_over(self, original: str | None) -> str | None:
        """The Content-Encoding of this capture's payload: a 304 keeps the original's, an
        identical payload is as its own headers say (the same bytes may be served gzip under
        one URL and as a plain `.gz` file under another)."""
        return original if self.not_modified else self.content_encoding


def reports_in(payload: Any) -> list[dict[str, Any]] | None:
    """The report infos of a govcrawl `metadata` payload, or None if it is not ours.

    Per-page records (`provenance`) list `reports` (empty for a list page); archives written
    before them hold one `{"report": true, …}` record per report.
    """
    info = payload.get("govcrawl") if isinstance(payload, dict) else None
    if not isinstance(info, dict):
        return None
    if isinstance(info.get("reports"), list):
        return [r for r in info["reports"] if isinstance(r, dict)]
    if info.get("report") is True:
        return [info]
    return None


@dataclass
class _Scan:
    """What the first pass keeps: reports by the record they describe, revisits, and which
    revisits have a page record of their own. Pages without reports leave nothing behind, so
    the state grows with reports and revisits, not with pages."""

    reports: dict[str, list[dict[str, Any]]]
    revisits: dict[str, _Revisit]
    described: set[str]


def _scan(files: list[Path], *, with_revisits: bool = True) -> _Scan:
    """One pass over `files`; a page record always follows the record it describes."""
    pages: dict[str, list[dict[str, Any]]] = defaultdict(list)
    revisits: dict[str, _Revisit] = {}
    described: set[str] = set()
    for path in files:
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                headers = record.rec_headers
                if record.rec_type == "revisit" and with_revisits:
                    refers_to = headers.get_header("WARC-Refers-To")
                    if refers_to:
                        record_id = headers.get_header("WARC-Record-ID")
                        http = record.http_headers
                        revisits[record_id] = _Revisit(
                            path=path,
                            record_id=record_id,
                            date=headers.get_header("WARC-Date"),
                            target_uri=headers.get_header("WARC-Target-URI"),
                            refers_to=refers_to,
                            not_modified=headers.get_header("WARC-Profile") == SERVER_NOT_MODIFIED,
                            content_type=http.get_header("Content-Type") if http else None,
                            content_encoding=(
                                http.get_header("Content-Encoding") if http else None
                            ),
                        )
                    continue
                if record.rec_type != "metadata":
                    continue
                refers_to = headers.get_header("WARC-Refers-To")
                try:
                    reports = reports_in(json.loads(record.content_stream().read()))
                except ValueError:
                    continue
                if not refers_to or reports is None:
                    continue
                if refers_to in revisits:
                    described.add(refers_to)
                if reports:
                    pages[refers_to].extend(reports)
    return _Scan(pages, revisits, described)


def iter_report_sources(
    paths: Iterable[str | Path],
    *,
    originals: Iterable[str | Path] = (),
    spool_threshold: int = SPOOL_THRESHOLD,
    on_unresolved: Callable[[str, str], None] | None = None,
) -> Iterator[Source]:
    """Yield one `Source` per report metadata record, body decoded of all HTTP encodings.

    A report whose record is a `revisit` (an unchanged page of a re-crawl) gets the payload
    of the `response` it refers to, found among `paths` or, for a re-crawl replayed on its
    own, among `originals` (files searched only for such payloads, e.g. the first run's);
    its other fields — record id, file, date — are the revisit's, as in the live crawl. Its
    Content-Type is the revisit's, except for a 304 (server-not-modified), whose
    entity headers are the original's. A report whose original is not found is skipped with
    a warning, and so is every revisit whose original is in none of the files:
    `on_unresolved(target URI, original record id)` is called once for each, after the last
    source (a re-crawl replayed without `originals` is the usual cause). Checking a revisit
    of a page without reports means reading the files to the end for its original.

    A payload larger than `spool_threshold` is decoded into a temporary file instead of
    memory (`Source.spooled`, removed once the consumer asks for the next source), as the
    live crawl spools large downloads.
    """
    files = iter_files(paths)
    scan = _scan(files)
    pages, revisits = scan.reports, scan.revisits
    given = set(files)
    extra = [p for p in iter_files(originals) if p not in given]
    # record id of a response → (report info, revisit or None) of the reports it feeds
    by_response: dict[str, list[tuple[dict[str, Any], _Revisit | None]]] = defaultdict(list)
    for record_id, infos in pages.items():
        revisit = revisits.get(record_id)
        target = revisit.refers_to if revisit else record_id
        by_response[target].extend((info, revisit) for info in infos)
    # A revisit with no page record of its own was made the same of as its original (capture
    # writes no identical record twice): it inherits the original's, from `originals` if need be.
    orphans = {k: r for k, r in revisits.items() if k not in scan.described}
    # Orphans whose original holds no report (or is missing): only its presence is checked.
    unplaced: dict[str, list[_Revisit]] = defaultdict(list)
    if orphans:
        if extra:
            pages.update(_scan(extra, with_revisits=False).reports)
        for revisit in orphans.values():
            infos = pages.get(revisit.refers_to, ())
            for info in infos:
                by_response[revisit.refers_to].append((info, revisit))
            if not infos:
                unplaced[revisit.refers_to].append(revisit)
    del scan, pages, revisits, orphans
    for path in [*files, *extra]:
        if not by_response and not unplaced:
            break
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type != "response":
                    continue
                record_id = record.rec_headers.get_header("WARC-Record-ID")
                unplaced.pop(record_id, None)
                reports = by_response.pop(record_id, None)
                if not reports:
                    continue
                encoding = record.http_headers.get_header("Content-Encoding")
                codings = [
                    _coding(revisit.encoding_over(encoding) if revisit else encoding)
                    for _, revisit in reports
                ]
                small = (record.length or 0) <= spool_threshold
                if any(coding != _coding(encoding) for coding in codings):
                    # Each capture's payload is read as its own headers say, not the original's.
                    yield from _sources_by_coding(path, record, reports, codings, small)
                    continue
                if small:
                    body = record.content_stream().read()
                    for info, revisit in reports:
                        yield _source(path, record, body, info, revisit)
                    continue
                with tempfile.NamedTemporaryFile(prefix="govcrawl-replay-") as spool:
                    shutil.copyfileobj(record.content_stream(), spool, SPOOL_BLOCK)
                    spool.flush()
                    spooled = SpooledBody(path=spool.name, size=spool.tell())
                    for info, revisit in reports:
                        yield _source(path, record, b"", info, revisit, spooled)
    for record_id, reports in by_response.items():
        for info, revisit in reports:
            what = "original of revisit " + revisit.record_id if revisit else "response record"
            logger.warning(
                "report %s: %s %s not in the given files; skipped",
                info.get("source_url"),
                what,
                record_id,
            )
            if revisit is not None:
                unplaced[record_id].append(revisit)
    for record_id, missing in unplaced.items():
        for revisit in {r.record_id: r for r in missing}.values():
            logger.info(
                "revisit %s: original %s not in the given files", revisit.record_id, record_id
            )
            if on_unresolved is not None:
                on_unresolved(revisit.target_uri, record_id)


def _coding(content_encoding: str | None) -> str:
    coding = (content_encoding or "").strip().lower()
    return "" if coding == "identity" else coding


def _decoded(payload: bytes, content_encoding: str | None) -> bytes:
    """A stored payload decoded as `content_encoding` says (warcio's decoders, as
    `content_stream` uses); as stored when the coding is none, unknown or does not decode."""
    coding = _coding(content_encoding)
    if coding not in DecompressingBufferedReader.DECOMPRESSORS:
        return payload
    decoded = DecompressingBufferedReader(io.BytesIO(payload), decomp_type=coding).read()
    return decoded if decoded or not payload else payload


def _sources_by_coding(
    path: Path,
    record: Any,
    reports: list[tuple[dict[str, Any], _Revisit | None]],
    codings: list[str],
    small: bool,
) -> Iterator[Source]:
    """Sources of one stored payload that its captures served in different Content-Encodings:
    decoded here for each, or for a large payload spooled as stored, each capture's `Source`
    naming its own coding for the clean stage to decode while reading."""
    if small:
        raw = record.raw_stream.read()
        for (info, revisit), coding in zip(reports, codings, strict=True):
            yield _source(path, record, _decoded(raw, coding), info, revisit)
        return
    with tempfile.NamedTemporaryFile(prefix="govcrawl-replay-") as spool:
        shutil.copyfileobj(record.raw_stream, spool, SPOOL_BLOCK)
        spool.flush()
        for (info, revisit), coding in zip(reports, codings, strict=True):
            spooled = SpooledBody(
                path=spool.name, size=spool.tell(), content_encoding=(coding,) if coding else ()
            )
            yield _source(path, record, b"", info, revisit, spooled)


def _source(
    path: Path,
    record: Any,
    body: bytes,
    info: dict[str, Any],
    revisit: _Revisit | None,
    spooled: SpooledBody | None = None,
) -> Source:
    headers = record.rec_headers
    target = headers.get_header("WARC-Target-URI")
    http_headers = record.http_headers
    content_type = http_headers.get_header("Content-Type") if http_headers else None
    record_id, date, file = (
        headers.get_header("WARC-Record-ID"),
        headers.get_header("WARC-Date"),
        path.name,
    )
    if revisit is not None:
        target, record_id, date, file = (
            revisit.target_uri,
            revisit.record_id,
            revisit.date,
            revisit.path.name,
        )
        if not revisit.not_modified:
            content_type = revisit.content_type
    return Source(
        url=info.get("source_url") or target,
        body=body,
        content_type=content_type,
        final_url=info.get("final_url") or target,
        kind=info.get("kind") or "portal",
        fetched_at=date,
        warc_file=file,
        warc_record_id=record_id,
        payload_digest=headers.get_header("WARC-Payload-Digest"),
        parent_url=info.get("parent_url"),
        filename=info.get("filename"),
        spooled=spooled,
    )
