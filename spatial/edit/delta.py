"""A compact, replayable description of what one edit changed.

A :class:`Delta` is expressed against its parent state (``n_before`` splats, ``faces_before``
collider faces) and is applied in this order:

1. **modify**: rows ``mod_ids`` get new values for the fields in ``mod`` (``sh_dc`` = the DC
   coefficient only, so a recolour of a degree-3 world stores 12 bytes per splat, not 192);
2. **remove**: rows ``removed`` leave by swap-remove (see :mod:`spatial.edit.state`);
3. **append**: rows ``added`` (every field) go at the end;
4. **collider**: faces ``collider_removed`` are dropped (stable order), then ``collider_vertices`` and
   ``collider_faces`` (indices into ``collider_vertices``) are appended;
5. **meta**: top-level metadata keys in ``meta`` are replaced (spawn, labels legend, ...).

Deltas are what the store keeps per version (see :mod:`spatial.store`). :meth:`Delta.rebase` moves a
delta onto a newer parent when the edits in between touched other splats (a clean merge), and raises
:class:`MergeConflict` otherwise.
"""

from __future__ import annotations

import copy as _copy
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .errors import EditError
from .state import FIELDS, WorldState, remap_ids

MOD_FIELDS = ("means", "quats", "log_scales", "logit_opacities", "sh", "sh_dc", "labels")
_EMPTY_I = np.zeros(0, np.int64)


class MergeConflict(EditError):
    """Two edits touch the same splats (or the same collider faces / metadata keys)."""


def _i64(a) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(a, dtype=np.int64).reshape(-1))


@dataclass
class Inverse:
    """What :meth:`Delta.apply_inplace` needs to undo itself (kept in memory only)."""

    n_before: int
    n_added: int
    removed: np.ndarray
    removed_rows: dict[str, np.ndarray]
    mod_ids: np.ndarray
    mod_old: dict[str, np.ndarray]
    collider: tuple[np.ndarray, np.ndarray]
    meta_old: dict[str, Any]

    def apply(self, state: WorldState) -> None:
        t = state.table
        t.truncate(t.n - self.n_added)
        t.unswap_remove(self.n_before, self.removed, self.removed_rows)
        for f, v in self.mod_old.items():
            t.set_rows(f, self.mod_ids, v)
        state.collider_vertices, state.collider_faces = self.collider
        for k, v in self.meta_old.items():
            if v is _MISSING:
                state.meta.pop(k, None)
            else:
                state.meta[k] = v


_MISSING = object()


