"""Adding a page method to a Playwright request that may already carry the spider's own.

scrapy-playwright takes `meta["playwright_page_methods"]` as a list or as a dict (its values,
in order), and runs them after the page loaded. The stages that add their own (the archive's
wait for pending writes, the challenge middleware's document status) append after the
spider's, once, however often the request is retried.
"""

from __future__ import annotations

from typing import Any

from scrapy_playwright.page import PageMethod


def add_page_method(meta: dict[str, Any], method: PageMethod) -> None:
    """Append `method` to the request's page methods unless one with its callable is there."""
    methods = meta.get("playwright_page_methods") or []
    present = methods.values() if isinstance(methods, dict) else methods
    if any(getattr(m, "method", None) is method.method for m in present):
        return
    if isinstance(methods, dict):
        meta["playwright_page_methods"] = {**methods, f"govcrawl_{method.method.__name__}": method}
    else:
        meta["playwright_page_methods"] = [*methods, method]


def page_method_result(meta: dict[str, Any], function: Any, default: Any = None) -> Any:
    """The result scrapy-playwright stored on the request's page method running `function`."""
    methods = meta.get("playwright_page_methods") or []
    for method in methods.values() if isinstance(methods, dict) else methods:
        if getattr(method, "method", None) is function:
            return method.result
    return default
