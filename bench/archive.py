"""Archive benchmark: the cost of archiving, as a ratio measured in this run.

- `archive_overhead`: the same crawl of the farm's non-browser portals with the WARC extension
  on ÷ off (goal ≤ 1.10); best of three runs each, alternated so drift hits both.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.common import govcrawl_cmd, timed, write_result
from govcrawl.demo_farm.farm import DemoFarm

PORTALS = ["demo_trs_city", "demo_hanweb_county", "demo_vsb_bureau", "demo_town", "demo_mirror"]
REPEAT = 3


def main() -> None:
    with DemoFarm(2024) as farm, tempfile.TemporaryDirectory() as tmp:
        manifest = Path(tmp) / "farm.json"
        farm.write_manifest(manifest)
        best = {"on": float("inf"), "off": float("inf")}
        for i in range(REPEAT):
            for mode in ("on", "off"):
                out = Path(tmp) / f"{mode}{i}"
                enabled = "true" if mode == "on" else "false"
                elapsed, _ = timed(
                    govcrawl_cmd(
                        "crawl",
                        *PORTALS,
                        "--manifest",
                        str(manifest),
                        "--out",
                        str(out),
                        "--quiet",
                        "-s",
                        f"GOVCRAWL_WARC_ENABLED={enabled}",
                        "-s",
                        "AUTOTHROTTLE_ENABLED=false",
                    )
                )
                best[mode] = min(best[mode], elapsed)
    write_result(
        "archive",
        {
            "archive_overhead": round(best["on"] / best["off"], 3),
            "archive_overhead_goal": 1.10,
            "seconds_on": round(best["on"], 2),
            "seconds_off": round(best["off"], 2),
        },
    )
