"""A doc-share mirror (三七文档-like): third-party copies of reports, cut to a free preview.

Mirrors are where a report survives after the portal deleted it, but only partly: the preview
stops after a few sections (sometimes before any table, sometimes after one or all of them),
and the page is wrapped in paywall, login and footer noise plus "related" links to documents
that are not reports at all. Ground truth lists only the tables the preview actually shows.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import date
from urllib.parse import quote

from govcrawl.demo_farm.render import render_html_body
from govcrawl.demo_farm.reports import GeneratedReport, expected_checks
from govcrawl.demo_farm.seeds import seed_body_html
from govcrawl.demo_farm.sites.base import (
    Resource,
    Site,
    decoy_body_html,
    esc,
    html_resource,
    report_entry,
    site_rng,
)
from govcrawl.demo_farm.sites.chrome import docshare_chrome
from govcrawl.demo_farm.sites.common import (
    seed_published,
    seeds_by_id,
    site_decoys,
    site_reports,
    unique_number,
)

MIRROR = "三七文档"
TABLES_SHOWN = (0, 1, 3)
"""Per copy (cycled): how many of the report's tables the free preview still shows."""


class MirrorSite(Site):
    """The mirror: static document pages and a title search."""

    key = "mirror"
    name = MIRROR

    def __init__(self) -> None:
        super().__init__()
        self.catalogue: list[tuple[str, str]] = []
        """(path, title) of every document, as the home page lists them."""

    def dynamic(
        self, method: str, path: str, query: Mapping[str, str], form: Mapping[str, str]
    ) -> Resource | None:
        if path != "/search.html" or method == "POST":
            return None
        q = query.get("q", "").strip()
        hits = [(p, t) for p, t in self.catalogue if q and q in t]
        rows = "\n".join(f'<li><a href="{p}">{esc(t)}</a></li>' for p, t in hits)
        inner = (
            f'<form action="/search.html"><input name="q" value="{esc(q)}"><button>搜索</button>'
            f'</form><p class="count">找到 {len(hits)} 篇相关文档</p>'
            f'<ul class="doc-list">{rows}</ul>'
        )
        return html_resource(_layout(f"{q} - 搜索 - {MIRROR}", inner))


def _layout(title: str, inner: str) -> str:
    chrome = docshare_chrome(MIRROR)
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">\n'
        f"<title>{esc(title)}</title>\n"
        '<meta name="keywords" content="文档分享,文档下载,免费文档">\n</head><body>\n'
        f'<div class="top-bar"><a href="/" class="logo">{MIRROR}</a>'
        '<form action="/search.html" class="search"><input name="q" placeholder="搜索文档">'
        '<button>搜索</button></form><a href="javascript:;" class="login">登录</a> '
        '<a href="javascript:;">注册</a> <a href="javascript:;" class="vip">开通VIP</a></div>\n'
        f"{chrome.top}{inner}\n"
        '<div class="login-modal" style="display:none"><h3>账号+密码登录</h3>'
        '<input placeholder="手机号/用户名"><input type="password" placeholder="密码">'
        '<a href="javascript:;">登录</a><p>还没有账号？<a href="javascript:;">立即注册</a></p>'
        "<p>微信扫码登录</p></div>\n"
        '<div class="footer"><p>本站所有文档均由用户上传，仅供学习交流，如有侵权请联系删除。</p>'
        "<p>客服QQ：800012345 工作时间：9:00-18:00</p>"
        "<p>备案号：鲁ICP备18012345号-2 鲁公网安备37010202000123号</p></div>\n"
        f"{chrome.bottom}"
        "</body></html>\n"
    )


