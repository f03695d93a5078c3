"""Repair a WARC file that a killed crawl left as `NAME.warc.gz.open`.

The writer puts every record in its own gzip member and flushes after each, so a crash leaves a
run of complete members and at most one torn member at the end. Recovery finds the end of the
last complete member by decompressing member by member (streaming, output discarded — a gzip
member is only complete when zlib has checked its CRC and length trailer), confirms with warcio
that every record up to there parses and its digests match, cuts the torn tail and renames the
file to `NAME.warc.gz`, with the `NAME.cdxj` beside it that a normally closed file of a crawl
gets (`package.write_cdxj`): replay setups copy `*.cdxj`, and a recovered file without one
would hide its captures.

A record warcio cannot parse is torn, whatever warcio raises while reading it (a cut inside
the WARC headers reaches warcio's parser as a header block without its WARC-Target-URI, and
warcio fails with an AttributeError there). Where it lies decides what it means: in the torn
tail it is cut; in a complete gzip member it is damage, as below.

Only a torn tail is ever cut. A file that is something else is left exactly as it is and named
in a `RecoverError`: one with no complete WARC record at all (not a WARC file, or a crawl
killed while writing its first record), one where a complete record does not verify (damage a
crash cannot cause: cutting there would throw good records away), and a file not named `.open`
(a closed file was finished by its writer and needs no recovery).

`recover_stale` runs at the start of a crawl, so restarting after a kill -9 needs no manual
step: it recovers the `.open` files in the folder that this host's dead processes left. One
file it cannot recover is logged and left; the others are recovered all the same.
"""

from __future__ import annotations

import fcntl
import logging
import os
import zlib
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from govcrawl.archive.package import write_cdxj
from govcrawl.archive.writer import OPEN_SUFFIX, file_hostname, writer_of

logger = logging.getLogger(__name__)

_READ_SIZE = 1 << 16
_LOCK_FILE = ".recover.lock"
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
    """Offset past the last record warcio reads completely with matching digests.

    Reading stops at the first record warcio fails on, with whatever exception: warcio's
    parser meets a torn record's leftovers in more ways than its own exceptions name, and
    `recover` tells a torn tail from damage by where reading stopped, not by how.
    """
    good = 0
    with open(path, "rb") as stream:
        iterator = ArchiveIterator(stream, check_digests=True)
        try:
            for record in iterator:
                if record.format != "warc":  # warcio reads ARC too; our files hold WARC only
                    return good
                # Asking for the offset reads the record to its end through warcio's
                # digest-verifying stream, so the digests are checked by then.
                offset = iterator.get_record_offset()
                if record.digest_checker.passed is False or offset != good:
                    return good
                good = offset + iterator.get_record_length()
        except Exception:  # see the docstring: where, not how
            return good
    return good


class RecoverError(ValueError):
    """A file `recover` leaves as it is, and why."""


def recover(path: str | Path) -> Path:
    """Cut `path` (`NAME.warc.gz.open`) after its last complete, verified record, rename it
    to `NAME.warc.gz` and write its `NAME.cdxj`; raise `RecoverError`, changing nothing, when
    that would cut more than a torn tail."""
    path = Path(path)
    if not path.name.endswith(OPEN_SUFFIX):
        raise RecoverError(f"{path}: not an {OPEN_SUFFIX} file; a closed WARC needs no recovery")
    members_end = complete_members_end(path)
    good = verified_end(path) if members_end else 0
    if good == 0:
        raise RecoverError(
            f"{path}: no complete WARC record (not a WARC file, or its crawl was killed while "
            "writing the first record); left as it is"
        )
    if good < members_end:
        raise RecoverError(
            f"{path}: the record at byte {good} is complete but does not verify — damage, not a "
            "crash; left as it is (see `warcio check`)"
        )
    with open(path, "r+b") as handle:
        handle.truncate(members_end)
        handle.flush()
        os.fsync(handle.fileno())
    final = path.with_name(path.name.removesuffix(OPEN_SUFFIX))
    os.replace(path, final)
    try:
        write_cdxj(final)
    except OSError as exc:  # the WARC is recovered; only its index is missing
        logger.warning(
            "%s: recovered, but its .cdxj index was not written (%s); `govcrawl package` writes it",
            final,
            exc,
        )
    return final


def recover_stale(directory: str | Path) -> list[Path]:
    """Recover the `.open` files in `directory` that a dead process of this host left.

    The file name says which host and process wrote it (`writer_of`); a live process's file,
    or another machine's, is still being written and is not touched. A file that cannot be
    recovered, for whatever reason, is logged in one line and left for `govcrawl archive
    recover` to report: it must neither stop the crawl nor keep the files after it open.
    """
    directory = Path(directory)
    if not directory.is_dir():
        return []
    recovered = []
    hostname = file_hostname()
    # Crawlers starting together (one per portal, or several workers) recover each file once.
    with open(directory / _LOCK_FILE, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for path in sorted(directory.glob(f"*.warc.gz{OPEN_SUFFIX}")):
            writer = writer_of(path.name)
            if writer is None or writer[0] != hostname or _alive(writer[1]):
                continue
            try:
                recovered.append(recover(path))
            except RecoverError as exc:  # names the file and why it is left
                logger.warning("%s", exc)
                continue
            except Exception as exc:
                logger.warning("%s: not recovered: %s: %s", path, type(exc).__name__, exc)
                continue
            logger.warning("recovered %s, left open by a crawl that did not finish", recovered[-1])
    return recovered


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True
