"""A Hanweb jcms county portal (合水县-like), GBK.

The jcms quirks a crawler must get through: the column page holds only the first `perpage`
records, inside `<script type="text/xml"><datastore>` CDATA, next to an inline config naming
`columnid`, `unitid`, `webid`, `perpage`, `totalRecord`; later records come only from a POST to
`dataproxy.jsp` whose form body must repeat those ids, answered with GBK XML. Articles are GBK
under `<meta charset="gb2312">`, and a few are served with a header claiming UTF-8.
Every page carries the jcms user box (账号+密码登录 …) that seed 001 picked up.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date

from govcrawl.demo_farm.render import render_html_body
from govcrawl.demo_farm.seeds import seed_body_html
from govcrawl.demo_farm.sites.base import (
    Resource,
    Site,
    decoy_body_html,
    esc,
    html_resource,
    modified_at,
    report_entry,
    seed_entry,
    site_rng,
)
from govcrawl.demo_farm.sites.chrome import Portal, site_chrome
from govcrawl.demo_farm.sites.common import (
    seed_published,
    seeds_by_id,
    site_decoys,
    site_reports,
    unique_number,
)

PER_PAGE = 15
COUNTY = "合水县人民政府"
DATAPROXY = "/module/web/jpage/dataproxy.jsp"
MISLABELLED = (2, 7)
"""Indexes of reports whose article is sent with `charset=UTF-8` although the bytes are GBK."""


class HanwebSite(Site):
    """The county portal; the column's later pages are answered per request by dataproxy."""

    key = "hanweb"
    name = COUNTY
    charset = "gbk"

    def __init__(self, column: int, unit: int, web: int) -> None:
        super().__init__()
        self.column, self.unit, self.web = column, unit, web
        self.records: list[tuple[str, date]] = []
        """Every `<li>` of the column, newest first, with its date."""

    def dynamic(
        self, method: str, path: str, query: Mapping[str, str], form: Mapping[str, str]
    ) -> Resource | None:
        if path != DATAPROXY:
            return None
        if method != "POST":
            return Resource(
                "请使用POST方式访问".encode("gbk"),
                "text/plain; charset=GBK",
                headers=(("Allow", "POST"),),
                status=405,
            )
        params = {**query, **form}
        ids = {"columnid": self.column, "unitid": self.unit, "webid": self.web}
        try:
            ok = all(int(params.get(k, "")) == v for k, v in ids.items())
            start = int(params.get("startrecord", "1"))
            end = int(params.get("endrecord", str(start + PER_PAGE - 1)))
        except ValueError:
            ok = False
        if not ok or start < 1 or end < start:
            return Resource("参数错误".encode("gbk"), "text/plain; charset=GBK", status=400)
        chunk = self.records[start - 1 : end]
        rows = "".join(f"<record><![CDATA[{li}]]></record>\n" for li, _ in chunk)
        xml = (
            '<?xml version="1.0" encoding="GBK"?>\n'
            f"<datastore><totalrecord>{len(self.records)}</totalrecord>"
            f"<recordset>\n{rows}</recordset></datastore>\n"
        )
        newest = max((d for _, d in chunk), default=date(2024, 1, 1))
        return Resource(
            xml.encode("gbk", errors="xmlcharrefreplace"),
            "text/xml;charset=GBK",
            modified_at(newest),
            chunked=True,
        )


USER_BOX = (
    '<div class="user-box"><span class="tab on">账号+密码登录</span>'
    '<span class="tab">手机验证码登录</span>'
    '<input type="text" placeholder="请输入账号/手机号" /> '
    '<input type="password" placeholder="请输入密码" /> '
    '<a href="javascript:;" class="btn">登录</a> <a href="javascript:;">立即注册</a> '
    '<a href="javascript:;">忘记密码？</a></div>'
)


CHROME = Portal(
    key="hanweb",
    name=COUNTY,
    site_code="6210240001",
    icp="陇ICP备12000456号-1",
    path_style="/col/col{n}/index.html",
    columns=(
        ("政务公开", "/col/col100/index.html"),
        ("互动交流", "/col/col200/index.html"),
        ("政务服务", "/col/col300/index.html"),
    ),
    host="www.hsxzf.gov.cn",
)


def _layout(title: str, inner: str) -> str:
    chrome = site_chrome(CHROME)
    return (
        "<!DOCTYPE html>\n<html><head>\n"
        '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">\n'
        '<meta charset="gb2312">\n'
        f"<title>{esc(title)}</title>\n"
        '<meta name="SiteName" content="合水县人民政府">\n'
        f"{chrome.head}"
        "</head><body>\n"
        f"{chrome.top}"
        f'<div class="header"><div class="logo">{COUNTY}</div>{USER_BOX}</div>\n'
        f"{inner}\n"
        '<div class="footer">技术支持：大汉网络</div>\n'
        f"{chrome.bottom}"
        "</body></html>\n"
    )


def _article(title: str, agency: str, day: date, body: str, column: int) -> str:
    inner = (
        '<div class="position">您当前的位置：<a href="/">首页</a> &gt; '
        f'<a href="/col/col{column}/index.html">政府信息公开年报</a></div>\n'
        '<div class="article"><table width="100%" cellspacing="0" cellpadding="0">'
        f'<tr><td class="title" align="center"><h1>{esc(title)}</h1></td></tr>'
        f'<tr><td class="info" align="center">发布时间：{day.isoformat()} &nbsp; '
        f"来源：{esc(agency)} &nbsp; 浏览次数：<span id='visit'></span> &nbsp; "
        '【字体：<a href="javascript:doZoom(20)">大</a> <a href="javascript:doZoom(16)">中</a> '
        '<a href="javascript:doZoom(12)">小</a>】</td></tr>'
        '<tr><td id="zoom"><!--ZJEG_RSS.content.begin--><meta name="ContentStart">'
        f"{body}"
        '<meta name="ContentEnd"><!--ZJEG_RSS.content.end--></td></tr>'
        '<tr><td class="tools" align="right"><a href="javascript:window.print()">【打印本页】</a> '
        '<a href="javascript:window.close()">【关闭窗口】</a></td></tr></table></div>'
    )
    return _layout(title, inner)


