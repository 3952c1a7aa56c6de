"""Text edits: reading sentences, turning them into ops, applying them (and undoing them) through the store."""

from __future__ import annotations

import math

import numpy as np
import pytest

import spatial
from spatial.edit import WorldState, apply_edit
from spatial.edit.objects import find_objects, labels_for_word
from spatial.edit.text import edit_text, parse_sentence, plan_text
from spatial.physics import raycast
from synthetic_worlds import ground_world


@pytest.fixture(scope="module")
def world():
    return ground_world()


def objects(w, word):
    st = WorldState.from_world(w)
    return find_objects(st, labels_for_word(st, word))


def ground_y(w, x, z):
    return float(raycast(w.collider, [[x, 50.0, z]], [0, -1, 0]).points[0, 1])


# ---------------------------------------------------------------------- reading
@pytest.mark.parametrize("sentence, want", [
    ("add a well in front of me", dict(action="add", kind="well", count=1, relation="front_me")),
    ("put three crates next to the bench", dict(action="add", kind="crate", count=3, relation="next_to", target_kind="bench")),
    ("Plant a dozen cherry trees along the path", dict(action="add", kind="cherry_tree", count=12, relation="along", target="path")),
    ("remove the cars", dict(action="remove", kind="car", plural=True)),
    ("delete the tree on the left", dict(action="remove", qualifier="left")),
    ("make the houses blue", dict(action="change", kind="house", color_word="blue")),
    ("make the sofa leather", dict(action="change", kind="sofa", material="leather")),
    ("make the fountain bigger", dict(action="change", kind="fountain", scale=1.5)),
    ("turn the street lamps on", dict(action="change", kind="street_lamp", lit=True)),
    ("switch off the street lamps", dict(action="change", lit=False)),
    ("make it night", dict(action="style", time_of_day="night")),
    ("add fog", dict(action="style", weather="fog")),
    ("make it snow", dict(action="style", weather="snow")),
    ("more trees", dict(action="more")),
    ("fewer rocks", dict(action="fewer", kind="rock")),
    # other wordings (rewritten by shape, not listed sentences)
    ("the fountain should be bigger", dict(action="change", kind="fountain", scale=1.5)),
    ("I want the houses to be blue", dict(action="change", kind="house", color_word="blue")),
    ("the bench is too small", dict(action="change", kind="bench", scale=1.5)),
    ("take that crate away", dict(action="remove", kind="crate")),
    ("i want to remove the cars", dict(action="remove", kind="car")),
    ("I'd like a couple of barrels on my right", dict(action="add", kind="barrel", count=2, relation="right_me")),
    ("there should be a well next to the bench", dict(action="add", kind="well", relation="next_to", target_kind="bench")),
    ("set two crates next to the bench", dict(action="add", kind="crate", count=2, relation="next_to")),
    ("shrink the well", dict(action="change", kind="well", scale=0.67)),
    ("double the size of the statue", dict(action="change", kind="statue", scale=2.0)),
    ("switch the lights on", dict(action="change", lights=True, lit=True)),
    ("let it rain", dict(action="style", weather="overcast")),
    ("a foggy night please", dict(action="style", time_of_day="night", weather="fog")),
    ("clear the fog", dict(action="style", weather="clear")),
])
def test_parse_sentences(sentence, want):
    it = parse_sentence(sentence)
    for k, v in want.items():
        assert getattr(it, k) == v, (sentence, k, getattr(it, k))
    assert not it.problems


@pytest.mark.parametrize("sentence", ["add a dragon", "move the well", "", "make the crates", "blorp " * 200])
def test_unknown_or_unsupported_sentences_are_refused_in_one_line(world, sentence):
    res = edit_text(world, sentence)
    assert not res.ok and res.op is None and res.delta is None
    assert "\n" not in res.answer and "Nothing changed" in res.answer
    assert res.world is world


