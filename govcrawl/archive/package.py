"""Index and package closed WARC files: CDXJ beside each file, WACZ for a run or a collection.

Both are made by the tools the archive world uses (cdxj-indexer, py-wacz) rather than by code of
ours, so pywb, ReplayWeb.page and `wacz validate` read them as they read anyone's.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from cdxj_indexer.main import write_cdx_index
from wacz.main import main as wacz_main


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


def write_cdxj(warc: Path) -> Path:
    """`NAME.warc.gz` → sorted `NAME.cdxj` beside it (response, revisit, resource, metadata)."""
    name = warc.name.removesuffix(".gz").removesuffix(".warc")
    output = warc.with_name(f"{name}.cdxj")
    write_cdx_index(str(output), [str(warc)], {"sort": True})
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
    if wacz_main(args + [str(w) for w in warcs]) not in (None, 0):
        raise PackageError(f"wacz create failed for {output}")
    return output


def validate_wacz(path: Path) -> None:
    if wacz_main(["validate", "-f", str(path)]) not in (None, 0):
        raise PackageError(f"wacz validate failed for {path}")
