"""What every simulated portal shares: resources, the HTTP handler, ground-truth entries.

A site is built once per seed into a table of immutable `Resource`s (path → bytes and headers)
plus, for the few CMS endpoints that depend on the query or the POST body, a `dynamic()` hook.
Building everything up front is what makes the farm deterministic (same seed → same bytes for
every URL) and cheap to serve from many threads. Bodies never contain the host or port, so one
cached build serves farms on any ports.

The handler speaks the parts of HTTP/1.1 a crawler relies on and real portals get right or wrong:
Content-Length or chunked framing, validators (`ETag`, `Last-Modified`) with 304 answers, gzip
when asked for, a proper 404 page, and robots.txt.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import random
import time as clock
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from govcrawl.demo_farm.reports import GeneratedReport, expected_checks, run_checks
from govcrawl.demo_farm.seeds import SeedPage, seed_truth

STATIC_DIR = Path(__file__).resolve().parent.parent / "assets" / "static"
EPOCH = date(2024, 1, 1)
"""Last-Modified of pages that carry no dated content (home pages, scripts)."""

MIME = {
    "html": "text/html",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "txt": "text/plain",
}
COMPRESSIBLE = ("text/", "application/json", "application/javascript", "application/xml")
LogFn = Callable[[str, str, str, int], None]


def modified_at(day: date) -> datetime:
    """The fixed Last-Modified instant for content published on `day` (09:30 UTC)."""
    return datetime.combine(day, time(9, 30), tzinfo=UTC)


@dataclass(frozen=True)
class Resource:
    """One answer a site gives: payload bytes as sent before content coding, plus headers."""

    body: bytes
    content_type: str
    last_modified: datetime = field(default_factory=lambda: modified_at(EPOCH))
    headers: tuple[tuple[str, str], ...] = ()
    chunked: bool = False
    status: int = 200

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:20] + '"'


def html_resource(
    text: str,
    *,
    day: date = EPOCH,
    charset: str = "utf-8",
    declared: str | None = None,
    chunked: bool = False,
    status: int = 200,
) -> Resource:
    """An HTML page encoded in `charset`; `declared` is the charset the header claims (may lie)."""
    body = text.encode(charset, errors="xmlcharrefreplace")
    label = declared or charset.upper().replace("UTF-8", "utf-8")
    return Resource(
        body, f"text/html; charset={label}", modified_at(day), chunked=chunked, status=status
    )


def file_resource(body: bytes, fmt: str, *, day: date, headers: tuple = ()) -> Resource:
    """An attachment in format `fmt` (pdf, docx, …) with its proper media type."""
    ctype = MIME[fmt] + ("; charset=utf-8" if fmt == "txt" else "")
    return Resource(body, ctype, modified_at(day), headers=headers)


def static_resource(name: str, content_type: str) -> Resource:
    """A file shipped under assets/static/ (scripts, style sheets)."""
    return Resource((STATIC_DIR / name).read_bytes(), content_type)


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def site_rng(seed: int, site: str) -> random.Random:
    """A random stream private to one site, so sites do not shift each other's choices."""
    return random.Random(f"govcrawl-demo-farm:{seed}:{site}")


DECOY_OPENINGS = (
    "为深入贯彻落实党中央、国务院关于全面推进政务公开工作的决策部署，结合本单位实际，现将有关情况通报如下。",
    "根据上级部门统一安排，现将本年度相关工作情况和下一步打算公布如下，请各单位结合实际认真抓好落实。",
    "按照年度工作计划，在上级主管部门的正确领导下，全体干部职工齐心协力，各项工作取得了新的进展。",
)
DECOY_POINTS = (
    "加强组织领导，明确分管领导和具体工作人员，层层压实工作责任。",
    "围绕重点任务，细化工作措施，确保各项目标任务按期完成。",
    "强化督促检查，定期通报工作进展，对发现的问题及时督促整改。",
    "提升服务水平，优化办事流程，切实增强人民群众的获得感和满意度。",
    "加强队伍建设，组织开展业务培训，不断提高干部职工的业务能力。",
    "做好资金保障，严格执行预算管理制度，提高财政资金使用效益。",
    "推进信息化建设，充分发挥门户网站和政务新媒体的平台作用。",
)


