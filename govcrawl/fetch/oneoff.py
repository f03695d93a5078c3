"""One-off discovery of any start URL (`govcrawl crawl URL`): a spider built on the fly.

A URL outside the registry has no known CMS, so its start page (and, when that shows no
trace, its report column) is fingerprinted (`govcrawl.fetch.fingerprint`) and the family's
base class crawls it. When fingerprinting finds nothing — or the page cannot be fetched — the
spider tries every static-HTML family on each page: each family's `parse` handles the pages
in its own shape and hands the rest to the next class in the MRO (TRS pager → Hanweb data
island → VSB count-down → Ucap `.shtml` pages → gkmlpt shell → generic link-text discovery).
Scope is the start URL's origin, within the default page budget.
"""

from __future__ import annotations

import logging
import re

from govcrawl.fetch.base import ReportSpider
from govcrawl.fetch.families import FAMILY_SPIDERS
from govcrawl.fetch.families.gkmlpt import GkmlptSpider
from govcrawl.fetch.families.hanweb import HanwebSpider
from govcrawl.fetch.families.trs import TrsSpider
from govcrawl.fetch.families.ucap import UcapSpider
from govcrawl.fetch.families.vsb import VsbSpider
from govcrawl.fetch.fingerprint import fingerprint_site
from govcrawl.fetch.urls import is_http, origin

logger = logging.getLogger(__name__)


class DetectingSpider(TrsSpider, HanwebSpider, VsbSpider, UcapSpider, GkmlptSpider):
    """Every static-HTML family at once; generic discovery for pages none of them know."""

    family = "generic"


def detect_family(url: str, *, timeout: float = 20.0) -> str:
    """The fingerprinted family of the site at `url`; `generic` when it cannot be fetched."""
    try:
        return fingerprint_site(url, timeout=timeout)
    except (OSError, ValueError) as exc:
        logger.warning("fingerprint of %s failed (%s); using generic discovery", url, exc)
        return "generic"


def spider_for_url(
    url: str, *, max_pages: int = 200, family: str | None = None
) -> type[ReportSpider]:
    """A spider class for one start URL, named after its origin.

    `family` skips fingerprinting (the start page is then not fetched here).
    """
    if not is_http(url):
        raise ValueError(f"not an http(s) URL: {url!r}")
    family = family or detect_family(url)
    base = DetectingSpider if family == "generic" else FAMILY_SPIDERS[family]
    _, host, port = origin(url)
    name = "oneoff_" + re.sub(r"[^0-9a-z]+", "_", f"{host}_{port}").strip("_")
    attrs = {
        "name": name,
        "portal": name,
        "start_urls": [url],
        "raw_start_urls": (url,),
        "max_pages": max_pages,
        "kind": "mirror" if family == "mirror" else "portal",
        "__doc__": f"One-off discovery from {url} ({family} family).",
        "__module__": __name__,
    }
    return type("OneOffSpider", (base,), attrs)
