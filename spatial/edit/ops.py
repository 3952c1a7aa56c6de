"""Computing the :class:`~spatial.edit.delta.Delta` of one normalized op on a :class:`WorldState`.

Nothing here mutates the state: :func:`compute_delta` only reads it, so a failing op (bad
selection, oversized insert, ...) leaves the world exactly as it was.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from .. import settings
from .collider import collider_faces_for, faces_in_region, sub_mesh
from .delta import Delta
from .errors import EditError, InsertTooLargeError
from .limits import MAX_LABELS, WORLD_EXTENT, check_extent
from .select import Resolved, quat_to_matrix, resolve_selection
from .state import FIELDS, WorldState


@dataclass
class Limits:
    """Size limits on inserts (an edit over them raises :class:`InsertTooLargeError`)."""

    max_insert_splats: int = field(default_factory=lambda: settings.get("SPATIAL_MAX_INSERT_SPLATS"))
    max_mesh_bytes: int = field(default_factory=lambda: settings.get("SPATIAL_MAX_MESH_BYTES"))
    max_mesh_faces: int = field(default_factory=lambda: settings.get("SPATIAL_MAX_MESH_FACES"))
    max_world_splats: int = field(default_factory=lambda: settings.get("SPATIAL_MAX_WORLD_SPLATS"))


@dataclass
class EditContext:
    """Where an op may read files and other worlds from.

    ``asset_roots``: when set, mesh paths and world folders must resolve inside one of these
    folders (relative paths are taken relative to the first); an app serving users must set it.
    ``resolve_world(source) -> World | WorldState``: finds ``insert_world``/``compose`` sources given
    by name (a store provides this); folder sources (``{"path": ...}``) are loaded directly.
    """

    asset_roots: list[Path] | None = None
    resolve_world: Callable[[Any], Any] | None = None
    limits: Limits = field(default_factory=Limits)

    def resolve_path(self, p: str) -> Path:
        path = Path(p)
        if self.asset_roots is None:
            return path
        roots = [Path(r).resolve() for r in self.asset_roots]
        full = (path if path.is_absolute() else roots[0] / path).resolve()
        if not any(full.is_relative_to(r) for r in roots):
            raise EditError(f"path {p!r} is outside the allowed asset folders")
        return full


# ---------------------------------------------------------------------- transforms
def rotation_matrix(spec: dict | None) -> np.ndarray:
    """3x3 float64 rotation from a normalized rotate spec (see schema.parse_rotation)."""
    if spec is None:
        return np.eye(3)
    if "quat" in spec:
        return quat_to_matrix(spec["quat"])
    if "axis" in spec:
        a = np.asarray(spec["axis"], np.float64)
        a = a / np.linalg.norm(a)
        th = math.radians(spec["degrees"])
        k = np.array([[0, -a[2], a[1]], [a[2], 0, -a[0]], [-a[1], a[0], 0]])
        return np.eye(3) + math.sin(th) * k + (1 - math.cos(th)) * (k @ k)
    ex, ey, ez = (math.radians(v) for v in spec["euler_deg"])
    rx = np.array([[1, 0, 0], [0, math.cos(ex), -math.sin(ex)], [0, math.sin(ex), math.cos(ex)]])
    ry = np.array([[math.cos(ey), 0, math.sin(ey)], [0, 1, 0], [-math.sin(ey), 0, math.cos(ey)]])
    rz = np.array([[math.cos(ez), -math.sin(ez), 0], [math.sin(ez), math.cos(ez), 0], [0, 0, 1]])
    return rz @ ry @ rx


@dataclass
class Similarity:
    """``x -> s R (x - p) + p + t``."""

    rot: np.ndarray
    translate: np.ndarray
    scale: float
    pivot: np.ndarray

    @property
    def rotates(self) -> bool:
        return not np.allclose(self.rot, np.eye(3), atol=1e-12)

    @property
    def scales(self) -> bool:
        return self.scale != 1.0

    def offset(self) -> np.ndarray:
        """The ``t'`` of the equivalent ``x -> s R x + t'``."""
        return self.pivot + self.translate - self.scale * (self.rot @ self.pivot)

    def points(self, x: np.ndarray) -> np.ndarray:
        return (self.scale * (np.asarray(x, np.float64) @ self.rot.T) + self.offset())

    def rows(self, rows: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Apply to splat rows (storage space) via :meth:`spatial.Splats.transform`."""
        out = dict(rows)
        if not (self.rotates or self.scales):
            out["means"] = (rows["means"].astype(np.float64) + self.offset()).astype(np.float32)
            return out
        import torch

        from ..core.splats import Splats

        s = Splats(*(torch.from_numpy(np.ascontiguousarray(rows[f])) for f in FIELDS))
        with _single_threaded_torch(len(s) < SMALL_TORCH_ROWS):
            s2 = s.transform(rotation=torch.from_numpy(self.rot), translation=torch.from_numpy(self.offset()), scale=self.scale)
        out["means"] = s2.means.numpy().astype(np.float32)
        out["quats"] = s2.quats.numpy().astype(np.float32)
        out["log_scales"] = s2.log_scales.numpy().astype(np.float32)
        out["sh"] = s2.sh.numpy().astype(np.float32)
        return out


