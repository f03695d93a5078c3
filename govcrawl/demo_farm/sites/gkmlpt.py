"""A Guangdong-style 政府信息公开目录平台 (gkmlpt) portal, UTF-8.

gkmlpt particulars (the shape shared by the Guangdong/Shenzhen disclosure catalogues): the
catalogue page `/gkmlpt/index` is a shell whose list is filled by script from
`GET /gkmlpt/api/all/{catId}?page=N&sid=SID` → `{"articles": [{"id", "title", "url",
"date", "publisher", …}], "total": T, "page": N}`; the site id `SID` appears only in the
shell's inline config, the catalogue id only in URL fragments (`/gkmlpt/index#2811`), and
article URLs carry the catalogue as a fragment too:
`/gkmlpt/content/{id // 10**6}/{id // 1000}/post_{id}.html#2811`. Article pages have the
catalogue's 索引号/发布机构 table above `div.article-content`; attachments are
`/attachment/0/{n // 1000}/{n}/{m}.pdf`. A 政府信息公开指南 catalogue holds decoys only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date

from govcrawl.demo_farm.render import render_html_body, render_pdf
from govcrawl.demo_farm.sites.base import (
    Resource,
    Site,
    decoy_body_html,
    esc,
    file_resource,
    html_resource,
    modified_at,
    report_entry,
    site_rng,
)
from govcrawl.demo_farm.sites.chrome import Portal, site_chrome
from govcrawl.demo_farm.sites.common import site_decoys, site_reports, unique_number

PORTAL = "庆阳市人民政府"
SID = "621000"
PAGE_SIZE = 5
REPORTS_CAT = 2811
GUIDE_CAT = 2810
CATALOGUES = ((GUIDE_CAT, "政府信息公开指南"), (REPORTS_CAT, "政府信息公开年报"))
API_PREFIX = "/gkmlpt/api/all/"


class GkmlptSite(Site):
    """The catalogue portal; the list API pages each catalogue's `articles`."""

    key = "gkmlpt"
    name = PORTAL

    def __init__(self) -> None:
        super().__init__()
        self.catalogues: dict[int, list[dict]] = {cat: [] for cat, _ in CATALOGUES}
        """catId → API articles, newest first."""

    def dynamic(
        self, method: str, path: str, query: Mapping[str, str], form: Mapping[str, str]
    ) -> Resource | None:
        if not path.startswith(API_PREFIX) or method == "POST":
            return None
        tail = path.removeprefix(API_PREFIX)
        if not tail.isdigit() or int(tail) not in self.catalogues:
            return _json({"code": 404, "msg": "栏目不存在"}, status=404)
        if query.get("sid") != SID:
            return _json({"code": 400, "msg": "站点参数错误"}, status=400)
        try:
            page = max(1, int(query.get("page") or 1))
        except ValueError:
            page = 1
        articles = self.catalogues[int(tail)]
        chunk = articles[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        newest = max((date.fromisoformat(a["date"]) for a in chunk), default=date(2024, 1, 1))
        payload = {"articles": chunk, "total": len(articles), "page": page, "classify": {}}
        return _json(payload, day=newest)


def _json(payload: dict, *, status: int = 200, day: date = date(2024, 1, 1)) -> Resource:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return Resource(body, "application/json; charset=utf-8", modified_at(day), status=status)


CHROME = Portal(
    key="gkmlpt",
    name=PORTAL,
    site_code="6210000001",
    icp="陇ICP备05001234号",
    path_style="/{group}/{code}/",
    columns=(
        ("政务公开", "/gkmlpt/index"),
        ("年报", f"/gkmlpt/index#{REPORTS_CAT}"),
        ("互动交流", "/hdjl/"),
    ),
    host="www.zgqingyang.gov.cn",
)


def _layout(title: str, inner: str, head: str = "") -> str:
    chrome = site_chrome(CHROME)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">\n'
        f"<title>{esc(title)}</title>\n"
        f'<meta name="SiteName" content="{PORTAL}">\n{chrome.head}{head}</head><body>\n'
        f"{chrome.top}"
        f'<div class="header"><div class="logo">{PORTAL}</div></div>\n'
        f"{inner}\n"
        f"{chrome.bottom}"
        "</body></html>\n"
    )


def _article(title: str, agency: str, day: date, body: str, index: str, attachment: str) -> str:
    inner = (
        '<div class="position">当前位置：<a href="/">首页</a> &gt; '
        '<a href="/gkmlpt/index">政府信息公开目录</a></div>\n'
        '<div class="content-box"><table class="classify"><tbody>'
        f"<tr><td>索引号：</td><td>{esc(index)}</td><td>分类：</td><td>政府信息公开年报</td></tr>"
        f"<tr><td>发布机构：</td><td>{esc(agency)}</td><td>成文日期：</td>"
        f"<td>{day.isoformat()}</td></tr>"
        f"<tr><td>名称：</td><td colspan='3'>{esc(title)}</td></tr></tbody></table>\n"
        f'<h1 class="title">{esc(title)}</h1>\n'
        f'<div class="date-row">发布时间：{day.isoformat()} 来源：{esc(agency)} '
        '<span class="font">字号：<a href="javascript:;">大</a> <a href="javascript:;">中</a> '
        '<a href="javascript:;">小</a></span></div>\n'
        f'<div class="article-content">{body}</div>{attachment}'
        '<div class="tools"><a href="javascript:window.print()">打印</a> '
        '<a href="javascript:window.close()">关闭</a></div></div>'
    )
    return _layout(title, inner)


