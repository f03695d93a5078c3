"""Charset repair and format sniffing: declarations are trusted only when the bytes agree."""

from __future__ import annotations

import pytest

from govcrawl.clean import clean_bytes, decode_html, sniff_format

PAGE = (
    "<html><head>{meta}<title>西华池镇人民政府2022年信息公开工作年度报告</title></head>"
    "<body><div><p>{body}</p></div></body></html>"
)
BODY = (
    "2022年，西华池镇坚持以公开为常态、不公开为例外，全年主动公开信息176条，其中通知公告83条。" * 3
)


def test_gbk_bytes_with_utf8_header_are_repaired() -> None:
    raw = PAGE.format(meta='<meta charset="gb2312">', body=BODY).encode("gbk")
    text, encoding, repaired = decode_html(raw, "text/html; charset=UTF-8")
    assert repaired and encoding == "gb18030" and BODY in text
    doc = clean_bytes(raw, "text/html; charset=UTF-8")
    assert "encoding_repaired" in doc.flags
    assert BODY in doc.text()


def test_correct_declaration_is_not_flagged() -> None:
    raw = PAGE.format(meta='<meta charset="gb2312">', body=BODY).encode("gbk")
    assert decode_html(raw, "text/html; charset=gbk")[1:] == ("gb18030", False)
    assert decode_html(raw, None)[1:] == ("gb18030", False)
    doc = clean_bytes(raw, "text/html")
    assert doc.flags == [] and doc.encoding == "gb18030"


def test_gb18030_only_character_under_gb2312_label() -> None:
    body = BODY + "䶮"  # outside GB2312 and GBK's common range, inside GB18030
    raw = PAGE.format(meta='<meta charset="gb2312">', body=body).encode("gb18030")
    text, _, repaired = decode_html(raw, None)
    assert "䶮" in text and not repaired


def test_utf8_bytes_under_legacy_label_are_repaired() -> None:
    raw = PAGE.format(meta='<meta charset="gbk">', body=BODY).encode("utf-8")
    text, encoding, repaired = decode_html(raw, None)
    assert (encoding, repaired) == ("utf-8", True) and BODY in text


def test_bom_wins() -> None:
    raw = "\ufeff".encode() + PAGE.format(meta="", body=BODY).encode("utf-8")
    assert decode_html(raw, "text/html; charset=gbk")[1:] == ("utf-8-sig", False)


def test_undeclared_gbk_is_detected() -> None:
    raw = PAGE.format(meta="", body=BODY).encode("gbk")
    text, _, repaired = decode_html(raw, None)
    assert BODY in text and not repaired


@pytest.mark.parametrize(
    ("body", "content_type", "names", "expected"),
    [
        (b"%PDF-1.4\n...", "text/html", ["download.jsp"], "pdf"),
        (b"<!DOCTYPE html><html></html>", "application/msword", ["report.doc"], "html"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, None, ["x.wps"], "wps"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64,
            "application/octet-stream",
            ["a.doc"],
            "doc",
        ),
        (b"plain words", None, ["a.txt"], "txt"),
        (b"  <div>x</div>", None, None, "html"),
    ],
)
def test_sniff_trusts_bytes_first(
    body: bytes, content_type: str | None, names: list[str] | None, expected: str
) -> None:
    assert sniff_format(body, content_type, names) == expected
