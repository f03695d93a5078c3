"""Archive stage: every HTTP exchange of a crawl as WARC 1.1 records, and the replay reader.

`writer.WarcFileWriter` streams records into rotating, crash-safe `.warc.gz` files;
`capture.WarcCaptureExtension` feeds it from Scrapy signals (and `browser` from Playwright);
`reader.iter_report_sources` turns the archive back into `Source`s; `recover.recover` repairs a
file a killed crawl left open.
"""
