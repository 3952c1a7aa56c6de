"""spatial reconstruct: capture -> World folder (CLI and Python), and clean failures on bad datasets."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from spatial.cli import main
from spatial.datasets.colmap import write_model_text
from spatial.datasets.synthetic import SKY, synthetic_dataset
from spatial.world import World


@pytest.fixture(scope="module")
def colmap_project(tmp_path_factory):
    root = tmp_path_factory.mktemp("proj")
    ds = synthetic_dataset(n_views=12, size=32, n_points=400, seed=1, supersample=1)
    (root / "images").mkdir()
    for v in ds.views:
        Image.fromarray(v.image).save(root / "images" / v.name)
    write_model_text(root / "sparse" / "0", ds.cameras, [v.name for v in ds.views], ds.points, ds.point_colors)
    return root


def test_cli_reconstruct_writes_a_world(colmap_project, tmp_path, capsys):
    out = tmp_path / "world"
    rc = main(["reconstruct", str(colmap_project), "-o", str(out), "--steps", "20", "--resolution", "32", "--sh-degree", "1",
               "--quiet", "--json"])
    assert rc == 0
    report = json.loads(capsys.readouterr().out)
    assert report["views"] == 12 and report["heldout_views"] == 2
    assert np.isfinite(report["heldout"]["psnr"])
    w = World.load(out)
    assert len(w.splats) > 0 and len(w.cameras) == 12 and w.preview is not None
    rec = w.metadata["reconstruct"]
    assert rec["dataset"]["source_format"] == "colmap text" and rec["metrics_heldout"]["views"] == 2
    assert (out / "fit_curve.png").is_file() and (out / "fit_preview.png").is_file()


def test_python_reconstruct_from_dataset(tmp_path):
    import spatial

    ds = synthetic_dataset(n_views=6, size=24, n_points=200, seed=2, supersample=1)
    w = spatial.reconstruct(None, tmp_path / "w", dataset=ds, steps=10, resolution=None, sh_degree=0, progress=False,
                            background=SKY, holdout=0)
    assert w.metadata["reconstruct"]["heldout_views"] == 0
    assert World.load(tmp_path / "w").splats.sh_degree == 0


def test_bad_dataset_writes_nothing(colmap_project, tmp_path):
    import shutil

    from spatial.datasets import DatasetError
    from spatial.fitting.reconstruct import reconstruct

    broken = tmp_path / "broken"
    shutil.copytree(colmap_project, broken)
    (broken / "images" / "view_005.png").write_bytes(b"garbage")
    with pytest.raises(DatasetError, match="view_005.png"):
        reconstruct(broken, tmp_path / "out", steps=5)
    assert not (tmp_path / "out").exists()
    # too few views
    ds = synthetic_dataset(n_views=2, size=16, n_points=50, seed=3, supersample=1)
    with pytest.raises(DatasetError, match="at least 3 views"):
        reconstruct(None, tmp_path / "out2", dataset=ds, steps=5)
    assert not (tmp_path / "out2").exists()
    # CLI: clear message, exit code 1
    assert main(["reconstruct", str(broken), "-o", str(tmp_path / "out3"), "--quiet"]) == 1
    assert not (tmp_path / "out3").exists()
