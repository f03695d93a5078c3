"""A hostile portal: a simulated government site that is slow, misconfigured and sometimes hostile.

Real county portals lie about their charset, cut connections, answer 503 when busy, redirect in
circles or to intranet addresses, grow infinite calendars and session-id URLs, and post
attachments that are encrypted, truncated or not what their extension says. A crawler that is
only ever run against the well-behaved demo farm learns none of that, so this site serves every
such behaviour on purpose — below HTTP where needed (short bodies, TCP resets, stalls) — and
still carries a few real annual reports with known numbers that a good crawler must find
despite everything else.

`HostileSite.ground_truth()` lists those reports (same row shape as `DemoFarm.ground_truth()`),
`HostileSite.cases()` lists every hostile endpoint with what a crawler should do about it. All
delays and sizes are constructor arguments, so tests can make the site fast and small while a
demo run keeps the realistic defaults.
"""

from __future__ import annotations

import io
import random
import re
import secrets
import socket
import struct
import sys
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from docx import Document
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from govcrawl.demo_farm.render import render_docx, render_html_body, render_pdf
from govcrawl.demo_farm.render.docx import normalize_zip
from govcrawl.demo_farm.reports import AGENCIES, GeneratedReport, generate_reports
from govcrawl.demo_farm.sites.base import (
    DECOY_POINTS,
    MIME,
    Resource,
    esc,
    file_resource,
    html_resource,
    report_entry,
    site_rng,
)

SITE = "hostile"
PORTAL = "吴忠市人民政府"
MIB = 1 << 20
GIB = 1 << 30
SEED_SLOT = 6
"""Derived report seed is `seed * 10 + SEED_SLOT`: the slot after the six farm sites."""

ROLES = (
    "charset_report",
    "chain_report",
    "retry_report",
    "attachments_page",
    "zip_slip_docx",
    "pdf_as_docx",
    "docx_as_pdf",
)
"""Where each generated report is served, in generation order."""

P = {
    "charset_gb18030": "/xxgk/tzgg/202403/t20240311_2210457.html",
    "charset_meta_utf8": "/xxgk/tzgg/202402/t20240226_2210412.html",
    "charset_bom": "/xxgk/tzgg/202402/t20240205_2210398.html",
    "truncated": "/xxgk/tzgg/202312/t20231201_2210101.html",
    "reset": "/xxgk/tzgg/202312/t20231215_2210135.html",
    "slow_drip": "/xxgk/tzgg/202311/t20231120_2210077.html",
    "silent": "/xxgk/tzgg/202311/t20231106_2210052.html",
    "not_found": "/xxgk/ndbg/201912/t20191230_1000001.html",
    "soft_404": "/xxgk/ndbg/202001/t20200115_1000002.html",
    "server_error": "/xxgk/ndbg/info.jsp",
    "too_many": "/xxgk/tzgg/202402/t20240220_2210388.html",
    "loop_a": "/go/loop_a.html",
    "loop_b": "/go/loop_b.html",
    "chain_start": "/go/chain_1.html",
    "external": "/go/external.html",
    "intranet": "/go/intranet.html",
    "metadata": "/go/metadata.html",
    "loopback": "/go/loopback.html",
    "private": "/private/ndbg_draft.html",
    "calendar": "/calendar",
    "pagination": "/list_1.html",
    "session": "/hdjl/index.jsp",
    "deep": "/deep/",
    "huge": "/uploads/2024/03/P020240301000001.pdf",
    "huge_chunked": "/uploads/2024/03/P020240301000002.pdf",
    "gzip_bomb": "/ztzl/zwgk/index.html",
    "big_table": "/xxgk/xzxk/index.html",
    "malformed_pdf": "/uploads/2024/03/P020240305100001.pdf",
    "encrypted_pdf": "/uploads/2024/03/P020240305100002.pdf",
    "corrupt_docx": "/uploads/2024/03/P020240305100003.docx",
    "random_doc": "/uploads/2024/03/P020240305100005.doc",
}
"""Fixed paths of the hostile endpoints (report paths are drawn per seed)."""

METADATA_URL = "http://169.254.169.254/latest/meta-data/"
INTRANET_URL = "http://10.0.0.1/admin/"
EXTERNAL_URL = "http://example.invalid/xxgk/ndbg/index.html"
DEFAULT_LOOPBACK = "http://127.0.0.1:1/admin/"
"""Redirect target of the loopback case when the caller names no server of its own."""
GB18030_MARKER = "𠮷祥路"
"""Text only GB18030 (not GBK) can encode: decoding the page as GBK cannot yield it."""


# ---------------------------------------------------------------------------------------
# content


def _layout(title: str, inner: str, *, charset: str | None = "utf-8") -> str:
    """A plain portal page; `charset=None` leaves out the meta declaration."""
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if charset else ""
    return (
        f"<!DOCTYPE html>\n<html><head>{meta}<title>{esc(title)}</title></head><body>\n"
        f'<div class="head"><h2>{PORTAL}</h2><p><a href="/">首页</a> | '
        '<a href="/xxgk/">政府信息公开</a> | <a href="/hdjl/index.jsp">互动交流</a></p></div>\n'
        f'<div class="main">{inner}</div>\n'
        f'<div class="foot">{PORTAL}办公室主办 宁ICP备05001234号</div>\n</body></html>\n'
    )


