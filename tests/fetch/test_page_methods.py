"""Stages append their page methods after the spider's, once, in a list or a dict."""

from __future__ import annotations

from scrapy_playwright.page import PageMethod

from govcrawl.fetch.page_methods import add_page_method, page_method_result


async def mark(page: object) -> str:
    return "marked"


def test_appended_after_the_spiders_once() -> None:
    own = PageMethod("wait_for_selector", "a.report-link")
    meta: dict = {"playwright_page_methods": [own]}
    add_page_method(meta, PageMethod(mark))
    add_page_method(meta, PageMethod(mark))  # a retry passes the middleware again
    methods = meta["playwright_page_methods"]
    assert [m.method for m in methods] == ["wait_for_selector", mark]


def test_a_dict_of_page_methods_stays_a_dict() -> None:
    own = PageMethod("wait_for_selector", "a.report-link")
    meta: dict = {"playwright_page_methods": {"wait": own}}
    add_page_method(meta, PageMethod(mark))
    add_page_method(meta, PageMethod(mark))
    methods = meta["playwright_page_methods"]
    assert list(methods) == ["wait", "govcrawl_mark"] and methods["wait"] is own


def test_result_read_from_either_shape() -> None:
    for shape in (list, dict):
        meta: dict = {}
        if shape is dict:
            meta["playwright_page_methods"] = {}
        add_page_method(meta, PageMethod(mark))
        assert page_method_result(meta, mark, "none yet") is None  # not run: PageMethod's None
        methods = meta["playwright_page_methods"]
        for method in methods.values() if isinstance(methods, dict) else methods:
            method.result = "marked"
        assert page_method_result(meta, mark) == "marked"
    assert page_method_result({}, mark, 0) == 0
