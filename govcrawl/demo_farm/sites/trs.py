"""A TRS WCM city portal (定西市-like), UTF-8.

What makes TRS sites distinctive for a crawler: list pages `index.html`, `index_1.html`, …
whose pager is not markup but a `createPageHTML(...)` call (4 arguments in one column,
6 in another), articles under `YYYYMM/tYYYYMMDD_NNNNNN.html` in nested layout tables full of
chrome (breadcrumb, 字号 大 中 小, 打印本页, 分享到, 责任编辑), the body in `div.TRS_Editor`, and
attachments named `P0…pdf` next to the article. A draft under /private/ is fenced by robots.txt.
"""

from __future__ import annotations

import math
from datetime import date

from govcrawl.demo_farm.render import render_html_body, render_pdf
from govcrawl.demo_farm.seeds import seed_body_html
from govcrawl.demo_farm.sites.base import (
    Site,
    decoy_body_html,
    esc,
    file_resource,
    html_resource,
    report_entry,
    seed_entry,
    site_rng,
    static_resource,
)
from govcrawl.demo_farm.sites.chrome import Portal, site_chrome
from govcrawl.demo_farm.sites.common import (
    seed_published,
    seeds_by_id,
    site_decoys,
    site_reports,
    unique_number,
)

PER_PAGE = 6
CITY = "定西市人民政府"


class TrsSite(Site):
    """The city portal; everything is static once built."""

    key = "trs"
    name = CITY
    gzip = True
    disallow = ("/private/",)


CHROME = Portal(
    key="trs",
    name=CITY,
    site_code="6211000001",
    icp="陇ICP备05000123号",
    path_style="/{group}/{code}/",
    columns=(
        ("政务公开", "/xxgk/"),
        ("年报", "/xxgk/ndbg/"),
        ("互动交流", "/hdjl/"),
        ("政务服务", "/bsfw/"),
        ("走进定西", "/zjdx/"),
    ),
    host="www.dingxi.gov.cn",
)


def _layout(title: str, inner: str) -> str:
    chrome = site_chrome(CHROME)
    return (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head>\n'
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n'
        f"<title>{esc(title)}</title>\n"
        '<meta name="SiteName" content="定西市人民政府" />\n'
        f"{chrome.head}"
        '<link href="/static/trs/style.css" rel="stylesheet" type="text/css" />\n'
        '<script type="text/javascript" src="/static/trs/page.js"></script>\n'
        "</head><body>\n"
        f"{chrome.top}"
        f'<div class="header"><div class="logo">{CITY}</div></div>\n'
        f"{inner}\n"
        f"{chrome.bottom}"
        "</body></html>\n"
    )


def _list_page(heading: str, items: list[tuple[str, str, date]], call: str) -> str:
    lis = []
    for href, title, day in items:
        short = title if len(title) <= 26 else title[:25] + "…"
        lis.append(
            f'<li><a href="{href}" target="_blank" title="{esc(title)}">{esc(short)}</a>'
            f"<span>{day.isoformat()}</span></li>"
        )
    rows = "\n".join(lis)
    inner = (
        '<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0">'
        '<tr><td width="220" valign="top" class="left"><div class="lm">政府信息公开</div>'
        '<ul><li><a href="/xxgk/zfxxgkzn/">政府信息公开指南</a></li>'
        '<li><a href="/xxgk/ndbg/">政府信息公开年报</a></li></ul></td>'
        '<td valign="top"><div class="position">当前位置：<a href="/">首页</a> &gt; '
        f'<a href="/xxgk/">政府信息公开</a> &gt; {esc(heading)}</div>'
        f'<div class="list-box"><ul class="list-ul">\n{rows}\n</ul>'
        f'<div class="page" id="page_div"><script type="text/javascript">{call}</script></div>'
        "</div></td></tr></table>"
    )
    return _layout(f"{heading}_{CITY}", inner)