def _preview(blocks: list[str], shown_pages: int, total_pages: int) -> str:
    per = max(1, -(-len(blocks) // shown_pages))
    pages = []
    for n in range(shown_pages):
        chunk = "\n".join(blocks[n * per : (n + 1) * per])
        pages.append(
            f'<div class="preview-page" data-page="{n + 1}"><div class="page-content">\n{chunk}\n'
            f'</div><div class="page-num">{n + 1} / {total_pages}</div></div>'
        )
    return "\n".join(pages)


def _document(
    title: str,
    day: date,
    blocks: list[str],
    related: list[tuple[str, str]],
    rng: random.Random,
) -> str:
    total = rng.randint(4, 9)
    shown = min(3, total - 1, max(1, len(blocks)))
    related_html = "\n".join(
        f'<li><a href="{p}" title="{esc(t)}">{esc(t)}</a></li>' for p, t in related
    )
    inner = (
        f'<div class="doc"><h1 class="doc-title">{esc(title)}</h1>'
        f'<div class="doc-info"><span>上传时间：{day.isoformat()}</span> '
        f"<span>页数：{total}</span> <span>格式：DOC</span> "
        f"<span>大小：{rng.randint(30, 900)}KB</span> <span>下载：{rng.randint(3, 400)}</span> "
        f"<span>价格：{rng.randint(1, 20)}积分</span></div>\n"
        f'<div class="doc-preview">\n{_preview(blocks, shown, total)}\n</div>\n'
        '<div class="paywall"><p>整理文档很辛苦，赏杯茶钱您下走！</p>'
        '<p class="end">免费阅读已结束，点击下载阅读编辑剩下 ...</p>'
        "<p>阅读已结束，您可以下载文档离线阅读编辑</p>"
        f'<a href="javascript:;" class="btn-download">下载文档</a> '
        '<a href="javascript:;" class="btn-vip">开通VIP，免费下载</a></div>\n'
        f'<div class="related"><h3>相关文档</h3><ul>\n{related_html}\n</ul></div></div>'
    )
    return _layout(f"{title}-{MIRROR}", inner)


def _cut(report: GeneratedReport, tables_shown: int, variant: int) -> tuple[list[str], list[str]]:
    """Body blocks of the free preview and the names of the tables it shows.

    `render_html_body` puts one block per line, each table after its own section, so the
    k-th `<table` line is the k-th section (in heading order) that has a table.
    """
    lines = render_html_body(report, variant=variant).split("\n")
    order = [key for key in report.headings if key in report.tables]
    table_lines = [i for i, line in enumerate(lines) if line.startswith("<table")]
    if tables_shown == 0:
        end = table_lines[0] if table_lines else min(len(lines), 8)
    else:
        end = table_lines[min(tables_shown, len(table_lines)) - 1] + 1
    names = order[: sum(1 for i in table_lines if i < end)]
    return lines[:end], names


def build(seed: int) -> MirrorSite:
    site = MirrorSite()
    rng = site_rng(seed, site.key)
    used: set[int] = set()
    reports = site_reports(seed, site.key, 6)
    docs: list[tuple[str, str, date, list[str]]] = []

    def doc_path() -> str:
        return f"/p-{unique_number(rng, used, 1_000_000, 9_999_999)}.html"

    for i, report in enumerate(reports):
        path = doc_path()
        shown = TABLES_SHOWN[i % len(TABLES_SHOWN)]
        blocks, names = _cut(report, shown, variant=i % 3)
        tables = {n: dict(report.tables[n]) for n in names} or None
        checks = {c: ok for c, ok in expected_checks(report).items() if c.split(".")[0] in names}
        site.truth.append(
            report_entry(
                site.key,
                path,
                "mirror",
                "html",
                report,
                tables=tables,
                checks=checks,
                broken=not all(checks.values()),
            )
        )
        day = date.fromordinal(report.published.toordinal() + rng.randint(20, 300))
        docs.append((path, report.title, day, blocks))

    seed_page = seeds_by_id()["004"]
    path = doc_path()
    # A 政务公开总结, not the statutory report: a crawler must pass it by, while the extractor,
    # given the page, flags it not_annual_report (seeds.seed_truth("004")).
    site.add_decoy(path, seed_page.title, note="seed 004: work summary, not an annual report")
    docs.append(
        (path, seed_page.title, seed_published(seed_page, rng), [seed_body_html(seed_page)])
    )

    for decoy in site_decoys(seed, rng, reports, 4):
        path = doc_path()
        site.add_decoy(path, decoy.title)
        body = decoy_body_html(decoy.title, decoy.agency, rng).split("\n")
        docs.append((path, decoy.title, decoy.published, body))

    site.catalogue = [(p, t) for p, t, _, _ in docs]
    for n, (path, title, day, blocks) in enumerate(docs):
        others = [d for d in site.catalogue if d[0] != path]
        related = [others[(n + k) % len(others)] for k in range(5)]
        page = _document(title, day, blocks, related, rng)
        site.add(path, html_resource(page, day=day, chunked=n % 2 == 0))

    listing = "\n".join(
        f'<li><a href="{p}">{esc(t)}</a> <a href="/search.html?q={quote(t[:4])}">同类</a></li>'
        for p, t in site.catalogue
    )
    home = f'<div class="home"><h2>最新文档</h2><ul class="doc-list">\n{listing}\n</ul></div>'
    site.add("/", html_resource(_layout(f"{MIRROR} - 文档分享平台", home)))
    return site
