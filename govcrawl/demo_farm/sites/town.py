"""A town portal without a CMS: reports exist only as uploaded files.

Here nothing but the link text says what a file is: hrefs are opaque upload paths
(`/uploads/2024/01/17051234.pdf`), and the same list holds work plans and budget files next to
the annual reports, in every format a town office produces — a text PDF, a scanned PDF,
DOCX, legacy DOC and a plain text file.
"""

from __future__ import annotations

import io
import random
from datetime import date

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from govcrawl.demo_farm.render import (
    render_doc,
    render_docx,
    render_pdf,
    render_scanned_pdf,
    render_txt,
)
from govcrawl.demo_farm.reports import GeneratedReport
from govcrawl.demo_farm.sites.base import (
    DECOY_POINTS,
    Site,
    esc,
    file_resource,
    html_resource,
    report_entry,
    site_rng,
)
from govcrawl.demo_farm.sites.chrome import Portal, site_chrome
from govcrawl.demo_farm.sites.common import site_decoys, site_reports, unique_number

TOWN = "太白镇人民政府"
FORMATS = ("pdf", "docx", "doc", "scanned", "txt", "pdf")
"""Format of each report's upload, in list order; `scanned` is a PDF with no text layer."""


class TownSite(Site):
    """The town portal: two HTML pages and a folder of uploads."""

    key = "town"
    name = TOWN


def _render(report: GeneratedReport, kind: str) -> tuple[bytes, str]:
    if kind == "pdf":
        return render_pdf(report), "pdf"
    if kind == "scanned":
        return render_scanned_pdf(report), "pdf"
    if kind == "docx":
        return render_docx(report), "docx"
    if kind == "doc":
        return render_doc(report), "doc"
    return render_txt(report, style="tab").encode("utf-8"), "txt"


def decoy_pdf(title: str, agency: str, rng: random.Random) -> bytes:
    """A one-page prose PDF (work plan, budget notice …), byte-stable for a given rng state."""
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, invariant=1)
    pdf.setTitle(title)
    pdf.setFont("STSong-Light", 15)
    pdf.drawCentredString(A4[0] / 2, A4[1] - 80, title[:36])
    pdf.setFont("STSong-Light", 11)
    y = A4[1] - 130
    for i, point in enumerate(rng.sample(DECOY_POINTS, 5)):
        pdf.drawString(60, y, f"{'一二三四五'[i]}、{point}"[:42])
        y -= 26
    pdf.drawRightString(A4[0] - 60, y - 30, agency)
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


CHROME = Portal(
    key="town",
    name=TOWN,
    site_code="6210240012",
    icp="陇ICP备15001234号",
    path_style="/{group}/{code}/",
    columns=(("政务公开", "/zwgk/"), ("年报", "/zwgk/"), ("互动交流", "/hdjl/")),
    host="tbz.hsxzf.gov.cn",
)


def _layout(title: str, inner: str) -> str:
    chrome = site_chrome(CHROME)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title>\n{chrome.head}</head><body>\n"
        f"{chrome.top}"
        f'<div id="top"><div class="logo">{TOWN}</div></div>\n'
        f"{inner}\n"
        f"{chrome.bottom}</body></html>\n"
    )


def build(seed: int) -> TownSite:
    site = TownSite()
    rng = site_rng(seed, site.key)
    used: set[int] = set()
    reports = site_reports(seed, site.key, len(FORMATS), name_has=("太白镇",))
    links: list[tuple[str, str, date]] = []

    def upload_path(day: date, ext: str) -> str:
        n = unique_number(rng, used, 17_000_000, 17_999_999)
        return f"/uploads/{day.year}/{day.month:02d}/{n}.{ext}"

    for report, kind in zip(reports, FORMATS, strict=True):
        body, fmt = _render(report, kind)
        path = upload_path(report.published, fmt)
        site.add(path, file_resource(body, fmt, day=report.published))
        extra: dict = {"parent_path": "/zwgk/"}
        if kind == "scanned":
            # The numbers come back only through OCR (tesseract + chi_sim); without it the
            # record must say scanned_pdf and carry no tables.
            extra.update(note="scanned PDF: page images only, no text layer; tables via OCR")
        site.truth.append(report_entry(site.key, path, "attachment", fmt, report, **extra))
        links.append((path, report.title, report.published))

    for decoy in site_decoys(seed, rng, reports, 3):
        path = upload_path(decoy.published, "pdf")
        site.add(
            path,
            file_resource(decoy_pdf(decoy.title, decoy.agency, rng), "pdf", day=decoy.published),
        )
        site.add_decoy(path, decoy.title)
        links.append((path, decoy.title, decoy.published))

    links.sort(key=lambda item: (item[2], item[0]), reverse=True)
    rows = "\n".join(f'<p>{d.isoformat()} <a href="{p}">{esc(t)}</a></p>' for p, t, d in links)
    zwgk = f'<div id="main"><h2>政务公开</h2>\n{rows}\n</div>'
    site.add(
        "/zwgk/",
        html_resource(_layout(f"政务公开 - {TOWN}", zwgk), day=links[0][2], chunked=True),
    )
    home = (
        '<div id="main"><h2>镇情简介</h2><p>太白镇位于合水县东部，辖8个行政村。</p>'
        '<p><a href="/zwgk/">政务公开</a></p></div>'
    )
    site.add("/", html_resource(_layout(TOWN, home)))
    hdjl = '<div id="main"><h2>互动交流</h2><p>镇长信箱：请通过县政府门户网站留言。</p></div>'
    site.add("/hdjl/", html_resource(_layout(f"互动交流 - {TOWN}", hdjl)))
    return site
