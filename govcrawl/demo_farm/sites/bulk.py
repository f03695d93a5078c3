"""A big city portal of any size, for crawl benchmarks (throughput, memory): `build(seed, pages)`.

The eight demo portals hold a few dozen pages each, so a crawl of them measures start-up, not
crawling. Real city portals hold thousands of pages: a 政府信息公开 catalogue whose columns
(工作动态, 通知公告, 政策解读, 人事信息, 年报) list articles twenty to a page, newest first,
behind a TRS pager, with the annual reports a small share of all articles. This site has that
shape at any size — `pages` is the exact number of distinct pages and files a visitor can
reach by links from the home page — and every answer is computed from the URL when asked:
a 10,000-page site costs no more memory or start-up than a 100-page one. The reports are the
farm's own (`generate_reports`, rendered by `render/`), so a crawl of it also exercises
cleaning and extraction, and `truth` lists every report copy as the demo sites do.

List pages carry the pager twice, as TRS templates that output the page navigation server-side
do: the `createPageHTML(...)` call (what govcrawl's TRS family reads) and plain
首页/上一页/下一页/尾页 links (what a crawler without JavaScript, such as wget, follows).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import signal
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from govcrawl.demo_farm.render import render_html_body, render_pdf
from govcrawl.demo_farm.reports import AGENCIES, YEARS, GeneratedReport, generate_reports
from govcrawl.demo_farm.sites.base import (
    Resource,
    Site,
    esc,
    file_resource,
    html_resource,
    report_entry,
    static_resource,
)

CITY = "天水市人民政府"
PER_PAGE = 20
REPORT_SHARE = 50
"""One report per this many pages (at least two, at most one per agency-year of the farm)."""
PDF_EVERY = 4
"""Report k has a PDF copy attached when k % PDF_EVERY == 1."""
MIN_PAGES = 40
NEWEST = date(2025, 6, 30)
PER_DAY = 6
"""News articles published per day, going back from NEWEST."""
_ID_SPAN = 900_000
_ID_STEP = 7919  # prime, so the article number is a permutation of the global index
_ID_OFFSET = 104_729

NEWS_COLUMNS = (
    ("gzdt", "工作动态"),
    ("tzgg", "通知公告"),
    ("zcjd", "政策解读"),
    ("rsxx", "人事信息"),
)
REPORT_COLUMN = ("ndbg", "政府信息公开年报")
FIXED = ("/", "/xxgk/", "/hdjl/", "/bsfw/", "/static/trs/page.js", "/static/trs/style.css")
PAD_PAGE = "/zjts/"
"""A prose page added when the column arithmetic falls one page short of the asked size."""

PLACES = (
    "秦州区", "麦积区", "清水县", "秦安县", "甘谷县", "武山县", "张家川回族自治县",
    "市水务局", "市教育局", "市财政局", "市农业农村局", "市生态环境局", "市卫生健康委",
)  # fmt: skip
TOPICS = (
    "春季农业生产", "安全生产", "生态环境保护", "乡村振兴", "营商环境优化", "城乡供水保障",
    "文明城市创建", "防汛抗旱", "招商引资", "就业创业服务", "森林草原防火", "义务教育均衡发展",
    "基层医疗卫生服务", "交通项目建设", "农村人居环境整治", "城市更新改造", "消费帮扶",
)  # fmt: skip
TITLES = {
    "gzdt": (
        "{place}召开{topic}工作推进会",
        "{place}开展{topic}专项检查",
        "{place}举办{topic}业务培训班",
        "市领导赴{place}调研{topic}工作",
        "{place}{topic}工作取得新成效",
    ),
    "tzgg": (
        "{place}关于{topic}项目拟立项情况的公示",
        "{place}{topic}专项资金分配结果公示",
        "{place}{topic}项目招标结果公示",
        "{place}{year}年{topic}专项行动实施情况",
        "关于做好{year}年{topic}工作的通知",
    ),
    "zcjd": (
        "《{place}{topic}实施办法》政策解读",
        "一图读懂{place}{topic}新举措",
        "{place}{topic}相关政策问答",
    ),
    "rsxx": (
        "{place}{year}年公开招聘工作人员拟聘用人员名单公示",
        "{place}{year}年{topic}岗位人员调整情况",
        "{place}干部任前公示",
    ),
}
SENTENCES = (
    "会议传达学习了上级有关文件精神，听取了各单位工作进展情况汇报，安排部署了下一阶段重点任务。",
    "会议要求，各级各部门要进一步提高思想认识，压实工作责任，确保各项措施落地见效。",
    "活动期间，工作人员深入乡镇、村社和企业，面对面宣讲政策，现场解答群众关心的问题。",
    "据统计，今年以来累计投入资金一千二百余万元，完成项目建设二十三个，惠及群众三万余人。",
    "下一步，将持续加强统筹协调和督促指导，及时总结推广好经验好做法，推动工作提质增效。",
    "检查组采取听取汇报、查阅资料、实地查看等方式，对发现的问题现场反馈并督促限期整改。",
    "培训内容涵盖政策法规、业务流程和典型案例，参训人员纷纷表示收获很大、受益匪浅。",
    "各相关单位要严格按照时间节点抓好落实，对工作推进不力的将进行通报。",
)

_LIST = re.compile(r"/xxgk/([a-z]+)/(?:index(?:_([1-9]\d*))?\.html)?")
_ARTICLE = re.compile(r"/xxgk/([a-z]+)/(\d{6})/t(\d{8})_(\d{6})\.html")
_PDF = re.compile(r"/xxgk/ndbg/(\d{6})/P0(\d{8})(\d{6})\.pdf")


def article_number(index: int) -> int:
    """The six-digit TRS document number of global article `index` (a permutation)."""
    return (index * _ID_STEP + _ID_OFFSET) % _ID_SPAN + 100_000


def article_index(number: int) -> int:
    """Inverse of `article_number`."""
    return ((number - 100_000 - _ID_OFFSET) * pow(_ID_STEP, -1, _ID_SPAN)) % _ID_SPAN


@dataclass(frozen=True)
class Layout:
    """How many of each thing a site of a given size holds."""

    reports: int
    news: int
    pad: bool

    @property
    def pdfs(self) -> int:
        return len(range(1, self.reports, PDF_EVERY))

    def column_size(self, column: str) -> int:
        if column == REPORT_COLUMN[0]:
            return self.reports
        c = [key for key, _ in NEWS_COLUMNS].index(column)
        return len(range(c, self.news, len(NEWS_COLUMNS)))

    def list_pages(self, column: str) -> int:
        return max(1, math.ceil(self.column_size(column) / PER_PAGE))

    @property
    def columns(self) -> tuple[str, ...]:
        return (*(key for key, _ in NEWS_COLUMNS), REPORT_COLUMN[0])

    @property
    def total(self) -> int:
        lists = sum(self.list_pages(c) for c in self.columns)
        return len(FIXED) + self.pad + lists + self.reports + self.pdfs + self.news


def plan(pages: int) -> Layout:
    """The layout with exactly `pages` reachable pages and files."""
    if pages < MIN_PAGES:
        raise ValueError(f"a bulk portal needs at least {MIN_PAGES} pages, not {pages}")
    reports = min(max(2, pages // REPORT_SHARE), len(AGENCIES) * len(YEARS))
    news = pages
    while Layout(reports, news, False).total > pages:
        news -= 1
    pad = Layout(reports, news, False).total < pages  # adding one article added a list page
    return Layout(reports, news, pad)


class BulkSite(Site):
    """The portal; every page is rendered from its URL on request (`dynamic`)."""

    key = "bulk"
    name = CITY
    gzip = True

    def __init__(self, seed: int, pages: int) -> None:
        super().__init__()
        self.seed = seed
        self.layout = plan(pages)
        reports = generate_reports(seed * 10 + 97, self.layout.reports)
        self.reports: list[GeneratedReport] = sorted(
            reports, key=lambda r: (r.published, r.report_id), reverse=True
        )
        self.static = {
            "/static/trs/page.js": static_resource("trs/page.js", "application/javascript"),
            "/static/trs/style.css": static_resource("trs/style.css", "text/css"),
        }
        for k, report in enumerate(self.reports):
            path = self.article_path(REPORT_COLUMN[0], k)
            self.truth.append(report_entry(self.key, path, "portal", "html", report))
            if k % PDF_EVERY == 1:
                self.truth.append(
                    report_entry(
                        self.key, self.pdf_path(k), "attachment", "pdf", report, parent_path=path
                    )
                )

    @property
    def page_count(self) -> int:
        return self.layout.total

    # -- URLs ------------------------------------------------------------------------------

    def published(self, column: str, position: int) -> date:
        if column == REPORT_COLUMN[0]:
            return self.reports[position].published
        return NEWEST - timedelta(days=self.news_index(column, position) // PER_DAY)

    def news_index(self, column: str, position: int) -> int:
        """Index among news articles of the `position`-th article (newest first) of `column`."""
        c = [key for key, _ in NEWS_COLUMNS].index(column)
        return position * len(NEWS_COLUMNS) + c

    def global_index(self, column: str, position: int) -> int:
        if column == REPORT_COLUMN[0]:
            return position
        return self.layout.reports + self.news_index(column, position)

    def locate(self, index: int) -> tuple[str, int] | None:
        """(column, position) of global article `index`, None when there is no such article."""
        if 0 <= index < self.layout.reports:
            return REPORT_COLUMN[0], index
        j = index - self.layout.reports
        if not 0 <= j < self.layout.news:
            return None
        return NEWS_COLUMNS[j % len(NEWS_COLUMNS)][0], j // len(NEWS_COLUMNS)

    def article_path(self, column: str, position: int) -> str:
        day = self.published(column, position)
        n = article_number(self.global_index(column, position))
        return f"/xxgk/{column}/{day:%Y%m}/t{day:%Y%m%d}_{n}.html"

    def pdf_path(self, position: int) -> str:
        day = self.published(REPORT_COLUMN[0], position)
        n = article_number(position)
        return f"/xxgk/ndbg/{day:%Y%m}/P0{day:%Y%m%d}{n}.pdf"

    def list_path(self, column: str, page: int) -> str:
        return f"/xxgk/{column}/index.html" if page == 0 else f"/xxgk/{column}/index_{page}.html"

    def paths(self) -> Iterator[str]:
        """Every page and file reachable from the home page (lazily; `page_count` of them)."""
        yield from FIXED
        if self.layout.pad:
            yield PAD_PAGE
        for column in self.layout.columns:
            for page in range(self.layout.list_pages(column)):
                yield self.list_path(column, page)
            for position in range(self.layout.column_size(column)):
                yield self.article_path(column, position)
        for k in range(1, self.layout.reports, PDF_EVERY):
            yield self.pdf_path(k)

    # -- answers ---------------------------------------------------------------------------

    def dynamic(
        self, method: str, path: str, query: Mapping[str, str], form: Mapping[str, str]
    ) -> Resource | None:
        if method == "POST":
            return None
        if path in self.static:
            return self.static[path]
        if path == "/":
            return html_resource(self.home())
        if path == "/xxgk/":
            return html_resource(self.catalogue())
        prose = {"/hdjl/": "互动交流", "/bsfw/": "办事服务"} | (
            {PAD_PAGE: "走进天水"} if self.layout.pad else {}
        )
        if path in prose:
            return html_resource(self.prose(prose[path]))
        if match := _LIST.fullmatch(path):
            return self.list_page(match.group(1), int(match.group(2) or 0))
        if match := _ARTICLE.fullmatch(path):
            return self.article(match.group(1), match.group(3), int(match.group(4)))
        if match := _PDF.fullmatch(path):
            return self.pdf(match.group(2), int(match.group(3)))
        return None

    def _find(self, column: str, day: str, number: int) -> int | None:
        """The position of the article a path names, None unless every part matches."""
        found = self.locate(article_index(number))
        if found is None or found[0] != column:
            return None
        if f"{self.published(column, found[1]):%Y%m%d}" != day:
            return None
        return found[1]

    def list_page(self, column: str, page: int) -> Resource | None:
        if column not in self.layout.columns or page >= self.layout.list_pages(column):
            return None
        heading = dict((*NEWS_COLUMNS, REPORT_COLUMN))[column]
        count = self.layout.list_pages(column)
        first = page * PER_PAGE
        positions = range(first, min(first + PER_PAGE, self.layout.column_size(column)))
        items = []
        for position in positions:
            title = self.title(column, position)
            href = "./" + self.article_path(column, position).removeprefix(f"/xxgk/{column}/")
            short = title if len(title) <= 26 else title[:25] + "…"
            day = self.published(column, position)
            items.append(
                f'<li><a href="{href}" target="_blank" title="{esc(title)}">{esc(short)}</a>'
                f"<span>{day.isoformat()}</span></li>"
            )
        nav = [f"<span>共{count}页</span>"]
        if page > 0:
            nav += ['<a href="index.html">首页</a>', f'<a href="{_page_name(page - 1)}">上一页</a>']
        if page < count - 1:
            nav += [f'<a href="{_page_name(page + 1)}">下一页</a>']
            nav += [f'<a href="{_page_name(count - 1)}">尾页</a>']
        inner = (
            f'<div class="position">当前位置：<a href="/">首页</a> &gt; '
            f'<a href="/xxgk/">政府信息公开</a> &gt; {esc(heading)}</div>'
            f"<div class='side'>{self.column_menu()}</div>"
            f'<div class="list-box"><ul class="list-ul">{"".join(items)}</ul>'
            f'<div class="page" id="page_div"><script type="text/javascript">'
            f'createPageHTML({count}, {page}, "index", "html");</script>'
            f'<div class="pagenav">{" ".join(nav)}</div></div></div>'
        )
        newest = self.published(column, first) if positions else NEWEST
        return html_resource(self.frame(f"{heading}_{CITY}", inner), day=newest)

    def article(self, column: str, day: str, number: int) -> Resource | None:
        position = self._find(column, day, number)
        if position is None:
            return None
        published = self.published(column, position)
        title = self.title(column, position)
        attachment = ""
        if column == REPORT_COLUMN[0]:
            report = self.reports[position]
            body = render_html_body(report, variant=position % 3)
            source = report.agency
            if position % PDF_EVERY == 1:
                name = self.pdf_path(position).rsplit("/", 1)[1]
                attachment = (
                    f'<div class="fj"><p>附件：<a href="./{name}">{esc(report.title)}.pdf</a>'
                    "</p></div>"
                )
        else:
            rng = random.Random(f"bulk:{self.seed}:{column}:{position}")
            body = "".join(f"<p>{s}</p>" for s in rng.sample(SENTENCES, rng.randint(3, 6)))
            source = rng.choice(PLACES)
        heading = dict((*NEWS_COLUMNS, REPORT_COLUMN))[column]
        inner = (
            '<div class="position">当前位置：<a href="../../../">首页</a> &gt; '
            f'<a href="../../">政府信息公开</a> &gt; <a href="../index.html">{heading}</a></div>'
            f'<div class="article"><h1>{esc(title)}</h1>'
            f'<div class="info">发布时间：{published.isoformat()} 来源：{esc(source)} '
            '字号：<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(14)">小</a>'
            f'</div><div class="TRS_Editor">{body}</div>{attachment}'
            '<div class="tools"><a href="javascript:window.print()">【打印本页】</a> '
            '<a href="javascript:window.close()">【关闭窗口】</a></div></div>'
        )
        return html_resource(self.frame(f"{title}_{CITY}", inner), day=published)

    def pdf(self, day: str, number: int) -> Resource | None:
        position = self._find(REPORT_COLUMN[0], day, number)
        if position is None or position % PDF_EVERY != 1:
            return None
        report = self.reports[position]
        return file_resource(render_pdf(report), "pdf", day=report.published)

    # -- content ---------------------------------------------------------------------------

    def title(self, column: str, position: int) -> str:
        if column == REPORT_COLUMN[0]:
            return self.reports[position].title
        rng = random.Random(f"bulk-title:{self.seed}:{column}:{position}")
        form = rng.choice(TITLES[column])
        year = self.published(column, position).year
        return form.format(place=rng.choice(PLACES), topic=rng.choice(TOPICS), year=year)

    def column_menu(self) -> str:
        links = "".join(
            f'<li><a href="/xxgk/{key}/index.html">{label}</a></li>'
            for key, label in (*NEWS_COLUMNS, REPORT_COLUMN)
        )
        return f'<div class="lm">政府信息公开</div><ul>{links}</ul>'

    def frame(self, title: str, inner: str) -> str:
        nav = [
            ("首页", "/"),
            ("政务公开", "/xxgk/"),
            ("互动交流", "/hdjl/"),
            ("办事服务", "/bsfw/"),
        ]
        if self.layout.pad:
            nav.append(("走进天水", PAD_PAGE))
        links = "".join(f'<li><a href="{href}">{label}</a></li>' for label, href in nav)
        return (
            "<!DOCTYPE html>\n<html><head>"
            '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />'
            f"<title>{esc(title)}</title>"
            f'<meta name="SiteName" content="{CITY}" />'
            '<link href="/static/trs/style.css" rel="stylesheet" type="text/css" />'
            '<script type="text/javascript" src="/static/trs/page.js"></script>'
            f'</head><body><div class="header"><div class="logo">{CITY}</div>'
            f'<ul class="nav">{links}</ul></div>\n<div class="main">{inner}</div>\n'
            '<div class="footer"><p>主办：天水市人民政府办公室 承办：天水市大数据中心</p>'
            "<p>网站标识码：6205000001 陇ICP备05000456号</p></div></body></html>\n"
        )

    def home(self) -> str:
        inner = (
            '<div class="banner">天水市人民政府门户网站</div>'
            '<div class="col"><h3>政务公开</h3><ul>'
            '<li><a href="/xxgk/">政府信息公开</a></li></ul></div>'
            f'<div class="col"><h3>信息公开目录</h3>{self.column_menu()}</div>'
        )
        return self.frame(CITY, inner)

    def catalogue(self) -> str:
        inner = (
            '<div class="position">当前位置：<a href="/">首页</a> &gt; 政府信息公开</div>'
            f"{self.column_menu()}"
        )
        return self.frame(f"政府信息公开_{CITY}", inner)

    def prose(self, heading: str) -> str:
        inner = f"<h2>{heading}</h2><p>本栏目正在建设中，欢迎通过市长信箱提出意见建议。</p>"
        return self.frame(f"{heading}_{CITY}", inner)


def _page_name(page: int) -> str:
    return "index.html" if page == 0 else f"index_{page}.html"


def build(seed: int = 2024, pages: int = 1000) -> BulkSite:
    """A bulk portal of exactly `pages` reachable pages and files, a pure function of `seed`."""
    return BulkSite(seed, pages)


def registry_entry(base_url: str, site: BulkSite, portal_id: str = "bulk_city") -> str:
    """A `[[portal]]` table (TOML) that crawls the site with govcrawl's TRS family.

    Like the TRS entries of data/portals.toml it starts at the catalogue's columns as well as
    the home page (generic navigation from the home page would skip the 通知公告 column: its
    name reads as a notice title), and a portal this size needs a page budget above the
    default 200 list pages.
    """
    base = base_url.rstrip("/")
    starts = [f"{base}/", *(base + site.list_path(c, 0) for c in site.layout.columns)]
    lists = sum(site.layout.list_pages(c) for c in site.layout.columns)
    return (
        "[[portal]]\n"
        f'id = "{portal_id}"\n'
        f'name = "{CITY}门户网站（基准）"\n'
        f'agency = "{CITY}"\n'
        'region = "甘肃省天水市"\n'
        'level = "city"\n'
        'family = "trs"\n'
        'kind = "portal"\n'
        f"start_urls = {json.dumps(starts)}\n"
        f"max_pages = {lists + 10}\n"
    )


def main(argv: list[str] | None = None) -> None:
    """Serve one bulk portal until interrupted: `python -m govcrawl.demo_farm.sites.bulk`."""
    from govcrawl.demo_farm.farm import SiteServer

    parser = argparse.ArgumentParser(description="Serve a bulk demo portal of N pages.")
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before each answer")
    args = parser.parse_args(argv)
    site = build(args.seed, args.pages)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    with SiteServer(site, host=args.host, port=args.port, latency=args.latency) as server:
        print(f"bulk  {server.url}/  ({site.page_count} pages)", flush=True)
        stop.wait()


if __name__ == "__main__":
    main()
