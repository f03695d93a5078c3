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

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import wacz.main
from cdxj_indexer.main import CDXJIndexer
from wacz.waczindexer import WACZIndexer

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
    """`NAME.warc.gz` → sorted `NAME.cdxj` beside it (response, revisit, resource, metadata)."""
    name = warc.name.removesuffix(".gz").removesuffix(".warc")
    output = warc.with_name(f"{name}.cdxj")
    records = ",".join(CDXJ_RECORDS)
    ReplayCDXJIndexer(str(output), [str(warc)], sort=True, records=records).process_all()
    return output


def package_wacz(
    paths: Iterable[str | Path], output: Path, *, title: str, description: str = ""
) -> Path:
    """Package the WARCs under `paths` into one WACZ at `output`, with detected pages."""
    warcs = warc_files(paths)
    if not warcs:
        raise PackageError("no closed .warc.gz files to package")
    output.parent.mkdir(parents=True, exist_ok=True)
    args = ["create", "-o", str(output), "--detect-pages", "--title", title]
    if description:
        args += ["--desc", description]
    with _wacz_index_without_not_modified():
        created = wacz.main.main(args + [str(w) for w in warcs])
    if created not in (None, 0):
        raise PackageError(f"wacz create failed for {output}")
    return output


def validate_wacz(path: Path) -> None:
    if wacz.main.main(["validate", "-f", str(path)]) not in (None, 0):
        raise PackageError(f"wacz validate failed for {path}")
