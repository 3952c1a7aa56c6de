"""Materials and baked lighting.

* **Palettes**: base colours per scene type (ground, foliage, rock, ...), overridable by the spec.
* **Procedural albedo**: :func:`albedo` varies a base colour at each sample point with noise and,
  for man-made materials, patterns in world coordinates (bricks, planks, tiles, lane marks).
* **Lighting** baked into splat colours (splats carry no normals at render time): Lambert sun
  with shadows from an orthographic **shadow map** of the sampled surface points, sky ambient
  scaled by **sky visibility** (ambient occlusion from several shadow maps over the sky dome)
  and per-vertex AO, interior point lights, all in linear RGB, then encoded to sRGB.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .noise import fbm, hash_cells, value_noise
from .sky import Sky, linear_to_srgb, srgb_to_linear
from .spec import SceneSpec

#: default base colours (sRGB) per scene type; keys used by the stages
PALETTES: dict[str, dict[str, tuple[float, float, float]]] = {
    "default": {"grass": (0.33, 0.47, 0.17), "dry_grass": (0.62, 0.58, 0.32), "dirt": (0.42, 0.33, 0.23), "sand": (0.86, 0.74, 0.52),
                "rock": (0.46, 0.44, 0.42), "snow": (0.93, 0.95, 0.98), "foliage": (0.22, 0.42, 0.13), "conifer": (0.11, 0.27, 0.13),
                "bark": (0.33, 0.24, 0.17), "facade": (0.86, 0.80, 0.68), "roof": (0.45, 0.20, 0.15), "mud": (0.28, 0.25, 0.17),
                "flowers": (0.85, 0.30, 0.45), "water_deep": (0.05, 0.16, 0.22), "water_shallow": (0.20, 0.38, 0.40)},
    "desert": {"sand": (0.88, 0.70, 0.44), "rock": (0.66, 0.43, 0.29), "dirt": (0.72, 0.55, 0.36), "foliage": (0.36, 0.52, 0.25),
               "dry_grass": (0.70, 0.62, 0.38)},
    "canyon": {"rock": (0.70, 0.38, 0.22), "sand": (0.80, 0.56, 0.36), "dirt": (0.66, 0.44, 0.28), "dry_grass": (0.62, 0.55, 0.33)},
    "beach": {"sand": (0.92, 0.84, 0.64), "grass": (0.45, 0.55, 0.25), "foliage": (0.25, 0.50, 0.18), "water_deep": (0.03, 0.22, 0.34),
              "water_shallow": (0.15, 0.55, 0.58)},
    "swamp": {"grass": (0.32, 0.38, 0.16), "dirt": (0.26, 0.22, 0.14), "water_deep": (0.10, 0.13, 0.07),
              "water_shallow": (0.20, 0.24, 0.12), "foliage": (0.26, 0.33, 0.14), "bark": (0.26, 0.22, 0.18)},
    "snowy_mountains": {"rock": (0.40, 0.40, 0.43), "conifer": (0.09, 0.21, 0.13)},
    "meadow": {"grass": (0.38, 0.55, 0.18)},
    "broadleaf_forest": {"grass": (0.28, 0.42, 0.14), "dirt": (0.33, 0.25, 0.17)},
    "conifer_forest": {"grass": (0.27, 0.36, 0.15), "dirt": (0.30, 0.23, 0.16)},
    "city_street": {"asphalt": (0.22, 0.22, 0.23), "sidewalk": (0.62, 0.60, 0.57), "curb": (0.55, 0.55, 0.53)},
    "plaza": {"paving": (0.70, 0.64, 0.55), "sidewalk": (0.62, 0.60, 0.57)},
    "living_room": {"floor": (0.55, 0.37, 0.22), "wall": (0.86, 0.82, 0.74), "ceiling": (0.93, 0.92, 0.90)},
    "office": {"floor": (0.42, 0.44, 0.47), "wall": (0.88, 0.88, 0.86), "ceiling": (0.92, 0.92, 0.92)},
    "warehouse": {"floor": (0.55, 0.55, 0.53), "wall": (0.60, 0.62, 0.64), "ceiling": (0.45, 0.46, 0.48)},
}


def palette(spec: SceneSpec) -> dict[str, np.ndarray]:
    """Base colours for the spec: defaults, scene-type overrides, then the spec's own palette."""
    p = dict(PALETTES["default"])
    p.update(PALETTES.get(spec.scene_type, {}))
    p.setdefault("asphalt", (0.22, 0.22, 0.23))
    p.setdefault("sidewalk", (0.62, 0.60, 0.57))
    p.setdefault("paving", (0.66, 0.61, 0.54))
    p.setdefault("floor", (0.55, 0.37, 0.22))
    p.setdefault("wall", (0.86, 0.82, 0.74))
    p.setdefault("ceiling", (0.93, 0.92, 0.90))
    p.setdefault("curb", (0.55, 0.55, 0.53))
    p.update({k: tuple(v) for k, v in spec.palette.items()})
    if "ground" in spec.palette:
        p["grass"] = p["sand"] = p["dirt"] = tuple(spec.palette["ground"])
    return {k: np.asarray(v, dtype=np.float64) for k, v in p.items()}