# ---------------------------------------------------------------------- doing
def test_add_in_front_rests_on_the_ground_and_collides(world):
    res = edit_text(world, "add a well in front of me", at=(0.0, 0.0, 0.0), facing=90.0)  # facing -X
    assert res.ok, res.answer
    assert res.op["op"] == "insert_asset" and res.op["kind"] == "well"
    (p,) = [np.asarray(pl["position"]) for pl in res.op["placements"]]
    assert p[0] < -2.0 and abs(p[2]) < 3.0  # ahead along -X, within 3 m of the line of sight
    wells = objects(res.world, "well")
    assert len(wells) == 1
    o = wells[0]
    assert abs(o.lo[1] - ground_y(world, *o.centre[[0, 2]])) < 0.4
    # its collider: a ray down onto the well stops above the ground
    u = np.linspace(-0.8, 0.8, 9)
    pts = np.array([[o.centre[0] + a * o.radius, 50.0, o.centre[2] + b * o.radius] for a in u for b in u])
    tops = raycast(res.world.collider, pts, [0, -1, 0]).points[:, 1]
    ground = raycast(world.collider, pts, [0, -1, 0]).points[:, 1]
    assert (tops > ground + 0.3).sum() > 10
    assert res.world.labels[int(np.asarray(res.delta.added["labels"])[0])] == "well"


def test_sentence_session_counts_relations_colours_sizes_and_removal(world):
    w = edit_text(world, "add a well in front of me").world
    r = edit_text(w, "put three crates next to the well")
    assert r.ok and len(r.op["placements"]) == 3
    well = objects(r.world, "well")[0]
    for pl in r.op["placements"]:
        gap = math.hypot(pl["position"][0] - well.centre[0], pl["position"][2] - well.centre[2]) - well.radius
        assert gap < 3.0 + 1.0
    w = r.world
    crates = objects(w, "crates")
    assert len(crates) == 3
    # colour: only crate splats change, towards blue
    r = edit_text(w, "make the crates blue")
    st = WorldState.from_world(w)
    crate_ids = np.flatnonzero(np.isin(st.table.col("labels"), labels_for_word(st, "crate")))
    assert set(r.delta.mod_ids.tolist()) == set(crate_ids.tolist())
    dc = np.asarray(r.world.splats.sh[crate_ids, 0]).mean(0)
    assert dc[2] > dc[0]
    # size: the well 1.5x taller, still on its base
    r2 = edit_text(w, "make the well bigger")
    h0 = well.hi[1] - well.lo[1]
    new_well = objects(r2.world, "well")[0]
    assert new_well.hi[1] - new_well.lo[1] == pytest.approx(1.5 * h0, rel=0.1)
    assert new_well.lo[1] == pytest.approx(well.lo[1], abs=0.1)
    # removal: splats and collider triangles of the crates go
    faces_before = len(w.collider.faces)
    r3 = edit_text(w, "remove the crates")
    assert r3.ok and objects(r3.world, "crates") == []
    assert len(r3.world.collider.faces) < faces_before
    assert objects(r3.world, "well")  # the rest stays


def test_style_keeps_earlier_edits(world):
    w = edit_text(world, "add a bench in front of me").world
    n = len(w.splats)
    r = edit_text(w, "make it night")
    assert r.ok and r.op["op"] == "restyle"
    assert len(r.world.splats) == n  # nothing added or removed (no snow)
    assert set(r.delta.mod) == {"sh_dc"}
    np.testing.assert_array_equal(r.world.splats.means.numpy(), w.splats.means.numpy())
    assert r.world.spec["time_of_day"] == "night"
    lum0 = np.asarray(w.splats.sh[:, 0]).mean()
    lum1 = np.asarray(r.world.splats.sh[:, 0]).mean()
    assert lum1 < lum0
    snow = edit_text(r.world, "make it snow")
    assert snow.delta.n_added > 0 and objects(snow.world, "bench")


