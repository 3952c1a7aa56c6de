"""Engine exports: files per engine, collider node names, convex limits, manifest, third-party readers."""

import gzip
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import torch
import trimesh

from conftest import REPO, random_splats
from spatial.errors import ValidationError
from spatial.exporting import ENGINES, export
from spatial.world import Spawn, World

NODE_DIR = REPO / "tests" / "node"


def _room_world() -> World:
    floor = trimesh.creation.box((20, 0.2, 20), trimesh.transformations.translation_matrix([0, -0.1, 0]))
    wall = trimesh.creation.box((0.2, 3, 20), trimesh.transformations.translation_matrix([5, 1.5, 0]))
    crate = trimesh.creation.box((1, 1, 1), trimesh.transformations.translation_matrix([-3, 0.5, 2]))
    collider = trimesh.util.concatenate([floor, wall, crate])
    s = random_splats(500, 3, seed=11, labels=True, extent=8.0)
    s.means[:, 1] = s.means[:, 1].abs() * 0.3
    return World(splats=s, collider=collider, spawn=Spawn((0.0, 0.0, 0.0), 0.0), name="test room", prompt="a room", seed=3)


@pytest.fixture(scope="module")
def world():
    return _room_world()


@pytest.mark.parametrize("engine", sorted(set(ENGINES) - {"threejs", "usd"}))  # usd: tests/test_export_usd.py
def test_export_writes_engine_files(world, engine, tmp_path):
    manifest_path = export(world, engine, tmp_path)
    m = json.loads(manifest_path.read_text())
    assert m["engine"] == engine and m["counts"]["splats"] == 500 and m["prompt"] == "a room"
    for f in m["files"]:
        assert (tmp_path / f["path"]).is_file(), f
    assert (tmp_path / "IMPORT.md").read_text().strip()
    scene = trimesh.load(tmp_path / f"{m['scene']}_collision.glb")
    names = set(scene.graph.nodes_geometry)
    prof = ENGINES[engine]
    assert prof.static_name(m["scene"]) in names
    convex = [n for n in names if n != prof.static_name(m["scene"])]
    assert len(convex) == m["counts"]["convex_pieces"] >= 3
    for n in convex:
        assert n == prof.convex_name(m["scene"], int(n.split("_")[-1].split("-")[0]))
        geom = scene.geometry[scene.graph[n][1]]
        assert len(geom.faces) <= 255 and geom.is_convex
    if engine == "unreal":
        assert all(n.startswith(f"UCX_{m['scene']}_") for n in convex)
        assert m["spawn"]["engine"] == [0.0, 0.0, 0.0]
    if engine == "godot":
        assert prof.static_name(m["scene"]).endswith("-colonly") and all(n.endswith("-convcolonly") for n in convex)
    if engine == "unity":
        side = json.loads((tmp_path / f"{m['scene']}_colliders.json").read_text())
        assert sorted(side["convex"]) == sorted(convex)
        spz = tmp_path / f"{m['scene']}.spz"
        header = gzip.decompress(spz.read_bytes())[:16]
        assert header[:4] == b"NGSP" and int.from_bytes(header[4:8], "little") == 2


def test_visual_mesh_colours_come_from_splats(tmp_path):
    w = _room_world()
    w.splats.sh[:, 0, :] = torch.tensor([1.0, -1.0, -1.0]) / 0.28209479177387814 * 0.5  # all red
    m = json.loads(export(w, "generic", tmp_path).read_text())
    vis = trimesh.load(tmp_path / f"{m['scene']}_visual.glb", force="mesh")
    cols = np.asarray(vis.visual.vertex_colors)[:, :3].astype(int)
    assert (cols[:, 0] > 200).all() and (cols[:, 1] < 40).all()


def test_spawn_in_engine_frames(world, tmp_path):
    w = _room_world()
    w.spawn = Spawn((1.0, 2.0, 3.0), 0.0)
    expect = {"unity": [-1.0, 2.0, 3.0], "unreal": [100.0, 300.0, 200.0], "godot": [1.0, 2.0, 3.0], "blender": [1.0, -3.0, 2.0]}
    for eng, pos in expect.items():
        m = json.loads(export(w, eng, tmp_path / eng, convex=False, visual=False).read_text())
        assert m["spawn"]["engine"] == pos


def test_bad_export_inputs(world, tmp_path):
    with pytest.raises(ValidationError, match="unknown engine"):
        export(world, "cryengine", tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ValidationError, match="cannot create output folder"):
        export(world, "generic", blocker / "out")


def _node_tool(*parts):
    tool = NODE_DIR.joinpath("node_modules", *parts)
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    assert tool.exists(), f"{tool} missing: run 'make node' (npm ci in tests/node)"
    return tool


@pytest.mark.interop
@pytest.mark.parametrize("engine", sorted(set(ENGINES) - {"threejs", "usd"}))  # usd: tests/test_export_usd.py
def test_exported_files_pass_third_party_readers(world, engine, tmp_path):
    cli = _node_tool(".bin", "splat-transform")
    m = json.loads(export(world, engine, tmp_path).read_text())
    for f in m["files"]:
        p = tmp_path / f["path"]
        if f["kind"] == "splats" and f["format"] in ("ply", "spz"):
            r = subprocess.run([str(cli), "-w", str(p), "null"], capture_output=True, text=True, timeout=120)
            assert r.returncode == 0, r.stdout + r.stderr
            assert "500" in (r.stdout + r.stderr)
        if p.suffix == ".glb":
            validator = NODE_DIR / "validate_gltf.mjs"
            r = subprocess.run(["node", str(validator), str(p)], capture_output=True, text=True, timeout=120)
            assert r.returncode == 0, f"{p.name}: {r.stdout} {r.stderr}"


def test_cli_exports_a_stored_world_version(tmp_path):
    from spatial.cli import main
    from spatial.store import Store

    folder = tmp_path / "w"
    _room_world().save(folder)
    store = Store(tmp_path / "store")
    h = store.import_world(folder, name="room")
    h.apply({"op": "delete", "select": {"type": "sphere", "center": [-3, 0.5, 2], "radius": 2.0}})
    assert main(["export", "room@0", "--store", str(tmp_path / "store"), "--engine", "generic", "-o", str(tmp_path / "v1")]) == 0
    assert main(["export", "room", "--store", str(tmp_path / "store"), "--engine", "generic", "-o", str(tmp_path / "head"), "--no-convex"]) == 0
    n_v1 = json.loads((tmp_path / "v1/manifest.json").read_text())["counts"]["splats"]
    n_head = json.loads((tmp_path / "head/manifest.json").read_text())["counts"]["splats"]
    assert n_v1 == 500 and n_head < 500
    assert store.open("room").version.num == 1  # exporting an old version does not move the head
