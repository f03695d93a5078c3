"""Archive stage: every HTTP exchange of a crawl as WARC 1.1 records, and the replay reader.

`writer.WarcFileWriter` streams records into rotating, crash-safe `.warc.gz` files;
`capture.WarcCaptureExtension` feeds it from Scrapy signals (and `browser` from Playwright);
`dedup.DedupIndex` remembers archived payloads across runs so unchanged ones become `revisit`
records, and `conditional.ConditionalRequestMiddleware` re-validates pages with
If-None-Match / If-Modified-Since and replays a 304 from the archive;
`reader.iter_report_sources` turns the archive back into `Source`s (through revisits);
`recover.recover` repairs a file a killed crawl left open.
"""

from govcrawl.archive import warcio_brotli

warcio_brotli.install()
