"""Objects in a world: the splats of a kind, split into instances.

Generated worlds label every splat with its kind (``barrel``, ``cherry_tree``, ...; docs/generate.md)
and edits keep those labels, so the instances of a kind are found from the splats themselves, which
stays right after any edit (moves, deletes, inserts): the splats of the kind's labels are bucketed
into ``cell``-metre voxels and the 26-connected groups of occupied voxels are the instances.

A word names labels by the asset registry (the kind it means, its label name) and by word parts
("trees" names ``cherry_tree`` and ``pine_tree``; "rocks" names ``rock`` and ``boulder_rock``), with
the coarse default labels (``vegetation`` for trees in worlds without kind labels) as a fallback.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .state import WorldState

CELL = 0.45
MIN_SPLATS = 30
#: labels that are surfaces, never objects
SURFACE_LABELS = frozenset({"unlabeled", "ground", "water", "sky", "road", "wall", "floor", "ceiling", "particles"})
#: coarse fallbacks for worlds labelled by category only
COARSE = {"tree": "vegetation", "bush": "vegetation", "plant": "vegetation", "rock": "rock", "stone": "rock", "boulder": "rock",
          "house": "building", "building": "building", "cabin": "building", "tower": "building", "chair": "furniture",
          "table": "furniture", "sofa": "furniture", "bed": "furniture"}


@dataclass
class Obj:
    """One instance: its splat ids (sorted), labels, bounding box and footprint."""

    ids: np.ndarray
    labels: list[int]
    lo: np.ndarray
    hi: np.ndarray

    @property
    def centre(self) -> np.ndarray:
        return (self.lo + self.hi) / 2

    @property
    def base(self) -> np.ndarray:
        c = self.centre
        return np.array([c[0], self.lo[1], c[2]])

    @property
    def radius(self) -> float:
        """Half the footprint diagonal's larger side (metres)."""
        return float(max(self.hi[0] - self.lo[0], self.hi[2] - self.lo[2]) / 2)

    def selection(self, state: WorldState) -> dict:
        """An op selection of exactly this instance's splats (their ids in this version; the store keeps
        long id lists compactly)."""
        return {"type": "ids", "ids": self.ids.tolist()}


def _singular(word: str) -> list[str]:
    try:
        from ..generation.assets.registry import singulars
    except ImportError:  # pragma: no cover
        return [word, word.rstrip("s")]
    return singulars(word)


def labels_for_word(state: WorldState, word: str) -> list[int]:
    """Label ids of this world that a noun (``"trees"``, ``"cherry tree"``, ``"fountain"``) names."""
    from .insert_asset import _registry

    legend = state.legend()
    phrase = word.strip().lower().replace("-", " ")
    reg = _registry()
    kind = reg.lookup(phrase)
    names = set()
    if kind is not None:
        names |= {kind.name, kind.label_name}
    toks = phrase.split()
    last = set(_singular(toks[-1])) if toks else set()
    for k, v in legend.items():
        if v in SURFACE_LABELS:
            continue
        parts = v.split("_")
        if v in names:
            continue
        if len(toks) == 1 and (last & set(parts)):
            names.add(v)
        elif len(toks) > 1 and kind is None and "_".join(toks[:-1] + [sorted(last, key=len)[0]]) == v:
            names.add(v)
    ids = sorted(k for k, v in legend.items() if v in names)
    if not ids:
        for s in sorted(last | set(toks)):
            coarse = COARSE.get(s)
            if coarse:
                ids = sorted(k for k, v in legend.items() if v == coarse)
                break
    return ids


