"""Malformed, hostile and truncated files raise FormatError naming the file and the problem.

Never another exception, never a hang, never an allocation beyond what the file could hold.
Every reader is fuzzed with hypothesis (mutated, truncated and spliced bytes of valid files).
"""

from __future__ import annotations

import gzip
import json
import struct
import tracemalloc
import zlib

import numpy as np
import pytest
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import random_splats
from spatial.errors import FormatError
from spatial.io import inspect, load, save

FORMATS = {"ply": "s.ply", "compressed_ply": "s.compressed.ply", "splat": "s.splat", "spz": "s.spz", "gltf": "s.glb"}


def expect_error(path, *words, fmt=None):
    with pytest.raises(FormatError) as ei:
        load(path, format=fmt)
    msg = str(ei.value)
    assert str(path) in msg, msg
    for w in words:
        assert w.lower() in msg.lower(), f"{w!r} not in {msg!r}"
    return msg


def small_bytes_peak(fn) -> int:
    """Peak traced allocation (bytes) while ``fn`` runs (numpy reports its buffers to tracemalloc)."""
    tracemalloc.start()
    try:
        fn()
    except FormatError:
        pass
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def _valid(tmp_path, fmt, n=20, degree=1, **opts):
    p = tmp_path / ("valid_" + FORMATS[fmt])
    save(random_splats(n, degree, seed=1), p, **opts)
    return p


