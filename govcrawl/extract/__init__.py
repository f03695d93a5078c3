"""Extract stage: `CleanDocument` + `Source` → the record of `govcrawl/spec/record.md`.

Only `govcrawl.document`, `govcrawl.spec` and fetch's pure title classifier
(`govcrawl.fetch.recognize.classify_title`, one verdict for crawl and record alike) are
imported from the project; the other stages call `build_record` and never the modules behind
it.
"""

from govcrawl.extract.record import build_record, record_id
from govcrawl.extract.spec import SPEC

__all__ = ["SPEC", "build_record", "record_id"]
