"""Spec -> World: runs the generation stages and packs the result.

Stages (Infinigen's coarse -> populate -> fine, on numpy/scipy; every stage draws from its own
RNG stream ``(seed, stage name)`` so changing one stage does not reshuffle the others):

1. **layout** - terrain heightfield (noise, erosion, spawn flattening), walk heading, water
   bodies carved in; or the urban / indoor layout;
2. **populate** - Poisson-disk scatter of trees, bushes, grass, rocks, structures (instanced
   from a few procedural templates per kind);
3. **collider** - the collider-flagged parts verbatim (terrain, trunks, rocks, walls, furniture);
4. **splats** - area/focus-weighted surface samples -> flat Gaussians, procedural albedo,
   baked lighting (sun + shadow map, sky visibility, AO, lamps), distance fog, sky dome,
   weather particles;
5. **refine** (standard/high) - :func:`spatial.fit` against reference views rendered from a
   denser sampling of the same procedural scene;
6. **preview** - :func:`spatial.render` from the spawn eye.
"""

from __future__ import annotations

import math
import time
import zlib
from dataclasses import dataclass, field

import numpy as np
import torch

from .. import __version__
from .._progress import StageProgress
from ..core.camera import Camera
from ..core.labels import DEFAULT_LEGEND, label_id
from ..core.splats import Splats
from ..errors import ValidationError
from ..world import Spawn, World
from . import atmosphere, indoor, materials, scatter, sky as sky_mod, terrain, urban, water
from .assets import plants, rocks
from .assets.buildings import STRUCTURE_BUILDERS
from .mesh import Part, box, merge, rot_y
from .spec import SceneSpec
from .surface_splats import THICKNESS, TIERS, basis_quats, make_splats, sample_parts

GENERATOR_NAME = "spatial.generation.procedural"
GENERATOR_VERSION = "1.0.0"
EYE_HEIGHT = 1.65

GROUND = label_id("ground")
WATER_L = label_id("water")
VEG = label_id("vegetation")
SKY = label_id("sky")
PARTICLES = label_id("particles")
BUILDING = label_id("building")

SKY_SPLATS = {"draft": 7000, "standard": 16000, "high": 30000}
SNOW_SPLATS = {"draft": 2500, "standard": 8000, "high": 20000}
#: fit refinement steps per tier (one view per step)
REFINE_STEPS = {"draft": 20, "standard": 36, "high": 400}
#: one-bounce indirect light: share of the surrounding surfaces' outgoing radiance received (1 = Lambertian)
BOUNCE_STRENGTH = 1.0


def stage_rng(seed: int, stage: str) -> np.random.Generator:
    return np.random.default_rng([seed & 0xFFFFFFFF, (seed >> 32) & 0xFFFFFFFF, zlib.crc32(stage.encode())])


@dataclass
class Scene:
    """Everything the stages produced before splatting."""

    parts: list[Part] = field(default_factory=list)
    spawn: np.ndarray = field(default_factory=lambda: np.zeros(3))
    yaw_deg: float = 0.0
    walk_heading_deg: float = 0.0
    lights: list[materials.PointLight] = field(default_factory=list)
    objects: list[dict] = field(default_factory=list)
    ground_fn: object = None  # (x, z) -> ground height, for particles
    water: water.WaterBody | None = None
    indoor: bool = False
    room: dict | None = None
    #: daytime sun placement chosen by the layout (None: the sky's default for the time of day)
    sun_offset_deg: float | None = None
    sun_elevation_deg: float | None = None
    timings: dict = field(default_factory=dict)


# ---------------------------------------------------------------------------------------- nature
def _choose_heading(hf: terrain.Heightfield, rng: np.random.Generator, length: float = 42.0) -> float:
    """Heading (deg, 0 = -Z, CCW) whose straight 42 m path from the origin is the gentlest."""
    best, best_cost = 0.0, np.inf
    offset = rng.uniform(0, 15)
    for k in range(24):
        h = offset + k * 15.0
        a = math.radians(h)
        t = np.linspace(0, length, 85)
        x, z = -np.sin(a) * t, -np.cos(a) * t
        y = hf.height_at(x, z)
        slope = np.abs(np.diff(y)) / (t[1] - t[0])
        cost = float(slope.max() * 3 + slope.mean() * 10 + abs(y[-1] - y[0]) * 0.05)
        if cost < best_cost:
            best, best_cost = h, cost
    return best % 360.0


def _templates(kind: str, n: int, rng: np.random.Generator, height_range, pal, snow: float) -> list[list[Part]]:
    """A few procedural variants of a tree kind, each merged into <= 2 parts (wood, foliage)."""
    out = []
    for i in range(n):
        h = rng.uniform(*height_range)
        ps = plants.tree(kind, h, int(rng.integers(0, 2**31)), pal, snow)
        out.append(_merge_by_kind(ps))
    return out


def _merge_by_kind(ps: list[Part]) -> list[Part]:
    groups: dict[tuple, list[Part]] = {}
    for p in ps:
        groups.setdefault((p.label, p.material, p.collider), []).append(p)
    return [merge(g) for g in groups.values()]


def _instance(template: list[Part], pos, yaw: float, scale: float) -> list[Part]:
    r = rot_y(yaw)
    return [p.transformed(r, pos, scale) for p in template]


def _far_heightfield(spec: SceneSpec, near: terrain.Heightfield, wb, seed: int) -> terrain.Heightfield:
    """Terrain from the near square's edge out to 3x its extent (5 m cells, aligned with the near edge)."""
    E = near.extent
    k = 16
    n = 3 * k + 1
    far = terrain.Heightfield(np.zeros((n, n)), 3 * E)
    x, z = far.grid_xz()
    h = terrain.base_heights(spec, x, z, seed)
    r = np.maximum(np.abs(x), np.abs(z))
    if spec.scene_type not in ("beach", "swamp", "canyon", "snowy_mountains"):
        from .noise import ridged

        hills = ridged(np.stack([x, z], -1) / 160.0, seed + 404, octaves=4) * (18 + 40 * spec.relief)
        h = h + hills * terrain.smoothstep(E / 2, 1.3 * E, r)
    if spec.scene_type == "desert":
        h = h + terrain.smoothstep(E / 2, 1.4 * E, r) * 10 * (0.5 + 0.5 * np.sin(x / 60.0) * np.cos(z / 75.0))
    h = water.carve(h, x, z, wb, seed)
    inside = r <= E / 2 + 1e-6
    h = np.where(inside, near.height_at(np.clip(x, -E / 2, E / 2), np.clip(z, -E / 2, E / 2)), h)
    # blend the first ring so the seam is smooth
    ring = terrain.smoothstep(E / 2, E / 2 + 40, r)
    edge = near.height_at(np.clip(x, -E / 2, E / 2), np.clip(z, -E / 2, E / 2))
    far.heights = np.where(inside, h, edge * (1 - ring) + h * ring)
    return far


