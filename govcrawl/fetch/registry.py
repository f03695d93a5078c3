"""The portal registry (data/portals.toml): which portals exist and how to crawl each one.

One `[[portal]]` table per portal names its CMS family, start URLs and politeness choices.
Keeping this as data (not code) lets a new portal of a known CMS be added without writing a
spider, and lets the registry's hash be recorded with every crawl. Demo-farm portals write
their start URLs as `{demo:SITE}/path`; the farm's ports are only known at run time, so those
placeholders are resolved from the farm's manifest, and an entry that cannot be resolved is
skipped (with a log line) rather than failing `scrapy list`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

MANIFEST_SETTING = "GOVCRAWL_DEMO_MANIFEST"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_REGISTRY = PROJECT_ROOT / "data" / "portals.toml"

FAMILIES = ("trs", "hanweb", "vsb", "gkmlpt", "ucap", "generic", "jsonapi", "mirror")
LEVELS = ("province", "city", "county", "town", "department")
KINDS = ("portal", "mirror")
REQUIRED = ("id", "name", "agency", "region", "level", "family", "start_urls", "kind")
OPTIONAL = (
    "needs_browser",
    "robots",
    "robots_reason",
    "max_pages",
    "allowed_paths",
    "concurrency",
    "delay",
)
MAX_CONCURRENCY = 8
"""No portal gets more connections at once than a browser opens to one host (6–8)."""

_PLACEHOLDER = re.compile(r"\{demo:([a-z0-9_]+)\}")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class RegistryError(ValueError):
    """The registry file does not follow the schema; the message lists every problem."""


class PlaceholderError(LookupError):
    """A `{demo:SITE}` placeholder that no farm manifest resolves."""


@dataclass(frozen=True)
class PortalEntry:
    """One validated registry entry."""

    id: str
    name: str
    agency: str
    region: str
    level: str
    family: str
    start_urls: tuple[str, ...]
    kind: str = "portal"
    needs_browser: bool = False
    robots: str = "obey"
    robots_reason: str | None = None
    max_pages: int = 200
    allowed_paths: tuple[str, ...] = ()
    concurrency: int | None = None
    """Most requests in flight to the portal at once; None keeps the project default."""
    delay: float | None = None
    """Fewest seconds between two requests to the portal (AutoThrottle never goes below it)."""
    raw_start_urls: tuple[str, ...] = field(default=(), compare=False)
    """The start URLs as written, before placeholder resolution."""
    registry_version: str | None = field(default=None, compare=False)
    """sha1 of the registry file the entry came from (`registry_version`), for the warcinfo."""

    @property
    def is_demo(self) -> bool:
        """A demo-farm portal (its start URLs point into the farm)."""
        return any(has_placeholder(u) for u in self.raw_start_urls or self.start_urls)


def has_placeholder(url: str) -> bool:
    return bool(_PLACEHOLDER.search(url))


def manifest_path(settings: Any = None) -> Path | None:
    """The demo-farm manifest named by the Scrapy setting, else the environment, if any."""
    value = settings.get(MANIFEST_SETTING) if settings is not None else None
    value = value or os.environ.get(MANIFEST_SETTING)
    return Path(value) if value else None


def read_manifest(path: str | Path | None) -> dict[str, str]:
    """Site key → base URL, from a manifest written by `DemoFarm.write_manifest`."""
    if path is None:
        return {}
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return {str(k): str(v).rstrip("/") for k, v in (data.get("urls") or {}).items()}


def resolve_placeholders(url: str, sites: dict[str, str]) -> str:
    """Replace `{demo:SITE}` by the site's base URL; PlaceholderError when SITE is unknown."""

    def substitute(match: re.Match[str]) -> str:
        site = match.group(1)
        if site not in sites:
            raise PlaceholderError(f"no demo farm URL for {{demo:{site}}}")
        return sites[site]

    return _PLACEHOLDER.sub(substitute, url)


def registry_version(path: str | Path | None = None) -> str:
    """sha1 of the registry file, recorded with a crawl to say which registry it used."""
    return hashlib.sha1(_registry_path(path).read_bytes()).hexdigest()


def load_registry(
    path: str | Path | None = None,
    *,
    manifest: str | Path | None = None,
    resolve: bool = True,
    settings: Any = None,
) -> list[PortalEntry]:
    """Every valid registry entry, demo placeholders resolved.

    `manifest` (else the GOVCRAWL_DEMO_MANIFEST setting/env variable) resolves `{demo:SITE}`;
    entries it cannot resolve are skipped with a log line. With `resolve=False` the entries
    keep their placeholders (for listing the registry without a farm).
    Raises RegistryError when the file breaks the schema.
    """
    registry = _registry_path(path, settings)
    raw = registry.read_bytes()
    version = hashlib.sha1(raw).hexdigest()
    entries = [
        replace(e, registry_version=version)
        for e in parse_registry(raw.decode("utf-8"), str(registry))
    ]
    if not resolve:
        return entries
    manifest = Path(manifest) if manifest else manifest_path(settings)
    sites = read_manifest(manifest) if manifest and Path(manifest).exists() else {}
    resolved: list[PortalEntry] = []
    for entry in entries:
        try:
            urls = tuple(resolve_placeholders(u, sites) for u in entry.start_urls)
        except PlaceholderError as exc:
            logger.info(
                "registry: skipping portal %s: %s (set %s to a demo farm manifest)",
                entry.id,
                exc,
                MANIFEST_SETTING,
            )
            continue
        resolved.append(replace(entry, start_urls=urls))
    return resolved


