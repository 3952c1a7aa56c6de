"""Edit operations as JSON data: the schema, its validation and normalization.

An op is a JSON object with an ``"op"`` name; selections are JSON objects with a ``"type"``.
:func:`parse_op` checks every field (types, finiteness, ranges) and returns the *normalized*
op (aliases resolved, defaults filled in) - a plain dict that round-trips through ``json``.
The full schema with examples is in docs/edits.md; :data:`OP_SCHEMA` is the machine-readable list.
"""

from __future__ import annotations

import json
import math
from typing import Any

from . import limits as L
from .errors import EditError, SelectionRangeError, UnknownOpError

SELECTION_TYPES = ("all", "box", "sphere", "ray", "label", "ids", "and", "or", "not")
#: op name -> canonical op name
OP_ALIASES = {
    "delete": "delete",
    "remove": "delete",
    "transform": "transform",
    "move": "transform",
    "rotate": "transform",
    "scale": "transform",
    "recolor": "recolor",
    "recolour": "recolor",
    "tint": "recolor",
    "opacity": "opacity",
    "set_label": "set_label",
    "duplicate": "duplicate",
    "insert_mesh": "insert_mesh",
    "insert_world": "insert_world",
    "compose": "compose",
    "set_spawn": "set_spawn",
    "insert_asset": "insert_asset",
    "restyle": "restyle",
    "relight": "restyle",
    "resize": "resize",
    "expand": "expand",
    "block": "block",
}

#: Short machine-readable description of every op (names, required and optional fields).
OP_SCHEMA: dict[str, dict[str, Any]] = {
    "delete": {"required": ["select"], "optional": []},
    "transform": {"required": ["select"], "optional": ["translate", "rotate", "scale", "pivot", "collider"]},
    "recolor": {"required": ["select", "rgb"], "optional": ["mode", "strength", "zero_higher_bands"]},
    "opacity": {"required": ["select"], "optional": ["set", "multiply"]},
    "set_label": {"required": ["select", "label"], "optional": []},
    "duplicate": {"required": ["select"], "optional": ["translate", "rotate", "scale", "pivot", "collider"]},
    "insert_mesh": {"required": ["path"], "optional": ["translate", "rotate", "scale", "count", "density", "label",
                                                      "collider", "seed", "opacity"]},
    "insert_world": {"required": ["source"], "optional": ["select", "translate", "rotate", "scale", "collider"]},
    "compose": {"required": ["source"], "optional": ["translate", "rotate", "scale", "collider"]},
    "set_spawn": {"required": ["position"], "optional": ["yaw_deg"]},
    "insert_asset": {"required": ["kind"], "optional": ["params", "seed", "placements", "translate", "rotate", "scale", "ground",
                                                       "density", "collider", "label"]},
    "restyle": {"required": [], "optional": ["time_of_day", "weather"]},
    "resize": {"required": ["select", "scale"], "optional": []},
    "expand": {"required": ["side"], "optional": ["prompt"]},
    "block": {"required": ["position"], "optional": ["shape", "size", "radius", "height", "yaw_deg", "kind", "seed"]},
}

MAX_SELECTION_DEPTH = 16
MAX_OP_JSON_BYTES = 64 * 1024 * 1024


# ---------------------------------------------------------------------- scalar helpers
def _num(v, where: str, lo: float | None = None, hi: float | None = None, lo_open: bool = False) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise EditError(f"{where} must be a number, got {_short(v)}")
    try:
        x = float(v)
    except OverflowError:
        x = math.inf
    if not math.isfinite(x):
        raise EditError(f"{where} must be finite and within range, got {_short(v)}")
    if lo is not None and (x < lo or (lo_open and x <= lo)):
        raise EditError(f"{where} must be {'>' if lo_open else '>='} {lo}, got {x}")
    if hi is not None and x > hi:
        raise EditError(f"{where} must be <= {hi}, got {x}")
    return x


def _vec(v, n: int, where: str, lo: float | None = None, hi: float | None = None) -> list[float]:
    if not isinstance(v, (list, tuple)) or len(v) != n:
        raise EditError(f"{where} must be a list of {n} numbers, got {_short(v)}")
    return [_num(x, f"{where}[{i}]", lo, hi) for i, x in enumerate(v)]


def _bool(v, where: str) -> bool:
    if not isinstance(v, bool):
        raise EditError(f"{where} must be true or false, got {_short(v)}")
    return v