# ------------------------------------------------------------------------------------------ truncation
@pytest.mark.parametrize("fmt", list(FORMATS))
def test_truncated_files(tmp_path, fmt):
    data = _valid(tmp_path, fmt).read_bytes()
    cuts = sorted({0, 1, 3, 4, 10, 16, 31, len(data) // 3, len(data) // 2, len(data) - 5, len(data) - 1})
    if fmt == "splat":  # headerless: any multiple of 32 bytes is a valid (shorter) file
        cuts = [c for c in cuts if c % 32]
    for cut in cuts:
        p = tmp_path / f"cut{cut}_{FORMATS[fmt]}"
        p.write_bytes(data[:cut])
        with pytest.raises(FormatError) as ei:
            load(p, format=fmt)
        assert p.name in str(ei.value)


def test_spz_v4_truncated(tmp_path):
    data = _valid(tmp_path, "spz", version=4).read_bytes()
    for cut in (20, 40, 100, len(data) - 1):
        p = tmp_path / "t.spz"
        p.write_bytes(data[:cut])
        expect_error(p)


# ------------------------------------------------------------------------------------------ wrong magic
def test_wrong_magic(tmp_path):
    p = tmp_path / "x.ply"
    p.write_bytes(b"plx\nformat binary_little_endian 1.0\nend_header\n")
    expect_error(p, "ply", fmt="ply")
    p = tmp_path / "x.spz"
    p.write_bytes(gzip.compress(b"ABCD" + bytes(60)))
    expect_error(p, "magic")
    p.write_bytes(b"NGSX" + bytes(60))
    expect_error(p, fmt="spz")
    p = tmp_path / "x.glb"
    p.write_bytes(b"glTX" + bytes(60))
    expect_error(p, fmt="gltf")
    p = tmp_path / "x.unknown"
    p.write_bytes(b"hello world")
    expect_error(p, "unrecognized")
    p = tmp_path / "x.splat"
    p.write_bytes(bytes(33))
    expect_error(p, "multiple of 32")


# ------------------------------------------------------------------------------------------ huge counts
def _ply_header(n, fmt="binary_little_endian"):
    props = ["x", "y", "z", "f_dc_0", "f_dc_1", "f_dc_2", "opacity", "scale_0", "scale_1", "scale_2",
             "rot_0", "rot_1", "rot_2", "rot_3"]
    return (f"ply\nformat {fmt} 1.0\nelement vertex {n}\n" + "".join(f"property float {m}\n" for m in props)
            + "end_header\n").encode()


def test_header_claims_1e12_splats(tmp_path):
    cases = {}
    cases["a.ply"] = _ply_header(10**12) + bytes(56 * 10)
    cases["b.ply"] = _ply_header(10**12, "ascii") + b"0 " * 140
    hdr = struct.pack("<IIIBBBB", 0x5053474E, 3, 2**32 - 1, 3, 12, 0, 0)
    cases["c.spz"] = gzip.compress(hdr + bytes(1000))
    v4 = struct.pack("<IIIBBBBI12s", 0x5053474E, 4, 2**32 - 1, 0, 12, 0, 5, 32, bytes(12))
    v4 += b"".join(struct.pack("<QQ", 10, (2**32 - 1) * s) for s in (9, 1, 3, 3, 4)) + bytes(50)
    cases["d.spz"] = v4
    cply = (b"ply\nformat binary_little_endian 1.0\nelement chunk 3906250000\n"
            + b"".join(f"property float {p}\n".encode() for p in
                       ["min_x", "min_y", "min_z", "max_x", "max_y", "max_z", "min_scale_x", "min_scale_y",
                        "min_scale_z", "max_scale_x", "max_scale_y", "max_scale_z"])
            + b"element vertex 1000000000000\nproperty uint packed_position\nproperty uint packed_rotation\n"
            + b"property uint packed_scale\nproperty uint packed_color\nend_header\n" + bytes(100))
    cases["e.compressed.ply"] = cply
    gl = {"asset": {"version": "2.0"}, "extensionsUsed": ["KHR_gaussian_splatting"],
          "buffers": [{"byteLength": 12, "uri": "data:application/octet-stream;base64,AAAAAAAAAAAAAAAA"}],
          "bufferViews": [{"buffer": 0, "byteLength": 12}],
          "accessors": [{"bufferView": 0, "componentType": 5126, "type": "VEC3", "count": 10**12}] * 4,
          "meshes": [{"primitives": [{"mode": 0, "attributes": {"POSITION": 0, "KHR_gaussian_splatting:ROTATION": 1,
                                                                "KHR_gaussian_splatting:SCALE": 2},
                                      "extensions": {"KHR_gaussian_splatting": {}}}]}]}
    cases["f.gltf"] = json.dumps(gl).encode()
    for name, data in cases.items():
        p = tmp_path / name
        p.write_bytes(data)
        peak = small_bytes_peak(lambda: load(p))
        expect_error(p)
        assert peak < 5_000_000, f"{name}: {peak} bytes allocated for a hostile header"
        with pytest.raises(FormatError):
            inspect(p)


# ------------------------------------------------------------------------------------------ NaN / Inf
def test_nan_and_inf_rejected(tmp_path):
    vals = np.zeros((3, 14), "<f4")
    vals[:, 10] = 1
    for col, bad in ((0, np.nan), (7, np.inf), (6, np.nan), (3, np.nan), (12, np.inf), (1, -np.inf)):
        v = vals.copy()
        v[1, col] = bad
        p = tmp_path / "nan.ply"
        p.write_bytes(_ply_header(3) + v.tobytes())
        expect_error(p, "NaN/Inf", "splat 1")
    # saturated values other tools write are kept: opacity logit +-inf (alpha 0/1), log-scale -inf (zero size)
    v = vals.copy()
    v[0, 6], v[1, 6], v[2, 7] = np.inf, -np.inf, -np.inf
    p = tmp_path / "sat.ply"
    p.write_bytes(_ply_header(3) + v.tobytes())
    s = load(p)
    assert float(s.opacities[0]) > 1 - 1e-6 and float(s.opacities[1]) < 1e-6
    assert float(s.scales[2, 0]) <= 1e-29
    p = tmp_path / "nan_ascii.ply"
    p.write_bytes(_ply_header(1, "ascii") + b"nan 0 0 0 0 0 0 0 0 0 1 0 0 0\n")
    expect_error(p, "NaN/Inf")
    rec = np.zeros(2, dtype=[("pos", "<f4", 3), ("scale", "<f4", 3), ("rgba", "u1", 4), ("rot", "u1", 4)])
    rec["scale"][1, 2] = np.inf
    p = tmp_path / "inf.splat"
    p.write_bytes(rec.tobytes())
    expect_error(p, "NaN/Inf")
    # glTF: an Inf scale
    s = random_splats(3, 0)
    save(s, tmp_path / "ok.gltf")
    doc = json.loads((tmp_path / "ok.gltf").read_text())
    import base64

    uri = doc["buffers"][0]["uri"]
    raw = bytearray(base64.b64decode(uri.split(",", 1)[1]))
    scale_view = doc["bufferViews"][doc["meshes"][0]["primitives"][0]["attributes"]["KHR_gaussian_splatting:SCALE"]]
    raw[scale_view["byteOffset"]: scale_view["byteOffset"] + 4] = struct.pack("<f", float("inf"))
    doc["buffers"][0]["uri"] = "data:application/octet-stream;base64," + base64.b64encode(bytes(raw)).decode()
    (tmp_path / "inf.gltf").write_text(json.dumps(doc))
    expect_error(tmp_path / "inf.gltf", "NaN/Inf")


def test_writers_refuse_nan(tmp_path):
    s = random_splats(4, 0)
    s.means[2, 1] = float("nan")
    for name in FORMATS.values():
        with pytest.raises(FormatError) as ei:
            save(s, tmp_path / name)
        assert "NaN" in str(ei.value)
        assert not (tmp_path / name).exists()


# ------------------------------------------------------------------------------------------ properties
def test_missing_and_unknown_properties(tmp_path):
    p = tmp_path / "m.ply"
    p.write_bytes(_ply_header(1).replace(b"property float rot_3\n", b"") + bytes(13 * 4))
    expect_error(p, "rot_3")
    p.write_bytes(b"ply\nformat binary_little_endian 1.0\nelement vertex 1\nproperty float x\nproperty float y\n"
                  b"property float z\nproperty uchar red\nend_header\n" + bytes(13))
    expect_error(p, "not a 3D Gaussian splat PLY")
    p.write_bytes(_ply_header(1).replace(b"property float x", b"property float128 x") + bytes(56))
    expect_error(p, "unknown PLY property type")
    p.write_bytes(_ply_header(1).replace(b"element vertex", b"elephant vertex") + bytes(56))
    expect_error(p, "unknown PLY header keyword")
    p.write_bytes(_ply_header(1).replace(b"end_header\n", b"property float f_rest_0\nproperty float f_rest_1\nend_header\n")
                  + bytes(64))
    expect_error(p, "f_rest")
    p.write_bytes(_ply_header(1).replace(b"vertex 1\n", b"vertex 1\nproperty list uchar int faces\n") + bytes(60))
    expect_error(p, "list")
    p = tmp_path / "noattr.glb"
    save(random_splats(2, 0), p)
    data = bytearray(p.read_bytes())
    i = data.find(b"KHR_gaussian_splatting:ROTATION")
    data[i: i + 31] = b"KHR_gaussian_splatting:ROTATIOX"
    p.write_bytes(bytes(data))
    expect_error(p, "ROTATION")


# ------------------------------------------------------------------------------------------ versions
def test_unsupported_versions(tmp_path):
    p = tmp_path / "v.spz"
    p.write_bytes(gzip.compress(struct.pack("<IIIBBBB", 0x5053474E, 7, 1, 0, 12, 0, 0) + bytes(19)))
    expect_error(p, "unsupported SPZ version 7")
    p.write_bytes(struct.pack("<IIIBBBBI12s", 0x5053474E, 5, 1, 0, 12, 0, 5, 32, bytes(12)) + bytes(200))
    expect_error(p, "unsupported SPZ version 5")
    p = tmp_path / "v.ply"
    p.write_bytes(_ply_header(0).replace(b"1.0", b"2.0"))
    expect_error(p, "version")
    p = tmp_path / "v.glb"
    p.write_bytes(struct.pack("<4sII", b"glTF", 1, 40) + bytes(28))
    expect_error(p, "GLB version 1")
    p = tmp_path / "v.gltf"
    p.write_text(json.dumps({"asset": {"version": "1.0"}}))
    expect_error(p, "glTF version")
    p.write_text(json.dumps({"asset": {"version": "2.0"}, "extensionsRequired": ["KHR_draco_mesh_compression"]}))
    expect_error(p, "KHR_draco_mesh_compression")


def test_gltf_structural_errors(tmp_path):
    save(random_splats(4, 1), tmp_path / "g.gltf")
    base = json.loads((tmp_path / "g.gltf").read_text())

    def variant(mutate, *words):
        doc = json.loads(json.dumps(base))
        mutate(doc)
        p = tmp_path / "bad.gltf"
        p.write_text(json.dumps(doc))
        expect_error(p, *words)

    prim = lambda d: d["meshes"][0]["primitives"][0]  # noqa: E731
    variant(lambda d: prim(d).__setitem__("mode", 4), "mode")
    variant(lambda d: d["accessors"][2].__setitem__("sparse", {}), "sparse")
    variant(lambda d: prim(d)["attributes"].pop("KHR_gaussian_splatting:SH_DEGREE_1_COEF_1"), "incomplete")
    variant(lambda d: d["buffers"][0].__setitem__("uri", "../../etc/passwd"), "outside")
    variant(lambda d: d["buffers"][0].__setitem__("uri", "https://example.com/x.bin"), "relative")
    variant(lambda d: d["bufferViews"][0].__setitem__("byteOffset", 10**9), "bufferView")
    variant(lambda d: d["nodes"][0].__setitem__("scale", [1, 2, 1]), "non-uniform")
    variant(lambda d: d["nodes"][0].__setitem__("children", [0]), "deep or cyclic")
    variant(lambda d: d.__setitem__("meshes", []), "mesh")
    variant(lambda d: prim(d)["attributes"].__setitem__("KHR_gaussian_splatting:SH_DEGREE_3_COEF_0", 0), "contiguous")


def test_gltf_node_transform_applied(tmp_path):
    """A node with rotation/translation/uniform scale moves the splats (and rotates SH)."""
    import torch

    s = random_splats(10, 2)
    save(s, tmp_path / "n.gltf")
    doc = json.loads((tmp_path / "n.gltf").read_text())
    doc["nodes"][0].update({"translation": [1, 2, 3], "rotation": [0, 0.7071068, 0, 0.7071068], "scale": [2, 2, 2]})
    (tmp_path / "n2.gltf").write_text(json.dumps(doc))
    got = load(tmp_path / "n2.gltf")
    from spatial.core.rotation import quat_to_rotmat

    r = quat_to_rotmat(torch.tensor([0.7071068, 0, 0.7071068, 0]))
    exp = s.transform(rotation=r, translation=[1, 2, 3], scale=2.0)
    assert torch.allclose(got.means, exp.means, atol=1e-5)
    assert torch.allclose(got.covariances(), exp.covariances(), atol=1e-6)
    assert torch.allclose(got.sh, exp.sh, atol=1e-4)


def test_gltf_early_draft_and_color_fallback(tmp_path):
    """Draft attribute names (_ROTATION/_SCALE, colour+opacity in COLOR_0) and negative (log) scales."""
    import base64

    import torch

    n = 3
    pos = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0]], "<f4")
    rot = np.array([[0, 0, 0, 1]] * n, "<f4")
    logscale = np.full((n, 3), -2.0, "<f4")
    col = np.array([[255, 0, 0, 128]] * n, "u1")
    blob = pos.tobytes() + rot.tobytes() + logscale.tobytes() + col.tobytes()
    views = [{"buffer": 0, "byteOffset": o, "byteLength": ln} for o, ln in ((0, 36), (36, 48), (84, 36), (120, 12))]
    doc = {"asset": {"version": "2.0"}, "extensionsUsed": ["KHR_gaussian_splatting"],
           "buffers": [{"byteLength": len(blob), "uri": "data:application/octet-stream;base64," + base64.b64encode(blob).decode()}],
           "bufferViews": views,
           "accessors": [{"bufferView": 0, "componentType": 5126, "type": "VEC3", "count": n},
                         {"bufferView": 1, "componentType": 5126, "type": "VEC4", "count": n},
                         {"bufferView": 2, "componentType": 5126, "type": "VEC3", "count": n},
                         {"bufferView": 3, "componentType": 5121, "normalized": True, "type": "VEC4", "count": n}],
           "meshes": [{"primitives": [{"mode": 0, "attributes": {"POSITION": 0, "_ROTATION": 1, "_SCALE": 2, "COLOR_0": 3},
                                       "extensions": {"KHR_gaussian_splatting": {}}}]}],
           "nodes": [{"mesh": 0}], "scenes": [{"nodes": [0]}]}
    p = tmp_path / "draft.gltf"
    p.write_text(json.dumps(doc))
    s = load(p)
    assert torch.allclose(s.log_scales, torch.full((n, 3), -2.0))  # negative => log-space draft
    assert torch.allclose(s.opacities, torch.full((n,), 128 / 255), atol=1e-6)
    assert torch.allclose(s.colors[:, 0], torch.ones(n), atol=1e-5)  # linear 1.0 -> sRGB 1.0
    assert "early draft" in inspect(p)["version"]
    logscale[:] = 2.0  # positive values: read as linear (ratified semantics)
    blob = pos.tobytes() + rot.tobytes() + logscale.tobytes() + col.tobytes()
    doc["buffers"][0]["uri"] = "data:application/octet-stream;base64," + base64.b64encode(blob).decode()
    p.write_text(json.dumps(doc))
    assert torch.allclose(load(p).scales, torch.full((n, 3), 2.0))


