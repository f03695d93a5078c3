"""Second pipeline: the clean document and its source become a record of `spec/record.md`."""

from __future__ import annotations

from typing import Any

from govcrawl.extract import build_record


class ExtractPipeline:
    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        item["record"] = build_record(item["document"], item["source"])
        return item
