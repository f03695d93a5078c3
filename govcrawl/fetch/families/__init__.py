"""CMS-family base spiders and the factory that turns a registry entry into a spider class.

A portal's spider is its family's class with the entry's facts as class attributes; the
registry (data, not code) is the only place a portal is described.
"""

from __future__ import annotations

import re

from govcrawl.fetch.base import ReportSpider
from govcrawl.fetch.families.gkmlpt import GkmlptSpider
from govcrawl.fetch.families.hanweb import HanwebSpider
from govcrawl.fetch.families.jsonapi import JsonApiSpider
from govcrawl.fetch.families.mirror import MirrorSpider
from govcrawl.fetch.families.trs import TrsSpider
from govcrawl.fetch.families.ucap import UcapSpider
from govcrawl.fetch.families.vsb import VsbSpider
from govcrawl.fetch.registry import PortalEntry


class DetectingSpider(TrsSpider, HanwebSpider, VsbSpider, UcapSpider, GkmlptSpider):
    """Every static-HTML family at once; generic discovery for pages none of them know.

    Each family's `parse` handles the pages in its own shape and hands the rest to the next
    class in the MRO (TRS pager → Hanweb data island → VSB count-down → Ucap `.shtml` pages →
    gkmlpt shell → generic link-text discovery). It is the `generic` family: a site whose
    fingerprint named no CMS may still page its report column the way one of them does, and a
    registry entry for it (what `new-portal` writes) must find what `govcrawl crawl URL` finds.
    """

    family = "generic"


FAMILY_SPIDERS: dict[str, type[ReportSpider]] = {
    "trs": TrsSpider,
    "hanweb": HanwebSpider,
    "vsb": VsbSpider,
    "generic": DetectingSpider,
    "jsonapi": JsonApiSpider,
    "mirror": MirrorSpider,
    "gkmlpt": GkmlptSpider,
    "ucap": UcapSpider,
}


def class_name(spider_name: str) -> str:
    """A CamelCase class name for a spider name ('demo_trs_city' → 'DemoTrsCitySpider')."""
    parts = re.split(r"[^0-9A-Za-z]+", spider_name)
    return "".join(p[:1].upper() + p[1:] for p in parts if p) + "Spider"


def politeness_settings(entry: PortalEntry) -> dict[str, object]:
    """The entry's own politeness, as the Scrapy settings that enforce it.

    AutoThrottle aims at `concurrency` requests in flight too (aiming above the slot's cap
    would only shorten its delays); `delay` is AutoThrottle's floor, and its first delay is
    never below it (Scrapy takes the larger of the two).
    """
    custom: dict[str, object] = {}
    if entry.concurrency is not None:
        custom["CONCURRENT_REQUESTS_PER_DOMAIN"] = entry.concurrency
        custom["AUTOTHROTTLE_TARGET_CONCURRENCY"] = float(entry.concurrency)
    if entry.delay is not None:
        custom["DOWNLOAD_DELAY"] = entry.delay
    return custom


def spider_class(entry: PortalEntry, module: str | None = None) -> type[ReportSpider]:
    """The spider class for one registry entry, its family's class specialised by the entry.

    `module` becomes the class's `__module__`, so Scrapy's SpiderLoader (which only picks
    classes defined in the module it walks) lists it.
    """
    base = FAMILY_SPIDERS[entry.family]
    attrs: dict[str, object] = {
        "name": entry.id,
        "portal": entry.id,
        "agency": entry.agency,
        "kind": entry.kind,
        "start_urls": list(entry.start_urls),
        "raw_start_urls": tuple(entry.raw_start_urls or entry.start_urls),
        "max_pages": entry.max_pages,
        "allowed_paths": entry.allowed_paths,
        "entry": entry,
        "__doc__": f"{entry.name} ({entry.agency}, {entry.level}) — {entry.family} family.",
    }
    if module:
        attrs["__module__"] = module
    # The warcinfo of every WARC file names the registry version the crawl ran from.
    custom: dict[str, object] = {"GOVCRAWL_REGISTRY_VERSION": entry.registry_version}
    if entry.robots == "ignore":
        custom["ROBOTSTXT_OBEY"] = False
    custom.update(politeness_settings(entry))
    attrs["custom_settings"] = custom
    return type(class_name(entry.id), (base,), attrs)