def _terrain_colors(spec: SceneSpec, hf: terrain.Heightfield, pal: dict, wb, seed: int, moisture: np.ndarray | None = None) -> np.ndarray:
    """Per-vertex ground albedo from slope, height, moisture, shore distance and snow."""
    x, z = hf.grid_xz()
    h = hf.heights
    slope = hf.slope_deg()
    p = np.stack([x, z], -1)
    from .noise import fbm

    patch = 0.5 + 0.5 * fbm(p / 14.0, seed + 71, octaves=4)
    st = spec.scene_type
    if st in ("desert",):
        base = pal["sand"][None, None] * np.ones_like(h)[..., None]
    elif st == "beach":
        base = pal["sand"] * np.ones_like(h)[..., None]
        inland = terrain.smoothstep(2.0, 5.0, h - (wb.level if wb else 0))
        base = base * (1 - inland[..., None] * patch[..., None] * 0.7) + pal["grass"] * (inland * patch * 0.7)[..., None]
    elif st == "canyon":
        base = pal["dirt"] * np.ones_like(h)[..., None]
        base = base * (1 - patch[..., None] * 0.3) + pal["sand"] * (patch * 0.3)[..., None]
    else:
        g = pal["grass"] * (1 - patch[..., None] * 0.45) + pal["dry_grass"] * (patch[..., None] * 0.45)
        if st in ("conifer_forest", "broadleaf_forest"):
            g = g * 0.55 + pal["dirt"] * 0.45 * (0.6 + 0.4 * patch[..., None])
        if st == "swamp":
            g = g * 0.6 + pal["mud"] * 0.4
        base = g
    # rock on steep slopes
    rockw = terrain.smoothstep(30, 42, slope)[..., None]
    base = base * (1 - rockw) + pal["rock"] * rockw
    # wet/dirt near water
    if wb is not None and wb.kind != "sea":
        shore = terrain.smoothstep(1.2, 0.0, h - wb.level)[..., None]
        base = base * (1 - shore * 0.7) + pal["mud"] * shore * 0.7
    if wb is not None and wb.kind == "sea":
        wet = terrain.smoothstep(0.6, 0.05, h - wb.level)[..., None]
        base = base * (1 - wet * 0.35)
    if spec.snow_cover > 0:
        snow = np.clip(spec.snow_cover * (1.2 - terrain.smoothstep(38, 55, slope)), 0, 1)
        if st == "snowy_mountains":
            snow = np.maximum(snow, terrain.smoothstep(20, 45, h) * 0.9)
        snow = snow * (0.85 + 0.15 * patch)
        base = base * (1 - snow[..., None]) + pal["snow"] * snow[..., None]
    return base.reshape(-1, 3)


def build_nature(spec: SceneSpec, tier: str) -> Scene:
    sc = Scene()
    seed = spec.seed
    pal = materials.palette(spec)
    pal.setdefault("moss", np.array([0.35, 0.42, 0.2]))
    t0 = time.perf_counter()
    n = 257
    hf = terrain.Heightfield(np.zeros((n, n)), spec.extent_m)
    x, z = hf.grid_xz()
    h = terrain.base_heights(spec, x, z, seed)
    h = terrain.erode_for(spec, h, hf.cell)
    h = terrain.flatten_spawn(h, spec.extent_m, radius=6.0, falloff=16.0 if spec.scene_type != "canyon" else 4.0)
    hf.heights = h - hf.height_at(0.0, 0.0)
    rng = stage_rng(seed, "layout")
    heading = _choose_heading(hf, rng) if spec.scene_type != "canyon" else _canyon_heading(hf)
    sc.walk_heading_deg = heading
    # water relative to the heading: lakes/ponds ahead-left, rivers and the sea alongside
    offset = {"lake": 55.0, "pond": 50.0, "river": 90.0, "sea": 80.0, "swamp": 0.0}.get(spec.water, 0.0)
    wb = water.plan(spec.water, 0.0, seed, heading + offset)
    if wb is not None:
        hf.heights = water.carve(hf.heights, x, z, wb, seed)
        if wb.kind == "swamp":
            wb.level = float(np.quantile(hf.heights[np.hypot(x, z) < 60], 0.5))
            # a dry mound at the spawn and a low levee along the walk trail
            dry_h = wb.level + 0.3
            mound = 1 - terrain.smoothstep(4.0, 8.0, np.hypot(x, z))
            levee = 1 - terrain.smoothstep(1.6, 3.2, scatter.trail_distance(x, z, heading, 46.0))
            lift = np.maximum(mound, levee)
            hf.heights = np.where(lift > 0, np.maximum(hf.heights, hf.heights * (1 - lift) + dry_h * lift), hf.heights)
    sc.water = wb
    sc.yaw_deg = (heading + (30.0 if spec.water in ("lake", "pond", "sea", "river") else 0.0)) % 360.0
    sy = float(hf.height_at(0.0, 0.0))
    sc.spawn = np.array([0.0, sy, 0.0])
    far = _far_heightfield(spec, hf, wb, seed)
    sc.ground_fn = lambda xx, zz: np.where(np.maximum(np.abs(xx), np.abs(zz)) <= hf.extent / 2, hf.height_at(xx, zz), far.height_at(xx, zz))
    sc.timings["terrain"] = time.perf_counter() - t0

    # ---- terrain parts (near square + far ring), colliders
    t0 = time.perf_counter()
    v, f = hf.to_mesh()
    ground_mat = {"desert": "sand", "beach": "sand", "canyon": "rock"}.get(spec.scene_type, "terrain")
    near_part = Part(v, f, _terrain_colors(spec, hf, pal, wb, seed), GROUND, ground_mat, True, ao=hf.cavity().ravel(), name="terrain")
    fv, ff = far.to_mesh()
    c = fv[ff].mean(1)
    keep = np.maximum(np.abs(c[:, 0]), np.abs(c[:, 2])) > hf.extent / 2
    far_part = Part(fv, ff[keep], _terrain_colors(spec, far, pal, wb, seed), GROUND, ground_mat, True, ao=far.cavity(12.0).ravel(), name="far_terrain")
    sc.parts += [near_part, far_part]
    if wb is not None:
        sc.parts += water.surface(wb, hf, pal, np.array([0.55, 0.65, 0.75]), far.extent, seed, far=far)

    # ---- populate
    _populate(spec, sc, hf, far, wb, pal, heading, tier)
    sc.timings["populate"] = time.perf_counter() - t0
    return sc


