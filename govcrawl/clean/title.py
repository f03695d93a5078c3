"""The title of a document without title markup: a PDF, or a DOCX whose title is unstyled.

Above the title may sit an attachment marker (附件1), a red-head issuer line and a document
number; a title printed in two lines (agency, then `2022年…年度报告`) reads as two paragraphs.
So the title is the first leading paragraph the report recognizer takes for a report title,
not simply the first paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from govcrawl.document import Block, Paragraph
from govcrawl.fetch.recognize import classify_title

TITLE_SPAN = 8
"""Leading blocks searched for the title: above it sit at most an attachment marker (附件1), a
red-head issuer line and a document number."""
TITLE_LEN = 80
_NAMELESS = re.compile(
    r"^(?:关于)?(?:(?:19|20)\d\d|[〇○零一二三四五六七八九]{4})\s*年|^(?:政府|政务|信息)公开"
)
"""A title line that opens with its year or subject names no agency: the agency is the line
above (a title set in two lines)."""
_NAME_LINE = re.compile(r"^[\u4e00-\u9fff（）()]{2,30}$")


def is_report_title(text: str) -> bool:
    """Whether a line reads as a report's title (short, and recognized as an annual report)."""
    return len(text) <= TITLE_LEN and classify_title(text) == "annual_report"


def leading_title(blocks: Sequence[Block]) -> str | None:
    """The first leading paragraph that is a report title, joined to the agency line above it
    when the title itself names none; else the first paragraph if it is short."""
    paragraphs = [b.text for b in blocks[:TITLE_SPAN] if isinstance(b, Paragraph)]
    for i, text in enumerate(paragraphs):
        if not is_report_title(text):
            continue
        above = paragraphs[i - 1] if i else ""
        if _NAMELESS.match(text) and _NAME_LINE.match(above) and not above.endswith("文件"):
            return above + text
        return text
    first = paragraphs[0] if paragraphs else None
    return first if first and len(first) <= TITLE_LEN else None
