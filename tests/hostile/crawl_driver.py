"""Run one crawl in this process: `python crawl_driver.py OUT SPEC [SPEC …] [-s KEY=VALUE …]`.

A SPEC is `FAMILY=URL[|URL…]`: one one-off spider of that family with those start URLs (all on
one origin), built without fingerprinting the start page, so nothing but Scrapy connects
anywhere. The tests start this as a subprocess: a Twisted reactor
cannot be restarted inside the pytest process.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from govcrawl.fetch.oneoff import spider_for_url
from govcrawl.run import run_crawl


def main(argv: list[str]) -> int:
    out, *rest = argv
    spiders: list[type] = []
    overrides: dict[str, object] = {}
    args = iter(rest)
    for arg in args:
        if arg == "-s":
            key, _, value = next(args).partition("=")
            try:
                overrides[key] = json.loads(value)
            except json.JSONDecodeError:
                overrides[key] = value
        else:
            family, _, urls = arg.partition("=")
            first, *more = urls.split("|")
            spider = spider_for_url(first, family=family)
            if more:
                starts = [first, *more]
                attrs = {"start_urls": starts, "raw_start_urls": tuple(starts)}
                spider = type(spider.__name__, (spider,), attrs)
            spiders.append(spider)
    summary = run_crawl(spiders, Path(out), overrides=overrides, show_progress=False)
    errors = {p.portal: p.errors for p in summary.portals}
    print(json.dumps({"records": summary.records, "errors": errors}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
