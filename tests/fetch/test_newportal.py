"""`new_portal`: one fetched start page becomes a registry entry and a passing test."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from govcrawl.demo_farm.farm import DemoFarm
from govcrawl.fetch.newportal import agency_name, guess_level, new_portal, portal_id
from govcrawl.fetch.registry import DEFAULT_REGISTRY, load_registry

pytestmark = pytest.mark.xdist_group("fetch_farm")


@pytest.fixture(scope="module")
def farm() -> Iterator[DemoFarm]:
    with DemoFarm(2024) as running:
        yield running


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    path = tmp_path / "portals.toml"
    shutil.copy(DEFAULT_REGISTRY, path)
    return path


def load_test(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("site", "path", "family"),
    [
        ("ucap", "/xxgk/ndbg/index.shtml", "ucap"),
        ("trs", "/", "trs"),
        ("gkmlpt", "/", "gkmlpt"),
        ("town", "/", "generic"),
        ("jsportal", "/xxgk/ndbg/list.html?page=1", "jsonapi"),
    ],
)
def test_new_portal_writes_a_valid_entry_and_a_passing_test(
    site: str, path: str, family: str, farm: DemoFarm, registry: Path, tmp_path: Path
) -> None:
    before = registry.read_text("utf-8")
    url = farm.urls[site] + path
    entry, test_path = new_portal(
        "某县人民政府门户网站", url, registry_path=registry, tests_dir=tmp_path / "portals",
        agency="某县人民政府",
    )  # fmt: skip
    after = registry.read_text("utf-8")
    assert after.startswith(before) and after != before  # appended, the rest untouched
    [loaded] = [e for e in load_registry(registry, resolve=False) if e.id == entry.id]
    assert loaded == entry
    assert (entry.family, entry.level, entry.start_urls) == (family, "county", (url,))
    assert entry.needs_browser == (family == "jsonapi")
    assert (tmp_path / "portals" / "pages" / f"{entry.id}.html").is_file()
    module = load_test(test_path)
    tests = [getattr(module, n) for n in dir(module) if n.startswith("test_")]
    assert len(tests) == 1
    tests[0]()


def test_written_test_fails_when_the_saved_page_loses_its_links(
    farm: DemoFarm, registry: Path, tmp_path: Path
) -> None:
    entry, test_path = new_portal(
        "demo_copy", farm.urls["vsb"] + "/xxgk/ndbg.htm", registry_path=registry,
        tests_dir=tmp_path,
    )  # fmt: skip
    assert entry.id == "demo_copy" and entry.family == "vsb"
    page = tmp_path / "pages" / "demo_copy.html"
    page.write_text("<html><body><p>栏目改版中</p></body></html>", "utf-8")
    module = load_test(test_path)
    with pytest.raises(AssertionError):
        module.test_start_page_links()


def test_duplicate_portal_changes_nothing(farm: DemoFarm, registry: Path, tmp_path: Path) -> None:
    before = registry.read_text("utf-8")
    with pytest.raises(ValueError, match="duplicate id"):
        new_portal(
            "demo_trs_city", farm.urls["trs"] + "/", registry_path=registry, tests_dir=tmp_path
        )
    assert registry.read_text("utf-8") == before
    assert not (tmp_path / "test_demo_trs_city.py").exists()


def test_unreachable_portal_raises(registry: Path, tmp_path: Path) -> None:
    with DemoFarm(2024) as other:
        dead = other.urls["trs"] + "/"
    with pytest.raises(OSError):
        new_portal("x_portal", dead, registry_path=registry, tests_dir=tmp_path, timeout=5)


@pytest.mark.parametrize(
    ("agency", "level"),
    [
        ("甘肃省人民政府", "province"),
        ("宁夏回族自治区人民政府", "province"),
        ("庆阳市人民政府", "city"),
        ("安定区人民政府", "county"),
        ("西华池镇人民政府", "town"),
        ("定西市水务局", "department"),
    ],
)
def test_level_guess(agency: str, level: str) -> None:
    assert guess_level(agency) == level


def test_portal_ids() -> None:
    assert portal_id("qingyang_gov", "http://www.qy.gov.cn/") == "qingyang_gov"
    assert portal_id("庆阳市政府", "http://www.qy.gov.cn:8080/x") == "qy_gov_cn_8080"
    assert portal_id("某站", "http://10.1.2.3/") == "portal_10_1_2_3"


@pytest.mark.parametrize(
    ("text", "agency"),
    [
        ("静宁县人民政府门户网站", "静宁县人民政府"),
        ("政府信息公开年报_定西市人民政府", "定西市人民政府"),
        ("盐池县水务局 - 首页", "盐池县水务局"),
    ],
)
def test_agency_from_a_name_or_title(text: str, agency: str) -> None:
    assert agency_name(text) == agency


def test_cli_new_portal(farm: DemoFarm, registry: Path, tmp_path: Path) -> None:
    from govcrawl.cli import main

    url = farm.urls["hanweb"] + "/"
    args = ["new-portal", "合水县人民政府门户网站", url, "--registry", str(registry)]
    assert main([*args, "--tests-dir", str(tmp_path), "--level", "county"]) == 0
    [entry] = [e for e in load_registry(registry, resolve=False) if e.start_urls == (url,)]
    assert (entry.family, entry.level, entry.agency) == ("hanweb", "county", "合水县人民政府")
    assert (tmp_path / f"test_{entry.id}.py").is_file()
    assert main([*args, "--tests-dir", str(tmp_path)]) == 1  # same id again: refused