def _article(
    title: str,
    agency: str,
    day: date,
    body: str,
    editor: str,
    attachments: str = "",
    column: str = "政府信息公开年报",
) -> str:
    inner = (
        '<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0" '
        'class="main"><tr><td>'
        '<table width="100%" border="0" cellspacing="0" cellpadding="0"><tr>'
        '<td class="position">当前位置：<a href="../../../">首页</a> &gt; '
        f'<a href="../../">政府信息公开</a> &gt; <a href="../">{column}</a></td>'
        "</tr></table>"
        '<table width="100%" border="0" cellspacing="0" cellpadding="0" class="article">'
        f'<tr><td class="title" align="center"><h1>{esc(title)}</h1></td></tr>'
        f'<tr><td class="info" align="center">发布时间：{day.isoformat()}&nbsp;&nbsp;'
        f"来源：{esc(agency)}&nbsp;&nbsp;浏览次数：<span id='hits'></span>&nbsp;&nbsp;"
        '字号：<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> '
        '<a href="javascript:doZoom(14)">小</a></td></tr>'
        '<tr><td class="content" id="zoom"><div class="TRS_Editor">'
        f"{body}</div>{attachments}</td></tr>"
        '<tr><td class="share">分享到：<a href="javascript:;" class="wx">微信</a> '
        '<a href="javascript:;" class="wb">微博</a> <a href="javascript:;" class="qq">QQ空间</a>'
        "</td></tr>"
        '<tr><td class="tools" align="right"><a href="javascript:window.print()">【打印本页】</a> '
        '<a href="javascript:window.close()">【关闭窗口】</a></td></tr>'
        f'<tr><td class="editor" align="right">责任编辑：{esc(editor)}</td></tr>'
        "</table></td></tr></table>"
    )
    return _layout(title, inner)


def _prose_page(site: TrsSite, path: str, title: str, text: str) -> None:
    inner = f'<div class="main"><h2>{esc(title)}</h2><p>{esc(text)}</p></div>'
    site.add(path, html_resource(_layout(f"{title}_{CITY}", inner)))


def build(seed: int) -> TrsSite:
    site = TrsSite()
    rng = site_rng(seed, site.key)
    used: set[int] = set()
    editors = ("王丽", "张晓东", "李娜", "赵明")
    reports = site_reports(seed, site.key, 11, "定西市", seed_ids=("000", "003"))
    seeds = [seeds_by_id()[s] for s in ("000", "003")]

    # (path, title, date) of every item listed in the annual-report column
    listed: list[tuple[str, str, date]] = []

    def article_path(column: str, day: date) -> str:
        n = unique_number(rng, used, 100000, 999999)
        return f"/xxgk/{column}/{day:%Y%m}/t{day:%Y%m%d}_{n}.html"

    for i, report in enumerate(reports):
        path = article_path("ndbg", report.published)
        attachments = ""
        if i % 3 == 1:
            pdf_name = f"P0{report.published:%Y%m%d}{rng.randint(10**11, 10**12 - 1)}.pdf"
            pdf_path = path.rsplit("/", 1)[0] + "/" + pdf_name
            site.add(pdf_path, file_resource(render_pdf(report), "pdf", day=report.published))
            site.truth.append(
                report_entry(site.key, pdf_path, "attachment", "pdf", report, parent_path=path)
            )
            attachments = (
                '<div class="fj"><p>附件：</p>'
                f'<p><a href="./{pdf_name}" target="_blank">附件：{esc(report.title)}.pdf</a></p>'
                "</div>"
            )
        body = render_html_body(report, variant=i % 3)
        page = _article(
            report.title, report.agency, report.published, body, editors[i % 4], attachments
        )
        site.add(path, html_resource(page, day=report.published))
        site.truth.append(report_entry(site.key, path, "portal", "html", report))
        listed.append((path, report.title, report.published))

    for seed_page in seeds:
        day = seed_published(seed_page, rng)
        path = article_path("ndbg", day)
        page = _article(
            seed_page.title, seed_page.agency, day, seed_body_html(seed_page), editors[0]
        )
        site.add(path, html_resource(page, day=day))
        site.truth.append(seed_entry(site.key, path, "portal", seed_page))
        listed.append((path, seed_page.title, day))

    decoys = site_decoys(seed, rng, reports, 9)
    for decoy in decoys[:4]:
        path = article_path("ndbg", decoy.published)
        body = decoy_body_html(decoy.title, decoy.agency, rng)
        page = _article(decoy.title, decoy.agency, decoy.published, body, editors[1])
        site.add(path, html_resource(page, day=decoy.published))
        site.add_decoy(path, decoy.title)
        listed.append((path, decoy.title, decoy.published))

    listed.sort(key=lambda item: (item[2], item[0]), reverse=True)
    _paged_column(site, "ndbg", "政府信息公开年报", listed, six_args=False)

    guide: list[tuple[str, str, date]] = []
    for decoy in decoys[4:]:
        path = article_path("zfxxgkzn", decoy.published)
        body = decoy_body_html(decoy.title, decoy.agency, rng)
        page = _article(
            decoy.title, decoy.agency, decoy.published, body, editors[2], column="政府信息公开指南"
        )
        site.add(path, html_resource(page, day=decoy.published))
        site.add_decoy(path, decoy.title)
        guide.append((path, decoy.title, decoy.published))
    guide.sort(key=lambda item: (item[2], item[0]), reverse=True)
    _paged_column(site, "zfxxgkzn", "政府信息公开指南", guide, six_args=True, per_page=3)

    _static_pages(site, reports[0].year if reports else 2023)
    return site


