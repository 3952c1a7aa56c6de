"""Colliders from splats of known scenes: accuracy, budget, holes, degenerate input, CLI."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from spatial.core.splats import Splats
from spatial.errors import SpatialError
from spatial.physics import NoSurfaceError, NoWalkableGroundError, collider_from_splats, find_spawn, walkable
from spatial.physics.scenes import box, course, hills, splats_from_mesh


def _visible(mesh):
    """Faces a capture would see: no downward faces, nothing below the ground top (y = 0)."""
    keep = (mesh.face_normals[:, 1] > -0.5) & (mesh.triangles_center[:, 1] > -0.01)
    return mesh.submesh([np.nonzero(keep)[0]], append=True)


def _scene(mesh):
    import open3d as o3d

    rs = o3d.t.geometry.RaycastingScene()
    rs.add_triangles(o3d.core.Tensor(np.asarray(mesh.vertices, np.float32)), o3d.core.Tensor(np.asarray(mesh.faces, np.uint32)))
    return rs


def surface_distances(a, b, n=60_000):
    """Mean distance from points sampled on a to b, and from b to a."""
    import open3d as o3d
    import trimesh

    pa, _ = trimesh.sample.sample_surface(a, n, seed=1)
    pb, _ = trimesh.sample.sample_surface(b, n, seed=2)
    dab = _scene(b).compute_distance(o3d.core.Tensor(pa.astype(np.float32))).numpy()
    dba = _scene(a).compute_distance(o3d.core.Tensor(pb.astype(np.float32))).numpy()
    return float(dab.mean()), float(dba.mean())


@pytest.fixture(scope="module")
def course_collider():
    gt = _visible(course().mesh)
    splats = splats_from_mesh(gt, 200_000, seed=0, floaters=0.03)
    return gt, collider_from_splats(splats)


def test_collider_accuracy_and_budget(course_collider):
    gt, col = course_collider
    assert 1000 < len(col.faces) <= 200_000
    gt_to_col, col_to_gt = surface_distances(gt, col)
    assert gt_to_col <= 0.10 and col_to_gt <= 0.10, (gt_to_col, col_to_gt)
    rep = col.metadata["spatial_collider"]
    assert rep["dropped_transparent"] > 0  # the low-opacity floaters were ignored
    assert rep["vertices_snapped"] > 0.5


def test_no_hole_in_walkable_ground_near_spawn(course_collider):
    from spatial.physics import raycast

    gt, col = course_collider
    spawn = find_spawn(col)
    assert abs(spawn.position[1]) < 0.1 or spawn.position[1] > 0.0
    truth = walkable(course().mesh, cell=0.5)
    near = np.linalg.norm((truth.nodes - spawn.position)[:, [0, 2]], axis=1) <= 20.0
    pts = truth.nodes[near]
    assert len(pts) > 1000
    hits = raycast(col, pts + [0, 0.5, 0], np.array([0.0, -1.0, 0.0]), max_distance=1.0)
    assert hits.hit.all(), f"{(~hits.hit).sum()} holes in the walkable ground within 20 m of the spawn"
    dy = np.abs(hits.points[:, 1] - pts[:, 1])
    assert dy.max() < 0.35  # no drop anywhere (corners of steps and ramp edges are rounded by a voxel)
    assert np.median(dy) < 0.03


def test_walker_uses_reconstructed_collider(course_collider):
    from spatial.physics import CharacterController

    gt, col = course_collider
    sc = course()
    cc = CharacterController(col, position=sc.landmarks["room_door_outside"] + [0, 0.3, 0])
    for _ in range(180):
        cc.step(1 / 60, (0, -1))
    assert cc.position[2] < -12.0 and abs(cc.position[1]) < 0.1  # through the door, on the floor
    cc.teleport(sc.landmarks["stairs_start"] + [0, 0.3, 0])
    for _ in range(75):
        cc.step(1 / 60, (0, 1))
    assert cc.position[1] == pytest.approx(1.0, abs=0.1)


def test_hills_from_splats():
    sc = hills(size=24.0, resolution=49)
    col = collider_from_splats(splats_from_mesh(sc.mesh, 50_000, seed=3), budget=50_000)
    assert len(col.faces) <= 50_000
    a, b = surface_distances(sc.mesh, col)
    assert a <= 0.10 and b <= 0.10, (a, b)


def test_seeds_open_closed_rooms():
    import trimesh

    from spatial.physics import raycast

    shell = trimesh.util.concatenate([box((-3, -0.2, -3), (3, 0, 3)), box((-3, 2.5, -3), (3, 2.7, 3)),
                                      box((-3.2, -0.2, -3.2), (-3, 2.7, 3.2)), box((3, -0.2, -3.2), (3.2, 2.7, 3.2)),
                                      box((-3, -0.2, -3.2), (3, 2.7, -3)), box((-3, -0.2, 3), (3, 2.7, 3.2))])
    s = splats_from_mesh(shell, 60_000, seed=4)
    closed = collider_from_splats(s)
    opened = collider_from_splats(s, seeds=[[0, 1.2, 0]])
    down = np.array([0.0, -1.0, 0.0])
    h_open = raycast(opened, [[0, 1.2, 0]], down)
    assert h_open.hit[0] and h_open.points[0, 1] == pytest.approx(0.0, abs=0.08)  # the floor inside
    h_closed = raycast(closed, [[0, 1.2, 0]], down)
    assert not (h_closed.hit[0] and abs(h_closed.points[0, 1]) < 0.1)  # filled solid without a seed


def test_budget_and_heightfield_method(course_collider):
    from spatial.physics import simplify_mesh

    _, col = course_collider
    assert len(simplify_mesh(col, 5000).faces) <= 5000
    s = splats_from_mesh(hills(size=30, resolution=61).mesh, 40_000, seed=5)
    hf = collider_from_splats(s, method="heightfield", budget=10_000)
    assert 0 < len(hf.faces) <= 10_000


@pytest.mark.timeout(60)
def test_degenerate_inputs_raise_clearly():
    with pytest.raises(NoSurfaceError, match="empty"):
        collider_from_splats(Splats.empty())
    s = splats_from_mesh(box((0, 0, 0), (1, 1, 1)), 2000)
    transparent = Splats(s.means, s.quats, s.log_scales, torch.full_like(s.logit_opacities, -12.0), s.sh)
    with pytest.raises(NoSurfaceError, match="transparent"):
        collider_from_splats(transparent)
    nan = Splats(torch.full_like(s.means, float("nan")), s.quats, s.log_scales, s.logit_opacities, s.sh)
    with pytest.raises(NoSurfaceError, match="non-finite"):
        collider_from_splats(nan)
    sky = Splats(s.means, s.quats, s.log_scales, s.logit_opacities, s.sh, labels=torch.full((len(s),), 7, dtype=torch.int32))
    with pytest.raises(NoSurfaceError):
        collider_from_splats(sky)
    assert issubclass(NoSurfaceError, SpatialError)
    # some NaN rows are dropped and reported, the rest still builds
    means = s.means.clone()
    means[::10] = float("nan")
    col = collider_from_splats(Splats(means, s.quats, s.log_scales, s.logit_opacities, s.sh))
    assert len(col.faces) > 0 and col.metadata["spatial_collider"]["dropped_nonfinite"] == 200
    assert np.isfinite(col.vertices).all()


@pytest.mark.timeout(60)
def test_world_without_ground_has_no_spawn():
    wall = splats_from_mesh(box((0, 0, 0), (4, 3, 0.1)), 20_000, seed=6)  # a lone wall, nothing to stand on
    col = collider_from_splats(wall)
    assert len(col.faces) > 0
    with pytest.raises(NoWalkableGroundError):
        find_spawn(col)
    with pytest.raises(NoWalkableGroundError):
        walkable(None)


def test_cli_collider(tmp_path):
    from spatial.cli import main
    from spatial.io.registry import save
    from spatial.world import World, load_mesh

    s = splats_from_mesh(_visible(course().mesh), 30_000, seed=7)
    save(s, tmp_path / "s.ply")
    assert main(["collider", str(tmp_path / "s.ply"), "-o", str(tmp_path / "c.glb"), "--budget", "8000", "--json"]) == 0
    m = load_mesh(tmp_path / "c.glb")
    assert 0 < len(m.faces) <= 8000
    # a world folder keeps its own (exact) collider unless --rebuild
    w = World(splats=s, collider=box((-5, -1, -5), (5, 0, 5)))
    w.save(tmp_path / "w")
    assert main(["collider", str(tmp_path / "w"), "-o", str(tmp_path / "w.glb")]) == 0
    assert len(load_mesh(tmp_path / "w.glb").faces) == 12
    assert main(["collider", str(tmp_path / "missing.ply"), "-o", str(tmp_path / "x.glb")]) == 1
