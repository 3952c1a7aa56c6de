"""Resolving a (normalized) selection against a world: which splats, and which region of space.

:func:`resolve_selection` returns a :class:`Resolved`: the sorted splat ids and, for geometric
selections (box, sphere, ray with a radius, all), the :class:`Region` they describe, which the
collider update uses (collider triangles whose three vertices lie in the region follow the edit).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import EditError, EmptySelectionError, SelectionRangeError
from .state import WorldState


# ---------------------------------------------------------------------- regions
class Region:
    """A region of space; ``contains(points [M,3]) -> bool [M]``."""

    def contains(self, p: np.ndarray) -> np.ndarray:  # pragma: no cover - interface
        raise NotImplementedError


class AllRegion(Region):
    def contains(self, p):
        return np.ones(p.shape[0], bool)


def _prefilter(p: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Indices of the points whose x lies in [lo_x, hi_x] (one strided pass over a single column;
    the exact test then runs on these few candidates only)."""
    x = p[:, 0]
    return np.flatnonzero((x >= lo[0]) & (x <= hi[0]))


@dataclass
class BoxRegion(Region):
    center: np.ndarray
    half: np.ndarray
    rot: np.ndarray | None = None  # 3x3, box axes in world

    def contains(self, p):
        p = np.asarray(p)
        dt = p.dtype if p.dtype in (np.float32, np.float64) else np.float64
        ext = self.half if self.rot is None else np.abs(self.rot) @ self.half  # world-axis half extents
        lo, hi = (self.center - ext).astype(dt), (self.center + ext).astype(dt)
        cand = _prefilter(p, lo, hi)
        q = p[cand]
        if self.rot is None:
            ok = (q[:, 1] >= lo[1]) & (q[:, 1] <= hi[1]) & (q[:, 2] >= lo[2]) & (q[:, 2] <= hi[2])
        else:
            d = np.abs((q.astype(np.float64) - self.center) @ self.rot)  # world -> box frame (R^T d, row form)
            ok = (d[:, 0] <= self.half[0]) & (d[:, 1] <= self.half[1]) & (d[:, 2] <= self.half[2])
        out = np.zeros(p.shape[0], bool)
        out[cand[ok]] = True
        return out


@dataclass
class SphereRegion(Region):
    center: np.ndarray
    radius: float

    def contains(self, p):
        p = np.asarray(p)
        dt = p.dtype if p.dtype in (np.float32, np.float64) else np.float64
        c = self.center.astype(dt)
        cand = _prefilter(p, c - dt.type(self.radius), c + dt.type(self.radius))
        d = p[cand] - c
        out = np.zeros(p.shape[0], bool)
        out[cand[np.einsum("ij,ij->i", d, d) <= self.radius * self.radius]] = True
        return out


def quat_to_matrix(q) -> np.ndarray:
    """(w, x, y, z) of an edit op -> float64 [3, 3] (:func:`spatial.core.rotation.quat_to_rotmat_np`)."""
    from ..core.rotation import quat_to_rotmat_np  # imports torch: only when a rotation is used, so the
    # store's edit path stays light (tests/test_store_crash.py checks a writer never imports torch)

    return quat_to_rotmat_np(np.asarray([float(v) for v in q], np.float64))


def region_of(sel: dict) -> Region | None:
    t = sel["type"]
    if t == "all":
        return AllRegion()
    if t == "box":
        if "min" in sel:
            lo, hi = np.array(sel["min"], np.float64), np.array(sel["max"], np.float64)
            return BoxRegion((lo + hi) / 2, (hi - lo) / 2)
        rot = quat_to_matrix(sel["rotation"]) if "rotation" in sel else None
        return BoxRegion(np.array(sel["center"], np.float64), np.array(sel["size"], np.float64) / 2, rot)
    if t == "sphere":
        return SphereRegion(np.array(sel["center"], np.float64), float(sel["radius"]))
    return None


# ---------------------------------------------------------------------- resolution
@dataclass
class Resolved:
    ids: np.ndarray  # sorted unique int64
    region: Region | None
    hit: dict | None = None  # ray pick result, when the selection had a ray

    def __len__(self) -> int:
        return int(self.ids.size)


def _points_in(state: WorldState, region: Region) -> np.ndarray:
    return region.contains(state.table.col("means"))


