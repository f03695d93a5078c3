"""The page chrome every government portal wraps around its content, generated per site.

Real portal pages (TRS, Hanweb, VSB, gkmlpt, Ucap alike) are 40–120 KB of HTML of which the
article is a small part: a toolbar with the accessibility / elderly-mode switch (无障碍,
长者模式), the site group's dropdowns listing dozens of agencies (部门网站, 区县网站), a search
form, a multi-level navigation (政务公开 → 政策文件/政策解读/人事信息/…, 政务服务, 互动交流,
走进XX, 专题专栏), inline scripts (date line, menus, visit statistics), the 政府网站找错 and
党政机关 badges and a footer with 网站地图/联系我们/主办/承办/ICP备案/公网安备/网站标识码.
That weight decides how much an unchanged re-crawl costs relative to a first crawl, and that
noise is what the clean stage must remove, so the farm imitates both.

One generator serves all government sites: `site_chrome(portal)` returns the head, top and
bottom fragments a site's layout puts around its own CMS-specific markup. Agency names come
from the farm's own agency list (`reports.AGENCIES`) plus the standard departments of a
local government; choices are drawn from a random stream seeded by the site key, so a site's
chrome is the same bytes on every page and in every build.

The generated links are chosen not to change what a crawler finds: the top items point at
the site's existing columns, every other menu item at a path the site answers 404 for (as a
real menu's links lead to columns a report crawler has no business in), and neither those
labels nor those paths look like the way to a report column (no 信息公开/年报 in the text, no
xxgk/zwgk/ndbg in the path). Other sites of the group are `<option>` values of a `<select>`,
not links. Nothing the chrome loads leaves the site (badge images and statistics pings are
same-origin, the accessibility script loads only when asked for), and no chrome element is a
`<table>`, an `<h1>` or carries `title` in a class name, so none of it can pass for content.
"""

from __future__ import annotations

import html
import json
import random
from dataclasses import dataclass, field
from functools import cache

from govcrawl.demo_farm.reports import AGENCIES

Item = tuple[str, str]
"""(label, path code) of one menu entry."""
Menu = tuple[str, str, tuple[Item, ...]]
"""(label, group code, ((sub label, sub code), …)) of a site-specific top navigation item."""


@dataclass(frozen=True)
class Portal:
    """What the chrome of one site needs to know about it.

    `columns` maps top navigation labels to paths the site really serves (首页, 政务公开,
    互动交流 …); every other menu entry gets a path built from `path_style`, a format string
    with `{group}`, `{code}` and `{n}` (a number drawn per entry, for CMSes that name columns
    by number), which the site answers 404 for.
    """

    key: str
    name: str
    site_code: str
    icp: str
    path_style: str
    columns: tuple[tuple[str, str], ...]
    host: str = ""
    extra_menus: tuple[Menu, ...] = field(default=())


@dataclass(frozen=True)
class Chrome:
    """Fragments a layout puts in `<head>`, right after `<body>` and before `</body>`."""

    head: str
    top: str
    bottom: str


DEPARTMENTS: tuple[Item, ...] = (
    ("发展和改革委员会", "fgw"),
    ("教育局", "jyj"),
    ("科学技术局", "kjj"),
    ("工业和信息化局", "gxj"),
    ("公安局", "gaj"),
    ("民政局", "mzj"),
    ("司法局", "sfj"),
    ("财政局", "czj"),
    ("人力资源和社会保障局", "rsj"),
    ("自然资源局", "zrzyj"),
    ("生态环境局", "sthjj"),
    ("住房和城乡建设局", "zjj"),
    ("交通运输局", "jtysj"),
    ("水务局", "swj"),
    ("农业农村局", "nyncj"),
    ("商务局", "sswj"),
    ("文化和旅游局", "wlj"),
    ("卫生健康委员会", "wjw"),
    ("退役军人事务局", "tyjrswj"),
    ("应急管理局", "yjglj"),
    ("审计局", "sjj"),
    ("国有资产监督管理委员会", "gzw"),
    ("市场监督管理局", "scjgj"),
    ("统计局", "tjj"),
    ("医疗保障局", "ybj"),
    ("林业和草原局", "lcj"),
    ("乡村振兴局", "xczxj"),
    ("信访局", "xfj"),
    ("政务服务中心", "zwfwzx"),
    ("公共资源交易中心", "ggzyjy"),
    ("机关事务管理局", "jgswglj"),
    ("民族宗教事务委员会", "mzzjw"),
    ("体育局", "tyj"),
    ("气象局", "qxj"),
    ("地震局", "dzj"),
    ("供销合作社", "gxs"),
    ("住房公积金管理中心", "gjjzx"),
    ("城市管理综合执法局", "cgzfj"),
    ("粮食和物资储备局", "lswzj"),
    ("数据局", "sjglj"),
    ("融媒体中心", "rmtzx"),
    ("投资促进局", "tzcjj"),
)

NEIGHBOURS: dict[str, tuple[Item, ...]] = {
    "甘肃省": (
        ("兰州市", "lanzhou"),
        ("嘉峪关市", "jyg"),
        ("金昌市", "jinchang"),
        ("白银市", "baiyin"),
        ("天水市", "tianshui"),
        ("武威市", "gswuwei"),
        ("张掖市", "zhangye"),
        ("平凉市", "pingliang"),
        ("酒泉市", "jiuquan"),
        ("庆阳市", "zgqingyang"),
        ("定西市", "dingxi"),
        ("陇南市", "longnan"),
        ("临夏回族自治州", "linxia"),
        ("甘南藏族自治州", "gnzrmzf"),
    ),
    "宁夏回族自治区": (
        ("银川市", "yinchuan"),
        ("石嘴山市", "shizuishan"),
        ("吴忠市", "wuzhong"),
        ("固原市", "nxgy"),
        ("中卫市", "nxzw"),
    ),
}

