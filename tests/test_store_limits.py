"""The store never accepts what it cannot read back: shared writer/reader limits, big id selections in
the delta body, damaged (pre-limits) worlds open and ``spatial worlds check --repair`` fixes them."""

from __future__ import annotations

import json

import numpy as np
import pytest
import trimesh

from conftest import random_splats
from spatial.cli import main as cli
from spatial.edit import EditError, SelectionRangeError
from spatial.edit import limits as L
from spatial.errors import ValidationError
from spatial.store import Store, WorldNotFoundError
from spatial.store import codec, handle as handle_mod
from spatial.world import World

N = 320_000


def big_world(n=N):
    col = trimesh.creation.box((4, 0.2, 4))
    return World(random_splats(n, 0, seed=1, labels=True), collider=col, name="big")


def _ids_op(n_ids=300_000, n=N):
    ids = np.random.default_rng(0).choice(n, n_ids, replace=False).tolist()
    op = {"op": "recolor", "select": {"type": "ids", "ids": ids}, "rgb": [1, 0, 0]}
    assert len(json.dumps(op)) > 1_300_000  # the 1.37 MB op of issue 20
    return op


def test_big_id_selection_is_stored_compactly_and_reads_back(tmp_path):
    st = Store(tmp_path / "s")
    h = st.import_world(big_world(), "big")
    op = _ids_op()
    c = h.apply(op)
    row = st.con.execute("SELECT delta, op FROM versions WHERE world_id=? AND num=1", (h._wid,)).fetchone()
    data = st._get_object(row["delta"])
    assert codec.header_bytes(data) < 4096  # the ids are in the body, not the header
    assert len(row["op"]) < 1000 and json.loads(row["op"])["select"]["count"] == 300_000
    assert codec.delta_op(data)["select"]["ids"] == op["select"]["ids"]  # nothing of the op is lost
    assert c.version.op["select"]["count"] == 300_000
    assert st.check(deep=True).clean
    head = st.world("big").splats.sh[:, 0].numpy()
    st.close()
    # a restart: the world opens, is edited and exported
    st2 = Store(tmp_path / "s")
    assert st2.check(deep=True).clean
    h2 = st2.open("big")
    h2.apply({"op": "recolor", "select": {"type": "ids", "ids": [0, 1, 2]}, "rgb": [0, 1, 0]})
    np.testing.assert_array_equal(st2.world("big", 1).splats.sh[:, 0].numpy(), head)
    out = st2.export("big", tmp_path / "out", version=1)
    assert (out / "splats.ply").is_file()
    st2.close()


@pytest.mark.parametrize("op, err", [
    ({"op": "set_label", "select": {"type": "all"}, "label": "x" * 1_200_000}, EditError),
    ({"op": "set_label", "select": {"type": "all"}, "label": 2**31}, EditError),
    ({"op": "delete", "select": {"type": "ids", "ids": [2**63]}}, SelectionRangeError),
    ({"op": "delete", "select": {"type": "label", "labels": [2**40]}}, EditError),
    ({"op": "set_spawn", "position": [1e300, 0, 0]}, EditError),
    ({"op": "set_spawn", "position": [10**400, 0, 0]}, EditError),
    ({"op": "transform", "select": {"type": "all"}, "translate": [0, 0, 0], "pivot": [1e30, 0, 0], "rotate": [0, 1, 0, 0]},
     EditError),
    ({"op": "transform", "select": {"type": "all"}, "translate": [L.WORLD_EXTENT * 1.9, 0, 0]}, EditError),
    ({"op": "delete", "select": {"type": "or", "of": [{"type": "all"}] * (L.MAX_SELECTION_NODES + 1)}}, EditError),
    ({"op": "delete", "note": "n" * 2000, "select": {"type": "all"}}, EditError),
])
def test_ops_over_the_limits_are_refused_before_commit(tmp_path, op, err):
    st = Store(tmp_path / "s")
    h = st.import_world(World(random_splats(500, 0, seed=2, labels=True), name="w"), "w")
    with pytest.raises(err) as e:
        h.apply(op)
    assert isinstance(e.value, ValidationError) and len(str(e.value)) < 400
    assert st.info("w").head == 0 and st.info("w").versions == 1
    assert st.check(deep=True).clean


