"""Generated annual reports with known numbers: the ground truth of the demo farm.

Every report the farm serves starts here as a `GeneratedReport`, and the renderers in
`govcrawl.demo_farm.render` turn it into HTML, PDF, DOCX, DOC, XLSX or text. Because the
numbers are generated (not scraped), the farm knows exactly what a perfect extractor must
return, and because about one report in eight deliberately breaks an arithmetic check of the
spec, it also knows which `checks` must come out false.

Table keys and official labels are read from `govcrawl/spec/report-tables.json`, the same
contract the extractor follows, so the farm cannot drift from the spec's key names.
"""

from __future__ import annotations

import datetime
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

Number = int | float | None
Tables = dict[str, dict[str, Number]]

SPEC_PATH = Path(__file__).resolve().parent.parent / "spec" / "report-tables.json"
CHECK_IDS = (
    "requests.balance",
    "requests.result_sum",
    "requests.row_sum",
    "review_litigation.sums",
)
LEVELS = ("province", "city", "county", "town", "department")
YEARS = range(2019, 2025)


@cache
def spec() -> dict:
    """The parsed table spec (cached: it never changes while the farm runs)."""
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))


def template_for_year(year: int) -> str:
    """The national template in force for a reporting year."""
    return "2019" if year <= 2020 else "2021"


def request_columns() -> tuple[str, ...]:
    """Requests-table columns in template order, `total` last."""
    return tuple(spec()["templates"]["2021"]["requests"]["columns"])


def org_columns() -> tuple[str, ...]:
    """The five 法人或其他组织 columns."""
    groups = spec()["templates"]["2021"]["requests"]["column_groups"]
    return tuple(groups["法人或其他组织"])


def request_rows(template: str) -> tuple[str, ...]:
    """Requests-table rows in template order; 2019 has one `result.other` leaf row."""
    rows = list(spec()["templates"]["2021"]["requests"]["rows"])
    if template == "2021":
        return tuple(rows)
    out: list[str] = []
    for row in rows:
        if row.startswith("result.other."):
            if "result.other" not in out:
                out.append("result.other")
        else:
            out.append(row)
    return tuple(out)


def result_leaf_rows(template: str) -> tuple[str, ...]:
    """Rows summed by `result.total`."""
    return tuple(
        r for r in request_rows(template) if r.startswith("result.") and r != "result.total"
    )


def active_groups(template: str) -> dict[str, dict]:
    """The active-disclosure groups of a template (label, rows, columns)."""
    return spec()["templates"][template]["active_disclosure"]["groups"]


def review_keys() -> tuple[str, ...]:
    """The 15 review/litigation keys in column order."""
    return tuple(spec()["templates"]["2021"]["review_litigation"]["columns"])


def table_keys(template: str, table: str) -> tuple[str, ...]:
    """Every canonical key of one table of one template, in reading order."""
    if table == "active_disclosure":
        return tuple(
            f"{g}.{r}.{c}"
            for g, group in active_groups(template).items()
            for r in group["rows"]
            for c in group["columns"]
        )
    if table == "requests":
        return tuple(f"{r}.{c}" for r in request_rows(template) for c in request_columns())
    if table == "review_litigation":
        return review_keys()
    raise ValueError(f"unknown table {table!r}")


@dataclass(frozen=True)
class Agency:
    """A reporting body: the farm's reports are issued in these names."""

    name: str
    region: str
    level: str
    slug: str