UPPER_LINKS: dict[str, tuple[Item, ...]] = {
    "甘肃省": (
        ("甘肃省人民政府", "https://www.gansu.gov.cn/"),
        ("甘肃政务服务网", "https://zwfw.gansu.gov.cn/"),
        ("甘肃省发展和改革委员会", "http://fzgg.gansu.gov.cn/"),
        ("甘肃省教育厅", "http://jyt.gansu.gov.cn/"),
        ("甘肃省财政厅", "http://czt.gansu.gov.cn/"),
        ("甘肃省水利厅", "http://slt.gansu.gov.cn/"),
        ("甘肃省统计局", "http://tjj.gansu.gov.cn/"),
    ),
    "宁夏回族自治区": (
        ("宁夏回族自治区人民政府", "https://www.nx.gov.cn/"),
        ("宁夏政务服务网", "https://zwfw.nx.gov.cn/"),
        ("宁夏回族自治区发展和改革委员会", "https://fzggw.nx.gov.cn/"),
        ("宁夏回族自治区水利厅", "https://slt.nx.gov.cn/"),
        ("宁夏回族自治区财政厅", "https://czt.nx.gov.cn/"),
        ("宁夏回族自治区统计局", "https://tj.nx.gov.cn/"),
    ),
}

NATIONAL_LINKS: tuple[Item, ...] = (
    ("中国政府网", "https://www.gov.cn/"),
    ("国家政务服务平台", "https://gjzwfw.www.gov.cn/"),
    ("国务院部门网站", "https://www.gov.cn/home/2023-03/13/content_5746408.htm"),
    ("中华人民共和国国家发展和改革委员会", "https://www.ndrc.gov.cn/"),
    ("中华人民共和国财政部", "https://www.mof.gov.cn/"),
    ("中华人民共和国水利部", "http://www.mwr.gov.cn/"),
    ("国家统计局", "https://www.stats.gov.cn/"),
)

DISCLOSURE_GROUPS: tuple[tuple[str, str, tuple[Item, ...]], ...] = (
    (
        "政策文件",
        "zcwj",
        (
            ("{gov}文件", "zfwj"),
            ("{gov}办公室文件", "zfbwj"),
            ("部门文件", "bmwj"),
            ("行政规范性文件", "gfxwj"),
            ("规范性文件清理结果", "gfxwjql"),
            ("政策文件库", "zcwjk"),
        ),
    ),
    (
        "政策解读",
        "zcjd",
        (
            ("文字解读", "wzjd"),
            ("图片解读", "tpjd"),
            ("视频解读", "spjd"),
            ("专家解读", "zjjd"),
            ("新闻发布会", "xwfbh"),
        ),
    ),
    (
        "人事信息",
        "rsxx",
        (
            ("任免信息", "rmxx"),
            ("公务员招录", "gwyzl"),
            ("事业单位招聘", "sydwzp"),
            ("人才引进", "rcyj"),
        ),
    ),
    (
        "财政信息",
        "czxx",
        (
            ("财政预决算", "czyjs"),
            ("部门预决算", "bmyjs"),
            ("政府债务", "zfzw"),
            ("“三公”经费", "sgjf"),
            ("惠民惠农财政补贴", "hmhnbt"),
        ),
    ),
    (
        "规划计划",
        "ghjh",
        (
            ("国民经济和社会发展规划", "fzgh"),
            ("国土空间规划", "gtkjgh"),
            ("专项规划", "zxgh"),
            ("年度计划", "ndjh"),
        ),
    ),
    (
        "统计信息",
        "tjxx",
        (
            ("统计公报", "tjgb"),
            ("统计数据", "tjsj"),
            ("统计分析", "tjfx"),
            ("统计制度", "tjzd"),
        ),
    ),
    (
        "重点领域",
        "zdly",
        (
            ("重大建设项目", "zdjsxm"),
            ("公共资源配置", "ggzypz"),
            ("社会救助", "shjz"),
            ("教育领域", "jyly"),
            ("卫生健康", "wsjk"),
            ("生态环境", "sthj"),
            ("食品药品安全", "spypaq"),
            ("安全生产", "aqsc"),
            ("乡村振兴", "xczx"),
            ("行政执法公示", "xzzfgs"),
            ("双随机一公开", "ssjygk"),
            ("减税降费", "jsjf"),
        ),
    ),
    (
        "政府会议",
        "zfhy",
        (("常务会议", "cwhy"), ("全体会议", "qthy"), ("专题会议", "zthy")),
    ),
    (
        "建议提案办理",
        "jytabl",
        (("人大代表建议", "rddbjy"), ("政协委员提案", "zxwyta")),
    ),
)

SERVICE_GROUPS: tuple[tuple[str, str, tuple[Item, ...]], ...] = (
    (
        "办事指南",
        "bszn",
        (("个人办事", "grbs"), ("法人办事", "frbs"), ("部门服务", "bmfw"), ("主题服务", "ztfw")),
    ),
    (
        "便民服务",
        "bmfw",
        (
            ("教育服务", "jyfw"),
            ("社保服务", "sbfw"),
            ("医疗服务", "ylfw"),
            ("住房服务", "zffw"),
            ("交通出行", "jtcx"),
            ("公用事业", "gysy"),
            ("婚育收养", "hysy"),
        ),
    ),
    (
        "服务清单",
        "fwqd",
        (
            ("权责清单", "qzqd"),
            ("证明事项清单", "zmsxqd"),
            ("中介服务事项", "zjfwsx"),
            ("公共服务事项", "ggfwsx"),
        ),
    ),
    (
        "特色服务",
        "tsfw",
        (("一件事一次办", "yjsycb"), ("跨省通办", "kstb"), ("政务服务好差评", "hcp")),
    ),
)

