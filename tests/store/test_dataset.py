"""RecordStore writes JSON Lines and the DuckDB dataset; replacing a record replaces its rows."""

from __future__ import annotations

import json
import os
from pathlib import Path

from govcrawl.store import Dataset, RecordStore
from govcrawl.store.dataset import build_dataset


def _record(rid: str, total: int, ok: bool = True) -> dict:
    return {
        "id": rid,
        "title": "某某县人民政府2023年政府信息公开工作年度报告",
        "agency": "某某县人民政府",
        "year": 2023,
        "template": "2021",
        "source": {"url": f"http://127.0.0.1/{rid}.html", "kind": "portal", "format": "html"},
        "sections": {},
        "tables": {"requests": {"new.total": total, "new.research": None}},
        "checks": [{"id": "requests.balance", "ok": ok, "detail": "" if ok else "1 ≠ 2"}],
        "flags": [] if ok else ["check_failed"],
        "text": "…",
    }


def test_records_reach_jsonl_and_dataset(tmp_path: Path) -> None:
    store = RecordStore(tmp_path)
    store.add(_record("a", 5))
    store.add(_record("b", 7, ok=False))
    store.add_error("http://127.0.0.1/x.pdf", "clean", "encrypted PDF")
    store.close()

    dataset = Dataset(tmp_path)
    assert [r["id"] for r in dataset.records()] == ["a", "b"]
    assert dataset.query(
        "select record_id, value from table_values where key = 'new.total' order by 1"
    ) == [("a", 5.0), ("b", 7.0)]
    assert dataset.query("select value from table_values where key = 'new.research'") == [
        (None,),
        (None,),
    ]
    assert dataset.query("select id, checks_failed, flags from records order by 1") == [
        ("a", 0, []),
        ("b", 1, ["check_failed"]),
    ]
    assert dataset.query("select url, stage, reason from errors") == [
        ("http://127.0.0.1/x.pdf", "clean", "encrypted PDF")
    ]


def test_a_record_written_again_replaces_its_rows(tmp_path: Path) -> None:
    for total in (5, 9):
        store = RecordStore(tmp_path)
        store.add(_record("a", total))
        store.close()
    dataset = Dataset(tmp_path)
    assert dataset.query("select count(*) from records") == [(1,)]
    assert dataset.query("select value from table_values where key = 'new.total'") == [(9.0,)]


def test_stores_closing_together_queue_for_the_rebuild(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    stores = [RecordStore(tmp_path) for _ in range(4)]
    for n, store in enumerate(stores):
        store.add(_record(f"r{n}", n))
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(RecordStore.close, stores))
    dataset = Dataset(tmp_path)
    assert dataset.query("select id from records order by 1") == [(f"r{n}",) for n in range(4)]
    assert not (tmp_path / "dataset.duckdb.building").exists()


def test_dataset_is_rebuilt_from_the_lines_alone(tmp_path: Path) -> None:
    store = RecordStore(tmp_path)
    store.add(_record("a", 5))
    store.close()
    (tmp_path / "dataset.duckdb").unlink()
    assert build_dataset(tmp_path) == 1
    assert Dataset(tmp_path).query("select value from table_values where key = 'new.total'") == [
        (5.0,)
    ]


def _append_many(args: tuple[str, int]) -> int:
    """One worker process of a scaled-out run: big records into the shared folder."""
    folder, worker = args
    store = RecordStore(folder)
    for n in range(40):
        record = _record(f"w{worker}-{n}", n)
        record["text"] = f"{worker}" * 70_000  # well past any I/O buffer
        store.add(record)
        store.add_error(f"http://127.0.0.1/{worker}/{n}", "fetch", "x" * 5_000)
    os.close(store._jsonl)  # close the files only: the rebuild is not what this tests
    os.close(store._errors)
    return store.written


def test_worker_processes_appending_to_one_folder_never_interleave_lines(tmp_path: Path) -> None:
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(4) as pool:
        written = sum(pool.map(_append_many, [(str(tmp_path), w) for w in range(4)]))
    lines = (tmp_path / "records.jsonl").read_text("utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == written == 160
    assert all(set(r["text"]) == {r["id"][1]} for r in records)
    errors = (tmp_path / "errors.jsonl").read_text("utf-8").splitlines()
    assert len([json.loads(line) for line in errors]) == 160