#: Below this many rows a transform runs on one torch thread (see :func:`_single_threaded_torch`).
SMALL_TORCH_ROWS = 200_000


@contextlib.contextmanager
def _single_threaded_torch(active: bool):
    """Run tiny torch ops on one intra-op thread. An edit touches a few thousand splats; on a busy
    machine (more runnable threads than cores) torch's thread pool turns such microsecond ops into
    100-500 ms stalls (measured: ``sh_rotation_matrix`` 0.5 ms -> up to 500 ms with 2 threads at
    load 10 on 2 cores). The setting is process-wide and restored right after."""
    if not active:
        yield
        return
    import torch

    prev = torch.get_num_threads()
    if prev == 1:
        yield
        return
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(prev)


def similarity(op: dict, centre: np.ndarray | None) -> Similarity:
    piv = op.get("pivot", "origin")
    if isinstance(piv, str):
        p = centre if (piv == "center" and centre is not None) else np.zeros(3)
    else:
        p = np.asarray(piv, np.float64)
    sim = Similarity(rotation_matrix(op.get("rotate")), np.asarray(op.get("translate", [0, 0, 0]), np.float64),
                     float(op.get("scale", 1.0)), np.asarray(p, np.float64))
    if not (np.isfinite(sim.rot).all() and np.isfinite(sim.translate).all() and np.isfinite(sim.pivot).all()):
        raise EditError("transform is not finite")
    return sim


def selection_centre(state: WorldState, ids: np.ndarray) -> np.ndarray:
    m = state.table.col("means")[ids]
    return (m.min(0).astype(np.float64) + m.max(0).astype(np.float64)) / 2


# ---------------------------------------------------------------------- labels
def ensure_label(legend: dict[int, str], lab: str | int) -> tuple[int, bool]:
    """Id of label ``lab`` in ``legend`` (name or id), adding a new name if needed (mutates legend).
    Returns (id, legend_changed)."""
    from ..core.labels import LABEL_IDS

    if not isinstance(lab, str):
        return int(lab), False
    for k, v in legend.items():
        if v == lab:
            return k, False
    if lab in LABEL_IDS and LABEL_IDS[lab] not in legend:
        legend[LABEL_IDS[lab]] = lab
        return LABEL_IDS[lab], True
    if len(legend) >= MAX_LABELS:
        raise EditError(f"a world may have at most {MAX_LABELS} label names; reuse one of its labels")
    new = max([63] + list(legend)) + 1
    legend[new] = lab
    return new, True


def _legend_meta(legend: dict[int, str]) -> dict:
    return {"labels": {str(k): v for k, v in sorted(legend.items())}}


