"""The editable, array-level form of a World: numpy columns + collider arrays + JSON metadata.

Edits are computed and applied on a :class:`WorldState` rather than on a :class:`~spatial.World`
so they cost O(rows touched), not O(world):

* :class:`SplatTable` keeps one numpy column per splat field with spare capacity (appends are
  amortized O(1)) and removes rows by *swap-remove* (the last surviving rows fill the holes), an
  O(removed) operation; splat order has no meaning for rendering, and the rule is deterministic so a
  delta replays to the identical array.
* Columns are copy-on-write: a state built from a World borrows its tensors' memory and copies a
  column only the first time an edit writes to it; a copied state shares columns until written.

Columns (storage space, docs/conventions.md): ``means`` f32 [N,3], ``quats`` f32 [N,4] (w,x,y,z),
``log_scales`` f32 [N,3], ``logit_opacities`` f32 [N], ``sh`` f32 [N,K,3], ``labels`` i32 [N]
(0 = unlabeled; a state always has labels).
"""

from __future__ import annotations

import copy as _copy
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .errors import EditError

FIELDS: tuple[str, ...] = ("means", "quats", "log_scales", "logit_opacities", "sh", "labels")
#: Row shape tail per field (``sh`` is (K, 3), filled in per table).
ROW_TAIL: dict[str, tuple[int, ...]] = {"means": (3,), "quats": (4,), "log_scales": (3,), "logit_opacities": (), "labels": ()}
DTYPES: dict[str, np.dtype] = {f: np.dtype("<f4") for f in FIELDS}
DTYPES["labels"] = np.dtype("<i4")
#: Metadata keys a World carries besides its arrays (JSON values).
META_KEYS: tuple[str, ...] = ("name", "prompt", "spec", "seed", "generator", "spawn", "labels", "cameras", "metadata")


