"""Walkable area, spawn, rays, splat picking, rigid bodies and convex decomposition."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from spatial.core.splats import Splats
from spatial.physics import (CharacterController, ControllerParams, drop_objects, find_spawn, pick_splat, raycast,
                             walkable)
from spatial.physics.scenes import box, concat_objects, course, hills, splats_from_mesh


@pytest.fixture(scope="module")
def scene():
    return course()


@pytest.fixture(scope="module")
def walk_map(scene):
    return walkable(scene.mesh, cell=0.25)


def test_walkable_reachability(scene, walk_map):
    L = scene.landmarks
    assert walk_map.reachable(L["room_door_outside"], L["room_inside"])  # through the door
    assert walk_map.reachable(L["stairs_start"], L["stairs_top"])  # 0.2 m steps
    assert walk_map.reachable(L["ramp25_start"], L["ramp25_top"])
    assert not walk_map.reachable(L["ramp50_start"], L["ramp50_top"])  # too steep
    assert not walk_map.reachable(L["block_start"], L["block_top"])  # 0.4 m > step height
    path = walk_map.path(L["room_inside"], L["stairs_top"])
    assert path is not None and np.linalg.norm(path[-1] - L["stairs_top"]) < 0.5
    # the path leaves the room through the door (|x| < 0.6 where it crosses the front wall z=-7.9)
    cross = path[np.argmin(np.abs(path[:, 2] + 7.9))]
    assert abs(cross[0]) < 0.6
    assert walk_map.top_view().shape == (walk_map.shape[1], walk_map.shape[0], 3)


def test_walkable_nodes_agree_with_the_controller(scene, walk_map):
    """Walkable nodes are places a walker dropped there stands on (sample of 40)."""
    rng = np.random.default_rng(0)
    big = np.argmax(walk_map.component_areas())
    idx = rng.choice(np.nonzero(walk_map.component == big)[0], 40, replace=False)
    for p in walk_map.nodes[idx]:
        cc = CharacterController(scene.mesh, position=p + [0, 0.1, 0])
        for _ in range(20):
            cc.step(1 / 60)
        assert cc.grounded and abs(cc.position[1] - p[1]) < 0.1


def test_find_spawn(scene, walk_map):
    sp = find_spawn(scene.mesh, walk_map=walk_map)
    p = np.array(sp.position)
    assert abs(p[1]) < 1e-3  # on the big ground area
    h = raycast(scene.mesh, p + [0, 1, 0], [0, -1, 0])
    assert h.hit[0] and h.distance[0] == pytest.approx(1.0, abs=1e-3)
    near = find_spawn(scene.mesh, walk_map=walk_map, near=[0, 0, -11])  # prefer a point near the room
    assert np.linalg.norm(np.array(near.position) - [0, 0, -11]) < 1.5
    hm = walkable(hills(size=30, resolution=61).mesh, cell=0.5)
    assert hm.component_areas().max() > 0.9 * 25**2  # gentle hills: one big walkable area


def test_raycast(scene):
    o = np.array([[0, 10, 5], [0, 10, 5], [50, 10, 50], [7, 5, 2.5]])
    d = np.array([[0, -1, 0], [0, 1, 0], [0, -1, 0], [0, -2, 0]])
    h = raycast(scene.mesh, o, d)
    assert h.hit.tolist() == [True, False, False, True]
    assert h.distance[0] == pytest.approx(10.0, abs=1e-4) and h.normals[0] == pytest.approx([0, 1, 0])
    assert h.distance[3] == pytest.approx(4.0, abs=1e-4)  # stairs platform at 1.0 m
    assert np.isinf(h.distance[1]) and h.faces[1] == -1
    assert not raycast(scene.mesh, o[:1], d[:1], max_distance=5).hit[0]


def test_pick_splat_front_to_back():
    means = torch.tensor([[0.0, 0, -2], [0.0, 0, -4], [0.0, 0, -6], [3.0, 0, -3]])
    s = Splats.from_activated(means, scales=torch.full((4, 3), 0.2), opacities=torch.tensor([0.02, 0.9, 0.9, 0.9]))
    pk = pick_splat(s, [0, 0, 0], [0, 0, -1])
    assert pk.index == 1 and pk.distance == pytest.approx(4.0, abs=1e-3)  # the transparent one is skipped
    assert pick_splat(s, [0, 0, 0], [0, 1, 0]).index == -1
    assert pick_splat(Splats.empty(), [0, 0, 0], [0, 0, -1]).index == -1
    # a flat splat seen edge-on is not picked where the ray misses its thin axis
    flat = Splats.from_activated(torch.tensor([[0.0, 0.0, -3]]), scales=torch.tensor([[0.5, 0.5, 0.005]]))
    assert pick_splat(flat, [0, 0, 0], [0, 0, -1]).index == 0
    assert pick_splat(flat, [0, 0.05, 0], [0, 0, -1]).index == 0
    assert pick_splat(flat, [0, 0, 0.2], [1, 0, 0]).index == -1


def _boxes():
    objs = [box((x, 2 + 0.5 * i, z), (x + 0.4, 2.4 + 0.5 * i, z + 0.6)) for i, (x, z) in
            enumerate([(0, 5), (6.8, 2.0), (15, 1.5), (-5, -2), (2, 2)])]
    return concat_objects([splats_from_mesh(o, 400, seed=i) for i, o in enumerate(objs)])


def test_dropped_objects_rest_on_surfaces(scene):
    sp, masks = _boxes()
    r = drop_objects(scene.mesh, sp, masks, duration=8.0)
    assert not r.fell_through.any()
    for g, m in enumerate(masks):
        moved = r.splats.means[torch.as_tensor(m)].numpy()
        # nothing below the ground, and the box's lowest splats touch the surface under it
        assert moved[:, 1].min() > -0.05
        under = raycast(scene.mesh, moved.mean(0) + [0, 2, 0], [0, -1, 0])
        gap = moved[:, 1].min() - under.points[0, 1]
        if r.at_rest[g]:
            assert abs(gap) < 0.1, (g, gap)
    assert r.at_rest.all() and r.seconds < 8.0  # all settled (early stop), incl. the one on the ramp
    # the splats moved rigidly: pairwise distances inside a group are preserved
    a = sp.means[torch.as_tensor(masks[0])][:50]
    b = r.splats.means[torch.as_tensor(masks[0])][:50]
    pd = lambda x: ((x[:, None] - x[None]) ** 2).sum(-1).sqrt()  # noqa: E731
    assert torch.allclose(pd(a), pd(b), atol=1e-4)
    assert not torch.allclose(a, b)  # and they did move


def test_pushed_object_slides_and_stops(scene):
    sp, masks = _boxes()
    r = drop_objects(scene.mesh, sp, masks[:1], duration=5.0, velocities=[[0, 0, 3.0]])
    assert r.positions[0, 2] > 5.5 and r.positions[0, 1] > 0.1 and r.at_rest[0]


def test_rigid_errors(scene):
    from spatial.errors import SpatialError

    sp, masks = _boxes()
    with pytest.raises(SpatialError):
        drop_objects(None, sp, masks)
    with pytest.raises(SpatialError):
        drop_objects(scene.mesh, sp, [np.arange(2)])  # too few splats for a hull


@pytest.mark.timeout(120)
def test_convex_decomposition_of_concave_prop():
    import trimesh

    from spatial.physics import convex_decomposition

    L = trimesh.util.concatenate([box((0, 0, 0), (1, 0.2, 0.3)), box((0, 0, 0), (0.2, 1, 0.3))])
    L = trimesh.boolean.union([box((0, 0, 0), (1, 0.2, 0.3)), box((0, 0, 0), (0.2, 1, 0.3))], engine="manifold") \
        if trimesh.boolean.engines_available else L
    parts = convex_decomposition(L, threshold=0.05, max_hulls=8)
    assert 2 <= len(parts) <= 8
    assert all(p.is_convex for p in parts)
    # the parts cover the L but not its concave corner
    inside = np.array([[0.5, 0.1, 0.15], [0.1, 0.5, 0.15]])
    outside = np.array([[0.7, 0.7, 0.15]])
    contains = lambda pts: np.any([p.contains(pts) for p in parts], axis=0)  # noqa: E731
    assert contains(inside).all() and not contains(outside).any()


def test_controller_params_drive_map():
    p = ControllerParams(step_height=0.1)
    m = walkable(course().mesh, p, cell=0.25, bounds=(4, 10, -3, 5))
    L = course().landmarks
    assert not m.reachable(L["stairs_start"], L["stairs_top"])  # 0.2 m steps > 0.1 m step height
