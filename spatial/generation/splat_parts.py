"""Parts -> splat rows lit like an existing world (shared by the edit ops and block-out dressing).

An inserted asset, an expansion tile or a dressed block must look like the generator made it:
:func:`parts_to_rows` samples the parts with the generator's surface sampler
(:func:`~spatial.generation.surface_splats.sample_parts`), colours them with its procedural albedo
(:func:`~spatial.generation.materials.albedo`) and lights them with its shading model
(:func:`~spatial.generation.materials.shade`) under the world's own sky (:func:`world_sky`, rebuilt
from the world's spec and ``metadata.sky``), with a contact shadow near the base, emissive parts at
full brightness and the world's distance fog from the spawn eye. Rows are in storage space (the
columns of :class:`spatial.edit.WorldState`).
"""

from __future__ import annotations

import zlib

import numpy as np


def budget_factor(meta: dict) -> float:
    """How much denser than a draft world (100k splats) this world was generated: inserts match it."""
    b = (meta.get("generator") or {}).get("budget")
    try:
        return float(np.clip(float(b) / 100_000.0, 1.0, 20.0))
    except (TypeError, ValueError):
        return 1.0


def world_sky(meta: dict):
    """The :class:`~spatial.generation.sky.Sky` a world was lit with (from its spec; a clear day otherwise)."""
    from . import sky as sky_mod

    spec = meta.get("spec") or {}
    tod = spec.get("time_of_day", "day") if spec.get("time_of_day") in sky_mod.TIME_TABLE else "day"
    weather = spec.get("weather", "clear") if spec.get("weather") in ("clear", "fog", "overcast", "snow") else "clear"
    seed = int(meta.get("seed") or spec.get("seed") or 0)
    yaw = float((meta.get("spawn") or {}).get("yaw_deg", 0.0))
    indoor = (meta.get("metadata") or {}).get("scene_family") == "indoor"
    sky = sky_mod.make_sky(tod, weather, seed, yaw, indoor=indoor)
    stored = (meta.get("metadata") or {}).get("sky") or {}
    for key in ("sun_dir", "sun_color", "ambient", "fog_color"):
        if isinstance(stored.get(key), list) and len(stored[key]) == 3:
            setattr(sky, key, np.asarray(stored[key], np.float64))
    if isinstance(stored.get("fog_density"), (int, float)):
        sky.fog_density = float(stored["fog_density"])
    return sky


def eye_point(meta: dict) -> np.ndarray:
    sp = meta.get("spawn") or {}
    pos = np.asarray(sp.get("position", [0.0, 0.0, 0.0]), np.float64)
    eh = float((meta.get("metadata") or {}).get("eye_height", 1.65) or 1.65)
    return pos + np.array([0.0, eh, 0.0])


def shade_samples(smp, parts, meta: dict, seed: int, base_y: np.ndarray | None = None) -> np.ndarray:
    """sRGB colours of surface samples lit like the world: procedural albedo x (sun + sky ambient) with AO,
    a contact shadow near each instance's base, emissive parts at full brightness, then the world's fog."""
    from . import atmosphere, materials

    sky = world_sky(meta)
    mats = np.array([p.material for p in parts])[smp.part]
    col = np.empty_like(smp.base_color)
    for m in np.unique(mats):
        s = mats == m
        col[s] = materials.albedo(m, smp.base_color[s], smp.points[s], smp.normals[s], seed + zlib.crc32(m.encode()) % 10000)
    emissive = (mats == "emissive").astype(np.float64)
    # sun visibility: faces turned from the sun get none; a soft contact shadow near the ground
    h = smp.points[:, 1] - (base_y if base_y is not None else smp.points[:, 1].min())
    contact = 0.55 + 0.45 * np.clip(h / 0.4, 0.0, 1.0)
    sun_vis = contact
    sky_vis = 0.6 + 0.25 * np.clip(h / 1.0, 0.0, 1.0)
    two_sided = np.isin(mats, ["leaves", "needles", "grass"])
    indoor = (meta.get("metadata") or {}).get("scene_family") == "indoor"
    lin = materials.shade(col, smp.normals, smp.points, sky, sun_vis, sky_vis, smp.ao, None,
                          ambient_scale=1.2 if indoor else 1.0, emissive=emissive, two_sided=two_sided)
    return atmosphere.apply_fog(lin, smp.points, eye_point(meta), sky)


def parts_to_rows(parts, labels, budget: int, focus, rng, meta: dict, seed: int, sh_coeffs: int = 1, falloff: float = 1e6,
                  base_y: float | None = None, floor: float = 0.004) -> dict:
    """Splat rows (``means``, ``quats``, ``log_scales``, ``logit_opacities``, ``sh`` [N, sh_coeffs, 3], ``labels``) of
    ``budget`` samples over ``parts``; ``labels[i]`` is the label id of part ``i``."""
    from .surface_splats import THICKNESS, basis_quats, make_splats, sample_parts

    smp = sample_parts(parts, int(budget), np.asarray(focus, np.float64), rng, falloff=falloff, floor=floor)
    colors = shade_samples(smp, parts, meta, seed, base_y=None if base_y is None else np.full(len(smp), base_y))
    quats = basis_quats(smp.normals, smp.tangents)
    thick = np.maximum(THICKNESS * np.minimum(smp.sigma_u, smp.sigma_v), 0.002)
    lab = np.asarray(labels, np.int32)[smp.part]
    sp = make_splats(smp.points, quats, np.stack([smp.sigma_u, smp.sigma_v, thick], -1), colors, np.full(len(smp), 0.985), lab)
    sh = np.zeros((len(sp), sh_coeffs, 3), np.float32)
    sh[:, 0, :] = sp.sh[:, 0, :].numpy()
    return {"means": sp.means.numpy(), "quats": sp.quats.numpy(), "log_scales": sp.log_scales.numpy(),
            "logit_opacities": sp.logit_opacities.numpy(), "sh": sh, "labels": lab}
