"""Legacy Word (.doc) copies, converted from the DOCX by LibreOffice headless.

Many county portals still post .doc attachments, and no pure-Python writer produces real
Word 97 binaries, so the farm asks LibreOffice. A conversion takes seconds, so results are
cached on disk keyed by the sha256 of the DOCX bytes (which are deterministic); each call runs
with its own throw-away LibreOffice profile so parallel conversions do not fight over a lock.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from govcrawl.demo_farm.render.docx import render_docx
from govcrawl.demo_farm.reports import GeneratedReport

CONVERT_TIMEOUT = 180


def cache_dir() -> Path:
    """Where converted files are kept: $GOVCRAWL_CACHE or ~/.cache/govcrawl."""
    root = os.environ.get("GOVCRAWL_CACHE") or Path.home() / ".cache" / "govcrawl"
    return Path(root) / "doc"


def soffice_path() -> str | None:
    """The LibreOffice binary, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_doc(docx: bytes) -> bytes:
    """Convert DOCX bytes to DOC bytes (cached). Raises RuntimeError if conversion fails."""
    key = hashlib.sha256(docx).hexdigest()
    cached = cache_dir() / f"{key}.doc"
    if cached.exists():
        return cached.read_bytes()
    binary = soffice_path()
    if binary is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="govcrawl-lo-") as tmp:
        work = Path(tmp)
        source = work / "report.docx"
        source.write_bytes(docx)
        profile = (work / "profile").as_uri()
        cmd = [
            binary,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "doc",
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        proc = subprocess.run(cmd, capture_output=True, timeout=CONVERT_TIMEOUT, check=False)
        result = work / "out" / "report.doc"
        if proc.returncode != 0 or not result.exists():
            raise RuntimeError(
                f"soffice failed ({proc.returncode}): {proc.stderr.decode(errors='replace')[-500:]}"
            )
        data = result.read_bytes()
    cached.parent.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(f".{os.getpid()}.tmp")
    partial.write_bytes(data)
    partial.replace(cached)
    return data


def render_doc(report: GeneratedReport) -> bytes:
    """The report as a Word 97 .doc (LibreOffice conversion of `render_docx`)."""
    return docx_to_doc(render_docx(report))
