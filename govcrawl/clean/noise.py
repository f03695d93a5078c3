"""The boilerplate rules: one documented list of what is site chrome, not report.

Portals wrap every report in the same furniture (breadcrumbs, font-size switches, print/close
buttons, share bars, editor credits, prev/next links, login boxes) and doc-share mirrors add
paywall and footer text. trafilatura removes most of it, naive extractors none of it, so every
cleaner runs its lines through `strip_chrome()` as the last step.

A rule matches a *short* line (chrome is never a long paragraph): a body paragraph that happens
to mention 下载文档 or 相关链接 in passing is longer than `CHROME_MAX_LEN` and is kept. Pipe runs
(``|||||``, left by flattened layout tables) are removed inside any line.

Preview truncation markers are chrome too, but they also say the copy is incomplete, so
`strip_chrome()` reports them (flag ``preview_truncated``). Template placeholders (``xxxx年``)
are kept as text and only reported (flag ``placeholder_text``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CHROME_MAX_LEN = 150
"""Longest line (in characters) a chrome rule may delete."""


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern[str]
    preview: bool = False
    """True when the line is a doc-share preview marker (the copy is truncated)."""


def _rule(name: str, regex: str, preview: bool = False) -> Rule:
    return Rule(name, re.compile(regex, re.I), preview)


RULES: tuple[Rule, ...] = (
    # portal furniture
    _rule("breadcrumb", r"当前位置|您的位置|你的位置|现在的位置"),
    _rule("font_size", r"字号\s*[:：]?\s*[\[【（(]?\s*大\s*中\s*小"),
    _rule("print", r"打印本页|打印此页|【\s*打印\s*】|\[\s*打印\s*\]"),
    _rule("close", r"关闭窗口|【\s*关闭\s*】|\[\s*关闭\s*\]"),
    _rule("share", r"分享到|分享至"),
    _rule("qr_code", r"扫一扫"),
    _rule("editor", r"责任编辑|编辑\s*[:：]\s*\S{1,10}\s*$"),
    _rule("related", r"相关链接|相关阅读|相关文章"),
    _rule("prev_next", r"上一篇|下一篇"),
    _rule("visits", r"浏览次数|访问量\s*[:：]|点击数\s*[:：]"),
    # login / registration boxes
    _rule(
        "login", r"[账帐]号\s*\+\s*密码登录|手机\s*\+\s*(?:密码|验证码)登录|还没有[账帐]号|立即注册"
    ),
    # doc-share mirrors: paywall, downloads, footer
    _rule("paywall", r"整理文档很辛苦|赏杯茶钱"),
    _rule("preview_end", r"免费阅读已结束|阅读已结束", preview=True),
    _rule("pages_left", r"(?:剩余|还剩)\s*\d*\s*页未读", preview=True),
    _rule("page_counter", r"^\s*\d+\s*/\s*\d+\s*$", preview=True),
    _rule("download", r"下载文档|点击下载|立即下载|下载本文档"),
    _rule("vip", r"\bVIP\b"),
    _rule("icp", r"备案号|ICP\s*备|\bICP\b"),
    _rule("support", r"客服.{0,6}QQ"),
    _rule("copyright_doc", r"[©Ⓒ].{0,60}文档"),
    _rule("saved", r"保存成功"),
    _rule("resource_desc", r"^\s*资源描述\s*[:：]?\s*$"),
    _rule("close_button", r"^\s*[×✕Xx]\s*$"),
    # page furniture of printed/PDF copies
    _rule(
        "page_number",
        r"^\s*(?:[-—–]\s*\d+\s*[-—–]|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?)\s*$",
    ),
)

_ANY_RULE = re.compile("|".join(f"(?:{rule.pattern.pattern})" for rule in RULES), re.I)
"""All rules in one pattern: one search rejects a body line instead of one per rule."""
_ANY_PREVIEW = re.compile(
    "|".join(f"(?:{rule.pattern.pattern})" for rule in RULES if rule.preview), re.I
)
_PIPE_RUN = re.compile(r"\|{2,}")
_EDGE = re.compile(r"^[\s|]+|[\s|]+$")
_PLACEHOLDER = re.compile(
    r"(?<![A-Za-z0-9])[xX]+(?:\.[xX]+)?(?=\s*[\u4e00-\u9fff〕）)]|km)"
    r"|(?<=[\u4e00-\u9fff〔（(])[xX]+(?![A-Za-z])"
)


def chrome_rule(line: str) -> Rule | None:
    """The rule that marks `line` as chrome, or None for body text."""
    stripped = line.strip()
    if not stripped:
        return None
    if len(stripped) > CHROME_MAX_LEN or not _ANY_RULE.search(stripped):
        return None
    return next((rule for rule in RULES if rule.pattern.search(stripped)), None)


def is_preview_marker(line: str) -> bool:
    """True for a doc-share preview-truncation marker (免费阅读已结束, ``1 / 6``…)."""
    stripped = line.strip()
    return len(stripped) <= CHROME_MAX_LEN and _ANY_PREVIEW.search(stripped) is not None


def tidy_line(line: str) -> str:
    """Remove pipe runs and the pipes/space framing a line that came from a layout table."""
    return _EDGE.sub("", _PIPE_RUN.sub(" ", line)).strip()


def strip_chrome(lines: list[str]) -> tuple[list[str], bool]:
    """(body lines, preview_truncated?) — chrome lines dropped, the others tidied."""
    kept: list[str] = []
    truncated = False
    for line in lines:
        rule = chrome_rule(line)
        if rule is not None:
            truncated = truncated or rule.preview
            continue
        tidy = tidy_line(line)
        if tidy:
            kept.append(tidy)
    return kept, truncated


def has_placeholders(text: str) -> bool:
    """True when latin x stands in for digits inside Chinese text (``xxxx年``, ``x.x亿元``)."""
    if "x" not in text and "X" not in text:
        return False
    return _PLACEHOLDER.search(text) is not None