def _canyon_heading(hf: terrain.Heightfield) -> float:
    """Along the canyon floor (the canyon runs along X): pick +X or -X, whichever stays lower."""
    t = np.linspace(0, 40, 41)
    east = hf.height_at(t, np.zeros_like(t)).max()
    west = hf.height_at(-t, np.zeros_like(t)).max()
    return 270.0 if east <= west else 90.0


def _populate(spec: SceneSpec, sc: Scene, hf: terrain.Heightfield, far: terrain.Heightfield, wb, pal: dict, heading: float, tier: str):
    seed = spec.seed
    E = hf.extent
    slope = hf.slope_deg()
    n = hf.n

    def grid_lookup(arr):
        def f(x, z):
            j = np.clip(np.round((x + E / 2) / hf.cell).astype(int), 0, n - 1)
            i = np.clip(np.round((z + E / 2) / hf.cell).astype(int), 0, n - 1)
            return arr[i, j]
        return f

    slope_at = grid_lookup(slope)
    level = wb.level if wb is not None else -1e9

    swamp = spec.scene_type == "swamp"

    def dry(x, z, margin=0.35):
        return hf.height_at(x, z) > level + margin

    def rooted(x, z, margin=0.35):
        """Where plants may stand: dry ground, or shallow water in a swamp (cypresses and reeds grow in it)."""
        return hf.height_at(x, z) > level + (-0.9 if swamp else margin)

    def base_mask(x, z, clear=5.0, trail=2.2, footing=None):
        r = np.hypot(x, z)
        m = terrain.smoothstep(clear, clear + 2.0, r)
        m = m * terrain.smoothstep(trail, trail + 1.5, scatter.trail_distance(x, z, sc.walk_heading_deg, 48.0))
        return m * (footing or dry)(x, z)

    from .noise import fbm

    def moisture(x, z):
        return 0.5 + 0.5 * fbm(np.stack([x, z], -1) / 35.0, seed + 91, octaves=3)

    bounds = (-E / 2 + 2, -E / 2 + 2, E / 2 - 2, E / 2 - 2)
    snow = spec.snow_cover
    rng = stage_rng(seed, "trees")
    # ---- trees
    kind = spec.tree_kind
    if kind != "none" and (spec.vegetation_density > 0 or spec.counts.get("trees")):
        kinds = ["conifer", "broadleaf"] if kind == "mixed" else [kind]
        hr = {"conifer": (9, 17), "broadleaf": (7, 13), "palm": (6, 10), "cactus": (2.2, 4.5), "dead": (6, 11)}
        temps = {k: _templates(k, 6, rng, hr[k], pal, snow) for k in kinds}
        dens = spec.vegetation_density
        radius = 9.5 - 6.3 * dens
        if kind == "cactus":
            radius = 9.0
        max_slope = 32 if kind != "conifer" else 38

        def tree_density(x, z):
            m = base_mask(x, z, clear=6.0, trail=2.8, footing=rooted) * (slope_at(x, z) < max_slope)
            if kind == "palm":
                m = m * (hf.height_at(x, z) < level + 4.0)
            grove = terrain.smoothstep(0.25, 0.65, moisture(x, z) * 0.6 + 0.4 * dens)
            return m * np.clip(0.15 + 1.2 * dens, 0, 1) * grove

        count = spec.counts.get("trees")
        if count is not None:
            placements = scatter.count_scatter(rng, bounds, count, lambda x, z: base_mask(x, z, 6.0, 2.8, rooted) * (slope_at(x, z) < max_slope),
                                               hf.height_at, 4.0)
        else:
            placements = scatter.scatter(rng, bounds, radius, tree_density, hf.height_at, (0.75, 1.25), max_count=2500)
        for pl in placements:
            tk = kinds[pl.seed % len(kinds)]
            tpl = temps[tk][pl.seed % len(temps[tk])]
            sc.parts += _instance(tpl, pl.position, pl.yaw, pl.scale)
            sc.objects.append({"kind": f"tree:{tk}", "position": [round(float(v), 3) for v in pl.position]})
        # far forest: cheap cones / blobs so the horizon is wooded
        if dens > 0.3 and kind in ("conifer", "broadleaf", "mixed", "dead"):
            _far_trees(sc, far, E, rng, pal, kinds, dens, level - (1.4 if swamp else 0.0))
    # ---- bushes
    rng = stage_rng(seed, "bushes")
    if spec.vegetation_density > 0.05 and spec.scene_type not in ("desert", "snowy_mountains", "canyon"):
        bush_t = [_merge_by_kind(plants.bush(rng.uniform(0.8, 1.6), int(rng.integers(0, 2**31)), pal["foliage"] * rng.uniform(0.8, 1.1), snow)) for _ in range(5)]
        pls = scatter.scatter(rng, (-60, -60, 60, 60), 4.5, lambda x, z: base_mask(x, z, 4.0, 1.6) * (0.25 + 0.6 * spec.vegetation_density) * (slope_at(x, z) < 30),
                              hf.height_at, (0.7, 1.3), max_count=500)
        for pl in pls:
            sc.parts += _instance(bush_t[pl.seed % 5], pl.position - [0, 0.1, 0], pl.yaw, pl.scale)
    # ---- grass clumps near the spawn (flowers in meadows)
    rng = stage_rng(seed, "grass")
    if spec.grass_density > 0.05 and snow < 0.7:
        gcol = pal["grass"] * 1.05 if spec.scene_type != "desert" else pal["dry_grass"]
        if spec.scene_type in ("swamp",):
            gcol = pal["grass"] * 1.1
        tall = 1.1 if spec.scene_type == "swamp" else 0.45
        flowers = [np.array(c) for c in ([0.92, 0.85, 0.25], [0.85, 0.25, 0.35], [0.95, 0.95, 0.95], [0.55, 0.35, 0.8])]
        grass_t = []
        for i in range(8):
            fl = flowers[i % 4] if (spec.scene_type == "meadow" and i % 2 == 0) else None
            grass_t.append(_merge_by_kind(plants.grass_clump(tall * rng.uniform(0.8, 1.2), int(rng.integers(0, 2**31)), gcol * rng.uniform(0.85, 1.1),
                                                             blades=12 if tall < 1 else 9, flower=fl, lean=0.3, width=0.05 if tall < 1 else 0.035)))
        R = 32.0
        pls = scatter.scatter(rng, (-R, -R, R, R), 1.0 + 0.8 * (1 - spec.grass_density),
                              lambda x, z: (np.hypot(x, z) < R) * rooted(x, z, 0.05) * (slope_at(x, z) < 35) * spec.grass_density
                              * (0.3 + 0.7 * moisture(x, z)) * terrain.smoothstep(0.6, 1.2, scatter.trail_distance(x, z, sc.walk_heading_deg, 48.0)),
                              hf.height_at, (0.7, 1.3), max_count=4000)
        for pl in pls:
            sc.parts += _instance(grass_t[pl.seed % 8], pl.position - [0, 0.02, 0], pl.yaw, pl.scale)
    # ---- lily pads on shallow swamp water near the spawn (within 0.5 m of the bed: supported, not floating)
    if swamp and wb is not None:
        rng = stage_rng(seed, "lilies")
        depth = lambda x, z: level - hf.height_at(x, z)  # noqa: E731
        pls = scatter.scatter(rng, (-30, -30, 30, 30), 0.9,
                              lambda x, z: (np.hypot(x, z) < 30) * (depth(x, z) > 0.08) * (depth(x, z) < 0.5) * (0.2 + 0.8 * moisture(x, z)),
                              lambda x, z: np.full_like(np.asarray(x, dtype=np.float64), level), (0.6, 1.4), max_count=900)
        pads = [_lily_pad(rng, pal) for _ in range(4)]
        for pl in pls:
            sc.parts.append(pads[pl.seed % 4].transformed(rot_y(pl.yaw), pl.position + [0, 0.012, 0], pl.scale))
    # ---- rocks
    rng = stage_rng(seed, "rocks")
    if spec.rock_density > 0 or spec.counts.get("rocks"):
        rcol = pal["rock"]
        moss = pal["moss"] if spec.scene_type in ("conifer_forest", "broadleaf_forest", "swamp", "lake") else None
        rock_t = [_merge_by_kind(rocks.rock(1.0, int(rng.integers(0, 2**31)), rcol * rng.uniform(0.85, 1.1), snow, moss)) for _ in range(6)]
        count = spec.counts.get("rocks")
        dens = lambda x, z: base_mask(x, z, 5.0, 2.2) * (0.15 + 0.85 * spec.rock_density) * (0.4 + 0.6 * terrain.smoothstep(5, 30, slope_at(x, z)))  # noqa: E731
        if count is not None:
            pls = scatter.count_scatter(rng, bounds, count, dens, hf.height_at, 3.0, (0.6, 2.4))
        else:
            pls = scatter.scatter(rng, bounds, 11.0 - 7.0 * spec.rock_density, dens, hf.height_at, (0.4, 2.6), max_count=800)
        for pl in pls:
            s = pl.scale * (1.6 if spec.scene_type in ("canyon", "snowy_mountains") else 1.0)
            sc.parts += _instance(rock_t[pl.seed % 6], pl.position, pl.yaw, s)
    # ---- structures (houses, towers, ...) in view of the spawn
    rng = stage_rng(seed, "structures")
    lit = spec.time_of_day in ("night", "sunset")
    yaw = math.radians(sc.yaw_deg)
    fwd = np.array([-math.sin(yaw), -math.cos(yaw)])
    for st in spec.structures:
        if st.count <= 0 or st.kind not in STRUCTURE_BUILDERS:
            continue
        big = st.kind in ("house", "cabin", "tower", "building")

        def in_view(x, z, big=big):
            r = np.hypot(x, z)
            cosang = (x * fwd[0] + z * fwd[1]) / np.maximum(r, 1e-6)
            m = terrain.smoothstep(0.55, 0.8, cosang) * terrain.smoothstep(16, 22, r) * (1 - terrain.smoothstep(45, 60, r))
            m = m * (slope_at(x, z) < 16) * dry(x, z, 0.8)
            return m * terrain.smoothstep(6.0, 8.0, scatter.trail_distance(x, z, sc.walk_heading_deg, 48.0))

        pls = scatter.count_scatter(rng, (-70, -70, 70, 70), st.count, in_view, hf.height_at, 14.0 if big else 4.0)
        for pl in pls:
            ps = STRUCTURE_BUILDERS[st.kind](rng, None if st.color is None else np.asarray(st.color), lit, pal)
            # face the spawn
            to_spawn = math.atan2(-pl.position[0], -pl.position[2])
            foot = _footprint_min_height(ps, pl.position, to_spawn, hf)
            pos = np.array([pl.position[0], foot, pl.position[2]])
            placed = _instance(ps, pos, to_spawn, 1.0)
            if big:
                fx, _, fz = _footprint_size(ps)
                base = box((fx, 2.0, fz), np.array(pal["rock"]) * 0.7, BUILDING, "concrete", True, center=(0, -1.0 + 0.05, 0), bottom=False)
                placed.append(base.transformed(rot_y(to_spawn), pos))
            sc.parts += placed
            sc.objects.append({"kind": st.kind, "position": [round(float(v), 3) for v in pos],
                               "color": None if st.color is None else [round(float(c), 3) for c in st.color]})
            if lit and big:
                sc.lights.append(materials.PointLight(pos + [0, 1.6, 0] + 5.0 * np.array([math.sin(to_spawn), 0, math.cos(to_spawn)]),
                                                      np.array([6.0, 4.5, 2.6]), 1.0))