AGENCIES: tuple[Agency, ...] = (
    Agency("甘肃省人民政府", "甘肃省", "province", "gansu"),
    Agency("宁夏回族自治区人民政府", "宁夏回族自治区", "province", "ningxia"),
    Agency("定西市人民政府", "甘肃省定西市", "city", "dingxi"),
    Agency("庆阳市人民政府", "甘肃省庆阳市", "city", "qingyang"),
    Agency("平凉市人民政府", "甘肃省平凉市", "city", "pingliang"),
    Agency("吴忠市人民政府", "宁夏回族自治区吴忠市", "city", "wuzhong"),
    Agency("天水市人民政府", "甘肃省天水市", "city", "tianshui"),
    Agency("合水县人民政府", "甘肃省庆阳市合水县", "county", "heshui"),
    Agency("安定区人民政府", "甘肃省定西市安定区", "county", "anding"),
    Agency("陇西县人民政府", "甘肃省定西市陇西县", "county", "longxi"),
    Agency("通渭县人民政府", "甘肃省定西市通渭县", "county", "tongwei"),
    Agency("盐池县人民政府", "宁夏回族自治区吴忠市盐池县", "county", "yanchi"),
    Agency("环县人民政府", "甘肃省庆阳市环县", "county", "huanxian"),
    Agency("静宁县人民政府", "甘肃省平凉市静宁县", "county", "jingning"),
    Agency("西华池镇人民政府", "甘肃省庆阳市合水县西华池镇", "town", "xihuachi"),
    Agency("太白镇人民政府", "甘肃省庆阳市合水县太白镇", "town", "taibai"),
    Agency("板桥镇人民政府", "甘肃省庆阳市合水县板桥镇", "town", "banqiao"),
    Agency("巉口镇人民政府", "甘肃省定西市安定区巉口镇", "town", "chankou"),
    Agency("文峰镇人民政府", "甘肃省定西市陇西县文峰镇", "town", "wenfeng"),
    Agency("惠安堡镇人民政府", "宁夏回族自治区吴忠市盐池县惠安堡镇", "town", "huianbao"),
    Agency("花马池镇人民政府", "宁夏回族自治区吴忠市盐池县花马池镇", "town", "huamachi"),
    Agency("甘肃省水利厅", "甘肃省", "department", "gansu-shuili"),
    Agency("定西市水务局", "甘肃省定西市", "department", "dingxi-shuiwu"),
    Agency("定西市教育局", "甘肃省定西市", "department", "dingxi-jiaoyu"),
    Agency("定西市财政局", "甘肃省定西市", "department", "dingxi-caizheng"),
    Agency("庆阳市自然资源局", "甘肃省庆阳市", "department", "qingyang-ziranziyuan"),
    Agency("平凉市交通运输局", "甘肃省平凉市", "department", "pingliang-jiaotong"),
    Agency("盐池县水务局", "宁夏回族自治区吴忠市盐池县", "department", "yanchi-shuiwu"),
    Agency("庆阳市水务局", "甘肃省庆阳市", "department", "qingyang-shuiwu"),
    Agency("平凉市水务局", "甘肃省平凉市", "department", "pingliang-shuiwu"),
    Agency("合水县水务局", "甘肃省庆阳市合水县", "department", "heshui-shuiwu"),
    Agency("陇西县水务局", "甘肃省定西市陇西县", "department", "longxi-shuiwu"),
    Agency("合水县卫生健康局", "甘肃省庆阳市合水县", "department", "heshui-weijian"),
)

# How busy a level is: (max new requests, scale of licensing/penalty decisions).
_SCALE = {
    "province": (300, 6000),
    "city": (200, 3000),
    "department": (60, 800),
    "county": (80, 1500),
    "town": (6, 40),
}


@dataclass(frozen=True)
class GeneratedReport:
    """One annual report with known content.

    `tables` uses the canonical keys of report-tables.json; `None` is a cell written blank, '/'
    or '—'. `headings` holds the six section headings as this report spells them, `preamble`
    the sentence before 一、总体情况, and `style` a number the renderers use for per-report
    cosmetic choices (number formatting, label variants) so a report looks the same in every
    format while reports differ from each other.
    """

    report_id: str
    agency: str
    region: str
    level: str
    year: int
    template: str
    title: str
    published: datetime.date
    sections: dict[str, str]
    tables: Tables
    broken: bool
    broken_checks: tuple[str, ...]
    headings: dict[str, str] = field(default_factory=dict)
    preamble: str = ""
    style: int = 0