def _int(v, where: str, lo: int | None = None) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        else:
            raise EditError(f"{where} must be an integer, got {_short(v)}")
    if lo is not None and v < lo:
        raise EditError(f"{where} must be >= {lo}, got {v}")
    return int(v)


def _check_keys(d: dict, allowed: set[str], where: str) -> None:
    extra = sorted(set(d) - allowed)
    if extra:
        raise EditError(f"{where}: unknown field(s) {extra}; allowed: {sorted(allowed)}")


def _short(v: Any) -> str:
    r = repr(v)
    return r if len(r) <= 80 else r[:77] + "..."


def _label_name(v: Any, where: str) -> str:
    if len(v) > L.MAX_LABEL_CHARS:
        raise EditError(f"{where}: label names are at most {L.MAX_LABEL_CHARS} characters, got {len(v)}")
    return v


def _label_id(v: Any, where: str) -> int:
    x = _int(v, where, lo=0)
    if x > L.MAX_LABEL_ID:
        raise EditError(f"{where}: label ids are at most {L.MAX_LABEL_ID}, got {x}")
    return x


def _ids(ids: list, where: str, budget: dict) -> list[int]:
    budget["ids"] += len(ids)
    if budget["ids"] > L.MAX_SELECTION_IDS:
        raise EditError(f"{where}: a selection may list at most {L.MAX_SELECTION_IDS} ids in all")
    out = [int(v) if (type(v) is int or (type(v) is float and v.is_integer())) else None for v in ids]
    for i, v in enumerate(out):
        if v is None or not (0 <= v <= L.MAX_SPLAT_ID):
            if v is None:
                raise EditError(f"{where}[{i}] must be an integer splat id, got {_short(ids[i])}")
            raise SelectionRangeError(f"{where}[{i}]: splat ids must be in [0, {L.MAX_SPLAT_ID}], got {_short(ids[i])}")
    return out


