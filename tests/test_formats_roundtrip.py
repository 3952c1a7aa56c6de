"""Write -> read round trips through every format stay within the documented quantization bounds."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
import torch
from formats_util import BOUNDS, SPZ_SH1, assert_within
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import random_splats
from spatial.core.splats import Splats
from spatial.io import inspect, load, save

# (file name, save options, bounds key, SH band-1 bound)
CASES = {
    "ply": ("s.ply", {}, "ply", None),
    "ply-ascii": ("s.ply", {"ascii": True}, "ply", None),
    "compressed_ply": ("s.compressed.ply", {}, "compressed_ply", None),
    "splat": ("s.splat", {}, "splat", None),
    "spz-v2": ("s.spz", {"version": 2}, "spz-v2", SPZ_SH1),
    "spz-v3": ("s.spz", {}, "spz", SPZ_SH1),
    "spz-v4": ("s.spz", {"version": 4}, "spz", SPZ_SH1),
    "glb": ("s.glb", {}, "gltf", None),
    "gltf": ("s.gltf", {}, "gltf", None),
    "gltf-bin": ("s.gltf", {"embed": False}, "gltf", None),
}


def roundtrip(tmp_path, s: Splats, case: str) -> Splats:
    name, opts, _, _ = CASES[case]
    p = tmp_path / name
    save(s, p, **opts)
    assert inspect(p)["count"] == len(s)
    return load(p)


def check(tmp_path, s: Splats, case: str) -> Splats:
    got = roundtrip(tmp_path, s, case)
    _, _, key, sh1 = CASES[case]
    assert_within(s, got, BOUNDS[key], sh1=sh1, label=case)
    return got


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("degree", [0, 3])
def test_random_sets(tmp_path, case, degree):
    s = random_splats(700, degree, seed=degree + 7, labels=True)
    got = check(tmp_path, s, case)
    if BOUNDS[CASES[case][2]].labels:
        assert torch.equal(got.labels, s.labels)
    else:
        assert got.labels is None


@pytest.mark.parametrize("case", ["ply", "spz-v3", "glb"])
@pytest.mark.parametrize("degree", [1, 2])
def test_intermediate_sh_degrees(tmp_path, case, degree):
    check(tmp_path, random_splats(50, degree, seed=3), case)


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("n", [0, 1])
def test_zero_and_one_splat(tmp_path, case, n):
    for degree in (0, 3):
        got = check(tmp_path, random_splats(n, degree, seed=n), case)
        assert len(got) == n


@pytest.mark.parametrize("case", list(CASES))
def test_unnormalized_quaternions_extreme_scales_and_opacities(tmp_path, case):
    n = 40
    g = torch.Generator().manual_seed(11)
    s = random_splats(n, 3, seed=5)
    quats = torch.randn(n, 4, generator=g) * torch.logspace(-3, 3, n)[:, None]  # |q| from 1e-3 to 1e3
    log_scales = torch.tensor([-25.0, -12.0, -10.0, -3.0, 0.0, 2.5, 5.9, 7.0, 12.0, 20.0]).repeat(n // 10 * 3)[: n * 3].view(n, 3)
    logits = torch.tensor([-40.0, -16.0, -9.0, 0.0, 9.0, 16.0, 40.0, 1e-3]).repeat(5)[:n]
    s = replace(s, quats=quats, log_scales=log_scales, logit_opacities=logits)
    got = check(tmp_path, s, case)
    # opacity exactly 0 and 1 survive as (numerically) 0 and 1 in every format
    op = got.opacities
    assert op[logits == -40].max() < 2.5e-3 and op[logits == 40].min() > 1 - 2.5e-3
    assert torch.isfinite(got.logit_opacities).all() and torch.isfinite(got.log_scales).all()


def test_zero_quaternion_reads_as_identity(tmp_path):
    s = random_splats(3, 0)
    s = replace(s, quats=torch.zeros(3, 4))
    for case in ("ply", "glb"):
        got = roundtrip(tmp_path, s, case)
        assert torch.allclose(got.quats, torch.tensor([[1.0, 0, 0, 0]] * 3))


def test_spz_large_scene_lowers_fractional_bits(tmp_path):
    s = random_splats(20, 0, extent=5000.0)
    p = tmp_path / "big.spz"
    save(s, p)
    info = inspect(p)
    assert info["fractional_bits"] < 12
    got = load(p)
    step = 2.0 ** -info["fractional_bits"]
    assert (got.means - s.means).abs().max() <= step / 2 + 1e-3


def test_spz_full_precision_sh_bits(tmp_path):
    s = random_splats(100, 3, seed=2)
    s = replace(s, sh=s.sh.clamp(-0.99, 0.99))
    save(s, tmp_path / "f.spz", sh_bits=8)
    got = load(tmp_path / "f.spz")
    assert (got.sh[:, 1:] - s.sh[:, 1:]).abs().max() <= 0.5 / 128 + 1e-6


def test_compressed_ply_morton_sort_is_a_permutation(tmp_path):
    from scipy.spatial import cKDTree

    s = random_splats(1000, 3, seed=9, extent=10.0)
    save(s, tmp_path / "m.compressed.ply", sort="morton")
    got = load(tmp_path / "m.compressed.ply")
    d, idx = cKDTree(s.means.numpy()).query(got.means.numpy())
    assert len(set(idx.tolist())) == len(s)
    assert d.max() < 0.05
    # sorting makes chunks tighter, so positions are more precise than without sorting
    save(s, tmp_path / "u.compressed.ply")
    plain = load(tmp_path / "u.compressed.ply")
    err_sorted = (got.means - s.means[torch.as_tensor(idx)]).abs().mean()
    assert err_sorted < 0.8 * (plain.means - s.means).abs().mean()


def test_ply_writes_inria_layout_readable_by_plyfile(tmp_path):
    from plyfile import PlyData

    s = random_splats(30, 3, labels=True)
    for ascii_ in (False, True):
        p = tmp_path / f"p{ascii_}.ply"
        save(s, p, ascii=ascii_)
        v = PlyData.read(str(p))["vertex"]
        names = [pp.name for pp in v.properties]
        assert names[:9] == ["x", "y", "z", "nx", "ny", "nz", "f_dc_0", "f_dc_1", "f_dc_2"]
        assert names[9:54] == [f"f_rest_{i}" for i in range(45)]
        assert names[54:] == ["opacity", "scale_0", "scale_1", "scale_2", "rot_0", "rot_1", "rot_2", "rot_3", "label"]
        assert np.all(v["nx"] == 0)
        # RDF frame: x and y flipped relative to spatial's world frame
        np.testing.assert_allclose(v["x"], -s.means[:, 0].numpy(), rtol=1e-6)
        np.testing.assert_allclose(v["z"], s.means[:, 2].numpy(), rtol=1e-6)
        np.testing.assert_array_equal(v["label"], s.labels.numpy())
        # f_rest channel-major: f_rest[c*15 + k] is coefficient k+1 of channel c (with the flip sign)
        from spatial.core.sh import flip_signs

        sign = flip_signs(3, (-1, -1, 1))
        np.testing.assert_allclose(v["f_rest_16"], (s.sh[:, 2, 1] * sign[2]).numpy(), rtol=1e-6)


def test_ply_property_order_and_extras_tolerated(tmp_path):
    """Properties found by name: splat-transform's order, extra properties, missing normals and f_rest."""
    n = 5
    rng = np.random.default_rng(0)
    names = ["x", "y", "z", "scale_0", "scale_1", "scale_2", "f_dc_0", "f_dc_1", "f_dc_2", "opacity",
             "rot_0", "rot_1", "rot_2", "rot_3", "confidence"]
    vals = rng.normal(size=(n, len(names))).astype("<f4")
    head = "ply\nformat binary_little_endian 1.0\nelement vertex 5\n" + "".join(f"property float {m}\n" for m in names)
    head += "element extra 2\nproperty uchar a\nend_header\n"
    p = tmp_path / "st.ply"
    p.write_bytes(head.encode() + vals.tobytes() + b"\0\0")
    s = load(p)
    assert s.sh_degree == 0
    np.testing.assert_allclose(s.means[:, 2].numpy(), vals[:, 2])
    np.testing.assert_allclose(s.means[:, 0].numpy(), -vals[:, 0])
    np.testing.assert_allclose(s.log_scales.numpy(), vals[:, 3:6])
    np.testing.assert_allclose(s.logit_opacities.numpy(), vals[:, 9])


