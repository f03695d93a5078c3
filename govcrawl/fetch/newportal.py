"""`govcrawl new-portal NAME URL`: add a portal in minutes — registry entry plus a test.

The start page is fetched once and fingerprinted (`govcrawl.fetch.fingerprint`), which names
the family whose base class will crawl it. The entry is appended to the registry as text, so
the rest of the file (comments, order, layout) is untouched, and the new text is validated
with the registry's own parser before anything is written. The test skeleton runs the new
entry's spider on a saved copy of the start page (`tests/portals/pages/<id>.html`), so it
never touches the portal's host, and fails when the spider no longer finds the list or
article links it found on the day the portal was added.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy.http import HtmlResponse, Request

from govcrawl.fetch.families import spider_class
from govcrawl.fetch.fingerprint import SiteProbe, is_list_shell, probe_site
from govcrawl.fetch.registry import PROJECT_ROOT, PortalEntry, RegistryError, parse_registry
from govcrawl.fetch.urls import is_http

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_SEPARATORS = re.compile(r"\s*[-_|—–]+\s*")
_SITE_WORDS = re.compile(r"[（(][^)）]*[)）]|(门户)?网站$|官网$|首页$")
_AGENCY = re.compile(r"(人民政府|办公室|委员会|局|厅|委|办)$")


def agency_name(text: str) -> str:
    """The agency a site name or page title names ('政府信息公开_某县人民政府' → '某县人民政府')."""
    parts = [_SITE_WORDS.sub("", p).strip() for p in _SEPARATORS.split(text.strip())]
    parts = [p for p in parts if p]
    named = [p for p in parts if _AGENCY.search(p)]
    return (named or parts or [text])[-1]


_LEVEL_BY_SUFFIX = (
    (re.compile(r"(省|自治区)人民政府$"), "province"),
    (re.compile(r"市人民政府$"), "city"),
    (re.compile(r"(县|区|旗)人民政府$"), "county"),
    (re.compile(r"(镇|乡|街道办事处|街道)(人民政府)?$"), "town"),
)


def portal_id(name: str, url: str) -> str:
    """NAME when it already is a valid id, else one made from the URL's host and port."""
    if _ID.match(name):
        return name
    parts = urlsplit(url)
    host = re.sub(r"^www\.", "", (parts.hostname or "").lower())
    slug = re.sub(r"[^0-9a-z]+", "_", f"{host}_{parts.port or ''}").strip("_")
    return slug if slug[:1].isalpha() else f"portal_{slug}"


def guess_level(agency: str) -> str:
    """The administrative level an agency name implies (a bureau or office: department)."""
    for pattern, level in _LEVEL_BY_SUFFIX:
        if pattern.search(agency):
            return level
    return "department"


def _toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # JSON string escapes are valid TOML


def entry_toml(fields: dict[str, Any]) -> str:
    """One `[[portal]]` table in the registry's own layout."""
    lines = ["", "[[portal]]"]
    for key, value in fields.items():
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, int):
            text = str(value)
        elif isinstance(value, list | tuple):
            text = "[" + ", ".join(_toml_string(v) for v in value) + "]"
        else:
            text = _toml_string(str(value))
        lines.append(f"{key} = {text}")
    return "\n".join(lines) + "\n"


def page_title(html: str) -> str | None:
    match = re.search(r"<title[^>]*>(.*?)</title>", html, re.S | re.I)
    return re.sub(r"\s+", " ", match.group(1)).strip() or None if match else None


def _found_links(entry: PortalEntry, probe: SiteProbe) -> tuple[int, int]:
    """(article/file requests, page requests) the new spider makes from the start page."""
    spider = spider_class(entry)()
    response = _response(probe.url, probe.html)
    requests = [r for r in spider.parse(response) if isinstance(r, Request)]
    articles = sum(r.callback in (spider.parse_article, spider.parse_attachment) for r in requests)
    return articles, len(requests) - articles


def _response(url: str, html: str) -> HtmlResponse:
    return HtmlResponse(url, body=html.encode("utf-8"), encoding="utf-8", request=Request(url))