DECOY_KINDS = (
    (
        "统计公报",
        "初步核算，全年地区生产总值比上年增长，第一产业、第二产业、第三产业增加值稳步提升。",
    ),
    ("预算", "现将本部门预算情况公开如下，包括部门职责、机构设置、收支预算总表和“三公”经费说明。"),
    ("决算", "现将本部门决算情况公开如下，包括收入支出决算总表、财政拨款收支情况和名词解释。"),
    (
        "企业年度报告",
        "本企业依据《企业信息公示暂行条例》公示年度报告，内容包括企业基本信息和资产状况。",
    ),
    ("指南", "为方便公民、法人和其他组织依法获取政府信息，特编制本指南，请按指南提出申请。"),
)


def decoy_body_html(title: str, agency: str, rng: random.Random) -> str:
    """Plausible prose for a page that is not an annual report: numbered points, no tables."""
    kind = next((text for word, text in DECOY_KINDS if word in title), None)
    parts = [f"<p>{esc(kind or rng.choice(DECOY_OPENINGS))}</p>"]
    numerals = "一二三四五"
    for i, point in enumerate(rng.sample(DECOY_POINTS, 4)):
        parts.append(f"<p>{numerals[i]}、{esc(point)}</p>")
    parts.append(f"<p>特此公告。</p><p style='text-align:right'>{esc(agency)}</p>")
    return "\n".join(parts)


def report_entry(
    site: str, path: str, kind: str, fmt: str, report: GeneratedReport, **extra: Any
) -> dict:
    """A ground-truth row for one served copy of a generated report (url filled by the farm)."""
    entry = {
        "site": site,
        "path": path,
        "kind": kind,
        "format": fmt,
        "title": report.title,
        "agency": report.agency,
        "year": report.year,
        "template": report.template,
        "tables": {name: dict(values) for name, values in report.tables.items()},
        "broken": report.broken,
        "checks": dict(expected_checks(report)),
        "seed": None,
        "parent_path": None,
    }
    entry.update(extra)
    return entry


def seed_entry(site: str, path: str, kind: str, seed: SeedPage, **extra: Any) -> dict:
    """A ground-truth row for a seed page, its facts taken from the content helper's truth."""
    truth = seed_truth(seed.seed_id)
    tables = truth["tables"] or None
    template = truth["template"]
    checks = dict(run_checks(template, tables)) if template and tables else {}
    entry = {
        "site": site,
        "path": path,
        "kind": kind,
        "format": "html",
        "title": truth["title"],
        "agency": truth["agency"],
        "year": truth["year"],
        "template": template,
        "tables": tables,
        "broken": not all(checks.values()),
        "checks": checks,
        "seed": seed.seed_id,
        "parent_path": None,
    }
    entry.update(extra)
    return entry


class Site:
    """A simulated portal: static resources, optional dynamic endpoints, truth and decoys."""

    key: str = ""
    name: str = ""
    charset: str = "utf-8"
    gzip: bool = False
    disallow: tuple[str, ...] = ()

    def __init__(self) -> None:
        self.pages: dict[str, Resource] = {}
        self.truth: list[dict] = []
        self.decoys: list[dict] = []

    def add(self, path: str, resource: Resource) -> None:
        if path in self.pages:
            raise ValueError(f"{self.key}: duplicate path {path}")
        self.pages[path] = resource

    def add_decoy(self, path: str, title: str, note: str | None = None) -> None:
        entry = {"site": self.key, "path": path, "title": title}
        if note:
            entry["note"] = note
        self.decoys.append(entry)

    def robots(self) -> Resource:
        lines = ["User-agent: *"]
        lines += [f"Disallow: {p}" for p in self.disallow] or ["Disallow:"]
        return Resource(("\n".join(lines) + "\n").encode(), "text/plain; charset=utf-8")

    def not_found_html(self) -> str:
        return (
            f"<!DOCTYPE html><html><head><meta charset='{self.charset}'>"
            f"<title>404 页面不存在 - {esc(self.name)}</title></head><body>"
            f"<div class='error'><h1>404</h1><p>抱歉，您访问的页面不存在或已被删除。</p>"
            f"<p><a href='/'>返回首页</a></p></div></body></html>"
        )

    def not_found(self) -> Resource:
        return html_resource(self.not_found_html(), charset=self.charset, status=404)

    def dynamic(
        self, method: str, path: str, query: Mapping[str, str], form: Mapping[str, str]
    ) -> Resource | None:
        """Endpoints whose answer depends on the query or body; None means not handled."""
        return None

    def resolve(
        self, method: str, path: str, query: Mapping[str, str], form: Mapping[str, str]
    ) -> Resource:
        answer = self.dynamic(method, path, query, form)
        if answer is not None:
            return answer
        if path == "/robots.txt":
            return self.robots()
        page = self.pages.get(path)
        if page is None:
            return self.not_found()
        if method == "POST":
            return Resource(b"Method Not Allowed\n", "text/plain; charset=utf-8", status=405)
        return page


