"""`serve_demo` serves until SIGTERM, prints the site URLs and writes a manifest."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest
from farm_http import fetch

from govcrawl.demo_farm.server import serve_demo


def _poke_then_stop(manifest: Path, seen: dict) -> None:
    try:
        while not manifest.exists() or not manifest.stat().st_size:
            time.sleep(0.05)
        data = json.loads(manifest.read_text("utf-8"))
        seen["urls"] = data["urls"]
        seen["status"] = {k: fetch(u + "/robots.txt").status for k, u in data["urls"].items()}
    finally:
        os.kill(os.getpid(), signal.SIGTERM)


def test_serve_demo_until_sigterm(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    manifest = tmp_path / "farm.json"
    seen: dict = {}
    poker = threading.Thread(target=_poke_then_stop, args=(manifest, seen), daemon=True)
    before = signal.getsignal(signal.SIGTERM)
    poker.start()
    serve_demo(2024, base_port=None, manifest=manifest)
    poker.join(timeout=10)
    assert set(seen["status"].values()) == {200}
    printed = capsys.readouterr().out
    assert all(url in printed for url in seen["urls"].values())
    assert signal.getsignal(signal.SIGTERM) is before
    for url in seen["urls"].values():
        with pytest.raises(OSError):
            fetch(url + "/")
