"""Discovery benchmark on the demo farm: recall and precision of report copies, and the cost
in pages fetched per report found (counted from the WARC's response records)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from bench.common import govcrawl_cmd, timed, write_result
from govcrawl.demo_farm.farm import DemoFarm
from govcrawl.store import Dataset


def count_responses(warc_dir: Path) -> int:
    total = 0
    for path in warc_dir.glob("*.warc.gz"):
        with path.open("rb") as stream:
            total += sum(1 for rec in ArchiveIterator(stream) if rec.rec_type == "response")
    return total


def main() -> None:
    with DemoFarm(2024) as farm, tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        farm.write_manifest(out / "farm.json")
        elapsed, _ = timed(
            govcrawl_cmd(
                "crawl", "--all", "--manifest", str(out / "farm.json"), "--out", str(out), "--quiet"
            )
        )
        found = {r["source"]["url"] for r in Dataset(out).records()}
        expected = {t["url"] for t in farm.ground_truth()}
        pages = count_responses(out / "warc")
    true_positive = len(found & expected)
    write_result(
        "discovery",
        {
            "recall": round(true_positive / len(expected), 4),
            "precision": round(true_positive / len(found), 4) if found else 0.0,
            "reports_expected": len(expected),
            "reports_found": len(found),
            "pages_per_report": round(pages / max(len(found), 1), 2),
            "crawl_seconds": round(elapsed, 1),
        },
    )
