"""Layout solver: object groups of a :class:`~spatial.generation.graph.SceneGraph` -> placed instances.

The shell stage describes where things may stand as a :class:`Site` (ground height, where the
ground is usable, the spawn, its view and walk heading, walls, water, a hill, a clear walk
corridor). :func:`solve` then places every instance of every group, greedily in dependency order
(relation targets before their subjects, named groups before the shell's filler), Holodeck-style:
for each instance it draws candidate positions from its relation (``near`` -> a ring around the
target, ``behind`` -> beyond the target on the spawn's line of sight, ``on`` -> the target's top,
``along`` -> the walk path / the walls / the shore, ...) and keeps the best-scoring one:

* hard: on usable ground (or its support surface), inside the site, out of the walk corridor,
  no footprint overlap with anything placed (circles in XZ);
* soft: every other relation of the group satisfied (:func:`check_relation`, the same test the
  benchmark applies), named things in the spawn's view (within +-38 degrees of the view, 3-35 m),
  spread between instances of a group.

After placement a 0.5 m occupancy grid is flood-filled from the spawn: a group whose every
instance is fenced in is reported in :attr:`Layout.unreachable` (the route check of issue 15).

Coordinates: Y up, yaw in degrees with 0 = looking along -Z, counter-clockwise (as the spawn's).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

#: distance thresholds of the relation tests (metres)
NEAR_GAP = 3.0
FAR_M = 35.0
VIEW_HALF_ANGLE = 38.0
SUPPORT_KINDS_HINT = ("table", "desk", "counter", "shelf", "bookshelf", "cabinet", "dresser", "nightstand", "bar", "altar", "pedestal",
                      "workbench", "crate", "stall")


@dataclass
class Site:
    """What a shell tells the solver about the space (all callables take and return numpy arrays)."""

    spawn: np.ndarray
    yaw_deg: float
    heading_deg: float
    #: (xmin, zmin, xmax, zmax) of the placeable area
    bounds: tuple[float, float, float, float]
    #: ground height at (x, z)
    ground: Callable[[np.ndarray, np.ndarray], np.ndarray]
    #: bool mask: may a ground object stand at (x, z) (dry, not too steep, inside the room)
    usable: Callable[[np.ndarray, np.ndarray], np.ndarray]
    indoor: bool = False
    ceiling: float | None = None
    #: named points: "middle" (always), "water", "hill" when present
    anchors: dict[str, tuple[float, float]] = field(default_factory=dict)
    #: wall segments ((x0, z0), (x1, z1), inward normal (nx, nz)) things can stand against / hang on
    walls: list[tuple[tuple[float, float], tuple[float, float], tuple[float, float]]] = field(default_factory=list)
    #: signed distance to the water's edge at (x, z) (negative in the water), or None without water
    water_distance: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None
    #: height of the open water's surface (water kinds float on it), or None
    water_level: float | None = None
    #: discs (x, z, r) the shell already occupies (legacy furniture, houses, wells...)
    obstacles: list[tuple[float, float, float]] = field(default_factory=list)
    #: the clear walk corridor: half-width and length from the spawn along the heading
    corridor_half_width: float = 1.6
    corridor_length: float = 40.0
    #: outdoor objects farther than this from the spawn are not placed
    max_radius: float = 80.0
    #: group ids whose instances the shell built itself (a courtyard's walls): the solver skips them
    provided: set = field(default_factory=set)
    #: discs (x, z, r) of the shell's removable furnishing: avoided, but a named object that finds no
    #: other room may take their place (the shell then leaves them out)
    soft_obstacles: list[tuple[float, float, float]] = field(default_factory=list)

    @property
    def forward(self) -> np.ndarray:
        a = math.radians(self.yaw_deg)
        return np.array([-math.sin(a), -math.cos(a)])

    @property
    def right(self) -> np.ndarray:
        a = math.radians(self.yaw_deg)
        return np.array([math.cos(a), -math.sin(a)])

    def corridor_distance(self, x, z) -> np.ndarray:
        """Distance of (x, z) from the walk segment (spawn -> heading, corridor_length)."""
        a = math.radians(self.heading_deg)
        d = np.array([-math.sin(a), -math.cos(a)])
        px, pz = np.asarray(x, dtype=np.float64) - self.spawn[0], np.asarray(z, dtype=np.float64) - self.spawn[2]
        t = np.clip(px * d[0] + pz * d[1], 0.0, self.corridor_length)
        return np.hypot(px - t * d[0], pz - t * d[1])


@dataclass
class Instance:
    """One placed object. ``position`` is the footprint centre on its support (ground, floor, a table top);
    ``size`` the scaled (w, h, d) box in local axes; ``support`` the id of the instance it stands on."""

    id: str
    group: str
    kind: str
    position: np.ndarray
    yaw_deg: float
    scale: float
    size: tuple[float, float, float]
    placement: str = "ground"
    support: str | None = None
    named: bool = True
    #: "room" anchoring: hangs from the ceiling / on a wall at this height above the floor
    lift: float = 0.0

    @property
    def radius(self) -> float:
        return 0.5 * max(self.size[0], self.size[2])

    def aabb(self) -> tuple[np.ndarray, np.ndarray]:
        """World axis-aligned box (rotated footprint)."""
        a = math.radians(self.yaw_deg)
        c, s = abs(math.cos(a)), abs(math.sin(a))
        hx = 0.5 * (self.size[0] * c + self.size[2] * s)
        hz = 0.5 * (self.size[0] * s + self.size[2] * c)
        p = self.position
        return np.array([p[0] - hx, p[1], p[2] - hz]), np.array([p[0] + hx, p[1] + self.size[1], p[2] + hz])

    def to_dict(self) -> dict:
        lo, hi = self.aabb()
        return {"id": self.id, "group": self.group, "kind": self.kind, "position": [round(float(v), 3) for v in self.position],
                "yaw_deg": round(float(self.yaw_deg), 2), "scale": round(float(self.scale), 4), "size": [round(float(v), 3) for v in self.size],
                "placement": self.placement, "support": self.support, "named": self.named,
                "bbox": [[round(float(v), 3) for v in lo], [round(float(v), 3) for v in hi]]}


@dataclass
class Layout:
    instances: list[Instance] = field(default_factory=list)
    #: relations the solver could not satisfy: [{"relation", "subject", "target"}]
    unsatisfied: list[dict] = field(default_factory=list)
    #: group ids no instance of which can be walked to from the spawn
    unreachable: list[str] = field(default_factory=list)
    #: groups placed with fewer instances than asked (no room): {group id: placed}
    short: dict[str, int] = field(default_factory=dict)

    def of_group(self, gid: str) -> list[Instance]:
        return [i for i in self.instances if i.group == gid]

    def get(self, iid: str) -> Instance:
        return next(i for i in self.instances if i.id == iid)


# ---------------------------------------------------------------------------------- relation tests
def _centre(insts: list[Instance]) -> np.ndarray:
    return np.mean([i.position for i in insts], axis=0)


def _target_xz(target: str, layout: Layout, site: Site) -> tuple[np.ndarray, float] | None:
    """Centre (x, z) and radius of a relation target."""
    if target in ("shell", "viewer", "path", "wall"):
        if target == "viewer":
            return site.spawn[[0, 2]], 0.5
        if target == "shell":
            return np.asarray(site.anchors.get("middle", site.spawn[[0, 2]]), dtype=np.float64), 0.0
        return None
    if target in ("water", "hill"):
        a = site.anchors.get(target)
        return None if a is None else (np.asarray(a, dtype=np.float64), 4.0)
    insts = layout.of_group(target)
    if not insts:
        return None
    c = _centre(insts)[[0, 2]]
    r = max(float(np.hypot(*(i.position[[0, 2]] - c))) + i.radius for i in insts)
    return c, r


def _gap(a: Instance, b: Instance) -> float:
    """Horizontal gap between two boxes (0 when they overlap)."""
    la, ha = a.aabb()
    lb, hb = b.aabb()
    dx = max(0.0, max(la[0], lb[0]) - min(ha[0], hb[0]))
    dz = max(0.0, max(la[2], lb[2]) - min(ha[2], hb[2]))
    return float(math.hypot(dx, dz))


def check_relation(rel, layout: Layout, site: Site) -> bool:
    """Is ``rel`` (a :class:`~spatial.generation.graph.Relation`) satisfied geometrically by ``layout``?

    The tests (all from the spawn's point of view where a view matters): ``near``: some subject box
    within max(3 m, the larger size) of some target box; ``behind`` / ``in_front``: the subject's
    centre on the same bearing from the spawn (+-35 deg) and farther / nearer than the target's;
    ``left_of`` / ``right_of``: the subject's centre left / right of the target's in the spawn's
    view frame; ``on``: standing on a target instance's top; ``inside``: centre inside the target's
    box (or the shell); ``middle``: centre within 22 % of the site's size of the target's centre
    (the shell's middle); ``around``: instances on >= 3 sides of the target (bearings spanning
    > 200 deg) or, for one or two, near it; ``along``: every instance within 6 m of the path /
    a wall / the shore / the target's long axis; ``far``: >= 35 m from the spawn outdoors, in the
    farther half of a room indoors; ``by_water``: within 8 m of the water's edge; ``on_hill``: standing
    >= 2 m above the spawn near the hill top."""
    subj = layout.of_group(rel.subject)
    if not subj:
        return False
    kind = rel.relation
    S = site.spawn[[0, 2]]
    ext = max(site.bounds[2] - site.bounds[0], site.bounds[3] - site.bounds[1])
    if kind == "on":
        tgt = {i.id for i in layout.of_group(rel.target)}
        return bool(tgt) and all(i.support in tgt for i in subj)
    if kind == "far":
        if site.indoor:
            return all(float(np.dot(i.position[[0, 2]] - S, site.forward)) > 0.45 * ext for i in subj)
        return all(float(np.hypot(*(i.position[[0, 2]] - S))) >= FAR_M - 1e-6 for i in subj)
    if kind == "by_water":
        if site.water_distance is None:
            return False
        return all(float(site.water_distance(np.array([i.position[0]]), np.array([i.position[2]]))[0]) <= 8.0 for i in subj)
    if kind == "on_hill":
        h = site.anchors.get("hill")
        return h is not None and all(i.position[1] - site.spawn[1] >= 2.0 and np.hypot(*(i.position[[0, 2]] - h)) < 14 for i in subj)
    if kind == "along":
        return all(_along_distance(i, rel.target, layout, site) <= 6.0 + i.radius for i in subj)
    tgt = _target_xz(rel.target, layout, site)
    if tgt is None:
        return rel.target in ("shell",) and kind == "inside"
    T, rT = tgt
    tinst = layout.of_group(rel.target) if rel.target not in ("shell", "viewer", "water", "hill", "path", "wall") else []
    if kind == "inside":
        if rel.target == "shell":
            return True
        for i in subj:
            p = i.position
            if not any(lo[0] - 0.3 <= p[0] <= hi[0] + 0.3 and lo[2] - 0.3 <= p[2] <= hi[2] + 0.3 for lo, hi in (t.aabb() for t in tinst)):
                return False
        return True
    if kind == "middle":
        c = _centre(subj)[[0, 2]]
        tol = 0.22 * (ext if rel.target == "shell" else max(2 * rT, 6.0))
        return float(np.hypot(*(c - T))) <= max(tol, 2.5)
    if kind == "near":
        if tinst:
            return any(_gap(a, b) <= max(NEAR_GAP, 0.6 * max(a.radius, b.radius) * 2) for a in subj for b in tinst)
        return any(float(np.hypot(*(a.position[[0, 2]] - T))) - a.radius - rT <= max(NEAR_GAP, 2 * a.radius) for a in subj)
    if kind == "around":
        if len(subj) < 3:
            return any(float(np.hypot(*(a.position[[0, 2]] - T))) - a.radius - rT <= max(NEAR_GAP * 2, 2 * a.radius) for a in subj)
        ang = np.sort([math.atan2(float(i.position[2] - T[1]), float(i.position[0] - T[0])) for i in subj])
        gaps = np.diff(np.concatenate([ang, ang[:1] + 2 * math.pi]))
        return float(2 * math.pi - gaps.max()) > math.radians(200)
    if kind in ("behind", "in_front"):
        dT = float(np.hypot(*(T - S)))
        bT = math.atan2(*(T - S)[::-1]) if dT > 1e-6 else 0.0
        for i in subj:
            v = i.position[[0, 2]] - S
            d = float(np.hypot(*v))
            if rel.target == "viewer":
                if kind == "in_front" and float(np.dot(v, site.forward)) <= 0.5 * d:
                    return False
                if kind == "behind" and float(np.dot(v, site.forward)) >= 0:
                    return False
                continue
            db = abs((math.atan2(v[1], v[0]) - bT + math.pi) % (2 * math.pi) - math.pi)
            if db > math.radians(35) and d > 1.0:
                return False
            if kind == "behind" and not d > dT:
                return False
            if kind == "in_front" and not d < dT:
                return False
        return True
    if kind in ("left_of", "right_of"):
        sgn = 1.0 if kind == "right_of" else -1.0
        # lateral coordinate in the view frame from the spawn, normalised by depth (a bearing test)
        def lat(p):
            v = p - S
            return float(np.dot(v, site.right)) / max(float(np.dot(v, site.forward)), 1.0)
        lt = lat(T) if rel.target != "viewer" else 0.0
        return all(sgn * (lat(i.position[[0, 2]]) - lt) > 0.02 for i in subj)
    return False


def _along_distance(i: Instance, target: str, layout: Layout, site: Site) -> float:
    p = i.position[[0, 2]]
    if target in ("path", "viewer", "shell"):
        return float(site.corridor_distance(np.array([p[0]]), np.array([p[1]]))[0])
    if target == "wall":
        return min((_seg_dist(p, np.array(a), np.array(b)) for a, b, _ in site.walls), default=1e9)
    if target == "water":
        if site.water_distance is None:
            return 1e9
        return abs(float(site.water_distance(np.array([p[0]]), np.array([p[1]]))[0]))
    tinst = layout.of_group(target)
    if not tinst:
        return 1e9
    return min(float(np.hypot(*(p - t.position[[0, 2]]))) - t.radius for t in tinst)


def _seg_dist(p, a, b) -> float:
    ab = b - a
    t = float(np.clip(np.dot(p - a, ab) / max(float(np.dot(ab, ab)), 1e-9), 0, 1))
    return float(np.hypot(*(p - a - t * ab)))


# ---------------------------------------------------------------------------------- the solver
def _order(graph) -> list:
    """Groups with relation targets first (a topological order; cycles broken by prompt order)."""
    deps = {g.id: {r.target for r in graph.relations if r.subject == g.id and r.target not in ("shell", "viewer", "path", "water",
                                                                                                 "hill", "wall")} for g in graph.groups}
    done: list = []
    seen: set = set()

    def visit(gid, stack=()):
        if gid in seen or gid in stack:
            return
        for d in sorted(deps.get(gid, ())):
            if d in deps:
                visit(d, stack + (gid,))
        seen.add(gid)
        done.append(gid)

    named = [g.id for g in graph.groups if g.named]
    filler = [g.id for g in graph.groups if not g.named]
    for gid in named + filler:
        visit(gid)
    return [graph.group(g) for g in done]


def solve(graph, site: Site, rng: np.random.Generator, kinds: dict | None = None) -> Layout:
    """Place every group of ``graph`` on ``site``.

    ``kinds`` maps kind name -> an object with ``size`` (w, h, d) and ``placement`` (the registry's
    :class:`~spatial.generation.assets.registry.AssetKind`); default: looked up in the registry.
    Deterministic in ``rng``. Returns the :class:`Layout` with the placed instances and what could
    not be satisfied (reported, never silent)."""
    if kinds is None:
        from .assets import registry

        kinds = {g.kind: registry.get(g.kind) for g in graph.groups}
    lay = Layout()
    # room a relation target keeps free around itself for its subjects ("four chairs around a table")
    reserve: dict[str, float] = {}
    for r in graph.relations:
        if r.relation in ("around", "near", "left_of", "right_of", "behind", "in_front") and any(x.id == r.target for x in graph.groups):
            sk = kinds[graph.group(r.subject).kind]
            need = max(sk.size[0], sk.size[2]) * float(graph.group(r.subject).attributes.get("scale", 1.0)) + 0.6
            reserve[r.target] = max(reserve.get(r.target, 0.0), need)
    for g in _order(graph):
        if g.id in site.provided:
            continue
        k = kinds[g.kind]
        rels = graph.relations_of(g.id)
        scale = float(g.attributes.get("scale", 1.0))
        size = tuple(float(s) * scale for s in k.size)
        placed = 0
        for n in range(g.count):
            inst = _place_one(g, n, size, scale, k.placement, rels, lay, site, rng, reserve.get(g.id, 0.0))
            if inst is None:
                continue
            lay.instances.append(inst)
            placed += 1
        if placed < g.count:
            lay.short[g.id] = placed
    for r in graph.relations:
        if r.subject in site.provided:
            continue
        if not check_relation(r, lay, site):
            lay.unsatisfied.append({"relation": r.relation, "subject": r.subject, "target": r.target})
    lay.unreachable = unreachable_groups(lay, site)
    return lay


def _support_candidates(lay: Layout, target: str | None) -> list[Instance]:
    if target is not None:
        return [i for i in lay.of_group(target) if i.support is None]
    return [i for i in lay.instances if i.support is None and any(h in i.kind for h in SUPPORT_KINDS_HINT)]


def _place_one(g, n: int, size, scale: float, placement: str, rels, lay: Layout, site: Site, rng, reserve: float = 0.0) -> Instance | None:
    iid = f"{g.id}.{n}"
    on = next((r for r in rels if r.relation == "on"), None)
    w, h, d = size
    r_self = 0.5 * max(w, d)
    # ---- on a support (explicit "on", or a table-top / shelf kind)
    if on is not None or placement in ("table_top", "shelf"):
        sup = _support_candidates(lay, on.target if on is not None else None)
        best = None
        for s in sorted(sup, key=lambda s: sum(1 for i in lay.instances if i.support == s.id)):
            top = s.position[1] + s.size[1]
            if placement == "shelf" or "shelf" in s.kind or "bookcase" in s.kind:
                top = s.position[1] + s.size[1] * float(rng.choice([0.3, 0.55, 0.8]))
            for _ in range(12):
                off = np.array([rng.uniform(-0.3, 0.3) * max(s.size[0] - w, 0), rng.uniform(-0.3, 0.3) * max(s.size[2] - d, 0)])
                a = math.radians(s.yaw_deg)
                ox = off[0] * math.cos(a) + off[1] * math.sin(a)
                oz = -off[0] * math.sin(a) + off[1] * math.cos(a)
                p = np.array([s.position[0] + ox, top, s.position[2] + oz])
                clash = any(i.support == s.id and np.hypot(*(i.position[[0, 2]] - p[[0, 2]])) < i.radius + r_self for i in lay.instances)
                if not clash:
                    best = Instance(iid, g.id, g.kind, p, s.yaw_deg + float(rng.uniform(-20, 20)), scale, size, placement, s.id, g.named)
                    break
            if best is not None:
                return best
        if on is not None and not sup:
            pass  # target missing: fall through to the ground, reported as unsatisfied
    # ---- hanging / wall objects indoors
    lift = 0.0
    if site.indoor and site.ceiling is not None:
        if placement in ("ceiling", "hanging"):
            lift = max(0.0, site.ceiling - h - (0.0 if placement == "ceiling" else 0.4))
        elif placement == "wall":
            lift = min(1.1, max(0.0, site.ceiling - h - 0.2)) if h < 1.6 else 0.0
    for relax in range(4):
        inst = _try_place(g, n, iid, size, scale, placement, rels, lay, site, rng, lift, relax, reserve if relax < 2 else 0.0)
        if inst is not None:
            return inst
    return None


def _try_place(g, n, iid, size, scale, placement, rels, lay, site, rng, lift, relax: int, reserve: float = 0.0) -> Instance | None:
    w, h, d = size
    r_self = 0.5 * max(w, d)
    r_clear = r_self + reserve  # clearance from the corridor, the spawn and the shell's obstacles
    cands = _candidates(g, n, size, placement, rels if relax < 2 else [], lay, site, rng, 160 if relax < 3 else 400, relax)
    if len(cands) == 0:
        return None
    x, z, yaw = cands[:, 0], cands[:, 1], cands[:, 2]
    score = rng.uniform(0, 0.05, len(x))
    if placement == "water" and site.water_distance is not None:
        wd = site.water_distance(x, z)
        # boats float; a long thing (a pier) reaches out from the shore, the spawn-facing end on land
        long = max(w, d) > 2.5 * min(w, d)
        ok = (wd < -0.3) & (wd > -0.8 * r_self) if long else (wd < -0.5 - 0.3 * r_self)
    else:
        ok = site.usable(x, z).astype(bool)
    ok &= (x >= site.bounds[0]) & (x <= site.bounds[2]) & (z >= site.bounds[1]) & (z <= site.bounds[3])
    hanging = lift > 0 and placement in ("ceiling", "hanging")
    if not hanging:
        ok &= site.corridor_distance(x, z) > r_clear + site.corridor_half_width
        ok &= np.hypot(x - site.spawn[0], z - site.spawn[2]) > r_clear + 1.2
    if site.water_distance is not None and placement != "water":
        ok &= site.water_distance(x, z) > r_self * 0.7 + 0.3
    # overlap with placed instances and shell obstacles
    for i in lay.instances:
        if i.support is not None:
            continue
        if hanging != (i.lift > 0 and i.placement in ("ceiling", "hanging")):
            continue
        dd = np.hypot(x - i.position[0], z - i.position[2])
        ok &= dd > (i.radius + r_self) * 0.85 + 0.15
        score -= 0.3 * np.clip(1.0 - (dd - i.radius - r_self) / 2.0, 0, 1) * (i.group == g.id)
        if reserve > 0:
            score -= 0.8 * (dd < i.radius + r_clear)
    for (ox, oz, orad) in site.obstacles + (site.soft_obstacles if relax < 3 else []):
        ok &= np.hypot(x - ox, z - oz) > orad + r_clear * 0.85
    if not ok.any():
        return None
    # soft: other relations, view
    y = site.ground(x, z)
    if placement == "water" and site.water_level is not None:
        y = np.maximum(y, site.water_level)
    dist = np.hypot(x - site.spawn[0], z - site.spawn[2])
    if g.named:
        v = np.stack([x - site.spawn[0], z - site.spawn[2]], -1)
        cosang = (v @ site.forward) / np.maximum(dist, 1e-6)
        score += 1.0 * (cosang > math.cos(math.radians(VIEW_HALF_ANGLE))) + 0.3 * cosang
        score -= 0.02 * np.maximum(dist - (30.0 if not site.indoor else 8.0), 0)
        # small things read only when near: prefer the nearer candidates, the more the smaller the thing
        score -= 0.25 * dist / max(dist.max(), 1e-6) * min(1.0, 3.0 / max(w, h, d))
        # hidden behind a taller thing is bad - also for "behind", which then prefers peeking out beside it
        score -= (0.6 if any(r.relation == "behind" for r in rels) else 0.9) * _occluded(x, z, h, lay, site)
    idx = np.nonzero(ok)[0]
    for r in rels:
        if r.relation in ("on",):
            continue
        # evaluate the relation for each candidate (a few dozen at most)
        sub = idx[np.argsort(-score[idx])][:48]
        for j in sub:
            probe = Instance(iid, g.id, g.kind, np.array([x[j], y[j], z[j]]), float(yaw[j]), scale, size, placement, None, g.named, lift)
            tmp = Layout([i for i in lay.instances if i.group != g.id] + [probe], [], [], {})
            if check_relation(r, tmp, site):
                score[j] += 2.0
        idx = sub
    j = int(idx[np.argmax(score[idx])])
    return Instance(iid, g.id, g.kind, np.array([x[j], float(y[j]) + lift, z[j]]), float(yaw[j]), scale, size, placement, None, g.named, lift)


def _occluded(x, z, h: float, lay: Layout, site: Site) -> np.ndarray:
    """Share (0..1) of a candidate hidden from the spawn by a taller placed object standing nearer on the same bearing."""
    S = site.spawn[[0, 2]]
    vx, vz = x - S[0], z - S[1]
    d = np.hypot(vx, vz)
    occ = np.zeros_like(d)
    for i in lay.instances:
        if i.support is not None or i.size[1] < 0.6 * h:
            continue
        p = i.position[[0, 2]] - S
        di = float(np.hypot(*p))
        if di < 1.0:
            continue
        ang = np.abs(np.arctan2(vx * p[1] - vz * p[0], vx * p[0] + vz * p[1]))
        half = math.atan2(i.radius, di)
        occ = np.maximum(occ, (d > di + i.radius * 0.5) * np.clip(1.0 - ang / max(half, 1e-3), 0, 1))
    return occ


def _face(px, pz, tx, tz) -> np.ndarray:
    """Yaw (deg) that turns an object's front (+Z) towards (tx, tz)."""
    return np.degrees(np.arctan2(tx - px, tz - pz))


def _candidates(g, n: int, size, placement: str, rels, lay: Layout, site: Site, rng, m: int, relax: int = 0) -> np.ndarray:
    """[m, 3] (x, z, yaw) candidates from the group's primary relation (``relax`` 1: wider spread,
    2: the relation ignored, 3: anywhere in the site)."""
    w, h, d = size
    r_self = 0.5 * max(w, d)
    S = site.spawn[[0, 2]]
    fwd, right = site.forward, site.right
    prim = next((r for r in rels if r.relation not in ("on",)), None)
    rel = prim.relation if prim else None
    tgt = _target_xz(prim.target, lay, site) if prim else None
    T, rT = tgt if tgt is not None else (None, 0.0)
    u = rng.uniform(size=(m, 4))
    if placement == "wall" and site.walls and rel in (None, "along", "near", "left_of", "right_of", "behind", "in_front"):
        segs = site.walls
        k = rng.integers(0, len(segs), m)
        a = np.array([segs[i][0] for i in k])
        b = np.array([segs[i][1] for i in k])
        nrm = np.array([segs[i][2] for i in k])
        t = u[:, 0]
        p = a + (b - a) * t[:, None] + nrm * (0.5 * d + 0.05)
        yaw = np.degrees(np.arctan2(nrm[:, 0], nrm[:, 1]))
        return np.stack([p[:, 0], p[:, 1], yaw], -1)
    if relax >= 3:
        x = site.bounds[0] + (site.bounds[2] - site.bounds[0]) * u[:, 0]
        z = site.bounds[1] + (site.bounds[3] - site.bounds[1]) * u[:, 1]
        if not site.indoor:
            keep = np.hypot(x - S[0], z - S[1]) < site.max_radius
            x, z = x[keep], z[keep]
        return np.stack([x, z, _face(x, z, S[0], S[1])], -1)
    wide = 1.0 + 1.5 * relax
    if rel == "around" and T is not None:
        ring = rT + r_self + 0.2 + (0.3 + 0.3 * min(rT, 6.0)) * u[:, 0] * wide
        if prim.target == "viewer":
            ring = np.maximum(ring, 12.0 + 30.0 * u[:, 0]) if not site.indoor else 2.5 + u[:, 0] * 2
        base = 2 * math.pi * n / max(g.count, 1)
        ang = base + (u[:, 1] - 0.5) * (2 * math.pi / max(g.count, 1)) * min(0.6 * wide, 2.0)
        x, z = T[0] + ring * np.sin(ang), T[1] + ring * np.cos(ang)
        return np.stack([x, z, _face(x, z, T[0], T[1])], -1)
    if rel == "near" and T is not None:
        ring = rT + r_self + 0.3 + 1.5 * u[:, 0] * wide
        ang = 2 * math.pi * u[:, 1]
        x, z = T[0] + ring * np.sin(ang), T[1] + ring * np.cos(ang)
        return np.stack([x, z, _face(x, z, T[0], T[1])], -1)
    if rel in ("behind", "in_front") and T is not None and prim.target != "viewer":
        v = T - S
        dT = float(np.hypot(*v))
        dirn = v / max(dT, 1e-6)
        if rel == "behind":
            dist = dT + rT + r_self + 0.5 + 5.0 * u[:, 0] * wide
        else:
            dist = np.maximum(dT - rT - r_self - 0.5 - 4.0 * u[:, 0], 2.0 + r_self)
        lat = (u[:, 1] - 0.5) * 2 * (0.3 * dist) * min(wide, 1.8)
        perp = np.array([-dirn[1], dirn[0]])
        p = S + dirn * dist[:, None] + perp * lat[:, None]
        return np.stack([p[:, 0], p[:, 1], _face(p[:, 0], p[:, 1], S[0], S[1])], -1)
    if rel in ("left_of", "right_of") and T is not None:
        sgn = 1.0 if rel == "right_of" else -1.0
        dT = float(np.hypot(*(T - S)))
        off = rT + r_self + 0.5 + 3.0 * u[:, 0] * wide
        dep = (u[:, 1] - 0.5) * 2 * min(3.0, 0.2 * dT + 1) * wide
        p = T + right * (sgn * off)[:, None] + fwd * dep[:, None]
        return np.stack([p[:, 0], p[:, 1], _face(p[:, 0], p[:, 1], S[0], S[1])], -1)
    if rel == "middle" and T is not None:
        spread = 0.5 + r_self * 0.5 + (0 if g.count == 1 else 1.5 + 1.2 * math.sqrt(g.count)) * u[:, 0]
        ang = 2 * math.pi * u[:, 1]
        x, z = T[0] + spread * np.sin(ang), T[1] + spread * np.cos(ang)
        return np.stack([x, z, _face(x, z, S[0], S[1])], -1)
    if rel == "inside" and T is not None and prim.target not in ("shell",):
        ang = 2 * math.pi * u[:, 1]
        rr = max(rT - r_self, 0.0) * 0.6 * u[:, 0]
        x, z = T[0] + rr * np.sin(ang), T[1] + rr * np.cos(ang)
        return np.stack([x, z, _face(x, z, S[0], S[1])], -1)
    if rel == "along":
        return _along_candidates(g, n, size, prim.target, lay, site, u)
    if rel == "by_water" and "water" in site.anchors and site.water_distance is not None:
        # sample a disc around the water and keep the shore band
        W = np.asarray(site.anchors["water"])
        R = 20 + 60 * u[:, 0]
        ang = 2 * math.pi * u[:, 1]
        x, z = W[0] + R * np.sin(ang), W[1] + R * np.cos(ang)
        wd = site.water_distance(x, z)
        keep = (wd > r_self * 0.7 + 0.3) & (wd < 7.0)
        # prefer the shore in view
        x, z = x[keep], z[keep]
        return np.stack([x, z, _face(x, z, W[0], W[1])], -1)
    if rel == "on_hill" and "hill" in site.anchors:
        H = np.asarray(site.anchors["hill"])
        rr = 6.0 * np.sqrt(u[:, 0])
        ang = 2 * math.pi * u[:, 1]
        x, z = H[0] + rr * np.sin(ang), H[1] + rr * np.cos(ang)
        return np.stack([x, z, _face(x, z, S[0], S[1])], -1)
    if rel == "far":
        if site.indoor:
            ext = site.bounds[3] - site.bounds[1]
            dist = 0.55 * ext + 0.4 * ext * u[:, 0]
        else:
            dist = FAR_M + 3 + (min(site.max_radius, 75.0) - FAR_M - 3) * u[:, 0]
        ang = math.radians(site.yaw_deg) + (u[:, 1] - 0.5) * math.radians(60)
        x, z = S[0] - dist * np.sin(ang), S[1] - dist * np.cos(ang)
        return np.stack([x, z, _face(x, z, S[0], S[1])], -1)
    # default: named things in view at a distance that suits their size, filler anywhere in the site
    if site.indoor:
        x = site.bounds[0] + (site.bounds[2] - site.bounds[0]) * u[:, 0]
        z = site.bounds[1] + (site.bounds[3] - site.bounds[1]) * u[:, 1]
        yaw = _face(x, z, S[0], S[1]) if g.named else rng.choice([0.0, 90.0, 180.0, 270.0], m)
        # big furniture against a wall
        if site.walls and max(w, d) > 1.2 and h > 0.8 and u[0, 3] < 2:
            k = rng.integers(0, len(site.walls), m)
            a = np.array([site.walls[i][0] for i in k])
            b = np.array([site.walls[i][1] for i in k])
            nrm = np.array([site.walls[i][2] for i in k])
            half = np.where(np.abs(nrm[:, 0]) > 0.5, 0.5 * w, 0.5 * w)
            p = a + (b - a) * u[:, 2:3] + nrm * (0.5 * d + 0.08)
            wall_yaw = np.degrees(np.arctan2(nrm[:, 0], nrm[:, 1]))
            use = u[:, 3] < 0.6
            x, z, yaw = np.where(use, p[:, 0], x), np.where(use, p[:, 1], z), np.where(use, wall_yaw, yaw)
            del half
        return np.stack([x, z, yaw], -1)
    if g.named:
        big = max(w, d, h)
        lo, hi = 3.0 + 1.2 * big, 14.0 + 2.2 * big
        dist = lo + (hi - lo) * u[:, 0]
        ang = math.radians(site.yaw_deg) + (u[:, 1] - 0.5) * 2 * math.radians(VIEW_HALF_ANGLE - 4) * min(wide, 4.0)
        dist = dist * (1.0 + 0.5 * relax)
    else:
        dist = 4.0 + (site.max_radius * 0.6) * np.sqrt(u[:, 0])
        ang = 2 * math.pi * u[:, 1]
    x, z = S[0] - dist * np.sin(ang), S[1] - dist * np.cos(ang)
    return np.stack([x, z, _face(x, z, S[0], S[1]) + (u[:, 2] - 0.5) * 30], -1)


def _along_candidates(g, n, size, target, lay, site, u) -> np.ndarray:
    w, h, d = size
    r_self = 0.5 * max(w, d)
    m = len(u)
    if target == "wall" and site.walls:
        segs = site.walls
        lens = np.array([math.hypot(b[0] - a[0], b[1] - a[1]) for a, b, _ in segs])
        total = lens.sum()
        s = (n + 0.5) / max(g.count, 1) * total + (u[:, 0] - 0.5) * min(total / max(g.count, 1), 4.0)
        s = np.mod(s, total)
        cum = np.concatenate([[0], np.cumsum(lens)])
        k = np.clip(np.searchsorted(cum, s, side="right") - 1, 0, len(segs) - 1)
        t = (s - cum[k]) / np.maximum(lens[k], 1e-9)
        a = np.array([segs[i][0] for i in k])
        b = np.array([segs[i][1] for i in k])
        nrm = np.array([segs[i][2] for i in k])
        p = a + (b - a) * t[:, None] + nrm * (0.5 * d + 0.3 + u[:, 1:2])
        yaw = np.degrees(np.arctan2(nrm[:, 0], nrm[:, 1]))
        return np.stack([p[:, 0], p[:, 1], yaw], -1)
    if target == "water" and site.water_distance is not None and "water" in site.anchors:
        W = np.asarray(site.anchors["water"])
        R = 10 + 70 * u[:, 0]
        ang = 2 * math.pi * u[:, 1]
        x, z = W[0] + R * np.sin(ang), W[1] + R * np.cos(ang)
        wd = site.water_distance(x, z)
        keep = (wd > r_self * 0.7 + 0.3) & (wd < 4.0)
        x, z = x[keep], z[keep]
        return np.stack([x, z, _face(x, z, W[0], W[1])], -1)
    if target not in ("path", "viewer", "shell", "wall", "water", "hill"):
        tinst = lay.of_group(target)
        if tinst:
            t0 = tinst[int(u[0, 0] * len(tinst)) % len(tinst)]
            a = math.radians(t0.yaw_deg)
            axis = np.array([math.cos(a), -math.sin(a)]) if t0.size[0] >= t0.size[2] else np.array([math.sin(a), math.cos(a)])
            half = 0.5 * max(t0.size[0], t0.size[2])
            s = (u[:, 0] - 0.5) * 2 * (half + 2)
            side = np.where(u[:, 1] < 0.5, -1.0, 1.0)
            off = 0.5 * min(t0.size[0], t0.size[2]) + r_self + 0.6
            perp = np.array([-axis[1], axis[0]])
            p = t0.position[[0, 2]] + axis * s[:, None] + perp * (side * off)[:, None]
            return np.stack([p[:, 0], p[:, 1], np.full(m, t0.yaw_deg)], -1)
    # along the walk path: both sides, spaced along its length
    a = math.radians(site.heading_deg)
    dirn = np.array([-math.sin(a), -math.cos(a)])
    perp = np.array([math.cos(a), -math.sin(a)])
    L = site.corridor_length if not site.indoor else max(site.bounds[3] - site.bounds[1], 4.0) * 0.8
    spacing = max(2 * r_self + 1.0, L / max(1, (g.count + 1) // 2 + 1))
    t = 3.0 + (n // 2) * spacing + (u[:, 0] - 0.5) * 0.6 * spacing
    side = 1.0 if n % 2 == 0 else -1.0
    off = site.corridor_half_width + r_self + 0.3 + 1.5 * u[:, 1]
    p = site.spawn[[0, 2]] + dirn * t[:, None] + perp * (side * off)[:, None]
    yaw = np.full(m, math.degrees(math.atan2(-perp[0] * side, -perp[1] * side)))
    return np.stack([p[:, 0], p[:, 1], yaw], -1)


# ---------------------------------------------------------------------------------- reachability
def unreachable_groups(lay: Layout, site: Site, cell: float = 0.5) -> list[str]:
    """Groups none of whose instances can be walked to from the spawn (flood fill of a 0.5 m grid
    over usable ground minus object footprints; things on supports count as their support)."""
    from scipy import ndimage

    x0, z0, x1, z1 = site.bounds
    R = site.max_radius
    x0, z0 = max(x0, site.spawn[0] - R), max(z0, site.spawn[2] - R)
    x1, z1 = min(x1, site.spawn[0] + R), min(z1, site.spawn[2] + R)
    nx, nz = int((x1 - x0) / cell) + 1, int((z1 - z0) / cell) + 1
    if nx * nz > 4_000_000 or nx < 2 or nz < 2:
        return []
    xs = x0 + cell * np.arange(nx)
    zs = z0 + cell * np.arange(nz)
    X, Z = np.meshgrid(xs, zs)
    free = site.usable(X, Z).astype(bool)
    if site.water_distance is not None:
        free &= site.water_distance(X, Z) > 0
    for i in lay.instances:
        if i.support is not None or (i.lift > 0 and i.placement in ("ceiling", "hanging")):
            continue
        lo, hi = i.aabb()
        free &= ~((X >= lo[0]) & (X <= hi[0]) & (Z >= lo[2]) & (Z <= hi[2]))
    lab, _ = ndimage.label(free)
    si = int(round((site.spawn[2] - z0) / cell)), int(round((site.spawn[0] - x0) / cell))
    si = (min(max(si[0], 0), nz - 1), min(max(si[1], 0), nx - 1))
    home = lab[si]
    if home == 0:
        return []
    reach = lab == home
    out = []
    for gid in dict.fromkeys(i.group for i in lay.instances):
        ok = False
        for i in lay.of_group(gid):
            base = lay.get(i.support) if i.support else i
            lo, hi = base.aabb()
            m = (X >= lo[0] - 1.5) & (X <= hi[0] + 1.5) & (Z >= lo[2] - 1.5) & (Z <= hi[2] + 1.5)
            if (reach & m).any():
                ok = True
                break
        if not ok:
            out.append(gid)
    return out
