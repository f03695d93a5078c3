"""Signals the pipelines send so that the archive records what became of a response.

They are plain sentinels (Scrapy's convention) defined here rather than in the pipelines so the
archive stage owns its contract and imports nothing from the wiring.

- `report_classified(item, spider)`: the item is a report; a `metadata` record links it to its
  response record. Replay finds reports by these records alone.
- `text_converted(item, text, spider)`: the clean text of the item; a `conversion` record.
"""

report_classified = object()
text_converted = object()
