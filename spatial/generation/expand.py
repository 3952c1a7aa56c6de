"""Growing an outdoor world by a tile past its edge: continuous terrain, the same biome, populated.

A generated outdoor world is tile (0, 0): the square of side ``extent_m`` centred on the origin.
:func:`next_tile` picks the tile beyond the world's edge on a side (north = -Z, south = +Z, east = +X,
west = -X; the next one out after earlier expansions), and :func:`tile_parts` builds it as
:class:`~spatial.generation.mesh.Part` lists the way the generator builds the first one:

* **terrain**: a heightfield on the same lattice as the generator's near terrain (``extent / 256``
  cells, aligned with the world's grid lines), so the row of vertices on the seam coincides with the
  existing terrain's vertices. Heights start from the existing ground under the tile (``ground(xz)``:
  the world's collider, i.e. its far-terrain backdrop) or, past it, from the biome's height function
  (:func:`~spatial.generation.terrain.base_heights`) shifted to meet the seam; the seam row takes the
  existing terrain's heights exactly, the existing ground's shape is blended in over 20 m, and fBm
  detail fades in from every tile edge over 25 m (no step, no kink at the seam);
* **population**: trees, bushes, rocks and grass of the biome (``spec``: tree kind, densities, snow)
  from the asset registry, Poisson-disk scattered on slopes under 32 degrees, a few templates per kind
  instanced with random yaw and scale, like the generator's populate stage.

The edit layer (:mod:`spatial.edit.expand`) turns the parts into splats and collider triangles and
removes the backdrop the tile replaces.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .mesh import Part, merge, rot_y

SIDES = {"north": (0, -1), "south": (0, 1), "east": (1, 0), "west": (-1, 0)}
GRID = 256
SEAM_BLEND = 20.0
DETAIL_FADE = 25.0
TREE_KINDS = {"conifer": ("pine_tree",), "broadleaf": ("oak_tree",), "mixed": ("pine_tree", "oak_tree"), "palm": ("palm_tree",),
              "cactus": ("cactus",), "dead": ("dead_tree",), "none": ()}


@dataclass(frozen=True)
class Tile:
    i: int
    j: int
    extent: float

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(x0, z0, x1, z1)."""
        e = self.extent
        return (self.i * e - e / 2, self.j * e - e / 2, self.i * e + e / 2, self.j * e + e / 2)


def next_tile(tiles: list, side: str, extent: float) -> tuple[Tile, Tile]:
    """(new tile, the existing tile it adjoins) on ``side``: one past the outermost tile of the row/column
    through the origin tile."""
    if side not in SIDES:
        raise ValueError(f"side must be one of {', '.join(SIDES)}")
    di, dj = SIDES[side]
    have = {(int(t[0]), int(t[1])) for t in tiles} or {(0, 0)}
    i, j = 0, 0
    while (i + di, j + dj) in have:
        i, j = i + di, j + dj
    return Tile(i + di, j + dj, extent), Tile(i, j, extent)


def seam_axis(new: Tile, old: Tile) -> tuple[int, float, int]:
    """(axis 0 = x / 2 = z, coordinate of the seam line, +1/-1: the new tile lies on that side)."""
    if new.i != old.i:
        s = 1 if new.i > old.i else -1
        return 0, (new.bounds[0] if s > 0 else new.bounds[2]), s
    s = 1 if new.j > old.j else -1
    return 2, (new.bounds[1] if s > 0 else new.bounds[3]), s


