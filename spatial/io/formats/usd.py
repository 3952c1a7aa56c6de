"""OpenUSD ``ParticleField3DGaussianSplat`` (.usda / .usdc / .usd / .usdz), through usd-core (optional: ``spatial[usd]``).

Schema (OpenUSD >= 26.03, checked against usd-core 26.11's ``usdVol/schema.usda`` and ``Usd.SchemaRegistry``):

==========================================  ==========  ==================================================================
attribute                                   type        value space
==========================================  ==========  ==================================================================
``positions`` (``positionsh``)              point3f[]   local space of the prim
``orientations`` (``orientationsh``)        quatf[]     unit quaternion; GfQuatf memory is (i, j, k, real), text (real, i, j, k)
``scales`` (``scalesh``)                    float3[]    **linear** sigma per axis (not log)
``opacities`` (``opacitiesh``)              float[]     **linear** [0, 1] (not logit)
``radiance:sphericalHarmonicsDegree``       uniform int fallback 3
``radiance:sphericalHarmonicsCoefficients`` float3[]    (degree+1)^2 per particle, contiguous per particle, DC first,
                                                        band by band, RGB inner (= ``Splats.sh`` [N, K, 3] flattened)
``projectionModeHint``, ``sortingModeHint`` uniform     perspective / zDepth written
``extent``                                  float3[]    written: the box of every kernel out to 3 sigma
==========================================  ==========  ==================================================================

Missing per-particle data takes the schema's defaults (identity rotation, unit scale, opacity 1, DC colour
0.5 at degree 0); arrays shorter than the positions are ignored, longer ones truncated, as the schema says.
The float attributes are preferred over the half ones. spatial's own ``primvars:spatial:labelId`` (int per splat)
comes back as ``Splats.labels``.

Frames: a stage with ``upAxis = "Y"`` and ``metersPerUnit = 1`` is spatial's frame as it is. Other stages, and
prims under transforms, are brought into it: each splat prim's local-to-world transform, a Z-up stage's
rotation to Y-up and ``metersPerUnit`` are applied as one similarity (positions, rotations, scales and the SH
coefficients rotate together); a non-uniform scale or shear is refused.

Bounded reading: the file is size-checked by the registry, and the layers the stage pulls in (references,
sublayers) are added up against the same limit (``SPATIAL_MAX_FILE_BYTES``) before any array is read. usd-core
parses USD only (no code runs, nothing is unpickled).
"""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path

import numpy as np

from ...core import sh as _sh
from ..format_spec import SplatFormat, register_format
from ._common import (
    FLIPS_NONE,
    MAX_LOG_SCALE_F32,
    build_splats,
    fail,
    file_arrays,
    guard,
    log_linear_scale_np,
    logit_np,
    require_finite,
)

SCHEMA = "ParticleField3DGaussianSplat"
LABEL_PRIMVAR = "primvars:spatial:labelId"
LEGEND_KEY = "spatial:labels"
EXTENSIONS = (".usda", ".usdc", ".usd", ".usdz")
#: the schema's Gaussian ellipsoid kernel has sigma 1 and "99.7% of the splat support within radius 3": extent covers 3
KERNEL_SIGMAS = 3.0
INSTALL = "pip install 'spatial[usd]' (usd-core 26.11)"


def pxr_available() -> bool:
    try:
        from pxr import UsdVol
    except ImportError:
        return False
    return hasattr(UsdVol, SCHEMA)


def _require_pxr(path) -> None:
    try:
        from pxr import UsdVol
    except ImportError:
        raise fail(path, f"reading or writing USD needs usd-core: {INSTALL}") from None
    if not hasattr(UsdVol, SCHEMA):
        raise fail(path, f"this usd-core has no UsdVol.{SCHEMA} (needs OpenUSD >= 26.03): {INSTALL}")


