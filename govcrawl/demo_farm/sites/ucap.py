"""A 开普云 (Ucap) county portal, UTF-8 — a modelled variant, not a copy of a real site.

What the crawler has to cope with (list and URL shapes as Ucap-built portals show them;
the generator markers are modelled, since no real page source was at hand): static `.shtml`
list pages `index.shtml`, `index_2.shtml` … `index_N.shtml` (page 1 has no number, page 2 is
`_2`, unlike TRS's `_1`), a `<div class="page">` pager that shows only 首页/上一页/下一页/尾页
and the current page, and the page count again in an inline `var countPage = N` script.
Articles are `/art/YYYY/M/D/art_{column}_{n}.shtml` or, for items migrated from an older
system, `/xxgk/ndbg/YYYYMM/tYYYYMMDD_{n}.shtml`; the body sits in `div#zoom`. A 工作要点
column beside the report column holds decoys only.
"""

from __future__ import annotations

import math
from datetime import date

from govcrawl.demo_farm.render import render_html_body, render_pdf
from govcrawl.demo_farm.sites.base import (
    Site,
    decoy_body_html,
    esc,
    file_resource,
    html_resource,
    report_entry,
    site_rng,
)
from govcrawl.demo_farm.sites.chrome import Portal, site_chrome
from govcrawl.demo_farm.sites.common import site_decoys, site_reports, unique_number

PORTAL = "静宁县人民政府"
PER_PAGE = 4
COLUMN = 4512


class UcapSite(Site):
    """The county portal; everything is static once built."""

    key = "ucap"
    name = PORTAL


CHROME = Portal(
    key="ucap",
    name=PORTAL,
    site_code="6208260001",
    icp="陇ICP备09001234号",
    path_style="/{group}/{code}/index.shtml",
    columns=(
        ("首页", "/index.shtml"),
        ("政务公开", "/xxgk/index.shtml"),
        ("年报", "/xxgk/ndbg/index.shtml"),
        ("互动交流", "/hdjl/index.shtml"),
    ),
    host="www.jingning.gov.cn",
)


def _layout(title: str, inner: str) -> str:
    chrome = site_chrome(CHROME)
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">\n'
        f"<title>{esc(title)}</title>\n"
        '<meta name="Generator" content="Ucap CMS">\n'
        f'<meta name="SiteName" content="{PORTAL}">\n'
        f"{chrome.head}"
        '<link rel="stylesheet" href="/ucap/site/css/common.css">\n'
        '<script src="/ucap/site/js/ucap.page.js"></script>\n'
        "</head><body>\n"
        f"{chrome.top}"
        f'<div class="header"><div class="logo">{PORTAL}</div></div>\n'
        f"{inner}\n"
        '<div class="footer">技术支持：开普云</div>\n'
        f"{chrome.bottom}</body></html>\n"
    )


def _pager(column: str, current: int, count: int) -> str:
    def name(i: int) -> str:
        return "index.shtml" if i == 1 else f"index_{i}.shtml"

    links = [f'<a href="/xxgk/{column}/index.shtml">首页</a>']
    if current > 1:
        links.append(f'<a href="/xxgk/{column}/{name(current - 1)}">上一页</a>')
    links.append(f'<span class="current">{current}</span>')
    if current < count:
        links.append(f'<a href="/xxgk/{column}/{name(current + 1)}">下一页</a>')
    links.append(f'<a href="/xxgk/{column}/{name(count)}">尾页</a>')
    return (
        f'<div class="page">{" ".join(links)} <span>共{count}页</span></div>\n'
        f"<script>\nvar countPage = {count}//共多少页\nvar currentPage = {current};\n"
        'var pageName = "index"; var pageExt = "shtml";\n</script>'
    )


def _list_page(column: str, heading: str, items: list, current: int, count: int) -> str:
    lis = "\n".join(
        f'<li><a href="{path}" target="_blank" title="{esc(title)}">{esc(title)}</a>'
        f"<span class='date'>{day.isoformat()}</span></li>"
        for path, title, day in items
    )
    inner = (
        '<div class="position">当前位置：<a href="/index.shtml">首页</a> &gt; '
        f'<a href="/xxgk/index.shtml">政府信息公开</a> &gt; {esc(heading)}</div>\n'
        f'<div class="list"><ul>\n{lis}\n</ul>\n{_pager(column, current, count)}</div>'
    )
    return _layout(f"{heading}-{PORTAL}", inner)