def _label_ids(state: WorldState, labels: list) -> list[int]:
    legend = state.legend()
    by_name = {v: k for k, v in legend.items()}
    from ..core.labels import LABEL_IDS

    out = []
    for lab in labels:
        if isinstance(lab, str):
            if lab in by_name:
                out.append(by_name[lab])
            elif lab in LABEL_IDS:
                out.append(LABEL_IDS[lab])
            else:
                raise EditError(f"unknown label {lab!r}; this world's labels: {sorted(legend.values())}")
        else:
            if not 0 <= int(lab) < 2**31:
                raise EditError(f"label id {lab} is outside [0, 2^31)")
            out.append(int(lab))
    return out


def _id_array(ids) -> np.ndarray:
    try:
        return np.asarray(ids, np.int64).reshape(-1)
    except (OverflowError, TypeError, ValueError):
        raise SelectionRangeError("splat ids must be integers in [0, 2^63)") from None


def _mask(state: WorldState, sel: dict, hits: list) -> np.ndarray:
    n = state.n
    t = sel["type"]
    if t in ("all", "box", "sphere"):
        return _points_in(state, region_of(sel))
    if t == "label":
        return np.isin(state.table.col("labels"), np.array(_label_ids(state, sel["labels"]), np.int32))
    if t == "ids":
        ids = _id_array(sel["ids"])
        if ids.size and (ids.min() < 0 or ids.max() >= n):
            bad = ids[(ids < 0) | (ids >= n)]
            raise SelectionRangeError(f"splat ids out of range [0, {n}): {bad[:8].tolist()}{' ...' if bad.size > 8 else ''}")
        m = np.zeros(n, bool)
        m[ids] = True
        return m
    if t == "ray":
        from .pick import ray_pick

        hit = ray_pick(state, sel["origin"], sel["direction"], max_distance=sel.get("max_distance"),
                         min_weight=sel.get("min_weight", 0.05))
        m = np.zeros(n, bool)
        if hit is None:
            hits.append(None)
            return m
        hits.append(hit)
        if sel.get("radius", 0.0) > 0:
            m = SphereRegion(np.asarray(hit["point"]), sel["radius"]).contains(state.table.col("means"))
        m[hit["id"]] = True
        if sel.get("same_label"):
            m &= state.table.col("labels") == state.table.col("labels")[hit["id"]]
        return m
    if t == "and":
        m = _mask(state, sel["of"][0], hits)
        for s in sel["of"][1:]:
            m &= _mask(state, s, hits)
        return m
    if t == "or":
        m = _mask(state, sel["of"][0], hits)
        for s in sel["of"][1:]:
            m |= _mask(state, s, hits)
        return m
    if t == "not":
        return ~_mask(state, sel["of"], hits)
    raise EditError(f"unknown selection type {t!r}")


def resolve_selection(state: WorldState, sel: dict, allow_empty: bool = False) -> Resolved:
    """Splat ids (sorted) selected by the normalized selection ``sel``; raises
    :class:`EmptySelectionError` when nothing matches (unless ``allow_empty``)."""
    hits: list = []
    t = sel["type"]
    if t == "ids":  # keep it O(k) for big worlds
        n = state.n
        ids = np.unique(_id_array(sel["ids"]))
        if ids.size and (ids[0] < 0 or ids[-1] >= n):
            bad = ids[(ids < 0) | (ids >= n)]
            raise SelectionRangeError(f"splat ids out of range [0, {n}): {bad[:8].tolist()}{' ...' if bad.size > 8 else ''}")
    else:
        ids = np.flatnonzero(_mask(state, sel, hits)).astype(np.int64)
    region = region_of(sel)
    hit = hits[0] if hits else None
    if t == "ray" and hit is not None and sel.get("radius", 0.0) > 0 and not sel.get("same_label"):
        region = SphereRegion(np.asarray(hit["point"], np.float64), float(sel["radius"]))
    if ids.size == 0 and not allow_empty:
        what = "the ray hit no splat" if (t == "ray" and hit is None) else "no splat matches"
        raise EmptySelectionError(f"empty selection: {what} ({_describe(sel)})")
    return Resolved(ids, region, hit)


def _describe(sel: dict) -> str:
    t = sel["type"]
    if t == "box":
        return f"box {sel.get('min', sel.get('center'))}..{sel.get('max', sel.get('size'))}"
    if t == "sphere":
        return f"sphere at {sel['center']} r={sel['radius']}"
    if t == "label":
        return f"labels {sel['labels']}"
    if t == "ids":
        return f"{len(sel['ids'])} ids"
    if t == "ray":
        return f"ray from {sel['origin']} towards {sel['direction']}"
    return t
