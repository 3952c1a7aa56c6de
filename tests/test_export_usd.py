"""OpenUSD export (engine "usd") and the USD splat format: usd-core's validators, round trips, a pxr-only reader.

Skipped only when usd-core (with UsdVol.ParticleField3DGaussianSplat) is not installed; CI installs it via the
``all`` extra.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch
import trimesh

pxr = pytest.importorskip("pxr")
from pxr import Gf, Sdf, Usd, UsdGeom, UsdPhysics, UsdSemantics, UsdValidation, UsdVol, Vt

if not hasattr(UsdVol, "ParticleField3DGaussianSplat"):
    pytest.skip("usd-core without ParticleField3DGaussianSplat (needs OpenUSD >= 26.03)", allow_module_level=True)

from conftest import random_splats

import spatial
from spatial.core.camera import Camera
from spatial.errors import FormatError, ValidationError
from spatial.world import Spawn, World

SCENE = [  # the world.json scene graph records (issue 15 / insert_asset): id, kind, label, transform, bbox
    {"id": 0, "kind": "well", "label": 5, "position": [2.0, 0.0, -1.0], "yaw_deg": 30.0, "scale": 1.0,
     "bbox": [[1.2, 0.0, -1.8], [2.8, 1.6, -0.2]]},
    {"id": 7, "kind": "barrel", "label": 12, "transform": [[1, 0, 0, -3.0], [0, 1, 0, 0.0], [0, 0, 1, 2.0], [0, 0, 0, 1]],
     "bbox": [[-3.4, 0.0, 1.6], [-2.6, 1.0, 2.4]]},
]


def _room_world(scene: bool = True, sh_degree: int = 3) -> World:
    floor = trimesh.creation.box((20, 0.2, 20), trimesh.transformations.translation_matrix([0, -0.1, 0]))
    crate = trimesh.creation.box((1, 1, 1), trimesh.transformations.translation_matrix([-3, 0.5, 2]))
    s = random_splats(800, sh_degree, seed=5, labels=True, extent=8.0)
    s.means[:, 1] = s.means[:, 1].abs() * 0.3
    cam = Camera(300.0, 280.0, 170.0, 110.0, 320, 240, Camera.look_at_viewmat([0, 1.6, 5], [0, 1, 0]), "front")
    w = World(splats=s, collider=trimesh.util.concatenate([floor, crate]), spawn=Spawn((1.0, 0.0, 2.0), 90.0),
              name="usd room", prompt="a room", seed=4, cameras=[cam])
    if scene:
        w.metadata["scene"] = [dict(e) for e in SCENE]
    return w


def _issues(stage_path) -> list[str]:
    """What ``usdchecker`` reports: every validator registered with usd-core 26.11's UsdValidation (the framework
    that replaced the Python UsdUtils.ComplianceChecker, which 26.11 no longer ships)."""
    stage = Usd.Stage.Open(str(stage_path))
    assert stage, stage_path
    reg = UsdValidation.ValidationRegistry()
    errors = UsdValidation.ValidationContext(reg.GetOrLoadAllValidators()).Validate(stage)
    return [f"{e.GetType()} {e.GetName()}: {e.GetMessage()}" for e in errors]


def _export(world, out, **kw):
    m = json.loads(spatial.export(world, "usd", out, progress=False, **kw).read_text())
    root = out / ("world.usdc" if kw.get("binary") else "world.usda")
    assert root.is_file() and all((out / f["path"]).is_file() for f in m["files"])
    return m, root


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    out = tmp_path_factory.mktemp("room")
    w = _room_world()
    m, root = _export(w, out)
    return w, m, root


# ------------------------------------------------------------------------------------------ validators
def test_room_stage_passes_usd_validators(room):
    assert _issues(room[2]) == []


def test_generated_world_passes_usd_validators(tmp_path):
    w = spatial.generate("a small garden with a well", seed=2, quality="draft", splats=10000, preview=False)
    m, root = _export(w, tmp_path, binary=True)
    assert root.name == "world.usdc" and m["counts"]["collider_triangles"] == len(w.collider.faces) > 0
    assert _issues(root) == []


def test_reconstructed_world_passes_usd_validators(tmp_path):
    from spatial.datasets.synthetic import SKY, synthetic_dataset

    ds = synthetic_dataset(n_views=5, size=24, n_points=150, seed=2, supersample=1)
    w = spatial.reconstruct(None, tmp_path / "w", dataset=ds, steps=5, resolution=None, sh_degree=1, progress=False,
                            background=SKY, holdout=0)
    m, root = _export(w, tmp_path / "usd")
    assert m["counts"]["cameras"] == len(w.cameras) == 5 and m["counts"]["sh_degree"] == 1
    assert _issues(root) == []
    back = spatial.load(root)
    assert len(back) == len(w.splats) and back.sh_degree == 1


def test_image_world_passes_usd_validators(tmp_path):
    yy, xx = np.mgrid[0:48, 0:64]
    img = np.stack([xx * 3, 100 + yy, 255 - yy * 4], -1).astype(np.uint8)
    w = spatial.image_to_world(img, quality="draft", beyond=False, refine=False, preview=False)
    m, root = _export(w, tmp_path)
    assert m["counts"]["splats"] == len(w.splats) and m["counts"]["collider_triangles"] > 0
    assert _issues(root) == []


def test_validators_can_fail(tmp_path):
    """The check above is live: a stage without metersPerUnit/upAxis and with a broken reference is reported."""
    stage = Usd.Stage.CreateNew(str(tmp_path / "bad.usda"))
    stage.DefinePrim("/Bad").GetReferences().AddReference("./missing.usdc")
    stage.GetRootLayer().Save()
    assert len(_issues(tmp_path / "bad.usda")) >= 2


# ------------------------------------------------------------------------------------------ round trips
def test_round_trip_keeps_splats_labels_and_collider(room):
    w, _, root = room
    back = spatial.load(root)  # world.usda -> the referenced splat layer
    a, b = w.splats, back
    assert len(b) == len(a) and b.sh_degree == a.sh_degree == 3
    assert torch.equal(b.means, a.means)  # float32 in, float32 out
    ca = _cov64(a)
    cb = _cov64(b)
    rel = (ca - cb).abs().amax((1, 2)) / ca.abs().amax((1, 2))
    assert rel.max().item() < 3e-6  # a few float32 ulps (exp/log of the scales, quaternion normalisation)
    assert (a.opacities - b.opacities).abs().max().item() < 1e-6
    assert (a.sh - b.sh).abs().max().item() <= 1e-6 and torch.equal(a.sh, b.sh)
    assert torch.equal(a.labels.to(torch.int32), b.labels)
    # the collider triangles, read with pxr
    stage = Usd.Stage.Open(str(root))
    mesh = UsdGeom.Mesh(stage.GetPrimAtPath("/World/Collision/Collider"))
    pts = np.asarray(mesh.GetPointsAttr().Get())
    idx = np.asarray(mesh.GetFaceVertexIndicesAttr().Get()).reshape(-1, 3)
    assert set(np.asarray(mesh.GetFaceVertexCountsAttr().Get()).tolist()) == {3}
    want = np.asarray(w.collider.vertices, np.float32)[np.asarray(w.collider.faces)]
    assert np.array_equal(pts[idx], want)


def _cov64(s):
    from spatial.core.rotation import quat_to_rotmat

    q = s.quats.double()
    r = quat_to_rotmat(q / q.norm(dim=-1, keepdim=True))
    sc = torch.exp(s.log_scales.double())
    return r @ torch.diag_embed(sc**2) @ r.transpose(1, 2)


def test_schema_value_spaces_and_layout(room):
    """Read raw with pxr: linear scales/opacities, GfQuatf (real, i, j, k), SH coefficient-major with DC first."""
    w, _, root = room
    stage = Usd.Stage.Open(str(root))
    f = UsdVol.ParticleField3DGaussianSplat(stage.GetPrimAtPath("/World/Splats"))
    assert f and f.GetRadianceSphericalHarmonicsDegreeAttr().Get() == 3
    s = w.splats
    q = f.GetOrientationsAttr().Get()[7]
    qn = (s.quats[7] / s.quats[7].norm()).tolist()
    assert np.allclose([q.GetReal(), *q.GetImaginary()], qn, atol=1e-6)
    assert np.allclose(np.asarray(f.GetScalesAttr().Get())[7], s.scales[7].numpy(), rtol=1e-6)
    assert np.allclose(np.asarray(f.GetOpacitiesAttr().Get())[7], s.opacities[7].item(), atol=1e-7)
    sh = np.asarray(f.GetRadianceSphericalHarmonicsCoefficientsAttr().Get())
    assert sh.shape == (len(s) * 16, 3)
    assert np.array_equal(sh[7 * 16:8 * 16], s.sh[7].numpy())  # splat 7's 16 coefficients, DC first, RGB inner
    # every attribute of the schema's float family is authored
    names = {"positions", "orientations", "scales", "opacities", "radiance:sphericalHarmonicsDegree",
             "radiance:sphericalHarmonicsCoefficients", "projectionModeHint", "sortingModeHint", "extent"}
    assert all(f.GetPrim().GetAttribute(n).HasAuthoredValue() for n in names)
    assert f.GetPrim().GetAttribute("primvars:spatial:labelId").Get() is not None


def test_sh_degree_is_kept_as_stored(tmp_path):
    for deg in (0, 1):
        w = _room_world(scene=False, sh_degree=deg)
        _, root = _export(w, tmp_path / str(deg))
        assert spatial.load(root).sh_degree == deg


def test_registry_save_and_load_usd(tmp_path):
    s = random_splats(300, 2, seed=1, labels=True)
    for name in ("s.usda", "s.usdc", "s.usd"):
        p = spatial.io.registry.save(s, tmp_path / name)
        back = spatial.load(p)
        assert torch.equal(back.means, s.means) and torch.equal(back.sh, s.sh) and torch.equal(back.labels, s.labels)
        info = spatial.io.registry.inspect(p)
        assert info["format"] == "usd" and info["count"] == 300 and info["sh_degree"] == 2
    # .usdz packages are read
    from pxr import UsdUtils

    assert UsdUtils.CreateNewUsdzPackage(Sdf.AssetPath(str(tmp_path / "s.usdc")), str(tmp_path / "s.usdz"))
    assert spatial.io.registry.detect_format(tmp_path / "s.usdz").name == "usd"
    assert torch.equal(spatial.load(tmp_path / "s.usdz").sh, s.sh)
    # content sniffing: a crate file with a misleading extension is still USD
    (tmp_path / "s.usdc").rename(tmp_path / "odd.bin")
    assert spatial.io.registry.detect_format(tmp_path / "odd.bin").name == "usd"


def test_reads_other_tools_stages(tmp_path):
    """Z-up, centimetres, a parent transform, half attributes and missing attributes (schema defaults)."""
    n = 50
    rng = np.random.default_rng(0)
    pos = rng.normal(size=(n, 3)).astype(np.float32) * 100
    stage = Usd.Stage.CreateNew(str(tmp_path / "other.usda"))
    UsdGeom.SetStageUpAxis(stage, UsdGeom.Tokens.z)
    UsdGeom.SetStageMetersPerUnit(stage, 0.01)
    x = UsdGeom.Xform.Define(stage, "/Root")
    x.AddTranslateOp().Set(Gf.Vec3d(10, 20, 30))
    f = UsdVol.ParticleField3DGaussianSplat.Define(stage, "/Root/G")
    f.CreatePositionshAttr(Vt.Vec3hArray.FromNumpy(pos.astype(np.float16)))
    f.CreateScalesAttr(Vt.Vec3fArray.FromNumpy(np.full((n, 3), 2.0, np.float32)))
    f.CreateRadianceSphericalHarmonicsDegreeAttr(0)
    stage.GetRootLayer().Save()
    s = spatial.load(tmp_path / "other.usda")
    p = (pos.astype(np.float16).astype(np.float64) + [10, 20, 30]) * 0.01
    want = np.stack([p[:, 0], p[:, 2], -p[:, 1]], -1)  # Z-up -> Y-up
    assert np.allclose(s.means.numpy(), want, atol=1e-5)
    assert np.allclose(s.scales.numpy(), 0.02, rtol=1e-5)  # 2 cm
    assert np.allclose(s.opacities.numpy(), 1.0, atol=1e-6)  # default: opaque
    assert np.allclose(s.colors.numpy(), 0.5, atol=1e-6)  # default: DC 0.5
    # rotation of the quaternions: identity particle rotated by Z-up -> Y-up (-90 degrees about X)
    r = spatial.core.rotation.quat_to_rotmat(s.quats[:1].double())[0].numpy()
    assert np.allclose(r, [[1, 0, 0], [0, 0, 1], [0, -1, 0]], atol=1e-6)


def test_bad_usd_inputs(tmp_path, monkeypatch):
    stage = Usd.Stage.CreateNew(str(tmp_path / "empty.usda"))
    UsdGeom.Xform.Define(stage, "/Nothing")
    stage.GetRootLayer().Save()
    with pytest.raises(FormatError, match="no ParticleField3DGaussianSplat"):
        spatial.load(tmp_path / "empty.usda")
    (tmp_path / "junk.usda").write_text("#usda 1.0\n(\n def def {{{ garbage")
    with pytest.raises(FormatError, match="junk.usda"):
        spatial.load(tmp_path / "junk.usda")
    (tmp_path / "junk.usdc").write_bytes(b"PXR-USDC" + b"\x00" * 64)
    with pytest.raises(FormatError):
        spatial.load(tmp_path / "junk.usdc")
    # a stage pulling in more bytes than the limit is refused before its arrays are read
    spatial.io.registry.save(random_splats(200, 3), tmp_path / "big.usdc")
    top = Usd.Stage.CreateNew(str(tmp_path / "top.usda"))
    top.DefinePrim("/S").GetReferences().AddReference("./big.usdc")
    top.GetRootLayer().Save()
    import importlib

    for mod in ("spatial.io.registry", "spatial.io.format_spec"):  # where the limit lives (issue 17 moves it)
        try:
            monkeypatch.setattr(importlib.import_module(mod), "MAX_FILE_BYTES", 5000)
        except ImportError:
            pass
    with pytest.raises(FormatError, match="over the 5000-byte limit"):
        spatial.load(tmp_path / "top.usda")


def test_clear_errors_without_usd_core(tmp_path, monkeypatch):
    p = tmp_path / "s.usda"
    spatial.io.registry.save(random_splats(20, 0), p)
    monkeypatch.setitem(sys.modules, "pxr", None)  # import pxr -> ImportError
    with pytest.raises(FormatError, match=r"usd-core.*spatial\[usd\]"):
        spatial.load(p)
    with pytest.raises(ValidationError, match=r"spatial\[usd\]"):
        spatial.export(_room_world(), "usd", tmp_path / "out", progress=False)


# ------------------------------------------------------------------------------------------ stage content
def test_stage_read_with_pxr_only(room, tmp_path):
    """A separate interpreter that imports only pxr checks prim types, counts, extents in metres and the up axis."""
    w, _, root = room
    # extent: every kernel out to 3 sigma (half-size along axis i: 3 sqrt(Sigma_ii)), computed here in float64
    half = 3 * torch.sqrt(torch.diagonal(_cov64(w.splats), dim1=1, dim2=2))
    lo = (w.splats.means.double() - half).min(0).values.tolist()
    hi = (w.splats.means.double() + half).max(0).values.tolist()
    code = textwrap.dedent(f"""
        import sys
        from pxr import Usd, UsdGeom, UsdPhysics, UsdSemantics, UsdVol, Gf
        stage = Usd.Stage.Open({str(root)!r})
        assert UsdGeom.GetStageUpAxis(stage) == "Y" and UsdGeom.GetStageMetersPerUnit(stage) == 1.0
        assert stage.GetDefaultPrim().GetPath() == "/World"
        types = {{}}
        for p in stage.Traverse():
            types[str(p.GetTypeName())] = types.get(str(p.GetTypeName()), 0) + 1
        assert types["ParticleField3DGaussianSplat"] == 1 and types["PhysicsScene"] == 1 and types["Camera"] == 1
        assert types["Mesh"] == 2 and types["Cube"] == 2, types  # collider + (invisible) visual mesh
        vis = UsdGeom.Mesh(stage.GetPrimAtPath("/World/VisualMesh"))
        assert vis.ComputeVisibility() == "invisible"
        assert len(vis.GetDisplayColorPrimvar().Get()) == len(vis.GetPointsAttr().Get())
        f = UsdVol.ParticleField3DGaussianSplat(stage.GetPrimAtPath("/World/Splats"))
        assert len(f.GetPositionsAttr().Get()) == {len(w.splats)}
        ext = f.GetExtentAttr().Get()
        assert all(abs(ext[0][i] - {lo}[i]) < 1e-5 and abs(ext[1][i] - {hi}[i]) < 1e-5 for i in range(3))
        cache = UsdGeom.BBoxCache(Usd.TimeCode.Default(), ["default", "guide"])
        col = stage.GetPrimAtPath("/World/Collision/Collider")
        assert col.HasAPI(UsdPhysics.CollisionAPI) and col.HasAPI(UsdPhysics.MeshCollisionAPI)
        assert UsdPhysics.MeshCollisionAPI(col).GetApproximationAttr().Get() == "none"
        assert UsdGeom.Imageable(col).GetPurposeAttr().Get() == "guide"
        box = cache.ComputeWorldBound(col).ComputeAlignedRange()
        assert all(abs(a - b) < 1e-5 for a, b in zip(box.GetMin(), (-10, -0.2, -10))) and abs(box.GetMax()[1] - 1.0) < 1e-5
        scene = UsdPhysics.Scene(stage.GetPrimAtPath("/World/PhysicsScene"))
        assert tuple(scene.GetGravityDirectionAttr().Get()) == (0, -1, 0)
        assert abs(scene.GetGravityMagnitudeAttr().Get() - 9.81) < 1e-6
        well = stage.GetPrimAtPath("/World/Objects/well_0")
        assert UsdSemantics.LabelsAPI(well, "class").GetLabelsAttr().Get() == ["building", "well"]
        b = cache.ComputeWorldBound(stage.GetPrimAtPath("/World/Objects/well_0/Bounds")).ComputeAlignedRange()
        assert all(abs(x - y) < 1e-5 for x, y in zip(list(b.GetMin()) + list(b.GetMax()), [1.2, 0.0, -1.8, 2.8, 1.6, -0.2]))
        barrel = stage.GetPrimAtPath("/World/Objects/barrel_7")
        assert UsdSemantics.LabelsAPI(barrel, "class").GetLabelsAttr().Get() == ["object", "barrel"]
        assert tuple(UsdGeom.Xformable(barrel).ComputeLocalToWorldTransform(0).ExtractTranslation()) == (-3, 0, 2)
        sp = stage.GetPrimAtPath("/World/spawn")
        assert sp.GetTypeName() == "Xform"
        m = UsdGeom.Xformable(sp).ComputeLocalToWorldTransform(0)
        fwd = m.TransformDir(Gf.Vec3d(0, 0, -1))  # yaw 90: looks along -X
        assert tuple(m.ExtractTranslation()) == (1, 0, 2) and abs(fwd[0] + 1) < 1e-9
        assert "spatial" not in sys.modules
        print("ok")
    """)
    r = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stdout + r.stderr


def test_cameras_match_pinhole_intrinsics(room):
    w, _, root = room
    cam = w.cameras[0]
    stage = Usd.Stage.Open(str(root))
    gc = UsdGeom.Camera(stage.GetPrimAtPath("/World/Cameras/front")).GetCamera(Usd.TimeCode.Default())
    assert abs(gc.GetFieldOfView(Gf.Camera.FOVVertical) - cam.fov_y) < 1e-3
    assert abs(gc.GetFieldOfView(Gf.Camera.FOVHorizontal) - cam.fov_x) < 1e-3
    # project a world point through the USD frustum and through the pinhole camera: same pixel
    p = np.array([0.7, 1.2, -0.5])
    xc = (cam.viewmat.double().numpy() @ np.append(p, 1.0))[:3]
    uv = cam.K.double().numpy() @ (xc / xc[2])
    ndc = gc.frustum.ComputeProjectionMatrix().Transform(gc.frustum.ComputeViewMatrix().Transform(Gf.Vec3d(*p)))
    pix = ((ndc[0] + 1) / 2 * cam.width, (1 - ndc[1]) / 2 * cam.height)
    assert np.allclose(pix, uv[:2], atol=1e-3)


def test_objects_without_a_scene_graph_are_semantic_classes(tmp_path):
    w = _room_world(scene=False)
    _, root = _export(w, tmp_path)
    stage = Usd.Stage.Open(str(root))
    objs = stage.GetPrimAtPath("/World/Objects").GetChildren()
    present = {w.labels[int(k)] for k in torch.unique(w.splats.labels)} - {"unlabeled", "sky"}
    assert {UsdSemantics.LabelsAPI(o, "class").GetLabelsAttr().Get()[0] for o in objs} == present


def test_objects_from_the_generators_scene_graph(tmp_path):
    """The generator's form: metadata.scene = {"instances": [...]} with a label name and a label_id."""
    w = _room_world(scene=False)
    w.labels = {**w.labels, 20: "cherry_tree"}
    w.metadata["scene"] = {"instances": [
        {"id": 3, "group": "g0", "kind": "cherry_tree", "label": "cherry_tree", "label_id": 20, "position": [1.0, 0.0, 1.0],
         "yaw_deg": 90.0, "scale": 1.5, "bbox": [[0.0, 0.0, 0.0], [2.0, 4.0, 2.0]]},
        {"id": "g2.0", "kind": "bench", "label": "bench", "position": [0.0, 0.0, 3.0], "yaw_deg": 0.0, "scale": 1.0},
        {"id": 9, "kind": "odd", "position": "here", "yaw_deg": "x", "bbox": [1, 2], "transform": [[1, 2]]},  # malformed
        {"label": 3}]}  # no kind: skipped
    _, root = _export(w, tmp_path)
    stage = Usd.Stage.Open(str(root))
    tree = stage.GetPrimAtPath("/World/Objects/cherry_tree_3")
    assert UsdSemantics.LabelsAPI(tree, "class").GetLabelsAttr().Get() == ["cherry_tree"]
    assert tree.GetAttribute("spatial:labelId").Get() == 20
    m = UsdGeom.Xformable(tree).ComputeLocalToWorldTransform(0)
    assert np.allclose(m.TransformDir(Gf.Vec3d(1, 0, 0)), (0, 0, -1.5), atol=1e-9)  # yaw 90 about +Y, scale 1.5
    cache = UsdGeom.BBoxCache(Usd.TimeCode.Default(), ["guide"])
    b = cache.ComputeWorldBound(stage.GetPrimAtPath("/World/Objects/cherry_tree_3/Bounds")).ComputeAlignedRange()
    assert np.allclose(list(b.GetMin()) + list(b.GetMax()), [0, 0, 0, 2, 4, 2], atol=1e-6)
    bench = stage.GetPrimAtPath("/World/Objects/bench_g2_0")
    assert UsdSemantics.LabelsAPI(bench, "class").GetLabelsAttr().Get() == ["bench"] and not bench.GetChildren()
    assert bench.GetAttribute("spatial:instanceId").Get() == "g2.0"
    odd = stage.GetPrimAtPath("/World/Objects/odd_9")  # kept, at the origin, without a box
    assert odd and UsdGeom.Xformable(odd).ComputeLocalToWorldTransform(0) == Gf.Matrix4d(1.0) and not odd.GetChildren()
    assert len(stage.GetPrimAtPath("/World/Objects").GetChildren()) == 3
    assert _issues(root) == []


