"""Fixtures for the archive tests; they live in `archive_site` (a uniquely named module, so
tests can import its helpers without clashing with other folders' conftest modules)."""

from archive_site import crawl, site

__all__ = ["crawl", "site"]
