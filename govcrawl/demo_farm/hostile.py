"""A hostile portal: a simulated government site that is slow, misconfigured and sometimes hostile.

Real county portals lie about their charset, cut connections, answer 503 when busy, redirect in
circles or to intranet addresses, grow infinite calendars and session-id URLs, and post
attachments that are encrypted, truncated or not what their extension says. A crawler only ever
run against the well-behaved demo farm learns none of that, so this site serves every such
behaviour on purpose — below HTTP where needed (short bodies, TCP resets, stalls) — and still
carries a few real annual reports with known numbers that a good crawler must find despite
everything else.

`HostileSite.ground_truth()` lists those reports (same row shape as `DemoFarm.ground_truth()`);
`HostileSite.cases()` lists every hostile endpoint with what a crawler should do about it. Delays
and sizes are constructor arguments, so tests make the site fast and small while a demo keeps
the realistic defaults. Large bodies are streamed from generators, never held in memory.
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
import time
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from http.cookies import SimpleCookie
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
    Resource,
    esc,
    file_resource,
    html_resource,
    modified_at,
    report_entry,
    site_rng,
)

SITE = "hostile"
PORTAL = "吴忠市人民政府"
MIB = 1 << 20
GIB = 1 << 30
SEED_SLOT = 6
"""Reports come from seed `seed * 10 + SEED_SLOT`: the slot after the six farm sites."""

ROLES = (
    "charset_report",
    "chain_report",
    "retry_report",
    "attachments_page",
    "zip_slip_docx",
    "pdf_as_docx",
    "docx_as_pdf",
    "waf_report",
)
"""Where each generated report is served, in generation order (new roles go last: the reports
before them stay the same)."""

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
    "server_error": "/xxgk/ndbg/search.jsp",
    "too_many": "/xxgk/tzgg/202402/t20240220_2210388.html",
    "loop_a": "/go/loop_a.html",
    "loop_b": "/go/loop_b.html",
    "chain": "/go/chain_1.html",
    "external": "/go/external.html",
    "intranet": "/go/intranet.html",
    "metadata": "/go/metadata.html",
    "loopback": "/go/loopback.html",
    "private": "/private/ndbg_draft.html",
    "calendar": "/calendar",
    "session": "/hdjl/index.jsp",
    "session_view": "/hdjl/view.jsp",
    "huge": "/uploads/2024/03/P020240301000001.pdf",
    "huge_chunked": "/uploads/2024/03/P020240301000002.zip",
    "gzip_bomb": "/ztzl/zwgk/index.html",
    "big_table": "/xxgk/xzxk/index.html",
    "malformed_pdf": "/uploads/2024/03/P020240305100001.pdf",
    "encrypted_pdf": "/uploads/2024/03/P020240305100002.pdf",
    "corrupt_docx": "/uploads/2024/03/P020240305100003.docx",
    "zip_slip_docx": "/uploads/2024/03/P020240305100004.docx",
    "random_doc": "/uploads/2024/03/P020240305100005.doc",
    "pdf_as_docx": "/uploads/2024/03/P020240305100006.docx",
    "docx_as_pdf": "/uploads/2024/03/P020240305100007.pdf",
    "waf_report": "/xxgk/ndbg/202403/t20240318_1100412.html",
    "too_frequent": "/xxgk/tzgg/202403/t20240319_2210466.html",
}
"""Fixed paths of the hostile endpoints (the HTML report paths are drawn per seed)."""

CHAIN = re.compile(r"/go/chain_(\d+)\.html")
PAGINATION = re.compile(r"/list_(\d+)\.html")
DEEP = re.compile(r"/deep/(?:a/)*")
JSESSIONID = re.compile(r";jsessionid=[^/?#]*", re.IGNORECASE)

EXTERNAL_URL = "http://example.invalid/xxgk/ndbg/index.html"
INTRANET_URL = "http://10.0.0.1/admin/"
METADATA_URL = "http://169.254.169.254/latest/meta-data/"
DEFAULT_LOOPBACK = "http://127.0.0.1:1/admin/"
"""Loopback redirect target when the caller names no server of its own (nothing listens)."""
GB18030_MARKER = "𠮷祥路"
"""Text only GB18030 (not GBK) can encode: a page decoded as GBK cannot contain it."""
ATTACH_DAY = date(2024, 3, 5)
WAF_SEED = "qvWCrAlErGqWqpAlWGE9rsE0hsqhr1qhhGgsDpf"
WAF_SERVER_COOKIE = "FSSBBIl1UgzbN7N80S"
WAF_SCRIPT_COOKIE = "FSSBBIl1UgzbN7N80T"


def waf_token(user_agent: str, seed: str = WAF_SEED) -> str:
    """The cookie value the challenge script computes (a rolling hash of the seed and the
    browser's `navigator.userAgent`, base 36), so only a client that runs the script gets it
    — nothing in the page can be copied into a cookie — and it holds only for requests that
    send the same User-Agent, as a Ruishu cookie does."""
    total = 0
    for char in seed + user_agent:
        total = (total * 31 + ord(char)) % 1_000_000_007
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        total, digit = divmod(total, 36)
        text = digits[digit] + text
        if not total:
            return text


def waf_passes(cookie_header: str, user_agent: str) -> bool:
    """Whether the WAF lets a request through: it holds the cookie the 412 answer set and the
    one the challenge script computes for this User-Agent."""
    jar = SimpleCookie(cookie_header)
    script = jar.get(WAF_SCRIPT_COOKIE)
    computed = script is not None and script.value == waf_token(user_agent)
    return jar.get(WAF_SERVER_COOKIE) is not None and computed


WAF_412_PAGE = (
    '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
    '<meta id="9DhefwqGPrzGxEp9hPaoag" content="Q2xpZW50Q2hhbGxlbmdl"></head><body>\n'
    '<script type="text/javascript">$_ts=window["$_ts"];if(!$_ts)$_ts={};$_ts.nsd=41786;'
    f'$_ts.cd="{WAF_SEED}";'
    "var c=$_ts.cd+navigator.userAgent;"
    "for(var i=0,s=0;i<c.length;i++)s=(s*31+c.charCodeAt(i))%1000000007;"
    f'document.cookie="{WAF_SCRIPT_COOKIE}=" + s.toString(36) + "; path=/";location.reload();'
    "</script>\n</body></html>\n"
)
"""A Ruishu-like WAF's answer (412) to a client without its cookies: the answer sets one cookie
(`Set-Cookie`), its script computes the other and reloads."""
TOO_FREQUENT_PAGE = (
    '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>访问受限</title></head><body>'
    "<p>您的访问过于频繁，请稍后再试。</p></body></html>\n"
)
"""A rate limiter's answer (200): no portal navigation, just the warning."""
SESSION_PAGES = 3
BIG_TABLE_ROWS = 2500
"""Rows of the big table page, 4 columns each: 10,000 cells."""


# ---------------------------------------------------------------------------------------
# bodies


def _layout(title: str, inner: str, *, meta_charset: str | None = "utf-8") -> str:
    """A plain portal page; `meta_charset=None` leaves out the meta declaration."""
    meta = (
        f'<meta http-equiv="Content-Type" content="text/html; charset={meta_charset}">'
        if meta_charset
        else ""
    )
    return (
        f"<!DOCTYPE html>\n<html><head>{meta}<title>{esc(title)}</title></head><body>\n"
        f'<div class="head"><h2>{PORTAL}</h2><p><a href="/">首页</a> | '
        '<a href="/xxgk/">政府信息公开</a> | <a href="/hdjl/index.jsp">互动交流</a></p></div>\n'
        f'<div class="main">{inner}</div>\n'
        f'<div class="foot">{PORTAL}办公室主办 宁ICP备05001234号</div>\n</body></html>\n'
    )


def _article(title: str, day: date, body: str, attachments: str = "") -> str:
    return (
        '<div class="position">当前位置：<a href="/">首页</a> &gt; '
        '<a href="/xxgk/">政府信息公开</a></div>'
        f'<h1>{esc(title)}</h1><div class="info">发布日期：{day.isoformat()} 来源：{PORTAL}</div>'
        f'<div class="TRS_Editor">{body}</div>{attachments}'
    )


def _notice_body(rng: random.Random, opening: str) -> str:
    """Prose of a page that is not a report: numbered points, no tables."""
    points = "".join(
        f"<p>{'一二三四'[i]}、{esc(point)}</p>"
        for i, point in enumerate(rng.sample(DECOY_POINTS, 4))
    )
    return f"<p>{esc(opening)}</p>{points}<p style='text-align:right'>{PORTAL}办公室</p>"


def _notice(title: str, rng: random.Random, opening: str = "", **layout: Any) -> str:
    body = _notice_body(rng, opening or "现将有关事项通知如下。")
    return _layout(title, _article(title, ATTACH_DAY, body), **layout)


def _notice_pdf(title: str, rng: random.Random, encrypt: StandardEncryption | None = None) -> bytes:
    """A one-page prose PDF, byte-stable (reportlab invariant mode, also when encrypted)."""
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
    so the same compressed piece stands for every further MiB; only the CRC needs a pass over
    the zeros (one reused MiB buffer). Cached: the farm builds it once per size.
    """
    if inflated <= 0 or inflated % MIB:
        raise ValueError("gzip bomb size must be a positive whole number of MiB")
    zeros = bytes(MIB)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(inflated // MIB):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc, inflated & 0xFFFFFFFF)
    return header + piece * (inflated // MIB) + deflate.flush() + trailer


def filler(size: int, head: bytes = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n") -> Iterator[bytes]:
    """`size` bytes starting with `head`, yielded in 64 KiB pieces from one reused block."""
    block = (b"0 0 0 RG 0 0 m 595 842 l S\n" * 2521)[: 64 * 1024]
    first = head[:size]
    yield first
    left = size - len(first)
    while left > 0:
        piece = block if left >= len(block) else block[:left]
        yield piece
        left -= len(piece)


def _big_table(rng: random.Random) -> str:
    kinds = ("企业投资项目核准", "建设工程规划许可", "取水许可", "食品经营许可", "道路运输经营许可")
    units = ("市发展改革委", "市自然资源局", "市水务局", "市市场监管局", "市交通运输局")
    head = "<tr><td>序号</td><td>事项名称</td><td>实施机关</td><td>办理时限（工作日）</td></tr>"
    body = "".join(
        f"<tr><td>{i + 1}</td><td>{rng.choice(kinds)}（{i + 1:04d}）</td>"
        f"<td>{rng.choice(units)}</td><td>{rng.randint(1, 20)}</td></tr>"
        for i in range(BIG_TABLE_ROWS - 1)
    )
    return f'<table border="1">{head}{body}</table>'


# ---------------------------------------------------------------------------------------
# content fixed by the seed


@dataclass(frozen=True)
class Case:
    """One hostile endpoint: where it is, the link text leading to it, what a crawler must do."""

    case: str
    path: str
    link_text: str
    expect: str
    listed: bool = True
    """Linked from the /xxgk/ list page (attachments are linked from their report page)."""


@dataclass(frozen=True)
class Content:
    """Everything fixed by the seed: static answers, report paths, truth rows and cases."""

    pages: dict[str, Resource]
    truth: tuple[dict, ...]
    paths: dict[str, str]
    """Role (see ROLES) → path of the report served in that role."""
    cases: tuple[Case, ...]


def _report_path(rng: random.Random, used: set[int], day: date) -> str:
    while (n := rng.randint(1_100_000, 1_199_999)) in used:
        pass
    used.add(n)
    return f"/xxgk/ndbg/{day:%Y%m}/t{day:%Y%m%d}_{n}.html"


def _raw_html(body: bytes, content_type: str) -> Resource:
    return Resource(body, content_type, modified_at(ATTACH_DAY))


def _cases(reports: dict[str, GeneratedReport], paths: dict[str, str], titles: dict) -> list[Case]:
    r = reports
    return [
        Case(
            "charset.gbk_labelled_utf8",
            paths["charset_report"],
            r["charset_report"].title,
            "report: bytes are GBK though the header says charset=UTF-8 and no meta says "
            "otherwise; the bytes are not valid UTF-8, so fall back (GBK/GB18030); tables "
            "extract",
        ),
        Case(
            "charset.gb18030_undeclared",
            P["charset_gb18030"],
            titles["gb18030"],
            f"no charset in header or meta: sniff GB18030 (GBK fails on 4-byte sequences); "
            f"text contains '{GB18030_MARKER}'; not a report",
        ),
        Case(
            "charset.header_gbk_meta_utf8",
            P["charset_meta_utf8"],
            titles["meta_utf8"],
            "header charset=GBK, meta says utf-8, bytes are GBK: the header wins (and the "
            "bytes are not UTF-8); the title decodes; not a report",
        ),
        Case(
            "charset.bom_utf8_header_gbk",
            P["charset_bom"],
            titles["bom"],
            "UTF-8 BOM with header charset=GBK: the BOM wins, decode as UTF-8 and drop the "
            "BOM; not a report",
        ),
        Case(
            "transport.truncated",
            P["truncated"],
            titles["truncated"],
            "Content-Length larger than the bytes sent, then FIN: error 'truncated body' "
            "(Scrapy: DOWNLOAD_FAIL_ON_DATALOSS); archive flagged incomplete at most; "
            "bounded retries; no record",
        ),
        Case(
            "transport.reset",
            P["reset"],
            titles["reset"],
            "TCP reset (RST) in the middle of the body: error 'connection reset'; bounded "
            "retries; no record",
        ),
        Case(
            "transport.slow_drip",
            P["slow_drip"],
            titles["slow_drip"],
            "headers at once, then 1 byte per drip interval: an idle timeout never fires, so "
            "enforce a total download deadline (DOWNLOAD_TIMEOUT); error 'timeout'; no record",
        ),
        Case(
            "transport.silent",
            P["silent"],
            titles["silent"],
            "request accepted, nothing ever sent: error 'timeout'; bounded retries; the crawl "
            "goes on",
        ),
        Case(
            "status.404",
            P["not_found"],
            titles["not_found"],
            "404 page: not retried; no record (archiving the 404 is fine)",
        ),
        Case(
            "status.soft_404",
            P["soft_404"],
            titles["soft_404"],
            "200 whose body is a 'page not found' page: not a report (no tables)",
        ),
        Case(
            "status.500",
            P["server_error"],
            titles["server_error"],
            "500 with a Java stack trace: bounded retries, then error 'http 500'; no record",
        ),
        Case(
            "status.503_retry",
            paths["retry_report"],
            r["retry_report"].title,
            "report: 503 + Retry-After on the first request, 200 on the next from the same "
            "client (with enforce_retry_after only after Retry-After seconds): wait "
            "Retry-After, retry, extract the report (Scrapy's RetryMiddleware retries at once)",
        ),
        Case(
            "status.429_retry",
            P["too_many"],
            titles["too_many"],
            "429 + Retry-After, then 200: slow down (honour Retry-After) and retry; not a report",
        ),
        Case(
            "waf.412_cookie",
            paths["waf_report"],
            r["waf_report"].title,
            "report: a WAF (Ruishu-like) answers every request without its two cookies with "
            "412, a Set-Cookie and a script that computes the second cookie and reloads; "
            "retrying never helps: run the challenge in the browser, take its cookies, fetch "
            "the page with them, extract the report; the 412 page is never content",
        ),
        Case(
            "waf.too_frequent",
            P["too_frequent"],
            titles["too_frequent"],
            "always 200 with a short '访问过于频繁，请稍后再试' page: recognise the challenge, "
            "retry with backoff, then error 'anti-bot challenge'; never a record or a link "
            "source",
        ),
        Case(
            "redirect.loop",
            P["loop_a"],
            titles["loop"],
            "A → B → A: detect the loop (or hit the redirect limit); error 'redirect loop'; "
            "no record",
        ),
        Case(
            "redirect.chain_20",
            P["chain"],
            titles["chain"],
            "report at the end of exactly 20 redirects (301/302/303/307/308, relative and "
            "absolute Locations): follow up to 20 (Scrapy's REDIRECT_MAX_TIMES default is "
            "just enough); the record's final_url is the report page",
        ),
        Case(
            "redirect.external",
            P["external"],
            titles["external"],
            "redirect to http://example.invalid/…: out of scope, do not follow",
        ),
        Case(
            "redirect.private_10",
            P["intranet"],
            titles["intranet"],
            "redirect to http://10.0.0.1/: private address, refuse; never connect",
        ),
        Case(
            "redirect.metadata",
            P["metadata"],
            titles["metadata"],
            "redirect to http://169.254.169.254/latest/meta-data/: link-local/cloud metadata, "
            "refuse; never connect",
        ),
        Case(
            "redirect.loopback",
            P["loopback"],
            titles["loopback"],
            "redirect to 127.0.0.1 on another port (local_redirect_target): loopback outside "
            "the seed's origin, refuse; never connect",
        ),
        Case(
            "robots.disallowed",
            P["private"],
            titles["private"],
            "robots.txt disallows /private/: never request it (a report-like draft)",
        ),
        Case(
            "trap.calendar",
            P["calendar"] + "?date=2024-01-01",
            titles["calendar"],
            "prev/next-day links forever: cap pages per URL pattern or query-only variants; "
            "nothing to extract",
        ),
        Case(
            "trap.pagination",
            "/list_1.html",
            titles["pagination"],
            "list_N.html always links list_{N+1}.html with the same items: stop when a page "
            "adds no new links (or cap list depth)",
        ),
        Case(
            "trap.session_ids",
            P["session"],
            titles["session"],
            f"links carry ;jsessionid=… and ?sid=… fresh on every response: strip them before "
            f"de-duplication; only {SESSION_PAGES + 1} distinct pages exist",
        ),
        Case(
            "trap.deep_relative",
            "/deep/",
            titles["deep"],
            "relative link a/ on every level (a/, a/a/, …) serving the same page: cap path "
            "depth / repeated segments; de-duplicate by content",
        ),
        Case(
            "size.huge",
            P["huge"],
            titles["huge"],
            "Content-Length above the size limit (PDF-looking body): abort on the header "
            "(DOWNLOAD_MAXSIZE); error 'too large'; no record",
        ),
        Case(
            "size.huge_chunked",
            P["huge_chunked"],
            titles["huge_chunked"],
            "same size, chunked with no Content-Length: abort while streaming once the limit "
            "is crossed; error 'too large'",
        ),
        Case(
            "size.gzip_bomb",
            P["gzip_bomb"],
            titles["gzip_bomb"],
            "Content-Encoding: gzip, ~1 MiB on the wire inflating to ~1 GiB of NUL bytes: cap "
            "the decoded size (Scrapy ≥ 2.11.1 applies DOWNLOAD_MAXSIZE after "
            "decompression); error 'decompression bomb'; no record",
        ),
        Case(
            "size.big_table",
            P["big_table"],
            titles["big_table"],
            f"a {BIG_TABLE_ROWS * 4}-cell table: clean and classify within "
            "bounded time and memory; not a report",
        ),
        Case(
            "doc.malformed_pdf",
            P["malformed_pdf"],
            titles["malformed_pdf"],
            "PDF cut inside its xref table: extraction must not crash (error or recovered "
            "text); not a report",
            listed=False,
        ),
        Case(
            "doc.encrypted_pdf",
            P["encrypted_pdf"],
            titles["encrypted_pdf"],
            "PDF encrypted with a user password: error 'encrypted'; nothing extracted; not "
            "counted as a report",
            listed=False,
        ),
        Case(
            "doc.corrupt_docx",
            P["corrupt_docx"],
            titles["corrupt_docx"],
            "DOCX missing its zip central directory: error 'bad zip'; not a report",
            listed=False,
        ),
        Case(
            "doc.zip_slip_docx",
            P["zip_slip_docx"],
            titles["zip_slip_docx"],
            "report: a DOCX holding an entry named ../../evil.txt: read it in memory, never "
            "extract entries to disk by name; the report extracts",
            listed=False,
        ),
        Case(
            "doc.random_doc",
            P["random_doc"],
            titles["random_doc"],
            "a .doc that is random bytes (no OLE2 signature): error 'unknown format'; not a report",
            listed=False,
        ),
        Case(
            "doc.pdf_as_docx",
            P["pdf_as_docx"],
            titles["pdf_as_docx"],
            "report: PDF bytes behind .docx and the DOCX media type: sniff magic bytes "
            "(%PDF-) over extension and Content-Type; extract as PDF",
            listed=False,
        ),
        Case(
            "doc.docx_as_pdf",
            P["docx_as_pdf"],
            titles["docx_as_pdf"],
            "report: DOCX bytes behind .pdf and application/pdf: sniff (PK zip with "
            "word/document.xml); extract as DOCX",
            listed=False,
        ),
    ]


def _titles(reports: dict[str, GeneratedReport]) -> dict[str, str]:
    """Link texts of the hostile cases (report-like where a real portal would mislead)."""
    return {
        "gb18030": f"关于{GB18030_MARKER}道路改造工程房屋征收补偿方案的公告",
        "meta_utf8": "关于开展2023年度政务公开第三方评估工作的通知",
        "bom": "吴忠市人民政府办公室关于2024年春节放假安排的通知",
        "truncated": "关于做好2023年度政府信息公开工作年度报告编制发布工作的通知",
        "reset": "吴忠市2023年政务公开工作要点",
        "slow_drip": "关于征集2024年度政务公开意见建议的公告",
        "silent": "吴忠市2023年政府信息公开工作年度报告（图解）",
        # Years outside the generator's range, so no real report shares these titles.
        "not_found": "吴忠市人民政府2018年政府信息公开工作年度报告",
        "soft_404": "吴忠市人民政府2017年政府信息公开工作年度报告",
        "server_error": "政府信息公开年报查询",
        "too_many": "关于公布2024年第一批政务服务事项清单的通知",
        "too_frequent": "关于2024年第一季度政府网站检查情况的通报",
        "loop": "政府信息公开年报专栏",
        "chain": "历年政府信息公开工作年度报告",
        "external": "宁夏回族自治区政府信息公开年报汇总",
        "intranet": "内网办公系统",
        "metadata": "政务数据开放平台",
        "loopback": "吴忠市人民政府（旧版网站）",
        "private": "吴忠市人民政府2024年政府信息公开工作年度报告（征求意见稿）",
        "calendar": "政务日历",
        "pagination": "通知公告",
        "session": "在线访谈",
        "deep": "网站地图",
        "huge": "2023年政府信息公开工作年度报告汇编（高清扫描版）.pdf",
        "huge_chunked": "历年政府信息公开工作年度报告汇编（打包下载）.zip",
        "gzip_bomb": "政务公开专题",
        "big_table": "2023年度行政许可事项目录",
        "malformed_pdf": "附件1：政府信息公开工作年度报告（扫描件）.pdf",
        "encrypted_pdf": f"附件2：{reports['attachments_page'].title}（签章版）.pdf",
        "corrupt_docx": "附件3：政府信息公开工作年度报告（Word版）.docx",
        "zip_slip_docx": f"附件4：{reports['zip_slip_docx'].title}.docx",
        "random_doc": "附件5：依申请公开情况统计表.doc",
        "pdf_as_docx": f"附件6：{reports['pdf_as_docx'].title}.docx",
        "docx_as_pdf": f"附件7：{reports['docx_as_pdf'].title}.pdf",
    }


def _report_html(
    report: GeneratedReport,
    rng: random.Random,
    *,
    attachments: str = "",
    meta: str | None = "utf-8",
) -> str:
    body = render_html_body(report, variant=rng.randrange(4))
    inner = _article(report.title, report.published, body, attachments)
    return _layout(report.title, inner, meta_charset=meta)


def _broken_attachments(rng: random.Random) -> dict[str, Resource]:
    """The attachments no reader can use; they carry notices, not reports."""
    locked = StandardEncryption("wz2024@gov", ownerPassword="wz-owner-2024", canCopy=0)
    whole_docx = _notice_docx("政府信息公开工作年度报告", rng)
    files = {
        "malformed_pdf": ("pdf", truncate_xref(_notice_pdf("政府信息公开工作年度报告", rng))),
        "encrypted_pdf": ("pdf", _notice_pdf("政府信息公开工作年度报告", rng, locked)),
        "corrupt_docx": ("docx", whole_docx[: len(whole_docx) * 2 // 3]),  # no central dir
        "random_doc": ("doc", rng.randbytes(48 * 1024)),
    }
    return {P[k]: file_resource(body, fmt, day=ATTACH_DAY) for k, (fmt, body) in files.items()}


def _readable_attachments(
    reports: dict[str, GeneratedReport],
) -> list[tuple[str, str, bytes, str, str]]:
    """(role, true format, bytes, format the name and media type claim, note) per report file."""
    return [
        (
            "zip_slip_docx",
            "docx",
            with_zip_slip(render_docx(reports["zip_slip_docx"])),
            "docx",
            "the zip also holds an entry named ../../evil.txt",
        ),
        (
            "pdf_as_docx",
            "pdf",
            render_pdf(reports["pdf_as_docx"]),
            "docx",
            "PDF bytes served as .docx with the DOCX media type",
        ),
        (
            "docx_as_pdf",
            "docx",
            render_docx(reports["docx_as_pdf"]),
            "pdf",
            "DOCX bytes served as .pdf with the PDF media type",
        ),
    ]


def _notice_pages(titles: dict[str, str], rng: random.Random) -> dict[str, Resource]:
    """Non-report pages: charset lies, bodies behind transport tricks, soft 404, big table."""
    gb_opening = f"{GB18030_MARKER}沿线䶮记等商户请于三十日内登记。"
    gb_html = _notice(titles["gb18030"], rng, gb_opening, meta_charset=None)
    meta_utf8 = _notice(titles["meta_utf8"], rng, meta_charset="utf-8")
    bom = _notice(titles["bom"], rng, meta_charset=None)
    pages = {
        P["charset_gb18030"]: _raw_html(gb_html.encode("gb18030"), "text/html"),
        P["charset_meta_utf8"]: _raw_html(meta_utf8.encode("gbk"), "text/html; charset=GBK"),
        P["charset_bom"]: _raw_html(
            b"\xef\xbb\xbf" + bom.encode("utf-8"), "text/html; charset=GBK"
        ),
    }
    for key in ("truncated", "reset", "slow_drip", "too_many"):
        pages[P[key]] = html_resource(_notice(titles[key], rng), day=ATTACH_DAY)
    soft = _layout("页面不存在", "<h1>404</h1><p>抱歉，您访问的页面不存在或已被删除。</p>")
    pages[P["soft_404"]] = html_resource(soft)
    draft = _notice(titles["private"], rng, "本稿为征求意见稿，请勿转载。")
    pages[P["private"]] = html_resource(draft)
    table = _article(titles["big_table"], ATTACH_DAY, _big_table(rng))
    pages[P["big_table"]] = html_resource(_layout(titles["big_table"], table))
    return pages


def _navigation(listed: list[tuple[str, str, date]]) -> dict[str, Resource]:
    """Home, the /xxgk/ list (link text = title, one link per path) and robots.txt."""
    seen: set[str] = set()
    rows = []
    for path, text, day in listed:
        if path not in seen:
            seen.add(path)
            rows.append(
                f'<li><a href="{esc(path)}" title="{esc(text)}">{esc(text)}</a>'
                f"<span>{day.isoformat()}</span></li>"
            )
    listing = '<h3>政府信息公开</h3><ul class="list">' + "\n".join(rows) + "</ul>"
    home = '<p>欢迎访问。</p><p><a href="/xxgk/">政府信息公开</a></p>'
    robots = "User-agent: *\nDisallow: /private/\n"
    return {
        "/": html_resource(_layout(PORTAL, home)),
        "/xxgk/": html_resource(_layout(f"政府信息公开 - {PORTAL}", listing)),
        "/robots.txt": Resource(robots.encode(), "text/plain; charset=utf-8"),
    }


@lru_cache(maxsize=4)
def build_content(seed: int) -> Content:
    """The static part of the site for `seed` (cached: it renders PDFs and DOCX files)."""
    rng = site_rng(seed, SITE)
    pool = [a for a in AGENCIES if "吴忠市" in a.region and "水务" not in a.name]
    generated = generate_reports(seed * 10 + SEED_SLOT, len(ROLES), agency_pool=pool)
    reports = dict(zip(ROLES, generated, strict=True))
    used: set[int] = set()
    paths = {role: _report_path(rng, used, reports[role].published) for role in ROLES[:4]}
    paths.update({role: P[role] for role in ROLES[4:]})
    titles = _titles(reports)
    cases = _cases(reports, paths, titles)
    pages: dict[str, Resource] = {}
    truth: list[dict] = []

    def add_truth(role: str, kind: str, fmt: str, parent: str, note: str = "") -> None:
        extra = {"parent_path": parent} | ({"note": note} if note else {})
        truth.append(report_entry(SITE, paths[role], kind, fmt, reports[role], **extra))

    # Reports as HTML pages: under a lying charset, behind redirects, behind a 503.
    pages[paths["charset_report"]] = html_resource(
        _report_html(reports["charset_report"], rng, meta=None),
        day=reports["charset_report"].published,
        charset="gbk",
        declared="UTF-8",
    )
    add_truth("charset_report", "portal", "html", "/xxgk/", "GBK bytes under charset=UTF-8")
    for role, note in (
        ("chain_report", f"reached only through the redirect chain from {P['chain']}"),
        ("retry_report", "answers 503 + Retry-After first, 200 on the retry"),
    ):
        pages[paths[role]] = html_resource(
            _report_html(reports[role], rng), day=reports[role].published
        )
        add_truth(role, "portal", "html", "/xxgk/", note)

    # A real report page whose attachments are mostly broken or mislabelled.
    parent = paths["attachments_page"]
    links = "".join(
        f'<p><a href="{c.path}">{esc(c.link_text)}</a></p>'
        for c in cases
        if c.case.startswith("doc.")
    )
    attachments = f"<div class='attach'><p>相关附件：</p>{links}</div>"
    report = reports["attachments_page"]
    pages[parent] = html_resource(
        _report_html(report, rng, attachments=attachments), day=report.published
    )
    add_truth("attachments_page", "portal", "html", "/xxgk/")
    pages.update(_broken_attachments(rng))
    for role, fmt, body, served_as, note in _readable_attachments(reports):
        pages[paths[role]] = file_resource(body, served_as, day=reports[role].published)
        add_truth(role, "attachment", fmt, parent, note)

    pages.update(_notice_pages(titles, rng))
    # A report behind a WAF's 412 JS-cookie challenge (drawn last: earlier pages stay the same).
    waf = reports["waf_report"]
    pages[paths["waf_report"]] = html_resource(_report_html(waf, rng), day=waf.published)
    add_truth("waf_report", "portal", "html", "/xxgk/", "answers 412 + JS cookie script first")
    listed = [
        (paths[role], reports[role].title, reports[role].published)
        for role in ("charset_report", "retry_report", "attachments_page", "waf_report")
    ] + [(c.path, c.link_text, ATTACH_DAY) for c in cases if c.listed]
    pages.update(_navigation(listed))
    return Content(pages, tuple(truth), paths, tuple(cases))


# ---------------------------------------------------------------------------------------
# serving


class _Server(ThreadingHTTPServer):
    """The site's server; clients giving up mid-answer is the point here, not an error."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class HostileSite:
    """The hostile portal on one 127.0.0.1 port; see the module docstring and `cases()`.

    `retry_after` is the Retry-After of the 503/429 answers (`enforce_retry_after` serves the
    retry only once that time has passed), `drip_interval` the pause between the slow-drip
    bytes, `stall_seconds` how long the silent endpoint holds a connection, `size_limit` the
    limit the huge responses exceed (by 1 MiB), `bomb_size` what the gzip bomb inflates to
    (whole MiB), `redirect_hops` the length of the redirect chain.
    """

    key = SITE

    def __init__(
        self,
        seed: int = 2024,
        host: str = "127.0.0.1",
        port: int = 0,
        local_redirect_target: str | None = None,
        *,
        retry_after: int = 2,
        enforce_retry_after: bool = False,
        drip_interval: float = 1.0,
        stall_seconds: float = 300.0,
        size_limit: int = 50 * MIB,
        bomb_size: int = GIB,
        redirect_hops: int = 20,
    ) -> None:
        if redirect_hops < 1:
            raise ValueError("redirect_hops must be at least 1")
        self.seed = seed
        self.host = host
        self.port = port
        self.local_redirect_target = local_redirect_target or DEFAULT_LOOPBACK
        self.retry_after = retry_after
        self.enforce_retry_after = enforce_retry_after
        self.drip_interval = drip_interval
        self.stall_seconds = stall_seconds
        self.size_limit = size_limit
        self.bomb_size = bomb_size
        self.redirect_hops = redirect_hops
        self.content = build_content(seed)
        self.request_log: list[tuple[str, str, str, int]] = []
        """(site, method, request target, status) per request; status 0 = nothing sent."""
        self.closing = threading.Event()
        """Set by stop(): wakes handlers that are dripping or stalling."""
        self._lock = threading.Lock()
        self._busy_since: dict[tuple[str, str], float] = {}
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def huge_size(self) -> int:
        """Length of the size-limit responses: one MiB over `size_limit`."""
        return self.size_limit + MIB

    def start(self) -> HostileSite:
        if self._server is None:
            self.closing.clear()
            self._server = _Server((self.host, self.port), _make_handler(self))
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},  # stop() returns fast
                name="demo-farm-hostile",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        self.closing.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> HostileSite:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Base URL (no trailing slash); needs a started site unless a port was given."""
        port = self._server.server_address[1] if self._server else self.port
        if not port:
            raise RuntimeError("the hostile site is not started and its port is not fixed")
        return f"http://{self.host}:{port}"

    def ground_truth(self) -> list[dict]:
        """The reports a good crawler must find here, in `DemoFarm.ground_truth()` row shape."""
        return [{**entry, "url": self.url + entry["path"]} for entry in self.content.truth]

    def cases(self) -> list[dict]:
        """Every hostile endpoint: {"case", "path", "url", "expect"}."""
        return [
            {"case": c.case, "path": c.path, "url": self.url + c.path, "expect": c.expect}
            for c in self.content.cases
        ]

    def log(self, method: str, target: str, status: int) -> None:
        with self._lock:
            self.request_log.append((SITE, method, target, status))

    def busy(self, client: str, path: str) -> bool:
        """Whether this request of `client` for `path` gets the 503/429 answer.

        Requests alternate per client and path: busy, served, busy, served … A request right
        after a busy answer is served — or, with `enforce_retry_after`, only once Retry-After
        seconds have passed since that answer (an early retry is busy again and restarts the
        wait), so a crawler that ignores Retry-After never gets the page.
        """
        key = (client, path)
        now = time.monotonic()
        with self._lock:
            busy_since = self._busy_since.pop(key, None)
            early = (
                busy_since is not None
                and self.enforce_retry_after
                and now - busy_since < self.retry_after
            )
            if busy_since is None or early:
                self._busy_since[key] = now
                return True
            return False


def _make_handler(site: HostileSite) -> type[BaseHTTPRequestHandler]:
    """A handler class bound to `site`: static pages plus every misbehaviour."""
    content = site.content
    retry_report = content.paths["retry_report"]
    waf_report = content.paths["waf_report"]

    class HostileHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "Apache-Coyote/1.1"
        timeout = 60

        def version_string(self) -> str:
            return self.server_version

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the site keeps its own request log."""

        def do_GET(self) -> None:
            self._route()

        def do_HEAD(self) -> None:
            self._route()

        # -- plumbing ------------------------------------------------------------------

        def _head(self, status: int, headers: list[tuple[str, str]]) -> None:
            site.log(self.command, self.path, status)
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()

        def _answer(
            self,
            status: int,
            content_type: str,
            body: bytes,
            extra: list[tuple[str, str]] | None = None,
        ) -> None:
            headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
            self._head(status, headers + (extra or []))
            if self.command != "HEAD":
                self.wfile.write(body)

        def _html(self, status: int, text: str, extra: list | None = None) -> None:
            self._answer(status, "text/html; charset=utf-8", text.encode(), extra)

        def _resource(self, resource: Resource) -> None:
            headers = [*resource.headers, ("ETag", resource.etag)]
            self._answer(resource.status, resource.content_type, resource.body, headers)

        def _redirect(self, status: int, location: str) -> None:
            note = f"<html><body><a href='{esc(location)}'>{status}</a></body></html>"
            self._html(status, note, [("Location", location)])

        # -- routing -------------------------------------------------------------------

        def _route(self) -> None:
            split = urlsplit(self.path)
            path = JSESSIONID.sub("", split.path)  # as a Java container would
            query = {k: v[0] for k, v in parse_qs(split.query).items()}
            special = {
                P["truncated"]: self._truncated,
                P["reset"]: self._reset,
                P["slow_drip"]: self._slow_drip,
                P["silent"]: self._silent,
                P["not_found"]: self._not_found,
                P["server_error"]: self._server_error,
                P["too_many"]: lambda: self._busy(path, 429),
                retry_report: lambda: self._busy(path, 503),
                waf_report: lambda: self._waf_cookie(path),
                P["too_frequent"]: self._too_frequent,
                P["loop_a"]: lambda: self._redirect(302, P["loop_b"]),
                P["loop_b"]: lambda: self._redirect(302, P["loop_a"]),
                P["external"]: lambda: self._redirect(302, EXTERNAL_URL),
                P["intranet"]: lambda: self._redirect(302, INTRANET_URL),
                P["metadata"]: lambda: self._redirect(301, METADATA_URL),
                P["loopback"]: lambda: self._redirect(302, site.local_redirect_target),
                P["calendar"]: lambda: self._calendar(query.get("date", "2024-01-01")),
                P["session"]: lambda: self._session(None),
                P["session_view"]: lambda: self._session(query.get("id")),
                P["huge"]: lambda: self._huge(chunked=False),
                P["huge_chunked"]: lambda: self._huge(chunked=True),
                P["gzip_bomb"]: self._gzip_bomb,
            }
            if path in special:
                special[path]()
            elif m := CHAIN.fullmatch(path):
                self._chain(int(m.group(1)))
            elif m := PAGINATION.fullmatch(path):
                self._pagination(int(m.group(1)))
            elif DEEP.fullmatch(path):
                self._deep(path)
            elif path in content.pages:
                self._resource(content.pages[path])
            else:
                self._not_found()

        # -- status --------------------------------------------------------------------

        def _not_found(self) -> None:
            text = _layout("404 页面不存在", "<h1>404</h1><p>抱歉，您访问的页面不存在。</p>")
            self._html(404, text)

        def _server_error(self) -> None:
            trace = (
                "<html><head><title>Apache Tomcat/7.0.52 - Error report</title></head><body>"
                "<h1>HTTP Status 500 - </h1><pre>java.lang.NullPointerException\n"
                "\tat com.trs.was.SearchServlet.doGet(SearchServlet.java:118)\n"
                "\tat javax.servlet.http.HttpServlet.service(HttpServlet.java:621)</pre>"
                "</body></html>"
            )
            self._html(500, trace)

        def _busy(self, path: str, status: int) -> None:
            """First attempt busy with Retry-After, the retry served (see HostileSite.busy)."""
            if not site.busy(self.client_address[0], path):
                self._resource(content.pages[path])
                return
            text = _layout("服务器繁忙", "<p>服务器繁忙，请稍后再试。</p>")
            self._html(status, text, [("Retry-After", str(site.retry_after))])

        def _waf_cookie(self, path: str) -> None:
            """The page for a client holding both WAF cookies; the 412 challenge otherwise."""
            if waf_passes(self.headers.get("Cookie", ""), self.headers.get("User-Agent", "")):
                self._resource(content.pages[path])
                return
            issued = f"{WAF_SERVER_COOKIE}={secrets.token_hex(16)}; Path=/; HttpOnly"
            self._html(412, WAF_412_PAGE, [("Set-Cookie", issued)])

        def _too_frequent(self) -> None:
            """A rate limiter's 200 answer, every time: the page is never served."""
            self._html(200, TOO_FREQUENT_PAGE)

        # -- transport -----------------------------------------------------------------

        def _partial_head(self, resource: Resource) -> bytes:
            """Headers promising the whole page; returns the first half to send."""
            self.close_connection = True
            self._head(
                200,
                [
                    ("Content-Type", resource.content_type),
                    ("Content-Length", str(len(resource.body))),
                ],
            )
            return resource.body[: len(resource.body) // 2]

        def _truncated(self) -> None:
            half = self._partial_head(content.pages[P["truncated"]])
            if self.command != "HEAD":
                self.wfile.write(half)  # then the server closes normally: FIN, short body

        def _reset(self) -> None:
            half = self._partial_head(content.pages[P["reset"]])
            if self.command == "HEAD":
                return
            self.wfile.write(half)
            self.wfile.flush()
            linger = struct.pack("ii", 1, 0)  # l_onoff=1, l_linger=0: close sends RST
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
            self.rfile.close()  # drop the makefile reference so close() is the real close
            self.connection.close()

        def _slow_drip(self) -> None:
            resource = content.pages[P["slow_drip"]]
            self.close_connection = True
            self._head(
                200,
                [
                    ("Content-Type", resource.content_type),
                    ("Content-Length", str(len(resource.body))),
                ],
            )
            if self.command == "HEAD":
                return
            for i in range(len(resource.body)):
                if i and site.closing.wait(site.drip_interval):
                    return
                self.wfile.write(resource.body[i : i + 1])

        def _silent(self) -> None:
            site.log(self.command, self.path, 0)
            self.close_connection = True
            site.closing.wait(site.stall_seconds)

        # -- redirects and traps -------------------------------------------------------

        def _chain(self, hop: int) -> None:
            if not 1 <= hop <= site.redirect_hops:
                self._not_found()
                return
            status = (301, 302, 303, 307, 308)[hop % 5]
            if hop == site.redirect_hops:
                target = content.paths["chain_report"]
            elif hop % 3 == 0:
                target = f"http://{self.headers.get('Host', '')}/go/chain_{hop + 1}.html"
            elif hop % 3 == 1:
                target = f"chain_{hop + 1}.html"
            else:
                target = f"/go/chain_{hop + 1}.html"
            self._redirect(status, target)

        def _calendar(self, raw: str) -> None:
            try:
                day = date.fromisoformat(raw)
            except ValueError:
                self._not_found()
                return
            prev, following = day - timedelta(days=1), day + timedelta(days=1)
            inner = (
                f"<h1>政务日历 {day.isoformat()}</h1><p>今日暂无安排。</p>"
                f'<p><a href="/calendar?date={prev.isoformat()}">前一天</a> '
                f'<a href="/calendar?date={following.isoformat()}">后一天</a></p>'
            )
            self._html(200, _layout(f"政务日历 {day.isoformat()}", inner))

        def _pagination(self, n: int) -> None:
            if n < 1:
                self._not_found()
                return
            items = "".join(
                f'<li><a href="{P[k]}">{k}</a></li>'
                for k in ("charset_gb18030", "charset_meta_utf8", "charset_bom")
            )
            pager = f'<a href="list_{n + 1}.html">下一页</a>'
            if n > 1:
                pager = f'<a href="list_{n - 1}.html">上一页</a> ' + pager
            inner = f"<h3>通知公告</h3><ul>{items}</ul><div class='pager'>{pager}</div>"
            self._html(200, _layout(f"通知公告 第{n}页", inner))

        def _session(self, view: str | None) -> None:
            if view is not None and view not in {str(i) for i in range(1, SESSION_PAGES + 1)}:
                self._not_found()
                return
            links = [f'<a href="/hdjl/index.jsp;jsessionid={_sid()}">互动交流首页</a>']
            for i in range(1, SESSION_PAGES + 1):
                links.append(f'<a href="/hdjl/view.jsp;jsessionid={_sid()}?id={i}">访谈{i}</a>')
                links.append(f'<a href="/hdjl/view.jsp?id={i}&amp;sid={_sid()}">访谈{i}</a>')
            title = "在线访谈" if view is None else f"在线访谈（第{view}期）"
            inner = f"<h1>{title}</h1><p>" + " | ".join(links) + "</p>"
            self._html(200, _layout(title, inner), [("Set-Cookie", f"JSESSIONID={_sid()}")])

        def _deep(self, path: str) -> None:
            depth = path.count("a/")
            inner = f'<h1>网站地图</h1><p>第{depth + 1}级栏目</p><p><a href="a/">下级栏目</a></p>'
            self._html(200, _layout("网站地图", inner))

        # -- size ----------------------------------------------------------------------

        def _huge(self, *, chunked: bool) -> None:
            size = site.huge_size
            ctype = "application/pdf" if not chunked else "application/zip"
            framing = ("Transfer-Encoding", "chunked") if chunked else ("Content-Length", str(size))
            self.close_connection = True
            self._head(200, [("Content-Type", ctype), framing])
            if self.command == "HEAD":
                return
            for piece in filler(size):
                if site.closing.is_set():
                    return
                if chunked:
                    self.wfile.write(f"{len(piece):X}\r\n".encode() + piece + b"\r\n")
                else:
                    self.wfile.write(piece)
            if chunked:
                self.wfile.write(b"0\r\n\r\n")

        def _gzip_bomb(self) -> None:
            self._answer(
                200,
                "text/html; charset=utf-8",
                gzip_bomb(site.bomb_size),
                [("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")],
            )

    return HostileHandler


def _sid() -> str:
    """A fresh session id, as a Java container hands out on every response."""
    return secrets.token_hex(16).upper()
