"""World folders keep per-splat labels with splat formats that have no label field (SPZ): labels.bin."""

import json

import numpy as np
import pytest
import torch

from conftest import random_splats
from spatial.errors import FormatError, ValidationError
from spatial.world import World


def _world(labels: torch.Tensor | None, n: int = 200) -> World:
    s = random_splats(n, 1, seed=3)
    s.labels = labels
    return World(splats=s, name="sidecar", seed=1)


@pytest.mark.parametrize("hi,dtype,width", [(13, "uint8", 1), (255, "uint8", 1), (256, "uint16", 2), (65535, "uint16", 2)])
def test_spz_world_keeps_labels(tmp_path, hi, dtype, width):
    g = torch.Generator().manual_seed(hi)
    lab = torch.randint(0, hi + 1, (200,), generator=g, dtype=torch.int32)
    lab[0] = hi
    folder = _world(lab).save(tmp_path / "w", splat_format="spz")
    meta = json.loads((folder / "world.json").read_text())
    assert meta["files"]["labels"] == {"path": "labels.bin", "dtype": dtype, "count": 200}
    raw = (folder / "labels.bin").read_bytes()
    assert len(raw) == 200 * width
    # raw little-endian, in splat order
    assert np.array_equal(np.frombuffer(raw, dtype=f"<u{width}"), lab.numpy())
    back = World.load(folder)
    assert back.splats.labels is not None and back.splats.labels.dtype == torch.int32
    assert torch.equal(back.splats.labels, lab)


def test_labeled_formats_and_unlabeled_worlds_write_no_sidecar(tmp_path):
    lab = torch.arange(200, dtype=torch.int32) % 14
    for fmt in ("ply", "glb"):
        folder = _world(lab).save(tmp_path / fmt, splat_format=fmt)
        assert not (folder / "labels.bin").exists()
        assert "labels" not in json.loads((folder / "world.json").read_text())["files"]
        assert torch.equal(World.load(folder).splats.labels, lab)
    folder = _world(None).save(tmp_path / "none", splat_format="spz")
    assert not (folder / "labels.bin").exists() and World.load(folder).splats.labels is None


def test_labels_out_of_range_are_refused(tmp_path):
    with pytest.raises(ValidationError, match="0..65535"):
        _world(torch.full((200,), 70000, dtype=torch.int32)).save(tmp_path / "w", splat_format="spz")
    with pytest.raises(ValidationError):
        _world(torch.full((200,), -1, dtype=torch.int32)).save(tmp_path / "w2", splat_format="spz")


def test_bad_sidecars_are_format_errors(tmp_path):
    lab = torch.arange(200, dtype=torch.int32) % 14
    folder = _world(lab).save(tmp_path / "w", splat_format="spz")
    meta_path = folder / "world.json"
    good = json.loads(meta_path.read_text())

    def load_with(files_labels=None, data: bytes | None = None):
        meta = json.loads(json.dumps(good))
        if files_labels is not None:
            meta["files"]["labels"] = files_labels
        meta_path.write_text(json.dumps(meta))
        if data is not None:
            (folder / "labels.bin").write_bytes(data)
        return World.load(folder)

    with pytest.raises(FormatError, match="holds 199 labels"):
        load_with(data=bytes(199))
    with pytest.raises(FormatError, match="dtype"):
        load_with({"path": "labels.bin", "dtype": "int64", "count": 200}, bytes(200))
    with pytest.raises(FormatError, match="escapes"):
        load_with({"path": "../labels.bin", "dtype": "uint8", "count": 200})
    with pytest.raises(FormatError, match="missing"):
        load_with({"path": "nope.bin", "dtype": "uint8", "count": 200})
    with pytest.raises(FormatError):
        load_with({"path": "labels.bin", "dtype": "uint8", "count": "200"})
    with pytest.raises(FormatError):
        load_with("labels.bin")
    assert torch.equal(load_with(good["files"]["labels"], lab.numpy().astype("<u1").tobytes()).splats.labels, lab)