def test_ply_big_endian_and_double_properties(tmp_path):
    s = random_splats(7, 1)
    save(s, tmp_path / "le.ply")
    ref = load(tmp_path / "le.ply")
    from plyfile import PlyData, PlyElement

    v = PlyData.read(str(tmp_path / "le.ply"))["vertex"].data
    dt = [(nm, ">f8") for nm in v.dtype.names]
    arr = np.array([tuple(r) for r in v], dtype=dt)
    PlyData([PlyElement.describe(arr, "vertex")], byte_order=">").write(str(tmp_path / "be.ply"))
    got = load(tmp_path / "be.ply")
    assert inspect(tmp_path / "be.ply")["encoding"] == "binary_big_endian"
    assert torch.allclose(got.means, ref.means) and torch.allclose(got.sh, ref.sh)


# ----------------------------------------------------------------------------------------- hypothesis
finite = dict(allow_nan=False, allow_infinity=False, width=32)


@st.composite
def splat_sets(draw):
    n = draw(st.integers(0, 12))
    degree = draw(st.integers(0, 3))
    k = (degree + 1) ** 2
    fl = lambda lo, hi, size: draw(st.lists(st.floats(lo, hi, **finite), min_size=size, max_size=size))  # noqa: E731
    means = torch.tensor(fl(-1000, 1000, n * 3), dtype=torch.float32).view(n, 3)
    q = torch.tensor(fl(-10, 10, n * 4), dtype=torch.float32).view(n, 4)
    ls = torch.tensor(fl(-30, 30, n * 3), dtype=torch.float32).view(n, 3)
    op = torch.tensor(fl(-30, 30, n), dtype=torch.float32)
    sh = torch.tensor(fl(-5, 5, n * k * 3), dtype=torch.float32).view(n, k, 3)
    labels = torch.tensor(draw(st.lists(st.integers(0, 1000), min_size=n, max_size=n)), dtype=torch.int32)
    return Splats(means, q, ls, op, sh, labels)


