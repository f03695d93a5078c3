"""Write records to `records.jsonl` and build `dataset.duckdb` from it.

`records.jsonl` (and `errors.jsonl`) are appended and flushed one line at a time while a run
goes on: they are the store's truth, readable at any moment, and what per-worker runs merge.
`dataset.duckdb` is derived from them: when a store closes, the dataset is rebuilt in a separate
process and swapped in atomically. Keeping DuckDB out of the crawl process keeps the crawl's
memory flat however many records it stores (DuckDB grew the writer by ~60 MB over 250 records
in one process, measured), and the rebuild takes an exclusive lock so several stores closing at
once, or a `govcrawl replay` into the same folder, queue instead of failing on DuckDB's
one-writer rule. A record written again (a re-crawl) replaces the earlier line's rows.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

RECORDS_FILE = "records.jsonl"
ERRORS_FILE = "errors.jsonl"
DATASET_FILE = "dataset.duckdb"
LOCK_FILE = ".dataset.lock"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    id VARCHAR PRIMARY KEY,
    title VARCHAR, agency VARCHAR, year INTEGER, template VARCHAR,
    kind VARCHAR, format VARCHAR, url VARCHAR, final_url VARCHAR, parent_url VARCHAR,
    fetched_at VARCHAR, warc_file VARCHAR, warc_record_id VARCHAR, payload_digest VARCHAR,
    flags VARCHAR[], checks_failed INTEGER, report_key VARCHAR, record JSON
);
CREATE TABLE IF NOT EXISTS table_values (
    record_id VARCHAR, table_name VARCHAR, key VARCHAR, value DOUBLE
);
CREATE TABLE IF NOT EXISTS checks (
    record_id VARCHAR, check_id VARCHAR, ok BOOLEAN, detail VARCHAR
);
CREATE TABLE IF NOT EXISTS errors (
    url VARCHAR, stage VARCHAR, reason VARCHAR, occurred_at VARCHAR
);
CREATE VIEW IF NOT EXISTS report_copies AS
    SELECT report_key, any_value(agency) AS agency, any_value(year) AS year,
           count(*) AS copies, list(kind ORDER BY kind) AS kinds, list(url ORDER BY url) AS urls
    FROM records WHERE report_key IS NOT NULL GROUP BY report_key;
"""


class Dataset:
    """Read access to an output folder, for the CLI summary and for tests."""

    def __init__(self, out_dir: str | Path) -> None:
        self.out_dir = Path(out_dir)

    def records(self) -> Iterator[dict[str, Any]]:
        path = self.out_dir / RECORDS_FILE
        if not path.exists():
            return
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    yield json.loads(line)

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        with duckdb.connect(str(self.out_dir / DATASET_FILE), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()


def _append_line(fd: int, line: str) -> None:
    """Append one whole line to an O_APPEND file, under an exclusive lock.

    Every crawler of a run, and every worker process of a scaled-out run, may append to the
    same folder's files: a line goes in as one locked write (looping only if the kernel takes
    part of it), so lines never interleave, whatever their length.
    """
    data = line.encode("utf-8")
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)


class RecordStore:
    """Append records (and per-URL errors) to an output folder; `close` rebuilds the dataset."""

    def __init__(self, out_dir: str | Path) -> None:
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
        self._jsonl = os.open(self.out_dir / RECORDS_FILE, flags, 0o644)
        self._errors = os.open(self.out_dir / ERRORS_FILE, flags, 0o644)
        self.written = 0

    def add(self, record: dict[str, Any]) -> None:
        _append_line(self._jsonl, json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
        self.written += 1

    def add_error(self, url: str, stage: str, reason: str) -> None:
        at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        line = {"url": url, "stage": stage, "reason": reason, "occurred_at": at}
        _append_line(self._errors, json.dumps(line, ensure_ascii=False) + "\n")

    def close(self) -> None:
        os.close(self._jsonl)
        os.close(self._errors)
        done = subprocess.run(
            [sys.executable, "-m", "govcrawl.store.dataset", str(self.out_dir)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"building {self.out_dir / DATASET_FILE} failed: {done.stderr}")


def build_dataset(out_dir: str | Path) -> int:
    """Rebuild `dataset.duckdb` from the folder's JSON Lines; returns the number of records.

    The last line of each record id wins. Built into a temporary file and renamed over the old
    one, so a reader never sees half a dataset.
    """
    out = Path(out_dir)
    with (out / LOCK_FILE).open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        latest = _latest_lines(out / RECORDS_FILE)
        target = out / DATASET_FILE
        building = out / (DATASET_FILE + ".building")
        building.unlink(missing_ok=True)
        with duckdb.connect(str(building)) as con:
            con.execute(_SCHEMA)
            con.execute("BEGIN")
            for number, record in _lines(out / RECORDS_FILE):
                if latest.get(record["id"]) == number:
                    _insert_record(con, record)
            errors = [
                (e["url"], e["stage"], e["reason"], e["occurred_at"])
                for _, e in _lines(out / ERRORS_FILE)
            ]
            if errors:
                con.executemany("INSERT INTO errors VALUES (?, ?, ?, ?)", errors)
            con.execute("COMMIT")
        os.replace(building, target)
        return len(latest)


def _lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    if not path.exists():
        return
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            if line.strip():
                yield number, json.loads(line)


def _latest_lines(path: Path) -> dict[str, int]:
    """Record id → number of its last line."""
    return {record["id"]: number for number, record in _lines(path)}


def _insert_record(con: duckdb.DuckDBPyConnection, record: dict[str, Any]) -> None:
    rid = record["id"]
    source = record.get("source", {})
    checks = record.get("checks", [])
    con.execute(
        "INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            rid,
            record.get("title"),
            record.get("agency"),
            record.get("year"),
            record.get("template"),
            source.get("kind"),
            source.get("format"),
            source.get("url"),
            source.get("final_url"),
            source.get("parent_url"),
            source.get("fetched_at"),
            source.get("warc_file"),
            source.get("warc_record_id"),
            source.get("payload_digest"),
            list(record.get("flags", [])),
            sum(1 for c in checks if not c.get("ok")),
            record.get("report_key"),
            json.dumps(record, ensure_ascii=False),
        ],
    )
    values = list(_table_values(rid, record.get("tables", {})))
    if values:
        con.executemany("INSERT INTO table_values VALUES (?, ?, ?, ?)", values)
    if checks:
        con.executemany(
            "INSERT INTO checks VALUES (?, ?, ?, ?)",
            [(rid, c["id"], bool(c["ok"]), c.get("detail", "")) for c in checks],
        )


def _table_values(
    rid: str, tables: dict[str, dict[str, Any]]
) -> Iterable[tuple[str, str, str, float | None]]:
    for name, values in tables.items():
        for key, value in values.items():
            yield rid, name, key, None if value is None else float(value)


if __name__ == "__main__":
    build_dataset(sys.argv[1])
