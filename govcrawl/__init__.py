"""govcrawl: find, archive and extract China's government information-disclosure annual reports.

The data flows fetch → archive → clean → extract → store; each stage is a subpackage
(`govcrawl.fetch`, `govcrawl.archive`, `govcrawl.clean`, `govcrawl.extract`, `govcrawl.store`)
and `docs/architecture.md` maps them.
"""

__version__ = "0.1.0"
