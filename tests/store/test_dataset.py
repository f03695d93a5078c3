"""RecordStore writes JSON Lines and the DuckDB dataset; replacing a record replaces its rows."""

from __future__ import annotations

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