def _components(vox: np.ndarray) -> np.ndarray:
    """Connected-component id per voxel row of the unique int voxel coordinates ``vox`` [M,3] (26-connected)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    m = len(vox)
    lo = vox.min(0)
    v = vox - lo + 1
    dims = v.max(0) + 2
    key = (v[:, 0] * dims[1] + v[:, 1]) * dims[2] + v[:, 2]
    order = np.argsort(key)
    ks = key[order]
    rows, cols = [], []
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            for dz in (-1, 0, 1):
                if (dx, dy, dz) <= (0, 0, 0):
                    continue
                k2 = key + (dx * dims[1] + dy) * dims[2] + dz
                pos = np.searchsorted(ks, k2)
                pos = np.minimum(pos, m - 1)
                hit = ks[pos] == k2
                rows.append(np.flatnonzero(hit))
                cols.append(order[pos[hit]])
    r = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    c = np.concatenate(cols) if cols else np.zeros(0, np.int64)
    g = coo_matrix((np.ones(len(r), np.int8), (r, c)), shape=(m, m))
    return connected_components(g, directed=False)[1]


def instance_seeds(state: WorldState, label_ids) -> np.ndarray:
    """(x, z) of the recorded instances (``metadata.scene``: the generator's and insert_asset's) of these labels."""
    scene = (state.meta.get("metadata") or {}).get("scene")
    if isinstance(scene, dict):
        scene = scene.get("instances")
    if not isinstance(scene, list):
        return np.zeros((0, 2))
    want = set(int(x) for x in label_ids)
    legend = state.legend()
    out = []
    for e in scene:
        if not isinstance(e, dict):
            continue
        lab = e.get("label_id", e.get("label"))
        if isinstance(lab, str):
            lab = next((k for k, v in legend.items() if v == lab), None)
        if lab is None and isinstance(e.get("kind"), str):
            lab = next((k for k, v in legend.items() if v == e["kind"]), None)
        if lab is None or int(lab) not in want:
            continue
        pos = e.get("position")
        if pos is None and isinstance(e.get("transform"), dict):
            pos = e["transform"].get("translate") or e["transform"].get("position")
        try:
            x, _, z = (float(v) for v in pos)
        except (TypeError, ValueError):
            continue
        out.append((x, z))
    return np.asarray(out, np.float64).reshape(-1, 2)


def find_objects(state: WorldState, label_ids, cell: float = CELL, min_splats: int = MIN_SPLATS) -> list[Obj]:
    """Instances of the given labels (largest first). A group of touching splats that holds several
    recorded instances (trees whose crowns touch) is split between them by nearest instance position."""
    label_ids = np.asarray(sorted(set(int(x) for x in label_ids)), np.int32)
    if label_ids.size == 0 or state.n == 0:
        return []
    lab = state.table.col("labels")
    ids = np.flatnonzero(np.isin(lab, label_ids))
    if ids.size == 0:
        return []
    p = state.table.col("means")[ids].astype(np.float64)
    vox = np.floor(p / cell).astype(np.int64)
    uniq, inv = np.unique(vox, axis=0, return_inverse=True)
    comp = _components(uniq)[inv.reshape(-1)]
    seeds = instance_seeds(state, label_ids)
    if len(seeds) > 1:
        from scipy.spatial import cKDTree

        near = cKDTree(seeds).query(p[:, [0, 2]], k=1)[1]
        # split only groups that hold two or more seeds' nearest splats in numbers
        key = comp.astype(np.int64) * (len(seeds) + 1) + near
        _, cnt = np.unique(key, return_counts=True)
        comp = np.unique(key, return_inverse=True)[1].reshape(-1) if cnt.size else comp
    out = []
    order = np.argsort(comp, kind="stable")
    bounds = np.flatnonzero(np.r_[True, comp[order][1:] != comp[order][:-1], True])
    for a, b in zip(bounds[:-1], bounds[1:]):
        sel = order[a:b]
        if sel.size < min_splats:
            continue
        pts = p[sel]
        # robust box: ignore the 0.5 % outermost splats on each side (stray wide splats)
        lo = np.quantile(pts, 0.005, axis=0) if sel.size > 400 else pts.min(0)
        hi = np.quantile(pts, 0.995, axis=0) if sel.size > 400 else pts.max(0)
        out.append(Obj(np.sort(ids[sel]), sorted(set(lab[ids[sel]].tolist())), lo, hi))
    out.sort(key=lambda o: -o.ids.size)
    return out


def split_groups(state: WorldState, ids: np.ndarray, cell: float = CELL) -> list[np.ndarray]:
    """The splat ids ``ids`` split into groups of touching splats (sorted ids per group)."""
    ids = np.asarray(ids, np.int64)
    if ids.size == 0:
        return []
    p = state.table.col("means")[ids].astype(np.float64)
    uniq, inv = np.unique(np.floor(p / cell).astype(np.int64), axis=0, return_inverse=True)
    comp = _components(uniq)[inv.reshape(-1)]
    order = np.argsort(comp, kind="stable")
    bounds = np.flatnonzero(np.r_[True, comp[order][1:] != comp[order][:-1], True])
    return [np.sort(ids[order[a:b]]) for a, b in zip(bounds[:-1], bounds[1:])]


def objects_for_word(state: WorldState, word: str) -> list[Obj]:
    return find_objects(state, labels_for_word(state, word))