def _article(title: str, day: date, body: str, attachments: str = "") -> str:
    return (
        f'<div class="position">当前位置：<a href="/">首页</a> &gt; '
        f'<a href="/xxgk/">政府信息公开</a></div><h1>{esc(title)}</h1>'
        f'<div class="info">发布日期：{day.isoformat()} 来源：{PORTAL}</div>'
        f'<div class="TRS_Editor">{body}</div>{attachments}'
    )


def _notice(title: str, rng: random.Random, extra: str = "") -> str:
    """A non-report notice: prose points, no tables."""
    points = "".join(
        f"<p>{'一二三四'[i]}、{esc(point)}</p>" for i, point in enumerate(rng.sample(DECOY_POINTS, 4))
    )
    return f"<p>{esc(extra)}</p>{points}<p style='text-align:right'>{PORTAL}办公室</p>"


def _notice_pdf(title: str, rng: random.Random, encrypt: StandardEncryption | None = None) -> bytes:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, invariant=1, encrypt=encrypt)
    pdf.setTitle(title)
    pdf.setFont("STSong-Light", 15)
    pdf.drawCentredString(A4[0] / 2, A4[1] - 80, title[:36])
    pdf.setFont("STSong-Light", 11)
    for i, point in enumerate(rng.sample(DECOY_POINTS, 5)):
        pdf.drawString(60, A4[1] - 130 - 26 * i, f"{'一二三四五'[i]}、{point}"[:42])
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def _notice_docx(title: str, rng: random.Random) -> bytes:
    doc = Document()
    doc.core_properties.title = title
    doc.add_heading(title, level=1)
    for point in rng.sample(DECOY_POINTS, 4):
        doc.add_paragraph(point)
    buf = io.BytesIO()
    doc.save(buf)
    return normalize_zip(buf.getvalue())


def truncate_xref(pdf: bytes) -> bytes:
    """The PDF cut a few bytes into its cross-reference table (no trailer, no %%EOF)."""
    return pdf[: pdf.rindex(b"\nxref") + 24]


def with_zip_slip(docx: bytes, name: str = "../../evil.txt") -> bytes:
    """The DOCX with one more entry whose name climbs out of any extraction folder."""
    buf = io.BytesIO(docx)
    with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), "zip-slip\n")
    return buf.getvalue()


