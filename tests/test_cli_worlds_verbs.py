"""The store verbs live under ``spatial worlds`` (edit, checkout, export-version); the 0.1 top-level spellings
are aliases that do the same."""

from __future__ import annotations

import json

import numpy as np
import pytest
import trimesh

from conftest import random_splats
from spatial import World
from spatial.cli import main as cli


@pytest.mark.parametrize("prefix", [["worlds"], []], ids=["worlds-verbs", "top-level-aliases"])
def test_edit_checkout_export_version(tmp_path, capsys, prefix):
    s = str(tmp_path / "s")
    col = trimesh.creation.box((4, 0.2, 4))
    World(random_splats(800, 1, seed=0), collider=col, name="g", preview=np.zeros((8, 8, 3), np.uint8)).save(tmp_path / "w")
    assert cli(["worlds", "import", str(tmp_path / "w"), "--name", "g", "--store", s]) == 0
    ops = tmp_path / "ops.json"
    ops.write_text(json.dumps([{"op": "delete", "select": {"type": "sphere", "center": [0, 0, 0], "radius": 1}},
                               {"op": "opacity", "select": {"type": "all"}, "multiply": 0.5}]))
    assert cli([*prefix, "edit", "g", str(ops), "--store", s, "--author", "carol"]) == 0
    capsys.readouterr()
    assert cli(["worlds", "history", "g", "--store", s, "--json"]) == 0
    hist = json.loads(capsys.readouterr().out)
    assert [v["num"] for v in hist] == [2, 1, 0] and hist[0]["author"] == "carol"
    assert cli([*prefix, "checkout", "g", "1", "--store", s]) == 0
    assert cli([*prefix, "export-version", "g", "head", "-o", str(tmp_path / "out"), "--store", s]) == 0
    assert World.load(tmp_path / "out").splats.num_splats == hist[1]["n_splats"] < 800


def test_worlds_help_lists_the_verbs(capsys):
    with pytest.raises(SystemExit):
        cli(["worlds", "--help"])
    out = capsys.readouterr().out
    assert all(v in out for v in ("edit", "checkout", "export-version"))