def _shell() -> str:
    tree = "".join(
        f'<li><a href="#{cat}" data-id="{cat}">{label}</a></li>' for cat, label in CATALOGUES
    )
    head = (
        "<script>\nwindow._CONFIG = {\n"
        f"  SID: '{SID}',\n  SITE_NAME: '{PORTAL}',\n  API: '/gkmlpt/api/all/',\n"
        "  PAGE_SIZE: 5\n};\n</script>\n"
        '<script src="/gkmlpt/static/js/gkml.js"></script>\n'
    )
    inner = (
        '<div class="gkml"><div class="left"><h3>政府信息公开目录</h3>'
        f'<ul class="tree">{tree}</ul></div>'
        '<div class="right"><div id="articles" class="list"></div>'
        '<div id="pagination"></div></div></div>'
    )
    return _layout(f"政府信息公开目录_{PORTAL}", inner, head)


GKML_JS = """(function () {
  var cfg = window._CONFIG;
  function load(cat, page) {
    fetch(cfg.API + cat + '?page=' + page + '&sid=' + cfg.SID)
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var box = document.getElementById('articles');
        box.innerHTML = data.articles.map(function (a) {
          return '<li><a href="' + a.url + '" title="' + a.title + '">' + a.title +
            '</a><span>' + a.date + '</span></li>';
        }).join('');
        var pages = Math.ceil(data.total / cfg.PAGE_SIZE), html = '';
        for (var i = 1; i <= pages; i++) { html += '<a data-page="' + i + '">' + i + '</a>'; }
        document.getElementById('pagination').innerHTML = html;
      });
  }
  window.addEventListener('hashchange', function () { load(location.hash.slice(1), 1); });
  if (location.hash) { load(location.hash.slice(1), 1); }
})();
"""


def build(seed: int) -> GkmlptSite:
    site = GkmlptSite()
    rng = site_rng(seed, site.key)
    used: set[int] = set()
    reports = site_reports(seed, site.key, 8, "庆阳市")

    def post_path() -> tuple[str, int]:
        n = unique_number(rng, used, 1_000_000, 9_999_999)
        return f"/gkmlpt/content/{n // 10**6}/{n // 1000}/post_{n}.html", n

    def listed(cat: int, path: str, n: int, title: str, agency: str, day: date) -> None:
        site.catalogues[cat].append(
            {
                "id": n,
                "title": title,
                "url": f"{path}#{cat}",
                "date": day.isoformat(),
                "publisher": agency,
                "identifier": f"11621000MB{n % 10**7:07d}/{day.year}-{n % 1000:05d}",
            }
        )

    for i, report in enumerate(reports):
        path, n = post_path()
        attachment = ""
        if i % 4 == 2:
            m = unique_number(rng, used, 1_000_000, 9_999_999)
            pdf_path = f"/attachment/0/{n // 1000 % 1000}/{n % 10**6}/{m}.pdf"
            site.add(pdf_path, file_resource(render_pdf(report), "pdf", day=report.published))
            site.truth.append(
                report_entry(site.key, pdf_path, "attachment", "pdf", report, parent_path=path)
            )
            attachment = (
                '<div class="attachment"><p>附件：</p>'
                f'<p><a href="{pdf_path}">{esc(report.title)}.pdf</a></p></div>'
            )
        body = render_html_body(report, variant=i % 3)
        index = f"11621000MB{n % 10**7:07d}/{report.year + 1}-{n % 1000:05d}"
        page = _article(report.title, report.agency, report.published, body, index, attachment)
        site.add(path, html_resource(page, day=report.published))
        site.truth.append(report_entry(site.key, path, "portal", "html", report))
        listed(REPORTS_CAT, path, n, report.title, report.agency, report.published)

    decoys = site_decoys(seed, rng, reports, 5)
    for j, decoy in enumerate(decoys):
        cat = REPORTS_CAT if j < 3 else GUIDE_CAT
        path, n = post_path()
        body = decoy_body_html(decoy.title, decoy.agency, rng)
        index = f"11621000MB{n % 10**7:07d}/{decoy.published.year}-{n % 1000:05d}"
        page = _article(decoy.title, decoy.agency, decoy.published, body, index, "")
        site.add(path, html_resource(page, day=decoy.published))
        site.add_decoy(path, decoy.title)
        listed(cat, path, n, decoy.title, decoy.agency, decoy.published)

    for articles in site.catalogues.values():
        articles.sort(key=lambda a: (a["date"], a["url"]), reverse=True)
    _static_pages(site)
    return site


def _static_pages(site: GkmlptSite) -> None:
    site.add("/gkmlpt/index", html_resource(_shell()))
    site.add(
        "/gkmlpt/static/js/gkml.js",
        Resource(GKML_JS.encode("utf-8"), "application/javascript; charset=utf-8"),
    )
    home = (
        '<div class="main"><div class="col"><h3>政务公开</h3><ul>'
        '<li><a href="/gkmlpt/index">政府信息公开目录</a></li>'
        f'<li><a href="/gkmlpt/index#{REPORTS_CAT}">政府信息公开年报</a></li>'
        f'<li><a href="/gkmlpt/index#{GUIDE_CAT}">政府信息公开指南</a></li></ul></div>'
        '<div class="col"><h3>互动交流</h3><ul><li><a href="/hdjl/">市长信箱</a></li></ul></div>'
        "</div>"
    )
    site.add("/", html_resource(_layout(PORTAL, home)))
    hdjl = '<div class="main"><h2>互动交流</h2><p>市长信箱、网上调查。</p></div>'
    site.add("/hdjl/", html_resource(_layout(f"互动交流_{PORTAL}", hdjl)))
