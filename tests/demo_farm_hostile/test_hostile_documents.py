"""Attachments that are broken, locked, dangerous or not what their name says."""

from __future__ import annotations

import io
import zipfile

import docx
import pdfplumber
import pytest
from hostile_wire import case, get, truth_for
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException

from govcrawl.demo_farm.hostile import HostileSite
from govcrawl.demo_farm.sites.base import MIME


def fetch(site: HostileSite, name: str) -> tuple[str, bytes]:
    reply = get(site, case(site, name)["path"])
    assert reply.status == 200
    return reply.header("content-type"), reply.body


def test_malformed_pdf_stops_inside_its_xref(site: HostileSite) -> None:
    ctype, body = fetch(site, "doc.malformed_pdf")
    assert ctype == MIME["pdf"] and body.startswith(b"%PDF-")
    assert b"\nxref" in body
    assert b"trailer" not in body and b"%%EOF" not in body


def test_encrypted_pdf_needs_a_password(site: HostileSite) -> None:
    _, body = fetch(site, "doc.encrypted_pdf")
    assert body.startswith(b"%PDF-") and b"/Encrypt" in body
    with pytest.raises(PdfminerException) as caught, pdfplumber.open(io.BytesIO(body)) as pdf:
        pdf.pages[0].extract_text()
    assert isinstance(caught.value.args[0], PDFPasswordIncorrect)


def test_corrupt_docx_is_a_bad_zip(site: HostileSite) -> None:
    ctype, body = fetch(site, "doc.corrupt_docx")
    assert ctype == MIME["docx"] and body.startswith(b"PK\x03\x04")
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(io.BytesIO(body))


def test_zip_slip_docx_carries_a_climbing_entry_and_a_report(site: HostileSite) -> None:
    path = case(site, "doc.zip_slip_docx")["path"]
    _, body = fetch(site, "doc.zip_slip_docx")
    assert "../../evil.txt" in zipfile.ZipFile(io.BytesIO(body)).namelist()
    document = docx.Document(io.BytesIO(body))
    truth = truth_for(site, path)
    assert truth["format"] == "docx"
    assert len(document.tables) >= len(truth["tables"])


def test_random_doc_is_not_ole2(site: HostileSite) -> None:
    ctype, body = fetch(site, "doc.random_doc")
    assert ctype == MIME["doc"]
    assert not body.startswith(b"\xd0\xcf\x11\xe0") and len(body) > 1024


def test_pdf_served_as_docx(site: HostileSite) -> None:
    path = case(site, "doc.pdf_as_docx")["path"]
    ctype, body = fetch(site, "doc.pdf_as_docx")
    assert path.endswith(".docx") and ctype == MIME["docx"]
    assert body.startswith(b"%PDF-")
    truth = truth_for(site, path)
    assert truth["format"] == "pdf"
    with pdfplumber.open(io.BytesIO(body)) as pdf:
        assert truth["agency"] in (pdf.pages[0].extract_text() or "").replace(" ", "")


def test_docx_served_as_pdf(site: HostileSite) -> None:
    path = case(site, "doc.docx_as_pdf")["path"]
    ctype, body = fetch(site, "doc.docx_as_pdf")
    assert path.endswith(".pdf") and ctype == MIME["pdf"]
    assert body.startswith(b"PK\x03\x04")
    assert "word/document.xml" in zipfile.ZipFile(io.BytesIO(body)).namelist()
    truth = truth_for(site, path)
    assert truth["format"] == "docx"
    assert len(docx.Document(io.BytesIO(body)).tables) >= len(truth["tables"])
