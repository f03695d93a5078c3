"""Assemble the record of `govcrawl/spec/record.md` from a `CleanDocument` and its `Source`.

Tables are attributed to sections twice over: by the heading they follow and by their own
labels. A table whose labels belong to another section (seed 001's section 三 repeating section
二's table) is flagged `table_misplaced` and never read as the section it sits in.

A found table holds every key of its template; a key whose row or column the document lacks (a
preview cut short, a column the report left out) is null like a blank cell, and is named in
`missing_values` so the two can be told apart (record.md says what null means for a cell, not
for a cell that is not there). The record holds nothing of the extraction's own making beyond
the inputs, so equal inputs give equal records.
"""

from __future__ import annotations

import hashlib

from govcrawl.archive.writer import payload_digest as warc_payload_digest
from govcrawl.document import CleanDocument, Paragraph, Source, Table
from govcrawl.extract.checks import run_checks
from govcrawl.extract.metadata import (
    find_agency,
    find_title,
    find_year,
    has_placeholders,
)
from govcrawl.extract.sections import last_heading, split_sections
from govcrawl.extract.spec import SPEC, TABLES
from govcrawl.extract.tables import (
    Extracted,
    Located,
    classify_tables,
    detect_template,
    read_active,
    read_requests,
    read_review,
)
from govcrawl.fetch.recognize import classify_title
from govcrawl.fetch.urls import canonical

FLAGS = frozenset(
    {
        "tables_missing",
        "table_misplaced",
        "placeholder_text",
        "preview_truncated",
        "not_annual_report",
        "template_unknown",
        "value_unreadable",
        "check_failed",
        "year_unknown",
        "agency_unknown",
        "scanned_pdf",
        "encoding_repaired",
    }
)
"""record.md's flag vocabulary."""


def record_id(url: str, payload_digest: str | None, body: bytes) -> str:
    """sha1 hex of the URL as the crawler identifies it (`canonical`: lower-case host, no
    default port, fragment or session id) and the payload digest (computed when absent)."""
    digest = payload_digest or warc_payload_digest(body)
    return hashlib.sha1(f"{canonical(url)}\n{digest}".encode()).hexdigest()


def _place_tables(doc: CleanDocument) -> list[tuple[Located, str | None]]:
    """Each table with the section whose heading last preceded it."""
    placed: list[tuple[Located, str | None]] = []
    section: str | None = None
    index = 0
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            section = last_heading(block.text) or section
        elif isinstance(block, Table):
            placed.append((Located(index, block), section))
            index += 1
    return placed


def _choose_tables(doc: CleanDocument) -> tuple[dict[str, list[Located]], bool]:
    """Tables per kind, and whether some table sat in another table's section.

    A table is taken in its own section; outside any table section (no headings, or under
    总体情况 …) it is taken only if its own section has none; in another table's section it is
    flagged and taken only if its own section has none.
    """
    placed = _place_tables(doc)
    kinds = classify_tables([loc.table for loc, _ in placed])
    own: dict[str, list[Located]] = {k: [] for k in TABLES}
    stray: dict[str, list[Located]] = {k: [] for k in TABLES}
    misplaced = False
    for (loc, section), kind in zip(placed, kinds, strict=True):
        if kind is None:
            continue
        if section == kind:
            own[kind].append(loc)
        else:
            stray[kind].append(loc)
            misplaced = misplaced or section in TABLES
    return {k: own[k] or stray[k] for k in TABLES}, misplaced


def _year_template(year: int | None) -> str | None:
    """The template in force for a reporting year (2019 covers 2019 and 2020 reports)."""
    if year is None or year < 2019:
        return None
    return "2021" if year >= 2021 else "2019"


_READERS = {
    "active_disclosure": read_active,
    "requests": read_requests,
    "review_litigation": read_review,
}


def _read_tables(
    chosen: dict[str, list[Located]], year: int | None
) -> tuple[str | None, dict[str, Extracted], bool]:
    """Template, values, and whether the tables match neither template.

    The template is the one the tables' own labels point to, else the year's. When the
    active-disclosure/requests tables have no row its labels name, they match neither: those are
    dropped and only review/litigation (the same in both templates) is kept.
    """
    telling = [k for k in ("active_disclosure", "requests") if chosen[k]]
    detected = detect_template(chosen["active_disclosure"], chosen["requests"])
    name = detected or _year_template(year)
    spec = SPEC.templates[name or "2021"]
    out = {kind: reader(chosen[kind], spec) for kind, reader in _READERS.items() if chosen[kind]}
    unread = detected is None and not any(out[k].rows for k in telling)
    unknown = bool(telling) and (name is None or unread)
    if unknown:
        name = None
        for kind in telling:
            del out[kind]
    return name, out, unknown


def report_key(agency: str | None, year: int | None) -> str | None:
    """What links the copies of one report (portal page, attachment, mirror): the agency and
    the reporting year, since each agency publishes one statutory report a year."""
    if not agency or year is None:
        return None
    return f"{''.join(agency.split())}|{year}"


def build_record(doc: CleanDocument, source: Source) -> dict:
    """The record of record.md for one cleaned document."""
    text = doc.text()
    flags = {f for f in doc.flags if f in FLAGS}
    title = find_title(doc.title, text)
    year = find_year(title, text)
    agency = find_agency(title, text)
    is_report = classify_title(title or "") != "not_annual_report"
    sections = split_sections(text)

    chosen, misplaced = _choose_tables(doc)
    template, extracted, unknown = _read_tables(chosen, year if is_report else None)
    spec = SPEC.templates[template or "2021"]
    found = {k: v.values for k, v in extracted.items()}
    tables = {k: {key: found[k].get(key) for key in spec.keys(k)} for k in found}
    checks = run_checks(found, spec) if found else []

    flags |= {
        name
        for name, on in (
            ("table_misplaced", misplaced),
            ("template_unknown", unknown),
            ("not_annual_report", not is_report),
            ("placeholder_text", has_placeholders(text)),
            ("year_unknown", year is None),
            ("agency_unknown", agency is None),
            ("check_failed", any(not c["ok"] for c in checks)),
            ("value_unreadable", any(ext.unreadable for ext in extracted.values())),
            (
                "tables_missing",
                any(sections[k] is not None and not chosen[k] for k in TABLES),
            ),
        )
        if on
    }
    ocr = set(doc.ocr_cells)
    return {
        "id": record_id(source.url, source.payload_digest, source.body),
        "title": title,
        "agency": agency,
        "year": year,
        "template": template,
        "source": {
            "url": source.url,
            "final_url": source.final_url,
            "kind": source.kind,
            "content_type": source.content_type,
            "format": doc.format,
            "fetched_at": source.fetched_at,
            "warc_file": source.warc_file,
            "warc_record_id": source.warc_record_id,
            "payload_digest": source.payload_digest,
            "parent_url": source.parent_url,
        },
        "filename": source.filename,
        "report_key": report_key(agency, year),
        "sections": sections,
        "tables": tables,
        "checks": checks,
        "flags": sorted(flags),
        "ocr_values": sorted(
            f"{kind}.{key}"
            for kind, ext in extracted.items()
            for key, ref in ext.origins.items()
            if ref in ocr
        ),
        "unreadable_values": sorted(
            f"{kind}.{key}" for kind, ext in extracted.items() for key in ext.unreadable
        ),
        "missing_values": sorted(
            f"{kind}.{key}"
            for kind, values in tables.items()
            for key in values
            if key not in found[kind]
        ),
        "text": text,
    }
