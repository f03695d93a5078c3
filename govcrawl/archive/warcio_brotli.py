"""Let warcio read `Content-Encoding: br` records with the brotli module Scrapy requires.

warcio 1.8.1 (the latest) decodes brotli with the API of brotli before 1.2: a `Decompressor`
with `decompress()` on which it sets `unused_data`. Scrapy 2.19 requires brotli ≥ 1.2, whose
`Decompressor` has `process()` and takes no new attributes, so reading any brotli-encoded
record fails with `AttributeError` — in replay, in CDXJ indexing and in py-wacz. `install`
registers a decompressor with the interface warcio expects in warcio's own table of them.

Crawls avoid brotli in the first place (settings: `Accept-Encoding: gzip, deflate`); this is
for the servers that send it unasked, and for WARCs other tools wrote. The `warcio` command
line, run in a process of its own, still has the bug.
"""

from __future__ import annotations

import brotli
from warcio.bufferedreaders import BufferedReader


class BrotliDecompressor:
    """brotli's streaming decompressor with the zlib-like interface warcio reads through."""

    def __init__(self) -> None:
        self._decompressor = brotli.Decompressor()
        self.unused_data: bytes | None = None
        """Never set: a brotli stream is one member, unlike a multi-member gzip file."""

    def decompress(self, data: bytes) -> bytes:
        return self._decompressor.process(data)


def install() -> None:
    BufferedReader.DECOMPRESSORS["br"] = BrotliDecompressor
