"""Fixtures for the clean tests: one parameter per seed."""

from __future__ import annotations

import pytest
from clean_support import SEEDS


@pytest.fixture(params=[p.name[:3] for p in SEEDS])
def seed(request: pytest.FixtureRequest) -> str:
    return request.param
