"""spatial/settings.py declares every SPATIAL_* variable the code reads, docs/settings.md is its table, and
values parse as documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from spatial import settings

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ["spatial", "app/spatial_app", "build_backend", "tests", "Makefile", ".ci/run", "pyproject.toml"]
NAME = r"SPATIAL_[A-Z0-9_]*[A-Z0-9]"


def mentioned_variables() -> set[str]:
    """Every SPATIAL_* name in the Python sources, build files and tests, plus the C++ kernels' getenv calls
    (their other SPATIAL_* names are macros)."""
    names = set()
    for src in SOURCES:
        p = ROOT / src
        files = [p] if p.is_file() else [f for f in p.rglob("*.py") if f.name != "test_settings.py"]
        for f in files:
            names |= set(re.findall(rf"\b{NAME}\b", f.read_text(errors="ignore")))
    for f in (ROOT / "cuda_ext").rglob("*"):
        if f.suffix in (".cpp", ".h", ".cu", ".cuh"):
            names |= set(re.findall(rf'getenv\("({NAME})"\)', f.read_text(errors="ignore")))
    return names


def test_every_variable_is_declared():
    undeclared = sorted(mentioned_variables() - set(settings.SETTINGS))
    assert not undeclared, f"declare these in spatial/settings.py (default and doc): {undeclared}"


def test_docs_table_is_current():
    doc = (ROOT / "docs" / "settings.md").read_text()
    assert settings.markdown_table() in doc, "regenerate: python -m spatial.settings (table in docs/settings.md)"


def test_values_parse(monkeypatch):
    monkeypatch.delenv("SPATIAL_SNAPSHOT_EVERY", raising=False)
    assert settings.get("SPATIAL_SNAPSHOT_EVERY") == 100
    monkeypatch.setenv("SPATIAL_SNAPSHOT_EVERY", "7")
    assert settings.get("SPATIAL_SNAPSHOT_EVERY") == 7
    monkeypatch.setenv("SPATIAL_SNAPSHOT_EVERY", "seven")
    assert settings.get("SPATIAL_SNAPSHOT_EVERY") == 100
    monkeypatch.setenv("SPATIAL_NO_EMBEDDING", "1")
    assert settings.get("SPATIAL_NO_EMBEDDING") is True
    monkeypatch.setenv("SPATIAL_NO_EMBEDDING", "0")
    assert settings.get("SPATIAL_NO_EMBEDDING") is False
    monkeypatch.setenv("SPATIAL_APP_CACHE_MB", "12.5")
    assert settings.get("SPATIAL_APP_CACHE_MB") == 12.5
    with pytest.raises(KeyError):
        settings.get("SPATIAL_NO_SUCH_THING")
