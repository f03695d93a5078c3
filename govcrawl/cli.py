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


class UsageError(Exception):
    """A command cannot run as asked; the message says what is wrong (printed, exit code 2)."""


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except (UsageError, OSError, ValueError) as exc:
        # Bad paths, files and values end in one line; anything else is a bug and keeps its
        # traceback.
        _error(args.command, str(exc))
        return 2


def _error(command: str, message: str) -> None:
    console.print(f"[red]govcrawl {command}:[/] {message}", highlight=False, markup=True)


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
        "--port", type=_first_port, default=8101,
        help="first farm port (default 8101; free ports when taken; 0 = always free ports)",
    )  # fmt: skip
    p.add_argument("--quiet", action="store_true", help="no live progress display")
    p.set_defaults(handler=_cmd_demo, command="demo")

    p = sub.add_parser(
        "serve-demo",
        help="serve the demo portal farm on 127.0.0.1 until interrupted",
        description="Eight simulated portals (TRS, Hanweb, VSB, gkmlpt, Ucap, town, JS-only, "
        "doc-share mirror), one port each from --port. Writes the manifest JSON that "
        "`govcrawl crawl --manifest` reads.",
    )
    p.add_argument("--seed", type=int, default=2024)
    p.add_argument(
        "--port", type=_first_port, default=8101,
        help="first of the farm's consecutive ports (default 8101); 0 = free ports",
    )  # fmt: skip
    p.add_argument("--manifest", type=Path, default=DEMO_OUT / "farm.json")
    p.set_defaults(handler=_cmd_serve_demo, command="serve-demo")

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
    p.add_argument(
        "--max-pages",
        type=_page_budget,
        metavar="N",
        help="list/navigation pages each portal may fetch (its page budget; default: the "
        "registry entry's max_pages, else 200)",
    )
    p.add_argument("--quiet", action="store_true", help="no live progress display")
    p.set_defaults(handler=_cmd_crawl, command="crawl")

    p = sub.add_parser(
        "extract",
        help="extract records from local files (html/pdf/docx/doc/xlsx/txt) to stdout",
        description="Prints one JSON record (spec/record.md) per file per line on stdout.",
    )
    p.add_argument("files", nargs="+", type=Path)
    p.add_argument("--workers", type=_workers, default=None, help=WORKERS_HELP)
    p.set_defaults(handler=_cmd_extract, command="extract")

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
    p.add_argument("--workers", type=_workers, default=None, help=WORKERS_HELP)
    p.set_defaults(handler=_cmd_replay, command="replay")

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
    p.set_defaults(handler=_cmd_package, command="package")

    p = sub.add_parser(
        "portals",
        help="list the portal registry",
        description="One row per registry entry; tab-separated lines when stdout is not a "
        "terminal.",
    )
    p.add_argument("--manifest", type=Path, help="demo farm manifest (resolves {demo:SITE} URLs)")
    p.add_argument("--registry", type=Path, help="portal registry (default data/portals.toml)")
    p.set_defaults(handler=_cmd_portals, command="portals")

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
    p.set_defaults(handler=_cmd_new_portal, command="new-portal")

    p = sub.add_parser("archive", help="archive maintenance")
    archive_sub = p.add_subparsers(title="archive commands", metavar="ACTION")
    r = archive_sub.add_parser(
        "recover",
        help="close .warc.gz.open files left by a killed crawl",
        description="Cuts the torn tail of each .open file after its last complete, verified "
        "record and renames it; a file with damage elsewhere is left as it is and named.",
    )
    r.add_argument("files", nargs="+", type=Path)
    r.set_defaults(handler=_cmd_recover, command="archive recover")
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
    from govcrawl.demo_farm.sites import SITE_ORDER

    if args.port:
        ports = range(args.port, args.port + len(SITE_ORDER))
        taken = [port for port in ports if not _port_free(port)]
        if taken:
            raise UsageError(
                f"port {taken[0]} is in use (the farm needs ports {ports[0]}–{ports[-1]}); "
                "give another --port, or --port 0 for free ports"
            )
    serve_demo(args.seed, base_port=args.port or None, manifest=args.manifest)
    return 0


