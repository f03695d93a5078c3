"""Run the demo farm as a long-lived process: `python -m govcrawl.demo_farm.server`.

A crawl in another process (or a person with a browser) uses it; `--manifest` writes the URLs,
ground truth and decoys to a JSON file the crawl and its scoring can read.
"""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path

from govcrawl.demo_farm.farm import DemoFarm
from govcrawl.demo_farm.sites import SITE_ORDER


def serve_demo(
    seed: int = 2024,
    host: str = "127.0.0.1",
    base_port: int | None = 8101,
    manifest: str | Path | None = None,
) -> None:
    """Serve every site until SIGINT/SIGTERM; ports base_port+0..5 in site order, or free."""
    ports = {key: (base_port + i if base_port else 0) for i, key in enumerate(SITE_ORDER)}
    stop = threading.Event()
    previous = {
        sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        with DemoFarm(seed, host=host, ports=ports) as farm:
            for key, url in farm.urls.items():
                print(f"{key:9} {url}/", flush=True)
            if manifest:
                farm.write_manifest(manifest)
                print(f"manifest  {manifest}", flush=True)
            stop.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the govcrawl demo portal farm.")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--base-port", type=int, default=8101, help="first port; 0 picks free ports"
    )
    parser.add_argument("--manifest", type=Path, help="write URLs and ground truth here")
    args = parser.parse_args(argv)
    serve_demo(args.seed, args.host, args.base_port or None, args.manifest)


if __name__ == "__main__":
    main()