INTERACTION_GROUPS: tuple[tuple[str, str, tuple[Item, ...]], ...] = (
    ("领导信箱", "ldxx", (("写信须知", "xxxz"), ("我要写信", "wyxx"), ("信件查询", "xjcx"))),
    ("在线访谈", "zxft", (("访谈预告", "ftyg"), ("往期回顾", "wqhg"))),
    ("征集调查", "zjdc", (("意见征集", "yjzj"), ("网上调查", "wsdc"), ("结果反馈", "jgfk"))),
    ("12345热线", "rx12345", (("热线简介", "rxjj"), ("办理公开", "blgk"))),
    ("常见问题", "cjwt", ()),
)

ABOUT_ITEMS: tuple[Item, ...] = (
    ("{short}概况", "gk"),
    ("历史沿革", "lsyg"),
    ("行政区划", "xzqh"),
    ("自然地理", "zrdl"),
    ("人口民族", "rkmz"),
    ("经济发展", "jjfz"),
    ("文化旅游", "whly"),
    ("名优特产", "mytc"),
    ("今日{short}", "jr"),
)

TOPICS: tuple[Item, ...] = (
    ("学习贯彻党的二十大精神", "xxesd"),
    ("优化营商环境", "yhyshj"),
    ("全面推进乡村振兴", "qmtjxczx"),
    ("安全生产月", "aqscy"),
    ("创建全国文明城市", "cjwmcs"),
    ("常态化扫黑除恶", "shce"),
    ("双拥共建", "sygj"),
    ("全面推行河湖长制", "hhzz"),
    ("森林草原防灭火", "slcyfmh"),
    ("法治政府建设", "fzzfjs"),
    ("防范非法集资", "fffjz"),
    ("铸牢中华民族共同体意识", "zlgtyt"),
    ("主题教育", "ztjy"),
    ("民族团结进步创建", "mztjjb"),
    ("根治欠薪", "gzqx"),
    ("全国文明城市测评", "wmcscp"),
)

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
)
GIVEN = (
    "建国志强海军伟明文华永红春玉兰英秀丽平东晓宏亮涛斌刚勇杰峰磊鹏飞宇辉新林成学忠德福宝"
    "生荣庆祥瑞安中天正光清山云龙凤兴旺富和顺利"
)
ICONS = (
    "search",
    "wza",
    "zzms",
    "weixin",
    "weibo",
    "douyin",
    "toutiao",
    "mobile",
    "user",
    "totop",
)
ELDER_CSS = """.elder-mode body { font-size: 20px; line-height: 1.8; }
.elder-mode .gov-nav > ul > li > a { font-size: 22px; padding: 0 18px; }
.elder-mode .gov-sub dt a, .elder-mode .gov-sub dd a { font-size: 19px; line-height: 2; }
.elder-mode .gov-toolbar, .elder-mode .gov-footer { font-size: 18px; }
.elder-mode .gov-search input[type=text] { height: 46px; font-size: 20px; }
.elder-mode .gov-hotwords a { font-size: 18px; margin-right: 14px; }
.elder-mode .gov-xmt li span { font-size: 18px; }
.elder-mode a:focus, .elder-mode input:focus { outline: 3px solid #f60; }
.gov-sub { position: absolute; left: 0; top: 52px; width: 1200px; z-index: 99; }
.gov-nav > ul > li.on > a { background: #0b57a4; color: #fff; }
.gov-qr { display: none; position: absolute; top: 28px; }
.gov-tools li:hover .gov-qr { display: block; }
@media screen and (max-width: 768px) {
  .gov-nav, .gov-group, .gov-toolbar .gov-tools { display: none; }
  .gov-mnav { display: block !important; }
}"""
LEADERS = {
    "city": ("市长", "常务副市长", "副市长", "副市长", "副市长", "副市长", "秘书长"),
    "county": ("县长", "常务副县长", "副县长", "副县长", "副县长", "副县长"),
    "town": ("镇长", "副镇长", "副镇长", "副镇长"),
    "department": ("局长", "副局长", "副局长", "副局长", "总工程师"),
}
MEDIA_ACCOUNTS = (
    ("{short}发布", "fb"),
    ("{short}公安", "ga"),
    ("健康{short}", "jk"),
    ("{short}教育", "jy"),
    ("{short}市场监管", "scjg"),
    ("{short}应急管理", "yj"),
    ("{short}交通", "jt"),
    ("{short}人社", "rs"),
    ("{short}文旅", "wl"),
    ("{short}税务", "sw"),
    ("{short}医保", "yb"),
    ("{short}生态环境", "sthj"),
    ("{short}12345", "rx"),
    ("{short}融媒", "rm"),
)
ACCOUNT_KINDS = ("微信公众号", "政务微博", "抖音号", "今日头条号", "视频号")

HOT_WORDS = (
    "社保缴费",
    "公积金提取",
    "不动产登记",
    "营业执照",
    "医保报销",
    "居住证",
    "养老保险",
    "出生医学证明",
    "义务教育招生",
    "灵活就业",
)