def _cmd_crawl(args: argparse.Namespace) -> int:
    from govcrawl.fetch.oneoff import spider_for_url
    from govcrawl.fetch.registry import load_registry
    from govcrawl.fetch.shared_queue import uses_shared_queue

    _check_out_dir(args.out)
    overrides = dict(_parse_setting(s) for s in args.set)
    _check_manifest(args.manifest)
    _check_registry(args.registry)
    if args.manifest:
        os.environ["GOVCRAWL_DEMO_MANIFEST"] = str(args.manifest.resolve())
    if args.registry:
        os.environ["GOVCRAWL_REGISTRY"] = str(args.registry.resolve())
    registry = {p.id: p for p in load_registry(manifest=args.manifest)}
    # Demo entries are dropped when no manifest resolves their {demo:SITE} URLs.
    unresolved = [p.id for p in load_registry(resolve=False) if p.is_demo and p.id not in registry]
    spiders: list[str | type] = []
    if args.all:
        spiders.extend(registry)
    for target in args.targets:
        if target.startswith(("http://", "https://")):
            spiders.append(spider_for_url(target))
        elif target in registry:
            spiders.append(target)
        elif target in unresolved:
            raise UsageError(f"portal {target!r} is a demo portal: {_NEEDS_MANIFEST}")
        else:
            raise UsageError(f"unknown portal {target!r} (see `govcrawl portals`)")
    if not spiders:
        if args.all and unresolved:
            raise UsageError(f"the registry holds only demo portals; {_NEEDS_MANIFEST}")
        raise UsageError("nothing to crawl: give portal ids, URLs or --all")
    if args.all and unresolved:
        console.print(f"[yellow]skipping {len(unresolved)} demo portals:[/] {_NEEDS_MANIFEST}")
    spider_args = {"max_pages": args.max_pages} if args.max_pages else {}
    summary = _crawl(spiders, args.out, overrides, quiet=args.quiet, spider_args=spider_args)
    if uses_shared_queue(overrides.get("SCHEDULER")):
        return 0  # one worker's share of a shared queue's crawl may well hold no report
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
    from govcrawl.archive.reader import iter_files
    from govcrawl.process import replay

    _check_out_dir(args.out)
    for path in [*args.archives, *args.originals]:
        if not path.exists():
            raise UsageError(f"{path}: no such file or folder")
    for path in iter_files([*args.archives, *args.originals]):
        _check_warc(path)
    _warn_open_files([*args.archives, *args.originals], files_read=True)
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
    if result.unresolved:
        console.print(
            f"[yellow]{result.unresolved} revisit records could not be resolved:[/] their "
            "originals are not in the given files (a re-crawl stores unchanged pages as "
            "revisits); give the earlier runs' WARC files or folders with --originals"
        )
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
    from govcrawl.archive.package import (
        PackageError,
        package_wacz,
        validate_wacz,
        warc_files,
        write_cdxj,
    )

    for path in args.archives:
        if not path.exists():
            raise UsageError(f"{path}: no such file or folder")
    if args.output.is_dir():
        raise UsageError(f"{args.output}: is a folder; give the .wacz file to write")
    folders = [a / "warc" if (a / "warc").is_dir() else a for a in args.archives]
    _warn_open_files(folders, files_read=False)
    files = warc_files(folders)
    if not files:
        raise UsageError(
            f"no closed .warc.gz or .warc files in {', '.join(map(str, args.archives))}"
        )
    for path in files:
        write_cdxj(path)
    try:
        package_wacz(files, args.output, title=args.title, description=args.desc)
        validate_wacz(args.output)
    except PackageError as exc:
        raise UsageError(str(exc)) from exc
    console.print(f"{args.output}: {len(files)} WARC files, CDXJ beside each, WACZ valid")
    return 0


