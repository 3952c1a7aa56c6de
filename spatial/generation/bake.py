"""The *bake* and *light* stages: mesh parts -> lit Gaussian splats (plus the sky dome and particles),
and the optional refinement against denser reference renders.

* sample: area x focus weighted surface samples (:mod:`.surface_splats`; a part's ``density`` -
  raised for named objects near the spawn - scales its share of the budget);
* albedo: procedural material patterns (:mod:`.materials`);
* light: sun with a shadow map, sky visibility, ambient occlusion, one bounce of indirect light
  and every point light (the shell's lamps and the emissive objects); caves and tunnels
  (``Scene.enclosed``) get no sky dome and a dim ambient, so their point lights carry the scene;
* exposure, water reflections, distance fog; the sky dome and snow particles;
* refine (standard/high): :func:`spatial.fit` against views of a 2x denser sampling.
"""

from __future__ import annotations

import math
import time
import zlib

import numpy as np
import torch

from ..core.labels import label_id
from ..core.splats import Splats
from . import atmosphere, materials, sky as sky_mod
from .mesh import Part, merge
from .shells import EYE_HEIGHT, Scene, stage_rng
from .spec import SceneSpec
from .surface_splats import THICKNESS, basis_quats, make_splats, sample_parts
from .views import spawn_camera

WATER_L = label_id("water")
SKY = label_id("sky")
PARTICLES = label_id("particles")

SKY_SPLATS = {"draft": 7000, "standard": 16000, "high": 30000}
SNOW_SPLATS = {"draft": 2500, "standard": 8000, "high": 20000}
#: fit refinement steps per tier (one view per step)
REFINE_STEPS = {"draft": 20, "standard": 36, "high": 400}
#: one-bounce indirect light: share of the surrounding surfaces' outgoing radiance received (1 = Lambertian)
BOUNCE_STRENGTH = 1.0
#: ambient (sky) light share in caves and tunnels: their own lamps and glowing objects carry the scene
ENCLOSED_AMBIENT = 0.75


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
    n_sky = 0 if sc.enclosed else min(SKY_SPLATS.get(tier, 7000), budget // 8)
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
                          ambient_scale=(1.0 if not sc.indoor else (ENCLOSED_AMBIENT if sc.enclosed else 1.2)), emissive=emissive,
                          two_sided=two_sided,
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


def refine(spec: SceneSpec, sc: Scene, sky, sp: Splats, budget: int, quality: str):
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
