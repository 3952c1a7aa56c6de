"""The public API: verbs are functions only, nouns are packages, every name the README's table shows resolves,
and the 0.1 package paths still import with a DeprecationWarning.

Each check runs in a fresh interpreter: what the import system binds on ``spatial`` depends on what was
imported before, so a check inside this (shared) test process could pass only because of test order.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VERBS = ("render", "fit", "generate", "export")
NOUNS = ("core", "io", "rendering", "fitting", "generation", "image_world", "physics", "edit", "store",
         "exporting", "datasets", "batch")


def run_py(code: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=120)


def readme_python_names() -> list[str]:
    """Dotted names (``spatial.x.y``) in the Python column of the README's "What it does" table."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## What it does", 1)[1].split("\n## ", 1)[0]
    names = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or set(cells[0]) <= {"-", " "} and cells[0]:
            continue
        names += re.findall(r"`(spatial(?:\.\w+)+)", cells[-1])
    return names


@pytest.mark.parametrize("first", ["spatial.exporting.engines", "spatial.export.engines"])
def test_acceptance_one_liner(first):
    """The issue's check: after importing a submodule of the exporting package (new or 0.1 path),
    ``spatial.export`` is the function (in 0.1 it became a module)."""
    r = run_py(f"""
        import types
        import warnings
        warnings.simplefilter("ignore", DeprecationWarning)
        import {first}, spatial
        assert isinstance(spatial.export, types.FunctionType), spatial.export
        assert spatial.exporting.engines.__name__ == "spatial.exporting.engines"
        print("ok")
    """)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr


@pytest.mark.parametrize("verb", VERBS)
def test_verbs_are_functions_after_any_import(verb):
    """The verb stays a function whatever was imported first: the new package, the old (deprecated) path."""
    noun = {"render": "rendering", "fit": "fitting", "generate": "generation", "export": "exporting"}[verb]
    r = run_py(f"""
        import types, warnings
        warnings.simplefilter("ignore", DeprecationWarning)
        import spatial.{noun}
        import spatial.{verb}  # the 0.1 package path
        import spatial
        assert callable(spatial.{verb}) and isinstance(spatial.{verb}, types.FunctionType), spatial.{verb}
        assert isinstance(spatial.{noun}, types.ModuleType)
        print("ok")
    """)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr


def test_subpackages_reachable_and_all():
    r = run_py(f"""
        import types, spatial
        for name in {NOUNS!r}:
            assert isinstance(getattr(spatial, name), types.ModuleType), name
        for name in spatial.__all__:
            getattr(spatial, name)
        missing = [n for n in {NOUNS + VERBS!r} if n not in spatial.__all__]
        assert not missing, missing
        print("ok")
    """)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr


def test_readme_python_column_resolves():
    names = readme_python_names()
    assert len(names) >= 10, names  # the table was found and parsed
    r = run_py(f"""
        import importlib, spatial
        bad = []
        for dotted in {names!r}:
            obj = spatial
            for part in dotted.split(".")[1:]:
                try:
                    obj = getattr(obj, part)
                except AttributeError:
                    mod = importlib.import_module(obj.__name__ + "." + part)
                    obj = mod
            if dotted.count(".") == 1 and dotted.split(".")[1] in {VERBS!r} and not callable(obj):
                bad.append(dotted)
        assert not bad, bad
        print(len({names!r}))
    """, "-W", "error::DeprecationWarning")
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("old,new", [("spatial.render.api", "spatial.rendering.api"),
                                     ("spatial.fit.metrics", "spatial.fitting.metrics"),
                                     ("spatial.generate.spec", "spatial.generation.spec"),
                                     ("spatial.export.engines", "spatial.exporting.engines")])
def test_old_paths_warn_and_alias(old, new):
    r = run_py(f"""
        import warnings
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            from {old.rsplit(".", 1)[0]} import {old.rsplit(".", 1)[1]} as old_mod
        import {new} as new_mod
        assert old_mod is new_mod
        msgs = [str(x.message) for x in w if issubclass(x.category, DeprecationWarning)]
        assert any("{new.rsplit(".", 1)[0]}" in m for m in msgs), msgs
        print("ok")
    """)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr
