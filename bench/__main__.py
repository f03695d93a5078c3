"""`python -m bench [NAME…]` runs the benchmarks (all by default): extract, discovery, archive,
webarchive."""

from __future__ import annotations

import sys

from bench import archive, discovery, extract, webarchive

BENCHMARKS = {
    "extract": extract.main,
    "discovery": discovery.main,
    "archive": archive.main,
    "webarchive": webarchive.main,
}


def main(argv: list[str]) -> int:
    names = argv or list(BENCHMARKS)
    for name in names:
        BENCHMARKS[name]()
    return 0


raise SystemExit(main(sys.argv[1:]))