# ---------------------------------------------------------------------- op implementations
def _check_growth(state: WorldState, added: int, ctx: EditContext, what: str) -> None:
    lim = ctx.limits
    if added > lim.max_insert_splats:
        raise InsertTooLargeError(f"{what} would add {added} splats, over the limit of {lim.max_insert_splats} "
                                  "(SPATIAL_MAX_INSERT_SPLATS)")
    if state.n + added > lim.max_world_splats:
        raise InsertTooLargeError(f"{what} would grow the world to {state.n + added} splats, over the limit of "
                                  f"{lim.max_world_splats} (SPATIAL_MAX_WORLD_SPLATS)")


def _base(state: WorldState) -> dict:
    return {"n_before": state.n, "faces_before": int(state.collider_faces.shape[0])}


def _delete(state: WorldState, op: dict, ctx: EditContext) -> Delta:
    sel = resolve_selection(state, op["select"])
    faces = collider_faces_for(state, sel)
    return Delta(**_base(state), removed=sel.ids, collider_removed=faces)


def _transform(state: WorldState, op: dict, ctx: EditContext) -> Delta:
    sel = resolve_selection(state, op["select"])
    sim = similarity(op, selection_centre(state, sel.ids))
    rows = state.table.rows(sel.ids)
    new = sim.rows(rows)
    fields = ["means"]
    if sim.rotates:
        fields.append("quats")
        if state.table.sh_coeffs > 1:
            fields.append("sh")
    if sim.scales:
        fields.append("log_scales")
    d = Delta(**_base(state), mod_ids=sel.ids, mod={f: new[f] for f in fields})
    if op.get("collider", True):
        _move_collider(state, sel, sim, d, keep_old=False)
    return d


def _move_collider(state: WorldState, sel: Resolved, sim: Similarity, d: Delta, keep_old: bool) -> None:
    faces = collider_faces_for(state, sel)
    if faces.size == 0:
        return
    v, f = sub_mesh(state.collider_vertices, state.collider_faces, faces)
    d.collider_vertices = sim.points(v)
    d.collider_faces = f
    if not keep_old:
        d.collider_removed = faces


def _recolor(state: WorldState, op: dict, ctx: EditContext) -> Delta:
    from ..core.sh import C0

    sel = resolve_selection(state, op["select"])
    sh = state.table.col("sh")
    dc = sh[sel.ids, 0, :].astype(np.float64)
    c = dc * C0 + 0.5
    rgb = np.asarray(op["rgb"], np.float64)
    s = op.get("strength", 1.0)
    mode = op.get("mode", "set")
    if mode == "shade":  # the new colour, keeping each splat's brightness relative to the selection's mean (shading)
        lum = c @ np.array([0.2126, 0.7152, 0.0722])
        target = np.clip(rgb[None] * (lum / max(float(lum.mean()), 1e-6))[:, None], 0.0, 1.0)
    else:
        target = np.broadcast_to(rgb, c.shape) if mode == "set" else c * rgb
    new_c = (1 - s) * c + s * target
    new_dc = ((new_c - 0.5) / C0).astype(np.float32)
    if op.get("zero_higher_bands") and state.table.sh_coeffs > 1:
        full = np.zeros((sel.ids.size, state.table.sh_coeffs, 3), np.float32)
        full[:, 0, :] = new_dc
        return Delta(**_base(state), mod_ids=sel.ids, mod={"sh": full})
    return Delta(**_base(state), mod_ids=sel.ids, mod={"sh_dc": new_dc})


def _opacity(state: WorldState, op: dict, ctx: EditContext) -> Delta:
    sel = resolve_selection(state, op["select"])
    eps = 1e-6
    if "set" in op:
        a = np.full(sel.ids.size, op["set"], np.float64)
    else:
        cur = 1.0 / (1.0 + np.exp(-state.table.col("logit_opacities")[sel.ids].astype(np.float64)))
        a = cur * op["multiply"]
    a = np.clip(a, eps, 1 - eps)
    return Delta(**_base(state), mod_ids=sel.ids, mod={"logit_opacities": np.log(a / (1 - a)).astype(np.float32)})