def _article(title: str, agency: str, day: date, body: str, attachment: str) -> str:
    inner = (
        '<div class="position">当前位置：<a href="/index.shtml">首页</a> &gt; '
        '<a href="/xxgk/ndbg/index.shtml">政府信息公开年报</a></div>\n'
        f'<div class="article"><h1 class="title">{esc(title)}</h1>'
        f'<div class="info">发布时间：{day.isoformat()}　来源：{esc(agency)}　'
        "浏览次数：<span id='ucapViewCount'></span>　"
        '字号：<a href="javascript:;">大</a> <a href="javascript:;">中</a> '
        '<a href="javascript:;">小</a></div>\n'
        f'<div id="zoom" class="content">{body}</div>{attachment}'
        '<div class="tools"><a href="javascript:window.print()">【打印本页】</a> '
        '<a href="javascript:window.close()">【关闭窗口】</a></div></div>'
    )
    return _layout(title, inner)


def build(seed: int) -> UcapSite:
    site = UcapSite()
    rng = site_rng(seed, site.key)
    used: set[int] = set()
    reports = site_reports(seed, site.key, 10, "平凉市")
    listed: list[tuple[str, str, date]] = []

    def article_path(day: date, migrated: bool) -> str:
        n = unique_number(rng, used, 100000, 999999)
        if migrated:
            return f"/xxgk/ndbg/{day:%Y%m}/t{day:%Y%m%d}_{n}.shtml"
        return f"/art/{day.year}/{day.month}/{day.day}/art_{COLUMN}_{n}.shtml"

    for i, report in enumerate(reports):
        path = article_path(report.published, migrated=i % 4 == 3)
        attachment = ""
        if i % 5 == 1:
            n = unique_number(rng, used, 100000, 999999)
            pdf_path = f"/uploadfiles/{report.published:%Y/%m}/{n}.pdf"
            site.add(pdf_path, file_resource(render_pdf(report), "pdf", day=report.published))
            site.truth.append(
                report_entry(site.key, pdf_path, "attachment", "pdf", report, parent_path=path)
            )
            attachment = (
                '<div class="fj">附件：'
                f'<a href="{pdf_path}" target="_blank">{esc(report.title)}.pdf</a></div>'
            )
        body = render_html_body(report, variant=i % 3)
        page = _article(report.title, report.agency, report.published, body, attachment)
        site.add(path, html_resource(page, day=report.published))
        site.truth.append(report_entry(site.key, path, "portal", "html", report))
        listed.append((path, report.title, report.published))

    decoys = site_decoys(seed, rng, reports, 6)
    guide: list[tuple[str, str, date]] = []
    for j, decoy in enumerate(decoys):
        path = article_path(decoy.published, migrated=False)
        body = decoy_body_html(decoy.title, decoy.agency, rng)
        page = _article(decoy.title, decoy.agency, decoy.published, body, "")
        site.add(path, html_resource(page, day=decoy.published))
        site.add_decoy(path, decoy.title)
        (listed if j < 3 else guide).append((path, decoy.title, decoy.published))

    _column(site, "ndbg", "政府信息公开年报", listed)
    _column(site, "gzyd", "政务公开工作要点", guide)
    _static_pages(site)
    return site


def _column(site: UcapSite, column: str, heading: str, items: list) -> None:
    items.sort(key=lambda item: (item[2], item[0]), reverse=True)
    count = max(1, math.ceil(len(items) / PER_PAGE))
    for current in range(1, count + 1):
        chunk = items[(current - 1) * PER_PAGE : current * PER_PAGE]
        page = html_resource(
            _list_page(column, heading, chunk, current, count), day=max(d for _, _, d in chunk)
        )
        name = "index.shtml" if current == 1 else f"index_{current}.shtml"
        site.add(f"/xxgk/{column}/{name}", page)


def _static_pages(site: UcapSite) -> None:
    home = (
        '<div class="main"><div class="block"><h3>政务公开</h3><ul>'
        '<li><a href="/xxgk/index.shtml">政府信息公开</a></li>'
        '<li><a href="/xxgk/ndbg/index.shtml">政府信息公开年报</a></li></ul></div></div>'
    )
    site.add("/", html_resource(_layout(PORTAL, home)))
    site.add("/index.shtml", site.pages["/"])
    xxgk = (
        '<div class="main"><h2>政府信息公开</h2><ul>'
        '<li><a href="/xxgk/ndbg/index.shtml">政府信息公开年报</a></li>'
        '<li><a href="/xxgk/gzyd/index.shtml">政务公开工作要点</a></li></ul></div>'
    )
    site.add("/xxgk/index.shtml", html_resource(_layout(f"政府信息公开-{PORTAL}", xxgk)))
    hdjl = '<div class="main"><h2>互动交流</h2><p>县长信箱、在线访谈。</p></div>'
    site.add("/hdjl/index.shtml", html_resource(_layout(f"互动交流-{PORTAL}", hdjl)))