@dataclass
class Delta:
    n_before: int
    mod_ids: np.ndarray = field(default_factory=lambda: _EMPTY_I)
    mod: dict[str, np.ndarray] = field(default_factory=dict)
    removed: np.ndarray = field(default_factory=lambda: _EMPTY_I)
    added: dict[str, np.ndarray] = field(default_factory=dict)
    faces_before: int = 0
    collider_removed: np.ndarray = field(default_factory=lambda: _EMPTY_I)
    collider_vertices: np.ndarray = field(default_factory=lambda: np.zeros((0, 3), np.float64))
    collider_faces: np.ndarray = field(default_factory=lambda: np.zeros((0, 3), np.int64))
    meta: dict[str, Any] = field(default_factory=dict)
    #: splats whose values this edit read without writing them (duplicate sources); not stored
    read_ids: np.ndarray = field(default_factory=lambda: _EMPTY_I)

    # ------------------------------------------------------------------ facts
    @property
    def n_added(self) -> int:
        return int(self.added["means"].shape[0]) if self.added else 0

    @property
    def n_after(self) -> int:
        return self.n_before - int(self.removed.size) + self.n_added

    @property
    def touches_collider(self) -> bool:
        return bool(self.collider_removed.size or self.collider_faces.shape[0])

    def is_empty(self) -> bool:
        return not (self.mod_ids.size or self.removed.size or self.n_added or self.touches_collider or self.meta)

    def summary(self) -> dict[str, Any]:
        """Counts for history listings and UIs."""
        return {
            "modified": int(self.mod_ids.size),
            "fields": sorted(self.mod),
            "removed": int(self.removed.size),
            "added": self.n_added,
            "splats_before": self.n_before,
            "splats_after": self.n_after,
            "collider_faces_removed": int(self.collider_removed.size),
            "collider_faces_added": int(self.collider_faces.shape[0]),
            "meta": sorted(self.meta),
        }

    def nbytes(self) -> int:
        n = self.mod_ids.nbytes + self.removed.nbytes + self.collider_removed.nbytes
        n += sum(v.nbytes for v in self.mod.values()) + sum(v.nbytes for v in self.added.values())
        return n + self.collider_vertices.nbytes + self.collider_faces.nbytes

    # ------------------------------------------------------------------ validation
    def validate(self, state: WorldState | None = None) -> "Delta":
        """Check internal consistency (and against ``state`` when given); raises EditError."""
        k = self.mod_ids.size
        if k and (np.any(np.diff(self.mod_ids) <= 0) or self.mod_ids[0] < 0 or self.mod_ids[-1] >= self.n_before):
            raise EditError("delta mod_ids must be sorted, unique and inside [0, n_before)")
        r = self.removed
        if r.size and (np.any(np.diff(r) <= 0) or r[0] < 0 or r[-1] >= self.n_before):
            raise EditError("delta removed ids must be sorted, unique and inside [0, n_before)")
        if k and r.size and np.isin(self.mod_ids, r, assume_unique=True).any():
            raise EditError("delta modifies rows it also removes")
        for f, v in self.mod.items():
            if f not in MOD_FIELDS:
                raise EditError(f"delta modifies unknown field {f!r}")
            if v.shape[0] != k:
                raise EditError(f"delta field {f} has {v.shape[0]} rows for {k} ids")
        if self.added:
            if set(self.added) != set(FIELDS):
                raise EditError(f"delta added rows need every field {FIELDS}")
            a = self.n_added
            if any(v.shape[0] != a for v in self.added.values()):
                raise EditError("delta added columns differ in length")
        cr = self.collider_removed
        if cr.size and (np.any(np.diff(cr) <= 0) or cr[0] < 0 or cr[-1] >= self.faces_before):
            raise EditError("delta collider_removed must be sorted, unique and inside [0, faces_before)")
        cf = self.collider_faces
        if cf.size and (cf.min() < 0 or cf.max() >= self.collider_vertices.shape[0]):
            raise EditError("delta collider faces index outside its vertices")
        if state is not None:
            if state.n != self.n_before:
                raise EditError(f"delta expects {self.n_before} splats, the world has {state.n}")
            if cr.size and state.collider_faces.shape[0] != self.faces_before:
                raise EditError(f"delta expects {self.faces_before} collider faces, the world has {state.collider_faces.shape[0]}")
            t = state.table
            for f, v in list(self.mod.items()) + list(self.added.items()):
                tail = (3,) if f == "sh_dc" else t.row_tail(f)
                if tuple(v.shape[1:]) != tail:
                    raise EditError(f"delta field {f} rows have shape {list(v.shape[1:])}, the world needs {list(tail)}")
        return self

    # ------------------------------------------------------------------ application
    def apply_inplace(self, state: WorldState, keep_inverse: bool = True) -> Inverse | None:
        """Apply to ``state`` in place, O(rows touched). Returns the undo record when asked."""
        self.validate(state)
        t = state.table
        mod_old = {f: t.get_rows(f, self.mod_ids) for f in self.mod} if keep_inverse else {}
        for f, v in self.mod.items():
            t.set_rows(f, self.mod_ids, v)
        removed_rows = t.rows(self.removed) if (keep_inverse and self.removed.size) else {}
        t.swap_remove(self.removed)
        if self.added:
            t.append(self.added)
        old_collider = (state.collider_vertices, state.collider_faces)
        if self.touches_collider:
            faces = state.collider_faces
            if self.collider_removed.size:
                keep = np.ones(faces.shape[0], bool)
                keep[self.collider_removed] = False
                faces = faces[keep]
            if self.collider_faces.shape[0]:
                off = state.collider_vertices.shape[0]
                state.collider_vertices = np.concatenate([state.collider_vertices, self.collider_vertices.astype(np.float64)])
                faces = np.concatenate([faces, self.collider_faces.astype(np.int64) + off])
            state.collider_faces = faces
        meta_old = {}
        for key, v in self.meta.items():
            meta_old[key] = _copy.deepcopy(state.meta.get(key, _MISSING)) if key in state.meta else _MISSING
            state.meta[key] = _copy.deepcopy(v)
        if not keep_inverse:
            return None
        return Inverse(self.n_before, self.n_added, self.removed, removed_rows, self.mod_ids, mod_old, old_collider, meta_old)

    def apply(self, state: WorldState) -> WorldState:
        """A new state with this delta applied; ``state`` is left unchanged (columns are shared
        copy-on-write, so only the columns the delta writes are copied)."""
        new = state.share()
        self.apply_inplace(new, keep_inverse=False)
        return new

    # ------------------------------------------------------------------ merging
    def touched_ids(self) -> np.ndarray:
        return np.union1d(self.mod_ids, self.removed)

    def rebase(self, intervening: list["Delta"]) -> "Delta":
        """This delta (computed against state P) re-expressed against the state reached from P by
        ``intervening`` deltas, or :class:`MergeConflict` if they touch the same splats, the same
        collider faces or the same metadata keys."""
        mod_ids, removed, read = self.mod_ids, self.removed, self.read_ids
        mod = dict(self.mod)
        col_removed = self.collider_removed
        faces_before = self.faces_before
        mine = np.union1d(np.union1d(mod_ids, removed), read)
        for d in intervening:
            if mine.size and np.isin(mine, d.touched_ids(), assume_unique=False).any():
                clash = int(np.intersect1d(mine, d.touched_ids()).size)
                raise MergeConflict(f"both edits touch the same splats ({clash} in common)")
            keys = set(self.meta) & set(d.meta)
            if keys:
                raise MergeConflict(f"both edits change world metadata {sorted(keys)}")
            if col_removed.size and d.collider_removed.size:
                if np.intersect1d(col_removed, d.collider_removed).size:
                    raise MergeConflict("both edits remove the same collider faces")
            # carry ids forward through d
            mod_ids = remap_ids(mod_ids, d.n_before, d.removed)
            removed = remap_ids(removed, d.n_before, d.removed)
            read = remap_ids(read, d.n_before, d.removed)
            mine = np.union1d(np.union1d(mod_ids, removed), read)
            if col_removed.size and d.collider_removed.size:
                col_removed = col_removed - np.searchsorted(d.collider_removed, col_removed)
            faces_before = faces_before - int(d.collider_removed.size) + int(d.collider_faces.shape[0])
        order = np.argsort(mod_ids, kind="stable")
        out = Delta(
            n_before=intervening[-1].n_after if intervening else self.n_before,
            mod_ids=mod_ids[order],
            mod={f: v[order] for f, v in mod.items()},
            removed=np.sort(removed),
            added=self.added,
            faces_before=faces_before,
            collider_removed=np.sort(col_removed),
            collider_vertices=self.collider_vertices,
            collider_faces=self.collider_faces,
            meta=self.meta,
            read_ids=np.sort(read),
        )
        return out.validate()
