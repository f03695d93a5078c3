"""HTML pages → `CleanDocument`.

The DOM is parsed once with lxml. Tables are taken from the DOM here, not from trafilatura
(which drops empty cells, trafilatura issue 633, and loses colspan): every data table becomes a
span-aware `Table` and is replaced in the tree by a marker paragraph, so that trafilatura's
main-content text still tells us where the table sat among the paragraphs. Layout tables (TRS
portals nest the whole page in tables) are not data: their table/row/cell tags are turned into
divs before anything else so their content is read as ordinary blocks and the data tables
nested inside them are found.
"""

from __future__ import annotations

import re

import trafilatura
from lxml import etree
from lxml import html as lxml_html

from govcrawl.clean.grid import GridBuilder, norm_space
from govcrawl.clean.noise import chrome_rule, strip_chrome
from govcrawl.clean.text import is_value, preview_marked, superscript
from govcrawl.document import Block, Paragraph, Table
from govcrawl.fetch.recognize import classify_title

_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "br",
        "li",
        "tr",
        "td",
        "th",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "section",
        "article",
        "blockquote",
        "pre",
        "dd",
        "dt",
        "ul",
        "ol",
        "header",
        "footer",
        "nav",
        "form",
        "center",
    ]
)
_LAYOUT_MARKERS = "|".join(
    f".//{tag}"
    for tag in ("div", "ul", "ol", "h1", "h2", "h3", "h4", "form", "iframe", "section", "nav", "dl")
)
_DROP_TAGS = ("script", "style", "noscript", "template", "head/link", "select", "button")
_MARKER = "GOVCRAWLTABLE{:04d}"
_MARKER_RE = re.compile(r"GOVCRAWLTABLE(\d{4})")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SUPER_STYLE = re.compile(r"vertical-align\s*:\s*super", re.I)
_TITLE_SPLIT = re.compile(r"\s*(?:_|\||｜|--|—|－|-\s)\s*")
_DOC_LINK = re.compile(r"\.(?:pdf|docx?|wps|xlsx?|et|zip|rar)\b|附件", re.I)
NAV_LINK_MAX = 20
"""A line that is exactly the text of a link this short is navigation, not body."""
VALUE_SHARE = 0.3
"""A table at least this share of whose filled cells are values is data even with block markup."""
LONG_CELL = 400
"""A cell holding more text than this is page layout, not a table value."""


def parse_html(text: str) -> etree._Element:
    """The document tree of `text`; an empty tree for a page with no elements.

    An XML declaration (which lxml refuses in a str) and C0 control characters (which it
    cannot store) are removed first.
    """
    text = _CONTROL.sub("", _XML_DECL.sub("", text, count=1))
    try:
        return lxml_html.document_fromstring(text)
    except etree.ParserError:
        return lxml_html.document_fromstring("<html><body></body></html>")


def is_superscript(el: etree._Element) -> bool:
    """A <sup>, or an element styled `vertical-align: super` (Word's HTML export)."""
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    return tag == "sup" or bool(_SUPER_STYLE.search(el.get("style") or ""))


def element_text(el: etree._Element) -> str:
    """Text of `el` with a newline at every block boundary and <br>, nothing else lost.

    Superscript text is written in superscript characters (`35<sup>2</sup>` → `35²`), so a
    footnote mark stays a mark instead of becoming a digit of the number it follows.
    """
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag and is_superscript(node):
            parts.append(superscript("".join(node.itertext())))
            return
        block = tag.lower() in _BLOCK_TAGS
        if block:
            parts.append("\n")
        if tag and node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append("\n")

    walk(el)
    return "".join(parts)


def _children(el: etree._Element, tags: tuple[str, ...]) -> list[etree._Element]:
    return [child for child in el if isinstance(child.tag, str) and child.tag.lower() in tags]


def _rows(table: etree._Element) -> list[etree._Element]:
    """The table's own rows (those of nested tables excluded), in document order."""
    rows = []
    for child in _children(table, ("tr", "thead", "tbody", "tfoot")):
        rows.extend([child] if child.tag.lower() == "tr" else _children(child, ("tr",)))
    return rows


def _cells(row: etree._Element) -> list[etree._Element]:
    return _children(row, ("td", "th"))


def _span(el: etree._Element, name: str) -> int:
    match = re.match(r"\s*(\d+)", el.get(name) or "")
    return max(1, min(int(match.group(1)), 1000)) if match else 1


def is_layout_table(table: etree._Element) -> bool:
    """True for tables used to lay out a page rather than to hold data.

    Layout: one row or one column; mostly link cells (menus); a nested table or a cell longer
    than LONG_CELL (the page body); block content (div, list, heading, form) in cells unless
    the table is value-heavy — some editors wrap every value of a real table in a div.
    """
    rows = _rows(table)
    cells = [cell for row in rows for cell in _cells(row)]
    if len(rows) < 2 or max(len(_cells(row)) for row in rows) < 2:
        return True
    texts = [norm_space(element_text(cell)) for cell in cells]
    filled = [t for t in texts if t]
    linked = [
        text
        for cell, text in zip(cells, texts, strict=True)
        if text and norm_space(" ".join(cell.xpath(".//a//text()"))) == text
    ]
    if len(linked) * 2 >= len(filled):
        return True
    if any(len(text) > LONG_CELL for text in texts) or table.xpath(".//td//table|.//th//table"):
        return True
    blocky = any(cell.xpath(_LAYOUT_MARKERS) for cell in cells)
    return blocky and sum(map(is_value, filled)) < VALUE_SHARE * len(filled)


