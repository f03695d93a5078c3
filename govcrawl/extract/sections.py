"""Find the six statutory section headings and cut the text at them.

Headings are recognised by numeral + title wording, wherever they sit: on their own line or in
the middle of a run-on line (seeds 000/003). A numeral alone is not enough (`单一、质量` holds
`一、`), and a title alone is not either (the introduction lists all six titles).

Between numeral and title wording a heading may name its subject (`五、政府信息公开工作存在的主要
问题…`, the pre-2019 `四、因政府信息公开工作被申请行政复议、提起行政诉讼情况`); only that
subject phrase is allowed there, not free text, so a numbered list item that merely mentions a
title further on is still no heading.
"""

from __future__ import annotations

import re

SECTION_KEYS = (
    "overview",
    "active_disclosure",
    "requests",
    "review_litigation",
    "problems",
    "other",
)

_TITLES = {
    "overview": r"总体情况",
    "active_disclosure": r"主动公开政府信息(?:的)?情况",
    "requests": r"收到(?:和|及|与)处理政府信息公开申请(?:的)?情况",
    "review_litigation": r"(?:被?申请)?行政复议[、,，和及]?\s*(?:提起)?行政诉讼(?:的)?情况",
    "problems": r"(?:存在的)?主要问题(?:和|及|与)改进(?:的)?(?:情况|措施)",
    "other": r"其他需要报告的事项",
}
_SUBJECT = r"(?:因|关于)?(?:本(?:机关|单位|部门))?(?:政府信息公开|政务公开|信息公开)?(?:工作)?"
"""What a heading may name before its title words: `因政府信息公开工作`, `政务公开工作`."""
_HEADING = re.compile(
    r"(?<![\u4e00-\u9fffA-Za-z0-9])"
    r"[(（]?[一二三四五六][)）]?\s*[、.．,，]?\s*" + _SUBJECT + r"\s*"
    r"(?:" + "|".join(f"(?P<{k}>{p})" for k, p in _TITLES.items()) + ")"
)


def find_headings(text: str) -> list[tuple[int, str]]:
    """(offset, section key) of each heading, first occurrence of each key only, in order."""
    found: list[tuple[int, str]] = []
    seen: set[str] = set()
    for m in _HEADING.finditer(text):
        key = m.lastgroup
        if key and key not in seen:
            seen.add(key)
            found.append((m.start(), key))
    return found


def split_sections(text: str) -> dict[str, str | None]:
    """Each section's text from its heading to the next heading; None for a missing heading."""
    headings = find_headings(text)
    out: dict[str, str | None] = dict.fromkeys(SECTION_KEYS)
    for i, (start, key) in enumerate(headings):
        end = headings[i + 1][0] if i + 1 < len(headings) else len(text)
        out[key] = text[start:end].strip()
    return out


def last_heading(text: str) -> str | None:
    """The section a block ends in, for placing the blocks that follow it."""
    keys = [m.lastgroup for m in _HEADING.finditer(text)]
    return keys[-1] if keys else None