# ---------------------------------------------------------------------------------------
# arithmetic checks


def run_checks(template: str, tables: Tables) -> dict[str, bool]:
    """Evaluate the spec's four checks on a tables dict (null counts as 0)."""

    def v(table: str, key: str) -> float:
        return tables.get(table, {}).get(key) or 0

    cols = request_columns()
    rows = request_rows(template)
    leaves = result_leaf_rows(template)
    balance = all(
        v("requests", f"new.{c}") + v("requests", f"carried_over.{c}")
        == v("requests", f"result.total.{c}") + v("requests", f"carried_forward.{c}")
        for c in cols
    )
    result_sum = all(
        v("requests", f"result.total.{c}") == sum(v("requests", f"{r}.{c}") for r in leaves)
        for c in cols
    )
    row_sum = all(
        v("requests", f"{r}.total") == sum(v("requests", f"{r}.{c}") for c in cols[:-1])
        for r in rows
    )
    sums = all(
        v("review_litigation", f"{g}.total")
        == sum(
            v("review_litigation", f"{g}.{p}") for p in ("upheld", "corrected", "other", "pending")
        )
        for g in ("review", "suit_direct", "suit_after_review")
    )
    return dict(zip(CHECK_IDS, (balance, result_sum, row_sum, sums), strict=True))


def expected_checks(report: GeneratedReport) -> dict[str, bool]:
    """Which spec checks a correct extraction of `report` must find passing."""
    return run_checks(report.template, report.tables)


# ---------------------------------------------------------------------------------------
# numbers


