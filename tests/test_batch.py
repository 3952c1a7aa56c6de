"""Batch generation: pool, resume after a kill, Ray local parity, bad inputs."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from spatial.batch import generate_many, read_items
from spatial.errors import ValidationError

PROMPTS = [
    "a misty pine forest", "a sunny meadow with flowers", "a desert with dunes", "snowy mountains at dawn",
    "a sandy beach at sunset", "a calm lake in the forest", "a red rock canyon", "a foggy swamp",
    "a city street at night", "a stone plaza", "a cozy living room", "an office with desks",
    "a warehouse with shelves", "three red houses in a meadow", "a broadleaf forest in autumn", "a river valley",
    "a snowy forest at night", "an overcast beach", "a rocky hill", "a quiet village square",
]
BUDGET = 10_000  # splats per world (the generator's minimum): the batch machinery is under test here


def _folders(out: Path) -> set[str]:
    return {p.parent.name for p in out.glob("*/world.json")}


def test_read_items_validates_lines(tmp_path):
    f = tmp_path / "specs.jsonl"
    f.write_text('{"prompt": "a lake", "seed": 5}\n{broken\n{"name": "../escape", "prompt": "x"}\n\n{"spec": {"scene": "desert"}}\n')
    items = read_items(f)
    assert [it.error is None for it in items] == [True, False, False, True]
    assert items[0].seed == 5 and items[3].seed == 3
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing\n\n")
    with pytest.raises(ValidationError, match="no prompts"):
        read_items(empty)


@pytest.mark.slow
def test_batch_of_20_on_2_workers_resumes_after_kill(tmp_path):
    src = tmp_path / "prompts.txt"
    src.write_text("\n".join(PROMPTS) + "\n")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "spatial", "batch", str(src), "-o", str(out), "--workers", "2", "--splats", str(BUDGET)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.time() + 300
    while len(_folders(out)) < 4 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    before = _folders(out)
    assert 4 <= len(before) < 20, f"kill came too late or too early: {len(before)} done"
    summary = generate_many(src, out, workers=2, splats=BUDGET, progress=False)
    skipped = {r.name for r in summary.results if r.status == "skipped"}
    done = {r.name for r in summary.results if r.status == "done"}
    assert not summary.failed, summary.table()
    assert skipped == before and len(done) == 20 - len(before)
    assert len(_folders(out)) == 20
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no half-written folders visible


def test_bad_line_fails_only_its_item(tmp_path):
    src = tmp_path / "specs.jsonl"
    src.write_text('{"prompt": "a small meadow", "seed": 1}\n{"prompt": 5, "quality": "ultra"}\n')
    summary = generate_many(src, tmp_path / "out", workers=1, splats=BUDGET, progress=False)
    st = {r.index: r.status for r in summary.results}
    assert st == {0: "done", 1: "failed"}
    assert "quality" in summary.failed[0].error


@pytest.mark.slow
def test_ray_local_gives_identical_worlds(tmp_path):
    pytest.importorskip("ray")
    items = [{"prompt": p, "seed": i} for i, p in enumerate(PROMPTS[:3])]
    a = generate_many(items, tmp_path / "pool", workers=1, splats=BUDGET, progress=False)
    b = generate_many(items, tmp_path / "ray", workers=2, ray="local", splats=BUDGET, progress=False)
    assert not a.failed and not b.failed, b.table()
    for r in a.results:
        for name in ("splats.ply", "collider.glb", "world.json"):
            pa, pb = tmp_path / "pool" / r.name / name, tmp_path / "ray" / r.name / name
            assert pa.read_bytes() == pb.read_bytes(), name


def test_unwritable_output(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(ValidationError, match="not writable"):
        generate_many(["a lake"], tmp_path / "f" / "out", progress=False)
