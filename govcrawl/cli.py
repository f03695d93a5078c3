"""The `govcrawl` command line: serve the demo farm, crawl, extract local files, replay archives.

Every subcommand prints what it did at the end (a rich table on stderr); machine-readable
output (records of `govcrawl extract`) goes to stdout only.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from govcrawl import __version__
from govcrawl.document import Source

WORKERS_HELP = "cleaning processes (default: one per core)"
console = Console(stderr=True, soft_wrap=True)

DEMO_OUT = Path("data/demo")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    return int(args.handler(args) or 0)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="govcrawl",
        description=(
            "Find, archive (WARC) and extract China's government information-disclosure "
            "annual reports (政府信息公开工作年度报告)."
        ),
    )
    parser.add_argument("--version", action="version", version=f"govcrawl {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    p = sub.add_parser(
        "demo",
        help="start the demo portals, crawl them all, stop them, print a summary",
        description="What `make demo` runs: the bundled demo farm on 127.0.0.1, every demo "
        "portal of the registry crawled into OUT (WARCs, records.jsonl, dataset.duckdb).",
    )
    p.add_argument("--out", type=Path, default=DEMO_OUT, help="output folder (default data/demo)")
    p.add_argument("--seed", type=int, default=2024, help="farm content seed (default 2024)")
    p.add_argument(
        "--port", type=int, default=8101,
        help="first farm port (default 8101; free ports when taken; 0 = always free ports)",
    )  # fmt: skip
    p.add_argument("--quiet", action="store_true", help="no live progress display")
    p.set_defaults(handler=_cmd_demo)

    p = sub.add_parser(
        "serve-demo",
        help="serve the demo portal farm on 127.0.0.1 until interrupted",
        description="Eight simulated portals (TRS, Hanweb, VSB, gkmlpt, Ucap, town, JS-only, "
        "doc-share mirror), one port each from --port. Writes the manifest JSON that "
        "`govcrawl crawl --manifest` reads.",
    )
    p.add_argument("--seed", type=int, default=2024)
    p.add_argument("--port", type=int, default=8101, help="first port (default 8101); 0 = free")
    p.add_argument("--manifest", type=Path, default=DEMO_OUT / "farm.json")
    p.set_defaults(handler=_cmd_serve_demo)

    p = sub.add_parser(
        "crawl",
        help="crawl registry portals or any URL",
        description="Crawl portals of the registry (data/portals.toml) by id, or any start URL "
        "with generic discovery. Outputs WARCs, records.jsonl and dataset.duckdb into --out.",
    )
    p.add_argument("targets", nargs="*", help="portal ids or http(s) URLs; none with --all")
    p.add_argument("--all", action="store_true", help="every portal of the registry")
    p.add_argument("--out", type=Path, default=Path("data/out"), help="output folder")
    p.add_argument("--manifest", type=Path, help="demo farm manifest (resolves {demo:SITE} URLs)")
    p.add_argument("--registry", type=Path, help="portal registry (default data/portals.toml)")
    p.add_argument(
        "-s",
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a Scrapy setting, e.g. -s ROBOTSTXT_OBEY=False",
    )
    p.add_argument("--quiet", action="store_true", help="no live progress display")
    p.set_defaults(handler=_cmd_crawl)

    p = sub.add_parser(
        "extract",
        help="extract records from local files (html/pdf/docx/doc/xlsx/txt) to stdout",
        description="Prints one JSON record (spec/record.md) per file per line on stdout.",
    )
    p.add_argument("files", nargs="+", type=Path)
    p.add_argument("--workers", type=int, default=None, help=WORKERS_HELP)
    p.set_defaults(handler=_cmd_extract)

    p = sub.add_parser(
        "replay",
        help="re-extract every report held in WARC files",
        description="Reads the report classification and response records from WARCs (files "
        "or folders) and runs the same clean/extract code as the live crawl.",
    )
    p.add_argument("archives", nargs="+", type=Path)
    p.add_argument("--out", type=Path, default=Path("data/replay"), help="output folder")
    p.add_argument(
        "--originals", nargs="*", type=Path, default=[],
        help="earlier runs' WARCs (files or folders) holding payloads that revisits refer to",
    )  # fmt: skip
    p.add_argument("--workers", type=int, default=None, help=WORKERS_HELP)
    p.set_defaults(handler=_cmd_replay)

    p = sub.add_parser(
        "package",
        help="index WARCs (CDXJ) and package them as a WACZ",
        description="Writes NAME.cdxj beside every closed WARC and one WACZ (py-wacz) of all of "
        "them, validated with `wacz validate`. Give run output folders, warc/ folders or files.",
    )
    p.add_argument("archives", nargs="+", type=Path)
    p.add_argument("-o", "--output", type=Path, required=True, help="the .wacz file to write")
    p.add_argument("--title", default="govcrawl collection")
    p.add_argument("--desc", default="")
    p.set_defaults(handler=_cmd_package)

    p = sub.add_parser("portals", help="list the portal registry")
    p.add_argument("--manifest", type=Path, help="demo farm manifest")
    p.set_defaults(handler=_cmd_portals)

    p = sub.add_parser(
        "new-portal",
        help="fingerprint a site, add its registry entry and a test skeleton",
        description="Fetches URL once, names its CMS family, appends a [[portal]] entry to the "
        "registry and writes tests/portals/test_<id>.py, which runs the new spider on a saved "
        "copy of the start page (pages/<id>.html).",
    )
    p.add_argument("name", help="portal name (or an id: lower-case letters, digits, _)")
    p.add_argument("url", help="the portal's start URL")
    p.add_argument("--agency", help="issuing agency (default: NAME or the page title)")
    p.add_argument(
        "--level",
        choices=("province", "city", "county", "town", "department"),
        help="administrative level (default: guessed from the agency name)",
    )
    p.add_argument("--registry", type=Path, default=Path("data/portals.toml"))
    p.add_argument("--tests-dir", type=Path, default=Path("tests/portals"))
    p.set_defaults(handler=_cmd_new_portal)

    p = sub.add_parser("archive", help="archive maintenance")
    archive_sub = p.add_subparsers(title="archive commands", metavar="ACTION")
    r = archive_sub.add_parser(
        "recover",
        help="close .warc.gz.open files left by a killed crawl",
        description="Truncates each .open file to its last complete record, checks it, renames it.",
    )
    r.add_argument("files", nargs="+", type=Path)
    r.set_defaults(handler=_cmd_recover)
    return parser


# -- commands -------------------------------------------------------------------------------


def _cmd_demo(args: argparse.Namespace) -> int:
    from govcrawl.demo_farm.farm import DemoFarm
    from govcrawl.demo_farm.sites import SITE_ORDER
    from govcrawl.fetch.registry import load_registry

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    manifest = out / "farm.json"
    console.print(f"[bold]govcrawl demo[/] — farm seed {args.seed}, output {out}/")
    # Fixed ports keep URLs stable across demo runs, so a second run re-crawls conditionally.
    ports = {key: args.port + i for i, key in enumerate(SITE_ORDER)} if args.port else {}
    if not all(_port_free(port) for port in ports.values()):
        ports = {}
    started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    with DemoFarm(args.seed, ports=ports) as farm:
        farm.write_manifest(manifest)
        for site, url in farm.urls.items():
            console.print(f"  farm {site:<9} {url}")
        os.environ["GOVCRAWL_DEMO_MANIFEST"] = str(manifest.resolve())
        portals = [p.id for p in load_registry(manifest=manifest) if p.is_demo]
        summary = _crawl(portals, out, {}, quiet=args.quiet)
        truth = farm.ground_truth()
    _print_truth(summary.out_dir, truth, since=started)
    failed = [p.portal for p in summary.portals if p.reports == 0]
    if failed:
        console.print(f"[red]no report found on: {', '.join(failed)}[/]")
        return 1
    return 0


def _cmd_serve_demo(args: argparse.Namespace) -> int:
    from govcrawl.demo_farm.server import serve_demo

    serve_demo(args.seed, base_port=args.port or None, manifest=args.manifest)
    return 0


def _cmd_crawl(args: argparse.Namespace) -> int:
    from govcrawl.fetch.oneoff import spider_for_url
    from govcrawl.fetch.registry import load_registry

    if args.manifest:
        os.environ["GOVCRAWL_DEMO_MANIFEST"] = str(args.manifest.resolve())
    if args.registry:
        os.environ["GOVCRAWL_REGISTRY"] = str(args.registry.resolve())
    registry = {p.id: p for p in load_registry(manifest=args.manifest)}
    spiders: list[str | type] = []
    if args.all:
        spiders.extend(registry)
    for target in args.targets:
        if target.startswith(("http://", "https://")):
            spiders.append(spider_for_url(target))
        elif target in registry:
            spiders.append(target)
        else:
            console.print(f"[red]unknown portal {target!r}[/] (see `govcrawl portals`)")
            return 2
    if not spiders:
        console.print("[red]nothing to crawl:[/] give portal ids, URLs or --all")
        return 2
    overrides = dict(_parse_setting(s) for s in args.set)
    summary = _crawl(spiders, args.out, overrides, quiet=args.quiet)
    return 0 if any(p.reports for p in summary.portals) else 1


def _cmd_extract(args: argparse.Namespace) -> int:
    from govcrawl.process import process_sources, source_from_file

    status = 0
    given: dict[int, Path] = {}  # id of each source in flight → the path as the user wrote it

    def sources() -> Iterator[Source]:
        nonlocal status
        for path in args.files:
            try:
                source = source_from_file(path)
            except OSError as exc:
                console.print(f"[red]{path}: {exc}[/]")
                status = 1
                continue
            given[id(source)] = path
            yield source

    for source, record in process_sources(sources(), workers=args.workers):
        path = given.pop(id(source))
        if not isinstance(record, dict):
            console.print(f"[red]{path}: {record}[/]")
            status = 1
            continue
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        flags = ", ".join(record["flags"]) or "-"
        console.print(
            f"{path}: {record.get('title') or '?'} · {record.get('year') or '?'} · "
            f"template {record.get('template') or '?'} · flags {flags}"
        )
    return status


def _cmd_replay(args: argparse.Namespace) -> int:
    from govcrawl.process import replay

    with console.status("replaying…") as status:
        result = replay(
            args.archives,
            args.out,
            originals=args.originals,
            on_record=lambda r: status.update(f"replaying… {r['source']['url']}"),
            workers=args.workers,
        )
    console.print(
        f"replayed {result.records} records into {args.out}/ ({len(result.errors)} errors)"
    )
    for url, reason in result.errors:
        console.print(f"  [red]{url}[/]: {reason}")
    return 0 if not result.errors else 1


def _cmd_new_portal(args: argparse.Namespace) -> int:
    from govcrawl.fetch.newportal import new_portal

    try:
        entry, test_path = new_portal(
            args.name,
            args.url,
            registry_path=args.registry,
            tests_dir=args.tests_dir,
            agency=args.agency,
            level=args.level,
        )
    except (OSError, ValueError) as exc:
        console.print(f"[red]new-portal failed:[/] {exc}")
        return 1
    console.print(f"added [bold]{entry.id}[/] ({entry.family} family) to {args.registry}")
    console.print(f"test: {test_path}")
    return 0


def _cmd_package(args: argparse.Namespace) -> int:
    from govcrawl.archive.package import package_wacz, validate_wacz, warc_files, write_cdxj

    folders = [a / "warc" if (a / "warc").is_dir() else a for a in args.archives]
    files = warc_files(folders)
    for path in files:
        write_cdxj(path)
    package_wacz(files, args.output, title=args.title, description=args.desc)
    validate_wacz(args.output)
    console.print(f"{args.output}: {len(files)} WARC files, CDXJ beside each, WACZ valid")
    return 0


def _cmd_portals(args: argparse.Namespace) -> int:
    from govcrawl.fetch.registry import load_registry

    table = Table("id", "family", "level", "agency", "start URLs")
    for entry in load_registry(manifest=args.manifest, resolve=args.manifest is not None):
        table.add_row(
            entry.id, entry.family, entry.level, entry.agency, "\n".join(entry.start_urls)
        )
    Console().print(table)
    return 0


def _cmd_recover(args: argparse.Namespace) -> int:
    from govcrawl.archive.recover import recover

    for path in args.files:
        console.print(f"{path} → {recover(path)}")
    return 0


# -- helpers --------------------------------------------------------------------------------


def _parse_setting(text: str) -> tuple[str, Any]:
    name, _, value = text.partition("=")
    try:
        return name, json.loads(value)
    except json.JSONDecodeError:
        return name, value


def _crawl(spiders: list[str | type], out: Path, overrides: dict[str, Any], *, quiet: bool):
    from govcrawl.run import run_crawl

    summary = run_crawl(spiders, out, overrides=overrides, console=console, show_progress=not quiet)
    _print_summary(summary)
    return summary


def _print_summary(summary: Any) -> None:
    out = _stdout_console()
    table = Table(title=f"crawl summary — {summary.out_dir}/", title_justify="left")
    table.add_column("portal", no_wrap=True)
    for column in ("pages", "reports", "attach.", "records", "checks ✓", "checks ✗", "errors"):
        table.add_column(column, justify="right")
    table.add_column("flags")
    totals: Counter[str] = Counter()
    for p in summary.portals:
        flags = ", ".join(f"{k}×{v}" for k, v in sorted(p.flags.items())) or "-"
        counts = (
            p.pages,
            p.reports,
            p.attachments,
            p.records,
            p.checks_passed,
            p.checks_failed,
            p.errors,
        )
        table.add_row(p.portal, *map(str, counts), flags)
        totals.update(
            dict(
                zip(
                    ("pages", "reports", "attach.", "records", "ok", "failed", "errors"),
                    counts,
                    strict=True,
                )
            )
        )
    table.add_section()
    table.add_row(
        "total",
        *(
            str(totals[k])
            for k in ("pages", "reports", "attach.", "records", "ok", "failed", "errors")
        ),
        "",
    )
    out.print(table)
    out.print(
        f"WARC files: {len(summary.warc_files)} ({summary.warc_bytes:,} bytes) in "
        f"{summary.out_dir}/warc/\nrecords: {summary.out_dir}/records.jsonl · dataset: "
        f"{summary.out_dir}/dataset.duckdb · log: {summary.out_dir}/crawl.log"
    )


def _stdout_console() -> Console:
    """The terminal's width when there is one, else wide enough that the table stays whole."""
    console = Console()
    return console if console.is_terminal else Console(width=160)


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _print_truth(out: Path, truth: list[dict[str, Any]], *, since: str) -> None:
    """Compare this demo run with the farm's ground truth (the demo knows the right answer)."""
    from govcrawl.store import Dataset

    found = {
        r["source"]["url"]
        for r in Dataset(out).records()
        if (r["source"].get("fetched_at") or "")[:19] >= since
    }
    expected = {t["url"] for t in truth}
    hit = len(expected & found)
    Console().print(
        f"ground truth: {hit}/{len(expected)} report copies found, "
        f"{len(found - expected)} records not in the ground truth"
    )


if __name__ == "__main__":
    raise SystemExit(main())
