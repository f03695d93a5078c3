"""Helpers shared by the benchmarks: a running demo farm, timed crawls, result files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).with_name("results")
REPO = Path(__file__).resolve().parents[1]


def write_result(name: str, result: dict[str, Any]) -> None:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{name}: {json.dumps(result, ensure_ascii=False)}")


def timed(
    cmd: list[str], *, env: dict[str, str] | None = None, ok_codes: tuple[int, ...] = (0,)
) -> tuple[float, int]:
    """Wall time and peak RSS (KiB, of the child) of one command."""
    start = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%M", *cmd] if Path("/usr/bin/time").exists() else cmd,
        cwd=REPO,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode not in ok_codes:
        raise RuntimeError(f"{cmd[:4]} failed: {done.stderr[-2000:]}")
    rss = 0
    lines = done.stderr.strip().splitlines()
    if lines and lines[-1].isdigit():
        rss = int(lines[-1])
    return elapsed, rss


def govcrawl_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "govcrawl", *args]