def test_version_numbers_beyond_sqlite_integers_are_not_found(tmp_path):
    st = Store(tmp_path / "s")
    h = st.import_world(World(random_splats(50, 0, seed=2), name="w"), "w")
    for ref in (2**63, 2**70, str(2**64), "v" + "9" * 30, "head~" + "9" * 40):
        with pytest.raises(WorldNotFoundError):
            st.world("w", ref)
    with pytest.raises(WorldNotFoundError):
        h.apply({"op": "delete", "select": {"type": "ids", "ids": [0]}}, parent=2**64)


def test_the_writer_refuses_headers_the_reader_would_refuse():
    with pytest.raises(ValidationError):
        codec.encode_arrays({}, {"blob": "x" * (L.MAX_HEADER_BYTES + 10)})


def _write_legacy_damage(monkeypatch, h):
    """Store two ops the way spatial did before the limits: whole op (and a 1.2 MB label) in the header."""
    monkeypatch.setattr(codec, "stored_op", lambda op: (op, None))
    monkeypatch.setattr(handle_mod, "stored_op", lambda op: (op, None))
    monkeypatch.setattr(codec, "MAX_HEADER_BYTES", L.LEGACY_MAX_HEADER_BYTES)
    monkeypatch.setattr(L, "MAX_LABEL_CHARS", 2_000_000)
    monkeypatch.setattr(L, "MAX_STORED_OP_BYTES", 1 << 30)
    h.apply(_ids_op())
    h.apply({"op": "set_label", "select": {"type": "ids", "ids": [5, 6]}, "label": "y" * 1_200_000})
    monkeypatch.undo()


def test_a_world_damaged_by_an_oversized_header_opens_and_repair_fixes_it(tmp_path, monkeypatch):
    st = Store(tmp_path / "s")
    h = st.import_world(big_world(), "big")
    h.apply({"op": "opacity", "select": {"type": "ids", "ids": [1, 2, 3]}, "set": 0.5})
    _write_legacy_damage(monkeypatch, h)
    h.apply({"op": "delete", "select": {"type": "ids", "ids": [7]}})
    before = st.world("big").splats
    st.close()

    st = Store(tmp_path / "s")
    r = st.check(deep=True)
    assert not r.clean and sum("--repair" in p for p in r.problems) == 2
    # it opens and can be edited even before the repair
    np.testing.assert_array_equal(st.world("big").splats.means.numpy(), before.means.numpy())
    st.open("big").apply({"op": "recolor", "select": {"type": "ids", "ids": [9]}, "rgb": [0, 0, 1]})
    st.close()

    assert cli(["worlds", "check", "--repair", "--deep", "--store", str(tmp_path / "s")]) == 0
    st = Store(tmp_path / "s")
    assert st.check(deep=True).clean
    assert [v.num for v in st.history("big")] == [5, 4, 3, 2, 1, 0]  # no version lost
    after = st.world("big", 4).splats
    np.testing.assert_array_equal(after.sh.numpy(), before.sh.numpy())
    np.testing.assert_array_equal(after.labels.numpy(), before.labels.numpy())
    legend = st.open("big", version=3).state.legend()
    assert max(len(v) for v in legend.values()) <= L.MAX_LABEL_CHARS
    for v in st.history("big"):
        assert v.op is None or len(json.dumps(v.op)) <= L.MAX_STORED_OP_BYTES
    st.open("big").apply({"op": "recolor", "select": {"type": "ids", "ids": [10]}, "rgb": [0, 1, 1]})
    st.export("big", tmp_path / "out")
    st.close()
