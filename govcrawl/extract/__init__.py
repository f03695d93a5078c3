"""Extract stage: `CleanDocument` + `Source` → the record of `govcrawl/spec/record.md`.

Only `govcrawl.document` and `govcrawl.spec` are imported from the project; the other stages
call `build_record` and never the modules behind it.
"""

from govcrawl.extract.metadata import classify_title
from govcrawl.extract.record import build_record, record_id
from govcrawl.extract.spec import SPEC

__all__ = ["SPEC", "build_record", "classify_title", "record_id"]
