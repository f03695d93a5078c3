"""The portal registry: schema validation, placeholder resolution, one spider per entry."""

from __future__ import annotations

import hashlib
import json
import logging
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.test import get_crawler

from govcrawl.fetch.base import ReportSpider
from govcrawl.fetch.families import FAMILY_SPIDERS, spider_class
from govcrawl.fetch.registry import (
    DEFAULT_REGISTRY,
    RegistryError,
    load_registry,
    parse_registry,
    registry_version,
)

SITES = ("trs", "hanweb", "vsb", "town", "jsportal", "mirror", "gkmlpt", "ucap")

ENTRY = """
[[portal]]
id = "x_portal"
name = "X"
agency = "X县人民政府"
region = "X省"
level = "county"
family = "trs"
kind = "portal"
start_urls = ["https://www.example.gov.cn/xxgk/ndbg/index.html"]
"""


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    path = tmp_path / "farm.json"
    urls = {site: f"http://127.0.0.1:{9100 + i}" for i, site in enumerate(SITES)}
    path.write_text(json.dumps({"urls": urls}), encoding="utf-8")
    return path


def test_every_registry_entry_validates_and_builds_a_spider() -> None:
    entries = load_registry(resolve=False)
    assert entries
    assert len({e.id for e in entries}) == len(entries)
    for entry in entries:
        cls = spider_class(entry)
        assert issubclass(cls, FAMILY_SPIDERS[entry.family])
        assert cls.name == entry.id


def test_registry_covers_every_demo_site(manifest: Path) -> None:
    entries = load_registry(manifest=manifest)
    ports = {url.split("/")[2] for e in entries for url in e.start_urls}
    assert ports == {f"127.0.0.1:{9100 + i}" for i in range(len(SITES))}
    assert all(e.is_demo for e in entries)


def test_unresolvable_entries_are_skipped_with_a_log_line(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("GOVCRAWL_DEMO_MANIFEST", raising=False)
    with caplog.at_level(logging.INFO, logger="govcrawl.fetch.registry"):
        assert load_registry() == []
    assert "skipping portal demo_trs_city" in caplog.text


def test_registry_version_is_the_file_sha1() -> None:
    assert registry_version() == hashlib.sha1(DEFAULT_REGISTRY.read_bytes()).hexdigest()


def test_a_valid_entry_parses() -> None:
    [entry] = parse_registry(ENTRY)
    assert (entry.id, entry.robots, entry.max_pages, entry.is_demo) == (
        "x_portal",
        "obey",
        200,
        False,
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('family = "trs"', 'family = "drupal"'), "family"),
        (('level = "county"', 'level = "village"'), "level"),
        (('id = "x_portal"', 'id = "X Portal"'), "id must be"),
        (('kind = "portal"', ""), "missing kind"),
        (("start_urls = [", 'robots = "ignore"\nstart_urls = ['), "robots_reason"),
        (('"https://www.example.gov.cn', '"ftp://www.example.gov.cn'), "neither http"),
        (('kind = "portal"', 'kind = "portal"\nmax_pages = 0'), "max_pages"),
        (('kind = "portal"', 'kind = "portal"\ncolour = "red"'), "unknown keys"),
        (('kind = "portal"', 'kind = "portal"\nconcurrency = 0'), "concurrency"),
        (('kind = "portal"', 'kind = "portal"\nconcurrency = 20'), "concurrency"),
        (('kind = "portal"', 'kind = "portal"\nconcurrency = 1.5'), "concurrency"),
        (('kind = "portal"', 'kind = "portal"\ndelay = -1'), "delay"),
        (('kind = "portal"', 'kind = "portal"\ndelay = "2s"'), "delay"),
    ],
)
def test_invalid_entries_are_reported(change: tuple[str, str], message: str) -> None:
    with pytest.raises(RegistryError, match=message):
        parse_registry(ENTRY.replace(*change))


def test_duplicate_ids_are_reported() -> None:
    with pytest.raises(RegistryError, match="duplicate id"):
        parse_registry(ENTRY + ENTRY)


def test_robots_ignore_switches_robots_off_for_that_spider() -> None:
    text = ENTRY.replace("start_urls", 'robots = "ignore"\nrobots_reason = "mirror"\nstart_urls')
    [entry] = parse_registry(text)
    assert spider_class(entry).custom_settings["ROBOTSTXT_OBEY"] is False


def test_portal_politeness_becomes_that_spiders_settings() -> None:
    [entry] = parse_registry(ENTRY.replace("start_urls", "concurrency = 1\ndelay = 2\nstart_urls"))
    custom = spider_class(entry).custom_settings
    assert custom["CONCURRENT_REQUESTS_PER_DOMAIN"] == 1
    assert custom["AUTOTHROTTLE_TARGET_CONCURRENCY"] == 1.0  # not aiming above the cap
    assert custom["DOWNLOAD_DELAY"] == 2.0  # AutoThrottle's floor
    crawler = get_crawler(spider_class(entry), {"AUTOTHROTTLE_ENABLED": True})
    assert crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 1


def test_spiders_carry_the_registry_version_into_their_settings(tmp_path: Path) -> None:
    registry = tmp_path / "portals.toml"
    registry.write_text(ENTRY, encoding="utf-8")
    [entry] = load_registry(registry, resolve=False)
    assert entry.registry_version == hashlib.sha1(registry.read_bytes()).hexdigest()
    assert spider_class(entry).custom_settings == {
        "GOVCRAWL_REGISTRY_VERSION": entry.registry_version
    }


def test_spider_loader_lists_one_spider_per_entry(
    manifest: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOVCRAWL_DEMO_MANIFEST", str(manifest))
    monkeypatch.delitem(sys.modules, "spiders.registry_spiders", raising=False)
    loader = SpiderLoader.from_settings(Settings({"SPIDER_MODULES": ["spiders"]}))
    assert sorted(loader.list()) == sorted(e.id for e in load_registry(resolve=False))
    for name in loader.list():
        cls = loader.load(name)
        assert issubclass(cls, ReportSpider)
        assert all(url.startswith("http://127.0.0.1:91") for url in cls.start_urls)


def test_crawler_setting_names_the_manifest(
    manifest: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GOVCRAWL_DEMO_MANIFEST", raising=False)
    [entry] = [e for e in load_registry(resolve=False) if e.family == "vsb"]
    cls = spider_class(replace(entry, start_urls=("http://placeholder.invalid/",)))
    crawler = get_crawler(cls, {"GOVCRAWL_DEMO_MANIFEST": str(manifest)})
    spider = cls.from_crawler(crawler)
    assert spider.start_urls == ["http://127.0.0.1:9102/xxgk/ndbg.htm"]