def test_more_and_fewer(world):
    w = apply_edit(world, {"op": "insert_asset", "kind": "rock", "placements": [{"position": [x, 0, -8]} for x in (-6, -2, 2, 6)]}).world
    assert len(objects(w, "rocks")) == 4
    r = edit_text(w, "fewer rocks")
    assert r.ok and len(objects(r.world, "rocks")) == 2
    r = edit_text(w, "more rocks")
    assert r.ok and len(objects(r.world, "rocks")) >= 6


def test_text_edit_through_the_store_is_one_version_and_undoes_exactly(world, tmp_path):
    store = spatial.Store(tmp_path / "store")
    h = store.import_world(world, name="g")
    before = {f: np.array(h.state.table.col(f)) for f in ("means", "sh", "labels")}
    nf = h.state.collider_faces.shape[0]
    tp = plan_text(h.state, "add two benches to my right")
    assert tp.ok, tp.answer
    c = h.apply(tp.op)
    assert c.version.num == 1 and h.state.n > len(world.splats)
    assert store.history("g")[0].op["op"] == "insert_asset"
    h.undo()
    for f, v in before.items():
        np.testing.assert_array_equal(h.state.table.col(f), v)
    assert h.state.collider_faces.shape[0] == nf
    # a refused sentence commits nothing
    assert not plan_text(h.state, "remove the submarine").ok
    assert h.version.num == 0


def test_cli_edit_text(world, tmp_path, capsys):
    from spatial.cli import main

    store = spatial.Store(tmp_path / "store")
    store.import_world(world, name="g").close()
    assert main(["edit", "g", "--text", "add a bench in front of me", "--at", "0,0,0", "--facing", "0", "--store", str(tmp_path / "store")]) == 0
    out = capsys.readouterr().out
    assert "Done: add 1 bench" in out and "insert_asset" in out
    assert main(["edit", "g", "--text", "add a dragon", "--store", str(tmp_path / "store")]) == 2
    assert "Not done" in capsys.readouterr().out


def test_a_kind_under_a_coarse_label_counts_only_objects_of_its_height(world):
    """A world whose bushes and trees share the generator's 'vegetation' label: "fewer bushes" takes bushes only."""
    import dataclasses

    import torch

    from spatial.core.splats import Splats
    from spatial.edit.text.plan import objects_of

    rng = np.random.default_rng(0)
    blobs = []
    for i, (x, z, h) in enumerate([(-8, -8, 1.0), (8, -8, 1.2), (-8, 8, 0.9), (8, 8, 9.0), (0, -14, 8.0)]):  # 3 bushes, 2 trees
        n = 400
        p = rng.normal(size=(n, 3)) * [0.4 * max(h / 4, 0.5), h / 4, 0.4 * max(h / 4, 0.5)]
        p[:, 1] = rng.uniform(0, h, n)
        blobs.append(p + [x, ground_y(world, x, z), z])
    m = torch.tensor(np.concatenate(blobs), dtype=torch.float32)
    n = m.shape[0]
    veg = next(k for k, v in world.labels.items() if v == "vegetation")
    s = world.splats
    extra = Splats(m, torch.tensor([[1.0, 0, 0, 0]]).repeat(n, 1), torch.full((n, 3), -3.0), torch.full((n,), 2.0),
                   torch.zeros(n, 1, 3), torch.full((n,), veg, dtype=torch.int32))
    both = Splats(*(torch.cat([getattr(s, f).detach(), getattr(extra, f)]) for f in
                    ("means", "quats", "log_scales", "logit_opacities", "sh", "labels")))
    w = dataclasses.replace(world, splats=both)
    st = WorldState.from_world(w)
    assert len(find_objects(st, labels_for_word(st, "bushes"))) == 5  # the coarse label alone holds all five
    bushes = objects_of(st, "bushes")
    assert len(bushes) == 3 and all(o.hi[1] - o.lo[1] < 2.0 for o in bushes)
    tp = plan_text(st, "fewer bushes")
    assert tp.ok, tp.answer
    removed = set(tp.op["select"]["ids"])
    tall = {i for o in find_objects(st, [veg]) if o.hi[1] - o.lo[1] > 5 for i in o.ids.tolist()}
    assert removed and not removed & tall
