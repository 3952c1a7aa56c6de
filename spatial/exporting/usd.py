"""One OpenUSD stage for simulators and DCC tools: splats, collider, semantics, spawn and cameras.

``spatial.export(world, "usd", out)`` writes (docs/export.md, "OpenUSD")::

    world.usda (or world.usdc)    /World: PhysicsScene, Collision, Objects, spawn, Cameras, a reference to ...
    <Scene>_splats.usdc           /Splats: a UsdVol.ParticleField3DGaussianSplat (binary crate: 1M splats SH3 ~ 250 MB)

Stage metadata: ``upAxis = "Y"``, ``metersPerUnit = 1``, ``kilogramsPerUnit = 1``, ``defaultPrim = "World"``:
spatial's world frame (glTF's: right-handed, +Y up, metres) is USD's Y-up frame as it is, so no value is
mirrored or rotated.

Splats (schema checked against usd-core 26.11's ``usdVol/schema.usda`` and ``Usd.SchemaRegistry``):

* ``positions`` point3f[]; ``orientations`` quatf[] (unit; a GfQuatf is stored imaginary-first in memory,
  (i, j, k, real), and prints as (real, i, j, k)); ``scales`` float3[] **linear** sigma; ``opacities`` float[]
  **linear** [0, 1];
* ``radiance:sphericalHarmonicsDegree`` = the world's SH degree as stored; ``radiance:sphericalHarmonicsCoefficients``
  float3[] of (degree+1)^2 per splat, contiguous per splat, DC first, then band by band (l=1 m=-1,0,1; ...): exactly
  ``Splats.sh`` [N, K, 3] flattened (the order NVIDIA's usd-convert-gsplat writes);
* ``projectionModeHint = perspective`` and ``sortingModeHint = zDepth`` (how spatial's rasterizer projects and sorts);
* ``extent`` (the box of every splat's kernel out to 3 sigma, the schema's 99.7% support), ``primvars:displayColor`` (the DC colour, clamped to [0, 1]) for tools that
  draw points, and the per-splat label ids as ``primvars:spatial:labelId`` (int[], vertex) with the legend in the
  prim's customData ``spatial:labels``.

The half-precision twins (``positionsh``, ``orientationsh``, ``scalesh``, ``opacitiesh``,
``radiance:sphericalHarmonicsCoefficientsh``) are alternatives the schema tells readers to ignore when the float
attributes exist, so they are not written (the reader in spatial/io/formats/usd.py reads them from other tools).

Collider: ``/World/Collision/Collider`` is the exact static collider as a ``Mesh`` with ``PhysicsCollisionAPI``
and ``PhysicsMeshCollisionAPI`` (``physics:approximation = "none"``: a triangle mesh for static level geometry),
purpose ``guide`` so renderers skip it. Convex pieces (``exporting/convex.py``, <= 255 triangles each) go under
``/World/Collision/Convex`` with approximation ``convexHull`` and ``physics:collisionEnabled = false``: they
duplicate the static collider and are there to switch on for dynamic uses.

Visual mesh (unless ``visual=False``): ``/World/VisualMesh``, the collider surface coloured from the splats,
authored **invisible**, for tools that cannot draw the splat prim.

Semantics: every object prim carries ``UsdSemantics.LabelsAPI`` with the taxonomy ``class`` (the schema Isaac
Sim 5's Replicator reads, applied as Isaac Lab's ``add_labels`` does). Objects come from the world's scene graph
(``world.metadata["scene"]``: id, kind, label, transform or position / yaw_deg / scale, bbox) when it has one,
else one prim per semantic class present in the splat labels. Each object prim has a ``Bounds`` guide ``Cube``
spanning its world-space bounding box.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ..errors import ValidationError

SPLATS_PRIM = "Splats"
ROOT = "/World"
GRAVITY = 9.81
#: film width used to express pinhole intrinsics as USD apertures (only focal/aperture ratios matter)
FILM_WIDTH_MM = 36.0


def _pxr() -> None:
    from ..io.formats.usd import pxr_available

    if not pxr_available():
        raise ValidationError("the usd engine needs usd-core with UsdVol.ParticleField3DGaussianSplat (OpenUSD >= 26.03): "
                              "pip install 'spatial[usd]' (usd-core 26.11)")


# ---------------------------------------------------------------------------------------------- helpers
def _name(raw: str, used: set[str]) -> str:
    from pxr import Tf

    base = Tf.MakeValidIdentifier(str(raw) or "item")
    name, i = base, 1
    while name in used:
        name, i = f"{base}_{i}", i + 1
    used.add(name)
    return name


def _mesh(stage, path: str, vertices: np.ndarray, faces: np.ndarray, approximation: str, enabled: bool = True):
    from pxr import UsdGeom, UsdPhysics, Vt

    mesh = UsdGeom.Mesh.Define(stage, path)
    v = np.ascontiguousarray(vertices, dtype=np.float32)
    f = np.ascontiguousarray(faces, dtype=np.int32)
    mesh.CreatePointsAttr(Vt.Vec3fArray.FromNumpy(v))
    mesh.CreateFaceVertexCountsAttr(Vt.IntArray.FromNumpy(np.full(len(f), 3, np.int32)))
    mesh.CreateFaceVertexIndicesAttr(Vt.IntArray.FromNumpy(f.reshape(-1)))
    mesh.CreateSubdivisionSchemeAttr(UsdGeom.Tokens.none)
    mesh.CreateExtentAttr(Vt.Vec3fArray.FromNumpy(np.stack([v.min(0), v.max(0)]).astype(np.float32)))
    mesh.CreatePurposeAttr(UsdGeom.Tokens.guide)
    col = UsdPhysics.CollisionAPI.Apply(mesh.GetPrim())
    if not enabled:
        col.CreateCollisionEnabledAttr(False)
    UsdPhysics.MeshCollisionAPI.Apply(mesh.GetPrim()).CreateApproximationAttr(approximation)
    return mesh


def _labels_api(prim, labels: list[str]) -> None:
    from pxr import UsdSemantics

    UsdSemantics.LabelsAPI.Apply(prim, "class").CreateLabelsAttr(labels)


def _bounds_cube(stage, path: str, lo, hi, parent_to_world=None) -> None:
    """A guide Cube whose world box is [lo, hi] (``parent_to_world``: the parent's Gf.Matrix4d, row-vector)."""
    from pxr import Gf, UsdGeom

    lo, hi = np.asarray(lo, np.float64), np.asarray(hi, np.float64)
    c, h = (lo + hi) / 2, np.maximum((hi - lo) / 2, 1e-6)
    box = Gf.Matrix4d().SetScale(Gf.Vec3d(*h.tolist())) * Gf.Matrix4d().SetTranslate(Gf.Vec3d(*c.tolist()))
    local = box if parent_to_world is None else box * parent_to_world.GetInverse()
    cube = UsdGeom.Cube.Define(stage, path)
    cube.CreateSizeAttr(2.0)
    cube.CreateExtentAttr([(-1.0, -1.0, -1.0), (1.0, 1.0, 1.0)])
    cube.CreatePurposeAttr(UsdGeom.Tokens.guide)
    cube.AddTransformOp().Set(local)


def _instance_matrix(inst: dict):
    """Gf.Matrix4d (row-vector convention) of a scene instance: ``transform`` (4x4, column-vector, row-major) or
    position / yaw_deg (about +Y) / scale; identity for a malformed record."""
    from pxr import Gf

    try:
        t = inst.get("transform")
        if t is not None:
            m = np.asarray(t, np.float64)
            if m.shape == (4, 4) and np.isfinite(m).all():
                return Gf.Matrix4d(*m.T.reshape(-1).tolist())
        pos = np.asarray(inst.get("position") or [0, 0, 0], np.float64).reshape(-1)
        yaw, s = float(inst.get("yaw_deg") or 0.0), float(inst.get("scale") or 1.0)
    except (TypeError, ValueError):
        return Gf.Matrix4d(1.0)
    if pos.size != 3 or not (np.isfinite(pos).all() and math.isfinite(yaw) and math.isfinite(s) and s > 0):
        return Gf.Matrix4d(1.0)
    rot = Gf.Matrix4d().SetRotate(Gf.Rotation(Gf.Vec3d(0, 1, 0), yaw))
    return Gf.Matrix4d().SetScale(s) * rot * Gf.Matrix4d().SetTranslate(Gf.Vec3d(*pos.tolist()))


def _bbox(inst: dict):
    try:
        bb = np.asarray(inst.get("bbox"), np.float64)
    except (TypeError, ValueError):
        return None
    return bb if bb.shape == (2, 3) and np.isfinite(bb).all() else None


def _scene_instances(world) -> list[dict] | None:
    scene = (world.metadata or {}).get("scene") if isinstance(world.metadata, dict) else None
    if scene is None:
        scene = getattr(world, "scene", None)
    if isinstance(scene, dict):
        scene = scene.get("instances")
    if not isinstance(scene, list):
        return None
    return [e for e in scene if isinstance(e, dict) and e.get("kind")]


def _custom(prim, name: str, value) -> None:
    from pxr import Sdf

    vt = Sdf.ValueTypeNames.String if isinstance(value, str) else Sdf.ValueTypeNames.Int
    prim.CreateAttribute(name, vt, custom=True).Set(value if isinstance(value, str) else int(value))


def _is_int(v) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def _write_scene_objects(stage, insts: list[dict], legend: dict[int, str]) -> int:
    """One labelled Xform per scene-graph instance. Records (generator: ``metadata.scene.instances``; edits: a
    ``metadata.scene`` list) name the label by id (``label_id`` or an int ``label``) or by name (a str ``label``),
    else by the kind's legend entry."""
    from pxr import UsdGeom

    by_name = {v: k for k, v in legend.items()}
    used: set[str] = set()
    for i, inst in enumerate(insts):
        kind = str(inst["kind"]).split(":")[0]
        iid = inst.get("id", i)
        path = f"{ROOT}/Objects/{_name(f'{kind}_{iid}', used)}"
        x = UsdGeom.Xform.Define(stage, path)
        m = _instance_matrix(inst)
        x.AddTransformOp().Set(m)
        lab = next((int(inst[k]) for k in ("label_id", "label") if _is_int(inst.get(k))), None)
        lname = inst["label"] if isinstance(inst.get("label"), str) else None
        if lab is None:
            lab = by_name.get(lname or kind)
        name = legend.get(lab) or lname or kind
        _labels_api(x.GetPrim(), [name] if name == kind else [name, kind])
        if lab is not None:
            _custom(x.GetPrim(), "spatial:labelId", lab)
        if _is_int(iid) or isinstance(iid, str):  # the generator's ids are "g1.0" (group g1, instance 0)
            _custom(x.GetPrim(), "spatial:instanceId", iid)
        bb = _bbox(inst)
        if bb is not None:
            _bounds_cube(stage, f"{path}/Bounds", bb[0], bb[1], m)
    return len(insts)


def _write_class_objects(stage, positions: np.ndarray, labels: np.ndarray, legend: dict[int, str]) -> int:
    """Without a scene graph: one labelled Xform per semantic class present (not unlabeled / sky)."""
    from pxr import UsdGeom

    used: set[str] = set()
    count = 0
    for lab in np.unique(labels).tolist():
        name = legend.get(int(lab), f"label_{lab}")
        if name in ("unlabeled", "sky"):
            continue
        sel = positions[labels == lab]
        path = f"{ROOT}/Objects/{_name(name, used)}"
        x = UsdGeom.Xform.Define(stage, path)
        _labels_api(x.GetPrim(), [name])
        _custom(x.GetPrim(), "spatial:labelId", lab)
        _bounds_cube(stage, f"{path}/Bounds", sel.min(0), sel.max(0))
        count += 1
    return count


def _write_objects(stage, world, labels_np) -> int:
    """Per-object prims with class labels (scene graph, else semantic classes); returns how many."""
    from pxr import UsdGeom

    UsdGeom.Scope.Define(stage, f"{ROOT}/Objects")
    legend = {int(k): str(v) for k, v in world.labels.items()}
    insts = _scene_instances(world)
    if insts:
        return _write_scene_objects(stage, insts, legend)
    if labels_np is None or not len(labels_np):
        return 0
    return _write_class_objects(stage, world.splats.means.detach().cpu().numpy(), labels_np, legend)


def camera_apertures(cam) -> dict:
    """USD camera attributes for a pinhole :class:`~spatial.core.camera.Camera` (same FOVs and principal point)."""
    k = FILM_WIDTH_MM / cam.width
    ky = k * cam.fx / cam.fy  # USD has square film units: fold the pixel aspect into the vertical aperture
    return {"focalLength": cam.fx * k, "horizontalAperture": cam.width * k, "verticalAperture": cam.height * ky,
            "horizontalApertureOffset": (cam.width / 2 - cam.cx) * k, "verticalApertureOffset": (cam.cy - cam.height / 2) * ky}


def _write_cameras(stage, cameras) -> int:
    from pxr import Gf, Sdf, UsdGeom

    if not cameras:
        return 0
    UsdGeom.Scope.Define(stage, f"{ROOT}/Cameras")
    used: set[str] = set()
    flip = np.diag([1.0, -1.0, -1.0, 1.0])  # OpenCV camera axes -> USD's (x right, y up, looking down -z)
    for i, cam in enumerate(cameras):
        c2w = np.linalg.inv(cam.viewmat.double().numpy()) @ flip
        uc = UsdGeom.Camera.Define(stage, f"{ROOT}/Cameras/{_name(cam.name or f'camera_{i:03d}', used)}")
        uc.AddTransformOp().Set(Gf.Matrix4d(*c2w.T.reshape(-1).tolist()))
        ap = camera_apertures(cam)
        uc.CreateProjectionAttr(UsdGeom.Tokens.perspective)
        uc.CreateFocalLengthAttr(float(ap["focalLength"]))
        uc.CreateHorizontalApertureAttr(float(ap["horizontalAperture"]))
        uc.CreateVerticalApertureAttr(float(ap["verticalAperture"]))
        uc.CreateHorizontalApertureOffsetAttr(float(ap["horizontalApertureOffset"]))
        uc.CreateVerticalApertureOffsetAttr(float(ap["verticalApertureOffset"]))
        uc.CreateClippingRangeAttr(Gf.Vec2f(0.01, 10000.0))
        uc.GetPrim().CreateAttribute("spatial:imageSize", Sdf.ValueTypeNames.Int2, custom=True).Set(
            Gf.Vec2i(int(cam.width), int(cam.height)))
    return len(cameras)


# ---------------------------------------------------------------------------------------------- stage
def write_collision_layer(collider, path: Path, *, convex: bool, max_convex_faces: int = 255) -> dict:
    """Write ``/Collision`` (the static triangle-mesh collider and, with ``convex``, disabled convex pieces)."""
    from pxr import UsdGeom, UsdPhysics

    from ..io.formats.usd import new_stage

    counts = {"collider_triangles": len(collider.faces), "convex_pieces": 0, "convex_pieces_skipped": 0}
    pieces: list = []
    if convex:
        from .convex import convex_pieces

        pieces, counts["convex_pieces_skipped"] = convex_pieces(collider, max_faces=max_convex_faces)
    with new_stage(path) as stage:
        scope = UsdGeom.Scope.Define(stage, "/Collision")
        stage.SetDefaultPrim(scope.GetPrim())
        _mesh(stage, "/Collision/Collider", collider.vertices, collider.faces, UsdPhysics.Tokens.none)
        if pieces:
            UsdGeom.Scope.Define(stage, "/Collision/Convex")
        for i, piece in enumerate(pieces):
            _mesh(stage, f"/Collision/Convex/Convex_{i:02d}", piece.vertices, piece.faces,
                  UsdPhysics.Tokens.convexHull, enabled=False)
    counts["convex_pieces"] = len(pieces)
    return counts


def write_visual_layer(collider, splats, path: Path) -> None:
    """``/VisualMesh``: the collider surface coloured from the splats (exporting/visual_mesh.py), **invisible**:
    for tools that cannot draw the splat prim (make it visible there); splat renderers keep showing the splats."""
    from pxr import Sdf, UsdGeom, Vt

    from ..io.formats.usd import new_stage
    from .visual_mesh import vertex_colors_from_splats

    v = np.ascontiguousarray(collider.vertices, dtype=np.float32)
    f = np.ascontiguousarray(collider.faces, dtype=np.int32)
    rgb = (vertex_colors_from_splats(np.asarray(collider.vertices), splats)[:, :3] / 255.0).astype(np.float32)
    with new_stage(path) as stage:
        mesh = UsdGeom.Mesh.Define(stage, "/VisualMesh")
        stage.SetDefaultPrim(mesh.GetPrim())
        mesh.CreatePointsAttr(Vt.Vec3fArray.FromNumpy(v))
        mesh.CreateFaceVertexCountsAttr(Vt.IntArray.FromNumpy(np.full(len(f), 3, np.int32)))
        mesh.CreateFaceVertexIndicesAttr(Vt.IntArray.FromNumpy(f.reshape(-1)))
        mesh.CreateSubdivisionSchemeAttr(UsdGeom.Tokens.none)
        mesh.CreateExtentAttr(Vt.Vec3fArray.FromNumpy(np.stack([v.min(0), v.max(0)]).astype(np.float32)))
        UsdGeom.PrimvarsAPI(mesh.GetPrim()).CreatePrimvar(
            "displayColor", Sdf.ValueTypeNames.Color3fArray, UsdGeom.Tokens.vertex).Set(Vt.Vec3fArray.FromNumpy(rgb))
        mesh.CreateVisibilityAttr(UsdGeom.Tokens.invisible)


def write_usd_stage(world, out_dir: Path, scene: str, *, binary: bool = False, convex: bool = False,
                    max_convex_faces: int = 255, visual: bool = True) -> tuple[list[dict], dict]:
    """Write the stage of ``world`` into ``out_dir``; returns (manifest file entries, counts)."""
    _pxr()
    from pxr import Gf, Usd, UsdGeom, UsdPhysics

    from ..io.formats.usd import write_splat_layer

    out_dir = Path(out_dir)
    files: list[dict] = []
    splat_file = f"{scene}_splats.usdc"
    info = write_splat_layer(world.splats, out_dir / splat_file, world.labels, SPLATS_PRIM)
    files.append({"path": splat_file, "kind": "splats", "format": "usd", "prim": "/" + SPLATS_PRIM,
                  "note": "UsdVol.ParticleField3DGaussianSplat (binary crate), referenced by the root stage"})
    counts = {"splats": info["count"], "sh_degree": info["sh_degree"], "collider_triangles": 0, "convex_pieces": 0,
              "convex_pieces_skipped": 0}
    col = world.collider
    col_file = None
    if col is not None and len(col.faces):
        col_file = f"{scene}_collision.usdc"
        counts.update(write_collision_layer(col, out_dir / col_file, convex=convex, max_convex_faces=max_convex_faces))
        files.append({"path": col_file, "kind": "collider", "format": "usd", "prim": "/Collision",
                      "static_node": "Collision/Collider", "convex_nodes": counts["convex_pieces"]})
    vis_file = None
    if visual and col is not None and len(col.faces):
        vis_file = f"{scene}_visual.usdc"
        write_visual_layer(col, world.splats, out_dir / vis_file)
        files.append({"path": vis_file, "kind": "visual-mesh", "format": "usd", "prim": "/VisualMesh",
                      "note": "invisible by default: for tools that do not draw the splat prim"})

    root_name = "world.usdc" if binary else "world.usda"
    labels_np = None if world.splats.labels is None else world.splats.labels.cpu().numpy().astype(np.int32)
    from ..io.formats.usd import new_stage

    with new_stage(out_dir / root_name) as stage:
        world_x = UsdGeom.Xform.Define(stage, ROOT)
        stage.SetDefaultPrim(world_x.GetPrim())
        Usd.ModelAPI(world_x.GetPrim()).SetKind("assembly")
        stage.GetRootLayer().customLayerData = {"spatial": {"scene": scene, "prompt": world.prompt or "",
                                                            "seed": -1 if world.seed is None else int(world.seed)}}
        phys = UsdPhysics.Scene.Define(stage, f"{ROOT}/PhysicsScene")
        phys.CreateGravityDirectionAttr(Gf.Vec3f(0.0, -1.0, 0.0))
        phys.CreateGravityMagnitudeAttr(GRAVITY)
        stage.DefinePrim(f"{ROOT}/{SPLATS_PRIM}").GetReferences().AddReference("./" + splat_file)
        if col_file is not None:
            stage.DefinePrim(f"{ROOT}/Collision").GetReferences().AddReference("./" + col_file)
        if vis_file is not None:
            stage.DefinePrim(f"{ROOT}/VisualMesh").GetReferences().AddReference("./" + vis_file)
        counts["objects"] = _write_objects(stage, world, labels_np)
        spawn = UsdGeom.Xform.Define(stage, f"{ROOT}/spawn")
        spawn.AddTranslateOp().Set(Gf.Vec3d(*[float(v) for v in world.spawn.position]))
        spawn.AddRotateYOp().Set(float(world.spawn.yaw_deg))
        spawn.GetPrim().SetDocumentation("walker spawn: feet on walkable ground; looks along -Z turned by rotateY")
        counts["cameras"] = _write_cameras(stage, world.cameras)
    files.insert(0, {"path": root_name, "kind": "usd-stage", "format": "usdc" if binary else "usda",
                     "default_prim": ROOT, "references": [f for f in (splat_file, col_file, vis_file) if f]})
    return files, counts
