"""The layers of docs/architecture.md hold: import-linter's contracts in pyproject.toml ([tool.importlinter]),
function-level (lazy) imports included. A lower layer importing a higher one fails this test and names the
import chain (see docs/architecture.md for the layers and how to fix a violation)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_import_layers_contract():
    lint = Path(sys.executable).with_name("lint-imports")
    if not lint.is_file():
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    r = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    out = r.stdout + r.stderr
    assert r.returncode == 0, out[out.find("Contracts"):]
    assert "BROKEN" not in out and "spatial layers KEPT" in out, out
