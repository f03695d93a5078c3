"""One-off discovery of any start URL (`govcrawl crawl URL`): a spider built on the fly.

A URL outside the registry has no known CMS, so its spider tries every static-HTML family on
each page: each family's `parse` handles the pages in its own shape and hands the rest to the
next class in the MRO (TRS pager → Hanweb data island → VSB count-down → generic link-text
discovery). Scope is the start URL's origin, within the default page budget.
"""

from __future__ import annotations

import re

from govcrawl.fetch.families.generic import GenericSpider
from govcrawl.fetch.families.hanweb import HanwebSpider
from govcrawl.fetch.families.trs import TrsSpider
from govcrawl.fetch.families.vsb import VsbSpider
from govcrawl.fetch.urls import canonical, is_http, origin


class DetectingSpider(TrsSpider, HanwebSpider, VsbSpider):
    """Every static-HTML family at once; generic discovery for pages none of them know."""

    family = "generic"


def spider_for_url(url: str, *, max_pages: int = 200) -> type[GenericSpider]:
    """A spider class for one start URL, named after its origin."""
    if not is_http(url):
        raise ValueError(f"not an http(s) URL: {url!r}")
    _, host, port = origin(url)
    name = "oneoff_" + re.sub(r"[^0-9a-z]+", "_", f"{host}_{port}").strip("_")
    start = canonical(url)
    attrs = {
        "name": name,
        "portal": name,
        "start_urls": [start],
        "raw_start_urls": (start,),
        "max_pages": max_pages,
        "__doc__": f"One-off discovery from {url}.",
        "__module__": __name__,
    }
    return type("OneOffSpider", (DetectingSpider,), attrs)