# ------------------------------------------------------------------------------------------ zip bombs
def test_spz_gzip_bomb(tmp_path):
    hdr = struct.pack("<IIIBBBB", 0x5053474E, 3, 10, 0, 12, 0, 0)
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    bomb = c.compress(hdr)
    zeros = bytes(1 << 20)
    for _ in range(256):  # 256 MiB of zeros behind a 10-splat header, ~250 KB compressed
        bomb += c.compress(zeros)
    bomb += c.flush()
    p = tmp_path / "bomb.spz"
    p.write_bytes(bomb)
    assert len(bomb) < 1_000_000
    peak = small_bytes_peak(lambda: load(p))
    expect_error(p, "zip bomb")
    assert peak < 20_000_000, peak
    # the same payload claiming a count the file cannot hold is refused before decompressing
    hdr = struct.pack("<IIIBBBB", 0x5053474E, 3, 2**31, 3, 12, 0, 0)
    p.write_bytes(gzip.compress(hdr + bytes(1 << 16)))
    expect_error(p, "cannot hold")


def test_spz_zstd_bomb(tmp_path):
    n = 10
    sizes = [n * 9, n, n * 3, n * 3, n * 4]
    cctx = zstandard.ZstdCompressor(level=19)
    big = cctx.compress(bytes(200 << 20))  # 200 MiB of zeros in one small frame
    frames = [big] + [cctx.compress(bytes(s)) for s in sizes[1:]]
    head = struct.pack("<IIIBBBBI12s", 0x5053474E, 4, n, 0, 12, 0, 5, 32, bytes(12))
    toc = b"".join(struct.pack("<QQ", len(f), s) for f, s in zip(frames, sizes))
    p = tmp_path / "bomb4.spz"
    p.write_bytes(head + toc + b"".join(frames))
    peak = small_bytes_peak(lambda: load(p))
    expect_error(p, "zstd frame holds")
    assert peak < 20_000_000, peak
    # TOC claiming a size zstd cannot produce from that many bytes
    toc = b"".join(struct.pack("<QQ", len(f), s) for f, s in zip(frames, sizes))
    head = struct.pack("<IIIBBBBI12s", 0x5053474E, 4, 2**30, 0, 12, 0, 5, 32, bytes(12))
    toc = b"".join(struct.pack("<QQ", len(f), s * (2**30 // n)) for f, s in zip(frames, sizes))
    p.write_bytes(head + toc + b"".join(frames))
    expect_error(p)


# ------------------------------------------------------------------------------------------ fuzzing
def _variants(tmp_path_factory):
    """Small valid files per reader (several flavours each)."""
    d = tmp_path_factory.mktemp("fuzz_base")
    s = random_splats(12, 2, seed=4, labels=True)
    out = {}
    for fmt, name, opts in [("ply", "a.ply", {}), ("ply", "b.ply", {"ascii": True}),
                            ("compressed_ply", "c.compressed.ply", {}), ("splat", "d.splat", {}),
                            ("spz", "e.spz", {"version": 2}), ("spz", "f.spz", {"version": 3}),
                            ("spz", "g.spz", {"version": 4}), ("gltf", "h.glb", {}), ("gltf", "i.gltf", {})]:
        save(s, d / name, **opts)
        out.setdefault(fmt, []).append((name, (d / name).read_bytes()))
    return out


@pytest.fixture(scope="module")
def fuzz_bases(tmp_path_factory):
    return _variants(tmp_path_factory)


mutation = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 10**6), st.integers(1, 255)),
    st.tuples(st.just("set"), st.integers(0, 10**6), st.sampled_from([0, 1, 0x7F, 0x80, 0xFF])),
    st.tuples(st.just("truncate"), st.integers(0, 10**6), st.just(0)),
    st.tuples(st.just("insert"), st.integers(0, 10**6), st.integers(0, 255)),
    st.tuples(st.just("delete"), st.integers(0, 10**6), st.integers(1, 64)),
    st.tuples(st.just("u32"), st.integers(0, 10**6), st.sampled_from([0, 1, 255, 2**16, 2**31 - 1, 2**32 - 1])),
)


