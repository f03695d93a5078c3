"""Renderers: one `GeneratedReport` into every format a portal posts (HTML, PDF, DOCX, DOC,
XLSX, text), all drawn from the same layout so one ground truth covers every copy."""

from govcrawl.demo_farm.render.doc import render_doc
from govcrawl.demo_farm.render.docx import render_docx
from govcrawl.demo_farm.render.html import render_html_body
from govcrawl.demo_farm.render.pdf import render_pdf, render_scanned_pdf
from govcrawl.demo_farm.render.txt import render_txt
from govcrawl.demo_farm.render.xlsx import render_xlsx

__all__ = [
    "render_doc",
    "render_docx",
    "render_html_body",
    "render_pdf",
    "render_scanned_pdf",
    "render_txt",
    "render_xlsx",
]
