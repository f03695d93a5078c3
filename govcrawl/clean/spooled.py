"""Payloads on disk: a spooled download, decoded of its Content-Encoding without loading it.

The download handler keeps a large body as it came off the wire (a gzip-encoded PDF stays
gzip, which the archive needs). Readers want the document itself, so the file is decoded in
blocks into a temporary file beside it, or opened as it is when it has no encoding.
"""

from __future__ import annotations

import contextlib
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from govcrawl.document import SpooledBody

BLOCK = 1024 * 1024


class ContentEncodingError(ValueError):
    """A spooled body whose Content-Encoding cannot be decoded."""


def _decompressor(encoding: str) -> zlib._Decompress | None:
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(zlib.MAX_WBITS | 16)
    if encoding == "deflate":
        return zlib.decompressobj()
    if encoding in ("identity", ""):
        return None
    raise ContentEncodingError(f"Content-Encoding {encoding!r} of a spooled body is not supported")


def _decode_into(source: BinaryIO, target: BinaryIO, encoding: str) -> None:
    decompressor = _decompressor(encoding)
    if decompressor is None:
        while block := source.read(BLOCK):
            target.write(block)
        return
    try:
        while block := source.read(BLOCK):
            target.write(decompressor.decompress(block))
        target.write(decompressor.flush())
    except zlib.error as exc:
        raise ContentEncodingError(f"spooled body is not valid {encoding}: {exc}") from exc


@contextlib.contextmanager
def open_decoded(spooled: SpooledBody) -> Iterator[BinaryIO]:
    """The spooled payload with every Content-Encoding removed, as a seekable file."""
    encodings = [e for e in spooled.content_encoding if e not in ("identity", "")]
    path = Path(spooled.path)
    if not encodings:
        with path.open("rb") as handle:
            yield handle
        return
    with contextlib.ExitStack() as stack:
        current: BinaryIO = stack.enter_context(path.open("rb"))
        # Encodings are listed in the order they were applied: undo the last one first.
        for encoding in reversed(encodings):
            decoded = stack.enter_context(
                tempfile.TemporaryFile(dir=path.parent, prefix="decoded-")
            )
            _decode_into(current, decoded, encoding)
            decoded.seek(0)
            current = decoded
        yield current
