"""Block-out layouts: reading them, choosing and fitting assets (footprint IoU), dressing a world."""

from __future__ import annotations

import json

import numpy as np
import pytest

from spatial.errors import FormatError, ValidationError
from spatial.generation.blockout import Block, choose_kind, dress, fitted_parts, footprint_iou, load_layout
from spatial.physics import raycast
from synthetic_worlds import ground_world

LAYOUT = {"blocks": [
    {"shape": "box", "position": [-8, -12], "size": [8, 6, 7], "yaw_deg": 20},
    {"shape": "box", "position": [3, -6], "size": [1.2, 1.0, 1.4]},
    {"shape": "plane", "position": [0, -17], "size": [14, 3, 0]},
    {"shape": "plane", "position": [6, -10], "size": [4, 0, 4]},
    {"shape": "cylinder", "position": [9, -16], "radius": 2.0, "height": 12},
    {"shape": "cylinder", "position": [-3, -8], "radius": 0.8, "height": 7},
    {"shape": "cylinder", "position": [4, -13], "radius": 1.5, "height": 1.2},
    {"shape": "box", "position": [0, 0], "size": [3, 3, 3], "kind": "shed"},
]}


def test_load_layout_forms_and_errors(tmp_path):
    blocks = load_layout(LAYOUT)
    assert [b.role for b in blocks] == ["building", "small", "wall", "floor", "tower", "tree", "round", "building"]
    p = tmp_path / "l.json"
    p.write_text(json.dumps(LAYOUT))
    assert len(load_layout(p)) == len(blocks)
    with pytest.raises(ValidationError):
        load_layout({"blocks": [{"shape": "pyramid", "position": [0, 0], "size": [1, 1, 1]}]})
    with pytest.raises(ValidationError):
        load_layout({"blocks": [{"shape": "box", "position": [0, 0], "size": [1, -1, 1]}]})
    with pytest.raises(ValidationError):
        load_layout({"blocks": []})
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    with pytest.raises(FormatError):
        load_layout(bad)


def test_glb_layout(tmp_path):
    import trimesh

    scene = trimesh.Scene()
    b = trimesh.creation.box((6, 5, 6))
    b.apply_translation([10, 2.5, -10])
    c = trimesh.creation.cylinder(radius=1.0, height=9, sections=24)
    c.apply_transform(trimesh.transformations.rotation_matrix(np.pi / 2, [1, 0, 0]))
    c.apply_translation([-5, 4.5, -10])
    scene.add_geometry(b, node_name="house")
    scene.add_geometry(c, node_name="tree")
    path = tmp_path / "blocks.glb"
    path.write_bytes(scene.export(file_type="glb"))
    blocks = sorted(load_layout(path), key=lambda b: b.position[0])
    assert [b.shape for b in blocks] == ["cylinder", "box"]
    assert blocks[1].size == pytest.approx([6, 5, 6], abs=1e-3) and blocks[1].kind == "house"


@pytest.mark.parametrize("i", range(len(LAYOUT["blocks"])))
def test_each_block_is_covered_by_a_matching_asset(i):
    b = load_layout(LAYOUT)[i]
    kind = choose_kind(b, ["default"])
    best = max(footprint_iou(b, fitted_parts(b, kind, 3, 0.0, {}, f)) for f in (1.0, 1.08, 1.16, 1.25))
    assert best >= 0.7, (b.role, kind and kind.name, best)


def test_footprint_iou_detects_a_miss():
    b = Block("box", np.array([0.0, 0.0, 0.0]), np.array([4.0, 3.0, 4.0]))
    moved = Block("box", np.array([3.0, 0.0, 0.0]), np.array([4.0, 3.0, 4.0]))
    parts = fitted_parts(moved, None, 0, 0.0, {})
    assert footprint_iou(b, parts) < 0.4


def test_dress_world():
    w = ground_world(extent=40.0)
    faces = len(w.collider.faces)
    out = dress(w, LAYOUT, "a medieval village", preview=False)
    rep = out.metadata["blockout"]
    assert len(rep) == len(LAYOUT["blocks"]) and min(r["iou"] for r in rep) >= 0.7
    assert rep[-1]["kind"] == "shed"
    assert len(out.collider.faces) > faces
    # the spawn stood inside the shed's block: it moved out, onto the ground
    sp = np.asarray(out.spawn.position)
    assert np.hypot(sp[0], sp[2]) > 1.5
    g = raycast(out.collider, [[sp[0], sp[1] + 2.0, sp[2]]], [0, -1, 0]).points[0, 1]
    assert abs(g - sp[1]) < 0.3
    # a dressed tower is solid: a ray down onto it stops high above the ground
    top = raycast(out.collider, [[9.0, 50.0, -16.0]], [0, -1, 0]).points[0, 1]
    assert top > 5.0


def test_generate_with_a_layout(tmp_path):
    import spatial

    p = tmp_path / "blocks.json"
    p.write_text(json.dumps({"blocks": LAYOUT["blocks"][:3]}))
    w = spatial.generate("a medieval village", seed=3, quality="draft", layout=p, preview=False)
    assert [r["role"] for r in w.metadata["blockout"]] == ["building", "small", "wall"]
    assert min(r["iou"] for r in w.metadata["blockout"]) >= 0.7
