"""Edit operations: selections, every op, collider follow-up, deltas (apply / inverse / encode / rebase)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch
import trimesh

from conftest import random_splats
from spatial.core.sh import C0
from spatial.edit import (
    EditError, EmptySelectionError, InsertTooLargeError, Limits, SelectionRangeError, UnknownOpError, WorldState,
    apply_edit, compute_delta, parse_op, ray_pick,
)
from spatial.edit.delta import MergeConflict
from spatial.edit.ops import EditContext
from spatial.errors import ValidationError
from spatial.world import World


def grid_collider(size=4.0, cells=8, y=0.0):
    """A flat tessellated floor (cells x cells quads) plus a 1 m box standing on it at the origin."""
    xs = np.linspace(-size / 2, size / 2, cells + 1)
    vx, vz = np.meshgrid(xs, xs, indexing="ij")
    verts = np.stack([vx.ravel(), np.full(vx.size, y), vz.ravel()], 1)
    faces = []
    for i in range(cells):
        for j in range(cells):
            a, b, c, d = i * (cells + 1) + j, (i + 1) * (cells + 1) + j, (i + 1) * (cells + 1) + j + 1, i * (cells + 1) + j + 1
            faces += [[a, b, c], [a, c, d]]
    floor = trimesh.Trimesh(verts, np.array(faces), process=False)
    box = trimesh.creation.box((1, 1, 1))
    box.apply_translation([0, 0.5 + y, 0])
    return trimesh.util.concatenate([floor, box])


def make_world(n=800, sh_degree=1, seed=0):
    return World(random_splats(n, sh_degree, seed=seed, labels=True), collider=grid_collider(), name="w")


def arrays(world):
    s = world.splats
    return [t.clone() for t in (s.means, s.quats, s.log_scales, s.logit_opacities, s.sh, s.labels)]


def same(a, b):
    return all(torch.equal(x, y) for x, y in zip(a, b))


# ---------------------------------------------------------------------- selections
def test_box_sphere_label_ids_and_combinators():
    w = make_world()
    st = WorldState.from_world(w)
    m = w.splats.means.numpy()
    from spatial.edit.select import resolve_selection
    from spatial.edit.schema import parse_selection

    def ids(sel):
        return resolve_selection(st, parse_selection(sel), allow_empty=True).ids

    box = {"type": "box", "min": [-1, -1, -1], "max": [0.5, 1, 1]}
    exp = np.flatnonzero(np.all((m >= [-1, -1, -1]) & (m <= [0.5, 1, 1]), 1))
    assert np.array_equal(ids(box), exp)
    obox = {"type": "box", "center": [-0.25, 0, 0], "size": [1.5, 2, 2], "rotation": [1, 0, 0, 0]}
    assert np.array_equal(ids(obox), exp)
    sph = {"type": "sphere", "center": [0.2, 0.1, 0], "radius": 0.9}
    exp_s = np.flatnonzero(np.linalg.norm(m - [0.2, 0.1, 0], axis=1) <= 0.9)
    assert np.array_equal(ids(sph), exp_s)
    lab = w.splats.labels.numpy()
    assert np.array_equal(ids({"type": "label", "labels": ["rock", 9]}), np.flatnonzero((lab == 4) | (lab == 9)))
    assert np.array_equal(ids({"type": "and", "of": [box, sph]}), np.intersect1d(exp, exp_s))
    assert np.array_equal(ids({"type": "or", "of": [box, sph]}), np.union1d(exp, exp_s))
    assert np.array_equal(ids({"type": "not", "of": box}), np.setdiff1d(np.arange(len(m)), exp))
    assert np.array_equal(ids({"type": "ids", "ids": [5, 3, 5]}), [3, 5])


def test_ray_pick_hits_the_nearest_splat_in_front():
    means = np.array([[0, 0, -5], [0, 0, -2], [0.5, 0, -1], [0, 0, 3]], np.float32)
    w = World(__import__("spatial").Splats.from_activated(torch.from_numpy(means), scales=torch.full((4, 3), 0.1),
                                                            opacities=torch.tensor([0.9, 0.9, 0.9, 0.9])))
    st = WorldState.from_world(w)
    hit = ray_pick(st, [0, 0, 0], [0, 0, -1])
    assert hit["id"] == 1 and abs(hit["t"] - 2.0) < 1e-4
    assert ray_pick(st, [0, 0, 0], [0, 1, 0]) is None
    # a faint splat is skipped
    w2 = World(w.splats.__class__.from_activated(torch.from_numpy(means), scales=torch.full((4, 3), 0.1),
                                                 opacities=torch.tensor([0.9, 0.05, 0.9, 0.9])))
    assert ray_pick(WorldState.from_world(w2), [0, 0, 0], [0, 0, -1])["id"] == 0
    r = apply_edit(w, {"op": "delete", "select": {"type": "ray", "origin": [0, 0, 0], "direction": [0, 0, -1]}})
    assert len(r.world.splats) == 3 and not any(np.allclose(x, [0, 0, -2]) for x in r.world.splats.means.numpy())
    with pytest.raises(EmptySelectionError, match="ray hit no splat"):
        apply_edit(w, {"op": "delete", "select": {"type": "ray", "origin": [0, 0, 0], "direction": [1, 0, 0]}})


# ---------------------------------------------------------------------- ops
def test_delete_removes_exactly_the_selection_and_its_collider_triangles():
    w = make_world()
    sel = {"type": "box", "min": [-0.6, -0.01, -0.6], "max": [0.6, 1.1, 0.6]}
    r = apply_edit(w, {"op": "delete", "select": sel})
    m0, m1 = w.splats.means.numpy(), r.world.splats.means.numpy()
    inside = np.all((m0 >= sel["min"]) & (m0 <= sel["max"]), 1)
    assert len(m1) == (~inside).sum()
    assert sorted(map(tuple, m1)) == sorted(map(tuple, m0[~inside]))
    # triangles with all three corners in the box left the collider (the box object's 12 and the 8 floor
    # triangles of the 4 cells under it); every other triangle is still there
    tri = np.asarray(w.collider.triangles)
    tin = np.all((tri >= sel["min"]) & (tri <= sel["max"]), axis=(1, 2))
    assert tin.sum() == 12 + 8
    key = lambda t: tuple(np.round(t, 6).ravel())  # noqa: E731
    assert sorted(map(key, np.asarray(r.world.collider.triangles))) == sorted(map(key, tri[~tin]))
    assert r.delta.summary()["collider_faces_removed"] == 20
    # a box that stops short of the floor takes only what lies fully inside it (the box's top)
    r2 = apply_edit(w, {"op": "delete", "select": {"type": "box", "min": [-0.6, 0.9, -0.6], "max": [0.6, 1.1, 0.6]}})
    assert len(r2.world.collider.faces) == len(w.collider.faces) - 2


def test_delete_by_label_removes_triangles_near_deleted_splats_only():
    col = grid_collider()
    box = trimesh.creation.box((1, 1, 1))
    box.apply_translation([0, 0.5, 0])
    pts, _ = trimesh.sample.sample_surface(box, 4000, seed=1)
    pts = pts[pts[:, 1] > 1e-3][:3000]  # nothing is seen (or generated) on the face resting on the floor
    floor_pts = np.random.default_rng(0).uniform([-2, 0, -2], [2, 0, 2], (2000, 3))
    from spatial import Splats

    s = Splats.from_activated(torch.tensor(np.concatenate([pts, floor_pts]), dtype=torch.float32), scales=torch.full((5000, 3), 0.02),
                              labels=torch.tensor([12] * 3000 + [1] * 2000, dtype=torch.int32))
    w = World(s, collider=col)
    r = apply_edit(w, {"op": "delete", "select": {"type": "label", "labels": ["object"]}})
    assert len(r.world.splats) == 2000
    # the box's triangles left the collider except its bottom (closer to the floor splats than to any box
    # splat, and coplanar with the floor); the floor under it is untouched
    key = lambda t: tuple(np.round(t, 6).ravel())  # noqa: E731
    tri = np.asarray(col.triangles)
    box_tri = np.arange(len(tri)) >= len(tri) - 12  # grid_collider puts the box last
    box_tri &= ~np.all(np.abs(tri[:, :, 1]) < 1e-9, axis=1)  # all but its bottom
    assert box_tri.sum() == 10
    assert sorted(map(key, np.asarray(r.world.collider.triangles))) == sorted(map(key, tri[~box_tri]))


def test_transform_matches_splats_transform_and_moves_collider():
    w = make_world(sh_degree=2)
    sel = {"type": "box", "min": [-0.6, 0.01, -0.6], "max": [0.6, 1.1, 0.6]}
    op = {"op": "transform", "select": sel, "translate": [1, 0, 0], "rotate": {"axis": [0, 1, 0], "degrees": 90}, "scale": 2.0,
          "pivot": [0, 0, 0]}
    r = apply_edit(w, op)
    st = WorldState.from_world(w)
    from spatial.edit.select import resolve_selection

    ids = torch.from_numpy(resolve_selection(st, parse_op(op)["select"]).ids)
    from spatial.core.rotation import axis_angle_to_rotmat

    ref = w.splats[ids].transform(axis_angle_to_rotmat([0, 1, 0], math.pi / 2), [1, 0, 0], 2.0)
    got = r.world.splats[ids]
    for a, b in ((got.means, ref.means), (got.quats, ref.quats), (got.log_scales, ref.log_scales), (got.sh, ref.sh)):
        assert torch.allclose(a, b, atol=1e-5)
    rest = torch.ones(len(w.splats), dtype=torch.bool)
    rest[ids] = False
    assert torch.equal(r.world.splats.means[rest], w.splats.means[rest])
    assert r.delta.summary()["fields"] == ["log_scales", "means", "quats", "sh"]
    # the box collider moved with its splats: its top face centre (0,1,0) -> 2*R(0,1,0)+(1,0,0) = (1,2,0)
    b = r.world.collider.bounds
    assert np.allclose(b[1], [2.0, 2.0, 2.0], atol=1e-6) and len(r.world.collider.faces) == len(w.collider.faces)


def test_move_defaults_to_selection_centre_pivot_and_only_stores_means():
    w = make_world()
    r = apply_edit(w, {"op": "rotate", "select": {"type": "sphere", "center": [0, 0, 0], "radius": 1},
                       "rotate": {"euler_deg": [0, 180, 0]}})
    d = r.delta
    c_before = WorldState.from_world(w).table.col("means")[d.mod_ids]
    c_after = d.mod["means"]
    centre = (c_before.min(0) + c_before.max(0)) / 2
    assert np.allclose((c_after - centre)[:, [0, 2]], -(c_before - centre)[:, [0, 2]], atol=1e-5)
    r2 = apply_edit(w, {"op": "move", "select": {"type": "ids", "ids": [1, 2]}, "translate": [0, 1, 0]})
    assert list(r2.delta.mod) == ["means"] and r2.delta.mod["means"].nbytes == 24


def test_recolor_set_multiply_and_zero_bands():
    w = make_world(sh_degree=3)
    r = apply_edit(w, {"op": "recolor", "select": {"type": "ids", "ids": [0, 1]}, "rgb": [1, 0, 0.25]})
    dc = r.world.splats.sh[:2, 0]
    assert torch.allclose(dc * C0 + 0.5, torch.tensor([1.0, 0, 0.25]).expand(2, 3), atol=1e-5)
    assert torch.equal(r.world.splats.sh[:2, 1:], w.splats.sh[:2, 1:])
    assert list(r.delta.mod) == ["sh_dc"]
    r = apply_edit(w, {"op": "tint", "select": {"type": "ids", "ids": [3]}, "rgb": [0.5, 0.5, 0.5]})
    c0, c1 = w.splats.sh[3, 0] * C0 + 0.5, r.world.splats.sh[3, 0] * C0 + 0.5
    assert torch.allclose(c1, c0 * 0.5, atol=1e-5)
    r = apply_edit(w, {"op": "recolor", "select": {"type": "ids", "ids": [4]}, "rgb": [0, 1, 0], "strength": 0.5,
                       "zero_higher_bands": True})
    assert torch.all(r.world.splats.sh[4, 1:] == 0)
    c0 = w.splats.sh[4, 0] * C0 + 0.5
    assert torch.allclose(r.world.splats.sh[4, 0] * C0 + 0.5, 0.5 * c0 + 0.5 * torch.tensor([0, 1.0, 0]), atol=1e-5)


def test_opacity_label_spawn():
    w = make_world()
    r = apply_edit(w, {"op": "opacity", "select": {"type": "ids", "ids": [7]}, "set": 0.25})
    assert abs(float(r.world.splats.opacities[7]) - 0.25) < 1e-5
    r = apply_edit(w, {"op": "opacity", "select": {"type": "ids", "ids": [7]}, "multiply": 0.5})
    assert abs(float(r.world.splats.opacities[7]) - 0.5 * float(w.splats.opacities[7])) < 1e-5
    r = apply_edit(w, {"op": "set_label", "select": {"type": "ids", "ids": [1, 2]}, "label": "lamp"})
    lid = [k for k, v in r.world.labels.items() if v == "lamp"][0]
    assert lid >= 64 and r.world.splats.labels[1] == lid and "labels" in r.delta.meta
    r = apply_edit(w, {"op": "set_spawn", "position": [1, 2, 3], "yaw_deg": 90})
    assert r.world.spawn.position == (1, 2, 3) and r.world.spawn.yaw_deg == 90


def test_duplicate_copies_splats_and_collider():
    w = make_world()
    sel = {"type": "box", "min": [-0.6, -0.01, -0.6], "max": [0.6, 1.1, 0.6]}
    r = apply_edit(w, {"op": "duplicate", "select": sel, "translate": [3, 0, 0]})
    k = r.delta.n_added
    assert k > 0 and len(r.world.splats) == len(w.splats) + k
    src = r.delta.read_ids
    assert torch.allclose(r.world.splats.means[-k:], w.splats.means[torch.from_numpy(src)] + torch.tensor([3.0, 0, 0]))
    # the triangles fully inside the box (the box's 12 and the 8 floor triangles under it) were copied along
    assert len(r.world.collider.faces) == len(w.collider.faces) + 20
    new_tri = np.asarray(r.world.collider.triangles)[-20:]
    assert np.all(new_tri[:, :, 0] >= 2.4 - 1e-9) and np.all(new_tri[:, :, 0] <= 3.6 + 1e-9)


def _coloured_mesh():
    m = trimesh.creation.box((1, 1, 1))
    vc = np.zeros((len(m.vertices), 4), np.uint8)
    vc[:] = [255, 0, 0, 255]
    vc[m.vertices[:, 1] > 0] = [0, 0, 255, 255]
    m.visual.vertex_colors = vc
    return m


def test_insert_mesh_samples_coloured_flat_splats_and_adds_collider(tmp_path):
    path = tmp_path / "thing.ply"
    _coloured_mesh().export(path)
    w = make_world()
    r = apply_edit(w, {"op": "insert_mesh", "path": str(path), "count": 3000, "translate": [5, 0, 0], "label": "object"})
    new = r.world.splats[len(w.splats):]
    assert len(new) == 3000
    m = new.means.numpy()
    assert np.all(np.abs(m[:, 0] - 5) <= 0.5 + 1e-5) and np.all(np.abs(m[:, 1]) <= 0.5 + 1e-5)
    col = new.colors.numpy()
    bottom = m[:, 1] < -0.5 + 1e-6  # samples on the bottom face (side faces reach y=-0.5 only on their edge)
    top = m[:, 1] > 0.5 - 1e-6
    assert np.allclose(col[bottom], [1, 0, 0], atol=0.02) and np.allclose(col[top], [0, 0, 1], atol=0.02)
    # flat and aligned: the smallest axis is along the face normal (top face: +-Y)
    from spatial.core.rotation import quat_to_rotmat

    R = quat_to_rotmat(new.quats[torch.from_numpy(top)])
    assert torch.allclose(R[:, :, 2].abs(), torch.tensor([0, 1.0, 0]).expand(int(top.sum()), 3), atol=1e-4)
    sc = new.scales.numpy()
    assert np.all(sc[:, 2] < sc[:, 0] / 10)
    assert (new.labels == 12).all()
    assert len(r.world.collider.faces) == len(w.collider.faces) + 12
    assert r.delta.summary()["collider_faces_added"] == 12


def test_insert_mesh_texture_colours(tmp_path):
    from PIL import Image

    img = np.zeros((2, 2, 3), np.uint8)
    img[:, 0] = [255, 255, 0]  # left half yellow
    img[:, 1] = [0, 255, 255]  # right half cyan
    quad = trimesh.Trimesh([[0, 0, 0], [1, 0, 0], [1, 0, 1], [0, 0, 1]], [[0, 2, 1], [0, 3, 2]], process=False)
    uv = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], float)
    mat = trimesh.visual.material.PBRMaterial(baseColorTexture=Image.fromarray(img), baseColorFactor=[255, 255, 255, 255])
    quad.visual = trimesh.visual.TextureVisuals(uv=uv, material=mat)
    path = tmp_path / "quad.glb"
    quad.export(path)
    w = make_world()
    r = apply_edit(w, {"op": "insert_mesh", "path": str(path), "count": 2000, "collider": False})
    new = r.world.splats[len(w.splats):]
    x, col = new.means.numpy()[:, 0], new.colors.numpy()
    assert np.allclose(col[x < 0.2], [1, 1, 0], atol=0.05) and np.allclose(col[x > 0.8], [0, 1, 1], atol=0.05)
    assert len(r.world.collider.faces) == len(w.collider.faces)


def test_insert_world_and_compose_from_folder(tmp_path):
    other = World(random_splats(300, 0, seed=3, labels=True), collider=trimesh.creation.box((1, 1, 1)),
                  labels={0: "unlabeled", 4: "rock", 70: "statue"})
    other.splats.labels[:] = torch.tensor([70, 4, 0] * 100, dtype=torch.int32)
    folder = tmp_path / "other"
    other.save(folder)
    w = make_world(sh_degree=1)
    r = apply_edit(w, {"op": "compose", "source": {"path": str(folder)}, "translate": [10, 0, 0]})
    assert len(r.world.splats) == len(w.splats) + 300
    new = r.world.splats[len(w.splats):]
    assert torch.allclose(new.means, other.splats.means + torch.tensor([10.0, 0, 0]), atol=1e-5)
    assert new.sh_degree == 1 and torch.all(new.sh[:, 1:] == 0)
    statue = [k for k, v in r.world.labels.items() if v == "statue"][0]
    assert (new.labels[::3] == statue).all() and (new.labels[1::3] == 4).all()
    assert len(r.world.collider.faces) == len(w.collider.faces) + 12
    r2 = apply_edit(w, {"op": "insert_world", "source": {"path": str(folder)}, "select": {"type": "label", "labels": ["statue"]}})
    assert r2.delta.n_added == 100
    # asset roots confine file access
    with pytest.raises(EditError, match="outside the allowed"):
        apply_edit(w, {"op": "compose", "source": {"path": str(folder)}}, asset_roots=[tmp_path / "elsewhere"])


# ---------------------------------------------------------------------- bad edits
BAD = [
    ({"op": "explode", "select": {"type": "all"}}, UnknownOpError),
    ({"op": "delete", "select": {"type": "lasso"}}, UnknownOpError),
    ({"op": "move", "select": {"type": "all"}, "translate": [float("nan"), 0, 0]}, EditError),
    ({"op": "rotate", "select": {"type": "all"}, "rotate": {"quat": [float("inf"), 0, 0, 0]}}, EditError),
    ({"op": "scale", "select": {"type": "all"}, "scale": 0}, EditError),
    ({"op": "move", "select": {"type": "all"}}, EditError),
    ({"op": "delete", "select": {"type": "sphere", "center": [100, 0, 0], "radius": 1}}, EmptySelectionError),
    ({"op": "delete", "select": {"type": "ids", "ids": []}}, EmptySelectionError),
    ({"op": "delete", "select": {"type": "ids", "ids": [0, 800]}}, SelectionRangeError),
    ({"op": "delete", "select": {"type": "ids", "ids": [-1]}}, SelectionRangeError),
    ({"op": "recolor", "select": {"type": "all"}, "rgb": [2, 0, 0]}, EditError),
    ({"op": "opacity", "select": {"type": "all"}, "set": 0.5, "multiply": 2}, EditError),
    ({"op": "delete", "select": {"type": "label", "labels": ["dragons"]}}, EditError),
    ({"op": "delete", "select": {"type": "all"}, "extra": 1}, EditError),
    ({"op": "insert_mesh", "path": "/nonexistent/mesh.glb"}, EditError),
    ("{not json", EditError),
]


@pytest.mark.parametrize("op,err", BAD, ids=[str(i) for i in range(len(BAD))])
def test_bad_edits_raise_clear_errors_and_change_nothing(op, err):
    w = make_world()
    before = arrays(w)
    faces = len(w.collider.faces)
    with pytest.raises(err) as ei:
        apply_edit(w, op)
    assert isinstance(ei.value, ValidationError) and str(ei.value)
    assert same(arrays(w), before) and len(w.collider.faces) == faces


def test_oversized_inserts_are_refused(tmp_path):
    path = tmp_path / "m.ply"
    _coloured_mesh().export(path)
    w = make_world()
    before = arrays(w)
    with pytest.raises(InsertTooLargeError, match="over the limit"):
        apply_edit(w, {"op": "insert_mesh", "path": str(path), "count": 5000}, limits=Limits(max_insert_splats=1000))
    with pytest.raises(InsertTooLargeError, match="bytes"):
        apply_edit(w, {"op": "insert_mesh", "path": str(path)}, limits=Limits(max_mesh_bytes=100))
    with pytest.raises(InsertTooLargeError):
        apply_edit(w, {"op": "duplicate", "select": {"type": "all"}}, limits=Limits(max_insert_splats=10))
    assert same(arrays(w), before)


def test_ops_are_json_round_trippable():
    ops = [
        {"op": "move", "select": {"type": "box", "min": [0, 0, 0], "max": [1, 1, 1]}, "translate": [1, 2, 3]},
        {"op": "tint", "select": {"type": "or", "of": [{"type": "label", "labels": "rock"}, {"type": "ids", "ids": [1]}]},
         "rgb": [1, 0.5, 0.5]},
        {"op": "insert_mesh", "path": "chair.glb", "rotate": {"euler_deg": [0, 90, 0]}, "density": 1000},
    ]
    for op in ops:
        n = parse_op(op)
        assert parse_op(json.loads(json.dumps(n))) == n
    assert parse_op(ops[1])["op"] == "recolor" and parse_op(ops[1])["mode"] == "multiply"


# ---------------------------------------------------------------------- deltas
def _random_ops(rng, n):
    c = rng.uniform(-1.5, 1.5, 3).tolist()
    ids = sorted(set(rng.integers(0, n, 20).tolist()))
    k = rng.integers(0, 6)
    return [
        {"op": "delete", "select": {"type": "sphere", "center": c, "radius": 0.6}},
        {"op": "move", "select": {"type": "ids", "ids": ids}, "translate": rng.normal(size=3).tolist()},
        {"op": "rotate", "select": {"type": "sphere", "center": c, "radius": 0.8}, "rotate": {"axis": [0, 1, 0], "degrees": 33}},
        {"op": "recolor", "select": {"type": "ids", "ids": ids}, "rgb": [0.1, 0.2, 0.3]},
        {"op": "duplicate", "select": {"type": "ids", "ids": ids}, "translate": [0, 0.5, 0]},
        {"op": "opacity", "select": {"type": "sphere", "center": c, "radius": 0.9}, "multiply": 0.5},
    ][k]


def _state_equal(a: WorldState, b: WorldState):
    for f in ("means", "quats", "log_scales", "logit_opacities", "sh", "labels"):
        assert np.array_equal(a.table.col(f), b.table.col(f)), f
    va = a.collider_vertices[a.collider_faces]
    vb = b.collider_vertices[b.collider_faces]
    assert np.array_equal(va, vb)
    assert a.meta == b.meta


def test_delta_apply_inverse_encode_round_trip():
    from spatial.store.codec import decode_delta, encode_delta

    rng = np.random.default_rng(0)
    w = make_world(sh_degree=2)
    base = WorldState.from_world(w)
    live = base.share()
    functional = base
    history, applied, refused = [], {}, 0
    for _ in range(40):
        raw = _random_ops(rng, live.n)
        try:
            op = parse_op(raw)
            d = compute_delta(live, op, EditContext())
        except EmptySelectionError:  # a sphere that happens to hold no splat
            refused += 1
            continue
        applied[raw["op"]] = applied.get(raw["op"], 0) + 1
        d2 = decode_delta(encode_delta(d, op))
        functional = d2.apply(functional)
        history.append((live.share(), d.apply_inplace(live)))
        _state_equal(live, functional)
    # the round trip was exercised: most ops applied, every kind of op at least twice
    assert len(history) >= 30 and refused <= 10, (len(history), refused)
    assert set(applied) == {"delete", "move", "rotate", "recolor", "duplicate", "opacity"}, applied
    assert min(applied.values()) >= 2, applied
    # undo everything in reverse
    for snap, inv in reversed(history):
        inv.apply(live)
        _state_equal(live, snap)
    _state_equal(live, base)
    # the input world was never modified
    _state_equal(WorldState.from_world(w), base)


def _rows(state):
    return sorted(map(tuple, np.round(state.table.col("means"), 5)))


def test_rebase_merges_disjoint_edits_in_either_order():
    w = make_world(n=500, seed=5)
    p = WorldState.from_world(w)
    d1 = compute_delta(p, parse_op({"op": "delete", "select": {"type": "sphere", "center": [0.5, 0, 0], "radius": 0.7}}))
    far_all = np.flatnonzero(np.linalg.norm(p.table.col("means") - [0.5, 0, 0], axis=1) > 1.0)
    far, other = far_all[-30:], far_all[-40:-35]
    d2 = compute_delta(p, parse_op({"op": "move", "select": {"type": "ids", "ids": far.tolist()}, "translate": [0, 9, 0]}))
    d3 = compute_delta(p, parse_op({"op": "duplicate", "select": {"type": "ids", "ids": other.tolist()}, "translate": [0, -9, 0]}))
    a = d2.rebase([d1]).apply(d1.apply(p))
    b = d1.rebase([d2]).apply(d2.apply(p))
    assert _rows(a) == _rows(b)
    m = p.table.col("means")
    kept = np.linalg.norm(m - [0.5, 0, 0], axis=1) > 0.7
    exp = m.copy()
    exp[far] += [0, 9, 0]
    assert _rows(a) == sorted(map(tuple, np.round(exp[kept], 5)))
    # the moved splats were moved by swap-remove in d1: the rebased ids must follow them
    c = d3.rebase([d1, d2.rebase([d1])]).apply(a)
    assert c.n == a.n + 5
    got, exp5 = c.table.col("means")[-5:].astype(np.float64), m[other].astype(np.float64) - [0, 9, 0]
    assert np.allclose(got[np.lexsort(got.T)], exp5[np.lexsort(exp5.T)], atol=1e-5)
    # a duplicate of splats another edit changed: conflict
    d4 = compute_delta(p, parse_op({"op": "recolor", "select": {"type": "ids", "ids": other[:2].tolist()}, "rgb": [1, 0, 0]}))
    with pytest.raises(MergeConflict):
        d3.rebase([d4])
    d5 = compute_delta(p, parse_op({"op": "opacity", "select": {"type": "ids", "ids": far[:3].tolist()}, "set": 0.1}))
    with pytest.raises(MergeConflict, match="same splats"):
        d5.rebase([d2])
