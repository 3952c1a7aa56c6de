"""The limits every accepted edit op is held to, shared by the op parser (writer side) and the store's
delta reader, so the store never commits what it cannot read back (docs/store.md, "Limits").

* sizes: the stored form of an op (:func:`stored_op`) is at most :data:`MAX_STORED_OP_BYTES` of JSON;
  ``ids`` selections longer than :data:`INLINE_IDS` are moved out of the JSON into one integer array
  (:data:`OP_IDS_ARRAY`) that the store writes into the delta's body, never into its header;
* selections: at most :data:`MAX_SELECTION_NODES` nodes and :data:`MAX_SELECTION_IDS` ids in all,
  ids in ``[0, MAX_SPLAT_ID]``, label ids in ``[0, MAX_LABEL_ID]`` (int32), label names at most
  :data:`MAX_LABEL_CHARS` characters, at most :data:`MAX_LABELS` names in a world's legend;
* coordinates: every splat position, collider vertex and spawn an edit produces lies within
  :data:`WORLD_EXTENT` metres of the origin on each axis; op offsets (translate, pivot) within
  twice that; selection geometry within :data:`SELECTION_EXTENT`.

Growth per edit (splats an insert or duplicate may add, world size) is :class:`spatial.edit.Limits`.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

#: JSON bytes of an op as stored (header of its delta, the history); the store refuses more.
MAX_STORED_OP_BYTES = 64 * 1024
#: A delta header (array table + op + metadata) is at most this big; writer and reader agree on it.
MAX_HEADER_BYTES = 1 << 20
#: Deltas written before the limits existed may have headers up to this size: they still open, and
#: ``spatial worlds check`` reports them for ``--repair``.
LEGACY_MAX_HEADER_BYTES = 64 * 1024 * 1024
MAX_SELECTION_NODES = 256
MAX_SELECTION_IDS = 4_000_000
MAX_SPLAT_ID = 2**40
MAX_LABEL_ID = 2**31 - 1
MAX_LABEL_CHARS = 200
MAX_LABELS = 1024
MAX_NOTE_CHARS = 1000
MAX_PATH_CHARS = 1024
#: metres: splats, collider vertices and the spawn an edit produces stay within +-WORLD_EXTENT per axis
WORLD_EXTENT = 1.0e5
#: selection boxes, spheres and rays may reach further (selecting "everything below y = 0")
SELECTION_EXTENT = 1.0e9
MAX_DEGREES = 1.0e6
#: ``ids`` lists longer than this are stored in the delta body, not in the op JSON
INLINE_IDS = 64
OP_IDS_ARRAY = "op.ids"


def json_bytes(obj: Any) -> int:
    return len(json.dumps(obj, separators=(",", ":"), allow_nan=False).encode())


def _map_id_leaves(op: dict, leaf) -> dict:
    """``op`` with every ``{"type": "ids", ...}`` node of its selection tree replaced by ``leaf(node)``
    (``and``/``or``/``not`` nodes rebuilt around their mapped children; other nodes kept)."""

    def walk(s):
        if not isinstance(s, dict):
            return s
        t = s.get("type")
        if t == "ids":
            return leaf(s)
        if t in ("and", "or"):
            return {**s, "of": [walk(x) for x in s.get("of", [])]}
        if t == "not":
            return {**s, "of": walk(s.get("of"))}
        return s

    out = dict(op)
    if "select" in out:
        out["select"] = walk(out["select"])
    return out


def stored_op(op: dict) -> tuple[dict, np.ndarray | None]:
    """(op as stored, ids array or None): every ``ids`` selection with more than :data:`INLINE_IDS` ids
    becomes ``{"type": "ids", "count": n, "stored": [offset, n]}`` pointing into the returned array
    (int64, all such lists concatenated). :func:`expanded_op` reverses it."""
    parts: list[np.ndarray] = []
    offset = [0]

    def leaf(s):
        if not (isinstance(s.get("ids"), list) and len(s["ids"]) > INLINE_IDS):
            return s
        a = np.asarray(s["ids"], np.int64)
        out = {"type": "ids", "count": int(a.size), "stored": [offset[0], int(a.size)]}
        parts.append(a)
        offset[0] += int(a.size)
        return out

    out = _map_id_leaves(op, leaf)
    return out, (np.concatenate(parts) if parts else None)


def expanded_op(op: dict, ids: np.ndarray | None) -> dict:
    """The op :func:`stored_op` stored, with its ``ids`` lists back."""

    def leaf(s):
        if "stored" not in s:
            return s
        if ids is None:
            raise ValueError("stored ids are missing")
        off, n = (int(x) for x in s["stored"])
        if off < 0 or n < 0 or off + n > ids.size:
            raise ValueError("stored ids do not fit the array")
        return {"type": "ids", "ids": ids[off:off + n].tolist()}

    return _map_id_leaves(op, leaf)


def check_extent(a: np.ndarray, what: str, extent: float = WORLD_EXTENT) -> None:
    """Raise :class:`EditError` if any coordinate of ``a`` lies beyond ``extent``."""
    from .errors import EditError

    if a.size and float(np.abs(a).max()) > extent:
        raise EditError(f"{what} would lie beyond the world extent of {extent:g} m from the origin")
