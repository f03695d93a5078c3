"""Scrapy's SPIDER_MODULES: the registry-generated portal spiders (`registry_spiders`)."""
