"""Index and package closed WARC files: CDXJ beside each file, WACZ for a run or a collection.

Both are made by the tools the archive world uses (cdxj-indexer, py-wacz) rather than by code of
ours, so pywb, ReplayWeb.page and `wacz validate` read them as they read anyone's.

One change to what they index: server-not-modified revisits are left out. Such a record holds
the 304 the server sent on a re-crawl (the WARC keeps it, and `govcrawl replay` reads it), but
pywb and ReplayWeb.page replay a revisit with its own HTTP headers, so the capture closest to a
re-crawl's date would come back as an empty 304. Without it in the index, replay lands on the
full capture the 304 confirmed. Identical-payload revisits carry their 200 and stay indexed.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import wacz.main
from cdxj_indexer.main import CDXJIndexer
from wacz.waczindexer import WACZIndexer
from warcio.archiveiterator import ArchiveIterator

from govcrawl.archive.reader import reports_in
from govcrawl.archive.writer import SERVER_NOT_MODIFIED

_NOT_MODIFIED = SERVER_NOT_MODIFIED.removeprefix("http://netpreserve.org/warc/1.1")
"""The profile's path: WARC 1.0 writers name it under /warc/1.0/."""
CDXJ_RECORDS = ("response", "revisit", "resource", "metadata")
"""What a `.cdxj` beside a WARC indexes: cdxj-indexer's own default, named here because
importing py-wacz adds `warcinfo` to that default for the whole process."""


class PackageError(RuntimeError):
    """py-wacz refused to create or validate a package."""


def warc_files(paths: Iterable[str | Path]) -> list[Path]:
    """Closed WARC files among `paths` (folders expanded); `.open` files are left out."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(sorted(path.glob("*.warc.gz")) + sorted(path.glob("*.warc")))
        elif path.name.endswith((".warc.gz", ".warc")):
            found.append(path)
    return found


def replayable(record: Any) -> bool:
    """Whether a record belongs in a replay index: not a server-not-modified revisit."""
    profile = record.rec_headers.get_header("WARC-Profile") or ""
    return not (record.rec_type == "revisit" and profile.endswith(_NOT_MODIFIED))


class ReplayCDXJIndexer(CDXJIndexer):
    """cdxj-indexer's CDXJ, without server-not-modified revisits (see the module docstring)."""

    def filter_record(self, record: Any) -> bool:
        return replayable(record) and super().filter_record(record)


class _ReplayWACZIndexer(WACZIndexer):
    """py-wacz's indexer (index, pages), without server-not-modified revisits."""

    def filter_record(self, record: Any) -> bool:
        return replayable(record) and super().filter_record(record)


@contextmanager
def _wacz_index_without_not_modified() -> Iterator[None]:
    """py-wacz builds its indexer from a module name, with no option to filter records."""
    stock = wacz.main.WACZIndexer
    wacz.main.WACZIndexer = _ReplayWACZIndexer
    try:
        yield
    finally:
        wacz.main.WACZIndexer = stock


def write_cdxj(warc: Path) -> Path:
    """`NAME.warc.gz` → sorted `NAME.cdxj` beside it (response, revisit, resource, metadata).

    Written under a hidden name and renamed when complete: pywb loads every `*.cdxj` in a
    folder, and a half-written one (a full disk, a kill) would hide captures without a word.
    """
    name = warc.name.removesuffix(".gz").removesuffix(".warc")
    output = warc.with_name(f"{name}.cdxj")
    partial = output.with_name(f".{output.name}.{os.getpid()}.part")
    records = ",".join(CDXJ_RECORDS)
    try:
        ReplayCDXJIndexer(str(partial), [str(warc)], sort=True, records=records).process_all()
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    return output


def report_pages(warcs: Iterable[Path]) -> list[dict[str, str]]:
    """The WACZ's pages: one per report copy the spiders recorded (the `reports` of the pages'
    `metadata` records), at its latest replayable capture, titled as its list titled it.

    py-wacz's own page detection guesses pages from HTML responses and referrers, and lists
    a few list pages; a researcher opening the package wants the reports.
    """
    latest: dict[str, str] = {}  # URL → WARC-Date of its latest replayable capture
    titles: dict[str, str] = {}
    for warc in warcs:
        with warc.open("rb") as stream:
            for record in ArchiveIterator(stream):
                headers = record.rec_headers
                if record.rec_type in ("response", "revisit") and replayable(record):
                    url = headers.get_header("WARC-Target-URI")
                    date = headers.get_header("WARC-Date")
                    latest[url] = max(latest.get(url, date), date)
                elif record.rec_type == "metadata":
                    try:
                        reports = reports_in(json.loads(record.content_stream().read())) or []
                    except ValueError:  # not a govcrawl page record
                        reports = []
                    for report in reports:
                        url = report.get("final_url") or report.get("source_url")
                        title = report.get("title_hint") or report.get("filename") or url
                        if url:
                            titles.setdefault(url, title)
    return [
        {"url": url, "ts": latest[url], "title": title}
        for url, title in sorted(titles.items())
        if url in latest
    ]


def package_wacz(
    paths: Iterable[str | Path], output: Path, *, title: str, description: str = ""
) -> Path:
    """Package the WARCs under `paths` into one WACZ at `output`: the reports as its pages
    (`report_pages`), or the pages py-wacz detects in WARCs no govcrawl spider wrote."""
    warcs = warc_files(paths)
    if not warcs:
        raise PackageError("no closed .warc.gz files to package")
    output.parent.mkdir(parents=True, exist_ok=True)
    # Built beside the target and renamed once complete: a failed run leaves no broken WACZ.
    partial = output.with_name(f".{output.name}.{os.getpid()}.part")
    args = ["create", "-o", str(partial), "--title", title]
    if description:
        args += ["--desc", description]
    with tempfile.TemporaryDirectory() as scratch:
        pages = report_pages(warcs)
        if pages:
            listing = Path(scratch) / "pages.jsonl"
            header = {"format": "json-pages-1.0", "id": "pages", "title": "Reports"}
            lines = [json.dumps(line, ensure_ascii=False) for line in (header, *pages)]
            listing.write_text("\n".join(lines) + "\n", encoding="utf-8")
            args += ["--pages", str(listing)]
        else:
            args.append("--detect-pages")
        try:
            with _wacz_index_without_not_modified():
                created = wacz.main.main(args + [str(w) for w in warcs])
            if created not in (None, 0):
                raise PackageError(f"wacz create failed for {output}")
            partial.replace(output)
        finally:
            partial.unlink(missing_ok=True)
    return output


def validate_wacz(path: Path) -> None:
    if wacz.main.main(["validate", "-f", str(path)]) not in (None, 0):
        raise PackageError(f"wacz validate failed for {path}")
