"""Scrapy item pipelines that wire the stages: clean → extract → store.

Each pipeline is one stage call; the stage code lives in `govcrawl.clean`, `govcrawl.extract`
and `govcrawl.store` and is the same code that `govcrawl replay` and `govcrawl extract` run.
"""