# ---------------------------------------------------------------------------------------------- writing
def stage_metadata(stage) -> None:
    """spatial's frame: +Y up, metres (and kilograms for physics)."""
    from pxr import UsdGeom, UsdPhysics

    UsdGeom.SetStageUpAxis(stage, UsdGeom.Tokens.y)
    UsdGeom.SetStageMetersPerUnit(stage, 1.0)
    UsdPhysics.SetStageKilogramsPerUnit(stage, 1.0)


@contextlib.contextmanager
def new_stage(path: Path):
    """A stage whose root layer lands at ``path`` atomically: created at a temporary sibling with the same
    extension (relative references resolve from the final folder), saved, fsynced, renamed."""
    from pxr import Usd

    from ..atomic import FILE_MODE, _fsync_dir

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{uuid.uuid4().hex[:12]}.tmp{path.suffix}"
    try:
        stage = Usd.Stage.CreateNew(str(tmp))
        if not stage:
            raise fail(path, "usd-core could not create the stage")
        stage_metadata(stage)
        yield stage
        if not stage.GetRootLayer().Save():
            raise fail(path, "usd-core could not save the stage")
        del stage
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def splat_arrays(path, splats) -> dict:
    """Schema-space float32 arrays: positions [N,3], quats_xyzw [N,4] (GfQuatf memory order), scales [N,3],
    opacities [N], sh [N*K,3], sh_degree, dc [N,3], labels [N] int32 or None."""
    a = file_arrays(path, splats, FLIPS_NONE)
    n = len(a)
    quats = np.empty((n, 4), np.float32)
    quats[:, :3] = a.quats[:, 1:]
    quats[:, 3] = a.quats[:, 0]
    scales = np.exp(np.minimum(a.log_scales, MAX_LOG_SCALE_F32)).astype(np.float32, copy=False)
    opacities = (0.5 * (1.0 + np.tanh(0.5 * a.logit_opacities.astype(np.float64)))).astype(np.float32)
    return {"positions": a.means, "quats_wxyz": a.quats, "quats_xyzw": quats, "scales": scales, "opacities": opacities,
            "sh": a.sh.reshape(-1, 3), "sh_degree": a.sh_degree, "dc": a.sh[:, 0, :], "labels": a.labels}


