"""Report recognition: is a link or page title a 政府信息公开工作年度报告, and for which year.

Portals file annual reports next to look-alikes that share the key words: 政务公开工作要点,
工作总结, 企业年度报告公示, 统计公报, 预算/决算, notices about compiling the report. A naive
"contains 年度报告" matcher takes them all, so rejection rules run first, and a title is only a
report when it names the disclosure subject, the report genre and a reporting agency or year.
Column names such as "政府信息公开年报" name no agency and no year: they are navigation, not
reports, and come out "unknown".

Two shapes need more than a yes/no. A notice that publishes a report ("关于公布/印发…年度报告的
通知") is where many portals put the report, as its attachment: it is a report candidate (what it
holds is decided when it is read), while a notice *about* reports ("关于做好…编制工作的通知") is
not. A list title cut short ("XX局2023年政府信息公开工…") cannot be classified, but says enough
to be worth fetching as a report page whose own title then decides (`is_truncated_report`).
"""

from __future__ import annotations

import re
from typing import Literal

Verdict = Literal["annual_report", "not_annual_report", "unknown"]

_SPACE = re.compile(r"[\s\u3000\xa0]+")
_FILE_EXT = re.compile(r"\.(pdf|docx?|wps|xlsx?|txt|html?)$", re.IGNORECASE)
_ATTACHMENT_PREFIX = re.compile(r"^(附件|附|下载)\s*\d*\s*[:：]\s*")

_COUNT = r"[\d一二三四五六七八九十]+"
_REJECT = re.compile(
    r"工作要点|工作总结|总结暨|总结|工作计划|工作方案|实施方案|"
    r"企业年度报告|企业年报|年度报告公示|年报公示|统计公报|统计年鉴|"
    r"信息公开指南|公开指南|公开目录|"
    # about a report, not the report: readings, graphics, drafting notes
    r"解读|一图读懂|编制说明|格式要求|"
    # the forms a report page attaches for requesters
    r"申请表|"
    # doc-share essay mills: sample texts, templates, "N篇" collections
    r"范文|模板|精选" + _COUNT + r"篇|" + _COUNT + r"篇"
)
_BUDGET = re.compile(r"预算|决算")
"""Budget documents; only outside brackets ("…年度报告（含预决算公开情况）" is a report)."""
_BRACKETED = re.compile(
    r"（[^（）]*(?:）|$)|\([^()]*(?:\)|$)|【[^【】]*(?:】|$)|\[[^\[\]]*(?:\]|$)"
)
"""A bracketed note, also one at the end whose closing bracket `normalize_title` stripped."""
_NOTICE_END = re.compile(r"(通知|通报|批复|函|意见|方案|公告)$")
_PUBLISHING_NOTICE = re.compile(r"关于(?:公布|发布|印发|公开|转发|刊发)(.+?)的?(?:通知|公告)$")
"""A notice that publishes what it names: a report candidate when that is a report."""
_TRUNCATED = re.compile(r"(?:…+|\.{3,}|．{3,}|。{3,})$")
_REPORT_STEM = re.compile(r"政府信息|政务公开|政务信息|信息公开|年度报告|年报")
_REPORT_COLUMN = re.compile(r"年报|年度报告|年度工作报告")

_SUBJECT = r"(?:政府信息公开|政务信息公开|信息公开|政务公开)"
_REPORT = re.compile(
    _SUBJECT + r".{0,12}?(?:年度(?:工作)?报告|年报|工作报告|工作情况的?报告)"
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
    """'annual_report', 'not_annual_report' (a known look-alike) or 'unknown'.

    A notice publishing a report counts as 'annual_report': fetched, it leads to the report.
    """
    text = normalize_title(title)
    if not text:
        return "unknown"
    if _REJECT.search(text) or _BUDGET.search(_BRACKETED.sub("", text)):
        return "not_annual_report"
    notice = _PUBLISHING_NOTICE.search(text)
    if notice:
        published = text[: notice.start()] + normalize_title(notice.group(1))
        if not _NOTICE_END.search(published) and _classify_report(published) == "annual_report":
            return "annual_report"
    if _NOTICE_END.search(text):
        return "not_annual_report"
    return _classify_report(text)


def _classify_report(text: str) -> Verdict:
    """'annual_report' when a normalised, not rejected title names a report with its year or
    agency, else 'unknown'."""
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


def is_truncated_report(title: str | None) -> bool:
    """A list title cut short ("…") that begins like a report title: the disclosure subject
    (or the report genre) with a year or an agency before it, and no look-alike word."""
    text = _SPACE.sub("", title or "")
    if not _TRUNCATED.search(text):
        return False
    text = normalize_title(text)
    if classify_title(text) == "not_annual_report":
        return False
    stem = _REPORT_STEM.search(text)
    if not stem:
        return False
    return report_year(text) is not None or len(re.sub(r"关于$", "", text[: stem.start()])) >= 2


def is_report_column_text(text: str | None) -> bool:
    """Link text naming a column of reports (政府信息公开年报, 年度报告), not one report."""
    return bool(_REPORT_COLUMN.search(_SPACE.sub("", text or ""))) and (
        classify_title(text) == "unknown"
    )
