"""Report recognition: is a link or page title a 政府信息公开工作年度报告, and for which year.

Portals file annual reports next to look-alikes that share the key words: 政务公开工作要点,
工作总结, 企业年度报告公示, 统计公报, 预算/决算, notices about compiling the report. A naive
"contains 年度报告" matcher takes them all, so rejection rules run first, and a title is only a
report when it names the disclosure subject, the report genre and a reporting agency or year.
Column names such as "政府信息公开年报" name no agency and no year: they are navigation, not
reports, and come out "unknown".
"""

from __future__ import annotations

import re
from typing import Literal

Verdict = Literal["annual_report", "not_annual_report", "unknown"]

_SPACE = re.compile(r"[\s\u3000\xa0]+")
_FILE_EXT = re.compile(r"\.(pdf|docx?|wps|xlsx?|txt|html?)$", re.IGNORECASE)
_ATTACHMENT_PREFIX = re.compile(r"^(附件|附|下载)\s*\d*\s*[:：]\s*")

_REJECT = re.compile(
    r"工作要点|工作总结|总结暨|总结|工作计划|工作方案|实施方案|"
    r"企业年度报告|企业年报|年度报告公示|年报公示|统计公报|统计年鉴|"
    r"预算|决算|信息公开指南|公开指南|公开目录"
)
_NOTICE_END = re.compile(r"(通知|通报|批复|函|意见|方案|公告)$")

_SUBJECT = r"(?:政府信息公开|政务信息公开|信息公开|政务公开)"
_REPORT = re.compile(
    _SUBJECT + r".{0,12}?(?:年度(?:工作)?报告|年报|工作报告)"
    r"|年度.{0,12}?" + _SUBJECT + r".{0,8}?报告"
)
_SUBJECT_START = re.compile(_SUBJECT)

_NAVIGATION = re.compile(r"政务公开|政府信息公开|信息公开|公开年报|年度报告|年报")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_BARE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_CN_DIGITS = str.maketrans("〇○零一二三四五六七八九", "000123456789")
_CN_YEAR = re.compile(r"([〇○零一二三四五六七八九]{4})\s*年")


def normalize_title(title: str | None) -> str:
    """The title without white space, an attachment prefix (附件：) or a file extension."""
    text = _SPACE.sub("", title or "")
    text = _ATTACHMENT_PREFIX.sub("", text)
    text = _FILE_EXT.sub("", text)
    return text.strip("…。.，,、；;：:（）()【】[]《》")


def classify_title(title: str | None) -> Verdict:
    """'annual_report', 'not_annual_report' (a known look-alike) or 'unknown'."""
    text = normalize_title(title)
    if not text:
        return "unknown"
    if _REJECT.search(text) or _NOTICE_END.search(text):
        return "not_annual_report"
    match = _REPORT.search(text)
    if not match:
        return "unknown"
    subject = _SUBJECT_START.search(text)
    prefix = text[: subject.start()] if subject else ""
    prefix = re.sub(r"^关于", "", prefix)
    if report_year(text) is None and len(prefix) < 2:
        return "unknown"
    return "annual_report"


def report_year(title: str | None) -> int | None:
    """The reporting year named in a title (the first 'YYYY年'), else None."""
    text = _SPACE.sub("", title or "")
    match = _YEAR.search(text) or _BARE_YEAR.search(text)
    if match:
        return int(match.group(1))
    cn = _CN_YEAR.search(text)
    if cn:
        return int(cn.group(1).translate(_CN_DIGITS))
    return None


def is_navigation_text(text: str | None) -> bool:
    """Link text that leads towards the disclosure column (政务公开 → 年报)."""
    return bool(_NAVIGATION.search(_SPACE.sub("", text or "")))