def mutate(data: bytes, muts) -> bytes:
    b = bytearray(data)
    for kind, pos, val in muts:
        if not b and kind != "insert":
            continue
        i = pos % max(len(b), 1)
        if kind == "flip":
            b[i] ^= val
        elif kind == "set":
            b[i] = val
        elif kind == "truncate":
            del b[i:]
        elif kind == "insert":
            b[i:i] = bytes([val])
        elif kind == "delete":
            del b[i: i + val]
        elif kind == "u32" and i + 4 <= len(b):
            b[i: i + 4] = struct.pack("<I", val)
    return bytes(b)


def _fuzz_one(tmp_path, fmt, name, data):
    p = tmp_path / f"fz_{name}"
    p.write_bytes(data)
    try:
        s = load(p, format=fmt)
    except FormatError as e:
        assert p.name in str(e)
        return
    # when a mutated file still decodes, it decodes to something well-formed
    import torch

    assert torch.isfinite(s.means).all() and torch.isfinite(s.quats).all()


FUZZ = settings(max_examples=int(__import__("os").environ.get("SPATIAL_FUZZ_EXAMPLES", 60)), deadline=5000, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                         HealthCheck.too_slow])


@pytest.mark.parametrize("fmt", list(FORMATS))
@FUZZ
@given(which=st.integers(0, 10), muts=st.lists(mutation, min_size=1, max_size=6))
def test_fuzz_bytes(tmp_path, fuzz_bases, fmt, which, muts):
    name, data = fuzz_bases[fmt][which % len(fuzz_bases[fmt])]
    _fuzz_one(tmp_path, fmt, name, mutate(data, muts))


