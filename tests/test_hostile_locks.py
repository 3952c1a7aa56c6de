"""A slow edit of one world never blocks another world (per-world locks; the store's lock only around SQL)."""

from __future__ import annotations

import threading

import pytest

from app_helpers import import_app
from conftest import random_splats
from spatial.world import World

import_app()


def test_a_blocked_edit_of_one_world_does_not_block_another(tmp_path, monkeypatch):
    import spatial.store.handle as handle_mod
    from spatial_app.library import open_library

    lib = open_library(tmp_path / "s")
    for name in ("slow", "fast"):
        lib.add(World(random_splats(300, 0, seed=1), name=name), name)
    release, entered = threading.Event(), threading.Event()
    real = handle_mod.compute_delta

    def compute(state, op, ctx):
        if op.get("note") == "slow":
            entered.set()
            assert release.wait(60), "the test never released the slow edit"
        return real(state, op, ctx)

    monkeypatch.setattr(handle_mod, "compute_delta", compute)
    slow = {"op": "recolor", "select": {"type": "ids", "ids": [0]}, "rgb": [1, 0, 0], "note": "slow"}
    t = threading.Thread(target=lib.apply, args=("slow", slow))
    t.start()
    try:
        assert entered.wait(30)
        done = threading.Event()

        def other():
            lib.apply("fast", {"op": "recolor", "select": {"type": "ids", "ids": [1]}, "rgb": [0, 1, 0]})
            lib.undo("fast", 1)
            lib.summary("slow")  # reading the blocked world's summary does not wait either
            done.set()

        threading.Thread(target=other, daemon=True).start()
        # the slow edit is still inside its computation: the other world's edit must finish meanwhile
        assert done.wait(60), "an edit of another world waited for the slow one"
        assert t.is_alive()
    finally:
        release.set()
        t.join(60)
    assert lib.summary("slow").version == 1 and lib.summary("fast").version == 0
    assert lib.store.check(deep=True).clean
    lib.close()


def test_growth_limits_of_app_edits(tmp_path, monkeypatch):
    """duplicate-all / compose cannot grow a world past the app's limit (SPATIAL_APP_MAX_WORLD_SPLATS)."""
    from spatial.edit import InsertTooLargeError
    from spatial_app.library import open_library
    from spatial_app.server import app_limits

    monkeypatch.setenv("SPATIAL_APP_MAX_WORLD_SPLATS", "1000")
    lib = open_library(tmp_path / "s", limits=app_limits())
    lib.add(World(random_splats(400, 0, seed=1), name="w"), "w")
    lib.apply("w", {"op": "duplicate", "select": {"type": "all"}, "translate": [1, 0, 0]})
    with pytest.raises(InsertTooLargeError):
        lib.apply("w", {"op": "duplicate", "select": {"type": "all"}, "translate": [1, 0, 0]})
    with pytest.raises(InsertTooLargeError):
        lib.apply("w", {"op": "compose", "source": "w"})
    assert lib.summary("w").n_splats == 800
    lib.close()