def _first_values(raw: str, encoding: str = "utf-8") -> dict[str, str]:
    parsed = parse_qs(raw, keep_blank_values=True, encoding=encoding, errors="replace")
    return {k: v[0] for k, v in parsed.items()}


def _accepts_gzip(header: str | None) -> bool:
    for part in (header or "").split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "x-gzip", "*"):
            return params.replace(" ", "").lower() not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def _not_modified(headers: Any, resource: Resource) -> bool:
    inm = headers.get("If-None-Match")
    if inm is not None:
        tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
        return "*" in tags or resource.etag in tags
    ims = headers.get("If-Modified-Since")
    if ims:
        try:
            since = parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        return resource.last_modified <= since
    return False


def make_handler(site: Site, log: LogFn, latency: float = 0.0) -> type[BaseHTTPRequestHandler]:
    """A request-handler class bound to one site and the farm's request log.

    `latency` (seconds before each answer) makes a site latency-bound like a distant portal,
    which is what crawler benchmarks need to compare concurrency rather than CPU.
    """

    class SiteHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = {"trs": "TRS WCM", "hanweb": "Hanweb-jcms", "vsb": "VSB"}.get(
            site.key, "nginx"
        )
        timeout = 30

        def version_string(self) -> str:
            return self.server_version

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the farm keeps its own request log."""

        def do_GET(self) -> None:
            self._serve("GET")

        def do_HEAD(self) -> None:
            self._serve("HEAD")

        def do_POST(self) -> None:
            self._serve("POST")

        def _serve(self, method: str) -> None:
            if latency:
                clock.sleep(latency)
            split = urlsplit(self.path)
            query = _first_values(split.query)
            form: dict[str, str] = {}
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                form = _first_values(self.rfile.read(length).decode("latin-1"), "utf-8")
            resource = site.resolve(method, split.path, query, form)
            if (
                method in ("GET", "HEAD")
                and resource.status == 200
                and _not_modified(self.headers, resource)
            ):
                self._send(method, self.path, resource, 304, b"")
                return
            body = resource.body
            coded = False
            if (
                site.gzip
                and resource.content_type.startswith(COMPRESSIBLE)
                and len(body) > 256
                and _accepts_gzip(self.headers.get("Accept-Encoding"))
            ):
                body = gzip.compress(body, mtime=0)
                coded = True
            self._send(method, self.path, resource, resource.status, body, coded)

        def _send(
            self,
            method: str,
            target: str,
            resource: Resource,
            status: int,
            body: bytes,
            coded: bool = False,
        ) -> None:
            # `target` is the request target (path and query); logged before answering, since a
            # client may inspect the log as soon as it has the response
            log(site.key, method, target, status)
            self.send_response(status)
            if status != 304:
                self.send_header("Content-Type", resource.content_type)
            if status in (200, 304):
                self.send_header("ETag", resource.etag)
                self.send_header(
                    "Last-Modified", format_datetime(resource.last_modified, usegmt=True)
                )
            for name, value in resource.headers:
                self.send_header(name, value)
            if site.gzip:
                self.send_header("Vary", "Accept-Encoding")
            if coded:
                self.send_header("Content-Encoding", "gzip")
            chunked = resource.chunked and status == 200 and self.request_version != "HTTP/1.0"
            if chunked:
                self.send_header("Transfer-Encoding", "chunked")
            elif status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if method != "HEAD" and status != 304:
                if chunked:
                    for start in range(0, len(body), 4096):
                        piece = body[start : start + 4096]
                        self.wfile.write(f"{len(piece):X}\r\n".encode() + piece + b"\r\n")
                    self.wfile.write(b"0\r\n\r\n")
                else:
                    self.wfile.write(body)

    return SiteHandler
