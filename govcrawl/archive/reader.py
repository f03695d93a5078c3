"""Replay reader: the reports an archive holds, as the same `Source`s the live crawl built.

Reports are found by their `metadata` records (`{"govcrawl": {"report": true, …}}`, written
when the pipeline classified an item) and paired with the `response` record they refer to. The
two may sit in different files (rotation), so the reader makes two streaming passes: the first
collects the small metadata payloads keyed by the response record id, the second decodes only
the responses that are wanted, one at a time. No body is held longer than its own `Source`.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from govcrawl.document import Source

logger = logging.getLogger(__name__)

WARC_SUFFIXES = (".warc.gz", ".warc")


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


def _report_metadata(files: list[Path]) -> dict[str, list[dict[str, Any]]]:
    wanted: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for path in files:
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type != "metadata":
                    continue
                refers_to = record.rec_headers.get_header("WARC-Refers-To")
                try:
                    payload = json.loads(record.content_stream().read())
                except ValueError:
                    continue
                info = payload.get("govcrawl") if isinstance(payload, dict) else None
                if refers_to and isinstance(info, dict) and info.get("report") is True:
                    wanted[refers_to].append(info)
    return wanted


def iter_report_sources(paths: Iterable[str | Path]) -> Iterator[Source]:
    """Yield one `Source` per report metadata record, body decoded of all HTTP encodings."""
    files = iter_files(paths)
    wanted = _report_metadata(files)
    for path in files:
        if not wanted:
            break
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type != "response":
                    continue
                record_id = record.rec_headers.get_header("WARC-Record-ID")
                infos = wanted.pop(record_id, None)
                if not infos:
                    continue
                body = record.content_stream().read()
                for info in infos:
                    yield _source(path, record, body, info)
    for record_id, infos in wanted.items():
        for info in infos:
            logger.warning(
                "report %s refers to missing response record %s", info.get("source_url"), record_id
            )


def _source(path: Path, record: Any, body: bytes, info: dict[str, Any]) -> Source:
    headers = record.rec_headers
    target = headers.get_header("WARC-Target-URI")
    http_headers = record.http_headers
    return Source(
        url=info.get("source_url") or target,
        body=body,
        content_type=http_headers.get_header("Content-Type") if http_headers else None,
        final_url=info.get("final_url") or target,
        kind=info.get("kind") or "portal",
        fetched_at=headers.get_header("WARC-Date"),
        warc_file=path.name,
        warc_record_id=headers.get_header("WARC-Record-ID"),
        payload_digest=headers.get_header("WARC-Payload-Digest"),
        parent_url=info.get("parent_url"),
        filename=info.get("filename"),
    )