@FUZZ
@given(which=st.integers(0, 1), muts=st.lists(mutation, min_size=1, max_size=6))
def test_fuzz_spz_payload(tmp_path, fuzz_bases, which, muts):
    """Mutate the decompressed SPZ payload and re-compress, so the fuzzer gets past the gzip layer."""
    name, data = fuzz_bases["spz"][which]
    payload = gzip.decompress(data)
    _fuzz_one(tmp_path, "spz", name, gzip.compress(mutate(payload, muts), 1))


@FUZZ
@given(muts=st.lists(mutation, min_size=1, max_size=4), which=st.integers(0, 10**6),
       value=st.one_of(st.integers(-2**40, 2**40), st.floats(allow_nan=True), st.text(max_size=3), st.none(),
                       st.lists(st.integers(-5, 5), max_size=4), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2)))
def test_fuzz_gltf_json(tmp_path, fuzz_bases, muts, which, value):
    """Replace one JSON value of a valid glTF with a hostile one (and mutate the JSON text)."""
    name, data = fuzz_bases["gltf"][1]
    doc = json.loads(data)
    slots = []

    def walk(o):
        if isinstance(o, dict):
            for k in o:
                slots.append((o, k))
                walk(o[k])
        elif isinstance(o, list):
            for i in range(len(o)):
                slots.append((o, i))
                walk(o[i])

    walk(doc)
    obj, key = slots[which % len(slots)]
    obj[key] = value
    text = json.dumps(doc).encode()
    _fuzz_one(tmp_path, "gltf", name, mutate(text, muts) if which % 3 == 0 else text)