def _lily_pad(rng: np.random.Generator, pal: dict) -> Part:
    """A flat notched disc (one fan of triangles) lying on the water."""
    r = rng.uniform(0.18, 0.35)
    n = 10
    notch = rng.uniform(0.3, 0.5)
    a = np.linspace(notch, 2 * math.pi - notch * 0.2, n + 1)
    v = np.concatenate([[[0.0, 0.0, 0.0]], np.stack([np.cos(a) * r, np.zeros_like(a), np.sin(a) * r], -1)])
    f = np.array([[0, i + 2, i + 1] for i in range(n)])
    col = np.array([0.22, 0.40, 0.14]) * rng.uniform(0.8, 1.15)
    return Part(v, f, col, VEG, "leaves", False, name="lily_pad")


def _footprint_size(parts: list[Part]) -> tuple[float, float, float]:
    v = np.concatenate([p.vertices for p in parts])
    return (float(v[:, 0].max() - v[:, 0].min()) * 0.95, 2.0, float(v[:, 2].max() - v[:, 2].min()) * 0.95)


def _footprint_min_height(parts, pos, yaw, hf) -> float:
    v = np.concatenate([p.vertices for p in parts if p.collider])
    lo, hi = v.min(0), v.max(0)
    corners = np.array([[lo[0], 0, lo[2]], [hi[0], 0, lo[2]], [lo[0], 0, hi[2]], [hi[0], 0, hi[2]], [0, 0, 0]]) @ rot_y(yaw).T + pos
    return float(hf.height_at(corners[:, 0], corners[:, 2]).min()) - 0.05