def _small(rng: random.Random, high: int, p_zero: float) -> int:
    """A count that is often zero and otherwise skewed towards small values."""
    if high <= 0 or rng.random() < p_zero:
        return 0
    return min(high, int(rng.paretovariate(1.3)) + rng.randint(0, max(1, high // 10)))


def _active_disclosure(rng: random.Random, template: str, level: str) -> dict[str, Number]:
    _, scale = _SCALE[level]
    makes_rules = level in ("province", "city")
    out: dict[str, Number] = {}
    rules_null = not makes_rules and rng.random() < 0.3
    if template == "2021":
        for row in ("rules", "normative_documents"):
            issued = _small(rng, 3 if row == "rules" else 25, 0.3)
            if row == "rules" and not makes_rules:
                issued = 0
            repealed = _small(rng, 6, 0.6)
            in_force = issued + rng.randint(0, 12 if row == "rules" else 140)
            if row == "rules" and not makes_rules:
                in_force = 0
            for col, val in (("issued", issued), ("repealed", repealed), ("in_force", in_force)):
                null = row == "rules" and rules_null
                out[f"art20_1.{row}.{col}"] = None if null else val
        out["art20_5.licensing.decisions"] = _small(rng, scale, 0.15)
        out["art20_6.penalty.decisions"] = _small(rng, scale // 3, 0.2)
        out["art20_6.enforcement.decisions"] = _small(rng, scale // 50 + 3, 0.4)
        fee: float | None = 0.0 if rng.random() < 0.5 else round(rng.uniform(0.05, 900.0), 2)
        if level == "town" and rng.random() < 0.3:
            fee = None
        out["art20_8.fees.amount_10k_yuan"] = fee
        return out
    for row in ("rules", "normative_documents"):
        made = _small(rng, 3 if row == "rules" else 25, 0.3)
        if row == "rules" and not makes_rules:
            made = 0
        published = made - (rng.randint(0, made) if rng.random() < 0.2 else 0)
        total = published + (rng.randint(0, 180) if made or row != "rules" else 0)
        for col, val in (
            ("new_made", made),
            ("new_published", published),
            ("published_total", total),
        ):
            out[f"art20_1.{row}.{col}"] = None if (row == "rules" and rules_null) else val
    for group, rows in (
        ("art20_5", ("licensing", "other_services")),
        ("art20_6", ("penalty", "enforcement")),
    ):
        for row in rows:
            out[f"{group}.{row}.items_last_year"] = _small(rng, 320, 0.1)
            out[f"{group}.{row}.change"] = rng.choice((0, 0, 0, 1, 2, -1, 3, -2, 5))
            out[f"{group}.{row}.decisions"] = _small(
                rng, scale // (1 if row == "licensing" else 4), 0.25
            )
    out["art20_8.fees.items_last_year"] = _small(rng, 12, 0.4)
    out["art20_8.fees.change"] = rng.choice((0, 0, 0, -1, 1))
    purchases = _small(rng, 60, 0.35)
    out["art20_9.central_procurement.purchases"] = purchases
    out["art20_9.central_procurement.purchase_amount"] = (
        round(rng.uniform(0.5, 2500.0), 2) if purchases else (None if rng.random() < 0.3 else 0.0)
    )
    return out


_RESULT_WEIGHTS = {
    "result.disclosed": 40,
    "result.partially_disclosed": 8,
    "result.withheld.state_secret": 1,
    "result.withheld.prohibited_by_law": 1,
    "result.withheld.three_securities_one_stability": 0.5,
    "result.withheld.third_party_rights": 1,
    "result.withheld.internal_affairs": 1,
    "result.withheld.process_information": 2,
    "result.withheld.enforcement_files": 1,
    "result.withheld.inquiry_matters": 1,
    "result.unable.not_held": 20,
    "result.unable.needs_creation": 3,
    "result.unable.unclear_after_correction": 2,
    "result.not_processed.petition_complaint": 3,
    "result.not_processed.duplicate": 3,
    "result.not_processed.publications": 1,
    "result.not_processed.excessive": 1,
    "result.not_processed.confirmation": 1,
    "result.other.no_correction": 3,
    "result.other.unpaid_fee": 0.5,
    "result.other.other": 3,
    "result.other": 6,
}


def _requests(rng: random.Random, template: str, level: str) -> dict[str, Number]:
    """A requests table whose four checks hold by construction."""
    max_new, _ = _SCALE[level]
    cols = request_columns()
    people = cols[:-1]
    leaves = result_leaf_rows(template)
    weights = [_RESULT_WEIGHTS[r] for r in leaves]
    table: dict[str, int] = {}
    for c in people:
        if c == "natural_person":
            new = _small(rng, max_new, 0.15 if level != "town" else 0.6)
        else:
            new = _small(rng, max_new // 6, 0.7)
        carried = _small(rng, 4, 0.75) if new else 0
        pool = new + carried
        forward = min(pool, _small(rng, 5, 0.7))
        counts = dict.fromkeys(leaves, 0)
        for row in rng.choices(leaves, weights=weights, k=pool - forward):
            counts[row] += 1
        table[f"new.{c}"] = new
        table[f"carried_over.{c}"] = carried
        table[f"carried_forward.{c}"] = forward
        for row, n in counts.items():
            table[f"{row}.{c}"] = n
        table[f"result.total.{c}"] = pool - forward
    for r in request_rows(template):
        table[f"{r}.total"] = sum(table[f"{r}.{c}"] for c in people)
    return {k: table[k] for k in table_keys(template, "requests")}


def _review(rng: random.Random, level: str) -> dict[str, Number]:
    busy = level in ("province", "city")
    out: dict[str, Number] = {}
    for group in ("review", "suit_direct", "suit_after_review"):
        parts = {
            p: _small(rng, 6 if busy else 2, 0.7)
            for p in ("upheld", "corrected", "other", "pending")
        }
        out.update({f"{group}.{p}": n for p, n in parts.items()})
        out[f"{group}.total"] = sum(parts.values())
    return {k: out[k] for k in review_keys()}


def _break(rng: random.Random, template: str, tables: Tables) -> tuple[str, ...]:
    """Introduce one realistic arithmetic slip; return the checks that now fail."""
    req = tables["requests"]
    people = request_columns()[:-1]
    leaves = result_leaf_rows(template)
    choice = rng.choice(CHECK_IDS)
    if choice == "requests.row_sum":
        # a figure typed into the neighbouring row: column sums survive, row totals do not
        donors = [(r, c) for r in leaves for c in people if (req[f"{r}.{c}"] or 0) > 0]
        if donors:
            row, col = rng.choice(donors)
            other = rng.choice([r for r in leaves if r != row])
            req[f"{row}.{col}"] = (req[f"{row}.{col}"] or 0) - 1
            req[f"{other}.{col}"] = (req[f"{other}.{col}"] or 0) + 1
        else:
            choice = "requests.balance"
    if choice == "requests.balance":
        col = rng.choice(people)
        k = rng.randint(1, 3)
        req[f"carried_forward.{col}"] = (req[f"carried_forward.{col}"] or 0) + k
        req["carried_forward.total"] = (req["carried_forward.total"] or 0) + k
    elif choice == "requests.result_sum":
        row, col = rng.choice(leaves), rng.choice(people)
        req[f"{row}.{col}"] = (req[f"{row}.{col}"] or 0) + 1
        req[f"{row}.total"] = (req[f"{row}.total"] or 0) + 1
    elif choice == "review_litigation.sums":
        group = rng.choice(("review", "suit_direct", "suit_after_review"))
        rev = tables["review_litigation"]
        rev[f"{group}.total"] = (rev[f"{group}.total"] or 0) + rng.randint(1, 2)
    checks = run_checks(template, tables)
    return tuple(c for c in CHECK_IDS if not checks[c])


# ---------------------------------------------------------------------------------------
# prose


_TITLE_FORMS = (
    "{agency}{year}年政府信息公开工作年度报告",
    "{agency}{year}年政府信息公开工作年度报告",
    "{agency}{year}年度政府信息公开工作年度报告",
    "{agency}{year}年政府信息公开年度报告",
    "{agency} {year} 年政府信息公开工作年度报告",
    "{agency}关于{year}年政府信息公开工作年度报告",
)

_SUBHEADS = (
    ("主动公开情况", "依申请公开情况", "政府信息管理情况", "平台建设情况", "监督保障情况"),
    (
        "加强组织领导，压实工作责任",
        "深化主动公开，回应社会关切",
        "规范依申请公开办理",
        "加强平台建设，拓宽公开渠道",
        "强化监督保障，提升公开质量",
    ),
)

_CN_NUM = "一二三四五六七八九十"


def _short_name(agency: str) -> str:
    for suffix in ("人民政府", "人民政府办公室"):
        if agency.endswith(suffix):
            return agency[: -len(suffix)]
    return agency


def _self_ref(agency: Agency) -> str:
    """How the report names its own jurisdiction: 全省, 全区, 全市, 全县, 我镇, 我局."""
    if agency.level == "department":
        return "我" + agency.name[-1]
    if agency.level == "town":
        return "我" + _short_name(agency.name)[-1]
    return "全" + _short_name(agency.name)[-1]


def _headings(rng: random.Random) -> dict[str, str]:
    return {
        "overview": "一、总体情况",
        "active_disclosure": "二、主动公开政府信息情况",
        "requests": "三、收到和处理政府信息公开申请情况",
        "review_litigation": "四、政府信息公开行政复议、行政诉讼情况",
        "problems": rng.choice(("五、存在的主要问题及改进情况", "五、存在的主要问题和改进情况")),
        "other": "六、其他需要报告的事项",
    }


def _sections(
    rng: random.Random, agency: Agency, year: int, tables: Tables, half_width: bool
) -> dict[str, str]:
    short = _short_name(agency.name)
    own = _self_ref(agency)
    req = tables["requests"]
    new_total = req["new.total"] or 0
    done = req["result.total.total"] or 0
    disclosed = rng.randint(40, 3000 if agency.level in ("province", "city") else 400)
    policies = rng.randint(0, 40)
    visits = rng.randint(2, 90)
    heads = rng.choice(_SUBHEADS)
    lb, rb = ("(", ")") if half_width else ("（", "）")
    request_line = (
        f"全年共收到政府信息公开申请{new_total}件，办结{done}件，均在法定期限内予以答复。"
        if new_total
        else "本年度未收到政府信息公开申请。"
    )
    bodies = (
        f"{year}年，{short}坚持“公开为常态、不公开为例外”的原则，紧盯{own}中心工作和社会关注热点，"
        f"及时发布各类政府信息，全年共主动公开政府信息{disclosed}条，发布政策解读{policies}篇。",
        f"认真落实《条例》关于依申请公开的各项要求，规范受理、审查、答复等办理流程。{request_line}",
        "严格落实信息发布“三审三校”制度，坚持“先审查、后公开”和“谁公开、谁审查、谁负责”的原则，"
        "对拟公开的政府信息依法依规进行保密审查，确保公开信息准确规范。",
        f"以政府门户网站为政府信息公开第一平台，同步利用政务新媒体、公开栏等渠道，"
        f"网站全年访问量{visits}万余人次，进一步拓宽了群众获取信息的渠道。",
        "成立政务公开工作领导小组，明确专人负责，将政务公开工作纳入年度目标责任考核，"
        "定期开展督促检查，确保各项工作落到实处。",
    )
    overview_lines = [
        f"{year}年，{short}以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国"
        f"政府信息公开条例》和上级关于政务公开工作的决策部署，不断完善公开制度，拓宽公开渠道，"
        f"深化重点领域信息公开，{own}政府信息公开工作取得了新进展。"
    ]
    for i, (head, body) in enumerate(zip(heads, bodies, strict=True)):
        overview_lines.append(f"{lb}{_CN_NUM[i]}{rb}{head}。{body}")
    problems = (
        f"{year}年，{short}政府信息公开工作取得了一定成效，但与上级要求和群众期待相比还存在一些不足："
        "一是公开内容还不够全面，部分领域信息更新不够及时；二是政策解读形式较为单一，"
        "图解、音视频等解读方式运用不够；三是工作人员多为兼职，业务能力有待进一步提高。",
        f"下一步，{short}将从以下方面加以改进：一是进一步加大主动公开力度，及时更新重点领域信息；"
        "二是丰富政策解读形式，增强解读的针对性和可读性；三是加强业务培训，"
        "不断提升政务公开工作人员的业务水平。",
    )
    fee_note = rng.choice(
        (
            "无。",
            "本年度未收取政府信息公开信息处理费。",
            "按照《政府信息公开信息处理费管理办法》规定的按件、按量收费标准，本年度没有产生信息公开处理费。",
        )
    )
    review_intros = ["政府信息公开行政复议、行政诉讼情况如下：", "行政复议、行政诉讼情况如下表。"]
    if not any(tables["review_litigation"].values()):
        review_intros.append(f"{year}年度未发生政府信息公开行政复议、行政诉讼案件。")
    return {
        "overview": "\n".join(overview_lines),
        "active_disclosure": rng.choice(
            ("主动公开政府信息情况如下：", "本年度主动公开政府信息情况统计如下表。", "")
        ),
        "requests": rng.choice(
            (
                "收到和处理政府信息公开申请情况如下：",
                f"{year}年度依申请公开办理情况统计如下表。",
                "",
            )
        ),
        "review_litigation": rng.choice(review_intros),
        "problems": "\n".join(problems),
        "other": fee_note,
    }


def _preamble(year: int, template: str) -> str:
    notice = "国办公开办函〔2021〕30号" if template == "2021" else "国办公开办函〔2019〕60号"
    return (
        "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《国务院办公厅政府信息与"
        f"政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（{notice}）"
        "要求编制。报告由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、"
        "政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项六部分组成。"
        f"本报告所列数据的统计期限为{year}年1月1日至{year}年12月31日。"
    )


def make_report(rng: random.Random, agency: Agency, year: int, broken: bool) -> GeneratedReport:
    """Generate one report for `agency` and `year` from `rng`."""
    template = template_for_year(year)
    tables: Tables = {
        "active_disclosure": _active_disclosure(rng, template, agency.level),
        "requests": _requests(rng, template, agency.level),
        "review_litigation": _review(rng, agency.level),
    }
    broken_checks = _break(rng, template, tables) if broken else ()
    style = rng.getrandbits(32)
    half_width = bool(style & 1)
    title = rng.choice(_TITLE_FORMS).format(agency=agency.name, year=year)
    published = datetime.date(year + 1, 1, 1) + datetime.timedelta(days=rng.randint(9, 85))
    return GeneratedReport(
        report_id=f"{agency.slug}-{year}",
        agency=agency.name,
        region=agency.region,
        level=agency.level,
        year=year,
        template=template,
        title=title,
        published=published,
        sections=_sections(rng, agency, year, tables, half_width),
        tables=tables,
        broken=bool(broken_checks),
        broken_checks=broken_checks,
        headings=_headings(rng),
        preamble=_preamble(year, template),
        style=style,
    )


def generate_reports(
    seed: int,
    count: int,
    *,
    level: str | None = None,
    agency_pool: Sequence[Agency] | None = None,
) -> list[GeneratedReport]:
    """Deterministic reports from `seed`: distinct (agency, year) pairs, years 2019–2024.

    Both templates appear whenever `count` >= 2; about one report in eight is broken (its
    `broken_checks` name the checks that fail). Raises ValueError when the pool has fewer
    than `count` agency-years.
    """
    if level is not None and level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    pool = [a for a in (agency_pool or AGENCIES) if level is None or a.level == level]
    combos = [(a, y) for a in pool for y in YEARS]
    if count > len(combos):
        raise ValueError(f"only {len(combos)} agency-years available, {count} requested")
    rng = random.Random(seed)
    rng.shuffle(combos)
    chosen = combos[:count]
    templates = {template_for_year(y) for _, y in chosen}
    if count >= 2 and len(templates) == 1:
        missing = next(c for c in combos[count:] if template_for_year(c[1]) not in templates)
        chosen[-1] = missing
    return [make_report(rng, agency, year, rng.random() < 0.125) for agency, year in chosen]


_DECOY_FORMS = (
    "{agency}{year}年政务公开工作要点",
    "{agency}{year}年政务公开工作总结",
    "{agency}关于{year}年度政府信息公开工作总结的报告",
    "{company}{year}年度企业年度报告公示",
    "{region}{year}年国民经济和社会发展统计公报",
    "{agency}{year}年部门预算公开",
    "{agency}{prev}年度部门决算",
    "{agency}{year}年政府信息公开指南",
    "{agency}关于印发{year}年政务公开工作要点的通知",
)

_COMPANIES = ("甘肃陇原水务有限公司", "定西市建投集团有限公司", "庆阳市供销物流有限公司")


def decoy_titles(seed: int, agency: str, year: int) -> list[str]:
    """Titles that look like an annual report to a naive matcher but are not one."""
    rng = random.Random(f"decoy:{seed}:{agency}:{year}")
    region = next((a.region for a in AGENCIES if a.name == agency), _short_name(agency))
    titles = [
        form.format(
            agency=agency, year=year, prev=year - 1, region=region, company=rng.choice(_COMPANIES)
        )
        for form in _DECOY_FORMS
    ]
    rng.shuffle(titles)
    return titles
