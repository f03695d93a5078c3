"""One Scrapy spider class per registry entry, so `scrapy list` and `scrapy crawl ID` see them.

The classes are generated from data/portals.toml when Scrapy's SpiderLoader imports this
module. Demo-farm entries need GOVCRAWL_DEMO_MANIFEST (environment) to resolve their
`{demo:SITE}` start URLs; without it they are skipped with a log line.
"""

from __future__ import annotations

from govcrawl.fetch.families import spider_class
from govcrawl.fetch.registry import load_registry


def _register() -> tuple[str, ...]:
    """Define the registry's spider classes in this module; return their names."""
    names = []
    for entry in load_registry():
        cls = spider_class(entry, module=__name__)
        globals()[cls.__name__] = cls
        names.append(entry.id)
    return tuple(names)


SPIDER_NAMES = _register()