def _li(path: str, title: str, day: date) -> str:
    return (
        f'<li><a href="{path}" title="{esc(title)}" target="_blank">{esc(title)}</a>'
        f"<span>{day.isoformat()}</span></li>"
    )


def build(seed: int) -> HanwebSite:
    rng = site_rng(seed, "hanweb")
    site = HanwebSite(rng.randint(1000, 9999), rng.randint(1000, 99999), rng.randint(1, 99))
    used: set[int] = set()
    reports = site_reports(seed, site.key, 22, "合水县", seed_ids=("001",))
    items: list[tuple[str, str, date]] = []

    def article_path(day: date) -> str:
        n = unique_number(rng, used, 10000, 99999)
        return f"/art/{day.year}/{day.month}/{day.day}/art_{site.column}_{n}.html"

    for i, report in enumerate(reports):
        path = article_path(report.published)
        page = _article(
            report.title,
            report.agency,
            report.published,
            render_html_body(report, variant=i % 3),
            site.column,
        )
        declared = "UTF-8" if i in MISLABELLED else "GBK"
        site.add(path, html_resource(page, day=report.published, charset="gbk", declared=declared))
        site.truth.append(report_entry(site.key, path, "portal", "html", report))
        items.append((path, report.title, report.published))

    seed_page = seeds_by_id()["001"]
    day = seed_published(seed_page, rng)
    path = article_path(day)
    page = _article(seed_page.title, seed_page.agency, day, seed_body_html(seed_page), site.column)
    site.add(path, html_resource(page, day=day, charset="gbk", declared="GBK"))
    site.truth.append(seed_entry(site.key, path, "portal", seed_page))
    items.append((path, seed_page.title, day))

    for decoy in site_decoys(seed, rng, reports, 5):
        path = article_path(decoy.published)
        body = decoy_body_html(decoy.title, decoy.agency, rng)
        page = _article(decoy.title, decoy.agency, decoy.published, body, site.column)
        site.add(path, html_resource(page, day=decoy.published, charset="gbk", declared="GBK"))
        site.add_decoy(path, decoy.title)
        items.append((path, decoy.title, decoy.published))

    items.sort(key=lambda item: (item[2], item[0]), reverse=True)
    site.records = [(_li(p, t, d), d) for p, t, d in items]
    _column_page(site)
    _static_pages(site)
    return site


def _column_page(site: HanwebSite) -> None:
    total = len(site.records)
    first = site.records[:PER_PAGE]
    rows = "\n".join(f"<record><![CDATA[{li}]]></record>" for li, _ in first)
    nextgroup = (
        f'<a href="{DATAPROXY}?page=1&webid={site.web}&path=/&columnid={site.column}'
        f'&unitid={site.unit}&webname={COUNTY}&permissiontype=0"></a>'
    )
    pages = math.ceil(total / PER_PAGE)
    inner = (
        '<div class="position">您当前的位置：<a href="/">首页</a> &gt; 政府信息公开年报</div>\n'
        f'<div class="list"><div id="{site.unit}"><script type="text/xml">'
        f"<datastore><nextgroup><![CDATA[{nextgroup}]]></nextgroup>\n"
        f"<recordset>\n{rows}\n</recordset></datastore></script></div></div>\n"
        "<script>\n"
        f"var webid = {site.web}; var columnid = {site.column}; var unitid = {site.unit};\n"
        f"var perpage = {PER_PAGE}; var totalRecord = {total}; var totalPage = {pages};\n"
        f"var webname = '{COUNTY}'; var permissiontype = 0;\n"
        f"var proxyUrl = '{DATAPROXY}';\n"
        "</script>"
    )
    newest = max(d for _, d in first)
    page = html_resource(
        _layout(f"政府信息公开年报 {COUNTY}", inner), day=newest, charset="gbk", declared="GBK"
    )
    site.add(f"/col/col{site.column}/index.html", page)


def _static_pages(site: HanwebSite) -> None:
    home = (
        '<div class="main"><div class="block"><h3>政务公开</h3><ul>'
        f'<li><a href="/col/col{site.column}/index.html">政府信息公开年报</a></li>'
        '<li><a href="/col/col100/index.html">政府信息公开</a></li></ul></div></div>'
    )
    site.add("/", html_resource(_layout(COUNTY, home), charset="gbk", declared="GBK"))
    for col, title, text in (
        (100, "政府信息公开", "政府信息公开指南、政府信息公开制度、法定主动公开内容。"),
        (200, "互动交流", "县长信箱、意见征集、在线访谈。"),
        (300, "办事服务", "请登录甘肃政务服务网办理。"),
    ):
        extra = (
            f'<p><a href="/col/col{site.column}/index.html">政府信息公开年报</a></p>'
            if col == 100
            else ""
        )
        inner = f'<div class="main"><h2>{title}</h2><p>{text}</p>{extra}</div>'
        page = html_resource(_layout(f"{title} {COUNTY}", inner), charset="gbk", declared="GBK")
        site.add(f"/col/col{col}/index.html", page)