def _far_trees(sc: Scene, far: terrain.Heightfield, E: float, rng, pal, kinds, dens, level):
    from .mesh import cone, blob

    pts = scatter.poisson_disk(rng, (-1.5 * E, -1.5 * E, 1.5 * E, 1.5 * E), 9.0 - 4.0 * dens)
    outside = np.maximum(np.abs(pts[:, 0]), np.abs(pts[:, 1])) > E / 2 + 2
    pts = pts[outside]
    hs = far.height_at(pts[:, 0], pts[:, 1])
    slope_ok = (far.normal_at(pts[:, 0], pts[:, 1])[:, 1] > 0.8) & (hs > level + 0.5)
    pts, hs = pts[slope_ok], hs[slope_ok]
    pts, hs = pts[:2500], hs[:2500]
    verts, faces, cols, aos = [], [], [], []
    off = 0
    con = cone(1.0, 1.0, pal["conifer"], VEG, 6)
    bl = blob(1.0, pal["foliage"], VEG, 5, 0.3, 1)
    for i, ((x, z), y) in enumerate(zip(pts, hs)):
        k = kinds[i % len(kinds)]
        s = rng.uniform(0.8, 1.3)
        if k == "conifer":
            v = con.vertices * [3.0 * s, 13.0 * s, 3.0 * s] + [x, y + 1.0, z]
            c = con.color * rng.uniform(0.8, 1.1)
            a = np.where(con.vertices[:, 1] > 0.5, 1.0, 0.55)
            f = con.faces
        else:
            v = bl.vertices * [4.0 * s, 3.5 * s, 4.0 * s] + [x, y + 5.0 * s, z]
            c = bl.color * rng.uniform(0.8, 1.1)
            a = 0.55 + 0.45 * np.clip(bl.vertices[:, 1] * 0.5 + 0.5, 0, 1)
            f = bl.faces
        verts.append(v)
        faces.append(f + off)
        cols.append(c)
        aos.append(a)
        off += len(v)
    if verts:
        p = Part(np.concatenate(verts), np.concatenate(faces), np.concatenate(cols), VEG, "leaves", False, ao=np.concatenate(aos), density=0.6,
                 name="far_forest")
        sc.parts.append(p)


# ---------------------------------------------------------------------------------------- urban / indoor
def build_urban(spec: SceneSpec, tier: str) -> Scene:
    sc = Scene()
    pal = materials.palette(spec)
    rng = stage_rng(spec.seed, "urban")
    lit = spec.time_of_day in ("night", "sunset")
    lay = urban.city_street(spec, rng, pal, lit) if spec.scene_type == "city_street" else urban.plaza(spec, rng, pal, lit)
    sc.parts, sc.lights, sc.objects = lay.parts, lay.lights, lay.objects
    sc.spawn = np.array(lay.spawn, dtype=np.float64)
    sc.yaw_deg = lay.yaw_deg
    sc.walk_heading_deg = lay.yaw_deg
    if spec.scene_type == "city_street":
        # a street canyon (buildings up to ~30 m on a 19 m street) is in shadow under a side sun: take the
        # early-afternoon sun from behind the spawn, 25 degrees off the street axis, so the roadway and the
        # right-hand facades are sunlit and only the left sidewalk lies in the buildings' shadow
        sc.sun_offset_deg, sc.sun_elevation_deg = 155.0, 62.0
    base = lay.spawn[1]
    sc.ground_fn = lambda x, z: np.zeros_like(np.asarray(x, dtype=np.float64)) + 0.0 * base
    return sc


