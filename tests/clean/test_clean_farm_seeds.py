"""The seeds end to end: served by the demo farm in their original layout and read as text,
each goes through clean + extract and must come out without chrome, with its body kept and
with the flags `record.md` names for it."""

from __future__ import annotations

import gzip
import urllib.request
from collections.abc import Iterator

import pytest
from clean_support import kept_ratio, reference, seed_path
from test_clean_seeds import NOISE_PHRASES

from govcrawl.demo_farm.farm import DemoFarm
from govcrawl.document import Source
from govcrawl.process import process_source, source_from_file

pytestmark = pytest.mark.xdist_group("farm_seeds")

EXPECTED_FLAGS = {
    "000": {"tables_missing"},
    "001": {"table_misplaced"},
    "002": set(),
    "003": {"tables_missing"},
    "004": {"placeholder_text", "preview_truncated", "not_annual_report"},
}


@pytest.fixture(scope="module")
def farm() -> Iterator[DemoFarm]:
    with DemoFarm(2024) as started:
        yield started


def _seed_url(farm: DemoFarm, prefix: str) -> str:
    """Where the farm serves a seed: its ground-truth copy, or for 004 the mirror decoy."""
    if prefix == "004":
        return next(d["url"] for d in farm.decoys() if "seed 004" in d.get("note", ""))
    return next(e["url"] for e in farm.ground_truth() if e.get("seed") == prefix)


def _fetch(url: str) -> Source:
    with urllib.request.urlopen(url, timeout=10) as response:
        body = response.read()
        if response.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        return Source(
            url=url,
            body=body,
            content_type=response.headers.get("Content-Type"),
            final_url=response.geturl(),
        )


def _source(farm: DemoFarm, prefix: str, served: bool) -> Source:
    return _fetch(_seed_url(farm, prefix)) if served else source_from_file(seed_path(prefix))


@pytest.mark.parametrize("served", [True, False], ids=["farm", "text"])
@pytest.mark.parametrize("prefix", sorted(EXPECTED_FLAGS))
def test_seed_record_is_clean_complete_and_flagged(
    farm: DemoFarm, prefix: str, served: bool
) -> None:
    record = process_source(_source(farm, prefix, served))
    text = record["text"]
    left = [phrase for phrase in NOISE_PHRASES if phrase in text]
    assert not left, f"chrome left in the text: {left}"
    assert kept_ratio(reference(prefix), text) >= 0.99
    missing = EXPECTED_FLAGS[prefix] - set(record["flags"])
    assert not missing, f"flags {sorted(missing)} not raised; got {record['flags']}"