# ---------------------------------------------------------------------- selections
def parse_selection(sel: Any, where: str = "select", depth: int = 0, _budget: dict | None = None) -> dict:
    """Validate and normalize a selection object (within the limits of :mod:`spatial.edit.limits`)."""
    budget = _budget if _budget is not None else {"nodes": 0, "ids": 0}
    budget["nodes"] += 1
    if budget["nodes"] > L.MAX_SELECTION_NODES:
        raise EditError(f"{where}: a selection may have at most {L.MAX_SELECTION_NODES} parts")
    if depth > MAX_SELECTION_DEPTH:
        raise EditError(f"{where}: selections nest deeper than {MAX_SELECTION_DEPTH}")
    if not isinstance(sel, dict):
        raise EditError(f"{where} must be an object with a 'type', got {_short(sel)}")
    t = sel.get("type")
    if t not in SELECTION_TYPES:
        raise UnknownOpError(f"{where}: unknown selection type {_short(t)}; known: {', '.join(SELECTION_TYPES)}")
    w = f"{where} ({t})"
    E = L.SELECTION_EXTENT
    if t == "all":
        _check_keys(sel, {"type"}, w)
        return {"type": "all"}
    if t == "box":
        if "min" in sel or "max" in sel:
            _check_keys(sel, {"type", "min", "max"}, w)
            lo, hi = _vec(sel.get("min"), 3, f"{w}.min", -E, E), _vec(sel.get("max"), 3, f"{w}.max", -E, E)
            if any(a > b for a, b in zip(lo, hi)):
                raise EditError(f"{w}: min must be <= max on every axis, got {lo} > {hi}")
            return {"type": "box", "min": lo, "max": hi}
        _check_keys(sel, {"type", "center", "size", "rotation"}, w)
        c = _vec(sel.get("center"), 3, f"{w}.center", -E, E)
        s = _vec(sel.get("size"), 3, f"{w}.size", lo=0.0, hi=E)
        out = {"type": "box", "center": c, "size": s}
        if "rotation" in sel:
            q = _vec(sel["rotation"], 4, f"{w}.rotation")
            nq = math.sqrt(sum(x * x for x in q))
            if nq < 1e-12:
                raise EditError(f"{w}.rotation must be a non-zero (w,x,y,z) quaternion")
            out["rotation"] = [x / nq for x in q]
        return out
    if t == "sphere":
        _check_keys(sel, {"type", "center", "radius"}, w)
        return {"type": "sphere", "center": _vec(sel.get("center"), 3, f"{w}.center", -E, E),
                "radius": _num(sel.get("radius"), f"{w}.radius", lo=0.0, hi=E, lo_open=True)}
    if t == "ray":
        _check_keys(sel, {"type", "origin", "direction", "radius", "max_distance", "min_weight", "same_label"}, w)
        d = _vec(sel.get("direction"), 3, f"{w}.direction")
        nd = math.sqrt(sum(x * x for x in d))
        if nd < 1e-12:
            raise EditError(f"{w}.direction must be a non-zero vector")
        out = {"type": "ray", "origin": _vec(sel.get("origin"), 3, f"{w}.origin", -E, E), "direction": [x / nd for x in d],
               "radius": _num(sel.get("radius", 0.0), f"{w}.radius", lo=0.0, hi=E),
               "min_weight": _num(sel.get("min_weight", 0.05), f"{w}.min_weight", lo=0.0, hi=1.0),
               "same_label": _bool(sel.get("same_label", False), f"{w}.same_label")}
        if sel.get("max_distance") is not None:
            out["max_distance"] = _num(sel["max_distance"], f"{w}.max_distance", lo=0.0, hi=E, lo_open=True)
        return out
    if t == "label":
        _check_keys(sel, {"type", "labels"}, w)
        labels = sel.get("labels")
        if isinstance(labels, (str, int)) and not isinstance(labels, bool):
            labels = [labels]
        if not isinstance(labels, list) or not labels or len(labels) > L.MAX_LABELS:
            raise EditError(f"{w}.labels must be a non-empty list of at most {L.MAX_LABELS} label names or ids")
        out_l = []
        for i, lab in enumerate(labels):
            if isinstance(lab, str) and lab:
                out_l.append(_label_name(lab, f"{w}.labels[{i}]"))
            else:
                out_l.append(_label_id(lab, f"{w}.labels[{i}]"))
        return {"type": "label", "labels": out_l}
    if t == "ids":
        _check_keys(sel, {"type", "ids"}, w)
        ids = sel.get("ids")
        if not isinstance(ids, list):
            raise EditError(f"{w}.ids must be a list of integers")
        return {"type": "ids", "ids": _ids(ids, f"{w}.ids", budget)}
    if t in ("and", "or"):
        _check_keys(sel, {"type", "of"}, w)
        of = sel.get("of")
        if not isinstance(of, list) or not of:
            raise EditError(f"{w}.of must be a non-empty list of selections")
        return {"type": t, "of": [parse_selection(s, f"{w}.of[{i}]", depth + 1, budget) for i, s in enumerate(of)]}
    # not
    _check_keys(sel, {"type", "of"}, w)
    return {"type": "not", "of": parse_selection(sel.get("of"), f"{w}.of", depth + 1, budget)}


# ---------------------------------------------------------------------- transforms
def parse_rotation(r: Any, where: str) -> dict:
    """``{"quat": [w,x,y,z]}`` | ``{"axis": [x,y,z], "degrees": a}`` | ``{"euler_deg": [x,y,z]}``."""
    if isinstance(r, list):
        r = {"quat": r}
    if not isinstance(r, dict):
        raise EditError(f"{where} must be {{'quat': [w,x,y,z]}}, {{'axis': [..], 'degrees': a}} or {{'euler_deg': [x,y,z]}}")
    _check_keys(r, {"quat", "axis", "degrees", "euler_deg"}, where)
    if "quat" in r:
        _check_keys(r, {"quat"}, where)
        q = _vec(r["quat"], 4, f"{where}.quat")
        nq = math.sqrt(sum(x * x for x in q))
        if nq < 1e-12:
            raise EditError(f"{where}.quat must be a non-zero quaternion")
        return {"quat": [x / nq for x in q]}
    if "axis" in r:
        _check_keys(r, {"axis", "degrees"}, where)
        a = _vec(r["axis"], 3, f"{where}.axis")
        if math.sqrt(sum(x * x for x in a)) < 1e-12:
            raise EditError(f"{where}.axis must be a non-zero vector")
        return {"axis": a, "degrees": _num(r.get("degrees"), f"{where}.degrees", -L.MAX_DEGREES, L.MAX_DEGREES)}
    if "euler_deg" in r:
        _check_keys(r, {"euler_deg"}, where)
        return {"euler_deg": _vec(r["euler_deg"], 3, f"{where}.euler_deg", -L.MAX_DEGREES, L.MAX_DEGREES)}
    raise EditError(f"{where}: give 'quat', 'axis'+'degrees' or 'euler_deg'")