MEDIA = ("政务微信", "政务微博", "政务抖音", "今日头条号", "政务快手")

TODAY_JS = """(function () {
  var d = new Date(), week = ["日", "一", "二", "三", "四", "五", "六"];
  var el = document.getElementById("gov-today");
  if (el) {
    el.innerHTML = d.getFullYear() + "年" + (d.getMonth() + 1) + "月" + d.getDate() +
      "日 星期" + week[d.getDay()];
  }
})();"""

MENU_JS = """(function () {
  var items = document.querySelectorAll(".gov-nav > ul > li");
  function show(li, on) {
    var sub = li.querySelector(".gov-sub");
    li.className = on ? (li.className + " on") : li.className.replace(/\\s*\\bon\\b/g, "");
    if (sub) { sub.style.display = on ? "block" : "none"; }
  }
  for (var i = 0; i < items.length; i++) {
    items[i].onmouseenter = function () { show(this, true); };
    items[i].onmouseleave = function () { show(this, false); };
    items[i].onfocusin = function () { show(this, true); };
  }
  var groups = document.querySelectorAll(".gov-group select");
  for (var j = 0; j < groups.length; j++) {
    groups[j].onchange = function () {
      var url = this.options[this.selectedIndex].value;
      if (url) { window.open(url, "_blank"); }
      this.selectedIndex = 0;
    };
  }
})();"""

ASSIST_JS = """var govAssist = {
  code: "%(code)s",
  loaded: false,
  open: function (mode) {
    if (this.loaded) { if (window.AssistTool) { window.AssistTool.toggle(mode); } return; }
    var s = document.createElement("script");
    s.src = "/assist/assist.min.js?v=3.2.6&code=" + this.code;
    s.charset = "utf-8";
    s.onload = function () {
      govAssist.loaded = true;
      window.AssistTool.init({
        mode: mode, position: "top", speech: true, bigMouse: true, guides: true,
        lineHeight: [1.5, 2, 2.5], zoom: [1, 1.2, 1.5, 2], contrast: ["black", "yellow", "blue"]
      });
    };
    document.getElementsByTagName("head")[0].appendChild(s);
    try { window.localStorage.setItem("gov_assist_mode", mode); } catch (e) {}
  },
  elder: function () {
    document.documentElement.className += " elder-mode";
    this.open("elder");
  }
};"""

SEARCH_JS = """function govCheckSearch(form) {
  var box = form.elements["searchWord"];
  var q = box.value.replace(/^\\s+|\\s+$/g, "");
  if (!q || q === box.getAttribute("placeholder")) {
    alert("请输入搜索关键词");
    box.focus();
    return false;
  }
  if (/[<>'"%;()&+]/.test(q)) {
    alert("搜索关键词含有非法字符，请重新输入");
    return false;
  }
  form.elements["searchWord"].value = q;
  return true;
}
function govJiucuo(code) {
  window.open("https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=" + code +
    "&url=" + encodeURIComponent(window.location.href));
}"""

STATS_JS = """(function () {
  var cfg = %(cfg)s;
  function send() {
    var q = [
      "sc=" + cfg.siteCode, "sid=" + cfg.siteId, "u=" + encodeURIComponent(location.href),
      "r=" + encodeURIComponent(document.referrer), "t=" + encodeURIComponent(document.title),
      "sw=" + screen.width, "sh=" + screen.height, "ck=" + (navigator.cookieEnabled ? 1 : 0),
      "lang=" + (navigator.language || ""), "v=" + cfg.ver, "rnd=" + Math.random()
    ];
    var img = new Image(1, 1);
    img.src = cfg.url + "?" + q.join("&");
  }
  if (document.readyState === "complete") { send(); }
  else if (window.addEventListener) { window.addEventListener("load", send, false); }
})();"""

SPA_JS = """(function () {
  var cfg = window.__PORTAL__;
  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) {
    return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]; }); }
  function link(i) { return '<a href="' + esc(i.href) + '">' + esc(i.label) + "</a>"; }
  var nav = cfg.nav.map(function (m) {
    var sub = m.groups.map(function (g) {
      return "<dl><dt>" + link(g) + "</dt><dd>" + g.items.map(link).join("") + "</dd></dl>";
    }).join("");
    return "<li>" + link(m) + (sub ? '<div class="gov-sub">' + sub + "</div>" : "") + "</li>";
  }).join("");
  var head = document.getElementById("portal-header");
  if (head) { head.innerHTML = cfg.group + '<div class="gov-nav"><ul>' + nav + "</ul></div>"; }
  var foot = document.getElementById("portal-footer");
  if (foot) {
    foot.innerHTML = "<p>" + cfg.footer.links.map(link).join(" | ") + "</p>" +
      cfg.footer.lines.map(function (l) { return "<p>" + esc(l) + "</p>"; }).join("");
  }
})();"""


def _agency(name: str) -> tuple[str, str, str]:
    """(region, level, slug) of a farm agency; a region-less default for unknown names."""
    found = next((a for a in AGENCIES if a.name == name), None)
    if found is None:
        return "", "city", "portal"
    return found.region, found.level, found.slug.split("-")[0]


def _government(region: str, fallback: str) -> str:
    """The people's government whose site group a site belongs to: its own for a city or a
    county, the county's for a town or a county bureau."""
    govs = [a for a in AGENCIES if a.level in ("city", "county") and region.startswith(a.region)]
    return max(govs, key=lambda a: len(a.region)).name if govs else fallback


