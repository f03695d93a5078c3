"""The values passed between stages: what was fetched (`Source`) and what cleaning made of it
(`CleanDocument`).

They live outside any one stage so that the stages import this module and never each other's
internals: archive and fetch produce `Source`s, clean turns a `Source` into a `CleanDocument`,
extract turns both into a record. Live crawl, replay and `govcrawl extract` build the same
`Source` for the same bytes, which is what makes their records equal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

SourceKind = Literal["portal", "attachment", "mirror"]


SPOOL_THRESHOLD = 8 * 1024 * 1024
"""Default size past which a payload is kept on disk rather than in memory (download, replay,
local files); the crawl's `GOVCRAWL_SPOOL_THRESHOLD` setting overrides it."""
SPOOLED_META = "govcrawl_spooled"
"""`request.meta` / `response.meta` key under which the download handler leaves a `SpooledBody`."""


TEXT_TYPES = ("text/", "html", "xml", "json", "javascript")


def is_text_type(content_type: str | None) -> bool:
    """Pages a spider parses whole (HTML, XML and JSON lists), as opposed to documents it only
    hands on: a large body of this kind is loaded back into memory rather than left spooled."""
    lowered = (content_type or "").lower()
    return any(kind in lowered for kind in TEXT_TYPES)


@dataclass(frozen=True)
class SpooledBody:
    """A response body too large to hold in memory, written to a file as it arrived.

    The file holds the payload as on the wire: still in its `content_encoding` (e.g. gzip),
    without transfer framing. The archive copies it into the WARC as is; cleaning decodes it.
    """

    path: str
    size: int
    content_encoding: tuple[str, ...] = ()


CAPTURE_STARTED_META = "govcrawl_capture_started"
"""`request.meta` key: when the download handler sent the request (seconds since the epoch),
the instant WARC 1.1 dates the exchange's records by."""
CUT_META = "govcrawl_cut"
"""`request.meta` key under which the download handler leaves a `CutDownload`."""


@dataclass(frozen=True)
class CutDownload:
    """A download stopped at DOWNLOAD_MAXSIZE: what had arrived when it was cut.

    Scrapy fails such a download (no response reaches any signal), so the fetch stage keeps the
    status line, headers and the bytes received for the archive, which writes them with
    `WARC-Truncated: length` — the answer was sent, the crawl chose not to take all of it.
    """

    status: int
    protocol: str
    headers: list[tuple[bytes, bytes]]
    body: bytes
    body_file: str | None
    """The bytes received when they had gone past the spool threshold (then `body` is empty)."""
    limit: int


@dataclass(frozen=True)
class Source:
    """One captured document: its payload and its provenance.

    `body` is the payload with transfer- and content-encoding removed (what a browser would
    render), while `payload_digest` is the WARC digest of the payload as archived. Provenance
    fields are None for a local file that never went through the archive.
    """

    url: str
    body: bytes
    content_type: str | None = None
    final_url: str | None = None
    kind: SourceKind = "portal"
    fetched_at: str | None = None
    warc_file: str | None = None
    warc_record_id: str | None = None
    payload_digest: str | None = None
    parent_url: str | None = None
    filename: str | None = None
    """File name from Content-Disposition (already decoded), else None."""
    spooled: SpooledBody | None = None
    """Set when the payload is on disk rather than in `body` (which is then empty)."""


@dataclass
class Cell:
    """One origin cell of a table: spanned grid positions point back to it, never copy it."""

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Table:
    """A table as a grid of origin cells.

    `cells` holds each origin cell once. `grid()` gives the rectangular view in which every
    position covered by a span holds the same `Cell` object, so callers can tell a spanned
    label (same object) from a repeated value (different objects) — the distinction
    pandas.read_html and python-docx lose.
    """

    cells: list[Cell] = field(default_factory=list)
    source: str = ""
    """Where the grid came from: 'html', 'text', 'pdf', 'pdf-ocr', 'docx', 'xlsx'…"""

    @property
    def n_rows(self) -> int:
        return max((c.row + c.rowspan for c in self.cells), default=0)

    @property
    def n_cols(self) -> int:
        return max((c.col + c.colspan for c in self.cells), default=0)

    def grid(self) -> list[list[Cell | None]]:
        n_cols = self.n_cols  # once: recomputing it per row made a 10,000-cell page take seconds
        rows: list[list[Cell | None]] = [[None] * n_cols for _ in range(self.n_rows)]
        for cell in self.cells:
            for r in range(cell.row, cell.row + cell.rowspan):
                for c in range(cell.col, cell.col + cell.colspan):
                    rows[r][c] = cell
        return rows

    def to_text(self) -> str:
        """Tab-separated rows, each origin cell written once at its origin position."""
        lines = []
        for r, row in enumerate(self.grid()):
            out = []
            for c, cell in enumerate(row):
                origin = cell is not None and cell.row == r and cell.col == c
                out.append(" ".join(cell.text.split()) if origin else "")
            lines.append("\t".join(out).rstrip("\t"))
        return "\n".join(lines)


@dataclass
class Paragraph:
    text: str


Block = Paragraph | Table


@dataclass
class CleanDocument:
    """A document with the site's chrome removed: the body as paragraphs and tables, in order.

    `flags` holds what cleaning itself observed (`encoding_repaired`, `scanned_pdf`,
    `preview_truncated`, …); extraction adds the flags that need the spec.
    """

    format: str
    blocks: list[Block] = field(default_factory=list)
    title: str | None = None
    encoding: str | None = None
    flags: list[str] = field(default_factory=list)
    ocr_cells: list[tuple[int, int, int]] = field(default_factory=list)
    """(table index, row, col) of cells whose text came from OCR."""

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def text(self) -> str:
        """The whole clean text, tables kept as tab-separated rows (record.md's `text`)."""
        parts = [b.text if isinstance(b, Paragraph) else b.to_text() for b in self.blocks]
        return "\n".join(p for p in parts if p.strip())