def tile_heights(spec, new: Tile, old: Tile, ground, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x grid, z grid, heights) [n, n] of the new tile (row = z, column = x)."""
    from .noise import fbm
    from .terrain import base_heights, smoothstep

    x0, z0, x1, z1 = new.bounds
    n = GRID + 1
    xs, zs = np.linspace(x0, x1, n), np.linspace(z0, z1, n)
    X, Z = np.meshgrid(xs, zs)
    axis, line, s = seam_axis(new, old)
    G = ground(np.stack([X.ravel(), Z.ravel()], 1)).reshape(n, n)
    # the existing terrain on the seam, from just inside the old tile
    eps = 1e-3 * s
    along = zs if axis == 0 else xs
    seam_pts = np.stack([np.full(n, line - eps), along], 1) if axis == 0 else np.stack([along, np.full(n, line - eps)], 1)
    gs = ground(seam_pts)
    if not np.isfinite(gs).all():
        ok = np.isfinite(gs)
        if not ok.any():
            raise ValueError("the world has no ground along that edge to grow from")
        gs = np.interp(np.arange(n), np.flatnonzero(ok), gs[ok])
    seam_row = gs[:, None] if axis == 0 else gs[None, :]  # broadcast along the seam
    d = np.abs((X if axis == 0 else Z) - line)
    # where the existing ground does not reach: the biome's height function, shifted to meet the seam
    F = base_heights(spec, X, Z, seed)
    Fs = base_heights(spec, np.full(n, line) if axis == 0 else along, along if axis == 0 else np.full(n, line), seed)
    Fs = Fs[:, None] if axis == 0 else Fs[None, :]
    B = np.where(np.isfinite(G), G, F - Fs + seam_row)
    # the existing ground's own seam height (just outside) -> exactly the seam row, blended over SEAM_BLEND m
    b_seam = B[:, 0:1] if (axis == 0 and s > 0) else B[:, -1:] if axis == 0 else B[0:1, :] if s > 0 else B[-1:, :]
    w = 1.0 - smoothstep(0.0, SEAM_BLEND, d)
    H = B + (seam_row - b_seam) * w
    edge = np.minimum.reduce([X - x0, x1 - X, Z - z0, z1 - Z])
    amp = 0.5 + 2.5 * float(getattr(spec, "relief", 0.3))
    detail = fbm(np.stack([X, Z], -1) / 30.0, seed + 913, octaves=4) * amp
    H = H + detail * smoothstep(0.0, DETAIL_FADE, edge)
    # the seam row is the existing terrain, exactly
    if axis == 0:
        H[:, 0 if s > 0 else -1] = gs
    else:
        H[0 if s > 0 else -1, :] = gs
    return X, Z, H


def terrain_part(spec, X, Z, H, seed: int) -> Part:
    from ..core.labels import label_id
    from . import materials
    from .noise import fbm
    from .terrain import smoothstep

    n = X.shape[0]
    v = np.stack([X.ravel(), H.ravel(), Z.ravel()], -1)
    idx = np.arange(n * n).reshape(n, n)
    a, b, c, d = idx[:-1, :-1].ravel(), idx[:-1, 1:].ravel(), idx[1:, :-1].ravel(), idx[1:, 1:].ravel()
    f = np.concatenate([np.stack([a, d, b], -1), np.stack([a, c, d], -1)])
    pal = materials.palette(spec)
    cell = X[0, 1] - X[0, 0]
    gz, gx = np.gradient(H, cell)
    slope = np.degrees(np.arctan(np.hypot(gx, gz)))
    patch = 0.5 + 0.5 * fbm(np.stack([X, Z], -1) / 14.0, seed + 71, octaves=4)
    st = spec.scene_type
    if st in ("desert", "beach"):
        base = np.broadcast_to(pal["sand"], H.shape + (3,)).copy()
    elif st == "canyon":
        base = pal["dirt"] * (1 - patch[..., None] * 0.3) + pal["sand"] * (patch[..., None] * 0.3)
    else:
        base = pal["grass"] * (1 - patch[..., None] * 0.45) + pal["dry_grass"] * (patch[..., None] * 0.45)
        if st in ("conifer_forest", "broadleaf_forest"):
            base = base * 0.55 + pal["dirt"] * 0.45 * (0.6 + 0.4 * patch[..., None])
    rockw = smoothstep(30, 42, slope)[..., None]
    base = base * (1 - rockw) + pal["rock"] * rockw
    if spec.snow_cover > 0:
        sn = np.clip(spec.snow_cover * (1.2 - smoothstep(38, 55, slope)), 0, 1) * (0.85 + 0.15 * patch)
        base = base * (1 - sn[..., None]) + pal["snow"] * sn[..., None]
    mat = {"desert": "sand", "beach": "sand", "canyon": "rock"}.get(st, "terrain")
    return Part(v, f, base.reshape(-1, 3), label_id("ground"), mat, True, name="terrain")


def _templates(kind: str, k: int, rng: np.random.Generator, params: dict) -> list[list[Part]]:
    from .assets import registry

    out = []
    for _ in range(k):
        ps = registry.build(kind, params, rng=np.random.default_rng(int(rng.integers(0, 2**31))))
        groups: dict = {}
        for p in ps:
            groups.setdefault((p.label, p.material, p.collider), []).append(p)
        out.append([merge(g) for g in groups.values()])
    return out


def populate(spec, new: Tile, X, Z, H, seed: int, max_per_kind: int = 600) -> list[tuple[str, list[Part]]]:
    """(kind, parts) of every object scattered on the tile."""
    from . import scatter
    from .noise import fbm
    from .terrain import Heightfield, smoothstep

    rng = np.random.default_rng([seed & 0xFFFFFFFF, new.i & 0xFFFF, new.j & 0xFFFF, 51])
    x0, z0, x1, z1 = new.bounds
    cell = X[0, 1] - X[0, 0]
    gz, gx = np.gradient(H, cell)
    slope = np.degrees(np.arctan(np.hypot(gx, gz)))
    n = X.shape[0]

    def height(x, z):
        # bilinear on the tile's grid (the triangles differ by millimetres; objects sink 5 cm anyway)
        hf = Heightfield(H, x1 - x0)
        return hf.height_at(np.asarray(x) - (x0 + x1) / 2, np.asarray(z) - (z0 + z1) / 2)

    def slope_at(x, z):
        j = np.clip(np.round((np.asarray(x) - x0) / cell).astype(int), 0, n - 1)
        i = np.clip(np.round((np.asarray(z) - z0) / cell).astype(int), 0, n - 1)
        return slope[i, j]

    params = {"state": ["snowy"]} if spec.snow_cover > 0.4 else {}
    out: list[tuple[str, list[Part]]] = []
    b = (x0 + 1, z0 + 1, x1 - 1, z1 - 1)
    plan = []
    dens = float(spec.vegetation_density)
    for k in TREE_KINDS.get(spec.tree_kind, ()):
        if dens > 0.02:
            plan.append((k, 9.5 - 6.3 * dens, 32.0, (0.75, 1.25)))
    if dens > 0.05 and spec.scene_type not in ("desert", "snowy_mountains", "canyon"):
        plan.append(("bush", 7.0 - 3.0 * dens, 30.0, (0.7, 1.3)))
    if spec.rock_density > 0:
        plan.append(("rock", 11.0 - 7.0 * spec.rock_density, 45.0, (0.5, 2.0)))
    if spec.grass_density > 0.3 and spec.snow_cover < 0.7:
        plan.append(("tall_grass", 4.5 - 2.0 * spec.grass_density, 35.0, (0.7, 1.3)))
    from .assets import registry

    for kind, radius, max_slope, sc in plan:
        if kind not in registry.REGISTRY:
            continue
        temps = _templates(kind, 4, rng, params)
        if kind in TREE_KINDS.get(spec.tree_kind, ()):
            # groves like the generator's: thinner where the moisture noise is low, overall by the density
            def dens_fn(x, z, ms=max_slope):
                moist = 0.5 + 0.5 * fbm(np.stack([x, z], -1) / 35.0, seed + 91, octaves=3)
                grove = smoothstep(0.25, 0.65, moist * 0.6 + 0.4 * dens)
                return (slope_at(x, z) < ms) * np.clip(0.15 + 1.2 * dens, 0, 1) * grove
        else:
            def dens_fn(x, z, ms=max_slope):
                return (slope_at(x, z) < ms).astype(np.float64)
        pls = scatter.scatter(rng, b, max(radius, 1.5), dens_fn, height, sc, max_count=max_per_kind)
        for pl in pls:
            tpl = temps[pl.seed % len(temps)]
            pos = pl.position - np.array([0.0, 0.05, 0.0])
            out.append((kind, [p.transformed(rot_y(pl.yaw), pos, pl.scale) for p in tpl]))
    return out


def tile_parts(spec, new: Tile, old: Tile, ground, seed: int) -> tuple[Part, list[tuple[str, list[Part]]]]:
    """(terrain part, [(kind, parts), ...]) of the new tile; ``ground(xz [M,2]) -> heights`` (nan where
    the world has no ground) reads the existing world."""
    X, Z, H = tile_heights(spec, new, old, ground, seed)
    return terrain_part(spec, X, Z, H, seed), populate(spec, new, X, Z, H, seed)


def seam_points(new: Tile, old: Tile, n: int = 200) -> np.ndarray:
    """``n`` points (x, z) along the seam between ``new`` and ``old`` (for checks)."""
    axis, line, _ = seam_axis(new, old)
    x0, z0, x1, z1 = new.bounds
    t = np.linspace(0.02, 0.98, n)
    if axis == 0:
        return np.stack([np.full(n, line), z0 + t * (z1 - z0)], 1)
    return np.stack([x0 + t * (x1 - x0), np.full(n, line)], 1)
