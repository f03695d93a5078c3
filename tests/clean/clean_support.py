"""The seeds, their hand-made references, and the kept-body measure."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

HERE = Path(__file__).parent
SEEDS = sorted((HERE.parent / "seeds").glob("*.txt"))

_IGNORED = re.compile(r"[\s|]+")


def seed_path(prefix: str) -> Path:
    return next(p for p in SEEDS if p.name.startswith(prefix))


def reference(prefix: str) -> str:
    return (HERE / "reference" / seed_path(prefix).name).read_text(encoding="utf-8")


def kept_ratio(ref: str, got: str) -> float:
    """Share of the reference's characters found, in order, in `got` (whitespace and the
    pipes/tabs that separate table cells ignored)."""
    a, b = _IGNORED.sub("", ref), _IGNORED.sub("", got)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / max(1, len(a))