class SplatTable:
    """Growable, copy-on-write splat columns; ``col(name)`` is the live ``[:n]`` view."""

    def __init__(self, columns: dict[str, np.ndarray], n: int | None = None, owned: bool = False):
        missing = [f for f in FIELDS if f not in columns]
        if missing:
            raise EditError(f"splat table is missing columns {missing}")
        self._cols: dict[str, np.ndarray] = {}
        self._owned: dict[str, bool] = {}
        n0 = int(columns["means"].shape[0]) if n is None else int(n)
        for f in FIELDS:
            a = columns[f]
            if a.dtype != DTYPES[f]:
                a = a.astype(DTYPES[f])
            if a.shape[0] < n0:
                raise EditError(f"column {f} has {a.shape[0]} rows, expected {n0}")
            self._cols[f] = a
            self._owned[f] = owned
        self.n = n0
        k = self._cols["sh"].shape[1:]
        if len(k) != 2 or k[1] != 3 or k[0] not in (1, 4, 9, 16):
            raise EditError(f"sh column must be [N,K,3] with K in 1,4,9,16, got {list(self._cols['sh'].shape)}")

    # ------------------------------------------------------------------ access
    @property
    def sh_coeffs(self) -> int:
        return int(self._cols["sh"].shape[1])

    def row_tail(self, f: str) -> tuple[int, ...]:
        return (self.sh_coeffs, 3) if f == "sh" else ROW_TAIL[f]

    def col(self, f: str) -> np.ndarray:
        """Read-only by convention: the ``[:n]`` view of column ``f``."""
        return self._cols[f][: self.n]

    def nbytes(self) -> int:
        return sum(self.col(f).nbytes for f in FIELDS)

    def rows(self, ids: np.ndarray) -> dict[str, np.ndarray]:
        """Copies of the rows ``ids`` of every column."""
        return {f: self.col(f)[ids] for f in FIELDS}

    def writable(self, f: str) -> np.ndarray:
        """The full column buffer, copied first if this table does not own it (copy-on-write)."""
        if not self._owned[f]:
            a = self._cols[f]
            cap = max(a.shape[0], self.n)
            b = np.empty((cap,) + a.shape[1:], dtype=DTYPES[f])
            b[: self.n] = a[: self.n]
            self._cols[f] = b
            self._owned[f] = True
        return self._cols[f]

    def share(self) -> "SplatTable":
        """A new table over the same buffers; neither owns them, so either copies before writing."""
        for f in FIELDS:
            self._owned[f] = False
        t = SplatTable.__new__(SplatTable)
        t._cols = dict(self._cols)
        t._owned = {f: False for f in FIELDS}
        t.n = self.n
        return t

    def make_owned(self, spare: float = 0.25, min_spare: int = 4096) -> "SplatTable":
        """Own every column, with room for ``spare`` x n more rows, so that the edits that follow
        never copy a whole column (copy-on-write) or grow one (append) on the interactive path."""
        cap = self.n + max(int(self.n * spare), min_spare)
        for f in FIELDS:
            a = self._cols[f]
            if self._owned[f] and a.shape[0] >= cap:
                continue
            b = np.empty((cap,) + a.shape[1:], dtype=DTYPES[f])
            b[: self.n] = a[: self.n]
            self._cols[f] = b
            self._owned[f] = True
        return self

    def compact_copy(self) -> "SplatTable":
        """Independent exact-size copy (owned)."""
        return SplatTable({f: np.ascontiguousarray(self.col(f)).copy() for f in FIELDS}, owned=True)

    # ------------------------------------------------------------------ mutation (in place)
    def set_rows(self, f: str, ids: np.ndarray, values: np.ndarray) -> None:
        if f == "sh_dc":
            self.writable("sh")[ids, 0, :] = values
        else:
            self.writable(f)[ids] = values

    def get_rows(self, f: str, ids: np.ndarray) -> np.ndarray:
        if f == "sh_dc":
            return self.col("sh")[ids, 0, :].copy()
        return self.col(f)[ids]

    def append(self, rows: dict[str, np.ndarray]) -> None:
        a = int(rows["means"].shape[0])
        if a == 0:
            return
        need = self.n + a
        for f in FIELDS:
            buf = self.writable(f)
            if buf.shape[0] < need:
                cap = max(need, int(buf.shape[0] * 1.5) + 1024)
                nb = np.empty((cap,) + buf.shape[1:], dtype=DTYPES[f])
                nb[: self.n] = buf[: self.n]
                self._cols[f] = buf = nb
            buf[self.n : need] = rows[f]
        self.n = need

    def truncate(self, n: int) -> None:
        if n > self.n:
            raise EditError("truncate cannot grow a table")
        self.n = n

    def swap_remove(self, removed: np.ndarray) -> None:
        """Remove sorted unique row ids; the surviving rows at the tail fill the holes in order."""
        if removed.size == 0:
            return
        holes, movers = swap_plan(self.n, removed)
        for f in FIELDS:
            if holes.size:
                buf = self.writable(f)
                buf[holes] = buf[movers]
        self.n -= int(removed.size)

    def unswap_remove(self, n_before: int, removed: np.ndarray, removed_rows: dict[str, np.ndarray]) -> None:
        """Inverse of :meth:`swap_remove` given the removed rows' contents."""
        if removed.size == 0:
            return
        holes, movers = swap_plan(n_before, removed)
        # make room: capacity for n_before rows
        for f in FIELDS:
            buf = self.writable(f)
            if buf.shape[0] < n_before:
                nb = np.empty((n_before,) + buf.shape[1:], dtype=DTYPES[f])
                nb[: self.n] = buf[: self.n]
                self._cols[f] = buf = nb
            if holes.size:
                buf[movers] = buf[holes]
            buf[removed] = removed_rows[f]
        self.n = n_before


