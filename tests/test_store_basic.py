"""The world store: import/export, versions, undo/redo/checkout/tags, compaction, previews, safety, CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import torch
import trimesh

from conftest import random_splats
from spatial.cli import main as cli
from spatial.edit import EditError, EmptySelectionError, SelectionRangeError, UnknownOpError
from spatial.errors import ValidationError
from spatial.store import (ConflictError, ImportTooLargeError, InvalidNameError, Store, StoreCorruptError, StoreError,
                           WorldNotFoundError)
from spatial.world import World

REPO = Path(__file__).resolve().parents[1]


def make_world(n=1500, sh=1, seed=0, name="garden"):
    col = trimesh.creation.box((4, 0.2, 4))
    col.apply_translation([0, -0.1, 0])
    return World(random_splats(n, sh, seed=seed, labels=True), collider=col, name=name, prompt="a garden",
                 preview=np.full((8, 8, 3), 200, np.uint8))


def cols(world):
    s = world.splats
    return {"means": s.means, "quats": s.quats, "log_scales": s.log_scales, "opacity": s.logit_opacities, "sh": s.sh,
            "labels": s.labels}


def assert_worlds_equal(a, b, exact=True):
    """Exact equality, or (``exact=False``, after a trip through a file format) equality up to float
    rounding with quaternions compared normalized."""
    ca, cb = cols(a), cols(b)
    if not exact:
        ca["quats"], cb["quats"] = a.splats.rotations, b.splats.rotations
    for k, v in ca.items():
        assert torch.equal(v, cb[k]) if exact else torch.allclose(v.float(), cb[k].float(), atol=1e-5), k
    ta = np.asarray(a.collider.triangles) if a.collider is not None else np.zeros((0, 3, 3))
    tb = np.asarray(b.collider.triangles) if b.collider is not None else np.zeros((0, 3, 3))
    assert np.array_equal(ta, tb) if exact else np.allclose(ta, tb, atol=1e-6)
    assert a.labels == b.labels and a.spawn == b.spawn


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "store", author="tester") as st:
        yield st


def test_import_edit_history_undo_redo_checkout_tags(store, tmp_path):
    w0 = make_world()
    h = store.import_world(w0)
    assert h.version.num == 0 and store.names() == ["garden"]
    assert_worlds_equal(h.world(), w0)
    c1 = h.apply({"op": "delete", "select": {"type": "sphere", "center": [0, 0, 0], "radius": 1.0}, "note": "clear"})
    c2 = h.apply({"op": "recolor", "select": {"type": "label", "labels": ["rock"]}, "rgb": [1, 0, 0]}, author="bob")
    h.tag("red-rocks")
    c3 = h.apply({"op": "move", "select": {"type": "ids", "ids": [0, 1, 2]}, "translate": [0, 3, 0]})
    assert [c.version.num for c in (c1, c2, c3)] == [1, 2, 3]
    hist = store.history("garden")
    assert [v.num for v in hist] == [3, 2, 1, 0]
    assert hist[1].author == "bob" and hist[1].tags == ["red-rocks"] and hist[0].is_head
    assert hist[2].op["note"] == "clear" and hist[2].summary["removed"] == c1.summary["removed"] > 0
    assert re.match(r"\d{4}-\d\d-\d\dT", hist[0].created)
    w3 = h.world()
    # undo twice, redo once: arrays match the stored versions exactly
    assert h.undo().num == 2 and h.undo().num == 1
    assert_worlds_equal(h.world(), store.world("garden", 1))
    assert h.can_redo() and h.redo().num == 2
    assert_worlds_equal(h.world(), store.world("garden", "red-rocks"))
    # a fresh process-like view (new Store) sees the same head
    with Store(store.path) as other:
        assert other.info("garden").head == 2 and other.info("garden").can_redo
        assert_worlds_equal(other.world("garden"), h.world())
    # an edit after undo branches: redo is gone, v3 stays in the full history
    c4 = h.apply({"op": "opacity", "select": {"type": "all"}, "multiply": 0.5})
    assert c4.version.num == 4 and c4.version.parent == 2 and not h.can_redo()
    assert [v.num for v in store.history("garden")] == [4, 2, 1, 0]
    assert [v.num for v in store.history("garden", all_versions=True)] == [4, 3, 2, 1, 0]
    h.checkout(3)
    assert_worlds_equal(h.world(), w3)
    assert h.checkout("head~2").num == 1
    actions = [e.action for e in store.events("garden")]
    assert actions[:3] == ["checkout", "checkout", "edit"] and "undo" in actions and "tag" in actions


def test_compose_and_insert_world_by_name_from_the_store(store):
    store.import_world(make_world(n=300, seed=1, name="bridge"))
    b = store.open("bridge")
    b.apply({"op": "delete", "select": {"type": "ids", "ids": [0, 1, 2]}})
    h = store.import_world(make_world(n=500, seed=2))
    c = h.apply({"op": "compose", "source": "bridge", "translate": [0, 0, -40]})
    assert c.summary["added"] == 297 and c.summary["collider_faces_added"] == 12
    c = h.apply({"op": "insert_world", "source": "bridge@0", "select": {"type": "ids", "ids": [0, 1, 2]}})
    assert c.summary["added"] == 3
    src = store.world("bridge", 0).splats.means[:3]
    assert torch.equal(h.world().splats.means[-3:], src)
    with pytest.raises(WorldNotFoundError):
        h.apply({"op": "compose", "source": "nowhere"})


def test_export_version_round_trips_through_a_world_folder(store, tmp_path):
    h = store.import_world(make_world())
    h.apply({"op": "delete", "select": {"type": "box", "min": [-5, 0.5, -5], "max": [5, 5, 5]}})
    out = store.export("garden", tmp_path / "v1", version=1)
    back = World.load(out)
    assert_worlds_equal(back, store.world("garden", 1), exact=False)
    assert back.name == "garden" and back.prompt == "a garden"
    assert (out / "preview.png").is_file()
    # the imported version keeps the imported preview
    out0 = store.export("garden", tmp_path / "v0", version=0)
    assert np.all(World.load(out0).preview == 200)


def test_previews_follow_edits(store):
    h = store.import_world(make_world(n=4000))
    p0 = store.preview_png("garden")
    h.apply({"op": "recolor", "select": {"type": "all"}, "rgb": [1, 0, 0]})
    p1 = store.preview_png("garden")
    assert p1[:8] == b"\x89PNG\r\n\x1a\n" and p1 != p0
    from spatial.store.preview import png_to_array

    img = png_to_array(p1).astype(int)
    lit = img.sum(-1) > 30
    assert lit.sum() > 50 and (img[lit][:, 0] >= img[lit][:, 1]).all()  # everything visible is red
    assert store.info("garden").has_preview
    assert store.preview_png("garden") == p1  # cached


def test_collider_follows_edits_through_the_store(store, tmp_path):
    h = store.import_world(make_world())
    n0 = h.version.n_faces
    c = h.apply({"op": "delete", "select": {"type": "box", "min": [-3, -1, -3], "max": [3, 1, 3]}})
    assert c.summary["collider_faces_removed"] == 12 and h.version.n_faces == n0 - 12
    mesh = tmp_path / "crate.obj"
    trimesh.creation.box((0.5, 0.5, 0.5)).export(mesh)
    c = h.apply({"op": "insert_mesh", "path": str(mesh), "count": 500, "translate": [0, 0.25, 0]})
    assert h.version.n_faces == 12 and c.summary["added"] == 500
    exported = World.load(store.export("garden", tmp_path / "out"))
    assert len(exported.collider.faces) == 12 and np.allclose(exported.collider.bounds, [[-0.25, 0, -0.25], [0.25, 0.5, 0.25]])


def test_edits_store_deltas_not_copies_and_compaction_snapshots(tmp_path):
    with Store(tmp_path / "s", snapshot_every=5) as st:
        h = st.import_world(make_world(n=20000, sh=3))
        base = st.objects.total_bytes()
        for i in range(12):
            h.apply({"op": "move", "select": {"type": "ids", "ids": list(range(i * 10, i * 10 + 10))}, "translate": [0, 0.1, 0]})
        grown = st.objects.total_bytes() - base
        assert grown < 0.05 * base, (grown, base)  # 12 small deltas, not 12 copies
        assert all(v.delta_bytes < 4000 for v in st.history("garden")[:12])
        head = h.world()
        h.close()  # chain of 12 >= 5: a snapshot is written
        assert st.history("garden")[0].has_snapshot
        with Store(st.path) as st2:
            assert_worlds_equal(st2.world("garden"), head)
            assert_worlds_equal(st2.world("garden", 7), st.world("garden", 7))
            h2 = st2.open("garden")
            assert_worlds_equal(h2.world(), head)
            assert str(st2.check(deep=True)).startswith("clean")


def test_duplicate_rename_delete_and_names(store, tmp_path):
    store.import_world(make_world())
    store.open("garden").apply({"op": "opacity", "select": {"type": "all"}, "set": 0.5})
    d = store.duplicate("garden", "garden copy")
    assert d.version.num == 0 and d.version.kind == "duplicate"
    assert_worlds_equal(d.world(), store.world("garden"))
    store.rename("garden copy", "backup")
    assert set(store.names()) == {"garden", "backup"}
    for bad in ["../escape", "a/b", "", ".hidden", "x" * 200, "a\nb", "..", "C:\\x"]:
        with pytest.raises(InvalidNameError):
            store.rename("backup", bad)
        with pytest.raises(InvalidNameError):
            store.import_world(make_world(), name=bad)
    with pytest.raises(InvalidNameError, match="already exists"):
        store.rename("backup", "garden")
    store.delete("backup")
    assert store.names() == ["garden"]
    with pytest.raises(WorldNotFoundError):
        store.open("backup")
    with pytest.raises(WorldNotFoundError):
        store.world("garden", 99)
    # nothing outside the store folder was created
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]
    report = store.check()
    assert report.clean
    gc = store.gc(grace_s=0)
    assert gc["objects_removed"] >= 1  # the deleted world's objects
    assert store.check().clean and store.check().garbage_objects == 0


def test_bad_edits_leave_the_stored_world_unchanged(store):
    h = store.import_world(make_world())
    before = h.world()
    for op, err in [({"op": "teleport"}, UnknownOpError),
                    ({"op": "move", "select": {"type": "all"}, "translate": [float("nan"), 0, 0]}, EditError),
                    ({"op": "delete", "select": {"type": "sphere", "center": [99, 0, 0], "radius": 1}}, EmptySelectionError),
                    ({"op": "delete", "select": {"type": "ids", "ids": [1500]}}, ValidationError)]:
        with pytest.raises(err):
            h.apply(op)
    with pytest.raises(ValidationError):
        h.apply_many([{"op": "opacity", "select": {"type": "all"}, "set": 0.1}, {"op": "nope"}])
    with pytest.raises(SelectionRangeError):  # the 2nd op fails on the 1st op's result: nothing is committed
        h.apply_many([{"op": "delete", "select": {"type": "ids", "ids": [5]}}, {"op": "delete", "select": {"type": "ids", "ids": [1499]}}])
    assert h.version.num == 0 and len(store.history("garden")) == 1
    assert_worlds_equal(h.world(), before)


def test_two_handles_merge_disjoint_edits_and_conflict_on_overlap(tmp_path):
    path = tmp_path / "s"
    with Store(path, author="a") as sa, Store(path, author="b") as sb:
        sa.import_world(make_world())
        ha, hb = sa.open("garden"), sb.open("garden")
        m0 = ha.world().splats.means.clone()
        ha.apply({"op": "move", "select": {"type": "ids", "ids": [1, 2, 3]}, "translate": [1, 0, 0]})
        # b is still at v0; its edit touches other splats: merged on top of a's
        c = hb.apply({"op": "delete", "select": {"type": "ids", "ids": [0, 1499]}})
        assert c.merged and c.merged_over == [1] and c.version.parent == 1
        # b's edit touches a splat a moved: conflict, nothing committed
        ha2 = sa.open("garden", compact=False)
        hb.apply({"op": "move", "select": {"type": "ids", "ids": [10]}, "translate": [0, 1, 0]})
        with pytest.raises(ConflictError) as ei:
            ha2.apply({"op": "recolor", "select": {"type": "ids", "ids": [10]}, "rgb": [0, 0, 1]})
        assert ei.value.expected == 2 and ei.value.actual == 3 and "same splats" in str(ei.value)
        assert sa.info("garden").head == 3
        # undo on a stale handle is refused too
        with pytest.raises(ConflictError):
            ha2.undo()
        ha2.refresh()
        assert ha2.version.num == 3
        final = sb.world("garden").splats.means
        # nothing lost: 2 deleted, 3 moved by +x, 1 moved by +y
        assert len(final) == 1498
        exp = m0.clone()
        exp[[1, 2, 3]] += torch.tensor([1.0, 0, 0])
        exp[10] += torch.tensor([0, 1.0, 0])
        keep = torch.ones(1500, dtype=torch.bool)
        keep[[0, 1499]] = False
        key = lambda t: sorted(map(tuple, np.round(t.numpy(), 5)))  # noqa: E731
        assert key(final) == key(exp[keep])


def test_import_limits_and_no_pickle(tmp_path):
    folder = tmp_path / "w"
    make_world().save(folder)
    with Store(tmp_path / "s", max_import_bytes=1000) as st:
        with pytest.raises(ImportTooLargeError, match="over the import limit"):
            st.import_world(folder)
        with pytest.raises(ImportTooLargeError):
            st.import_world(folder / "splats.ply")
        assert st.names() == []
    with Store(tmp_path / "s") as st:
        h = st.import_world(folder, name="imported")
        assert h.version.n_splats == 1500
    # nothing in the store or edit code can unpickle
    for sub in ("store", "edit"):
        for p in (REPO / "spatial" / sub).glob("*.py"):
            text = p.read_text()
            assert not re.search(r"import pickle|pickle\.loads?\(|torch\.load|allow_pickle\s*=\s*True|np\.load\(", text), p


def test_corruption_is_detected(store):
    h = store.import_world(make_world())
    h.apply({"op": "move", "select": {"type": "ids", "ids": [1]}, "translate": [1, 0, 0]})
    assert store.check().clean
    # a small delta lives in the database; damage it
    delta_hash = store.con.execute("SELECT delta FROM versions WHERE num=1").fetchone()[0]
    data = bytearray(store.con.execute("SELECT data FROM blobs WHERE hash=?", (delta_hash,)).fetchone()[0])
    data[-1] ^= 0xFF
    store.con.execute("UPDATE blobs SET data=? WHERE hash=?", (bytes(data), delta_hash))
    report = store.check()
    assert not report.clean and "hash mismatch" in str(report)
    with Store(store.path) as fresh:
        with pytest.raises(StoreCorruptError):
            fresh.world("garden", 1)
    # a snapshot chunk is a file; damage one
    snap = store.con.execute("SELECT snapshot FROM versions WHERE num=0").fetchone()[0]
    chunk = json.loads(store.objects.get(snap))["columns"]["means"]["chunks"][0]
    p = store.objects.path(chunk)
    raw = bytearray(p.read_bytes())
    raw[0] ^= 0xFF
    p.chmod(0o644)
    p.write_bytes(bytes(raw))
    assert sum("hash mismatch" in x for x in store.check().problems) == 2
    with Store(store.path) as fresh:
        with pytest.raises(StoreCorruptError):
            fresh.world("garden", 0)
    # hostile object names from the database never become paths
    with pytest.raises(StoreCorruptError):
        store.objects.path("../../etc/passwd")


def test_cli_worlds_edit_checkout_export(tmp_path, capsys):
    s = str(tmp_path / "s")
    folder = tmp_path / "w"
    make_world().save(folder)
    assert cli(["worlds", "import", str(folder), "--name", "g", "--store", s]) == 0
    ops = tmp_path / "ops.json"
    ops.write_text(json.dumps([{"op": "delete", "select": {"type": "sphere", "center": [0, 0, 0], "radius": 1}},
                               {"op": "opacity", "select": {"type": "all"}, "multiply": 0.5}]))
    assert cli(["edit", "g", str(ops), "--store", s, "--author", "carol"]) == 0
    assert cli(["worlds", "history", "g", "--store", s, "--json"]) == 0
    capsys.readouterr()
    assert cli(["worlds", "history", "g", "--store", s, "--json"]) == 0
    hist = json.loads(capsys.readouterr().out)
    assert [v["num"] for v in hist] == [2, 1, 0] and hist[0]["author"] == "carol"
    assert cli(["checkout", "g", "1", "--store", s]) == 0
    assert cli(["export-version", "g", "head", "-o", str(tmp_path / "out"), "--store", s]) == 0
    assert World.load(tmp_path / "out").splats.num_splats == hist[1]["n_splats"]
    bad = tmp_path / "bad.json"
    bad.write_text('{"op": "nope"}')
    assert cli(["edit", "g", str(bad), "--store", s]) == 1
    assert "unknown op" in capsys.readouterr().err
    assert cli(["worlds", "list", "--store", s]) == 0
    assert cli(["worlds", "rename", "g", "h", "--store", s]) == 0
    assert cli(["worlds", "duplicate", "h", "h2", "--store", s]) == 0
    assert cli(["worlds", "rm", "h2", "--yes", "--store", s]) == 0
    capsys.readouterr()
    assert cli(["worlds", "check", "--store", s]) == 0
    assert capsys.readouterr().out.startswith("clean")
    assert cli(["worlds", "show", "nope", "--store", s]) == 1


def test_store_location_env_and_default(tmp_path, monkeypatch):
    from spatial.store.paths import default_store_dir

    monkeypatch.setenv("SPATIAL_STORE", str(tmp_path / "envstore"))
    with Store() as st:
        assert st.path == (tmp_path / "envstore").resolve()
    monkeypatch.delenv("SPATIAL_STORE")
    assert default_store_dir().name == "store" and "spatial" in str(default_store_dir())
    with pytest.raises(StoreError):
        Store(tmp_path / "x", snapshot_every=-1)


def test_snapshot_chunks_small_and_older_chunk_sizes_readable(tmp_path, monkeypatch):
    """A compaction after edits of a few splats rewrites only the chunks holding them (16,384 rows each),
    and a store whose snapshots were written with 65,536-row chunks (spatial 0.2.0) still reads."""
    from spatial.store import codec

    n = 3 * codec.CHUNK_ROWS + 100
    with Store(tmp_path / "s", snapshot_every=2) as st:
        h = st.import_world(make_world(n=n, sh=3))
        h.close()
        base = st.objects.total_bytes()
        h = st.open("garden", compact=False)
        for i in range(3):
            h.apply({"op": "recolor", "select": {"type": "ids", "ids": [5 + i]}, "rgb": [1, 0, 0]})
        head = h.world()
        h.close()  # chain of 3 >= 2: a snapshot is written
        assert st.history("garden")[0].has_snapshot
        grown = st.objects.total_bytes() - base
        sh_chunk = codec.CHUNK_ROWS * 16 * 3 * 4
        assert grown < 1.5 * sh_chunk + 64 * 1024, (grown, sh_chunk)  # the one SH chunk touched, not all four
        assert_worlds_equal(Store(st.path).world("garden"), head)
    monkeypatch.setattr(codec, "CHUNK_ROWS", 65536)
    with Store(tmp_path / "old", snapshot_every=1) as st:
        h = st.import_world(make_world(n=70000, sh=1))
        h.apply({"op": "delete", "select": {"type": "ids", "ids": [0, 1]}})
        head = h.world()
        h.close()
    monkeypatch.setattr(codec, "CHUNK_ROWS", 16384)
    with Store(tmp_path / "old") as st:
        assert_worlds_equal(st.world("garden"), head)
        assert str(st.check(deep=True)).startswith("clean")