# ---------------------------------------------------------------------------------------- albedo
@dataclass(frozen=True)
class Material:
    variation: float = 0.08  # relative brightness noise amplitude
    scale: float = 2.0  # metres per noise cell
    jitter: float = 0.04  # per-sample random brightness
    hue_jitter: float = 0.02  # per-sample random colour shift


MATERIALS: dict[str, Material] = {
    "plain": Material(),
    "terrain": Material(0.10, 3.0, 0.05, 0.02),
    "grass": Material(0.14, 2.0, 0.12, 0.05),
    "leaves": Material(0.16, 0.8, 0.18, 0.07),
    "needles": Material(0.12, 0.6, 0.14, 0.04),
    "bark": Material(0.15, 0.3, 0.10, 0.02),
    "rock": Material(0.16, 0.6, 0.08, 0.02),
    "sand": Material(0.05, 4.0, 0.04, 0.01),
    "snow": Material(0.03, 4.0, 0.02, 0.005),
    "water": Material(0.03, 6.0, 0.02, 0.0),
    "asphalt": Material(0.08, 0.5, 0.10, 0.0),
    "concrete": Material(0.06, 1.5, 0.05, 0.0),
    "paving": Material(0.07, 1.0, 0.05, 0.01),
    "brick": Material(0.08, 1.0, 0.06, 0.02),
    "plaster": Material(0.04, 2.0, 0.03, 0.0),
    "wood": Material(0.10, 0.4, 0.05, 0.01),
    "planks": Material(0.06, 0.5, 0.04, 0.01),
    "fabric": Material(0.06, 0.2, 0.05, 0.01),
    "metal": Material(0.05, 1.0, 0.03, 0.0),
    "glass": Material(0.04, 3.0, 0.02, 0.0),
    "paint": Material(0.02, 1.0, 0.015, 0.0),
    "emissive": Material(0.0, 1.0, 0.0, 0.0),
    "roof": Material(0.10, 0.5, 0.06, 0.01),
    "carpet": Material(0.05, 0.3, 0.08, 0.01),
}


def albedo(material: str, base: np.ndarray, points: np.ndarray, normals: np.ndarray, seed: int) -> np.ndarray:
    """Procedural albedo (sRGB) for samples of ``material`` with interpolated ``base`` colours [N, 3]."""
    m = MATERIALS.get(material, MATERIALS["plain"])
    n = len(points)
    if n == 0:
        return base
    var = fbm(points / m.scale, seed + 31, octaves=3) * m.variation
    idx = np.arange(n)
    rnd = hash_cells(seed + 41, idx, np.zeros(n, dtype=np.int64))
    jit = (rnd - 0.5) * 2 * m.jitter
    hue = (hash_cells(seed + 43, idx, np.ones(n, dtype=np.int64))[:, None] - 0.5) * 2 * m.hue_jitter * np.array([[1.0, -0.3, -0.7]])
    col = base * (1 + var + jit)[:, None] + hue
    pat = _pattern(material, points, normals, seed)
    if pat is not None:
        col = col * pat[:, None] if pat.ndim == 1 else col * pat
    return np.clip(col, 0, 1)