def html_table(table: etree._Element) -> Table:
    """A `Table` grid from an HTML table with rowspan/colspan resolved to origin cells."""
    rows = _rows(table)
    builder = GridBuilder()
    for r, row in enumerate(rows):
        col = 0
        for cell in _cells(row):
            col = builder.next_free(r, col)
            rowspan = min(_span(cell, "rowspan"), len(rows) - r)
            colspan = _span(cell, "colspan")
            placed = builder.place(element_text(cell), r, col, rowspan, colspan)
            col += placed.colspan
    return builder.table("html")


def _unwrap_layout(table: etree._Element) -> None:
    """Turn the layout table's own structure (not nested tables) into divs."""
    rows = _rows(table)
    own = [table, *table.xpath("./thead|./tbody|./tfoot"), *rows]
    own += [cell for row in rows for cell in _cells(row)]
    for el in own:
        el.tag = "div"
        for attr in ("rowspan", "colspan"):
            el.attrib.pop(attr, None)


def take_tables(root: etree._Element) -> list[Table]:
    """Replace every data table by a marker paragraph; unwrap layout tables. Tables in order."""
    tables: list[Table] = []
    # innermost first, so an outer table is judged after its nested layout tables are unwrapped
    for table in reversed(root.xpath("//table")):
        if is_layout_table(table):
            _unwrap_layout(table)
    for table in root.xpath("//table"):
        grid = html_table(table)
        marker = etree.Element("p")
        marker.text = _MARKER.format(len(tables))
        marker.tail = table.tail
        table.getparent().replace(table, marker)
        tables.append(grid)
    return tables


def page_title(root: etree._Element) -> str | None:
    """The report title: <h1> or a title-classed element that agrees with <title>; else, when
    <title> names no report (a site or column name) and such a heading does, that heading;
    else <title>."""
    head_title = norm_space(" ".join(root.xpath("//title//text()")))
    candidates = [
        norm_space(element_text(el))
        for el in root.xpath(
            "//h1|//*[contains(@class,'title') or contains(@id,'title')][not(self::title)]"
        )
    ]
    candidates = [c for c in candidates if 4 <= len(c) <= 120]
    # the longest agreeing candidate: a site name in a title-classed logo agrees too
    for cand in sorted(candidates, key=len, reverse=True):
        if head_title and (cand in head_title or head_title.startswith(cand[:10])):
            return cand
    if classify_title(head_title) != "annual_report":
        reports = [c for c in candidates if classify_title(c) == "annual_report"]
        if reports:
            return reports[0]
    if head_title:
        parts = [p for p in _TITLE_SPLIT.split(head_title) if p]
        return parts[0] if parts else head_title
    return candidates[0] if candidates else None


def _drop_invisible(root: etree._Element) -> None:
    for tag in _DROP_TAGS:
        for el in root.xpath(f"//{tag}"):
            el.drop_tree()


def _main_text(root: etree._Element) -> str:
    text = trafilatura.extract(
        root,
        output_format="txt",
        include_tables=False,
        include_comments=False,
        include_images=False,
        include_links=False,
        favor_recall=False,
        deduplicate=False,
        with_metadata=False,
    )
    if text and text.strip():
        return text
    body = root.find("body")
    return element_text(body if body is not None else root)


def _is_body_table(table: Table) -> bool:
    """False for tables that are empty or hold nothing but chrome (prev/next, share bars)."""
    texts = [cell.text for cell in table.cells if cell.text]
    return any(chrome_rule(text) is None for text in texts)


def _link_texts(root: etree._Element) -> set[str]:
    """Short link texts (navigation menus): a paragraph that is only one of them is chrome."""
    texts = {norm_space(element_text(a)) for a in root.iter("a")}
    return {t for t in texts if t and len(t) <= NAV_LINK_MAX and not _DOC_LINK.search(t)}


def _blocks(text: str, tables: list[Table], nav: set[str]) -> list[Block]:
    """Paragraphs of `text` with each table marker replaced by its table."""
    blocks: list[Block] = []
    pending: list[str] = []
    used: set[int] = set()

    def flush() -> None:
        lines, _ = strip_chrome(pending)
        blocks.extend(Paragraph(norm_space(line)) for line in lines if line not in nav)
        pending.clear()

    for line in text.splitlines():
        match = _MARKER_RE.search(line)
        if match is None:
            pending.append(line)
            continue
        before, after = line[: match.start()], line[match.end() :]
        pending.append(before)
        flush()
        index = int(match.group(1))
        if index < len(tables) and index not in used:
            used.add(index)
            if _is_body_table(tables[index]):
                blocks.append(tables[index])
        pending.append(after)
    flush()
    # tables trafilatura judged outside the main content still belong to the page: each goes
    # before the next table (in document order) that trafilatura did place, else at the end
    for i in sorted(set(range(len(tables))) - used):
        if not _is_body_table(tables[i]):
            continue
        later = [k for k, b in enumerate(blocks) if any(b is tables[j] for j in used if j > i)]
        blocks.insert(later[0] if later else len(blocks), tables[i])
    return blocks


def iter_html_blocks(text: str) -> tuple[list[Block], str | None, bool]:
    """(blocks, title, preview_truncated?) for decoded HTML `text`."""
    root = parse_html(text)
    _drop_invisible(root)
    nodes = list(root.itertext())  # before trafilatura, which may drop the preview markers
    title = page_title(root)
    tables = take_tables(root)
    nav = _link_texts(root)
    main = _main_text(root)
    blocks = _blocks(main, tables, nav)
    truncated = preview_marked([*nodes, *main.splitlines()])
    head = [b.text for b in blocks[:3] if isinstance(b, Paragraph)]
    if title and not any(title in text for text in head):
        blocks.insert(0, Paragraph(title))
    return blocks, title, truncated
