"""URL helpers: canonical form and crawl scope by origin.

Several demo portals (and real intranet mirrors) share one host on different ports, which
Scrapy's OffsiteMiddleware cannot tell apart (it compares host names only). Scope is therefore
decided here on the full origin: scheme, host and effective port.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443}

Origin = tuple[str, str, int]


def origin(url: str) -> Origin:
    """(scheme, host, port) of an absolute URL, the port made explicit."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or DEFAULT_PORTS.get(scheme, 0)
    return scheme, (parts.hostname or "").lower(), port


def canonical(url: str) -> str:
    """The URL without fragment, host lower-cased and default port dropped.

    Query strings are kept as they are: CMS list pages (hanweb, jsportal) depend on them.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    netloc = host if parts.port in (None, DEFAULT_PORTS.get(scheme)) else f"{host}:{parts.port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def is_http(url: str) -> bool:
    return urlsplit(url).scheme.lower() in DEFAULT_PORTS
