"""Turning a read sentence (:class:`~.parse.Intent`) into ONE ordinary edit op on a world, or a refusal.

Every sentence becomes a single op (so one version, undone by one undo): ``insert_asset`` with one
placement per new object, ``delete`` / ``recolor`` / ``resize`` over the selected objects, or
``restyle``. Where things go is worked out here, against the world as it is:

* the viewer stands at ``at`` (feet; default the spawn) looking along ``facing`` (yaw, degrees; 0 looks
  along -Z, positive turns left; default the spawn's);
* a place is the point the relation names: in front of me (3 m + the object's radius ahead), to my
  left/right, behind me, next to / in front of / behind / left of / right of / around / on THE X (the
  instance of X nearest the viewer), along the path (both sides of the walk heading, from the viewer
  on), by the water, far away;
* each new object takes the first free spot on rings of 0.75 m around its place (up to 3 m): ground
  under it on the collider, no water, and no object splats in its footprint between 0.5 m and its
  height above that ground (so it neither floats nor goes through anything);
* which existing objects a sentence means: all of them for a plural ("the cars"), the nearest for a
  singular, or the one a qualifier picks (on the left/right of the view, nearest, farthest, biggest,
  smallest); a count takes that many of the nearest.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass

import numpy as np

from ..objects import SURFACE_LABELS, Obj, find_objects, labels_for_word
from ..state import WorldState
from .parse import Intent

RING_STEP, RING_MAX = 0.75, 3.0
LAMP_ON = (1.0, 0.86, 0.58)
MAX_NEW = 24


@dataclass
class Viewer:
    at: np.ndarray  # feet position
    yaw_deg: float

    @property
    def forward(self) -> np.ndarray:
        a = math.radians(self.yaw_deg)
        return np.array([-math.sin(a), 0.0, -math.cos(a)])

    @property
    def right(self) -> np.ndarray:
        a = math.radians(self.yaw_deg)
        return np.array([math.cos(a), 0.0, -math.sin(a)])


class Refusal(Exception):
    """The sentence was understood (or not) but cannot be done; the message says why."""


def viewer_of(state: WorldState, at=None, facing=None) -> Viewer:
    sp = state.meta.get("spawn") or {}
    pos = np.asarray(at if at is not None else sp.get("position", [0.0, 0.0, 0.0]), np.float64).reshape(3)
    yaw = float(facing if facing is not None else sp.get("yaw_deg", 0.0))
    if not (np.isfinite(pos).all() and math.isfinite(yaw)):
        raise Refusal("the viewer position and facing must be finite numbers")
    return Viewer(pos, yaw)


# ---------------------------------------------------------------------- space
class Space:
    """What is around the viewer: object splats (blockers), water splats, the collider."""

    def __init__(self, state: WorldState, viewer: Viewer, radius: float = 90.0):
        from ..insert_asset import collider_mesh

        self.state = state
        self.viewer = viewer
        legend = state.legend()
        lab = state.table.col("labels")
        means = state.table.col("means")
        near = np.flatnonzero((np.abs(means[:, 0] - viewer.at[0]) < radius) & (np.abs(means[:, 2] - viewer.at[2]) < radius))
        surf = np.array(sorted(k for k, v in legend.items() if v in SURFACE_LABELS), np.int32)
        water = np.array(sorted(k for k, v in legend.items() if v == "water"), np.int32)
        ln = lab[near]
        self.block = means[near[~np.isin(ln, surf)]].astype(np.float64)
        self.water = means[near[np.isin(ln, water)]].astype(np.float64)
        self.mesh = collider_mesh(state)
        self.taken: list[tuple[np.ndarray, float]] = []

    def ground(self, xz: np.ndarray) -> np.ndarray:
        from ..insert_asset import ground_height

        return ground_height(self.state, np.atleast_2d(xz), float(self.viewer.at[1]) + 40.0, self.mesh)

    def free(self, p: np.ndarray, r: float, h: float, gy: float) -> bool:
        if not math.isfinite(gy) or gy > self.viewer.at[1] + 3.0:
            return False
        for q, rq in self.taken:
            if math.hypot(p[0] - q[0], p[2] - q[2]) < (r + rq) * 0.9 + 0.2:
                return False
        rr = max(0.9 * r, 0.25)
        b = self.block
        m = (np.abs(b[:, 0] - p[0]) < rr) & (np.abs(b[:, 2] - p[2]) < rr) & (b[:, 1] > gy + 0.5) & (b[:, 1] < gy + max(h, 1.0))
        if int(m.sum()) > 12:
            return False
        if self.water.size:
            w = self.water
            mw = (np.abs(w[:, 0] - p[0]) < rr) & (np.abs(w[:, 2] - p[2]) < rr) & (w[:, 1] > gy - 0.05)
            if int(mw.sum()) > 3:
                return False
        return True

    def spot(self, p: np.ndarray, r: float, h: float) -> np.ndarray | None:
        """The first free spot on rings around ``p`` (None if none within RING_MAX)."""
        cands = [np.array([0.0, 0.0])]
        k = 1
        while k * RING_STEP <= RING_MAX + 1e-9:
            n = 8 * k
            a = np.linspace(0, 2 * math.pi, n, endpoint=False) + 0.3 * k
            cands += list(np.stack([np.cos(a), np.sin(a)], 1) * k * RING_STEP)
            k += 1
        xz = np.array([[p[0] + c[0], p[2] + c[1]] for c in cands])
        gy = self.ground(xz)
        for (x, z), g in zip(xz, gy):
            q = np.array([x, g, z])
            if self.free(q, r, h, float(g)):
                self.taken.append((q, r))
                return q
        return None


def _kind(name: str):
    from ..insert_asset import resolve_kind

    return resolve_kind(name)


def _radius(kind, scale: float = 1.0) -> float:
    return 0.5 * max(kind.size[0], kind.size[2]) * scale


def _face(p: np.ndarray, toward: np.ndarray) -> float:
    d = toward - p
    return math.degrees(math.atan2(d[0], d[2])) if math.hypot(d[0], d[2]) > 1e-6 else 0.0


# ---------------------------------------------------------------------- choosing existing objects
def objects_of(state: WorldState, word: str) -> list[Obj]:
    """Instances a noun names. Where the world has no label of the word's own kind and the noun falls back
    to a coarse label ("bushes" -> the generator's unlabelled ``vegetation``, which also holds trees), only
    the objects of about that kind's typical height count (0.4x..2.5x), so "fewer bushes" leaves the trees."""
    ids = labels_for_word(state, word)
    objs = find_objects(state, ids)
    legend = state.legend()
    from ..objects import COARSE

    if objs and all(legend.get(i) in set(COARSE.values()) for i in ids):
        from ...generation.assets import registry

        kind = registry.lookup(word.strip().lower())
        if kind is not None and kind.label_name not in (legend.get(i) for i in ids):
            h = float(kind.size[1])
            objs = [o for o in objs if 0.4 * h <= float(o.hi[1] - o.lo[1]) <= 2.5 * h]
    return objs


def _dist(o: Obj, v: Viewer) -> float:
    c = o.centre
    return math.hypot(c[0] - v.at[0], c[2] - v.at[2])


def choose(objs: list[Obj], it: Intent, v: Viewer) -> tuple[list[Obj], str]:
    """The objects the sentence means, and how they were chosen (for the answer)."""
    if not objs:
        return [], ""
    by_d = sorted(objs, key=lambda o: _dist(o, v))
    q = it.qualifier
    side = {"behind_me": -v.forward, "front_me": v.forward, "left_me": -v.right, "right_me": v.right}.get(it.relation or "")
    if side is not None and it.action != "add":
        there = [o for o in by_d if float(np.dot(o.centre - v.at, side)) > 0.5]
        if not there:
            return [], ""
        return [there[0]], f"the nearest {it.relation.replace('_me', '').replace('_', ' ')} you, {_dist(there[0], v):.0f} m away"
    if q in ("left", "right"):
        ahead = [o for o in by_d if np.dot(o.centre - v.at, v.forward) > -1.0 and _dist(o, v) < 60] or by_d
        lat = [float(np.dot(o.centre - v.at, v.right)) for o in ahead]
        pick = ahead[int(np.argmin(lat) if q == "left" else np.argmax(lat))]
        return [pick], f"the one furthest {q} in your view, {_dist(pick, v):.0f} m away"
    if q == "nearest":
        return [by_d[0]], f"the nearest, {_dist(by_d[0], v):.0f} m away"
    if q == "farthest":
        return [by_d[-1]], f"the farthest, {_dist(by_d[-1], v):.0f} m away"
    if q in ("biggest", "smallest"):
        vol = [float(np.prod(np.maximum(o.hi - o.lo, 0.05))) for o in objs]
        pick = objs[int(np.argmax(vol) if q == "biggest" else np.argmin(vol))]
        return [pick], f"the {q}"
    if it.count is not None and it.count < len(objs) and not (it.count == 1 and it.plural):
        return by_d[:it.count], f"the {it.count} nearest"
    if it.all or it.plural:
        return objs, f"all {len(objs)}"
    return [by_d[0]], f"the nearest, {_dist(by_d[0], v):.0f} m away" + (f" (of {len(objs)})" if len(objs) > 1 else "")


def _union_ids(objs: list[Obj]) -> dict:
    return {"type": "ids", "ids": np.unique(np.concatenate([o.ids for o in objs])).tolist()}


def _union(state: WorldState, objs: list[Obj]) -> dict:
    return _union_ids(objs)


# ---------------------------------------------------------------------- places for new objects
def _target_obj(state: WorldState, it: Intent, v: Viewer) -> Obj:
    objs = objects_of(state, it.target_kind or it.target)
    if not objs:
        raise Refusal(f"there is no {it.target} in this world to put things {it.relation.replace('_', ' ')}")
    return min(objs, key=lambda o: _dist(o, v))


def places(state: WorldState, it: Intent, v: Viewer, kind, n: int, space: Space) -> tuple[list[tuple[np.ndarray, float]], str]:
    """(position, yaw) for ``n`` new objects and a description of where."""
    r = _radius(kind)
    rel = it.relation or "front_me"
    f, rt = v.forward, v.right
    eye = v.at
    spread = 2 * r + 0.5
    where = ""
    anchors: list[np.ndarray] = []
    face_to = eye
    if rel in ("front_me", "near_me", "middle"):
        p0 = eye + f * (3.0 + r + (spread * 0.5 if n > 1 else 0))
        where = "in front of you"
    elif rel == "behind_me":
        p0 = eye - f * (3.0 + r)
        where = "behind you"
    elif rel in ("left_me", "right_me"):
        s = -1 if rel == "left_me" else 1
        p0 = eye + rt * s * (3.0 + r) + f * 1.5
        where = f"to your {'left' if s < 0 else 'right'}"
    elif rel == "far":
        p0 = eye + f * 25.0
        where = "in the distance ahead"
    elif rel == "along":
        heading = (state.meta.get("metadata") or {}).get("walk_heading_deg")
        yaw = float(heading) if heading is not None and it.target == "path" else v.yaw_deg
        a = math.radians(yaw)
        d = np.array([-math.sin(a), 0.0, -math.cos(a)])
        side = np.array([math.cos(a), 0.0, -math.sin(a)])
        spawn = np.asarray((state.meta.get("spawn") or {}).get("position", eye), np.float64)
        s0 = max(float(np.dot(eye - spawn, d)), 0.0) + 4.0
        step = max(2 * r + 1.5, 5.0)
        for k in range(3 * n):  # spares further along for spots that are taken
            anchors.append(spawn + d * (s0 + (k // 2) * step) + side * (1 if k % 2 == 0 else -1) * (1.6 + 0.5 * r))
        where = "along the path" if it.target == "path" else f"along {it.target or 'your view'}"
        p0 = anchors[0]
    elif rel == "by_water" or it.target == "water":
        if space.water.size == 0:
            raise Refusal("there is no water near you to put things by")
        w = space.water[np.argmin(np.hypot(space.water[:, 0] - eye[0], space.water[:, 2] - eye[2]))]
        d = eye - w
        d[1] = 0
        d /= max(np.linalg.norm(d), 1e-6)
        p0 = w + d * (1.5 + r)
        where = "by the water"
    elif it.target is not None:
        t = _target_obj(state, it, v)
        c = t.centre
        rt_ = t.radius
        to_me = eye - c
        to_me[1] = 0
        to_me = to_me / max(np.linalg.norm(to_me), 1e-6)
        side = np.array([-to_me[2], 0.0, to_me[0]])
        gap = rt_ + r + 0.6
        face_to = c
        if rel == "around":
            ring = rt_ + r + 1.0
            for k in range(n):
                a = 2 * math.pi * k / n
                anchors.append(c + (to_me * math.cos(a) + side * math.sin(a)) * ring)
            p0 = anchors[0]
        elif rel == "on":
            top = np.array([c[0], t.hi[1], c[2]])
            return [(top + np.array([(k - (n - 1) / 2) * spread * 0.6, 0, 0]), _face(top, eye)) for k in range(n)], f"on the {it.target}"
        else:
            dir_ = {"front_of": to_me, "behind": -to_me, "left_of": np.cross([0, 1.0, 0], to_me) * -1,
                    "right_of": np.cross([0, 1.0, 0], to_me)}.get(rel, side)
            p0 = c + dir_ * gap
        where = f"{rel.replace('_', ' ').replace('front of', 'in front of')} the {it.target} ({_dist(t, v):.0f} m away)"
    else:
        p0 = eye + f * (3.0 + r)
        where = "in front of you"
    if not anchors:
        # a small cluster around p0, the row across the view
        across = rt if rel in ("front_me", "behind_me", "far", "near_me", "middle") else np.cross([0, 1.0, 0], (p0 - eye) / max(np.linalg.norm(p0 - eye), 1e-6))
        anchors = [p0 + across * ((k - (n - 1) / 2) * spread) for k in range(n)]
    out = []
    for a in anchors:
        if len(out) >= n:
            break
        q = space.spot(a, r, kind.size[1])
        if q is not None:
            out.append((q, _face(q, face_to)))
    return out, where


# ---------------------------------------------------------------------- sentence -> op
def _describe_kind(it: Intent, n: int) -> str:
    name = (it.kind or it.noun or "thing").replace("_", " ")
    return f"{n} {name}{'s' if n != 1 and not name.endswith('s') else ''}"


def plan(state: WorldState, it: Intent, at=None, facing=None) -> tuple[dict, str]:
    """(op, what it does) for an understood sentence; raises :class:`Refusal` with the reason otherwise."""
    if it.problems:
        raise Refusal(it.problems[0])
    v = viewer_of(state, at, facing)
    seed = zlib.crc32(it.sentence.encode()) & 0x7FFFFFFF
    if it.action == "style":
        op = {"op": "restyle"}
        if it.time_of_day:
            op["time_of_day"] = it.time_of_day
        if it.weather:
            op["weather"] = it.weather
        return op, "relight the world: " + ", ".join(f"{k.replace('_', ' ')} {v_}" for k, v_ in op.items() if k != "op")
    if it.action in ("add", "more"):
        kind = _kind(it.kind)
        if kind.placement not in ("ground", "water") and it.relation != "on":
            raise Refusal(f"a {kind.name.replace('_', ' ')} goes on a {kind.placement.replace('_', ' ')}; I can only place "
                          "things that stand on the ground from text")
        if it.action == "more":
            have = len(objects_of(state, it.noun or kind.name))
            n = it.count or int(np.clip(round(0.5 * have), 3, 12))
            pl = _scatter(state, v, kind, n, seed)
            where = f"around you ({have} there before)"
        else:
            n = it.count if it.count is not None else (6 if it.relation == "along" else 3 if it.plural else 1)
            if n > MAX_NEW:
                raise Refusal(f"{n} is more than the {MAX_NEW} objects one sentence may add")
            pl, where = places(state, it, v, kind, n, Space(state, v))
        if not pl:
            raise Refusal(f"there is no free ground for a {kind.name.replace('_', ' ')} there")
        params: dict = {}
        if it.color is not None:
            params["color"] = [round(float(c), 4) for c in it.color]
        if it.material:
            params["material"] = it.material
        if it.state:
            params["state"] = list(it.state)
        if state.meta.get("spec", {}).get("time_of_day") == "night" and kind.emissive:
            params["lit"] = True
        op = {"op": "insert_asset", "kind": kind.name, "params": params, "seed": seed,
              "placements": [{"position": [round(float(x), 4) for x in p], "yaw_deg": round(y, 2)} for p, y in pl],
              "ground": it.relation != "on"}
        short = "" if len(pl) == (it.count or len(pl)) else f" (only {len(pl)} fit)"
        sub = f" (no '{it.asked}' in the library: used the nearest kind, {kind.name.replace('_', ' ')})" if it.asked else ""
        return op, f"add {_describe_kind(it, len(pl))} {where}{short}{sub}"
    # ---- operations on existing objects
    if it.lights:
        objs = find_objects(state, _light_labels(state))
        if not objs:
            raise Refusal("there are no lamps or other lights in this world")
    else:
        objs = objects_of(state, it.noun or it.kind)
    if not objs:
        raise Refusal(f"there is no {(it.noun or it.kind).rstrip('s') if it.plural else it.noun} in this world")
    if it.action == "fewer":
        by_d = sorted(objs, key=lambda o: _dist(o, v))
        k = max(1, it.count or int(math.ceil(len(objs) / 2)))
        pick = by_d[:k]
        return {"op": "delete", "select": _union(state, pick)}, f"remove {k} of the {len(objs)} {it.noun}, the nearest to you"
    pick, how = choose(objs, it, v)
    if not pick:
        raise Refusal(f"there is no {it.noun} {it.relation.replace('_me', ' you').replace('_', ' ')}")
    what = f"{it.noun} ({how})"
    if it.action == "remove":
        return {"op": "delete", "select": _union(state, pick)}, f"remove {what}"
    if it.action == "change":
        if it.scale is not None:
            return ({"op": "resize", "select": _union_ids(pick), "scale": it.scale},
                    f"make {what} {'bigger' if it.scale > 1 else 'smaller'} (x{it.scale:g})")
        if it.color is not None or it.material is not None:
            if it.color is not None:
                rgb, word = it.color, it.color_word
            else:
                from ...generation.assets.registry import MATERIALS

                rgb, word = MATERIALS[it.material][1], it.material
            return ({"op": "recolor", "select": _union(state, pick), "rgb": [round(float(c), 4) for c in rgb], "mode": "shade",
                     "strength": 0.9}, f"make {what} {word}")
        if it.lit is not None:
            kind = _kind(it.kind) if it.kind else None
            if kind is not None and not kind.emissive:
                raise Refusal(f"a {kind.name.replace('_', ' ')} has no light to turn on or off")
            sels = []
            for o in pick:
                h = o.hi[1] - o.lo[1]
                box = {"type": "box", "min": [round(float(o.lo[0]) - 0.05, 4), round(float(o.lo[1] + 0.6 * h), 4), round(float(o.lo[2]) - 0.05, 4)],
                       "max": [round(float(o.hi[0]) + 0.05, 4), round(float(o.hi[1]) + 0.05, 4), round(float(o.hi[2]) + 0.05, 4)]}
                sels.append({"type": "and", "of": [o.selection(state), box]})
            sel = sels[0] if len(sels) == 1 else {"type": "or", "of": sels}
            if it.lit:
                return {"op": "recolor", "select": sel, "rgb": list(LAMP_ON), "mode": "set", "strength": 0.9}, f"turn on {what}"
            return {"op": "recolor", "select": sel, "rgb": [0.3, 0.3, 0.3], "mode": "multiply"}, f"turn off {what}"
    raise Refusal(f"I understood '{it.action}' but do not know how to do it")


def _light_labels(state: WorldState) -> list[int]:
    """Label ids of the emissive kinds in this world."""
    from ...generation.assets import registry

    out = []
    for k, v in state.legend().items():
        kind = registry.REGISTRY.get(v)
        if kind is not None and kind.emissive:
            out.append(k)
    return out


def _scatter(state: WorldState, v: Viewer, kind, n: int, seed: int) -> list[tuple[np.ndarray, float]]:
    """``n`` free spots 5..25 m around the viewer, most in front."""
    space = Space(state, v)
    rng = np.random.default_rng(seed)
    out = []
    r = _radius(kind)
    for _ in range(n * 6):
        if len(out) >= n:
            break
        d = rng.uniform(5.0 + r, 25.0)
        a = math.radians(v.yaw_deg) + rng.normal(0.0, 0.9)
        p = v.at + np.array([-math.sin(a), 0.0, -math.cos(a)]) * d
        xz = np.array([[p[0], p[2]]])
        g = float(space.ground(xz)[0])
        q = np.array([p[0], g, p[2]])
        if space.free(q, r, kind.size[1], g):
            space.taken.append((q, r))
            out.append((q, float(rng.uniform(0, 360))))
    return out
