"""Signals that cross stage boundaries without the stages importing each other.

`stage_failed(url, stage, reason)`: any stage (fetch errbacks, clean, extract) reports a
per-URL failure; the store pipeline writes it to the dataset's `errors` table.
"""

stage_failed = object()
