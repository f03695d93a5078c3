"""Which kind of document a payload is.

File names and Content-Type headers lie on these portals (``download.jsp`` serving PDFs,
``.doc`` files that are really HTML or DOCX, ``application/octet-stream`` for everything), so
the bytes decide first; the header and then the extension only break ties the bytes cannot.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

FORMATS = ("html", "pdf", "docx", "doc", "xls", "xlsx", "wps", "txt")

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_START = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|div|table|p|script|link)\b",
    re.I | re.S,
)
_TYPE_HINTS: tuple[tuple[str, str], ...] = (
    ("pdf", "pdf"),
    ("wordprocessingml", "docx"),
    ("spreadsheetml", "xlsx"),
    ("ms-excel", "xls"),
    ("kswps", "wps"),
    ("ms-works", "wps"),
    ("msword", "doc"),
    ("html", "html"),
    ("xml", "html"),
    ("text/plain", "txt"),
)
_EXTENSIONS = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".doc": "doc",
    ".wps": "wps",
    ".xls": "xls",
    ".xlsx": "xlsx",
    ".et": "xls",
    ".txt": "txt",
    ".htm": "html",
    ".html": "html",
    ".shtml": "html",
    ".jhtml": "html",
}


def _hint_from_type(content_type: str | None) -> str | None:
    lowered = (content_type or "").lower()
    return next((fmt for key, fmt in _TYPE_HINTS if key in lowered), None)


def _hint_from_names(names: list[str | None]) -> str | None:
    for name in names:
        if not name:
            continue
        path = unquote(urlsplit(name).path if "://" in name else name)
        ext = os.path.splitext(path)[1].lower()
        if ext in _EXTENSIONS:
            return _EXTENSIONS[ext]
    return None


def _zip_kind(body: bytes | BinaryIO) -> str | None:
    try:
        names = set(zipfile.ZipFile(as_stream(body)).namelist())
    except zipfile.BadZipFile:
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def _ole_kind(body: bytes, hints: set[str | None]) -> str:
    """OLE2 containers hold Word, WPS or Excel streams; the directory names tell them apart."""
    if "Workbook".encode("utf-16-le") in body or "Book\0".encode("utf-16-le") in body:
        return "xls"
    return "wps" if "wps" in hints else "doc"


def as_stream(payload: bytes | BinaryIO) -> BinaryIO:
    """A payload as a seekable stream: a spooled file as it is, bytes wrapped."""
    return io.BytesIO(payload) if isinstance(payload, bytes) else payload


def read_all(payload: bytes | BinaryIO) -> bytes:
    """A payload's bytes, for the formats whose readers need them whole (text, OLE)."""
    if isinstance(payload, bytes):
        return payload
    payload.seek(0)
    return payload.read()


def read_head(payload: bytes | BinaryIO, size: int = 8192) -> bytes:
    if isinstance(payload, bytes):
        return payload[:size]
    payload.seek(0)
    head = payload.read(size)
    payload.seek(0)
    return head


def sniff_format(
    body: bytes | BinaryIO,
    content_type: str | None = None,
    names: list[str | None] | None = None,
) -> str:
    """One of FORMATS: magic bytes first, then Content-Type, then file name/URL extension.

    `body` may be a spooled file: only its head is read, and a ZIP's directory.
    """
    hint = _hint_from_type(content_type)
    if hint in (None, "txt", "html") or (content_type and "octet-stream" in content_type):
        hint = _hint_from_names(names or []) or hint
    first = read_head(body)
    head = first[:1024].lstrip()
    if head.startswith(b"%PDF") or b"%PDF-" in first[:1024]:
        return "pdf"
    if first.startswith(b"PK\x03\x04"):
        return _zip_kind(body) or (hint if hint in ("docx", "xlsx") else "txt")
    if first.startswith(_OLE_MAGIC):
        return _ole_kind(read_all(body), {hint, _hint_from_names(names or [])})
    if head.startswith(b"{\\rtf"):
        return "doc"
    if _HTML_START.match(first[:4096]) or b"<html" in first[:4096].lower():
        return "html"
    if hint in ("html", "txt"):
        return hint
    return "txt"