def parse_registry(text: str, origin: str = "<registry>") -> list[PortalEntry]:
    """Validate registry TOML text into entries; RegistryError lists every problem found."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"{origin}: not valid TOML: {exc}") from exc
    tables = data.get("portal")
    if not isinstance(tables, list) or not tables:
        raise RegistryError(f"{origin}: no [[portal]] entries")
    problems: list[str] = []
    entries: list[PortalEntry] = []
    seen: set[str] = set()
    for index, table in enumerate(tables):
        label = f"{origin}: portal #{index + 1} ({table.get('id', '?')})"
        errors = _check(table)
        if table.get("id") in seen:
            errors.append("duplicate id")
        seen.add(table.get("id"))
        if errors:
            problems.extend(f"{label}: {e}" for e in errors)
            continue
        urls = tuple(table["start_urls"])
        entries.append(
            PortalEntry(
                id=table["id"],
                name=table["name"],
                agency=table["agency"],
                region=table["region"],
                level=table["level"],
                family=table["family"],
                start_urls=urls,
                kind=table["kind"],
                needs_browser=bool(table.get("needs_browser", False)),
                robots=table.get("robots", "obey"),
                robots_reason=table.get("robots_reason"),
                max_pages=int(table.get("max_pages", 200)),
                allowed_paths=tuple(table.get("allowed_paths", ())),
                concurrency=table.get("concurrency"),
                delay=float(table["delay"]) if "delay" in table else None,
                raw_start_urls=urls,
            )
        )
    if problems:
        raise RegistryError("\n".join(problems))
    return entries


def _check(table: dict[str, Any]) -> list[str]:
    errors = [f"missing {key}" for key in REQUIRED if key not in table]
    unknown = set(table) - set(REQUIRED) - set(OPTIONAL)
    if unknown:
        errors.append(f"unknown keys {sorted(unknown)}")
    for key in ("id", "name", "agency", "region"):
        if key in table and (not isinstance(table[key], str) or not table[key].strip()):
            errors.append(f"{key} must be a non-empty string")
    if isinstance(table.get("id"), str) and not _ID.match(table["id"]):
        errors.append("id must be lower-case letters, digits and _ (it is the spider name)")
    for key, allowed in (("family", FAMILIES), ("level", LEVELS), ("kind", KINDS)):
        if key in table and table[key] not in allowed:
            errors.append(f"{key} {table[key]!r} not one of {allowed}")
    urls = table.get("start_urls")
    if "start_urls" in table and (
        not isinstance(urls, list) or not urls or not all(isinstance(u, str) for u in urls)
    ):
        errors.append("start_urls must be a non-empty list of strings")
    elif isinstance(urls, list):
        for url in urls:
            if not (has_placeholder(url) and url.startswith("{demo:")) and not url.startswith(
                ("http://", "https://")
            ):
                errors.append(f"start URL {url!r} is neither http(s) nor {{demo:SITE}}/…")
    robots = table.get("robots", "obey")
    if robots not in ("obey", "ignore"):
        errors.append(f"robots {robots!r} must be 'obey' or 'ignore'")
    if robots == "ignore" and not table.get("robots_reason"):
        errors.append("robots = 'ignore' needs a robots_reason")
    max_pages = table.get("max_pages", 200)
    if not isinstance(max_pages, int) or isinstance(max_pages, bool) or max_pages < 1:
        errors.append("max_pages must be a positive integer")
    paths = table.get("allowed_paths", [])
    if not isinstance(paths, list) or not all(
        isinstance(p, str) and p.startswith("/") for p in paths
    ):
        errors.append("allowed_paths must be a list of paths starting with /")
    if "needs_browser" in table and not isinstance(table["needs_browser"], bool):
        errors.append("needs_browser must be true or false")
    concurrency = table.get("concurrency", 1)
    if (
        not isinstance(concurrency, int)
        or isinstance(concurrency, bool)
        or not 1 <= concurrency <= MAX_CONCURRENCY
    ):
        errors.append(f"concurrency must be an integer from 1 to {MAX_CONCURRENCY}")
    delay = table.get("delay", 0)
    if not isinstance(delay, int | float) or isinstance(delay, bool) or not 0 <= delay <= 600:
        errors.append("delay must be a number of seconds from 0 to 600")
    return errors


def _registry_path(path: str | Path | None, settings: Any = None) -> Path:
    """Explicit path, else the GOVCRAWL_REGISTRY setting, else the environment variable (which
    is what reaches Scrapy's spider loader, imported before any setting), else data/."""
    if path is None and settings is not None:
        path = settings.get("GOVCRAWL_REGISTRY")
    if path is None:
        path = os.environ.get("GOVCRAWL_REGISTRY") or None
    if path is None:
        return DEFAULT_REGISTRY
    candidate = Path(path)
    if candidate.is_absolute() or candidate.exists():
        return candidate
    return PROJECT_ROOT / candidate
