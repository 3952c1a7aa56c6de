"""Open-terrain shells (the ten biomes): heightfield, erosion, water carved in, the far ring; then,
after the layout, the biome's own plants and rocks kept clear of the placed objects.

Stages (each draws from its own RNG stream ``(seed, stage name)``): terrain -> walk heading ->
water -> (hill) -> far ring -> [layout solver] -> trees, bushes, grass, lily pads, rocks.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from ..core.labels import label_id
from . import materials, scatter, terrain, water
from .assets import plants, rocks
from .layout import Site
from .mesh import Part, merge, rot_y
from .shells import Scene, stage_rng
from .spec import SceneSpec

GROUND = label_id("ground")
VEG = label_id("vegetation")


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


def build_nature(spec: SceneSpec, tier: str, hill: float = 0.0) -> tuple[Scene, "TerrainContext"]:
    """Terrain, water and the far ring (the shell); :func:`populate` adds the biome's plants and rocks
    after the layout, around the placed objects. ``hill`` > 0: raise a hill ahead of the spawn with a flat top of
    that radius ("on a hill")."""
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
    hill_xz = None
    if hill:
        # a round hill right of the heading (clear of the walk), its flat top 9 m up and `hill` metres across
        top = float(hill)
        dist = 35.0 + top
        a = math.radians(heading - 30.0)
        hill_xz = (-math.sin(a) * dist, -math.cos(a) * dist)
        r = np.hypot(x - hill_xz[0], z - hill_xz[1])
        # the top is levelled at 9 m above the spawn; the flanks fall off over ~12 m
        hf.heights = np.maximum(hf.heights, np.where(r <= top, 9.0, 9.0 * np.exp(-((r - top) / 11.0) ** 2)))
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

    sc.timings["terrain_parts"] = time.perf_counter() - t0
    return sc, TerrainContext(spec, hf, far, wb, pal, heading, tier, hill_xz, float(hill))


@dataclass
class TerrainContext:
    """What :func:`populate` and :func:`site` need from :func:`build_nature`."""

    spec: SceneSpec
    hf: terrain.Heightfield
    far: terrain.Heightfield
    wb: object
    pal: dict
    heading: float
    tier: str
    hill: tuple[float, float] | None = None
    hill_radius: float = 0.0


def site(sc: Scene, ctx: TerrainContext) -> Site:
    """The layout solver's view of the terrain: usable = dry, slope < 22 deg, inside the near square."""
    hf, wb = ctx.hf, ctx.wb
    E = hf.extent
    slope = hf.slope_deg()
    n = hf.n

    def slope_at(x, z):
        j = np.clip(np.round((np.asarray(x) + E / 2) / hf.cell).astype(int), 0, n - 1)
        i = np.clip(np.round((np.asarray(z) + E / 2) / hf.cell).astype(int), 0, n - 1)
        return slope[i, j]

    level = wb.level if wb is not None else -1e9

    def usable(x, z):
        x, z = np.asarray(x, dtype=np.float64), np.asarray(z, dtype=np.float64)
        return (slope_at(x, z) < 24) & (hf.height_at(x, z) > level + 0.3) & (np.maximum(np.abs(x), np.abs(z)) < E / 2 - 3)

    wd = None
    anchors = {}
    if wb is not None and wb.kind != "swamp":
        scale = wb.radius if wb.kind in ("lake", "pond", "river") else 10.0
        sd = water._signed_distance

        def wd(x, z):
            return sd(wb, np.asarray(x, dtype=np.float64), np.asarray(z, dtype=np.float64), ctx.spec.seed) * scale

        anchors["water"] = tuple(float(v) for v in wb.center)
    if ctx.hill is not None:
        anchors["hill"] = ctx.hill
        # look between the walk and the hill, so the hill top stands in the first view
        sc.yaw_deg = (sc.walk_heading_deg - 14.0) % 360.0
    a = math.radians(sc.yaw_deg)
    anchors["middle"] = (-math.sin(a) * 16.0, -math.cos(a) * 16.0)
    return Site(sc.spawn.copy(), sc.yaw_deg, sc.walk_heading_deg, (-E / 2 + 3, -E / 2 + 3, E / 2 - 3, E / 2 - 3), hf.height_at, usable,
                anchors=anchors, water_distance=wd, water_level=None if wd is None else float(wb.level), corridor_half_width=2.2, corridor_length=40.0, max_radius=min(E / 2 - 5, 85.0))


def populate(sc: Scene, ctx: TerrainContext, exclude: list[tuple[float, float, float]] = ()) -> None:
    """The biome's trees, bushes, grass, lily pads and rocks, kept out of the ``exclude`` discs (x, z, r)
    of the placed objects."""
    t0 = time.perf_counter()
    _populate(ctx.spec, sc, ctx.hf, ctx.far, ctx.wb, ctx.pal, ctx.heading, ctx.tier, list(exclude))
    sc.timings["populate"] = time.perf_counter() - t0


def _canyon_heading(hf: terrain.Heightfield) -> float:
    """Along the canyon floor (the canyon runs along X): pick +X or -X, whichever stays lower."""
    t = np.linspace(0, 40, 41)
    east = hf.height_at(t, np.zeros_like(t)).max()
    west = hf.height_at(-t, np.zeros_like(t)).max()
    return 270.0 if east <= west else 90.0


def _populate(spec: SceneSpec, sc: Scene, hf: terrain.Heightfield, far: terrain.Heightfield, wb, pal: dict, heading: float, tier: str,
              exclude: list | None = None):
    seed = spec.seed
    excl = np.array(exclude or [], dtype=np.float64).reshape(-1, 3)

    def clear_of_objects(x, z):
        """0 inside the placed objects' discs (plus a 0.8 m margin), 1 elsewhere."""
        m = np.ones(np.broadcast(np.asarray(x), np.asarray(z)).shape)
        for ox, oz, r in excl:
            m = m * (np.hypot(np.asarray(x) - ox, np.asarray(z) - oz) > r + 0.8)
        return m
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
        return m * (footing or dry)(x, z) * clear_of_objects(x, z)

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
                              * (0.3 + 0.7 * moisture(x, z)) * terrain.smoothstep(0.6, 1.2, scatter.trail_distance(x, z, sc.walk_heading_deg, 48.0))
                              * clear_of_objects(x, z),
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