def swap_plan(n: int, removed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For removing sorted unique ``removed`` from ``n`` rows: the holes below the new size and the
    surviving tail rows (ascending) that fill them, pairwise."""
    m = n - int(removed.size)
    holes = removed[removed < m]
    tail = np.arange(m, n, dtype=np.int64)
    movers = tail[~np.isin(tail, removed, assume_unique=True)] if removed.size else tail[:0]
    return holes, movers


def remap_ids(ids: np.ndarray, n: int, removed: np.ndarray) -> np.ndarray:
    """Where rows ``ids`` (of an ``n``-row table) land after ``swap_remove(removed)``; -1 if removed."""
    ids = np.asarray(ids, dtype=np.int64)
    if removed.size == 0 or ids.size == 0:
        return ids.copy()
    holes, movers = swap_plan(n, removed)
    out = ids.copy()
    out[np.isin(ids, removed)] = -1
    if movers.size:
        pos = np.searchsorted(movers, ids)
        pos_c = np.minimum(pos, movers.size - 1)
        hit = movers[pos_c] == ids
        out[hit] = holes[pos_c[hit]]
    return out


@dataclass
class WorldState:
    """A World as arrays: splat table, collider (vertices f64 [V,3], faces i64 [F,3]) and metadata."""

    table: SplatTable
    collider_vertices: np.ndarray = field(default_factory=lambda: np.zeros((0, 3), np.float64))
    collider_faces: np.ndarray = field(default_factory=lambda: np.zeros((0, 3), np.int64))
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return self.table.n

    @property
    def sh_degree(self) -> int:
        return int(round(self.table.sh_coeffs**0.5)) - 1

    def legend(self) -> dict[int, str]:
        return {int(k): str(v) for k, v in (self.meta.get("labels") or {}).items()}

    def share(self) -> "WorldState":
        """A state sharing every buffer copy-on-write (cheap)."""
        return WorldState(self.table.share(), self.collider_vertices, self.collider_faces, _copy.deepcopy(self.meta))

    def nbytes(self) -> int:
        return self.table.nbytes() + self.collider_vertices.nbytes + self.collider_faces.nbytes

    # ------------------------------------------------------------------ World conversion
    @classmethod
    def from_world(cls, world) -> "WorldState":
        """Borrow a World's arrays (no copy for contiguous CPU float32 tensors)."""
        s = world.splats.detach()
        if s.device.type != "cpu":
            s = s.to("cpu")
        n = len(s)

        def arr(t, dt):
            a = t.contiguous().numpy()
            return a if a.dtype == dt else a.astype(dt)

        cols = {
            "means": arr(s.means, np.float32),
            "quats": arr(s.quats, np.float32),
            "log_scales": arr(s.log_scales, np.float32),
            "logit_opacities": arr(s.logit_opacities, np.float32),
            "sh": arr(s.sh, np.float32),
            "labels": arr(s.labels, np.int32) if s.labels is not None else np.zeros(n, np.int32),
        }
        verts = np.zeros((0, 3), np.float64)
        faces = np.zeros((0, 3), np.int64)
        if world.collider is not None and len(getattr(world.collider, "faces", [])):
            verts = np.asarray(world.collider.vertices, dtype=np.float64)
            faces = np.asarray(world.collider.faces, dtype=np.int64)
        return cls(SplatTable(cols), verts, faces, world_meta(world))

    def to_world(self, preview=None):
        """A new, independent :class:`~spatial.World` (arrays copied)."""
        import torch

        from ..core.camera import Camera
        from ..core.splats import Splats
        from ..world import Spawn, World

        t = self.table
        sp = Splats(
            torch.from_numpy(np.array(t.col("means"))),
            torch.from_numpy(np.array(t.col("quats"))),
            torch.from_numpy(np.array(t.col("log_scales"))),
            torch.from_numpy(np.array(t.col("logit_opacities"))),
            torch.from_numpy(np.array(t.col("sh"))),
            torch.from_numpy(np.array(t.col("labels"))),
        )
        collider = None
        if self.collider_faces.shape[0]:
            import trimesh

            collider = trimesh.Trimesh(self.collider_vertices.copy(), self.collider_faces.copy(), process=False)
            collider.remove_unreferenced_vertices()
        m = self.meta
        return World(
            splats=sp,
            collider=collider,
            spawn=Spawn.from_dict(m.get("spawn") or {}),
            name=str(m.get("name", "world")),
            prompt=str(m.get("prompt", "")),
            spec=_copy.deepcopy(m.get("spec")),
            seed=m.get("seed"),
            generator=_copy.deepcopy(m.get("generator") or {}),
            labels={int(k): str(v) for k, v in (m.get("labels") or {}).items()},
            cameras=[Camera.from_dict(c) for c in m.get("cameras") or []],
            metadata=_copy.deepcopy(m.get("metadata") or {}),
            preview=preview,
        )

    def compact_collider(self) -> None:
        """Drop collider vertices no face references (edits append copies and leave old vertices)."""
        if self.collider_vertices.shape[0] == 0:
            return
        used = np.zeros(self.collider_vertices.shape[0], bool)
        used[self.collider_faces.reshape(-1)] = True
        if used.all():
            return
        new_index = np.cumsum(used) - 1
        self.collider_vertices = self.collider_vertices[used]
        self.collider_faces = new_index[self.collider_faces].astype(np.int64)


def world_meta(world) -> dict[str, Any]:
    """The JSON metadata of a World (everything except splats, collider and preview)."""
    return {
        "name": world.name,
        "prompt": world.prompt,
        "spec": _copy.deepcopy(world.spec),
        "seed": world.seed,
        "generator": _copy.deepcopy(world.generator),
        "spawn": world.spawn.to_dict(),
        "labels": {str(k): v for k, v in sorted(world.labels.items())},
        "cameras": [c.to_dict() for c in world.cameras],
        "metadata": _copy.deepcopy(world.metadata),
    }
