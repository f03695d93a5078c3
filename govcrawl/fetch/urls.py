"""URL helpers: canonical form and crawl scope by origin.

Several demo portals (and real intranet mirrors) share one host on different ports, which
Scrapy's OffsiteMiddleware cannot tell apart (it compares host names only). Scope is therefore
decided here on the full origin: scheme, host and effective port.

Canonical URLs are what the spiders request; `url_key` (the canonical URL with its query
sorted) is what they deduplicate pages on. Java and PHP portals append
session ids (`;jsessionid=…` in the path, `JSESSIONID=`/`PHPSESSID=`/`sid=<token>` in the
query), list the same query in any order and link fragments of one page; each variant would
otherwise be fetched again as a new page. A `sid` whose value is a short number is *not* a
session: gkmlpt's list API names its site that way (`?page=1&sid=755031`), so only token-like
values are dropped.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443}

Origin = tuple[str, str, int]

_PATH_SESSION = re.compile(r";(?:jsessionid|phpsessid|sessionid|sid)=[^/?#]*", re.I)
_SESSION_KEYS = frozenset(
    {"jsessionid", "phpsessid", "aspsessionid", "sessionid", "session_id", "cfid", "cftoken"}
)
_TOKEN_KEYS = frozenset({"sid", "s", "sess"})
_TOKEN = re.compile(r"^(?=.*[A-Za-z])[0-9A-Za-z._-]{16,}$")


def origin(url: str) -> Origin:
    """(scheme, host, port) of an absolute URL, the port made explicit."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or DEFAULT_PORTS.get(scheme, 0)
    return scheme, (parts.hostname or "").lower(), port


def is_session_param(pair: str) -> bool:
    """Whether one raw `key=value` query pair is a session id rather than part of the page."""
    key, _, value = pair.partition("=")
    key = key.lower()
    if key in _SESSION_KEYS:
        return True
    return key in _TOKEN_KEYS and bool(_TOKEN.match(value))


def canonical_query(query: str, *, sort: bool = False) -> str:
    """The query without session ids and empty pairs (optionally sorted; bytes kept)."""
    pairs = [p for p in query.split("&") if p and not is_session_param(p)]
    if sort:
        pairs.sort(key=lambda p: p.partition("=")[0])
    return "&".join(pairs)


def canonical(url: str, *, sort_query: bool = False) -> str:
    """The URL as it is requested: no fragment or session id, lower-case host, default port
    dropped. Query bytes and order are kept as linked (some CMS endpoints care), unless
    `sort_query`: see `url_key`."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    netloc = host if parts.port in (None, DEFAULT_PORTS.get(scheme)) else f"{host}:{parts.port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    path = _PATH_SESSION.sub("", parts.path) or "/"
    query = canonical_query(parts.query, sort=sort_query)
    return urlunsplit((scheme, netloc, path, query, ""))


def url_key(url: str) -> str:
    """The identity of a page for deduplication: `canonical` with the query pairs sorted."""
    return canonical(url, sort_query=True)


_FOLDER_INDEX = re.compile(r"/(?:index|default)\.(?:s?html?|jsp|php|aspx?)$", re.IGNORECASE)


def page_key(url: str) -> str:
    """The identity of a list or navigation page: `url_key`, with a folder's index page
    (`…/ndbg/index.html`, `default.htm`) the same as the folder (`…/ndbg/`). Portals link a
    column both ways — the menu to the folder, the breadcrumb to its index — and fetching
    both spends a page of the budget, and a re-crawl's request, on a copy."""
    key = url_key(url)
    parts = urlsplit(key)
    if parts.query:
        return key
    return urlunsplit(parts._replace(path=_FOLDER_INDEX.sub("/", parts.path)))


def is_http(url: str) -> bool:
    return urlsplit(url).scheme.lower() in DEFAULT_PORTS
