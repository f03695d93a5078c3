"""Charset lies on the wire: labels that contradict the bytes, missing labels, BOM vs header."""

from __future__ import annotations

import re

import pytest
from hostile_wire import case, get, truth_for

from govcrawl.demo_farm.hostile import GB18030_MARKER, HostileSite


def declared_charset(content_type: str | None) -> str | None:
    match = re.search(r"charset=([\w-]+)", content_type or "", re.IGNORECASE)
    return match.group(1).lower() if match else None


def test_report_page_is_gbk_under_a_utf8_label(site: HostileSite) -> None:
    row = case(site, "charset.gbk_labelled_utf8")
    reply = get(site, row["path"])
    assert reply.status == 200
    assert declared_charset(reply.header("content-type")) == "utf-8"
    with pytest.raises(UnicodeDecodeError):
        reply.body.decode("utf-8")
    text = reply.body.decode("gbk")
    assert "charset" not in text.lower()  # the header is the only (wrong) declaration
    truth = truth_for(site, row["path"])
    assert f"<h1>{truth['title']}</h1>" in text
    assert text.count("<table") >= len(truth["tables"])  # the report tables are on the page


def test_gb18030_page_declares_nothing_and_needs_gb18030(site: HostileSite) -> None:
    reply = get(site, case(site, "charset.gb18030_undeclared")["path"])
    assert reply.status == 200
    assert declared_charset(reply.header("content-type")) is None
    assert b"charset" not in reply.body.lower()
    assert GB18030_MARKER not in reply.body.decode("gbk", errors="replace")
    assert GB18030_MARKER in reply.body.decode("gb18030")


def test_header_gbk_meta_utf8_bytes_gbk(site: HostileSite) -> None:
    row = case(site, "charset.header_gbk_meta_utf8")
    reply = get(site, row["path"])
    assert declared_charset(reply.header("content-type")) == "gbk"
    assert b'content="text/html; charset=utf-8"' in reply.body
    with pytest.raises(UnicodeDecodeError):
        reply.body.decode("utf-8")
    title = next(c.link_text for c in site.content.cases if c.case == row["case"])
    assert f"<title>{title}</title>" in reply.body.decode("gbk")


def test_utf8_bom_under_a_gbk_header(site: HostileSite) -> None:
    row = case(site, "charset.bom_utf8_header_gbk")
    reply = get(site, row["path"])
    assert declared_charset(reply.header("content-type")) == "gbk"
    assert reply.body.startswith(b"\xef\xbb\xbf")
    title = next(c.link_text for c in site.content.cases if c.case == row["case"])
    assert f"<title>{title}</title>" in reply.body.decode("utf-8-sig")
    assert title not in reply.body.decode("gbk", errors="replace")
