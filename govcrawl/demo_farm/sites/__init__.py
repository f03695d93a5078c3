"""The simulated portals, one module per CMS family; `build_sites(seed)` builds them all once.

Each module's `build(seed)` returns a `Site` whose every URL is answered from bytes fixed at
build time, so a farm is a pure function of its seed.
"""

from __future__ import annotations

from functools import lru_cache

from govcrawl.demo_farm.sites import gkmlpt, hanweb, jsportal, mirror, town, trs, ucap, vsb
from govcrawl.demo_farm.sites.base import Site
from govcrawl.demo_farm.sites.common import SITE_ORDER

BUILDERS = {
    "trs": trs.build,
    "hanweb": hanweb.build,
    "vsb": vsb.build,
    "town": town.build,
    "jsportal": jsportal.build,
    "mirror": mirror.build,
    "gkmlpt": gkmlpt.build,
    "ucap": ucap.build,
}


@lru_cache(maxsize=4)
def build_sites(seed: int) -> dict[str, Site]:
    """All sites for `seed`, in SITE_ORDER; cached per process (building renders PDFs, DOCs)."""
    return {key: BUILDERS[key](seed) for key in SITE_ORDER}


__all__ = ["SITE_ORDER", "Site", "build_sites"]
