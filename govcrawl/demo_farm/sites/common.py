"""Content-side helpers shared by the site modules: which reports and decoys each site gets.

Every site draws its reports from the content helper's generator with its own derived seed and
its own random stream, so adding a report to one site never changes another site's bytes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from functools import cache

from govcrawl.demo_farm.reports import AGENCIES, GeneratedReport, decoy_titles, generate_reports
from govcrawl.demo_farm.seeds import SeedPage, load_seeds

SITE_ORDER = ("trs", "hanweb", "vsb", "town", "jsportal", "mirror", "gkmlpt", "ucap")
NAV = (
    ("首页", "/"),
    ("政务公开", "/xxgk/"),
    ("政府信息公开", "/xxgk/"),
    ("互动交流", "/hdjl/"),
    ("办事服务", "/bsfw/"),
)


def site_reports(
    seed: int,
    site: str,
    count: int,
    region: str | None = None,
    *,
    name_has: tuple[str, ...] = (),
    seed_ids: tuple[str, ...] = (),
) -> list[GeneratedReport]:
    """`count` generated reports for one site, newest first, from a seed private to the site.

    `region` keeps to agencies of one place (a city portal carries its departments' and
    counties' reports), `name_has` to agencies of one kind (a water bureau's portal).
    Reports for the same agency and year as a seed page on the site are left out, so a title
    never appears twice on one portal.
    """
    derived = seed * 10 + SITE_ORDER.index(site)
    pool = [
        a
        for a in AGENCIES
        if (region is None or region in a.region)
        and (not name_has or any(n in a.name for n in name_has))
    ]
    taken = {(s.agency, int(s.year)) for s in map(seeds_by_id().get, seed_ids) if s and s.year}
    reports = generate_reports(derived, count + len(taken), agency_pool=pool)
    kept = [r for r in reports if (r.agency, r.year) not in taken][:count]
    return sorted(kept, key=lambda r: (r.published, r.report_id), reverse=True)


@cache
def seeds_by_id() -> dict[str, SeedPage]:
    return {s.seed_id: s for s in load_seeds()}


@dataclass(frozen=True)
class Decoy:
    """A page or file that looks like it might be a report but is not."""

    title: str
    agency: str
    published: date


def site_decoys(
    seed: int, rng: random.Random, reports: list[GeneratedReport], n: int
) -> list[Decoy]:
    """`n` decoys with titles from the content helper, for agencies that appear on the site."""
    out: list[Decoy] = []
    seen: set[str] = set()
    for report in reports * 3:
        titles = [t for t in decoy_titles(seed, report.agency, report.year) if t not in seen]
        if not titles:
            continue
        title = titles[len(out) % len(titles)]
        seen.add(title)
        day = date(report.year + 1, rng.randint(1, 4), rng.randint(1, 28))
        out.append(Decoy(title, report.agency, day))
        if len(out) == n:
            break
    return out


def seed_published(seed_page: SeedPage, rng: random.Random) -> date:
    """A publication date for a seed page: early in the year after its report year."""
    year = int(seed_page.year or 2023)
    return date(year + 1, rng.randint(1, 3), rng.randint(1, 28))


def unique_number(rng: random.Random, used: set[int], low: int, high: int) -> int:
    """A random id in [low, high] not handed out before on this site."""
    while True:
        n = rng.randint(low, high)
        if n not in used:
            used.add(n)
            return n
