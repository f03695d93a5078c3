"""Charset decoding for captured HTML and text.

Chinese government portals mislabel their bytes often: GBK pages served with
``charset=UTF-8`` headers, ``gb2312`` meta tags on pages that contain characters outside
GB2312, UTF-8 files written by editors that add a BOM. We therefore trust a declaration only
when the bytes decode strictly with it, and record when we had to decode another way
(flag ``encoding_repaired``). gb2312/gbk are read as gb18030, their superset, so that a rare
character never turns a correct label into a failure.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "ascii": "utf-8"}
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)


def normalize_codec(label: str | None) -> str | None:
    """Python codec name for a declared charset label, or None when unknown."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    return _SUPERSETS.get(name, name)


def header_charset(content_type: str | None) -> str | None:
    match = _HEADER_CHARSET.search(content_type or "")
    return normalize_codec(match.group(1)) if match else None


def meta_charset(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:8192])
    return normalize_codec(match.group(1).decode("ascii", "ignore")) if match else None


def _strict(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _looks_utf8(body: bytes) -> bool:
    """True for bytes that are valid UTF-8 and contain multi-byte sequences.

    Such bytes are almost never valid by accident, so a legacy label on them is wrong.
    """
    return not body.isascii() and _strict(body, "utf-8") is not None


def decode_bytes(body: bytes, declared: list[str | None]) -> tuple[str, str, bool]:
    """Decode `body` trying the declared codecs in order; (text, codec, repaired).

    `repaired` is True when at least one codec was declared and the bytes had to be decoded
    with something else.
    """
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body.decode(codec, errors="replace"), codec, False
    labels = [c for c in declared if c]
    for codec in labels:
        if codec != "utf-8" and _looks_utf8(body):
            return body.decode("utf-8"), "utf-8", True
        text = _strict(body, codec)
        if text is not None:
            return text, codec, codec != labels[0]
    repaired = bool(labels)
    if _looks_utf8(body) or body.isascii():
        return body.decode("utf-8"), "utf-8", repaired
    best = from_bytes(body).best()
    guess = normalize_codec(best.encoding) if best is not None else None
    if guess:
        text = _strict(body, guess)
        if text is not None:
            return text, guess, repaired
    return body.decode("gb18030", errors="replace"), "gb18030", repaired


def decode_html(body: bytes, content_type: str | None) -> tuple[str, str, bool]:
    """(text, encoding used, repaired?) for an HTML payload.

    Order: BOM, the HTTP header charset, the meta charset, then charset-normalizer.
    """
    return decode_bytes(body, [header_charset(content_type), meta_charset(body)])
