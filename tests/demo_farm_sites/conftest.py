"""One demo farm for the whole folder, started on free ports."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from govcrawl.demo_farm.farm import DemoFarm


@pytest.fixture(scope="session")
def farm() -> Iterator[DemoFarm]:
    with DemoFarm(2024) as running:
        yield running