def _paged_column(
    site: TrsSite,
    column: str,
    heading: str,
    items: list[tuple[str, str, date]],
    *,
    six_args: bool,
    per_page: int = PER_PAGE,
) -> None:
    base = f"/xxgk/{column}/"
    pages = max(1, math.ceil(len(items) / per_page))
    for index in range(pages):
        chunk = items[index * per_page : (index + 1) * per_page]
        rel = [("./" + p.removeprefix(base), t, d) for p, t, d in chunk]
        if six_args:
            call = f"createPageHTML('page_div', {pages}, {index}, 'index', 'html', {len(items)});"
        else:
            call = f'createPageHTML({pages}, {index}, "index", "html");'
        newest = max(d for _, _, d in chunk)
        page = html_resource(_list_page(heading, rel, call), day=newest)
        name = "index.html" if index == 0 else f"index_{index}.html"
        site.add(base + name, page)
        if index == 0:
            site.add(base, page)


def _static_pages(site: TrsSite, year: int) -> None:
    home = (
        '<div class="main"><div class="banner">定西市人民政府门户网站</div>'
        '<div class="col"><h3>政务公开</h3><ul>'
        '<li><a href="/xxgk/">政府信息公开</a></li>'
        '<li><a href="/xxgk/ndbg/">政府信息公开年报</a></li>'
        '<li><a href="/xxgk/zfxxgkzn/">政府信息公开指南</a></li></ul></div>'
        '<div class="col"><h3>互动交流</h3><ul><li><a href="/hdjl/">市长信箱</a></li></ul></div>'
        "</div>"
    )
    site.add("/", html_resource(_layout(CITY, home)))
    xxgk = (
        '<div class="main"><div class="position">当前位置：<a href="/">首页</a> &gt; '
        "政府信息公开</div>"
        '<ul class="xxgk-nav"><li><a href="./zfxxgkzn/">政府信息公开指南</a></li>'
        '<li><a href="./ndbg/">政府信息公开年报</a></li>'
        '<li><a href="/private/ndbg_review.html">年报审核（内部）</a></li></ul></div>'
    )
    site.add("/xxgk/", html_resource(_layout(f"政府信息公开_{CITY}", xxgk)))
    site.add("/xxgk/index.html", site.pages["/xxgk/"])
    _prose_page(
        site, "/hdjl/", "互动交流", "市长信箱、网上调查、在线访谈栏目正在建设中，欢迎提出意见建议。"
    )
    _prose_page(site, "/bsfw/", "办事服务", "请通过甘肃政务服务网办理相关事项。")
    _prose_page(site, "/zjdx/", "走进定西", "定西市位于甘肃省中部，辖安定区和通渭、陇西等六县。")
    private_title = f"{CITY}{year}年政府信息公开工作年度报告（审核稿）"
    draft = (
        f'<div class="main"><h1>{esc(private_title)}</h1>'
        f"<p>发布时间：{year + 1}-01-05 来源：{CITY}办公室</p>"
        "<p>本稿为内部审核稿，未经批准不得公开。</p></div>"
    )
    site.add("/private/ndbg_review.html", html_resource(_layout(private_title, draft)))
    site.add_decoy(
        "/private/ndbg_review.html",
        private_title,
        note="robots.txt Disallow: /private/ — a polite crawler never fetches it",
    )
    site.add("/static/trs/page.js", static_resource("trs/page.js", "application/javascript"))
    site.add("/static/trs/style.css", static_resource("trs/style.css", "text/css"))
