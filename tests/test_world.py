"""World folders: save/load round trip, atomicity, hostile references."""

import json

import numpy as np
import pytest
import torch
import trimesh

from conftest import random_splats
from spatial.errors import FormatError
from spatial.world import Spawn, World


def _world():
    box = trimesh.creation.box((10, 0.2, 10))
    return World(
        splats=random_splats(64, 3, seed=5, labels=True),
        collider=box,
        spawn=Spawn((1.0, 0.1, -2.0), 30.0),
        name="test",
        prompt="a box",
        spec={"scene": "test"},
        seed=7,
        preview=np.full((8, 12, 3), 200, np.uint8),
    )


def test_world_round_trip(tmp_path):
    w = _world()
    w.save(tmp_path / "w")
    back = World.load(tmp_path / "w")
    assert back.name == "test" and back.seed == 7 and back.spec == {"scene": "test"}
    assert back.spawn.position == (1.0, 0.1, -2.0) and back.spawn.yaw_deg == 30.0
    assert len(back.splats) == 64 and torch.equal(back.splats.labels, w.splats.labels)
    assert torch.allclose(back.splats.means, w.splats.means, atol=1e-6)
    assert back.collider is not None and abs(back.collider.area - w.collider.area) < 1e-3
    assert back.preview.shape == (8, 12, 3)
    assert back.labels[1] == "ground"


def test_world_save_replaces_atomically(tmp_path):
    w = _world()
    w.save(tmp_path / "w")
    w.name = "second"
    w.save(tmp_path / "w")
    assert World.load(tmp_path / "w").name == "second"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w"]  # no temp folders left behind


def test_world_refuses_escaping_references(tmp_path):
    _world().save(tmp_path / "w")
    meta = json.loads((tmp_path / "w/world.json").read_text())
    meta["files"]["splats"] = "../../etc/passwd"
    (tmp_path / "w/world.json").write_text(json.dumps(meta))
    with pytest.raises(FormatError, match="escapes"):
        World.load(tmp_path / "w")


def test_world_load_errors(tmp_path):
    with pytest.raises(FormatError, match="no world.json"):
        World.load(tmp_path)
    (tmp_path / "world.json").write_text("{not json")
    with pytest.raises(FormatError, match="invalid JSON"):
        World.load(tmp_path)


def test_saved_files_are_not_private(tmp_path):
    import os

    from spatial.io.atomic import DIR_MODE, FILE_MODE

    _world().save(tmp_path / "w")
    assert (tmp_path / "w").stat().st_mode & 0o777 == DIR_MODE
    for p in (tmp_path / "w").iterdir():
        assert p.stat().st_mode & 0o777 == FILE_MODE, p.name
    mask = os.umask(0)
    os.umask(mask)
    assert FILE_MODE == 0o666 & ~mask