def build_indoor(spec: SceneSpec, tier: str, sky: sky_mod.Sky) -> Scene:
    sc = Scene(indoor=True)
    pal = materials.palette(spec)
    rng = stage_rng(spec.seed, "indoor")
    lit = spec.time_of_day in ("night", "sunset", "dawn") or spec.weather in ("overcast", "snow") or spec.scene_type != "living_room"
    sky_lin = sky.ambient * 1.0 + 0.15 * sky.sun_color
    room = indoor.room_shell(spec.scene_type, pal, rng, lit, sky_lin)
    furn, objects = indoor.furnish(spec.scene_type, spec, room, rng, lit)
    sc.parts = indoor.split_exterior(room.parts, room) + furn + indoor.outside(pal, rng, room, pal)
    sc.lights = room.lights
    sc.objects = objects
    (x, y, z), yaw = indoor.spawn_for(spec.scene_type)
    sc.spawn = np.array([x, y, z])
    sc.yaw_deg = yaw
    sc.walk_heading_deg = yaw
    sc.ground_fn = lambda xx, zz: np.zeros_like(np.asarray(xx, dtype=np.float64))
    sc.room = {"width": room.width, "depth": room.depth, "height": room.height}
    return sc


# ---------------------------------------------------------------------------------------- splats
def _group_parts(parts: list[Part]) -> list[Part]:
    """Merge parts that share label, material, collider flag and density (fast sampling)."""
    groups: dict[tuple, list[Part]] = {}
    for p in parts:
        if len(p.faces) == 0:
            continue
        groups.setdefault((p.label, p.material, p.collider, round(p.density, 3)), []).append(p)
    return [merge(g) for _, g in sorted(groups.items(), key=lambda kv: kv[0])]


