"""Write records to `records.jsonl` and `dataset.duckdb` in an output folder.

Rows are buffered and written in batches because DuckDB allows one writing process per file:
the connection is opened only while a batch is written, so several spiders of one run (and a
later `govcrawl replay` into the same folder) take turns instead of locking each other out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

RECORDS_FILE = "records.jsonl"
DATASET_FILE = "dataset.duckdb"

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


class RecordStore:
    """Append records (and per-URL errors) to an output folder."""

    def __init__(self, out_dir: str | Path, *, batch_size: int = 200) -> None:
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.batch_size = batch_size
        self._records: list[dict[str, Any]] = []
        self._errors: list[tuple[str, str, str, str]] = []
        self._jsonl = (self.out_dir / RECORDS_FILE).open("a", encoding="utf-8")
        self.written = 0

    def add(self, record: dict[str, Any]) -> None:
        self._jsonl.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
        self._jsonl.flush()
        self._records.append(record)
        self.written += 1
        if len(self._records) >= self.batch_size:
            self.flush()

    def add_error(self, url: str, stage: str, reason: str) -> None:
        at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        self._errors.append((url, stage, reason, at))

    def flush(self) -> None:
        if not self._records and not self._errors:
            return
        with duckdb.connect(str(self.out_dir / DATASET_FILE)) as con:
            con.execute(_SCHEMA)
            con.execute("BEGIN")
            for record in self._records:
                _insert_record(con, record)
            if self._errors:
                con.executemany("INSERT INTO errors VALUES (?, ?, ?, ?)", self._errors)
            con.execute("COMMIT")
        self._records.clear()
        self._errors.clear()

    def close(self) -> None:
        self.flush()
        self._jsonl.close()


def _insert_record(con: duckdb.DuckDBPyConnection, record: dict[str, Any]) -> None:
    rid = record["id"]
    source = record.get("source", {})
    checks = record.get("checks", [])
    for table in ("records", "table_values", "checks"):
        column = "id" if table == "records" else "record_id"
        con.execute(f"DELETE FROM {table} WHERE {column} = ?", [rid])
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
