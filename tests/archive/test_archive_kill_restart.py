"""Kill -9 a farm crawl mid-way, recover its `.open` WARC, restart the crawl: it completes.

The farm answers slowly (latency) so the kill lands while the crawl is still writing; the
restart goes through the same output folder, so it reuses what the killed run archived. The
restart recovers a file left open by itself when nobody ran `govcrawl archive recover`: either
way, replaying the folder afterwards finds every report (the restart's revisits resolve to
originals in the recovered file).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from govcrawl.demo_farm.farm import DemoFarm
from govcrawl.store import Dataset

pytestmark = pytest.mark.xdist_group("kill_restart")

REPO = Path(__file__).resolve().parents[2]
PORTAL = "demo_vsb_bureau"


def _govcrawl(*args: str) -> list[str]:
    return [sys.executable, "-m", "govcrawl", *args]


@pytest.mark.parametrize("recover_first", [True, False], ids=["recover", "restart-only"])
def test_a_killed_crawl_recovers_and_a_restart_completes_it(
    tmp_path: Path, recover_first: bool
) -> None:
    out = tmp_path / "out"
    warc = out / "warc"
    with DemoFarm(2024, latency=0.3) as farm:
        manifest = tmp_path / "farm.json"
        farm.write_manifest(manifest)
        crawl = _govcrawl("crawl", PORTAL, "--manifest", str(manifest), "--out", str(out),
                          "--quiet")  # fmt: skip
        process = subprocess.Popen(crawl, cwd=REPO, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)  # fmt: skip
        try:
            deadline = time.monotonic() + 120
            while not any(p.stat().st_size > 20_000 for p in warc.glob("*.warc.gz.open")):
                assert process.poll() is None, "the crawl ended before it could be killed"
                assert time.monotonic() < deadline
                time.sleep(0.05)
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()

        left_open = sorted(warc.glob("*.warc.gz.open"))
        assert left_open
        if recover_first:
            done = subprocess.run(_govcrawl("archive", "recover", *map(str, left_open)),
                                  cwd=REPO, capture_output=True, text=True,
                                  check=False)  # fmt: skip
            assert done.returncode == 0, done.stderr
            assert not list(warc.glob("*.open"))

        restarted = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
        done = subprocess.run(crawl, cwd=REPO, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr[-3000:]
        expected = {t["url"] for t in farm.ground_truth() if t["site"] == "vsb"}

    warcio = Path(sys.executable).with_name("warcio")
    for path in sorted(warc.glob("*.warc.gz")):
        check = subprocess.run([str(warcio), "check", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, (path, check.stdout)
    second_run = {
        r["source"]["url"]
        for r in Dataset(out).records()
        if (r["source"]["fetched_at"] or "")[:19] >= restarted
    }
    assert second_run == expected
    assert not list(warc.glob("*.open"))
    replayed = tmp_path / "replayed"
    done = subprocess.run(_govcrawl("replay", str(warc), "--out", str(replayed)), cwd=REPO,
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert {r["source"]["url"] for r in Dataset(replayed).records()} == expected