@FUZZ
@given(n=st.integers(0, 2**32 - 1), degree=st.integers(0, 255), fb=st.integers(0, 255), flags=st.integers(0, 255),
       version=st.integers(0, 6), body=st.binary(max_size=400), v4=st.booleans(), nstreams=st.integers(0, 8),
       toc=st.integers(0, 2**32 - 1))
def test_fuzz_spz_headers(tmp_path, n, degree, fb, flags, version, body, v4, nstreams, toc):
    if v4:
        data = struct.pack("<IIIBBBBI12s", 0x5053474E, version, n, degree, fb, flags, nstreams, toc, bytes(12)) + body
    else:
        data = gzip.compress(struct.pack("<IIIBBBB", 0x5053474E, version, n, degree, fb, flags, 0) + body, 1)
    _fuzz_one(tmp_path, "spz", "h.spz", data)


@FUZZ
@given(header=st.lists(st.sampled_from([
    "format binary_little_endian 1.0", "format ascii 1.0", "format binary_big_endian 1.0", "element vertex 3",
    "element vertex 99999999999", "element chunk 1", "element sh 3", "property float x", "property float y",
    "property float z", "property float f_dc_0", "property float f_dc_1", "property float f_dc_2",
    "property float opacity", "property float scale_0", "property float scale_1", "property float scale_2",
    "property float rot_0", "property float rot_1", "property float rot_2", "property float rot_3",
    "property uchar label", "property list uchar int f", "property uint packed_position", "comment hi",
    "property double f_rest_0", "property float min_x", "element vertex -1"]), max_size=24),
    body=st.binary(max_size=300))
def test_fuzz_ply_headers(tmp_path, header, body):
    data = ("ply\n" + "\n".join(header) + "\nend_header\n").encode() + body
    for fmt in ("ply", "compressed_ply"):
        _fuzz_one(tmp_path, fmt, "h.ply", data)
