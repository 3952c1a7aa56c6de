"""Expand: a tile past the edge of an outdoor world (seam, collider, walking across, store version), a room indoors."""

from __future__ import annotations

import numpy as np
import pytest

import spatial
from spatial.edit import apply_edit, parse_op
from spatial.errors import ValidationError
from spatial.generation.expand import next_tile, seam_points
from spatial.physics import CharacterController, raycast
from synthetic_worlds import ground_world


@pytest.fixture(scope="module")
def world():
    return ground_world(extent=40.0)


@pytest.fixture(scope="module")
def north(world):
    return spatial.expand(world, "north")


def heights(mesh, xz):
    o = np.stack([xz[:, 0], np.full(len(xz), 100.0), xz[:, 1]], 1)
    h = raycast(mesh, o, [0, -1, 0])
    return np.where(h.hit, h.points[:, 1], np.nan)


def test_next_tile_walks_outwards():
    assert next_tile([[0, 0]], "north", 40.0)[0].j == -1
    new, old = next_tile([[0, 0], [0, -1]], "north", 40.0)
    assert (new.i, new.j, old.j) == (0, -2, -1)
    assert next_tile([[0, 0]], "east", 40.0)[0].bounds == (20.0, -20.0, 60.0, 20.0)
    with pytest.raises(ValueError):
        next_tile([[0, 0]], "up", 40.0)


def test_expand_op_is_validated():
    assert parse_op({"op": "expand", "side": "west"}) == {"op": "expand", "side": "west"}
    with pytest.raises(ValidationError):
        parse_op({"op": "expand", "side": "up"})


def test_seam_is_continuous_and_walkable(world, north):
    w = north.world
    assert w.metadata["tiles"] == [[0, 0], [0, -1]]
    new, old = next_tile([[0, 0]], "north", 40.0)
    pts = seam_points(new, old, 200)
    h_old = heights(w.collider, pts + [0.0, 0.02])  # +Z side: the old world
    h_new = heights(w.collider, pts - [0.0, 0.02])
    assert np.isfinite(h_new).all()
    assert np.nanmax(np.abs(h_old - h_new)) < 0.05
    # the new ground is the collider: a ray 10 m into the new tile hits it, none did before
    far = np.array([[0.0, -30.0]])
    assert np.isnan(heights(world.collider, far)).all() and np.isfinite(heights(w.collider, far)).all()
    # the walker crosses the seam
    start = np.array([0.0, heights(w.collider, np.array([[0.0, -17.0]]))[0] + 0.05, -17.0])
    cc = CharacterController(w.collider, position=start)
    for _ in range(200):
        cc.step(0.05, move=(0.0, -1.0))
    assert cc.position[2] < -23.0


def test_new_tile_has_lit_splats_and_objects(world, north):
    d = north.delta
    assert d.n_added > 3000
    m = d.added["means"]
    assert (m[:, 2] < -19.5).all() and (m[:, 2] > -62.0).all()
    labels = {north.world.labels[int(k)] for k in np.unique(d.added["labels"])}
    assert "ground" in labels and len(labels) >= 2  # terrain and the biome's objects


def test_expansions_are_store_versions(world, tmp_path):
    store = spatial.Store(tmp_path / "store")
    h = store.import_world(world, name="g")
    c1 = h.apply({"op": "expand", "side": "east"})
    c2 = h.apply({"op": "expand", "side": "east"})
    assert (c1.version.num, c2.version.num) == (1, 2)
    assert h.state.meta["metadata"]["tiles"] == [[0, 0], [1, 0], [2, 0]]
    n2 = h.state.n
    h.undo()
    assert h.state.meta["metadata"]["tiles"] == [[0, 0], [1, 0]] and h.state.n < n2


def test_interior_gains_a_room_through_a_door():
    w = spatial.generate("a cozy living room", seed=1, quality="draft", preview=False)
    D = w.metadata["room"]["depth"]
    r = spatial.expand(w, "north")
    assert r.world.metadata["rooms"] == [[0, 0], [0, -1]]
    through = lambda wld: raycast(wld.collider, [[0.0, 1.0, -D / 2 + 1.0]], [0, 0, -1]).distance[0]  # noqa: E731
    assert through(w) < 1.5 and through(r.world) > D  # the back wall had no door; now the ray reaches the new room's far wall
    with pytest.raises(ValidationError):
        spatial.expand(w, "all")


def test_walker_goes_through_the_new_door():
    """The character controller walks from the first room into the adjoining one through the door."""
    w = spatial.generate("a cozy living room", seed=1, quality="draft", preview=False)
    D = w.metadata["room"]["depth"]
    r = spatial.expand(w, "north")

    def walk(wld):
        cc = CharacterController(wld.collider, position=(0.0, 0.05, -D / 2 + 1.2))
        for _ in range(100):  # 5 s north (-Z)
            cc.step(0.05, move=(0.0, -1.0))
        return np.asarray(cc.position)

    assert walk(w)[2] > -D / 2  # the wall stops it before the expansion
    p = walk(r.world)
    assert p[2] < -D / 2 - 1.5, p  # through the door, well inside the new room
    assert abs(p[1]) < 0.2  # on the new room's floor


def test_new_room_is_furnished_like_its_kind():
    """The next room of a living room gets living-room furniture; a prompt naming a kitchen gets kitchen furniture."""
    from spatial.edit.expand_room import LEGACY_FURNISH, T
    from spatial.generation.presets import FURNISHING

    w = spatial.generate("a cozy living room", seed=1, quality="draft", preview=False)
    assert w.metadata["room"]["kind"] == "living_room"
    W, D = w.metadata["room"]["width"], w.metadata["room"]["depth"]

    def kinds_in_room(world, cx):
        m = world.splats.means.numpy()
        inside = (np.abs(m[:, 0] - cx) < W / 2 - 0.1) & (np.abs(m[:, 2]) < D / 2 - 0.1)
        return {world.labels[int(k)] for k in np.unique(world.splats.labels.numpy()[inside])}

    kitchen = {x[0] for x in FURNISHING["kitchen"]} & {"stove", "fridge", "kitchen_counter", "sink"}  # only kitchens have these
    assert len(kitchen) == 4
    east = spatial.expand(w, "east").world
    got = kinds_in_room(east, W + T)
    assert got & set(LEGACY_FURNISH["living_room"]) and not got & kitchen, got
    assert east.metadata["room_kinds"] == {"1,0": "living_room"}
    west = spatial.expand(w, "west", prompt="a small kitchen").world
    got = kinds_in_room(west, -(W + T))
    assert got & kitchen, got
    assert west.metadata["room_kinds"] == {"-1,0": "kitchen"}