def _set_label(state: WorldState, op: dict, ctx: EditContext) -> Delta:
    sel = resolve_selection(state, op["select"])
    legend = state.legend()
    lab, changed = ensure_label(legend, op["label"])
    d = Delta(**_base(state), mod_ids=sel.ids, mod={"labels": np.full(sel.ids.size, lab, np.int32)})
    if changed:
        d.meta = _legend_meta(legend)
    return d


def _duplicate(state: WorldState, op: dict, ctx: EditContext) -> Delta:
    sel = resolve_selection(state, op["select"])
    _check_growth(state, int(sel.ids.size), ctx, "duplicate")
    sim = similarity(op, selection_centre(state, sel.ids))
    rows = sim.rows(state.table.rows(sel.ids))
    d = Delta(**_base(state), added=rows, read_ids=sel.ids)
    if op.get("collider", True):
        _move_collider(state, sel, sim, d, keep_old=True)
    return d


def _load_mesh_limited(path: Path, ctx: EditContext):
    from ..errors import FormatError
    from ..world import load_mesh

    if not path.is_file():
        raise EditError(f"mesh file {str(path)!r} does not exist")
    size = path.stat().st_size
    if size > ctx.limits.max_mesh_bytes:
        raise InsertTooLargeError(f"mesh file {path.name} is {size} bytes, over the limit of {ctx.limits.max_mesh_bytes} "
                                  "(SPATIAL_MAX_MESH_BYTES)")
    from .mesh_insert import check_textures

    check_textures(path)
    try:
        mesh = load_mesh(path)
    except FormatError as e:
        raise EditError(f"cannot insert {path.name}: {e.problem}") from None
    if len(mesh.faces) > ctx.limits.max_mesh_faces:
        raise InsertTooLargeError(f"mesh {path.name} has {len(mesh.faces)} triangles, over the limit of "
                                  f"{ctx.limits.max_mesh_faces} (SPATIAL_MAX_MESH_FACES)")
    if len(mesh.faces) == 0:
        raise EditError(f"mesh {path.name} has no triangles")
    if not np.isfinite(np.asarray(mesh.vertices)).all():
        raise EditError(f"mesh {path.name} has non-finite vertices")
    return mesh


def _insert_mesh(state: WorldState, op: dict, ctx: EditContext) -> Delta:
    from .mesh_insert import mesh_sample_count, mesh_to_splat_rows

    mesh = _load_mesh_limited(ctx.resolve_path(op["path"]), ctx)
    count = mesh_sample_count(mesh, op.get("count"), op.get("density"))
    _check_growth(state, count, ctx, f"insert_mesh {Path(op['path']).name}")
    legend = state.legend()
    lab, changed = ensure_label(legend, op.get("label", "object"))
    rows = mesh_to_splat_rows(mesh, count, seed=op.get("seed", 0), opacity=op.get("opacity", 0.98),
                              sh_coeffs=state.table.sh_coeffs, label=lab)
    sim = similarity(op, None)
    rows = sim.rows(rows)
    d = Delta(**_base(state), added=rows)
    if changed:
        d.meta = _legend_meta(legend)
    if op.get("collider", True):
        d.collider_vertices = sim.points(np.asarray(mesh.vertices, np.float64))
        d.collider_faces = np.asarray(mesh.faces, np.int64)
    return d


def _source_state(op: dict, ctx: EditContext) -> WorldState:
    from ..world import World

    src = op["source"]
    if isinstance(src, dict):
        w = World.load(ctx.resolve_path(src["path"]), load_preview=False)
    else:
        if ctx.resolve_world is None:
            raise EditError(f"cannot resolve world {src!r}: name sources need a world store (use Store.open(...).apply)")
        w = ctx.resolve_world(src)
    return w if isinstance(w, WorldState) else WorldState.from_world(w)


