"""The store stage: records as JSON Lines and as an embedded DuckDB dataset.

JSON Lines is the exchange format outside tools read (one record of `spec/record.md` per line);
the DuckDB file is the queryable dataset: one row per record plus long tables of the statistical
values, checks, flags and errors, so a researcher can `SELECT … WHERE key = 'new.total'` across
years and agencies without parsing JSON.
"""

from govcrawl.store.dataset import Dataset, RecordStore

__all__ = ["Dataset", "RecordStore"]
