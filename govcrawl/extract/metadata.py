"""Title, agency, reporting year, report-or-not and placeholder detection.

The year is the *reporting* year (title, else the statistics period, else the body's opening
`2020年，`), never a publication date. The agency comes from the title when the title names an
organ; a bare place (定西市) is not an agency, so then the body's `由…编制` decides.
"""

from __future__ import annotations

import re

from govcrawl.extract.labels import cn_year_digits, normalise

_CJK = r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]"
_CJK_SPACE = re.compile(rf"\s+(?={_CJK})|(?<={_CJK})\s+")


def squeeze_cjk_spaces(text: str) -> str:
    """Whitespace next to a CJK character removed, other runs collapsed to one space.

    Word and PDF exports put spaces around numbers (`水务局 2020 年`); Chinese text has no word
    spaces, so only spaces between Latin words or digits (`PPP 项目` keeps none, `Open Data`
    keeps one) are kept.
    """
    return _CJK_SPACE.sub("", " ".join(text.split()))


_TITLE_LINE = re.compile(r"年度报告|年报|报告|总结")
_NOT_TITLE = re.compile(
    r"[。；;！!？?]|^(?:本(?:年度)?报告|本(?:机关|单位)|根据|按照|依据|现将)"
    r"|^(?:[(（][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十\d]{1,3}[、.．])"
)
"""A sentence of the body (`本报告由…编制。`) or a numbered heading (`六、其他需要报告的事项`):
not a title, whatever it names."""
_BREADCRUMB = re.compile(r"当前位置|首页|>|›|»")
_TITLE_PREFIX = re.compile(
    r"^[^，。,；;：:]{4,60}?(?:信息公开|政务公开)[^，。,；;：:]{0,8}?(?:年度报告|年报)"
)
"""A title run into the first paragraph (PDF text without line breaks)."""
_NAMELESS = re.compile(
    r"^(?:关于)?(?:(?:19|20)\d\d|[〇○零一二三四五六七八九]{4})\s*年|^(?:政府|政务|信息)公开"
)
"""A title opening with its year or subject names no agency; set in two lines, the agency is
the line above."""
_PLACE = re.compile(r"(?:省|市|县|区|旗|州|盟|镇|乡|街道)$")


def _reads_as_title(line: str) -> bool:
    """Short, names the report genre, and is not a sentence of the body or a breadcrumb."""
    return (
        0 < len(line) <= 80
        and bool(_TITLE_LINE.search(line))
        and not _NOT_TITLE.search(line)
        and not _BREADCRUMB.search(line)
    )


def _names_agency(line: str) -> bool:
    """A line that is only an organ or a place (`某某县自然资源局`, `某某县`)."""
    return (
        len(line) <= 30
        and re.fullmatch(r"[\u4e00-\u9fff（）()]+", line) is not None
        and (_organ(line) is not None or bool(_PLACE.search(line)))
    )


def find_title(doc_title: str | None, text: str) -> str | None:
    """doc.title when it reads like a report title, else the first line of the text that does
    (joined to an agency line above it), else doc.title.

    doc.title is the format's first guess (an HTML <title>, a PDF's first line), which may be a
    site name or an attachment marker (附件1).
    """
    given = squeeze_cjk_spaces(doc_title) if doc_title and doc_title.strip() else None
    if given and _reads_as_title(given):
        return given
    above = ""
    for raw in text.splitlines():
        line = squeeze_cjk_spaces(raw.replace("|", " "))
        if _BREADCRUMB.search(line):
            above = ""
            continue
        if _reads_as_title(line):
            return above + line if _NAMELESS.match(line) and _names_agency(above) else line
        if m := _TITLE_PREFIX.match(line):
            return m.group(0)
        above = line
    return given


_YEAR = r"((?:19|20)\d\d)"
_TITLE_YEAR = re.compile(_YEAR + r"年")
_PERIOD_YEAR = re.compile(r"统计(?:期限|时限|区间|时间)[^0-9]{0,6}" + _YEAR + r"年0?1月0?1日")
_BODY_YEAR = re.compile(r"(?:^|[\s。])" + _YEAR + r"年[,，]")
_TITLE_BARE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?![\d\-./])")
"""A year without 年 in a title (`…年度报告2023`, `…年报（2023）`); not a date's year
(`2024-01-15`), which is when the report came out, not what it reports on."""


def find_year(title: str | None, text: str) -> int | None:
    """Reporting year from the title, the statistics period, a bare year in the title, or the
    body's `YYYY年，`."""
    if title and (m := _TITLE_YEAR.search(cn_year_digits(normalise(title)))):
        return int(m.group(1))
    compact = normalise(text)
    if m := _PERIOD_YEAR.search(compact):
        return int(m.group(1))
    if title and (m := _TITLE_BARE_YEAR.search(normalise(title))):
        return int(m.group(1))
    if m := _BODY_YEAR.search(" ".join(text.split())):
        return int(m.group(1))
    return None


_ORGAN = re.compile(
    r"(?:政府|局|委员会|委|办公室|办|厅|院|中心|署|部|所|站|队|处|公司|街道办事处|管委会|管理委员会|会|集团"
    r"|镇|乡|街道|苏木)$"
)
"""Organ words. A township (镇, 乡, 街道) has one organ, its government, so its bare name is its
agency; a county or city has many, so its bare name (定西市) is not."""
_BEFORE_YEAR = re.compile(r"^(.+?)(?:关于.*?)?(?:(?:19|20)\d\d)年")
_BEFORE_TOPIC = re.compile(r"^(.+?)(?:关于.*?)?(?:政府信息公开|政务公开|信息公开)")
_COMPILED_BY = re.compile(
    r"由(.{2,30}?)(?:(?:根据|依据|依照|按照|遵照)[^。；;]{0,60}?)?(?:负责)?(?:编制|编写|制作|起草)"
)
"""`由X编制`, also with the legal basis between (`由X根据《条例》要求编制`)."""


def _organ(name: str) -> str | None:
    """`name` if it names an organ with a proper name before the organ word (not bare 政府)."""
    name = squeeze_cjk_spaces(name).strip("《》<>()（）[]【】 ")
    name = re.sub(r"关于.*$", "", name)
    m = _ORGAN.search(name)
    if not m or len(re.sub(r"人民$", "", name[: m.start()])) < 2:
        return None
    return name


def find_agency(title: str | None, text: str) -> str | None:
    """The reporting organ: named by the title, else by `由…编制` in the text."""
    if title:
        s = re.sub(r"^(?:关于)?(?:(?:19|20)\d\d年度?)?", "", cn_year_digits(normalise(title)))
        for pattern in (_BEFORE_YEAR, _BEFORE_TOPIC):
            if (m := pattern.search(s)) and (organ := _organ(m.group(1))):
                return organ
    if m := _COMPILED_BY.search(normalise(text)):
        name = re.sub(r"(人民政府)办公(?:室|厅)$", r"\1", m.group(1))
        return _organ(name)
    return None


_PLACEHOLDER = re.compile(
    r"(?<![A-Za-z])(?:[xX×]{2,4}年|[xX]{1,3}(?:\.[xX]+)?(?:项|个|条|件|家|名|人|次|号|万元|亿元|元|km|公里|眼))"
)


def has_placeholders(text: str) -> bool:
    """Template placeholders left in: `xxxx年`, `x项`, `x.x亿元`."""
    return bool(_PLACEHOLDER.search(text))