def _insert_world(state: WorldState, op: dict, ctx: EditContext) -> Delta:
    from ..core.labels import DEFAULT_LEGEND

    src = _source_state(op, ctx)
    if op["op"] == "insert_world" and "select" in op:
        sel = resolve_selection(src, op["select"])
    else:
        if src.n == 0:
            raise EditError("the source world has no splats")
        sel = Resolved(np.arange(src.n, dtype=np.int64), None)
        from .select import AllRegion

        sel.region = AllRegion()
    _check_growth(state, int(sel.ids.size), ctx, op["op"])
    rows = src.table.rows(sel.ids)
    # SH degree follows the target world
    k = state.table.sh_coeffs
    if rows["sh"].shape[1] != k:
        sh = np.zeros((sel.ids.size, k, 3), np.float32)
        m = min(k, rows["sh"].shape[1])
        sh[:, :m] = rows["sh"][:, :m]
        rows["sh"] = sh
    # labels follow their names into the target legend
    legend = state.legend()
    src_legend = src.legend()
    changed = False
    lab = rows["labels"]
    new_lab = lab.copy()
    for sid in np.unique(lab):
        name = src_legend.get(int(sid), DEFAULT_LEGEND.get(int(sid), f"label{int(sid)}"))
        tid, ch = ensure_label(legend, name)
        changed |= ch
        new_lab[lab == sid] = tid
    rows["labels"] = new_lab
    sim = similarity(op, None)
    rows = sim.rows(rows)
    d = Delta(**_base(state), added=rows)
    if changed:
        d.meta = _legend_meta(legend)
    if op.get("collider", True) and src.collider_faces.shape[0]:
        faces = (faces_in_region(src.collider_vertices, src.collider_faces, sel.region) if sel.region is not None
                 else collider_faces_for(src, sel))
        if faces.size:
            v, f = sub_mesh(src.collider_vertices, src.collider_faces, faces)
            d.collider_vertices, d.collider_faces = sim.points(v), f
    return d


def _set_spawn(state: WorldState, op: dict, ctx: EditContext) -> Delta:
    return Delta(**_base(state), meta={"spawn": {"position": list(op["position"]), "yaw_deg": float(op["yaw_deg"])}})


OPS: dict[str, Callable[[WorldState, dict, EditContext], Delta]] = {
    "delete": _delete,
    "transform": _transform,
    "recolor": _recolor,
    "opacity": _opacity,
    "set_label": _set_label,
    "duplicate": _duplicate,
    "insert_mesh": _insert_mesh,
    "insert_world": _insert_world,
    "compose": _insert_world,
    "set_spawn": _set_spawn,
    "insert_asset": lambda state, op, ctx: _lazy("insert_asset", "compute_insert_asset")(state, op, ctx),
    "restyle": lambda state, op, ctx: _lazy("restyle", "compute_restyle")(state, op, ctx),
    "resize": lambda state, op, ctx: _lazy("resize", "compute_resize")(state, op, ctx),
    "expand": lambda state, op, ctx: _lazy("expand", "compute_expand")(state, op, ctx),
    "block": lambda state, op, ctx: _lazy("block", "compute_block")(state, op, ctx),
}


def _lazy(module: str, name: str):
    """An op implemented in its own module (imported on first use: they pull in the generator)."""
    import importlib

    return getattr(importlib.import_module(f"{__package__}.{module}"), name)


def compute_delta(state: WorldState, op: dict, ctx: EditContext | None = None) -> Delta:
    """The delta of the *normalized* op ``op`` (see :func:`spatial.edit.schema.parse_op`) on ``state``.
    Reads ``state`` only."""
    ctx = ctx or EditContext()
    d = OPS[op["op"]](state, op, ctx)
    for f, v in list(d.mod.items()) + list(d.added.items()):
        if v.dtype.kind == "f" and not np.isfinite(v).all():
            raise EditError(f"{op['op']} produced non-finite {f} values")
    if d.collider_vertices.size and not np.isfinite(d.collider_vertices).all():
        raise EditError(f"{op['op']} produced non-finite collider vertices")
    for rows in (d.mod, d.added):
        if "means" in rows:
            check_extent(rows["means"], f"{op['op']}: splats")
    check_extent(d.collider_vertices, f"{op['op']}: collider vertices")
    if "spawn" in d.meta:
        check_extent(np.asarray(d.meta["spawn"]["position"], np.float64), "set_spawn: the spawn", WORLD_EXTENT)
    return d.validate(state)