@pytest.mark.parametrize("case", ["ply", "ply-ascii", "compressed_ply", "splat", "spz-v2", "spz-v3", "spz-v4", "glb"])
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(s=splat_sets())
def test_hypothesis_roundtrip(tmp_path, case, s):
    check(tmp_path, s, case)


def test_quaternion_bound_is_tight_enough_to_matter():
    """The documented v2 bound (0.125 rad) is close to the real worst case of the first-three encoding near
    w=0, not slack: a rotation of almost 180 degrees loses that much even with the best of the 8 roundings."""
    from formats_util import rotation_angle

    from spatial.io.formats.spz import encode_arrays

    w = 0.05
    q = torch.tensor([[w, math.sqrt(1 - w * w), 0.0, 0.0]])
    s = Splats(torch.zeros(1, 3), q, torch.zeros(1, 3), torch.zeros(1), torch.zeros(1, 1, 3))
    _, arrays = encode_arrays("<mem>", s, version=2)
    rot = np.frombuffer(bytes(arrays[4]), np.uint8).astype(np.float32) / 127.5 - 1
    w2 = math.sqrt(max(0.0, 1 - float((rot**2).sum())))
    back = torch.tensor([[w2, -rot[0], rot[1], -rot[2]]])  # RUB -> spatial flips x and z: (w, fy fz x, fx fz y, fx fy z)
    assert 0.01 < float(rotation_angle(back, q)) <= BOUNDS["spz-v2"].rotation


@pytest.mark.parametrize("flips", [(-1, -1, 1), (-1, 1, -1), (1, 1, 1)])
@pytest.mark.parametrize("degree", [0, 1, 2, 3])
def test_reader_frame_conversion_is_splats_mirror(flips, degree):
    """Readers flip frames in place with Splats.mirror's own sign vectors: identical to calling it."""
    from spatial.io.formats._common import build_splats

    s = random_splats(64, degree, seed=degree)
    got = build_splats("<mem>", s.means.numpy().copy(), s.quats.numpy().copy(), s.log_scales.numpy().copy(),
                       s.logit_opacities.numpy().copy(), s.sh.numpy().copy(), flips)
    ref = s.normalized().mirror(flips)
    assert torch.equal(got.means, ref.means) and torch.equal(got.sh, ref.sh)
    assert torch.allclose(got.quats, ref.quats, atol=1e-7)


def test_spz_extension_records(tmp_path):
    """Adobe SH min/max quantization record: legacy (after the header) and v4 (ILV before the TOC)."""
    import gzip
    import struct

    import zstandard

    n = 2
    pos = bytes(9 * n)
    alpha, color, scale = bytes([255] * n), bytes([128] * 3 * n), bytes([96] * 3 * n)
    rot = struct.pack("<I", 3 << 30) * n  # identity, smallest three
    sh = bytes([0, 255, 51] * 3 * n)  # degree 1
    ext = struct.pack("<IBBff", 0xADBE0001, 5, 4, -2.0, 2.0)
    head = struct.pack("<IIIBBBB", 0x5053474E, 3, n, 1, 12, 0x2, 0)
    p = tmp_path / "ext3.spz"
    p.write_bytes(gzip.compress(head + ext + pos + alpha + color + scale + rot + sh))
    s3 = load(p)
    expect = torch.tensor([-2.0, 2.0, -2.0 + 51 / 255 * 4])
    # RUB -> spatial flips SH band 1 by (+, -, -) on (m=-1, 0, 1) = coefficient index 1..3
    signs = torch.tensor([1.0, -1.0, -1.0])
    assert torch.allclose(s3.sh[:, 1:, :], (expect.view(1, 1, 3) * signs.view(1, 3, 1)).expand(n, 3, 3), atol=1e-6)
    # v4 with the same record as [type][length][payload]
    arrays = [pos, alpha, color, scale, rot, sh]
    c = zstandard.ZstdCompressor()
    frames = [c.compress(a) for a in arrays]
    ilv = struct.pack("<II", 0xADBE0001, 10) + struct.pack("<BBff", 5, 4, -2.0, 2.0)
    toc_off = 32 + len(ilv)
    head4 = struct.pack("<IIIBBBBI12s", 0x5053474E, 4, n, 1, 12, 0x2, 6, toc_off, bytes(12))
    toc = b"".join(struct.pack("<QQ", len(f), len(a)) for f, a in zip(frames, arrays))
    p4 = tmp_path / "ext4.spz"
    p4.write_bytes(head4 + ilv + toc + b"".join(frames))
    s4 = load(p4)
    assert torch.equal(s4.sh, s3.sh)
    assert inspect(p4)["extensions"] == ["ADOBE_sh_quantization"]
    assert torch.allclose(s4.opacities, torch.full((n,), 1 - 1e-7), atol=1e-6)