@lru_cache(maxsize=2)
def gzip_bomb(inflated: int = GIB) -> bytes:
    """A gzip member inflating to `inflated` NUL bytes, about a thousandth of that on the wire.

    One MiB of zeros is deflated once and ended with a full flush, which resets the compressor,
    so the same compressed piece repeats for every further MiB; only the CRC needs a pass over
    the (never materialised) zeros.
    """
    if inflated % MIB:
        raise ValueError("gzip bomb size must be a whole number of MiB")
    zeros = bytes(MIB)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(inflated // MIB):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc, inflated & 0xFFFFFFFF)
    return header + piece * (inflated // MIB) + deflate.flush() + trailer


@dataclass(frozen=True)
class Content:
    """Everything fixed by the seed: static pages, report paths and ground-truth rows."""

    pages: dict[str, Resource]
    truth: tuple[dict, ...]
    paths: dict[str, str]
    """Role (see ROLES) → path of the report served in that role."""
    titles: dict[str, str]
    """Hostile case → link text used for it on the list page."""


def _report_path(rng: random.Random, used: set[int], day: date) -> str:
    while (n := rng.randint(1_100_000, 1_199_999)) in used:
        pass
    used.add(n)
    return f"/xxgk/ndbg/{day:%Y%m}/t{day:%Y%m%d}_{n}.html"


@lru_cache(maxsize=4)
def build_content(seed: int) -> Content:
    """Build the static part of the site for `seed` (cached: it renders PDFs and DOCX files)."""
    rng = site_rng(seed, SITE)
    pool = [a for a in AGENCIES if "吴忠市" in a.region and "水务" not in a.name]
    reports = dict(zip(ROLES, generate_reports(seed * 10 + SEED_SLOT, len(ROLES), agency_pool=pool), strict=True))
    used: set[int] = set()
    paths = {role: _report_path(rng, used, reports[role].published) for role in ROLES[:4]}
    paths["zip_slip_docx"] = "/uploads/2024/03/P020240305100004.docx"
    paths["pdf_as_docx"] = "/uploads/2024/03/P020240305100006.docx"
    paths["docx_as_pdf"] = "/uploads/2024/03/P020240305100007.pdf"
    pages: dict[str, Resource] = {}
    truth: list[dict] = []

    def report_page(role: str, **kw: Any) -> str:
        report = reports[role]
        body = render_html_body(report, variant=rng.randrange(4))
        return _layout(report.title, _article(report.title, report.published, body, **kw), **kw_layout(role))

    def kw_layout(role: str) -> dict[str, Any]:
        return {"charset": None} if role == "charset_report" else {}

    # The GBK page labelled UTF-8 by its header and declared nowhere else.
    charset_report = reports["charset_report"]
    pages[paths["charset_report"]] = html_resource(
        report_page("charset_report"), day=charset_report.published, charset="gbk", declared="UTF-8"
    )
    truth.append(
        report_entry(SITE, paths["charset_report"], "portal", "html", charset_report,
                     parent_path="/xxgk/", note="GBK bytes under Content-Type charset=UTF-8, no meta")
    )
    truth.append(
        report_entry(SITE, paths["chain_report"], "portal", "html", reports["chain_report"],
                     parent_path="/xxgk/", note=f"reached only through the redirect chain {P['chain_start']}")
    )
    pages[paths["chain_report"]] = html_resource(report_page("chain_report"), day=reports["chain_report"].published)
    truth.append(
        report_entry(SITE, paths["retry_report"], "portal", "html", reports["retry_report"],
                     parent_path="/xxgk/", note="answers 503 + Retry-After first, 200 on the retry")
    )
    pages[paths["retry_report"]] = html_resource(report_page("retry_report"), day=reports["retry_report"].published)

    # The attachments page: a real report whose attachments are mostly broken.
    doc_titles = {
        "malformed_pdf": "附件1：政府信息公开申请表.pdf",
        "encrypted_pdf": f"附件2：{reports['attachments_page'].title}（签章版）.pdf",
        "corrupt_docx": "附件3：政府信息公开工作年度报告（Word版）.docx",
        "zip_slip_docx": f"附件4：{reports['zip_slip_docx'].title}.docx",
        "random_doc": "附件5：依申请公开情况统计表.doc",
        "pdf_as_docx": f"附件6：{reports['pdf_as_docx'].title}.docx",
        "docx_as_pdf": f"附件7：{reports['docx_as_pdf'].title}.pdf",
    }
    doc_paths = {key: paths.get(key) or P[key] for key in doc_titles}
    attachments = "<div class='attach'><p>相关附件：</p>" + "".join(
        f'<p><a href="{doc_paths[key]}">{esc(text)}</a></p>' for key, text in doc_titles.items()
    ) + "</div>"
    attach_report = reports["attachments_page"]
    pages[paths["attachments_page"]] = html_resource(
        report_page("attachments_page", attachments=attachments), day=attach_report.published
    )
    truth.append(
        report_entry(SITE, paths["attachments_page"], "portal", "html", attach_report, parent_path="/xxgk/")
    )
    day = date(2024, 3, 5)
    pages[P["malformed_pdf"]] = file_resource(
        truncate_xref(_notice_pdf("政府信息公开申请表", rng)), "pdf", day=day
    )
    owner = StandardEncryption("wz2024@gov", ownerPassword="wz-owner-2024", canCopy=0, canModify=0)
    pages[P["encrypted_pdf"]] = file_resource(_notice_pdf("政府信息公开工作年度报告", rng, owner), "pdf", day=day)
    good_docx = _notice_docx("政府信息公开工作年度报告", rng)
    pages[P["corrupt_docx"]] = file_resource(good_docx[: len(good_docx) * 2 // 3], "docx", day=day)
    pages[P["random_doc"]] = file_resource(rng.randbytes(48 * 1024), "doc", day=day)
    slip = reports["zip_slip_docx"]
    pages[paths["zip_slip_docx"]] = file_resource(with_zip_slip(render_docx(slip)), "docx", day=slip.published)
    truth.append(
        report_entry(SITE, paths["zip_slip_docx"], "attachment", "docx", slip,
                     parent_path=paths["attachments_page"], note="zip also holds the entry ../../evil.txt")
    )
    lie = reports["pdf_as_docx"]
    pages[paths["pdf_as_docx"]] = file_resource(render_pdf(lie), "docx", day=lie.published)
    truth.append(
        report_entry(SITE, paths["pdf_as_docx"], "attachment", "pdf", lie,
                     parent_path=paths["attachments_page"], note="PDF bytes served as .docx with the DOCX media type")
    )
    lie = reports["docx_as_pdf"]
    pages[paths["docx_as_pdf"]] = file_resource(render_docx(lie), "pdf", day=lie.published)
    truth.append(
        report_entry(SITE, paths["docx_as_pdf"], "attachment", "docx", lie,
                     parent_path=paths["attachments_page"], note="DOCX bytes served as .pdf with the PDF media type")
    )

    # Charset notices (not reports): the text a correct decoding yields is in cases().
    gb_title = f"关于{GB18030_MARKER}道路改造工程房屋征收补偿方案的公告"
    pages[P["charset_gb18030"]] = html_resource(
        _layout(gb_title, _article(gb_title, day, _notice(gb_title, rng, "䶮字号商户请于三十日内登记。")), charset=None),
        charset="gb18030", declared="", day=day,
    )
    ...
    return Content(pages, tuple(truth), paths, {})
