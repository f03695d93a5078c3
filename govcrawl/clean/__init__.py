"""The clean stage: bytes of any captured document → `CleanDocument`.

`clean_source()` sniffs the real format (bytes first: portals mislabel files), hands the
payload to the reader for that format, and returns the body as paragraphs and span-aware
tables in reading order with the site's chrome removed. Flags record what cleaning itself
saw: ``encoding_repaired``, ``preview_truncated``, ``placeholder_text``, ``scanned_pdf``.
Mapping tables to canonical keys is the extract stage's job, not this one's.
"""

from __future__ import annotations

from typing import BinaryIO

from govcrawl.clean.decode import decode_bytes, decode_html, header_charset
from govcrawl.clean.docx import DocxError, docx_blocks
from govcrawl.clean.html import iter_html_blocks
from govcrawl.clean.noise import has_placeholders
from govcrawl.clean.office import ConversionError, soffice_to_docx, xls_blocks, xlsx_blocks
from govcrawl.clean.pdf import PdfError, pdf_blocks
from govcrawl.clean.sniff import read_all, read_head, sniff_format
from govcrawl.clean.spooled import ContentEncodingError, open_decoded
from govcrawl.clean.text import text_blocks
from govcrawl.document import CleanDocument, Source

__all__ = ["CleanError", "clean_bytes", "clean_source", "decode_html", "sniff_format"]


class CleanError(Exception):
    """A document that cannot be cleaned; the message says which format and why."""


def _text_document(fmt: str, body: bytes, content_type: str | None, html: bool) -> CleanDocument:
    if html:
        text, encoding, repaired = decode_html(body, content_type)
        blocks, title, truncated = iter_html_blocks(text)
    else:
        text, encoding, repaired = decode_bytes(body, [header_charset(content_type)])
        blocks, title, truncated = text_blocks(text)
    doc = CleanDocument(format=fmt, blocks=blocks, title=title, encoding=encoding)
    if repaired:
        doc.flags.append("encoding_repaired")
    if truncated:
        doc.flags.append("preview_truncated")
    return doc


def _docx_document(fmt: str, body: bytes) -> CleanDocument:
    try:
        blocks, title = docx_blocks(body)
    except DocxError as exc:
        raise CleanError(f"{fmt}: not a readable Word document ({exc})") from exc
    return CleanDocument(format=fmt, blocks=blocks, title=title)


def _is_binary(body: bytes) -> bool:
    """NUL bytes or many control bytes in the head: no text encoding produces those."""
    head = body[:8192]
    controls = sum(1 for b in head if b < 32 and b not in b"\t\n\r\f\x1b")
    return b"\x00" in head or controls > len(head) // 10


def clean_bytes(
    body: bytes | BinaryIO,
    content_type: str | None = None,
    names: list[str | None] | None = None,
) -> CleanDocument:
    """Clean a payload known only by its bytes, Content-Type and candidate file names/URLs.

    `body` may be a seekable file (a spooled download): PDF, DOCX and XLSX readers take it
    as a stream; the other formats need their bytes whole and read them.
    """
    fmt = sniff_format(body, content_type, names)
    if fmt in ("html", "txt", "doc", "wps", "xls"):
        body = read_all(body)
    if fmt == "txt" and _is_binary(read_head(body)):
        # no signature matched and the bytes are not text: random or unknown binary data
        # (a ".doc" of garbage), which read as text would become a record of mojibake
        raise CleanError("unknown format: binary data with no known document signature")
    if fmt in ("html", "txt"):
        assert isinstance(body, bytes)
        doc = _text_document(fmt, body, content_type, html=fmt == "html")
    elif fmt == "pdf":
        try:
            result = pdf_blocks(body)
        except PdfError as exc:
            raise CleanError(f"pdf: {exc}") from exc
        except Exception as exc:  # pdfminer also raises while closing a damaged file
            raise CleanError(f"pdf: unreadable PDF ({type(exc).__name__}: {exc})") from exc
        doc = CleanDocument(format="pdf", blocks=result.blocks, title=result.title)
        doc.ocr_cells = result.ocr_cells
        if result.scanned:
            doc.flags.append("scanned_pdf")
    elif fmt == "docx":
        doc = _docx_document("docx", body)
    elif fmt in ("doc", "wps"):
        try:
            # Kingsoft .wps files are Word-compatible: named .wps, LibreOffice would try its
            # MS Works filter, so both go in as .doc and LibreOffice sniffs the content
            converted = soffice_to_docx(read_all(body), "doc")
        except ConversionError as exc:
            raise CleanError(f"{fmt}: conversion to DOCX failed ({exc})") from exc
        doc = _docx_document(fmt, converted)
    else:
        try:
            blocks = xlsx_blocks(body) if fmt == "xlsx" else xls_blocks(read_all(body))
        except Exception as exc:  # openpyxl/xlrd raise many types for damaged workbooks
            raise CleanError(f"{fmt}: unreadable workbook ({type(exc).__name__}: {exc})") from exc
        doc = CleanDocument(format=fmt, blocks=blocks)
    if has_placeholders(doc.text()):
        doc.flags.append("placeholder_text")
    return doc


def clean_source(source: Source) -> CleanDocument:
    """Clean one captured document (see the module docstring)."""
    names = [source.filename, source.final_url, source.url]
    if source.spooled is None:
        return clean_bytes(source.body, source.content_type, names)
    try:
        with open_decoded(source.spooled) as payload:
            return clean_bytes(payload, source.content_type, names)
    except ContentEncodingError as exc:
        raise CleanError(str(exc)) from exc