def _parse_transform_fields(d: dict, out: dict, where: str, default_pivot: str | None) -> None:
    if "translate" in d:
        out["translate"] = _vec(d["translate"], 3, f"{where}.translate", -2 * L.WORLD_EXTENT, 2 * L.WORLD_EXTENT)
    if "rotate" in d:
        out["rotate"] = parse_rotation(d["rotate"], f"{where}.rotate")
    if "scale" in d:
        out["scale"] = _num(d["scale"], f"{where}.scale", lo=0.0, lo_open=True)
        if out["scale"] > 1e6 or out["scale"] < 1e-6:
            raise EditError(f"{where}.scale must be within [1e-6, 1e6], got {out['scale']}")
    if default_pivot is not None:
        p = d.get("pivot", default_pivot)
        if isinstance(p, str):
            if p not in ("center", "origin"):
                raise EditError(f"{where}.pivot must be 'center', 'origin' or 3 numbers, got {_short(p)}")
            out["pivot"] = p
        else:
            out["pivot"] = _vec(p, 3, f"{where}.pivot", -2 * L.WORLD_EXTENT, 2 * L.WORLD_EXTENT)


def _source(v: Any, where: str) -> Any:
    if isinstance(v, str) and 0 < len(v) <= L.MAX_PATH_CHARS:
        return v
    if (isinstance(v, dict) and set(v) == {"path"} and isinstance(v["path"], str)
            and 0 < len(v["path"]) <= L.MAX_PATH_CHARS):
        return {"path": v["path"]}
    raise EditError(f"{where} must be a world name ('name' or 'name@VERSION') or {{'path': FOLDER}}, got {_short(v)}")


