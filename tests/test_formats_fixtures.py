"""Real files made by other tools decode to the values in ../shared/fixtures/splats/README.md.

README values are in each file's own frame; spatial returns its world frame (+Y up, glTF), so the
expected values below go through the same conversions as docs/conventions.md: PLY/.splat/compressed
PLY are RDF (flip x and y), SPZ is RUB (flip x and z).
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch

from conftest import require_fixture
from spatial.cli import main as cli_main
from spatial.core.sh import flip_signs
from spatial.io import inspect, load, save

RDF = torch.tensor([-1.0, -1.0, 1.0])
RUB = torch.tensor([-1.0, 1.0, -1.0])


def fixture(name):
    return require_fixture("splats", name)


def test_lod4_tile_ply_matches_readme_and_plyfile():
    from plyfile import PlyData

    p = fixture("lod4_tile_0.ply")
    s = load(p)
    assert len(s) == 489 and s.sh_degree == 3
    lo, hi = s.bounds()
    raw_lo = torch.tensor([0.001249, 0.013350, 3.809329])
    raw_hi = torch.tensor([3.997190, 3.994967, 5.627389])
    # flipping x and y swaps min and max on those axes
    exp_lo = torch.where(RDF < 0, -raw_hi, raw_lo)
    exp_hi = torch.where(RDF < 0, -raw_lo, raw_hi)
    assert torch.allclose(lo, exp_lo, atol=2e-6) and torch.allclose(hi, exp_hi, atol=2e-6)
    assert torch.allclose(s.quats.norm(dim=1), torch.ones(489), atol=1e-6)  # file |q| is 0.46 .. 2.0
    assert math.isclose(float(s.logit_opacities.min()), -3.40, abs_tol=0.01)
    assert math.isclose(float(s.logit_opacities.max()), 16.74, abs_tol=0.01)
    assert math.isclose(float(s.log_scales[:, 0].min()), -19.77, abs_tol=0.01)
    assert math.isclose(float(s.log_scales[:, 0].max()), -0.37, abs_tol=0.01)
    # every value against an independent reader, through the documented frame conversion
    v = PlyData.read(str(p))["vertex"]
    raw_q = np.stack([v[f"rot_{i}"] for i in range(4)], 1)
    raw_q /= np.linalg.norm(raw_q, axis=1, keepdims=True)
    np.testing.assert_allclose(s.quats.numpy(), raw_q * np.array([1, -1, -1, 1]), atol=1e-6)
    signs = flip_signs(3, (-1, -1, 1)).numpy()
    for c in range(3):
        for k in range(15):
            np.testing.assert_array_equal(s.sh[:, 1 + k, c].numpy(), v[f"f_rest_{c * 15 + k}"] * signs[1 + k])
    info = inspect(p)
    assert info["format"] == "ply" and info["encoding"] == "binary_little_endian" and info["count"] == 489


def test_biker_spz_v4():
    p = fixture("biker.spz")
    info = inspect(p)
    assert (info["version"], info["container"], info["count"], info["sh_degree"]) == (4, "zstd", 152746, 0)
    assert info["fractional_bits"] == 12
    s = load(p)
    assert len(s) == 152746 and s.sh_degree == 0
    lo, hi = s.bounds()
    raw_lo = torch.tensor([-0.6213, 0.0, -0.6133])
    raw_hi = torch.tensor([0.4143, 3.1802, 0.5322])
    exp_lo = torch.where(RUB < 0, -raw_hi, raw_lo)
    exp_hi = torch.where(RUB < 0, -raw_lo, raw_hi)
    assert torch.allclose(lo, exp_lo, atol=1e-4) and torch.allclose(hi, exp_hi, atol=1e-4)
    assert float(hi[1]) > 3.0  # Y is up in spatial's frame too


def test_minimal_v3_spz():
    p = fixture("minimal-v3.spz")
    assert inspect(p)["version"] == 3
    s = load(p)
    raw = torch.tensor([[-1.0, 0, 1], [0, 0, 1], [-1, 0, 0], [0, 0, 0]])
    assert torch.allclose(s.means, raw * RUB)
    # decoded to RDF (PLY convention) the README gives z -> -z relative to raw: our frame agrees with it
    rdf = torch.tensor([[-1.0, 0, -1], [0, 0, -1], [-1, 0, 0], [0, 0, 0]])
    assert torch.allclose(s.means, rdf * RDF)
    assert torch.allclose(s.quats, torch.tensor([[1.0, 0, 0, 0]]).expand(4, 4), atol=2e-3)
    assert torch.allclose(s.scales, torch.full((4, 3), math.exp(-2.3125)), rtol=1e-5)
    assert torch.allclose(s.opacities, torch.full((4,), 230 / 255), atol=1e-6)


def test_minimal_v2_spz_uses_header_fractional_bits():
    p = fixture("minimal-v2.spz")
    info = inspect(p)
    assert info["version"] == 2 and info["fractional_bits"] == 8
    s = load(p)
    raw = torch.tensor([[-1.0, 0, -1], [0, 0, -1], [-1, 0, 0], [0, 0, 0]])
    assert torch.allclose(s.means, raw * RUB)


def test_minimal_splat():
    p = fixture("minimal.splat")
    s = load(p)
    raw = torch.tensor([[-1.0, 0, -1], [0, 0, -1], [-1, 0, 0], [0, 0, 0]])
    assert torch.allclose(s.means, raw * RDF)
    assert torch.allclose(s.scales, torch.full((4, 3), 0.1), rtol=1e-6)
    rgb = torch.tensor([[85, 85, 128], [170, 85, 128], [85, 170, 128], [170, 170, 128]]) / 255.0
    assert torch.allclose(s.colors, rgb, atol=1e-6)
    assert torch.allclose(s.opacities, torch.full((4,), 230 / 255), atol=1e-6)
    # bytes (128,128,128,255) are a 180-degree turn about z, not identity: same covariance for a sphere
    assert torch.allclose(s.covariances(), 0.01 * torch.eye(3).expand(4, 3, 3), atol=1e-5)


def test_playcanvas_compressed_ply():
    p = fixture("playcanvas_test.compressed.ply")
    info = inspect(p)
    assert (info["format"], info["count"], info["sh_degree"], info["version"]) == ("compressed_ply", 64, 3, "18-float chunks")
    s = load(p)
    lo, hi = s.bounds()
    raw_lo = torch.tensor([-1.3947, -0.8957, 0.2971])
    raw_hi = torch.tensor([-1.0929, -0.6671, 0.5488])
    exp_lo = torch.where(RDF < 0, -raw_hi, raw_lo)
    exp_hi = torch.where(RDF < 0, -raw_lo, raw_hi)
    assert torch.allclose(lo, exp_lo, atol=1e-4) and torch.allclose(hi, exp_hi, atol=1e-4)
    assert torch.allclose(s.quats.norm(dim=1), torch.ones(64), atol=1e-5)


ALL = ["lod4_tile_0.ply", "biker.spz", "minimal-v3.spz", "minimal-v2.spz", "minimal.splat",
       "playcanvas_test.compressed.ply"]
#: what ../shared/fixtures/splats/README.md says each file is: (format, version, count, SH degree)
EXPECTED_INFO = {
    "lod4_tile_0.ply": ("ply", "binary_little_endian 1.0", 489, 3),
    "biker.spz": ("spz", 4, 152_746, 0),
    "minimal-v3.spz": ("spz", 3, 4, 0),
    "minimal-v2.spz": ("spz", 2, 4, 0),
    "minimal.splat": ("splat", "antimatter15 (32 bytes/splat)", 4, 0),
    "playcanvas_test.compressed.ply": ("compressed_ply", "18-float chunks", 64, 3),
}


@pytest.mark.parametrize("name", ALL)
def test_cli_info_json(name, capsys):
    p = fixture(name)
    assert cli_main(["info", str(p), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    s = load(p)
    assert info["count"] == len(s) and info["sh_degree"] == s.sh_degree
    assert (info["format"], info["version"], info["count"], info["sh_degree"]) == EXPECTED_INFO[name]
    assert len(info["bounds_min"]) == 3 and 0 <= info["opacity_range"][0] <= info["opacity_range"][1] <= 1


@pytest.mark.parametrize("name", ALL)
def test_cli_convert_every_fixture_to_every_format(name, tmp_path, capsys):
    p = fixture(name)
    src = load(p)
    outputs = [("o.ply", []), ("o.spz", ["--spz-version", "2"]), ("o4.spz", ["--spz-version", "4"]),
               ("o.glb", []), ("o.gltf", []), ("o.splat", []), ("o.compressed.ply", []),
               ("d1.ply", ["--sh-degree", "1"]), ("a.ply", ["--ascii"])]
    if len(src) > 10_000:  # the big fixture: every output format once, the text formats on the small ones
        outputs = [o for o in outputs if o[0] not in ("o.gltf", "a.ply", "d1.ply")]
    for out, extra in outputs:
        dst = tmp_path / out
        assert cli_main(["convert", str(p), str(dst), *extra]) == 0
        got = load(dst)
        assert len(got) == len(src)
        if out == "d1.ply":
            assert got.sh_degree == 1
        tol = 0.02 if out.endswith("compressed.ply") else 2e-3
        assert torch.allclose(got.bounds()[0], src.bounds()[0], atol=tol)
    assert inspect(tmp_path / "o.spz")["version"] == 2
    assert inspect(tmp_path / "o4.spz")["version"] == 4
    if (tmp_path / "a.ply").exists():
        assert inspect(tmp_path / "a.ply")["encoding"] == "ascii"


def test_cli_info_human_readable_and_errors(tmp_path, capsys):
    assert cli_main(["info", str(fixture("biker.spz"))]) == 0
    out = capsys.readouterr().out
    assert "spz" in out and "152746" in out
    bad = tmp_path / "bad.spz"
    bad.write_bytes(b"\x1f\x8bnot really")
    assert cli_main(["info", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.spz" in err


def test_glb_from_fixture_roundtrip_matches_source(tmp_path):
    """lod4 -> our GLB -> back: same values (the glTF frame is spatial's frame)."""
    src = load(fixture("lod4_tile_0.ply"))
    save(src, tmp_path / "t.glb")
    got = load(tmp_path / "t.glb")
    assert torch.equal(got.means, src.means) and torch.equal(got.sh, src.sh)
    assert torch.allclose(got.covariances(), src.covariances(), rtol=1e-4, atol=1e-12)


def test_cli_convert_rejects_options_for_other_formats(tmp_path, capsys):
    p = fixture("minimal.splat")
    assert cli_main(["convert", str(p), str(tmp_path / "o.ply"), "--spz-version", "2"]) == 1
    assert "--spz-version" in capsys.readouterr().err
    assert cli_main(["convert", str(p), str(tmp_path / "o.spz"), "--ascii"]) == 1
    assert cli_main(["convert", str(p), str(tmp_path / "o.bin"), "--format", "spz", "--spz-version", "4"]) == 0
    assert inspect(tmp_path / "o.bin")["version"] == 4
    assert not (tmp_path / "o.ply").exists()
