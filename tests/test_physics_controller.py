"""Character controller on exact ground-truth worlds (spatial.physics.scenes)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from spatial.errors import SpatialError, ValidationError
from spatial.physics import CharacterController, ControllerParams
from spatial.physics.params import PARAMS_JSON
from spatial.physics.scenes import course, hills

P = ControllerParams()


@pytest.fixture(scope="module")
def scene():
    return course()


def walk(scene, start, move, seconds, **kw):
    cc = CharacterController(scene.mesh, P, position=np.asarray(start) + [0, 0.05, 0])
    path = [cc.step(1 / 60, move, **kw) for _ in range(int(seconds * 60))]
    return np.array(path), cc


def test_stairs_of_0_2m_are_climbed(scene):
    path, cc = walk(scene, scene.landmarks["stairs_start"], (0, 1), 1.2)
    assert path[-1][1] == pytest.approx(1.0 + P.offset, abs=0.01)  # on the 1 m platform
    assert cc.grounded
    assert np.diff(path[:, 1]).max() <= P.step_height + 0.01  # never rises more than a step per frame


def test_block_above_step_height_is_refused(scene):
    path, cc = walk(scene, scene.landmarks["block_start"], (0, 1), 2.0)
    assert path[:, 1].max() < 0.1
    assert path[-1][2] == pytest.approx(-(P.radius + P.offset), abs=0.01)  # stopped at radius + offset
    assert path[-1][0] == pytest.approx(11.0, abs=1e-3)  # no sideways drift


def test_slope_limit(scene):
    up25, _ = walk(scene, scene.landmarks["ramp25_start"], (0, 1), 1.9)
    assert up25[-1][1] > 1.5  # 25 degrees: walked up most of the 1.87 m ramp
    up50, cc = walk(scene, scene.landmarks["ramp50_start"], (0, 1), 3.0)
    assert up50[:, 1].max() < 0.2  # 50 degrees: refused at the foot
    assert up50[-1][2] < 0.0


def test_door_is_passable_and_walls_stop(scene):
    path, _ = walk(scene, scene.landmarks["room_door_outside"], (0, -1), 3.0)
    assert path[-1][2] < -12.0  # walked through the door into the room
    path, _ = walk(scene, scene.landmarks["room_door_outside"] + [2.0, 0, 0], (0, -1), 3.0)
    assert path[-1][2] == pytest.approx(-7.8 + P.radius + P.offset, abs=0.01)  # wall beside the door stops


def test_thin_wall_is_not_tunnelled_even_running(scene):
    path, _ = walk(scene, scene.landmarks["thin_wall_south"], (0, 1), 2.0, run=True)
    assert path[:, 2].max() <= 4.975 - P.radius - P.offset + 1e-3


def test_jump_and_land(scene):
    cc = CharacterController(scene.mesh, P, position=(0, 0.5, 5))
    for _ in range(30):
        cc.step(1 / 60)
    assert cc.grounded
    cc.step(1 / 60, jump=True)
    peak = max(cc.step(1 / 60)[1] for _ in range(60))
    assert peak == pytest.approx(P.jump_height + P.offset, abs=0.08)
    for _ in range(60):
        cc.step(1 / 60)
    assert cc.grounded and cc.position[1] == pytest.approx(P.offset, abs=1e-3)


def test_walks_down_stairs_grounded(scene):
    cc = CharacterController(scene.mesh, P, position=scene.landmarks["stairs_top"] + [0, 0.05, 0])
    grounded = []
    for _ in range(90):
        cc.step(1 / 60, (0, -1))
        grounded.append(cc.grounded)
    assert cc.position[1] == pytest.approx(P.offset, abs=1e-3)
    assert np.mean(grounded) > 0.9  # snapping keeps it on the steps


def test_camera_relative_input():
    from spatial.physics import move_vector

    assert np.allclose(move_vector((0, 1), yaw_deg=0), [0, 0, -1])  # forward looks along -Z
    assert np.allclose(move_vector((0, 1), yaw_deg=90), [-1, 0, 0])  # turned left
    assert np.allclose(move_vector((1, 0), yaw_deg=0), [1, 0, 0])
    assert np.linalg.norm(move_vector((1, 1))) == pytest.approx(1.0)


def _random_walk(scene, steps, seed):
    rng = np.random.default_rng(seed)
    x0, x1, z0, z1 = scene.walkable_area
    start = np.array([rng.uniform(x0, x1), 0, rng.uniform(z0, z1)])
    start[1] = float(scene.ground(start[0], start[2])) + 3.0
    while scene.inside(start + [0, 0.3, 0]).any():
        start[0] += 1.0
    cc = CharacterController(scene.mesh, P, position=start)
    path, move, run = [], (0.0, 0.0), False
    for i in range(steps):
        if i % 45 == 0:
            a = rng.uniform(0, 2 * np.pi)
            move = (np.cos(a), np.sin(a)) if rng.random() > 0.1 else (0.0, 0.0)
            run = rng.random() < 0.3
        p = cc.position
        if not (x0 < p[0] < x1 and z0 < p[2] < z1):  # steer back into the area
            d = np.array([(x0 + x1) / 2 - p[0], (z0 + z1) / 2 - p[2]])
            move = tuple(d / np.linalg.norm(d))
        path.append(cc.step(1 / 60, move, jump=rng.random() < 0.01, run=run))
    return np.array(path)


def _check_path(scene, path):
    import open3d as o3d

    rs = o3d.t.geometry.RaycastingScene()
    rs.add_triangles(o3d.core.Tensor(np.asarray(scene.mesh.vertices, np.float32)),
                     o3d.core.Tensor(np.asarray(scene.mesh.faces, np.uint32)))
    s = np.linspace(0, 2 * P.half_height, 9)
    axis = path[:, None, :] + np.stack([np.zeros_like(s), P.radius + s, np.zeros_like(s)], 1)[None]
    d = rs.compute_distance(o3d.core.Tensor(axis.reshape(-1, 3).astype(np.float32))).numpy().reshape(len(path), -1)
    assert d.min() >= P.radius - 5e-3, f"capsule overlaps the world by {P.radius - d.min():.4f} m"
    assert not scene.inside(axis.reshape(-1, 3)).any(), "capsule axis inside a solid"
    ground = scene.ground(path[:, 0], path[:, 2])
    assert (path[:, 1] >= ground - 1e-3).all(), "feet below the ground"
    assert np.isfinite(path).all()


@pytest.mark.parametrize("which", ["course", "hills"])
def test_random_walk_10000_steps_never_inside_or_below(which, scene):
    sc = scene if which == "course" else hills()
    path = _random_walk(sc, 10_000, seed=1 if which == "course" else 2)
    _check_path(sc, path)
    travelled = np.linalg.norm(np.diff(path[:, [0, 2]], axis=0), axis=1).sum()
    assert travelled > 200  # it really walked (10,000 steps at 1/60 s, 3-6 m/s)


def test_params_json_roundtrip_and_shipped_file():
    shipped = json.loads(PARAMS_JSON.read_text())
    assert ControllerParams.from_dict(shipped) == ControllerParams()
    assert shipped["rapier"]["maxSlopeClimbAngle"] == pytest.approx(np.radians(45))
    p = ControllerParams(step_height=0.25, radius=0.4)
    assert ControllerParams.from_json(p.to_json()) == p
    with pytest.raises(ValidationError):
        ControllerParams(radius=-1)
    with pytest.raises(ValidationError):
        ControllerParams.from_dict({"warp_speed": 9})


def test_empty_collider_and_bad_input_raise_clearly():
    import trimesh

    with pytest.raises(SpatialError, match="no"):
        CharacterController(trimesh.Trimesh(np.zeros((0, 3)), np.zeros((0, 3), int)))
    cc = CharacterController(course().mesh)
    with pytest.raises(ValidationError):
        cc.step(float("nan"))
    with pytest.raises(ValidationError):
        cc.step(1 / 60, (float("nan"), 0))


def test_numpy_and_compiled_kernels_agree():
    from spatial.physics import capsule
    from spatial.physics.trigrid import TriangleGrid

    rng = np.random.default_rng(0)
    v = rng.normal(size=(90, 3))
    g = TriangleGrid(v, np.arange(90).reshape(30, 3))
    ids = np.arange(30)
    (seg_c, sw_c, compiled), (seg_n, sw_n, _) = capsule.kernels(True), capsule.kernels(False)
    assert compiled
    for _ in range(50):
        a = rng.normal(size=3)
        L, R = rng.uniform(0.2, 2), rng.uniform(0.2, 1)
        outs = [(np.zeros(30), np.zeros((30, 3)), np.zeros(30, np.int64)) for _ in range(2)]
        kc = seg_c(*a, L, R, ids, g.all.verts, g.all.n, *outs[0])
        kn = seg_n(*a, L, R, ids, g.all.verts, g.all.n, *outs[1], _grid=g)
        assert kc == kn
        oc, on = np.argsort(outs[0][2][:kc]), np.argsort(outs[1][2][:kn])
        assert np.allclose(outs[0][0][:kc][oc], outs[1][0][:kn][on])
        assert np.allclose(outs[0][1][:kc][oc], outs[1][1][:kn][on], atol=1e-6)
        sign, dist = rng.choice([-1.0, 1.0]), rng.uniform(0.1, 3)
        rc = sw_c(*a, R, sign, dist, ids, g.all.verts, g.all.n)
        rn = sw_n(*a, R, sign, dist, ids, g.all.verts, g.all.n, _grid=g)
        assert rc[0] == pytest.approx(rn[0]) and rc[1] == pytest.approx(rn[1])


def test_segment_distance_matches_brute_force():
    from scipy.spatial import cKDTree

    from spatial.physics.capsule import segment_triangle
    from spatial.physics.trigrid import TriangleGrid

    rng = np.random.default_rng(3)
    tri = rng.normal(size=(1, 3, 3))
    b = TriangleGrid(tri.reshape(3, 3), [[0, 1, 2]]).all
    u, v = np.meshgrid(np.linspace(0, 1, 200), np.linspace(0, 1, 200))
    m = u + v <= 1
    q = tri[0, 0] + np.outer(u[m], tri[0, 1] - tri[0, 0]) + np.outer(v[m], tri[0, 2] - tri[0, 0])
    tree = cKDTree(q)
    for _ in range(20):
        a, L = rng.normal(size=3), rng.uniform(0.1, 2)
        d, _ = segment_triangle(a, L, b)
        pts = a + np.outer(np.linspace(0, 1, 400), [0, L, 0])
        assert d[0] == pytest.approx(tree.query(pts)[0].min(), abs=0.02)
        assert d[0] <= tree.query(pts)[0].min() + 1e-9