def _wall_coords(points: np.ndarray, normals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal coordinate along a vertical surface and height."""
    use_x = np.abs(normals[:, 2]) >= np.abs(normals[:, 0])
    return np.where(use_x, points[:, 0], points[:, 2]), points[:, 1]


def _pattern(material: str, p: np.ndarray, nrm: np.ndarray, seed: int) -> np.ndarray | None:
    if material == "brick":
        u, v = _wall_coords(p, nrm)
        row = np.floor(v / 0.075)
        uu = u / 0.22 + 0.5 * (row % 2)
        col = np.floor(uu)
        mortar = (np.abs(v / 0.075 - np.round(v / 0.075)) < 0.09) | (np.abs(uu - np.round(uu)) < 0.05)
        tint = 0.85 + 0.3 * hash_cells(seed + 3, row.astype(np.int64), col.astype(np.int64))
        return np.where(mortar, 1.35, tint)
    if material == "planks":
        along_x = True
        w = 0.19
        k = np.floor(p[:, 2] / w) if along_x else np.floor(p[:, 0] / w)
        seg = np.floor((p[:, 0] + 1.7 * hash_cells(seed + 5, k.astype(np.int64), np.zeros_like(k, dtype=np.int64)) * 10) / 1.6)
        tint = 0.82 + 0.36 * hash_cells(seed + 6, k.astype(np.int64), seg.astype(np.int64))
        seam = np.abs(p[:, 2] / w - np.round(p[:, 2] / w)) < 0.04
        grain = 1 + 0.06 * np.sin(p[:, 0] * 40 + 3 * value_noise(p[:, [0, 2]] * [2, 8], seed + 7))
        return np.where(seam, 0.55, tint * grain)
    if material == "paving":
        t = 0.6
        a, b = p[:, 0] / t, p[:, 2] / t
        seam = (np.abs(a - np.round(a)) < 0.04) | (np.abs(b - np.round(b)) < 0.04)
        tint = 0.9 + 0.2 * hash_cells(seed + 8, np.floor(a).astype(np.int64), np.floor(b).astype(np.int64))
        return np.where(seam, 0.7, tint)
    if material == "roof":
        row = np.floor(p[:, 1] / 0.12)
        stripe = np.abs(p[:, 1] / 0.12 - row - 0.5) > 0.42
        return np.where(stripe, 0.75, 1.0)
    if material == "carpet":
        return 1 + 0.08 * np.sign(np.sin(p[:, 0] * 9) * np.sin(p[:, 2] * 9))
    if material == "rock":
        return 1 + 0.10 * np.sin(p[:, 1] * 3.0 + 2 * value_noise(p[:, [0, 2]] / 3, seed + 9))  # strata
    if material == "sand":
        return 1 + 0.05 * np.sin((p[:, 0] * 0.8 + p[:, 2] * 0.5) * 3.0 + 3 * value_noise(p[:, [0, 2]] / 4, seed + 10))  # ripples
    return None


# ---------------------------------------------------------------------------------------- shadows
def _basis(direction: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    w = direction / np.linalg.norm(direction)
    a = np.array([0.0, 1.0, 0.0]) if abs(w[1]) < 0.9 else np.array([1.0, 0.0, 0.0])
    u = np.cross(a, w)
    u /= np.linalg.norm(u)
    return u, np.cross(w, u), w


def shadow_visibility(points: np.ndarray, normals: np.ndarray, occluders: np.ndarray, occ_radius: np.ndarray,
                      light_dir: np.ndarray, texel: float = 0.3, max_texels: int = 1400,
                      occ_normals: np.ndarray | None = None) -> np.ndarray:
    """1 where a point sees the light along ``light_dir`` (unit, toward the light), else 0 (soft at edges).

    Orthographic shadow map: occluders (sample points with a footprint radius) are stamped into a
    grid perpendicular to the light, keeping the one nearest the light per texel; a receiver is in
    shadow if an occluder in its texel lies nearer the light by more than a slope-scaled bias.
    With ``occ_normals`` each stamp is a tilted disc (its depth follows the occluder's plane across
    the footprint), so wide splats on a sunlit plane do not shadow the plane itself (acne).
    """
    if len(points) == 0:
        return np.ones(0)
    u, v, w = _basis(light_dir)
    pu, pv, pw = points @ u, points @ v, points @ w
    ou, ov, ow = occluders @ u, occluders @ v, occluders @ w
    lo_u, hi_u = min(pu.min(), ou.min()), max(pu.max(), ou.max())
    lo_v, hi_v = min(pv.min(), ov.min()), max(pv.max(), ov.max())
    texel = max(texel, (hi_u - lo_u) / max_texels, (hi_v - lo_v) / max_texels)
    nu = int((hi_u - lo_u) / texel) + 3
    nv = int((hi_v - lo_v) / texel) + 3
    depth = np.full(nu * nv, -np.inf)
    iu = np.floor((ou - lo_u) / texel).astype(np.int64) + 1
    iv = np.floor((ov - lo_v) / texel).astype(np.int64) + 1
    k = np.clip(np.round(occ_radius / texel).astype(np.int64), 0, 4)
    if occ_normals is not None:
        # depth slope of each occluder's plane across the map: d(w)/d(u) = -n.u / n.w (clamped at grazing angles)
        nw_ = occ_normals @ w
        nw_ = np.where(np.abs(nw_) < 0.25, np.where(nw_ < 0, -0.25, 0.25), nw_)
        gu = np.clip(-(occ_normals @ u) / nw_, -4, 4) * texel
        gv = np.clip(-(occ_normals @ v) / nw_, -4, 4) * texel
    else:
        gu = gv = np.zeros(len(occluders))
    for kk in range(5):
        sel = k == kk
        if not sel.any():
            continue
        offs = [(a, b) for a in range(-kk, kk + 1) for b in range(-kk, kk + 1) if a * a + b * b <= kk * kk + kk]
        su, sv, sw, sgu, sgv = iu[sel], iv[sel], ow[sel], gu[sel], gv[sel]
        for a, b in offs:
            ju = np.clip(su + a, 0, nu - 1)
            jv = np.clip(sv + b, 0, nv - 1)
            np.maximum.at(depth, ju * nv + jv, sw + a * sgu + b * sgv if (a or b) else sw)
    # receivers: compare against the 2x2 neighbourhood (percentage-closer filtering)
    fu = (pu - lo_u) / texel + 1 - 0.5
    fv = (pv - lo_v) / texel + 1 - 0.5
    cosi = np.clip(np.abs(normals @ w), 0.05, 1.0)
    tan_i = np.sqrt(1 - cosi**2) / cosi
    bias = 0.12 + np.minimum(1.5 * texel * tan_i, 2.5)
    vis = np.zeros(len(points))
    iu0, iv0 = np.floor(fu).astype(np.int64), np.floor(fv).astype(np.int64)
    tu, tv = fu - iu0, fv - iv0
    for a, b, wt in ((0, 0, (1 - tu) * (1 - tv)), (1, 0, tu * (1 - tv)), (0, 1, (1 - tu) * tv), (1, 1, tu * tv)):
        ju = np.clip(iu0 + a, 0, nu - 1)
        jv = np.clip(iv0 + b, 0, nv - 1)
        d = depth[ju * nv + jv]
        vis += wt * (pw >= d - bias)
    return vis


def sky_visibility(points, normals, occluders, occ_radius, texel: float = 0.5, n_dirs: int = 6, occ_normals=None) -> np.ndarray:
    """Ambient occlusion from the sky: cosine-weighted visibility over ``n_dirs`` directions plus the zenith."""
    vis = np.zeros(len(points))
    total = 0.0
    dirs = [np.array([0.0, 1.0, 0.0])]
    for i in range(n_dirs):
        a = 2 * math.pi * (i + 0.5) / n_dirs
        e = math.radians(40.0)
        dirs.append(np.array([math.cos(a) * math.cos(e), math.sin(e), math.sin(a) * math.cos(e)]))
    for d in dirs:
        wgt = np.clip(normals @ d, 0.0, 1.0) * 0.8 + 0.2
        vis += wgt * shadow_visibility(points, normals, occluders, occ_radius, d, texel=texel, max_texels=700, occ_normals=occ_normals)
        total += 1.0
    norm = sum(np.clip(normals @ d, 0.0, 1.0) * 0.8 + 0.2 for d in dirs)
    return np.clip(vis / np.maximum(norm, 1e-6), 0, 1)


# ---------------------------------------------------------------------------------------- shading
@dataclass
class PointLight:
    position: np.ndarray
    color: np.ndarray  # linear RGB intensity at 1 m
    radius: float = 0.3


def irradiance(normals: np.ndarray, points: np.ndarray, sky: Sky, sun_vis: np.ndarray, sky_vis: np.ndarray, ao: np.ndarray,
               lights: list[PointLight] | None = None, ambient_scale: float = 1.0, two_sided: np.ndarray | None = None,
               ground_albedo: float = 0.2) -> np.ndarray:
    """Linear RGB irradiance = sun * max(n.l, 0) * shadow + sky ambient * sky_vis * ao + lamps."""
    ndl = normals @ sky.sun_dir
    if two_sided is not None:
        ndl = np.where(two_sided, np.abs(ndl) * 0.8, ndl)
    direct = np.clip(ndl, 0, 1)[:, None] * sky.sun_color[None] * sun_vis[:, None]
    # sky ambient: more from above, a little ground bounce from below
    up = 0.5 + 0.5 * normals[:, 1]
    # bright ground (snow, sand) bounces light back up: more ambient from below and around
    bounce = 1.0 + 1.2 * max(ground_albedo - 0.2, 0.0)
    amb = sky.ambient[None] * ((0.55 + 0.45 * up) * bounce)[:, None] * (sky_vis * ao)[:, None] * ambient_scale
    light = direct + amb
    if lights:
        for L in lights:
            d = L.position[None] - points
            dist2 = np.maximum((d**2).sum(1), L.radius**2)
            ld = d / np.sqrt(dist2)[:, None]
            lam = np.clip((normals * ld).sum(1), 0, 1) * 0.75 + 0.25
            light = light + (L.color[None] * (lam / dist2)[:, None]) * ao[:, None]
    return light


def environment_radiance(points: np.ndarray, radiance: np.ndarray, weight: np.ndarray, center: np.ndarray, cell: float,
                         half_extent: float, blur_cells: float = 1.5) -> np.ndarray:
    """Local mean outgoing radiance around each point (one-bounce gather on a voxel grid).

    Every sample deposits its diffuse outgoing radiance (albedo x irradiance, linear) times its area
    into a grid of ``cell``-metre voxels spanning ``half_extent`` around ``center``; the grid is
    Gaussian-blurred and normalised by the blurred weight, so each point reads the area-weighted mean
    radiance of the surfaces around it: what the part of its hemisphere that does not see the sky sees.
    Points outside the grid read the global mean.
    """
    from scipy import ndimage

    n = int(math.ceil(2 * half_extent / cell)) + 1
    ijk = np.floor((points - (center - half_extent)) / cell).astype(np.int64)
    inside = ((ijk >= 0) & (ijk < n)).all(1)
    flat = np.where(inside, (ijk[:, 0] * n + ijk[:, 1]) * n + ijk[:, 2], 0)
    w = np.where(inside, weight, 0.0)
    den = np.bincount(flat, weights=w, minlength=n**3).reshape(n, n, n)
    den = ndimage.gaussian_filter(den, blur_cells, mode="constant")
    glob = (radiance * weight[:, None]).sum(0) / max(weight.sum(), 1e-12)
    out = np.empty_like(radiance)
    for c in range(3):
        num = np.bincount(flat, weights=w * radiance[:, c], minlength=n**3).reshape(n, n, n)
        num = ndimage.gaussian_filter(num, blur_cells, mode="constant")
        env = num / np.maximum(den, 1e-12)
        out[:, c] = np.where(inside & (den.ravel()[flat] > 1e-9), env.ravel()[flat], glob[c])
    return out


def shade(albedo_srgb: np.ndarray, normals: np.ndarray, points: np.ndarray, sky: Sky, sun_vis: np.ndarray, sky_vis: np.ndarray,
          ao: np.ndarray, lights: list[PointLight] | None = None, ambient_scale: float = 1.0, emissive: np.ndarray | None = None,
          two_sided: np.ndarray | None = None, ground_albedo: float = 0.2, bounce: dict | None = None) -> np.ndarray:
    """Baked colour (sRGB) = albedo * (sun * max(n.l, 0) * shadow + ambient * sky_vis * ao + lamps + bounce).

    ``bounce`` (optional): ``{"occluded": [N] fraction of the hemisphere that sees surfaces instead of the
    sky, "weight": [N] sample areas, "center", "cell", "half_extent", "strength"}``: adds one bounce of
    light from the surrounding lit surfaces (:func:`environment_radiance`), so shadowed streets, room
    corners and forest floors are lit by the sunlit facades, walls and canopies around them.
    """
    a = srgb_to_linear(albedo_srgb)
    light = irradiance(normals, points, sky, sun_vis, sky_vis, ao, lights, ambient_scale, two_sided, ground_albedo)
    if bounce is not None:
        out = a * light
        if emissive is not None:
            out = np.where(emissive[:, None] > 0, a * emissive[:, None], out)
        env = environment_radiance(points, out, bounce["weight"], bounce["center"], bounce["cell"], bounce["half_extent"])
        light = light + env * (bounce["strength"] * bounce["occluded"] * ao)[:, None]
    col = a * light
    if emissive is not None:
        col = np.where(emissive[:, None] > 0, a * emissive[:, None], col)
    return linear_to_srgb(col)
