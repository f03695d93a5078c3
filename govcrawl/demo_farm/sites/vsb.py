"""A VSB/博达 bureau portal (水务局-like), UTF-8.

VSB particulars: the list's first page is `ndbg.htm` and later pages count *down*
(`ndbg/{N-1}.htm` … `ndbg/1.htm`), so item links are relative to a page one directory deeper;
articles live under `/info/{column}/{id}.htm` with the body in `div.v_news_content`; and
attachments are served by one `download.jsp` endpoint keyed by `wbfileid`, named only by
`Content-Disposition` — sometimes percent-encoded UTF-8, sometimes raw GBK bytes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from urllib.parse import quote

from govcrawl.demo_farm.render import render_docx, render_html_body, render_pdf, render_xlsx
from govcrawl.demo_farm.seeds import seed_body_html
from govcrawl.demo_farm.sites.base import (
    Resource,
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

PER_PAGE = 5
BUREAU = "盐池县水务局"
DOWNLOAD = "/system/_content/download.jsp"
ATTACHMENT_FORMATS = {1: ("pdf", "utf8"), 3: ("docx", "gbk"), 5: ("xlsx", "utf8")}
"""Report index → (attachment format, how Content-Disposition spells the file name)."""
RENDERERS = {"pdf": render_pdf, "docx": render_docx, "xlsx": render_xlsx}


class VsbSite(Site):
    """The bureau portal; `download.jsp` looks attachments up by their query."""

    key = "vsb"
    name = BUREAU
    gzip = True

    def __init__(self) -> None:
        super().__init__()
        self.files: dict[tuple[str, str], Resource] = {}
        """(owner, wbfileid) → attachment."""

    def dynamic(
        self, method: str, path: str, query: Mapping[str, str], form: Mapping[str, str]
    ) -> Resource | None:
        if path != DOWNLOAD or method == "POST":
            return None
        if query.get("urltype") != "news.DownloadAttachUrl":
            return self.not_found()
        return self.files.get((query.get("owner", ""), query.get("wbfileid", ""))) or (
            self.not_found()
        )


def _disposition(filename: str, spelling: str) -> str:
    if spelling == "gbk":
        raw = filename.encode("gbk").decode("latin-1")
        return f'attachment; filename="{raw}"'
    return f'attachment; filename="{quote(filename, safe="")}"'


CHROME = Portal(
    key="vsb",
    name=BUREAU,
    site_code="6403230012",
    icp="宁ICP备08000321号",
    path_style="/{group}/{code}.htm",
    columns=(
        ("首页", "/index.htm"),
        ("政务公开", "/xxgk/ndbg.htm"),
        ("互动交流", "/hdjl.htm"),
        ("水利要闻", "/slyw.htm"),
    ),
    host="swj.yanchi.gov.cn",
    extra_menus=(
        (
            "水利要闻",
            "slyw",
            (
                ("水利要闻", "slyw"),
                ("通知公告", "tzgg"),
                ("基层动态", "jcdt"),
                ("图片新闻", "tpxw"),
            ),
        ),
        (
            "水利业务",
            "ywgz",
            (
                ("水资源管理", "szygl"),
                ("水利工程建设", "slgcjs"),
                ("防汛抗旱", "fxkh"),
                ("农村饮水安全", "ncysaq"),
                ("河湖长制", "hhzz"),
                ("水土保持", "stbc"),
            ),
        ),
    ),
)


def _layout(title: str, inner: str) -> str:
    chrome = site_chrome(CHROME)
    return (
        "<!DOCTYPE html>\n<html><head>\n"
        '<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />\n'
        f"<title>{esc(title)}</title>\n"
        '<meta name="description" content="盐池县水务局" />\n'
        f"{chrome.head}"
        '<link rel="stylesheet" href="/static/vsb/style.css" />\n'
        "<!--Announced by Visual SiteBuilder 9-->\n"
        "</head><body>\n"
        f"{chrome.top}"
        f'<div class="head"><h2>{BUREAU}</h2></div>\n'
        f"{inner}\n"
        f"{chrome.bottom}"
        "</body></html>\n"
    )


def _article(title: str, agency: str, day: date, body: str, attachments: str) -> str:
    inner = (
        '<div class="main"><div class="dqwz">当前位置：<a href="/index.htm">首页</a> &gt;&gt; '
        '<a href="/xxgk/ndbg.htm">政府信息公开年度报告</a> &gt;&gt; 正文</div>\n'
        '<form name="_newscontent_fromname"><div class="content">'
        f'<h1 class="titlestyle">{esc(title)}</h1>'
        f'<div class="timestyle">发布时间：{day.isoformat()}&nbsp;&nbsp;来源：{esc(agency)}'
        '&nbsp;&nbsp;点击数：<script>_showDynClicks("wbnews", 1, 1)</script></div>'
        f'<div id="vsb_content"><div class="v_news_content">{body}</div></div>'
        f"{attachments}</div></form>"
        '<div class="prev-next">【<a href="javascript:window.print()">打印</a>】 '
        '【<a href="javascript:window.close()">关闭</a>】</div></div>'
    )
    return _layout(title, inner)


def build(seed: int) -> VsbSite:
    site = VsbSite()
    rng = site_rng(seed, site.key)
    column = rng.randint(1000, 9999)
    owner = str(rng.randint(1_000_000, 9_999_999))
    used: set[int] = set()
    reports = site_reports(seed, site.key, 10, name_has=("水务局", "水利厅"), seed_ids=("002",))
    items: list[tuple[str, str, date]] = []

    def article_path() -> str:
        return f"/info/{column}/{unique_number(rng, used, 1000, 9999)}.htm"

    for i, report in enumerate(reports):
        path = article_path()
        attachments = ""
        if i in ATTACHMENT_FORMATS:
            fmt, spelling = ATTACHMENT_FORMATS[i]
            fileid = str(unique_number(rng, used, 1_000_000, 9_999_999))
            filename = f"{report.title}.{fmt}"
            disposition = (("Content-Disposition", _disposition(filename, spelling)),)
            body = RENDERERS[fmt](report)
            site.files[(owner, fileid)] = file_resource(
                body, fmt, day=report.published, headers=disposition
            )
            file_path = f"{DOWNLOAD}?urltype=news.DownloadAttachUrl&owner={owner}&wbfileid={fileid}"
            site.truth.append(
                report_entry(site.key, file_path, "attachment", fmt, report, parent_path=path)
            )
            attachments = (
                '<ul style="list-style-type:none;"><li>附件【'
                f'<a href="{esc(file_path)}" target="_blank">{esc(filename)}</a>】已下载'
                f'<span id="nattach{fileid}"><script>getClickTimes({fileid},{owner},'
                '"wbnewsfile","attach")</script></span>次</li></ul>'
            )
        page = _article(
            report.title,
            report.agency,
            report.published,
            render_html_body(report, variant=(i + 1) % 3),
            attachments,
        )
        site.add(path, html_resource(page, day=report.published))
        site.truth.append(report_entry(site.key, path, "portal", "html", report))
        items.append((path, report.title, report.published))

    seed_page = seeds_by_id()["002"]
    day = seed_published(seed_page, rng)
    path = article_path()
    page = _article(seed_page.title, seed_page.agency, day, seed_body_html(seed_page), "")
    site.add(path, html_resource(page, day=day))
    site.truth.append(seed_entry(site.key, path, "portal", seed_page))
    items.append((path, seed_page.title, day))

    for decoy in site_decoys(seed, rng, reports, 3):
        path = article_path()
        body = decoy_body_html(decoy.title, decoy.agency, rng)
        page = _article(decoy.title, decoy.agency, decoy.published, body, "")
        site.add(path, html_resource(page, day=decoy.published))
        site.add_decoy(path, decoy.title)
        items.append((path, decoy.title, decoy.published))

    items.sort(key=lambda item: (item[2], item[0]), reverse=True)
    _list_pages(site, items)
    _static_pages(site)
    return site


def _list_pages(site: VsbSite, items: list[tuple[str, str, date]]) -> None:
    pages = math.ceil(len(items) / PER_PAGE)
    for number in range(1, pages + 1):
        chunk = items[(number - 1) * PER_PAGE : number * PER_PAGE]
        first = number == 1
        up = "../" if first else "../../"
        lis = "\n".join(
            f'<li><a href="{up}{p.lstrip("/")}" title="{esc(t)}">{esc(t)}</a>'
            f"<span>{d.isoformat()}</span></li>"
            for p, t, d in chunk
        )

        def href(n: int, *, from_first: bool = first) -> str:
            """Link to list page `n` (1-based) from the current page."""
            if n == 1:
                return "ndbg.htm" if from_first else "../ndbg.htm"
            name = f"{pages - n + 1}.htm"
            return f"ndbg/{name}" if from_first else name

        nav = [f'<span class="p_t">共{len(items)}条&nbsp;&nbsp;{number}/{pages}</span>']
        if number > 1:
            nav.append(f'<span class="p_first"><a href="{href(1)}">首页</a></span>')
            nav.append(
                f'<span class="p_prev"><a href="{href(number - 1)}" class="Prev">上页</a></span>'
            )
        if number < pages:
            nav.append(
                f'<span class="p_next"><a href="{href(number + 1)}" class="Next">下页</a></span>'
            )
            nav.append(f'<span class="p_last"><a href="{href(pages)}">尾页</a></span>')
        inner = (
            '<div class="main"><div class="dqwz">当前位置：<a href="/index.htm">首页</a> &gt;&gt; '
            "政府信息公开年度报告</div>\n"
            f'<div class="list"><ul>\n{lis}\n</ul></div>\n'
            f'<div class="pb_sys_common pb_sys_normal">{" ".join(nav)}</div></div>'
        )
        page = html_resource(
            _layout(f"政府信息公开年度报告-{BUREAU}", inner),
            day=max(d for _, _, d in chunk),
        )
        site.add("/xxgk/ndbg.htm" if first else f"/xxgk/ndbg/{pages - number + 1}.htm", page)


def _static_pages(site: VsbSite) -> None:
    home = (
        '<div class="main"><div class="col"><h3>政务公开</h3><ul>'
        '<li><a href="xxgk/ndbg.htm">政府信息公开年度报告</a></li>'
        '<li><a href="hdjl.htm">互动交流</a></li></ul></div></div>'
    )
    page = html_resource(_layout(BUREAU, home))
    site.add("/", page)
    site.add("/index.htm", page)
    site.add(
        "/hdjl.htm",
        html_resource(
            _layout(f"互动交流-{BUREAU}", '<div class="main"><p>局长信箱：请留言。</p></div>')
        ),
    )
    site.add(
        "/slyw.htm",
        html_resource(
            _layout(f"水利要闻-{BUREAU}", '<div class="main"><p>暂无更多要闻。</p></div>')
        ),
    )
    site.add("/static/vsb/style.css", static_resource("vsb/style.css", "text/css"))
