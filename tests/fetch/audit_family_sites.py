"""A small TRS-style portal on 127.0.0.1 in the shapes family discovery once lost reports on.

The home page shows the newest reports (the 年报 column's first page) beside its link to the
column; the column is paged through script variables and has a side menu of department
sub-columns; one report page is only a wrapper whose file sits behind a download script; one
report page's first <h1> is the site logo. `REPORTS` are the URLs a crawl must find.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PAGES = 4


def _title(n: int) -> str:
    return f"审计市第{n}局2023年政府信息公开工作年度报告"


def _article(n: int) -> str:
    return f"/xxgk/ndbg/2024{n % 9 + 1:02d}/t2024{n % 9 + 1:02d}15_{800 + n}.html"


def _page(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body>'
        f'<div class="header"><h1 class="logo"><a href="/">审计市人民政府</a></h1></div>'
        f"{body}</body></html>"
    )


def _list_page(current: int) -> str:
    item = f'<li><a href=".{_article(current)[10:]}">{_title(current)[:12]}…</a></li>'
    menu = (
        '<div class="leftnav"><h3>部门年报</h3><a href="./bm/jyj/index.html">审计市教育局</a>'
        '<a href="/xwzx/index.html">新闻中心</a></div>'
    )
    script = (
        f"<script>var currentPage = {current};\nvar countPage = {PAGES};\n"
        'createPageHTML(countPage, currentPage, "index", "html");</script>'
    )
    return _page("政府信息公开年报", f'{menu}<ul class="list-ul">{item}</ul>{script}')


def _report(n: int) -> str:
    return _page(
        f"{_title(n)}_审计市人民政府",
        f'<div class="xl-title">{_title(n)}</div><div class="TRS_Editor"><p>一、总体情况</p></div>',
    )


SUB_ARTICLE = "/xxgk/ndbg/bm/jyj/202402/t20240201_900.html"
SUB_FILE = "/module/download/downfile.jsp?classid=0&filename=2402010900.pdf"
SUB_TITLE = "审计市教育局2023年政府信息公开工作年度报告"


def pages() -> dict[str, tuple[str, bytes]]:
    """Path (with query) → (content type, body) of every page the site serves."""
    site: dict[str, tuple[str, bytes]] = {}

    def add(path: str, text: str) -> None:
        site[path] = ("text/html; charset=utf-8", text.encode("utf-8"))

    newest = f'<li><a href="{_article(0)}" title="{_title(0)}">{_title(0)}</a></li>'
    add(
        "/",
        _page(
            "审计市人民政府",
            f"<h3>最新年报</h3><ul>{newest}</ul>"
            '<a href="/xxgk/ndbg/index.html">政府信息公开年报</a>',
        ),
    )
    for n in range(PAGES):
        add("/xxgk/ndbg/index.html" if n == 0 else f"/xxgk/ndbg/index_{n}.html", _list_page(n))
        add(_article(n), _report(n))
    add("/xwzx/index.html", _page("新闻中心", "<p>新闻</p>"))
    sub_item = f'<li><a href="./202402/t20240201_900.html" title="{SUB_TITLE}">{SUB_TITLE}</a>'
    add(
        "/xxgk/ndbg/bm/jyj/index.html",
        _page(
            "审计市教育局",
            f'<ul class="list-ul">{sub_item}</li></ul>'
            '<script>createPageHTML(1, 0, "index", "html");</script>',
        ),
    )
    add(
        SUB_ARTICLE,
        _page(SUB_TITLE, f'<p>详见附件。</p><a href="{SUB_FILE}">{SUB_TITLE}.pdf</a>'),
    )
    site[SUB_FILE] = ("application/octet-stream", PDF)
    return site


REPORTS = frozenset([*(_article(n) for n in range(PAGES)), SUB_ARTICLE, SUB_FILE])
"""Paths (with query) of the report copies a crawl from `/` must yield."""


@contextmanager
def serve() -> Iterator[str]:
    """Serve the site on a free 127.0.0.1 port; yields its base URL."""
    site = pages()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found = site.get(self.path)
            status, (ctype, body) = (200, found) if found else (404, ("text/plain", b"404"))
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
