"""A small, fast hostile site per test (content is cached per seed, so starting one is cheap)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hostile_wire import BOMB_SIZE, LOCAL_TARGET, SIZE_LIMIT

from govcrawl.demo_farm.hostile import HostileSite


@pytest.fixture
def site() -> Iterator[HostileSite]:
    """Delays and sizes shrunk so the suite stays fast; every behaviour is the same."""
    with HostileSite(
        seed=2024,
        local_redirect_target=LOCAL_TARGET,
        retry_after=1,
        drip_interval=0.2,
        stall_seconds=30,
        size_limit=SIZE_LIMIT,
        bomb_size=BOMB_SIZE,
    ) as running:
        yield running