def _cmd_portals(args: argparse.Namespace) -> int:
    from govcrawl.fetch.registry import load_registry

    _check_manifest(args.manifest)
    _check_registry(args.registry)
    entries = load_registry(
        args.registry, manifest=args.manifest, resolve=args.manifest is not None
    )
    columns = ("id", "family", "level", "agency", "start URLs")
    rows = [(e.id, e.family, e.level, e.agency, e.start_urls) for e in entries]
    out = Console()
    if not out.is_terminal:
        # Piped: whole values, one entry per line, for grep/cut rather than for the eye.
        lines = [columns, *((*fields, " ".join(urls)) for *fields, urls in rows)]
        sys.stdout.write("".join("\t".join(line) + "\n" for line in lines))
        return 0
    table = Table(*columns)
    for *fields, urls in rows:
        table.add_row(*fields, "\n".join(urls))
    out.print(table)
    return 0


def _cmd_recover(args: argparse.Namespace) -> int:
    from govcrawl.archive.recover import RecoverError, recover

    status = 0
    for path in args.files:
        try:
            if not path.exists():
                hint = " (a shell pattern that matched no file)" if _is_pattern(path) else ""
                raise RecoverError(f"{path}: no such file{hint}")
            if path.is_dir():
                raise RecoverError(f"{path}: is a folder; give its .open files ({path}/*.open)")
            console.print(f"{path} → {recover(path)}")
        except (RecoverError, OSError) as exc:
            _error(args.command, str(exc))
            status = 1
    return status


# -- helpers --------------------------------------------------------------------------------


_GET_MANIFEST = (
    "`govcrawl serve-demo` starts the farm and writes data/demo/farm.json; "
    "`govcrawl demo` starts the farm, crawls every demo portal and stops it"
)
_NEEDS_MANIFEST = (
    f"its {{demo:SITE}} start URLs need the demo farm's manifest (--manifest FILE). {_GET_MANIFEST}"
)


def _page_budget(text: str) -> int:
    """argparse type of --max-pages: a page budget, at least the start page."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def _workers(text: str) -> int:
    """argparse type of --workers: a count of processes, 0 for the default."""
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 (one per core) or more, not {value}")
    return value


def _first_port(text: str) -> int:
    """argparse type of the farm's --port: 0, or the first of one port per demo site."""
    from govcrawl.demo_farm.sites import SITE_ORDER

    value = int(text)
    last = 65535 - (len(SITE_ORDER) - 1)
    if value != 0 and not 1 <= value <= last:
        raise argparse.ArgumentTypeError(
            f"{value} is not a port from 1 to {last} (the farm uses {len(SITE_ORDER)} "
            "consecutive ports from it) or 0 (free ports)"
        )
    return value


def _parse_setting(text: str) -> tuple[str, Any]:
    """NAME=VALUE of -s, VALUE as JSON if it is JSON; checked against the type of the project
    default, so a typo fails here rather than deep inside a running crawl."""
    from govcrawl import settings as project

    name, eq, value = text.partition("=")
    if not eq or not name:
        raise UsageError(f"-s {text!r}: expected NAME=VALUE, e.g. -s ROBOTSTXT_OBEY=False")
    try:
        parsed: Any = json.loads(value)
    except json.JSONDecodeError:
        parsed = value
    default = getattr(project, name, None)
    if isinstance(default, bool):
        if isinstance(parsed, bool) or parsed in (0, 1):
            return name, bool(parsed)
        if str(parsed).lower() in ("true", "false"):
            return name, str(parsed).lower() == "true"
        raise UsageError(f"-s {name}={value}: expected True or False")
    if isinstance(default, int | float) and (
        isinstance(parsed, bool) or not isinstance(parsed, int | float)
    ):
        raise UsageError(f"-s {name}={value}: expected a number, like the default {default!r}")
    return name, parsed