# ---------------------------------------------------------------------- ops
def parse_op(op: Any, where: str = "op") -> dict:
    """Validate one op; return its normalized JSON form. Raises :class:`EditError` subclasses."""
    if isinstance(op, (str, bytes)):
        try:
            op = json.loads(op)
        except json.JSONDecodeError as e:
            raise EditError(f"{where}: not valid JSON: {e}") from None
    if not isinstance(op, dict):
        raise EditError(f"{where} must be a JSON object with an 'op' field, got {type(op).__name__}")
    name = op.get("op")
    if not isinstance(name, str) or name not in OP_ALIASES:
        raise UnknownOpError(f"{where}: unknown op {_short(name)}; known: {', '.join(sorted(OP_SCHEMA))}")
    kind = OP_ALIASES[name]
    w = f"{where} ({name})"
    spec = OP_SCHEMA[kind]
    _check_keys(op, {"op", "note"} | set(spec["required"]) | set(spec["optional"]), w)
    for r in spec["required"]:
        if r not in op:
            raise EditError(f"{w}: missing required field {r!r}")
    out: dict[str, Any] = {"op": kind}
    if "note" in op:
        if not isinstance(op["note"], str) or len(op["note"]) > L.MAX_NOTE_CHARS:
            raise EditError(f"{w}.note must be a string of at most {L.MAX_NOTE_CHARS} characters")
        out["note"] = op["note"]
    if "select" in op:
        out["select"] = parse_selection(op["select"], f"{w}.select")
    if kind == "delete":
        pass
    elif kind in ("transform", "duplicate"):
        _parse_transform_fields(op, out, w, default_pivot="center")
        out["collider"] = _bool(op.get("collider", True), f"{w}.collider")
        if kind == "transform" and not any(k in out for k in ("translate", "rotate", "scale")):
            raise EditError(f"{w}: give at least one of translate, rotate, scale")
    elif kind == "recolor":
        out["rgb"] = _vec(op["rgb"], 3, f"{w}.rgb", lo=0.0, hi=1.0)
        mode = op.get("mode", "multiply" if name == "tint" else "set")
        if mode == "tint":
            mode = "multiply"
        if mode not in ("set", "multiply", "shade"):
            raise EditError(f"{w}.mode must be 'set', 'multiply' (alias 'tint') or 'shade', got {_short(mode)}")
        out["mode"] = mode
        out["strength"] = _num(op.get("strength", 1.0), f"{w}.strength", lo=0.0, hi=1.0)
        out["zero_higher_bands"] = _bool(op.get("zero_higher_bands", False), f"{w}.zero_higher_bands")
    elif kind == "opacity":
        if ("set" in op) == ("multiply" in op):
            raise EditError(f"{w}: give exactly one of 'set' (opacity in [0,1]) or 'multiply' (factor >= 0)")
        if "set" in op:
            out["set"] = _num(op["set"], f"{w}.set", lo=0.0, hi=1.0)
        else:
            out["multiply"] = _num(op["multiply"], f"{w}.multiply", lo=0.0, hi=1e6)
    elif kind == "set_label":
        lab = op["label"]
        if isinstance(lab, str) and lab:
            out["label"] = _label_name(lab, f"{w}.label")
        else:
            out["label"] = _label_id(lab, f"{w}.label")
    elif kind == "insert_mesh":
        if not isinstance(op["path"], str) or not op["path"] or len(op["path"]) > L.MAX_PATH_CHARS:
            raise EditError(f"{w}.path must be a mesh file path of at most {L.MAX_PATH_CHARS} characters")
        out["path"] = op["path"]
        _parse_transform_fields(op, out, w, default_pivot=None)
        if "count" in op and "density" in op:
            raise EditError(f"{w}: give 'count' or 'density', not both")
        if "count" in op:
            out["count"] = _int(op["count"], f"{w}.count", lo=1)
            if out["count"] > 2**40:
                raise EditError(f"{w}.count is far over any insert limit, got {out['count']}")
        else:
            out["density"] = _num(op.get("density", 2500.0), f"{w}.density", lo=0.0, hi=1e9, lo_open=True)
        lab = op.get("label", "object")
        out["label"] = _label_name(lab, f"{w}.label") if isinstance(lab, str) and lab else _label_id(lab, f"{w}.label")
        out["collider"] = _bool(op.get("collider", True), f"{w}.collider")
        out["seed"] = _int(op.get("seed", 0), f"{w}.seed", lo=0)
        if out["seed"] >= 2**63:
            raise EditError(f"{w}.seed must be below 2^63")
        out["opacity"] = _num(op.get("opacity", 0.98), f"{w}.opacity", lo=0.0, hi=1.0)
    elif kind in ("insert_world", "compose"):
        out["source"] = _source(op["source"], f"{w}.source")
        _parse_transform_fields(op, out, w, default_pivot=None)
        out["collider"] = _bool(op.get("collider", True), f"{w}.collider")
    elif kind == "set_spawn":
        out["position"] = _vec(op["position"], 3, f"{w}.position", -L.WORLD_EXTENT, L.WORLD_EXTENT)
        out["yaw_deg"] = _num(op.get("yaw_deg", 0.0), f"{w}.yaw_deg", -L.MAX_DEGREES, L.MAX_DEGREES)
    elif kind == "insert_asset":
        from .insert_asset import parse_insert_asset

        parse_insert_asset(op, out, w)
    elif kind == "restyle":
        from .restyle import parse_restyle

        parse_restyle(op, out, w)
    elif kind == "resize":
        from .resize import parse_resize

        parse_resize(op, out, w)
    elif kind == "expand":
        from .expand import parse_expand

        parse_expand(op, out, w)
    elif kind == "block":
        from .block import parse_block_op

        parse_block_op(op, out, w)
    small, _ = L.stored_op(out)
    if L.json_bytes(small) > L.MAX_STORED_OP_BYTES:
        raise EditError(f"{w} is {L.json_bytes(small)} bytes of JSON as stored, over the limit of "
                        f"{L.MAX_STORED_OP_BYTES} (long id lists are fine: they are stored compactly)")
    return out


def parse_ops(data: Any) -> list[dict]:
    """A single op, a list of ops, or ``{"ops": [...]}`` -> list of normalized ops."""
    if isinstance(data, (str, bytes)):
        if len(data) > MAX_OP_JSON_BYTES:
            raise EditError(f"ops JSON is larger than {MAX_OP_JSON_BYTES} bytes")
        try:
            data = json.loads(data)
        except json.JSONDecodeError as e:
            raise EditError(f"ops are not valid JSON: {e}") from None
    if isinstance(data, dict) and "ops" in data and "op" not in data:
        data = data["ops"]
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not data:
        raise EditError("ops must be an op object, a non-empty list of ops, or {'ops': [...]}")
    return [parse_op(o, f"ops[{i}]") for i, o in enumerate(data)]