def splat_extent(positions: np.ndarray, quats_wxyz: np.ndarray, scales: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The box holding every splat's kernel out to KERNEL_SIGMAS: the exact axis-aligned half-size of an ellipsoid
    is ``k * sqrt(diag(R S^2 R^T))``, so renderers that cull by ``extent`` never drop a visible splat."""
    from ...core.rotation import quat_to_rotmat_np

    if not len(positions):
        return np.zeros(3, np.float32), np.zeros(3, np.float32)
    r = quat_to_rotmat_np(np.asarray(quats_wxyz, np.float32))
    half = KERNEL_SIGMAS * np.sqrt(np.einsum("nij,nj->ni", r * r, np.square(scales, dtype=np.float64)))
    big = float(np.finfo(np.float32).max)  # huge splats (scales up to exp(88)) must not make the extent inf
    lo, hi = (np.clip(positions - half, -big, big).min(0), np.clip(positions + half, -big, big).max(0))
    return lo.astype(np.float32), hi.astype(np.float32)


def define_splat_prim(stage, prim_path: str, arr: dict, legend: dict | None = None) -> dict:
    """Author a ParticleField3DGaussianSplat at ``prim_path`` from :func:`splat_arrays` (numpy bulk copies only)."""
    from pxr import Sdf, UsdGeom, UsdVol, Vt

    field = UsdVol.ParticleField3DGaussianSplat.Define(stage, prim_path)
    pos = arr["positions"]
    field.CreatePositionsAttr(Vt.Vec3fArray.FromNumpy(pos))
    field.CreateOrientationsAttr(Vt.QuatfArray.FromNumpy(arr["quats_xyzw"]))
    field.CreateScalesAttr(Vt.Vec3fArray.FromNumpy(arr["scales"]))
    field.CreateOpacitiesAttr(Vt.FloatArray.FromNumpy(arr["opacities"]))
    field.CreateRadianceSphericalHarmonicsDegreeAttr(int(arr["sh_degree"]))
    field.CreateRadianceSphericalHarmonicsCoefficientsAttr(Vt.Vec3fArray.FromNumpy(arr["sh"]))
    field.CreateProjectionModeHintAttr("perspective")  # spatial's rasterizer: perspective (EWA) projection
    field.CreateSortingModeHintAttr("zDepth")  # ... sorted by camera-space z
    lo, hi = splat_extent(pos, arr["quats_wxyz"], arr["scales"])
    field.CreateExtentAttr(Vt.Vec3fArray.FromNumpy(np.stack([lo, hi]).astype(np.float32)))
    dc = np.clip(arr["dc"] * np.float32(_sh.C0) + np.float32(0.5), 0.0, 1.0).astype(np.float32)
    pv = UsdGeom.PrimvarsAPI(field.GetPrim())
    pv.CreatePrimvar("displayColor", Sdf.ValueTypeNames.Color3fArray, UsdGeom.Tokens.vertex).Set(Vt.Vec3fArray.FromNumpy(dc))
    if arr["labels"] is not None:
        lab = np.ascontiguousarray(arr["labels"], dtype=np.int32)
        pv.CreatePrimvar("spatial:labelId", Sdf.ValueTypeNames.IntArray, UsdGeom.Tokens.vertex).Set(Vt.IntArray.FromNumpy(lab))
        if legend:
            used = set(np.unique(lab).tolist())
            field.GetPrim().SetCustomDataByKey(LEGEND_KEY, {str(k): str(v) for k, v in sorted(legend.items()) if k in used})
    field.GetPrim().SetDocumentation("3D Gaussian splats written by spatial: linear scales and opacities, SH "
                                     "coefficient-major with DC first, band by band")
    return {"count": len(pos), "sh_degree": int(arr["sh_degree"]), "extent": [lo.tolist(), hi.tolist()]}


def write_splat_layer(splats, path, legend: dict | None = None, prim_name: str = "Splats") -> dict:
    """Write ``splats`` as the defaultPrim ``/<prim_name>`` of a new layer at ``path`` (format from the extension)."""
    path = Path(path)
    _require_pxr(path)
    arr = splat_arrays(path, splats)
    with new_stage(path) as stage:
        info = define_splat_prim(stage, "/" + prim_name, arr, legend)
        stage.SetDefaultPrim(stage.GetPrimAtPath("/" + prim_name))
    return info


def write(splats, path, **options) -> None:
    """Write a one-prim stage (``/Splats``, the default prim). Option: ``legend`` {label id: name}."""
    path = Path(path)
    legend = options.pop("legend", None)
    if options:
        raise fail(path, f"unknown USD write option(s): {', '.join(sorted(options))} (known: legend)")
    if path.suffix.lower() == ".usdz":
        raise fail(path, "writing .usdz is not supported: write .usdc (binary) or .usda (text)")
    write_splat_layer(splats, path, legend)


# ---------------------------------------------------------------------------------------------- reading
def _open(path: Path):
    from pxr import Tf, Usd

    from ..format_spec import MAX_FILE_BYTES

    try:
        stage = Usd.Stage.Open(str(path), Usd.Stage.LoadAll)
    except Tf.ErrorException as e:
        raise fail(path, f"usd-core cannot open it: {str(e).strip().splitlines()[-1][:300]}") from None
    if stage is None:
        raise fail(path, "usd-core cannot open it (not a USD stage)")
    total = 0
    for layer in stage.GetUsedLayers():
        real = layer.realPath
        if real and os.path.isfile(real):
            total += os.path.getsize(real)
    if total > MAX_FILE_BYTES:
        raise fail(path, f"the stage's layers hold {total} bytes, over the {MAX_FILE_BYTES}-byte limit (SPATIAL_MAX_FILE_BYTES)")
    return stage


def _splat_prims(path, stage) -> list:
    from pxr import Usd, UsdVol

    prims = [p for p in stage.Traverse(Usd.TraverseInstanceProxies()) if p.IsA(UsdVol.ParticleField3DGaussianSplat)]
    if not prims:
        raise fail(path, f"the stage has no {SCHEMA} prim (no Gaussian splats to read)")
    return prims


def _get(prim, name: str, dtype, width: int | None):
    """The attribute's value at the earliest time as a numpy array (None when absent or empty)."""
    from pxr import Usd

    attr = prim.GetAttribute(name)
    if not attr or not attr.HasValue():
        return None
    v = attr.Get(Usd.TimeCode.EarliestTime())
    if v is None:
        return None
    a = np.asarray(v)
    if a.size == 0:
        return None
    a = a.astype(dtype, copy=False)
    return a.reshape(-1, width) if width else a.reshape(-1)


def _first(prim, names, dtype, width, n: int | None):
    """Float attribute first, half twin second; arrays shorter than ``n`` are ignored, longer ones truncated."""
    for name in names:
        a = _get(prim, name, dtype, width)
        if a is not None and (n is None or len(a) >= n):
            return a if n is None else a[:n]
    return None


def _world_similarity(path, stage, prim):
    """(R [3,3], t [3], s) taking the prim's local space into spatial's frame (Y up, metres), or None for identity."""
    from pxr import Usd, UsdGeom

    m = np.array(UsdGeom.Xformable(prim).ComputeLocalToWorldTransform(Usd.TimeCode.EarliestTime()), dtype=np.float64)
    a = m[:3, :3].T  # USD matrices act on row vectors: p' = p M
    t = m[3, :3].copy()
    if UsdGeom.GetStageUpAxis(stage) == UsdGeom.Tokens.z:  # Z-up -> Y-up: (x, y, z) -> (x, z, -y)
        up = np.array([[1.0, 0, 0], [0, 0, 1.0], [0, -1.0, 0]])
        a, t = up @ a, up @ t
    mpu = float(UsdGeom.GetStageMetersPerUnit(stage))
    if not (np.isfinite(mpu) and mpu > 0):
        raise fail(path, f"metersPerUnit {mpu} is not a positive number")
    a, t = a * mpu, t * mpu
    det = np.linalg.det(a)
    if not (np.isfinite(det) and det > 0):
        raise fail(path, f"{prim.GetPath()} has a degenerate or mirroring transform (determinant {det:.3g})")
    s = det ** (1.0 / 3.0)
    r = a / s
    if not np.allclose(r @ r.T, np.eye(3), atol=1e-4):
        raise fail(path, f"{prim.GetPath()} has a non-uniform scale or shear: splats support rotation, translation and "
                         "uniform scale only")
    if np.allclose(r, np.eye(3), atol=1e-9) and abs(s - 1) < 1e-9 and not np.any(t):
        return None
    return r, t, s


def _read_prim(path, stage, prim):
    pos = _first(prim, ("positions", "positionsh"), np.float32, 3, None)
    if pos is None:
        pos = np.zeros((0, 3), np.float32)
    n = len(pos)
    q = _first(prim, ("orientations", "orientationsh"), np.float32, 4, n)
    quats = np.zeros((n, 4), np.float32)
    if q is None:
        quats[:, 0] = 1.0
    else:
        quats[:, 0], quats[:, 1:] = q[:, 3], q[:, :3]  # (i, j, k, real) -> (w, x, y, z)
    scales = _first(prim, ("scales", "scalesh"), np.float32, 3, n)
    if scales is None:
        scales = np.ones((n, 3), np.float32)
    require_finite(path, "scale", scales)
    if n and scales.min() < 0:
        raise fail(path, f"{prim.GetPath()}: negative linear scale at particle {int(np.flatnonzero((scales < 0).any(1))[0])}")
    op = _first(prim, ("opacities", "opacitiesh"), np.float32, None, n)
    if op is None:
        op = np.ones(n, np.float32)
    require_finite(path, "opacity", op)
    deg_attr = prim.GetAttribute("radiance:sphericalHarmonicsDegree")
    degree = int(deg_attr.Get()) if deg_attr and deg_attr.Get() is not None else 3
    if not 0 <= degree <= 4:
        raise fail(path, f"{prim.GetPath()}: spherical-harmonics degree {degree} is outside 0..4")
    k = _sh.num_coeffs(degree)
    coeffs = _first(prim, ("radiance:sphericalHarmonicsCoefficients", "radiance:sphericalHarmonicsCoefficientsh"),
                    np.float32, 3, n * k)
    if coeffs is None:  # schema default: DC (0.5, 0.5, 0.5) at degree 0, i.e. a zero DC coefficient
        sh = np.zeros((n, 1, 3), np.float32)
    else:
        sh = np.ascontiguousarray(coeffs.reshape(n, k, 3))
    labels = None
    lab_attr = prim.GetAttribute(LABEL_PRIMVAR)
    if lab_attr and lab_attr.HasValue():
        lab = np.asarray(lab_attr.Get())
        if lab.size == n:
            labels = lab.astype(np.int32).reshape(n)
    s = build_splats(path, pos, quats, log_linear_scale_np(scales), logit_np(np.clip(op, 0.0, 1.0)), sh, FLIPS_NONE, labels)
    sim = _world_similarity(path, stage, prim)
    if sim is not None:
        r, t, sc = sim
        s = s.transform(r, t, float(sc))  # labels ride along
    return s


@guard("USD")
def read(path: Path):
    path = Path(path)
    _require_pxr(path)
    from ...core.splats import Splats

    stage = _open(path)
    parts = [_read_prim(path, stage, p) for p in _splat_prims(path, stage)]
    if len(parts) == 1:
        return parts[0]
    if any(p.labels is None for p in parts):
        for p in parts:
            p.labels = None
    k = max(p.sh.shape[1] for p in parts)
    return Splats.concat([p.with_sh_degree(_sh.degree_from_coeffs(k)) for p in parts])


@guard("USD")
def inspect(path: Path) -> dict:
    path = Path(path)
    _require_pxr(path)
    from pxr import UsdGeom

    stage = _open(path)
    prims = _splat_prims(path, stage)
    count = 0
    for p in prims:
        attr = p.GetAttribute("positions")
        if not attr or not attr.HasValue():
            attr = p.GetAttribute("positionsh")
        v = attr.Get() if attr and attr.HasValue() else None
        count += 0 if v is None else len(v)
    deg = prims[0].GetAttribute("radiance:sphericalHarmonicsDegree").Get()
    return {"format": "usd", "version": "OpenUSD UsdVol.ParticleField3DGaussianSplat", "count": int(count),
            "sh_degree": int(3 if deg is None else deg), "prims": [str(p.GetPath()) for p in prims],
            "up_axis": str(UsdGeom.GetStageUpAxis(stage)), "meters_per_unit": float(UsdGeom.GetStageMetersPerUnit(stage))}


def sniff(head: bytes, path) -> bool:
    if head.startswith((b"PXR-USDC", b"#usda ")):
        return True
    # .usdz: a zip whose first entry is a USD layer (the usdz spec requires it to be first)
    if not head.startswith(b"PK\x03\x04") or len(head) <= 30:
        return False
    first = head[30:30 + int.from_bytes(head[26:28], "little")]
    return first.lower().endswith((b".usd", b".usda", b".usdc"))


FORMAT = register_format(
    SplatFormat(
        name="usd",
        extensions=EXTENSIONS,
        sniff=sniff,
        read=read,
        write=write,
        inspect=inspect,
        description="OpenUSD UsdVol.ParticleField3DGaussianSplat (.usda/.usdc/.usd, reads .usdz; needs usd-core)",
        write_options={"legend": "{label id: name} stored in the prim's customData next to primvars:spatial:labelId"},
    )
)

__all__ = ["FORMAT", "define_splat_prim", "new_stage", "pxr_available", "read", "splat_arrays", "write",
           "write_splat_layer"]