def _short(name: str) -> str:
    """定西市人民政府 → 定西, 合水县人民政府 → 合水, 太白镇人民政府 → 太白."""
    name = name.removesuffix("人民政府")
    return name[:-1] if name[-1:] in "市县区镇" and len(name) > 2 else name


def _icon(name: str) -> str:
    return f'<svg class="gov-icon" aria-hidden="true"><use xlink:href="#icon-{name}"></use></svg>'


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


class _Builder:
    """Draws one site's chrome; every random choice comes from the site-keyed stream."""

    def __init__(self, portal: Portal) -> None:
        self.portal = portal
        self.rng = random.Random(f"govcrawl-demo-farm-chrome:{portal.key}")
        self.region, self.level, _ = _agency(portal.name)
        self.gov = _government(self.region, portal.name)
        self.gov_region, self.gov_level, self.slug = _agency(self.gov)
        self.own = self.gov if self.level == "department" else portal.name
        """The government the site speaks for: itself, or for a bureau its county."""
        self.short = _short(self.own)
        self.columns = dict(portal.columns)
        self.used: set[int] = set()

    # -- paths -------------------------------------------------------------------------

    def path(self, group: str, code: str) -> str:
        while True:
            n = self.rng.randint(101, 999)
            if n not in self.used and n not in (100, 200, 300):
                self.used.add(n)
                break
        return self.portal.path_style.format(group=group, code=code, n=n)

    def link(self, label: str, href: str, **attrs: str) -> str:
        extra = "".join(f' {k}="{_esc(v)}"' for k, v in attrs.items())
        return f'<a href="{_esc(href)}"{extra}>{_esc(label)}</a>'

    # -- site group ------------------------------------------------------------------

    def departments(self) -> list[Item]:
        """(name, url) of the agencies' sites in the 部门网站 dropdown."""
        prefix = self.gov.removesuffix("人民政府")
        picked = self.rng.sample(DEPARTMENTS, self.rng.randint(26, 34))
        out = [(prefix + name, f"http://{code}.{self.slug}.gov.cn/") for name, code in picked]
        own = {name for name, _ in out}
        for agency in AGENCIES:
            if (
                agency.level == "department"
                and agency.region == self.gov_region
                and agency.name not in own | {self.portal.name}
            ):
                out.append((agency.name, f"http://www.{agency.slug}.gov.cn/"))
        return out

    def subordinates(self) -> list[Item]:
        """Counties of a city, towns of a county: the 区县网站 / 乡镇网站 dropdown."""
        level = "county" if self.gov_level == "city" else "town"
        return [
            (a.name, f"http://www.{a.slug}.gov.cn/")
            for a in AGENCIES
            if a.level == level and a.region.startswith(self.gov_region) and a.name != self.gov
        ]

    def group_selects(self) -> str:
        province = next((p for p in NEIGHBOURS if self.region.startswith(p)), "甘肃省")
        neighbours = [(name, f"http://www.{slug}.gov.cn/") for name, slug in NEIGHBOURS[province]]
        lists = [
            ("部门网站", self.departments()),
            ("区县网站" if self.gov_level == "city" else "乡镇网站", self.subordinates()),
            ("市州网站", neighbours),
            ("省直部门", list(UPPER_LINKS[province])),
            ("国家部委", list(NATIONAL_LINKS)),
        ]
        out = []
        for label, entries in lists:
            if not entries:
                continue
            options = "".join(
                f'<option value="{_esc(url)}">{_esc(name)}</option>' for name, url in entries
            )
            out.append(
                f'<div class="gov-group-item"><select name="{label}" aria-label="{label}">'
                f'<option value="">{label}</option>{options}</select></div>'
            )
        return '<div class="gov-group">' + "".join(out) + "</div>"

    # -- navigation ------------------------------------------------------------------

    def groups(
        self, top_code: str, groups: tuple[tuple[str, str, tuple[Item, ...]], ...], keep: int
    ) -> list[tuple[str, str, list[Item]]]:
        chosen = sorted(self.rng.sample(range(len(groups)), min(keep, len(groups))))
        out = []
        for i in chosen:
            label, code, leaves = groups[i]
            leaves_kept = [
                (name.format(gov=self.own.removesuffix("人民政府") + "政府", short=self.short), c)
                for name, c in leaves
                if self.rng.random() < 0.9
            ]
            out.append(
                (
                    label,
                    self.path(top_code, code),
                    [(name, self.path(code, c)) for name, c in leaves_kept],
                )
            )
        return out

    def menus(self) -> list[tuple[str, str, list[tuple[str, str, list[Item]]]]]:
        cols = self.columns
        home = cols.get("首页", "/")
        disclosure = cols.get("政务公开", home)
        boxes = {"city": "市长信箱", "county": "县长信箱", "town": "镇长信箱"}
        box = boxes.get(self.level, "局长信箱")
        interaction = [
            (box if label == "领导信箱" else label, href, leaves)
            for label, href, leaves in self.groups("hdjl", INTERACTION_GROUPS, 5)
        ]
        public = self.groups("gkzl", DISCLOSURE_GROUPS, len(DISCLOSURE_GROUPS))
        public.insert(0, ("政府信息公开", disclosure, []))
        if "年报" in cols:
            public.insert(1, ("政府信息公开年报", cols["年报"], []))
        about_label = f"走进{self.short}"
        about = [
            (name.format(short=self.short), self.path("zj", code), [])
            for name, code in ABOUT_ITEMS
            if self.rng.random() < 0.8
        ]
        topics = [
            (name, self.path("ztzl", code), [])
            for name, code in self.rng.sample(TOPICS, self.rng.randint(7, 11))
        ]
        menus = [
            ("首页", home, []),
            ("政务公开", disclosure, public),
            (
                "政务服务",
                cols.get("政务服务", self.path("zwfw", "index")),
                self.groups("zwfw", SERVICE_GROUPS, 4),
            ),
            ("互动交流", cols.get("互动交流", self.path("hdjl", "index")), interaction),
        ]
        for label, code, groups in self.portal.extra_menus:
            href = cols.get(label) or self.path(code, "index")
            menus.append(
                (
                    label,
                    href,
                    [
                        (sub, cols.get(sub) or self.path(code, sub_code), [])
                        for sub, sub_code in groups
                    ],
                )
            )
        menus.append(("领导之窗", self.path("ldzc", "index"), self.leaders()))
        menus.append((about_label, cols.get(about_label) or self.path("zj", "index"), about))
        menus.append(("专题专栏", self.path("ztzl", "index"), topics))
        return menus

    def nav_html(self, menus: list) -> str:
        items = []
        for label, href, groups in menus:
            sub = ""
            if groups:
                blocks = []
                for glabel, ghref, leaves in groups:
                    leaf_html = "".join(
                        f"<li>{self.link(name, lhref, target='_blank')}</li>"
                        for name, lhref in leaves
                    )
                    blocks.append(
                        f"<dl><dt>{self.link(glabel, ghref)}</dt>"
                        + (f"<dd><ul>{leaf_html}</ul></dd>" if leaf_html else "")
                        + "</dl>"
                    )
                sub = f'<div class="gov-sub" style="display:none">{"".join(blocks)}</div>'
            items.append(f"<li>{self.link(label, href)}{sub}</li>")
        return f'<div class="gov-nav" role="navigation"><ul>{"".join(items)}</ul></div>'

    def person(self) -> str:
        given = "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2))))
        return self.rng.choice(SURNAMES) + given

    def leaders(self) -> list[tuple[str, str, list[Item]]]:
        """领导之窗: each leader's page with 简历, 分工 and 活动 leaves."""
        out = []
        for i, post in enumerate(LEADERS.get(self.level, LEADERS["county"])):
            name = self.person()
            code = f"ld{i + 1}"
            leaves = [
                (f"{name}简历", self.path(code, "jl")),
                (f"{name}工作分工", self.path(code, "fg")),
                (f"{name}工作活动", self.path(code, "hd")),
            ]
            out.append((f"{post} {name}", self.path("ldzc", code), leaves))
        return out

    def media_matrix(self) -> str:
        """政务新媒体矩阵: the accounts of the site group, each with its QR code."""
        accounts = self.rng.sample(MEDIA_ACCOUNTS, self.rng.randint(9, 13))
        items = "".join(
            f'<li><img src="/images/xmt/{self.slug}_{code}_{k}.jpg" alt="" '
            f'width="90" height="90" /><span>{_esc(name.format(short=self.short))}</span>'
            f"<em>{ACCOUNT_KINDS[k]}</em></li>"
            for name, code in accounts
            for k in (self.rng.randrange(len(ACCOUNT_KINDS)),)
        )
        return (
            '<div class="gov-xmt"><div class="gov-xmt-hd">政务新媒体矩阵</div>'
            f"<ul>{items}</ul></div>"
        )

    def mobile_nav(self, menus: list) -> str:
        """The collapsed navigation responsive templates add for narrow screens."""
        items = "".join(
            f"<li>{self.link(label, href)}"
            + (
                "<ul>" + "".join(f"<li>{self.link(g, gh)}</li>" for g, gh, _ in groups) + "</ul>"
                if groups
                else ""
            )
            + "</li>"
            for label, href, groups in menus
        )
        return (
            '<div class="gov-mnav" style="display:none"><a href="javascript:;" '
            f'class="gov-mnav-btn" aria-label="菜单">菜单</a><ul>{items}</ul></div>'
        )

    def icon_path(self) -> str:
        """Path data of one icon on the 1024 grid, shaped like iconfont's exported symbols."""
        x, y = self.rng.randint(96, 928), self.rng.randint(96, 928)
        parts = [f"M{x} {y}"]
        for _ in range(self.rng.randint(5, 11)):
            if self.rng.random() < 0.7:
                c = [self.rng.randint(-180, 180) + self.rng.randint(0, 99) / 100 for _ in range(6)]
                parts.append("c" + " ".join(f"{v:.2f}".rstrip("0").rstrip(".") for v in c))
            else:
                parts.append(f"l{self.rng.randint(-300, 300)} {self.rng.randint(-300, 300)}")
        return "".join(parts) + "z"

    def icon_sprite(self) -> str:
        """The iconfont symbol sprite the toolbar and footer icons use (`<use xlink:href>`)."""
        symbols = "".join(
            f'<symbol id="icon-{name}" viewBox="0 0 1024 1024">'
            + "".join(
                f'<path d="{self.icon_path()}" fill="currentColor"></path>'
                for _ in range(self.rng.randint(1, 2))
            )
            + "</symbol>"
            for name in ICONS
        )
        return (
            '<svg aria-hidden="true" style="position:absolute;width:0;height:0;overflow:hidden" '
            f'xmlns="http://www.w3.org/2000/svg">{symbols}</svg>'
        )

    # -- header and footer -----------------------------------------------------------

    def toolbar(self) -> str:
        media = "".join(
            f'<li><a href="javascript:;" class="gov-media-{i}">{m}</a>'
            f'<span class="gov-qr"><img src="/images/qr/{i}.png" alt="{m}二维码" width="100" '
            f'height="100" /></span></li>'
            for i, m in enumerate(self.rng.sample(MEDIA, 3))
        )
        return (
            '<div class="gov-toolbar"><div class="gov-wrap">'
            '<span id="gov-today"></span>'
            '<ul class="gov-tools">'
            '<li><a href="javascript:;" onclick="govAssist.open(\'assist\')" '
            f'aria-label="无障碍浏览">{_icon("wza")}无障碍</a></li>'
            '<li><a href="javascript:;" onclick="govAssist.elder()" '
            f'aria-label="长者模式">{_icon("zzms")}长者模式</a></li>'
            '<li><a href="javascript:;" class="gov-lang">繁體</a></li>'
            f'<li><a href="javascript:;" class="gov-mobile">{_icon("mobile")}手机版</a></li>'
            f"{media}"
            f'<li><a href="javascript:;" class="gov-login">{_icon("user")}个人登录</a></li>'
            '<li><a href="javascript:;" class="gov-login">法人登录</a></li></ul>'
            "</div></div>"
        )

    def search(self) -> str:
        words = "".join(
            f'<a href="javascript:;" onclick="govSearchWord(this)">{w}</a>'
            for w in self.rng.sample(HOT_WORDS, 5)
        )
        return (
            f'<div class="gov-search"><form action="{self.path("search", "index")}" '
            'method="get" target="_blank" onsubmit="return govCheckSearch(this)">'
            f'<input type="hidden" name="siteCode" value="{self.portal.site_code}" />'
            f'<input type="hidden" name="siteId" value="{self.rng.randint(10, 999)}" />'
            '<input type="hidden" name="column" value="全部" />'
            '<input type="hidden" name="orderBy" value="0" />'
            '<input type="text" name="searchWord" placeholder="请输入关键词" '
            'autocomplete="off" aria-label="站内搜索" />'
            '<input type="submit" value="搜索" class="gov-search-btn" /></form>'
            f'<div class="gov-hotwords">热门搜索：{words}</div></div>'
        )

    def footer_links(self) -> list[Item]:
        return [
            ("网站地图", self.path("wzdt", "index")),
            ("联系我们", self.path("lxwm", "index")),
            ("网站声明", self.path("wzsm", "index")),
            ("使用帮助", self.path("syzn", "index")),
            ("隐私政策", self.path("yszc", "index")),
        ]

    def footer(self, links: list[Item]) -> str:
        row = " | ".join(self.link(label, href) for label, href in links)
        office = self.portal.name + ("办公室" if self.level in ("city", "county") else "")
        maker = self.rng.choice(("大数据中心", "信息中心", "融媒体中心"))
        district = self.gov.removesuffix("人民政府")
        phone = f"0{self.rng.randint(930, 953)}-{self.rng.randint(8210000, 8299999)}"
        police = f"{self.rng.randint(62010202000100, 64039902000999)}"
        conac = "".join(self.rng.choice("0123456789ABCDEF") for _ in range(32))
        return (
            '<div class="gov-footer"><div class="gov-wrap">'
            f'<div class="gov-footer-links">{row} | '
            f'<a href="javascript:;" onclick="govJiucuo(\'{self.portal.site_code}\')">'
            "我要纠错</a></div>"
            '<div class="gov-footer-info">'
            f"<p>主办单位：{office}　承办单位：{district}{maker}</p>"
            f"<p>地址：{district}{self.rng.choice(('人民路', '解放路', '中华路', '建设路'))}"
            f"{self.rng.randint(1, 199)}号　邮编：{self.rng.randint(730000, 751999)}　"
            f"联系电话：{phone}</p>"
            f"<p>网站标识码：{self.portal.site_code}　"
            f'<a href="https://beian.miit.gov.cn/" target="_blank">{self.portal.icp}</a>　'
            '<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode='
            f'{police}" target="_blank"><img src="/images/ga.png" alt="" width="16" '
            f'height="16" />{self.police_prefix()}公网安备 {police}号</a></p>'
            "<p>建议使用1366×768以上分辨率、IE10以上版本浏览器浏览本站</p></div>"
            '<div class="gov-badges">'
            f'<span class="gov-conac"><a href="https://bszs.conac.cn/sitename?method=show&amp;'
            f'id={conac}" target="_blank"><img src="/images/red.png" width="47" height="60" '
            'alt="党政机关" /></a></span>'
            f'<span class="gov-jiucuo"><a href="javascript:;" onclick="govJiucuo(\''
            f'{self.portal.site_code}\')"><img src="/images/jiucuo.png" width="110" height="55" '
            'alt="政府网站找错" /></a></span>'
            '<span class="gov-aged"><img src="/images/shilaohua.png" width="110" height="40" '
            'alt="适老化无障碍服务" /></span></div>'
            "</div></div>"
        )

    def police_prefix(self) -> str:
        return "宁" if self.region.startswith("宁夏") else "甘"

    def head(self) -> str:
        keywords = ",".join([self.portal.name, self.short, "政务公开", "政务服务", "互动交流"])
        return (
            '<meta http-equiv="X-UA-Compatible" content="IE=edge,chrome=1" />\n'
            '<meta name="renderer" content="webkit" />\n'
            f'<meta name="SiteDomain" content="{_esc(self.portal.host or self.slug + ".gov.cn")}"'
            " />\n"
            f'<meta name="SiteIDCode" content="{self.portal.site_code}" />\n'
            f'<meta name="keywords" content="{_esc(keywords)}" />\n'
            f'<meta name="description" content="{_esc(self.portal.name)}门户网站是'
            f'{_esc(self.gov)}在互联网上发布政务信息、提供在线服务、与公众互动交流的平台" />\n'
            f"<style>\n{ELDER_CSS}\n</style>\n"
        )

    def stats(self) -> str:
        cfg = {
            "siteCode": self.portal.site_code,
            "siteId": "".join(self.rng.choice("0123456789abcdef") for _ in range(16)),
            "url": "/stat/pv.gif",
            "ver": f"{self.rng.randint(1, 4)}.{self.rng.randint(0, 9)}.{self.rng.randint(0, 9)}",
        }
        return STATS_JS % {"cfg": json.dumps(cfg, ensure_ascii=False)}

    def build(self, spa: bool) -> Chrome:
        menus = self.menus()
        selects = self.group_selects()
        toolbar = self.toolbar()
        search = self.search()
        links = self.footer_links()
        footer = self.footer(links)
        head = self.head()
        assist = ASSIST_JS % {"code": self.portal.site_code}
        scripts_top = f"<script>\n{assist}\n{SEARCH_JS}\n</script>\n"
        if spa:
            config = {
                "site": self.portal.name,
                "siteCode": self.portal.site_code,
                "nav": [
                    {
                        "label": label,
                        "href": href,
                        "groups": [
                            {
                                "label": g,
                                "href": gh,
                                "items": [{"label": n, "href": h} for n, h in leaves],
                            }
                            for g, gh, leaves in groups
                        ],
                    }
                    for label, href, groups in menus
                ],
                "group": selects,
                "footer": {
                    "links": [{"label": label, "href": href} for label, href in links],
                    "lines": [
                        f"主办单位：{self.gov}办公室",
                        f"网站标识码：{self.portal.site_code}",
                        self.portal.icp,
                    ],
                },
            }
            state = json.dumps(config, ensure_ascii=False).replace("</", "<\\/")
            top = (
                f"{self.icon_sprite()}\n<script>window.__PORTAL__ = {state};</script>\n"
                f"{scripts_top}"
                '<div id="portal-header"></div>\n'
            )
            bottom = f'<div id="portal-footer"></div>\n<script>\n{SPA_JS}\n</script>\n'
            return Chrome(head, top, bottom)
        top = (
            f"{self.icon_sprite()}\n{scripts_top}{toolbar}\n"
            f'<div class="gov-head"><div class="gov-wrap">{search}{selects}</div></div>\n'
            f"{self.nav_html(menus)}\n{self.mobile_nav(menus)}\n"
        )
        bottom = f"{footer}\n<script>\n{TODAY_JS}\n{MENU_JS}\n{self.stats()}\n</script>\n"
        return Chrome(head, top, bottom)