def splat_scene(spec: SceneSpec, sc: Scene, sky: sky_mod.Sky, budget: int, tier: str, seed_stage: str = "splats") -> tuple[Splats, dict]:
    """Sample, colour, light and fog the scene; add the sky dome and particles. Returns splats and timings."""
    timings = {}
    t0 = time.perf_counter()
    rng = stage_rng(spec.seed, seed_stage)
    parts = _group_parts(sc.parts)
    n_sky = min(SKY_SPLATS.get(tier, 7000), budget // 8)
    n_snow = min(SNOW_SPLATS.get(tier, 2500), budget // 20) if (spec.weather == "snow" and not sc.indoor) else 0
    n_surf = budget - n_sky - n_snow
    eye = sc.spawn + [0, EYE_HEIGHT, 0]
    falloff = 12.0 if not sc.indoor else 6.0
    smp = sample_parts(parts, n_surf, eye, rng, falloff=falloff)
    timings["sample"] = time.perf_counter() - t0

    # albedo per material
    t0 = time.perf_counter()
    col = np.empty_like(smp.base_color)
    mat_of_part = np.array([p.material for p in parts])
    mats = mat_of_part[smp.part]
    for m in np.unique(mats):
        sel = mats == m
        col[sel] = materials.albedo(m, smp.base_color[sel], smp.points[sel], smp.normals[sel], spec.seed + zlib.crc32(m.encode()) % 10000)
    timings["albedo"] = time.perf_counter() - t0

    # lighting
    t0 = time.perf_counter()
    emissive = (mats == "emissive").astype(np.float64) * 1.0
    is_water = smp.label == WATER_L
    occ = ~is_water & (emissive == 0)
    occ_idx = np.nonzero(occ)[0]
    max_occ = 350_000
    if len(occ_idx) > max_occ:
        occ_idx = np.sort(rng.choice(occ_idx, max_occ, replace=False))
    radius = np.maximum(smp.sigma_u, smp.sigma_v)[occ_idx] * math.sqrt(max(1.0, occ.sum() / len(occ_idx))) * 1.2
    occ_pts = smp.points[occ_idx]
    texel = 0.2 if not sc.indoor else 0.08
    # offset receivers slightly along the normal to avoid self-shadowing acne
    recv = smp.points + smp.normals * 0.02
    occ_nrm = smp.normals[occ_idx]
    sun_vis = materials.shadow_visibility(recv, smp.normals, occ_pts, radius, sky.sun_dir, texel=texel, occ_normals=occ_nrm)
    up = 0.5 + 0.5 * smp.normals[:, 1]  # share of the cosine-weighted hemisphere above the horizon
    if sc.indoor:
        sky_vis = np.full(len(smp), 0.55)
        occluded = np.full(len(smp), 0.45)
    else:
        raw_vis = materials.sky_visibility(recv, smp.normals, occ_pts, radius, texel=0.5, occ_normals=occ_nrm)
        sky_vis = 0.35 + 0.65 * raw_vis
        # what does not see the sky sees surfaces: occluders above, the ground below the horizon
        occluded = np.clip((1 - raw_vis) * up + (1 - up), 0, 1)
    ao = smp.ao
    two_sided = np.isin(mats, ["leaves", "needles", "grass"])
    bounce = {"occluded": occluded, "weight": smp.sigma_u * smp.sigma_v, "center": eye, "strength": BOUNCE_STRENGTH,
              "cell": 0.5 if sc.indoor else 2.5, "half_extent": 16.0 if sc.indoor else 100.0}
    lin = materials.shade(col, smp.normals, smp.points, sky, sun_vis, sky_vis, ao, sc.lights,
                          ambient_scale=(1.0 if not sc.indoor else 1.2), emissive=emissive, two_sided=two_sided,
                          ground_albedo=0.2 + 0.3 * spec.snow_cover if not sc.indoor else 0.2, bounce=bounce)
    # exposure: bright scenes (sunlit snow, white sand) would clip to flat white; scale the baked radiance
    # down so the brightest 2 % of the surfaces around the spawn just reach white (never brightens: night stays dark)
    lin = _expose(lin, smp.points, eye, occ)
    # water: mix in the sky's reflection and a sun glint
    if is_water.any():
        refl = sky_mod.sky_color(_reflect_dirs(smp.points[is_water], eye), sky, clouds=True)
        k = 0.22 if (sc.water is not None and sc.water.kind == "swamp") else 0.45  # murky, duckweed-covered swamp water reflects less
        lin[is_water] = (1 - k) * lin[is_water] + k * refl
    colors = atmosphere.apply_fog(lin, smp.points, eye, sky)
    timings["lighting"] = time.perf_counter() - t0

    # pack surfaces
    t0 = time.perf_counter()
    quats = basis_quats(smp.normals, smp.tangents)
    thick = np.maximum(THICKNESS * np.minimum(smp.sigma_u, smp.sigma_v), 0.002)
    scales = np.stack([smp.sigma_u, smp.sigma_v, thick], -1)
    opac = np.where(is_water, 0.93, 0.985)
    means, quat_list, scale_list, col_list, op_list, lab_list = [smp.points], [quats], [scales], [colors], [opac], [smp.label]
    # sky dome centred on the spawn eye
    dome_r = 900.0
    if n_sky > 0:
        d = sky_mod.dome(sky, n_sky, dome_r, eye)
        dirs = (d["means"] - eye) / dome_r
        c = atmosphere.fog_sky(d["colors"], dirs / np.linalg.norm(dirs, axis=1, keepdims=True), sky)
        nrm = d["normals"]
        tang = np.cross(nrm, np.array([0.0, 1.0, 0.0]))
        means.append(d["means"])
        quat_list.append(basis_quats(nrm, tang))
        s = d["sigma"]
        scale_list.append(np.stack([s, s, s * 0.05], -1))
        col_list.append(c)
        op_list.append(np.ones(len(s)))
        lab_list.append(np.full(len(s), SKY, dtype=np.int32))
    if n_snow > 0:
        p = atmosphere.snow_particles(n_snow, eye, 40.0, 14.0, sc.ground_fn, spec.seed + 7)
        means.append(p["means"])
        q = np.zeros((n_snow, 4))
        q[:, 0] = 1
        quat_list.append(q)
        scale_list.append(np.repeat(p["sigma"][:, None], 3, 1))
        col_list.append(atmosphere.apply_fog(p["colors"], p["means"], eye, sky, 0.5))
        op_list.append(np.full(n_snow, 0.85))
        lab_list.append(np.full(n_snow, PARTICLES, dtype=np.int32))
    splats = make_splats(np.concatenate(means), np.concatenate(quat_list), np.concatenate(scale_list), np.concatenate(col_list),
                         np.concatenate(op_list), np.concatenate(lab_list))
    timings["pack"] = time.perf_counter() - t0
    return splats, timings


def _expose(srgb: np.ndarray, points: np.ndarray, eye: np.ndarray, sel: np.ndarray, radius: float = 60.0, white: float = 0.97) -> np.ndarray:
    """Scale baked colours (sRGB, may exceed 1) so the 98th percentile of the selected samples within
    ``radius`` of ``eye`` maps to ``white`` (only ever darkens)."""
    near = sel & (np.linalg.norm(points - eye[None], axis=1) < radius)
    if near.sum() < 100:
        return srgb
    lin = sky_mod.srgb_to_linear(srgb)
    q = float(np.quantile(lin[near].max(1), 0.98))
    scale = min(1.0, sky_mod.srgb_to_linear(white) / max(q, 1e-6))
    if scale >= 1.0:
        return srgb
    out = sky_mod.linear_to_srgb(lin * scale)
    return np.where(sel[:, None], out, srgb)


def _reflect_dirs(points: np.ndarray, eye: np.ndarray) -> np.ndarray:
    d = points - eye[None]
    d /= np.maximum(np.linalg.norm(d, axis=1, keepdims=True), 1e-9)
    d[:, 1] = np.abs(d[:, 1])
    return d


# ---------------------------------------------------------------------------------------- public
def spawn_camera(spawn: np.ndarray, yaw_deg: float, width: int, height: int, fov_y: float = 55.0, pitch_deg: float = -4.0,
                 eye_height: float = EYE_HEIGHT) -> Camera:
    """Camera at the spawn eye looking along ``yaw_deg`` (0 = -Z, CCW) and pitched by ``pitch_deg``."""
    a, p = math.radians(yaw_deg), math.radians(pitch_deg)
    eye = np.asarray(spawn, dtype=np.float64) + [0, eye_height, 0]
    d = np.array([-math.sin(a) * math.cos(p), math.sin(p), -math.cos(a) * math.cos(p)])
    return Camera.look_at(eye.tolist(), (eye + d).tolist(), width, height, fov_y)


def frustum_cull(splats: Splats, cam: Camera, margin_sigmas: float = 3.5) -> Splats:
    """The splats whose 3.5-sigma sphere can touch ``cam``'s view (renders faster, same image)."""
    with torch.no_grad():
        vm = cam.viewmat
        xc = splats.means @ vm[:3, :3].T + vm[:3, 3]
        r = splats.scales.max(1).values * margin_sigmas
        z = xc[:, 2]
        tx = cam.width / (2 * cam.fx)
        ty = cam.height / (2 * cam.fy)
        nx = math.sqrt(1 + tx * tx)
        ny = math.sqrt(1 + ty * ty)
        keep = (z > -r) & (xc[:, 0].abs() - tx * z <= r * nx) & (xc[:, 1].abs() - ty * z <= r * ny)
    return splats[keep]


def render_preview(splats: Splats, spawn, yaw_deg: float, width: int = 480, height: int = 270, sky: sky_mod.Sky | None = None) -> np.ndarray:
    """uint8 [H, W, 3] preview from the spawn eye (via :func:`spatial.render`)."""
    from ..rendering.api import render

    cam = spawn_camera(np.asarray(spawn), yaw_deg, width, height)
    bg = None if sky is None else torch.tensor(sky.horizon, dtype=torch.float32)
    with torch.no_grad():
        out = render(frustum_cull(splats, cam), [cam], background=bg, near=0.05)
    img = out.rgb[0].clamp(0, 1).numpy()
    return (img * 255 + 0.5).astype(np.uint8)


def build_world(spec: SceneSpec, quality: str = "draft", splats: int | None = None, prompt: str = "", analysis: dict | None = None,
                preview: bool = True, refine: bool | None = None, progress: bool = False) -> World:
    """Run every stage for ``spec`` and return the :class:`~spatial.world.World` (not yet saved)."""
    spec.validate()
    if quality not in TIERS:
        raise ValidationError(f"quality must be one of {', '.join(TIERS)}; got {quality!r}")
    budget = int(splats) if splats is not None else TIERS[quality]
    if not (10_000 <= budget <= 20_000_000):
        raise ValidationError(f"splats must be between 10000 and 20000000; got {budget}")
    timings: dict[str, float] = {}
    t_all = time.perf_counter()
    bar = StageProgress(progress, 5, "generate")  # layout, collider, splats, refine, preview
    bar.step("layout")
    if spec.family == "nature":
        sc = build_nature(spec, quality)
        sky = sky_mod.make_sky(spec.time_of_day, spec.weather, spec.seed, sc.yaw_deg)
    elif spec.family == "urban":
        sc = build_urban(spec, quality)
        sky = sky_mod.make_sky(spec.time_of_day, spec.weather, spec.seed, sc.yaw_deg, sun_offset_deg=sc.sun_offset_deg,
                               sun_elevation_deg=sc.sun_elevation_deg)
    else:
        sky = sky_mod.make_sky(spec.time_of_day, spec.weather, spec.seed, 0.0, indoor=True)
        sc = build_indoor(spec, quality, sky)
    timings.update(sc.timings)
    timings["layout_total"] = time.perf_counter() - t_all

    bar.step("collider")
    t0 = time.perf_counter()
    collider = make_collider(sc.parts)
    timings["collider"] = time.perf_counter() - t0

    bar.step("splats")
    t0 = time.perf_counter()
    sp, st = splat_scene(spec, sc, sky, budget, quality)
    timings.update({f"splats.{k}": v for k, v in st.items()})
    timings["splats_total"] = time.perf_counter() - t0

    refine_info = None
    do_refine = (quality != "draft") if refine is None else bool(refine)
    if do_refine:
        bar.step("refine")
        t0 = time.perf_counter()
        sp, refine_info = _refine(spec, sc, sky, sp, budget, quality)
        timings["refine"] = time.perf_counter() - t0

    img = None
    if preview:
        bar.step("preview")
        t0 = time.perf_counter()
        img = render_preview(sp, sc.spawn, sc.yaw_deg, sky=sky)
        timings["preview"] = time.perf_counter() - t0
    bar.close()
    timings["total"] = time.perf_counter() - t_all

    spec_d = spec.to_dict()
    world = World(
        splats=sp,
        collider=collider,
        spawn=Spawn(tuple(float(v) for v in sc.spawn), float(sc.yaw_deg)),
        name=(prompt[:60] or spec.scene_type),
        prompt=prompt,
        spec=spec_d,
        seed=spec.seed,
        generator={"name": GENERATOR_NAME, "version": GENERATOR_VERSION, "spatial": __version__, "quality": quality, "budget": budget},
        labels=dict(DEFAULT_LEGEND),
        cameras=[spawn_camera(sc.spawn, sc.yaw_deg, 480, 270)],
        metadata={
            # deterministic: no wall-clock time in a generated world (same prompt + seed -> same bytes)
            "created": None,
            "scene_family": spec.family,
            "walk_heading_deg": round(float(sc.walk_heading_deg), 3),
            "room": sc.room,
            "eye_height": EYE_HEIGHT,
            "objects": sc.objects,
            "water": None if sc.water is None else sc.water.to_dict(),
            "sky": sky.to_dict(),
            "prompt_analysis": analysis,
            "refine": refine_info,
        },
        preview=img,
    )
    world.timings = timings  # not saved (wall-clock), for benchmarks and the CLI
    return world


def make_collider(parts: list[Part]):
    """The exact collider: every collider-flagged part's triangles, concatenated (no re-estimation)."""
    import trimesh

    cols = [p for p in parts if p.collider and len(p.faces)]
    if not cols:
        return None
    m = merge(cols)
    return trimesh.Trimesh(vertices=m.vertices.astype(np.float64), faces=m.faces.astype(np.int64), process=False)


def _refine(spec: SceneSpec, sc: Scene, sky, sp: Splats, budget: int, quality: str):
    """Refine the tier's splats with :func:`spatial.fit` against reference views rendered from a
    denser (4x) sampling of the same procedural scene, seen from cameras around the spawn."""
    try:
        from ..fitting import fit
        from ..rendering.api import render
    except ImportError as e:  # pragma: no cover - fit is part of the package
        return sp, {"status": "skipped", "reason": f"spatial.fit unavailable: {e}"}
    ref_budget = min(2 * budget, 4_000_000)
    ref, _ = splat_scene(spec, sc, sky, ref_budget, quality, seed_stage="reference")
    cams = []
    rng = stage_rng(spec.seed, "refine")
    n_views = 12 if quality == "standard" else 24
    for k in range(n_views):
        yaw = sc.yaw_deg + 360.0 * k / n_views
        off = np.array([rng.uniform(-2, 2), 0.0, rng.uniform(-2, 2)])
        cams.append(spawn_camera(sc.spawn + off, yaw, 224, 126, fov_y=60.0, pitch_deg=float(rng.uniform(-15, 5))))
    views = []
    with torch.no_grad():
        for c in cams:
            img = render(ref, [c], near=0.05).rgb[0].clamp(0, 1)
            views.append((c, img))
    # a fixed step count (not a wall-clock cap) keeps refined worlds reproducible; sized so the standard
    # tier meets its 3-minute target on a 2-core CPU (docs/performance.md)
    steps = REFINE_STEPS[quality]
    # the sky dome and particles stay fixed; only surfaces are optimised
    movable = (sp.labels != SKY) & (sp.labels != PARTICLES)
    result = fit(sp[movable], views, steps=steps, strategy="none", seed=spec.seed & 0x7FFFFFFF, sh_degree=0, progress=False,
                 )
    out = Splats.concat([result.splats.to(dtype=torch.float32), sp[~movable]])
    if out.labels is None or len(out) != len(sp):
        out.labels = sp.labels  # fixed-count fit keeps the order
    hist = result.history if hasattr(result, "history") else {}
    done_steps = int(hist[-1]["step"]) if isinstance(hist, list) and hist else None
    return out, {"status": "done", "steps": steps, "steps_run": done_steps, "views": n_views, "reference_splats": ref_budget,
                 "loss_first": _first(hist, "loss"), "loss_last": _last(hist, "loss")}


def _first(hist, key):
    try:
        return round(float(hist[0][key]), 6)
    except (IndexError, KeyError, TypeError, ValueError):
        return None


def _last(hist, key):
    try:
        return round(float(hist[-1][key]), 6)
    except (IndexError, KeyError, TypeError, ValueError):
        return None
