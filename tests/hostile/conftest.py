"""The one hostile crawl every acceptance test reads (see hostile_run.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import pytest
from hostile_run import DRIVER, MIB, REPORT_CASES, SETTINGS, SIZE_LIMIT, Run

from govcrawl.demo_farm.farm import DemoFarm
from govcrawl.demo_farm.hostile import HostileSite


@pytest.fixture(scope="session")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    out = tmp_path_factory.mktemp("hostile-run")
    with HostileSite(seed=2031) as target:
        hostile = HostileSite(
            seed=2024,
            local_redirect_target=target.url + "/admin/",
            retry_after=1,
            enforce_retry_after=True,
            drip_interval=0.5,
            stall_seconds=30,
            size_limit=SIZE_LIMIT,
            bomb_size=64 * MIB,
        )
        with hostile, DemoFarm(seed=2024) as farm:
            starts = [hostile.url + "/xxgk/"] + [
                c["url"]
                for c in hostile.cases()
                if c["case"] not in REPORT_CASES and not c["case"].startswith("doc.")
            ]
            normal = farm.urls["trs"]
            args = [sys.executable, str(DRIVER), str(out)]
            args += ["generic=" + "|".join(starts), f"trs={normal}/xxgk/ndbg/index.html"]
            for key, value in SETTINGS.items():
                args += ["-s", f"{key}={json.dumps(value)}"]
            done = subprocess.run(args, capture_output=True, text=True, timeout=300, check=False)
            assert done.returncode == 0, done.stderr[-3000:]
            summary = json.loads(done.stdout.strip().splitlines()[-1])
            yield Run(out, hostile, target, farm, "trs", summary)