@cache
def site_chrome(portal: Portal, *, spa: bool = False) -> Chrome:
    """The chrome of `portal`: same bytes for the same portal, whatever the farm seed.

    `spa` gives the form a script-built portal uses: the navigation and footer as a JSON
    state object rendered by an inline script, so the raw HTML carries their weight but none
    of their links (a list shell must stay a shell to the fingerprinter).
    """
    return _Builder(portal).build(spa)


@cache
def docshare_chrome(name: str) -> Chrome:
    """The chrome of a doc-share site: category menu, tag cloud, footer link rows."""
    rng = random.Random(f"govcrawl-demo-farm-chrome:docshare:{name}")
    categories = (
        ("教育专区", ("幼儿教育", "小学教育", "初中教育", "高中教育", "高等教育", "职业教育")),
        ("行业资料", ("建筑土木", "机械电子", "医药卫生", "农林牧渔", "财会金融", "交通运输")),
        ("办公文档", ("工作总结", "工作计划", "述职报告", "心得体会", "演讲致辞", "规章制度")),
        ("党团工作", ("党建材料", "思想汇报", "入党申请", "组织生活", "廉政建设")),
        ("政务文档", ("政府公文", "调研报告", "实施方案", "会议纪要", "通知公告")),
        ("合同协议", ("劳动合同", "租赁合同", "买卖合同", "服务协议", "招投标")),
        ("论文资料", ("毕业论文", "学术论文", "开题报告", "文献综述")),
    )
    blocks = []
    for label, subs in categories:
        code = "".join(rng.choice("abcdefghjkmnpqrstuvwxyz") for _ in range(4))
        leaves = "".join(
            f'<li><a href="/list-{code}-{i}.html">{sub}</a></li>' for i, sub in enumerate(subs)
        )
        blocks.append(
            f'<li class="cat"><a href="/list-{code}.html">{label}</a><ul class="cat-sub">'
            f"{leaves}</ul></li>"
        )
    tags = "".join(
        f'<a href="/tag-{rng.randint(10000, 99999)}.html">{t}</a>'
        for t in rng.sample(
            (
                "工作总结",
                "实施方案",
                "调研报告",
                "心得体会",
                "述职报告",
                "工作计划",
                "自查报告",
                "整改报告",
                "汇报材料",
                "讲话稿",
                "主持词",
                "申请书",
            ),
            9,
        )
    )
    footer_links = "".join(
        f'<a href="/help-{i}.html">{t}</a>'
        for i, t in enumerate(
            ("关于我们", "用户协议", "隐私政策", "版权申诉", "帮助中心", "意见反馈", "网站地图")
        )
    )
    top = (
        f'<div class="doc-nav"><ul class="cats">{"".join(blocks)}</ul>'
        f'<div class="hot-tags">热门标签：{tags}</div></div>\n'
    )
    bottom = f'<div class="doc-foot-links">{footer_links}</div>\n'
    return Chrome("", top, bottom)
