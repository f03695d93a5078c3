"""Repair a WARC file that a killed crawl left as `NAME.warc.gz.open`.

The writer puts every record in its own gzip member and flushes after each, so a crash leaves a
run of complete members and at most one torn member at the end. Recovery finds the end of the
last complete member by decompressing member by member (streaming, output discarded — a gzip
member is only complete when zlib has checked its CRC and length trailer), cuts the file there,
confirms with warcio that every remaining record parses and its digests match (cutting again
before the first record that does not), and renames the file to `NAME.warc.gz`.
"""

from __future__ import annotations

import os
import zlib
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from govcrawl.archive.writer import OPEN_SUFFIX

_READ_SIZE = 1 << 16
_GZIP_WBITS = zlib.MAX_WBITS | 16


def complete_members_end(path: str | Path) -> int:
    """Byte offset just past the last complete gzip member at the start of `path`."""
    end = 0
    offset = 0  # file offset of the first byte of `data`
    decompressor = zlib.decompressobj(_GZIP_WBITS)
    with open(path, "rb") as handle:
        while chunk := handle.read(_READ_SIZE):
            data = chunk
            while data:
                try:
                    decompressor.decompress(data, _READ_SIZE)
                except zlib.error:
                    return end
                if decompressor.eof:
                    rest = decompressor.unused_data
                    offset += len(data) - len(rest)
                    end = offset
                    data = rest
                    decompressor = zlib.decompressobj(_GZIP_WBITS)
                else:
                    rest = decompressor.unconsumed_tail
                    offset += len(data) - len(rest)
                    data = rest
    return end


def verified_end(path: str | Path) -> int:
    """Offset past the last record warcio reads completely with matching digests."""
    good = 0
    with open(path, "rb") as stream:
        iterator = ArchiveIterator(stream, check_digests=True)
        try:
            for record in iterator:
                # Asking for the offset reads the record to its end through warcio's
                # digest-verifying stream, so the digests are checked by then.
                offset = iterator.get_record_offset()
                if record.digest_checker.passed is False:
                    return offset
                good = offset + iterator.get_record_length()
        except (ArchiveLoadFailed, EOFError, zlib.error, ValueError):
            return good
    return good


def recover(path: str | Path) -> Path:
    """Cut `path` to its complete, verified records and drop its `.open` suffix."""
    path = Path(path)
    end = complete_members_end(path)
    with open(path, "r+b") as handle:
        handle.truncate(end)
    end = verified_end(path)
    with open(path, "r+b") as handle:
        handle.truncate(end)
        handle.flush()
        os.fsync(handle.fileno())
    if not path.name.endswith(OPEN_SUFFIX):
        return path
    final = path.with_name(path.name.removesuffix(OPEN_SUFFIX))
    os.replace(path, final)
    return final
