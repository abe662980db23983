"""The tree is the architecture: crawl → archive → (index | report data) → web, with reading
bytes into text and tables a ground-floor service. Each package imports only what stands below
it, and only the crawler imports Scrapy."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# package → the project packages it may import (itself aside)
BELOW = {
    "reading": set(),
    "archive": set(),
    "crawler": {"archive", "reading"},
    "reports": {"archive", "reading"},
    "ocr": {"archive", "reading"},
    "indexer": {"archive"},
    "search_web": {"archive", "indexer", "reports"},
    "gongkai": {"archive", "crawler", "indexer", "ocr", "reading", "reports", "search_web"},
}
CRAWLING = {"scrapy", "scrapy_redis", "scrapy_playwright", "twisted"}  # the crawler's own


def imports(package: str) -> list[tuple[str, str]]:
    """(file, top-level module) of every absolute import in a package, nested ones too."""
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            found += [(str(path.relative_to(ROOT)), name.split(".")[0]) for name in names]
    return found


def test_every_package_has_its_place():
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")}
    assert packages == set(BELOW)


@pytest.mark.parametrize("package", sorted(BELOW))
def test_a_package_imports_only_what_stands_below_it(package):
    wrong = [(path, top) for path, top in imports(package)
             if top in BELOW and top != package and top not in BELOW[package]]
    assert wrong == []


def test_only_the_crawler_and_the_shell_that_drives_it_import_scrapy():
    users = {path.split("/")[0] for package in BELOW for path, top in imports(package)
             if top in CRAWLING}
    assert users == {"crawler"}