def _check_out_dir(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: exists and is not a folder")


def _check_manifest(manifest: Path | None) -> None:
    """A given manifest must be a demo farm manifest: silently ignoring it hides typos."""
    if manifest is None:
        return
    if not manifest.is_file():
        raise UsageError(f"--manifest {manifest}: no such file ({_GET_MANIFEST})")
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(
            f"--manifest {manifest}: not a demo farm manifest (not JSON: {exc})"
        ) from exc
    if not isinstance(data, dict) or not isinstance(data.get("urls"), dict):
        raise UsageError(f'--manifest {manifest}: not a demo farm manifest (no "urls" object)')


def _check_registry(registry: Path | None) -> None:
    if registry is not None and not registry.is_file():
        raise UsageError(f"--registry {registry}: no such file")


def _check_warc(path: Path) -> None:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    try:
        with path.open("rb") as stream:
            next(iter(ArchiveIterator(stream)), None)
    except ArchiveLoadFailed as exc:
        raise UsageError(f"{path}: not a WARC file ({exc})") from exc


def _warn_open_files(paths: list[Path], *, files_read: bool) -> None:
    """Name the `.open` WARCs among `paths`. Those in folders are left out, so their records —
    maybe the originals of revisits — are missing until recovered; one given by name is read
    (`files_read`) or left out too, and may end in a torn record either way."""
    from govcrawl.archive.writer import OPEN_SUFFIX

    found: list[tuple[Path, bool]] = []
    for path in paths:
        if path.is_dir():
            found.extend((p, False) for p in sorted(path.glob(f"*{OPEN_SUFFIX}")))
        elif path.name.endswith(OPEN_SUFFIX):
            found.append((path, files_read))
    for path, read in found:
        what = "read as it is" if read else "left out"
        console.print(
            f"[yellow]warning:[/] {path} is still open (a killed crawl?) and is {what}; "
            f"run `govcrawl archive recover {path}` first"
        )


def _is_pattern(path: Path) -> bool:
    return any(c in str(path) for c in "*?[")


def _crawl(
    spiders: list[str | type],
    out: Path,
    overrides: dict[str, Any],
    *,
    quiet: bool,
    spider_args: dict[str, Any] | None = None,
):
    from govcrawl.run import run_crawl

    summary = run_crawl(
        spiders,
        out,
        overrides=overrides,
        console=console,
        show_progress=not quiet,
        spider_args=spider_args,
    )
    health = overrides.get("GOVCRAWL_HEALTH_FILE")
    _print_summary(summary, Path(health) if health else None)
    return summary


def _print_summary(summary: Any, health_file: Path | None = None) -> None:
    """The per-portal table, then the portals whose health check says `broken`."""
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
    for line in _broken_portals(summary, health_file):
        out.print(line, highlight=False)


def _broken_portals(summary: Any, health_file: Path | None) -> list[str]:
    """One line per portal of this run that earlier runs found reports on and this one did not
    (`govcrawl.fetch.health`), from the state file the crawl just updated."""
    from govcrawl.fetch.health import STATE_NAME

    path = health_file or Path(summary.out_dir) / STATE_NAME
    try:
        state = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return []
    records = state.get("portals") if isinstance(state, dict) else None
    if not isinstance(records, dict):
        return []
    lines = []
    for portal in summary.portals:
        if portal.finish_reason != "finished":  # the state keeps an earlier run's verdict
            continue
        record = records.get(portal.portal)
        if not isinstance(record, dict) or record.get("status") != "broken":
            continue
        before = record.get("last_nonzero", "?")
        when = record.get("last_nonzero_run") or "an earlier run"
        lines.append(
            f"[red]broken:[/] {portal.portal} — no reports this run, {before} on {when} "
            f"(its pages may have moved; see {summary.out_dir}/crawl.log)"
        )
    return lines


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
