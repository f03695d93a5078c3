"""Signals the pipelines send so that the archive records what became of a response.

A plain sentinel (Scrapy's convention) defined here rather than in the pipelines so the archive
stage owns its contract and imports nothing from the wiring.

- `text_converted(item, text, spider)`: the clean text of the item; a `conversion` record.

What the spider made of a page (its outlinks, the reports it recognised) is recorded by the
`provenance.PageMetadataMiddleware` spider middleware, not by a signal.
"""

text_converted = object()
