"""A portal whose list exists only after JavaScript runs.

The list page is an empty shell; `/static/list.js` fetches `/api/reports?page=N&size=10` and
writes the links. A crawler either renders the page in a browser or calls the JSON API itself;
reading the shell's HTML finds nothing. Article pages are plain HTML.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import date

from govcrawl.demo_farm.render import render_html_body
from govcrawl.demo_farm.sites.base import (
    Resource,
    Site,
    decoy_body_html,
    esc,
    html_resource,
    modified_at,
    report_entry,
    site_rng,
    static_resource,
)
from govcrawl.demo_farm.sites.chrome import Portal, site_chrome
from govcrawl.demo_farm.sites.common import site_decoys, site_reports, unique_number

PORTAL = "平凉市人民政府"
DEFAULT_SIZE = 10
MAX_SIZE = 50


class JsPortalSite(Site):
    """The JS-only portal; `/api/reports` pages through `items` per request."""

    key = "jsportal"
    name = PORTAL

    def __init__(self) -> None:
        super().__init__()
        self.items: list[dict] = []
        """API items, newest first: {"title", "url", "date"}."""

    def dynamic(
        self, method: str, path: str, query: Mapping[str, str], form: Mapping[str, str]
    ) -> Resource | None:
        if path != "/api/reports" or method == "POST":
            return None
        try:
            page = int(query.get("page") or 1)
            size = int(query.get("size") or DEFAULT_SIZE)
        except ValueError:
            page = size = 0
        if page < 1 or not 1 <= size <= MAX_SIZE:
            error = {"error": "bad page or size", "max_size": MAX_SIZE}
            return Resource(
                json.dumps(error).encode(), "application/json; charset=utf-8", status=400
            )
        chunk = self.items[(page - 1) * size : page * size]
        payload = {"total": len(self.items), "page": page, "size": size, "items": chunk}
        newest = max((date.fromisoformat(i["date"]) for i in chunk), default=date(2024, 1, 1))
        return Resource(
            json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            "application/json; charset=utf-8",
            modified_at(newest),
            chunked=True,
        )


CHROME = Portal(
    key="jsportal",
    name=PORTAL,
    site_code="6208000001",
    icp="陇ICP备06001234号",
    path_style="/{group}/{code}.html",
    columns=(
        ("政务公开", "/xxgk/ndbg/list.html?page=1"),
        ("年报", "/xxgk/ndbg/list.html?page=1"),
        ("互动交流", "/hdjl.html"),
    ),
    host="www.pingliang.gov.cn",
)


def _page(title: str, inner: str, head: str = "", *, shell: bool = False) -> str:
    """A page; the list shell carries the chrome as script state, so it stays a shell."""
    chrome = site_chrome(CHROME, spa=shell)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">\n'
        f"<title>{esc(title)}</title>\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"{chrome.head}{head}</head><body>\n"
        f"{chrome.top}"
        f'<header><div class="brand">{PORTAL}</div></header>\n'
        f"<main>{inner}</main>\n"
        f"{chrome.bottom}</body></html>\n"
    )


def _article(title: str, agency: str, day: date, body: str) -> str:
    inner = (
        f'<article><h1>{esc(title)}</h1><div class="meta">发布时间：{day.isoformat()}'
        f'　来源：{esc(agency)}</div>\n<div class="article-body">\n{body}\n</div></article>'
    )
    return _page(title, inner)


def build(seed: int) -> JsPortalSite:
    site = JsPortalSite()
    rng = site_rng(seed, site.key)
    used: set[int] = set()
    reports = site_reports(seed, site.key, 12, "平凉市")
    entries: list[tuple[str, str, date]] = []

    for i, report in enumerate(reports):
        path = f"/content/{unique_number(rng, used, 100000, 999999)}.html"
        page = _article(
            report.title, report.agency, report.published, render_html_body(report, variant=i % 2)
        )
        site.add(path, html_resource(page, day=report.published))
        site.truth.append(report_entry(site.key, path, "portal", "html", report))
        entries.append((path, report.title, report.published))

    for decoy in site_decoys(seed, rng, reports, 2):
        path = f"/content/{unique_number(rng, used, 100000, 999999)}.html"
        body = decoy_body_html(decoy.title, decoy.agency, rng)
        site.add(
            path,
            html_resource(
                _article(decoy.title, decoy.agency, decoy.published, body), day=decoy.published
            ),
        )
        site.add_decoy(path, decoy.title)
        entries.append((path, decoy.title, decoy.published))

    entries.sort(key=lambda item: (item[2], item[0]), reverse=True)
    site.items = [{"title": t, "url": p, "date": d.isoformat()} for p, t, d in entries]

    pages = math.ceil(len(entries) / DEFAULT_SIZE)
    shell = (
        '<h2>政府信息公开年报</h2><div id="report-list"></div>'
        f"<noscript>本栏目共{pages}页，请启用JavaScript后浏览。</noscript>\n"
        '<script src="/static/list.js"></script>'
    )
    site.add(
        "/xxgk/ndbg/list.html",
        html_resource(_page(f"政府信息公开年报-{PORTAL}", shell, shell=True)),
    )
    home = (
        '<section><h2>政务公开</h2><ul><li><a href="/xxgk/ndbg/list.html?page=1">'
        "政府信息公开年报</a></li></ul></section>"
    )
    site.add("/", html_resource(_page(PORTAL, home)))
    hdjl = "<section><h2>互动交流</h2><p>市长信箱、在线访谈。</p></section>"
    site.add("/hdjl.html", html_resource(_page(f"互动交流-{PORTAL}", hdjl)))
    site.add("/static/list.js", static_resource("jsportal/list.js", "application/javascript"))
    return site
