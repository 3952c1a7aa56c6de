"""Static triangle colliders from splats (worlds without source geometry).

Pipeline (measured design, see docs/physics.md):

1. **surface samples**: finite, opaque (``min_opacity``) splats, minus sky/particle labels and huge
   background blobs; large splats add samples over their footprint so sparse big splats leave no gaps;
2. **density grid**: opacity accumulated per voxel (``voxel`` metres) -> occupied voxels, small
   floater components dropped, gaps of up to two voxels sealed;
3. **flood fill**: air = empty space connected to the sky (the grid's top) or to ``seeds`` (spawn or
   camera positions inside closed rooms); solid = everything else, so closed volumes and the ground
   beneath its surface are solid and walls get one surface per side;
4. **marching cubes** (scikit-image) on the lightly blurred solid indicator; tiny components dropped;
5. **quadric decimation** (fast-simplification) to ``budget`` triangles;
6. **surface snapping**: every vertex is projected along the local splat plane normal onto that plane
   (centroid and PCA normal of the opaque splats within 1.5 voxels), removing the voxel staircase,
   the half-voxel offset of the iso-surface and the decimation error; faces no splat supports (the
   flood fill's artificial sides) are dropped.

The result is a ``trimesh.Trimesh`` in the world frame (+Y up, metres), outward normals, with the
run's figures in ``mesh.metadata["spatial_collider"]``. :func:`heightfield_from_splats` gives a
2.5D alternative for open terrain.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field

import numpy as np

from ..errors import ValidationError
from .errors import NoSurfaceError
from .heightfield import heightfield_from_splats
from .surface import as_numpy, surface_samples

__all__ = ["collider_from_splats", "ColliderReport", "simplify_mesh", "surface_samples"]

MC_BLUR = 0.7  # voxels: smooths the voxel staircase before snapping


@dataclass
class ColliderReport:
    """What :func:`collider_from_splats` did (also stored in ``mesh.metadata['spatial_collider']``)."""

    voxel: float = 0.0
    grid_shape: tuple = ()
    splats_in: int = 0
    splats_used: int = 0
    dropped_nonfinite: int = 0
    dropped_transparent: int = 0
    dropped_other: int = 0
    faces_marching_cubes: int = 0
    faces: int = 0
    vertices_snapped: float = 0.0  # fraction of vertices moved onto a splat plane
    seconds: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["grid_shape"] = list(self.grid_shape)
        return d


def _linear_index(pts, lo, h, shape):
    ijk = np.floor((pts - lo) / h).astype(np.int64)
    return (ijk[:, 0] * shape[1] + ijk[:, 1]) * shape[2] + ijk[:, 2]


def _robust_bounds(pts: np.ndarray, voxel: float):
    lo, hi = np.quantile(pts, 0.001, axis=0), np.quantile(pts, 0.999, axis=0)
    ext = np.maximum(hi - lo, voxel)
    lo, hi = lo - 0.1 * ext - 2 * voxel, hi + 0.1 * ext + 2 * voxel
    return lo, hi


def collider_from_splats(
    splats,
    budget: int = 200_000,
    voxel: float | None = None,
    min_opacity: float = 0.3,
    seeds=None,
    fill_from_sky: bool = True,
    snap: bool = True,
    max_voxels: int = 32_000_000,
    min_component_faces: int = 64,
    method: str = "grid",
    progress: bool = False,
):
    """Build a static collider mesh from ``splats`` (see the module docstring for the pipeline).

    ``voxel`` defaults to 0.1 m, or 1.5 x the median splat size for sparse splats (and is coarsened
    so the grid stays below ``max_voxels``);
    ``seeds`` are points known to be in free space (spawn, camera centres) that open closed rooms;
    ``budget`` caps the triangle count (default 200k, Marble's collider size); ``method="heightfield"``
    builds a 2.5D terrain instead (fast, no overhangs). Raises :class:`NoSurfaceError` for empty,
    all-transparent or all-NaN input; returns a ``trimesh.Trimesh``."""
    import trimesh

    if budget < 4:
        raise ValidationError(f"budget must be >= 4 triangles, got {budget}")
    if method == "heightfield":
        mesh = heightfield_from_splats(splats, min_opacity=min_opacity).to_mesh()
        return simplify_mesh(mesh, budget)
    if method != "grid":
        raise ValidationError(f"method must be 'grid' or 'heightfield', got {method!r}")
    rep = ColliderReport()
    t0 = time.perf_counter()
    tick = {"t": t0}

    def lap(name):
        now = time.perf_counter()
        rep.seconds[name] = round(now - tick["t"], 3)
        tick["t"] = now
        if progress:
            print(f"collider: {name} {rep.seconds[name]:.2f}s", flush=True)

    if voxel is None:
        # 10 cm, or coarser for sparse splats so that their footprints still close the surface
        sc = as_numpy(splats.scales)
        op = as_numpy(splats.opacities)
        ok = np.isfinite(sc).all(1) & (op >= min_opacity) & (sc.max(1) <= 2.0)
        h = max(0.1, 1.5 * float(np.median(sc[ok].max(1)))) if ok.any() else 0.1
    else:
        h = float(voxel)
    if not (h > 0 and math.isfinite(h)):
        raise ValidationError(f"voxel must be a positive number, got {voxel!r}")
    pts, w = surface_samples(splats, min_opacity, sample_spacing=h / 2, report=rep)
    lo, hi = _robust_bounds(pts, h)
    vol = float(np.prod(hi - lo))
    if vol / h**3 > max_voxels:
        h = (vol / max_voxels) ** (1 / 3)
        lo, hi = _robust_bounds(pts, h)
    rep.voxel = h
    shape = tuple(int(s) for s in np.ceil((hi - lo) / h).astype(int) + 1)
    rep.grid_shape = shape
    inb = ((pts >= lo) & (pts < lo + np.array(shape) * h)).all(1)
    pts, w = pts[inb], w[inb]
    lin = _linear_index(pts, lo, h, shape)
    lap("samples")
    solid, occ = _solid_grid(lin, w, shape, h, lo, seeds, fill_from_sky, min_opacity)
    lap("grid+floodfill")
    if not solid.any():
        raise NoSurfaceError("the splats hold no surface dense enough for a collider at this voxel size")
    verts, faces = _marching_cubes(solid, h, lo)
    rep.faces_marching_cubes = len(faces)
    lap("marching_cubes")
    if len(faces) == 0:
        raise NoSurfaceError("no surface found (every voxel is solid or every voxel is air)")
    verts, faces = _drop_small_components(verts, faces, min_component_faces)
    mesh = simplify_mesh(trimesh.Trimesh(verts, faces, process=False), budget)
    lap("simplify")
    verts, faces = np.asarray(mesh.vertices, np.float64), np.asarray(mesh.faces, np.int64)
    verts, supported, moved = _snap_to_splats(verts, faces, pts, w, lin, shape, h, lo, snap)
    rep.vertices_snapped = moved
    verts, faces = _drop_unsupported(verts, faces, supported)
    mesh = trimesh.Trimesh(verts, faces, process=False)
    lap("snap")
    rep.faces = len(mesh.faces)
    rep.seconds["total"] = round(time.perf_counter() - t0, 3)
    if len(mesh.faces) == 0:
        raise NoSurfaceError("no supported surface left after reconstruction")
    mesh.metadata["spatial_collider"] = rep.to_dict()
    return mesh


def _solid_grid(lin, w, shape, h, lo, seeds, fill_from_sky, min_opacity):
    from scipy import ndimage as nd

    dens = np.bincount(lin, weights=w, minlength=int(np.prod(shape))).astype(np.float32).reshape(shape)
    occ = dens >= 0.5 * min_opacity  # one opaque splat (or its footprint core) marks a voxel
    del dens
    # drop tiny floater clusters (26-connected components below 8 voxels)
    lab, n = nd.label(occ, structure=np.ones((3, 3, 3), bool))
    if n:
        sizes = np.bincount(lab.ravel())
        small = sizes < 8
        small[0] = False
        if small.any():
            occ &= ~small[lab]
    del lab
    occ |= _gap_fill(occ)
    empty = ~occ & ~_ground_barrier(occ, h)
    air_lab, _ = nd.label(empty)  # 6-connected free space
    seed_labels = set()
    if fill_from_sky:
        seed_labels |= set(np.unique(air_lab[:, -1, :]).tolist())
    if seeds is not None:
        sp = np.atleast_2d(np.asarray(seeds, float))
        ijk = np.floor((sp - lo) / h).astype(int)
        ok = ((ijk >= 0) & (ijk < np.array(shape))).all(1)
        for i, j, k in ijk[ok]:
            seed_labels.add(int(air_lab[i, j, k]))
    seed_labels.discard(0)
    if not seed_labels:
        solid = occ  # nothing marks free space: keep only the occupied shell
    else:
        keep = np.zeros(int(air_lab.max()) + 1, bool)
        keep[list(seed_labels)] = True
        solid = ~keep[air_lab]
    return solid, occ


def _gap_fill(occ):
    """Empty voxels with occupied voxels on both sides along an axis within a gap of up to two voxels:
    seals pinholes in surface sheets without filling concave corners (as a morphological closing would)."""
    fill = np.zeros_like(occ)
    for ax in range(3):
        n = occ.shape[ax]
        for a, b in ((1, 1), (1, 2), (2, 1)):  # occupied at -a and +b
            if n <= a + b:
                continue
            sl = [slice(None)] * 3
            lo_, mid, hi_ = list(sl), list(sl), list(sl)
            lo_[ax] = slice(0, n - a - b)
            mid[ax] = slice(a, n - b)
            hi_[ax] = slice(a + b, n)
            fill[tuple(mid)] |= occ[tuple(lo_)] & occ[tuple(hi_)]
    return fill & ~occ


def _ground_barrier(occ, h):
    """Voxels below the ground level of each column (inside the splats' footprint), so that a hole in
    the ground sheet makes a dent instead of letting the sky's flood fill leak under the ground.

    The ground level of a column is its lowest occupied voxel where that agrees (within 0.5 m) with a
    1.5 m median of the neighbours; elsewhere (holes, objects hanging over unobserved ground) the median."""
    from scipy import ndimage as nd

    has = occ.any(axis=1)
    if not has.any():
        return np.zeros_like(occ)
    low = np.argmax(occ, axis=1).astype(np.float32)
    _, (ii, kk) = nd.distance_transform_edt(~has, return_indices=True)
    filled = low[ii, kk]
    size = max(3, int(round(1.5 / h)) // 2 * 2 + 1)
    med = nd.median_filter(filled, size=size)
    level = np.where(has & (np.abs(low - med) <= 0.5 / h), low, np.floor(med))
    region = nd.binary_fill_holes(has)
    level = np.where(region, level, 0)
    return np.arange(occ.shape[1], dtype=np.float32)[None, :, None] < level[:, None, :]


def _marching_cubes(solid, h, lo):
    from scipy import ndimage as nd
    from skimage.measure import marching_cubes

    f = solid.astype(np.float32) if MC_BLUR <= 0 else nd.gaussian_filter(solid.astype(np.float32), MC_BLUR)
    # edge padding: solid reaching the grid's sides or bottom (the ground below its surface) gets no
    # artificial wall there; everything else has an air margin, so its surface closes
    pad = np.pad(f, 1, mode="edge")
    del f
    try:
        v, faces, _, _ = marching_cubes(pad, 0.5, allow_degenerate=False)
    except (ValueError, RuntimeError):
        return np.zeros((0, 3)), np.zeros((0, 3), np.int64)
    v = (v - 1 + 0.5) * h + lo
    return v.astype(np.float64), faces.astype(np.int64)


def _snap_to_splats(verts, faces, pts, w, lin, shape, h, lo, snap: bool = True):
    """Project vertices onto the local plane of the splats (PCA of the opaque samples in the 3x3x3
    voxels around the vertex). Returns (vertices, supported [V] bool: an occupied voxel lies within
    a voxel of the vertex along its normal, fraction of vertices moved)."""
    nvox = int(np.prod(shape))
    key = np.flatnonzero(np.bincount(lin, minlength=nvox))
    index = np.full(nvox, -1, np.int32)
    index[key] = np.arange(len(key), dtype=np.int32)
    sh = np.array(shape)
    # each vertex: the occupied voxel nearest to it along its normal (inwards first)
    vn = _vertex_normals(verts, faces)
    row = np.full(len(verts), -1, np.int64)
    for step in (0.5, 0.0, 1.0, -0.5, 1.5, -1.0):
        need = np.nonzero(row < 0)[0]
        if len(need) == 0:
            break
        q = np.floor((verts[need] - step * h * vn[need] - lo) / h).astype(np.int64)
        ok = ((q >= 0) & (q < sh)).all(1)
        r = np.full(len(q), -1, np.int64)
        r[ok] = index[np.ravel_multi_index(q[ok].T, shape)]
        row[need] = r
    has = row >= 0
    if not snap or not has.any():
        return verts, has, 0.0
    ur, r_inv = np.unique(row[has], return_inverse=True)  # one plane fit per voxel, shared by its vertices
    # moments of the samples per occupied voxel, summed over the 3x3x3 neighbourhood of the needed ones
    inv = index[lin]
    pairs = [(0, 0), (0, 1), (0, 2), (1, 1), (1, 2), (2, 2)]
    cols = [w] + [w * pts[:, a] for a in range(3)] + [w * pts[:, a] * pts[:, b] for a, b in pairs]
    S = np.stack([np.bincount(inv, weights=c, minlength=len(key)) for c in cols], 1)  # [M,10]
    ijk = np.stack(np.unravel_index(key[ur], shape), 1)
    strides = np.array([shape[1] * shape[2], shape[2], 1], np.int64)
    N = S[ur].copy()
    for d in np.array(np.meshgrid([-1, 0, 1], [-1, 0, 1], [-1, 0, 1], indexing="ij")).reshape(3, -1).T:
        if not d.any():
            continue
        ok = ((ijk + d >= 0) & (ijk + d < sh)).all(1)
        src = np.nonzero(ok)[0]
        j = index[key[ur[src]] + int(d @ strides)]
        m = j >= 0
        N[src[m]] += S[j[m]]
    m0 = np.maximum(N[:, 0], 1e-12)
    c = N[:, 1:4] / m0[:, None]
    cov = np.empty((len(ur), 3, 3))
    for k, (a, b) in enumerate(pairs):
        cov[:, a, b] = cov[:, b, a] = N[:, 4 + k] / m0 - c[:, a] * c[:, b]
    ev, evec = np.linalg.eigh(cov)
    planar = ((ev[:, 0] < 0.25 * ev[:, 1]) & (N[:, 0] >= 1.0))[r_inv]
    n = evec[:, :, 0][r_inv]
    c = c[r_inv]
    v = verts[has]
    dist = ((v - c) * n).sum(1)
    move = planar & (np.abs(dist) <= 1.0 * h)
    out = verts.copy()
    out[np.nonzero(has)[0][move]] = v[move] - dist[move, None] * n[move]
    return out, has, float(move.sum()) / max(len(verts), 1)


def _vertex_normals(verts, faces):
    """Area-weighted unit vertex normals."""
    tri = verts[faces]
    fn = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    vn = np.stack([np.bincount(faces.ravel(), weights=np.repeat(fn[:, a], 3), minlength=len(verts)) for a in range(3)], 1)
    return vn / np.maximum(np.linalg.norm(vn, axis=1, keepdims=True), 1e-12)


def _drop_unsupported(verts, faces, supported):
    """Remove faces that no splat supports (no vertex near an occupied voxel) unless they face up.
    These are the flood fill's artificial sides (e.g. the skirt of solid ground at the edge of the
    splats); upward faces stay, they are the floors of patched ground holes."""
    tri = verts[faces]
    fn = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    up = fn[:, 1] > 0.5 * np.linalg.norm(fn, axis=1)
    keep = supported[faces].any(1) | up
    if keep.all():
        return verts, faces
    faces = faces[keep]
    used = np.flatnonzero(np.bincount(faces.ravel(), minlength=len(verts)))
    remap = np.full(len(verts), -1, np.int64)
    remap[used] = np.arange(len(used))
    return verts[used], remap[faces]


def _drop_small_components(verts, faces, min_faces: int):
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    if len(faces) == 0 or min_faces <= 1:
        return verts, faces
    nv = len(verts)
    e = np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]]])
    g = coo_matrix((np.ones(len(e), np.int8), (e[:, 0], e[:, 1])), shape=(nv, nv))
    _, lab = connected_components(g, directed=False)
    fl = lab[faces[:, 0]]
    cnt = np.bincount(fl)
    keep = cnt[fl] >= min_faces
    faces = faces[keep]
    used = np.flatnonzero(np.bincount(faces.ravel(), minlength=nv))
    remap = np.full(nv, -1, np.int64)
    remap[used] = np.arange(len(used))
    return verts[used], remap[faces]


def simplify_mesh(mesh, budget: int = 200_000):
    """Quadric-decimate ``mesh`` to at most ``budget`` triangles (fast-simplification); unchanged if smaller."""
    import trimesh

    if len(mesh.faces) <= budget:
        return mesh
    import fast_simplification

    v, f = fast_simplification.simplify(np.asarray(mesh.vertices, np.float32), np.asarray(mesh.faces, np.int64),
                                        target_count=int(budget))
    out = trimesh.Trimesh(np.asarray(v, np.float64), f, process=False)
    if len(out.faces) > budget:  # the library may stop a little above the target
        v, f = fast_simplification.simplify(v, f, target_count=int(budget * 0.97))
        out = trimesh.Trimesh(np.asarray(v, np.float64), f, process=False)
    out.metadata.update(mesh.metadata)
    return out