def new_portal(
    name: str,
    url: str,
    *,
    registry_path: str | Path,
    tests_dir: str | Path,
    agency: str | None = None,
    level: str | None = None,
    timeout: float = 20.0,
) -> tuple[PortalEntry, Path]:
    """Fingerprint `url`, append its registry entry, write its test; return (entry, test path).

    Raises ValueError for a non-http URL, a duplicate id or an entry the registry rejects,
    and OSError when the start page cannot be fetched. Nothing is written on failure.
    """
    if not is_http(url):
        raise ValueError(f"not an http(s) URL: {url!r}")
    registry = Path(registry_path)
    text = registry.read_text("utf-8") if registry.exists() else ""
    probe = probe_site(url, timeout=timeout)
    pid = portal_id(name, url)
    agency = agency or agency_name(name if not _ID.match(name) else page_title(probe.html) or name)
    fields: dict[str, Any] = {
        "id": pid,
        "name": name,
        "agency": agency,
        "region": re.sub(r"人民政府$", "", agency) or agency,
        "level": level or guess_level(agency),
        "family": probe.family,
        "kind": "mirror" if probe.family == "mirror" else "portal",
        "start_urls": [url],
    }
    if probe.family == "jsonapi":
        fields["needs_browser"] = True
    new_text = text.rstrip("\n") + "\n" + entry_toml(fields) if text.strip() else entry_toml(fields)
    try:
        entries = parse_registry(new_text, str(registry))
    except RegistryError as exc:
        raise ValueError(f"the new entry is not valid: {exc}") from exc
    [entry] = [e for e in entries if e.id == pid]
    articles, pages = _found_links(entry, probe)

    tests = Path(tests_dir)
    page_path = tests / "pages" / f"{pid}.html"
    test_path = tests / f"test_{pid}.py"
    if test_path.exists():
        raise ValueError(f"{test_path} exists already")
    page_path.parent.mkdir(parents=True, exist_ok=True)
    page_path.write_text(probe.html, "utf-8")
    test_path.write_text(
        render_test(entry, probe, registry, test_path, articles=articles, pages=pages), "utf-8"
    )
    with registry.open("a", encoding="utf-8") as out:
        out.write(new_text[len(text) :])
    return entry, test_path


def _registry_ref(registry: Path, test_path: Path) -> str:
    """How the test names the registry: relative to the project when both are inside it."""
    resolved, test = registry.resolve(), test_path.resolve()
    if resolved.is_relative_to(PROJECT_ROOT) and test.is_relative_to(PROJECT_ROOT):
        depth = len(test.relative_to(PROJECT_ROOT).parts) - 1
        relative = resolved.relative_to(PROJECT_ROOT).as_posix()
        return f'Path(__file__).resolve().parents[{depth}] / "{relative}"'
    return f"Path({_toml_string(resolved.as_posix())})"


REQUESTS = "    requests = [r for r in spider.parse(response) if isinstance(r, Request)]\n"


def render_test(
    entry: PortalEntry,
    probe: SiteProbe,
    registry: Path,
    test_path: Path,
    *,
    articles: int,
    pages: int,
) -> str:
    """The source of tests/portals/test_<id>.py for a new entry."""
    today = datetime.now(UTC).date().isoformat()
    extra_import = ""
    if entry.family == "jsonapi" and is_list_shell(probe.html):
        extra_import = "from govcrawl.fetch.fingerprint import is_list_shell\n"
        check = (
            "    # the list is written by script: an empty shell the spider must render\n"
            "    assert is_list_shell(response.text)\n"
            "    start = spider.start_request(spider.start_urls[0])\n"
            '    assert start.meta.get("playwright") is True\n'
        )
    elif entry.family == "jsonapi":
        check = REQUESTS + (
            "    pages = [r for r in requests if r.callback == spider.parse]\n"
            f'    assert pages, "no list or page link ({pages} on {today})"\n'
            "    # the lists behind these links are written by script: the spider renders them\n"
            '    assert all(r.meta.get("playwright") is True for r in pages)\n'
        )
    elif articles:
        check = REQUESTS + (
            "    found = [r for r in requests if r.callback in "
            "(spider.parse_article, spider.parse_attachment)]\n"
            f'    assert found, "no article or file link ({articles} on {today})"\n'
        )
    else:
        check = REQUESTS + f'    assert requests, "no list or page link ({pages} on {today})"\n'
    return f'''"""Portal {entry.id}: its spider still finds its links on the saved start page.

Written by `govcrawl new-portal` on {today} from {entry.start_urls[0]}
({entry.family} family). The start page is a saved copy
(pages/{entry.id}.html), so this test never touches the portal's host; save the
page again when the portal is redesigned, and fix the registry entry if this test then fails.
"""

from pathlib import Path

from scrapy.http import HtmlResponse, Request

from govcrawl.fetch.families import spider_class
{extra_import}from govcrawl.fetch.registry import load_registry

PORTAL = "{entry.id}"
REGISTRY = {_registry_ref(registry, test_path)}
PAGE = Path(__file__).resolve().parent / "pages" / f"{{PORTAL}}.html"
PAGE_URL = {_toml_string(probe.url)}


def test_start_page_links() -> None:
    [entry] = [e for e in load_registry(REGISTRY, resolve=False) if e.id == PORTAL]
    assert entry.family == "{entry.family}"
    spider = spider_class(entry)()
    response = HtmlResponse(
        PAGE_URL, body=PAGE.read_bytes(), encoding="utf-8", request=Request(PAGE_URL)
    )
{check}'''