def test_convex_pieces_on_request_and_cli(tmp_path):
    from spatial.cli import main

    folder = tmp_path / "w"
    _room_world().save(folder)
    assert main(["export", str(folder), "--engine", "usd", "-o", str(tmp_path / "out"), "--binary", "--convex"]) == 0
    m = json.loads((tmp_path / "out/manifest.json").read_text())
    assert m["engine"] == "usd" and m["counts"]["convex_pieces"] >= 2
    stage = Usd.Stage.Open(str(tmp_path / "out/world.usdc"))
    pieces = stage.GetPrimAtPath("/World/Collision/Convex").GetChildren()
    assert len(pieces) == m["counts"]["convex_pieces"]
    for p in pieces:
        assert UsdPhysics.MeshCollisionAPI(p).GetApproximationAttr().Get() == "convexHull"
        assert UsdPhysics.CollisionAPI(p).GetCollisionEnabledAttr().Get() is False
        assert len(UsdGeom.Mesh(p).GetFaceVertexCountsAttr().Get()) <= 255
    assert _issues(tmp_path / "out/world.usdc") == []
    assert Sdf.Layer.FindOrOpen(str(tmp_path / "out/world.usdc")).GetFileFormat().formatId == "usdc"


def test_app_engine_download_zips_the_stage(tmp_path):
    """The app lists every engine profile; its usd download is a zip of the same stage, readable after unzipping."""
    import zipfile

    from spatial_app.library import Library
    from spatial_app.worldfiles import WorldFiles

    lib = Library(tmp_path / "store")
    lib.add(_room_world(), name="room")
    path, name = WorldFiles(lib, tmp_path / "cache").engine_export("room", "usd")
    assert name.endswith("-usd.zip")
    with zipfile.ZipFile(path) as z:
        assert {"world.usda", "manifest.json"} <= set(z.namelist())
        z.extractall(tmp_path / "x")
    assert len(spatial.load(tmp_path / "x" / "world.usda")) == 800
    assert _issues(tmp_path / "x" / "world.usda") == []
