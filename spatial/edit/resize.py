"""``resize``: scale each selected object about the middle of its own base, so it stays standing.

``{"op": "resize", "select": SELECTION, "scale": s}``: the selected splats are split into objects
(groups of touching splats, :func:`spatial.edit.objects.split_groups`), and each object is scaled by
``s`` about the point below the centre of its bounding box at its lowest splat (so a fountain made
bigger still rests on the ground), with its collider triangles (the ones
:func:`~spatial.edit.collider.collider_faces_for` assigns to it). All objects change in one version.
"""

from __future__ import annotations

import numpy as np

from .errors import EditError
from .state import WorldState


def parse_resize(op: dict, out: dict, w: str) -> None:
    from .schema import _num

    out["scale"] = _num(op["scale"], f"{w}.scale", 0.05, 20.0)


def compute_resize(state: WorldState, op: dict, ctx) -> "object":
    from .collider import collider_faces_for, sub_mesh
    from .delta import Delta
    from .objects import split_groups
    from .ops import Similarity
    from .select import Resolved, resolve_selection

    s = float(op["scale"])
    sel_all = resolve_selection(state, op["select"])
    mod_ids, mod = [], {"means": [], "log_scales": []}
    removed_faces, cv, cf, off = [], [], [], 0
    for ids in split_groups(state, sel_all.ids):
        m = state.table.col("means")[ids].astype(np.float64)
        lo, hi = m.min(0), m.max(0)
        pivot = np.array([(lo[0] + hi[0]) / 2, lo[1], (lo[2] + hi[2]) / 2])
        sim = Similarity(np.eye(3), np.zeros(3), s, pivot)
        rows = sim.rows(state.table.rows(ids))
        mod_ids.append(ids)
        mod["means"].append(rows["means"])
        mod["log_scales"].append(rows["log_scales"])
        faces = collider_faces_for(state, Resolved(ids, None))
        if removed_faces:
            faces = np.setdiff1d(faces, np.concatenate(removed_faces))
        if faces.size:
            v, f = sub_mesh(state.collider_vertices, state.collider_faces, faces)
            cv.append(sim.points(v))
            cf.append(f + off)
            off += len(v)
            removed_faces.append(faces)
    if not mod_ids:
        raise EditError("resize: the selection matched no splat")
    ids = np.concatenate(mod_ids)
    order = np.argsort(ids)
    d = Delta(n_before=state.n, faces_before=int(state.collider_faces.shape[0]), mod_ids=ids[order],
              mod={k: np.concatenate(v)[order] for k, v in mod.items()})
    if removed_faces:
        d.collider_removed = np.unique(np.concatenate(removed_faces)).astype(np.int64)
        d.collider_vertices = np.concatenate(cv)
        d.collider_faces = np.concatenate(cf).astype(np.int64)
    return d
