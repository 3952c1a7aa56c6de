"""``restyle``: relight and re-atmosphere a world (time of day, weather) keeping every earlier edit.

Splat colours are baked light (docs/generate.md), so a new time of day is a per-splat change of the
light that was baked in, applied to whatever the world holds now (generated or inserted by edits):

1. the old distance fog is taken out (``c = (c - fog (1 - T)) / T`` with the old sky's extinction,
   measured from the spawn eye like the generator bakes it; far splats with ``T < 0.15`` keep their
   fogged part);
2. each splat's colour is multiplied, per channel, by ``I_new / I_old`` where ``I = sun colour x
   max(n.l, 0) + sky ambient x (0.55 + 0.45 n_y)`` is the irradiance of the generator's shading model
   at the splat's normal (its local z axis) under the old and the new sky; the bright splats of
   emissive kinds (lamps, neon, windows) keep their own light;
3. snow (weather ``snow``) whitens upward-facing outdoor surfaces and adds falling-snow particles
   around the spawn (removed again when the weather changes away from snow);
4. the new sky's fog is baked in, and the sky dome splats are recoloured from the new sky model.

The world's ``spec`` (``time_of_day``, ``weather``) and ``metadata.sky`` follow, so a later restyle
or insert lights things the same way.
"""

from __future__ import annotations

import numpy as np

from .errors import EditError
from .state import WorldState

TIMES = ("dawn", "day", "sunset", "night")
WEATHERS = ("clear", "fog", "overcast", "snow")
MIN_T = 0.15
SNOW_ALBEDO = np.array([0.92, 0.93, 0.96])
SNOW_LABELS = ("ground", "vegetation", "rock", "building", "road", "object", "furniture")


def parse_restyle(op: dict, out: dict, w: str) -> None:
    if "time_of_day" not in op and "weather" not in op:
        raise EditError(f"{w}: give time_of_day ({', '.join(TIMES)}) and/or weather ({', '.join(WEATHERS)})")
    if "time_of_day" in op:
        if op["time_of_day"] not in TIMES:
            raise EditError(f"{w}.time_of_day must be one of {', '.join(TIMES)}, got {op['time_of_day']!r}")
        out["time_of_day"] = op["time_of_day"]
    if "weather" in op:
        if op["weather"] not in WEATHERS:
            raise EditError(f"{w}.weather must be one of {', '.join(WEATHERS)}, got {op['weather']!r}")
        out["weather"] = op["weather"]


RESTYLE_FIELDS = ["time_of_day", "weather"]


def quat_normals(q: np.ndarray) -> np.ndarray:
    """Local z axes (flat splats' normals) of (w,x,y,z) quaternions [N,4]."""
    q = q.astype(np.float64)
    q = q / np.maximum(np.linalg.norm(q, axis=1, keepdims=True), 1e-12)
    w, x, y, z = q.T
    return np.stack([2 * (x * z + w * y), 2 * (y * z - w * x), 1 - 2 * (x * x + y * y)], 1)


def _irradiance(sky, n: np.ndarray) -> np.ndarray:
    ndl = np.clip(n @ sky.sun_dir, 0.0, 1.0)
    up = 0.5 + 0.5 * n[:, 1]
    return ndl[:, None] * sky.sun_color[None] * 0.8 + sky.ambient[None] * (0.55 + 0.45 * up)[:, None]


def _label_set(state: WorldState, names) -> np.ndarray:
    from ..core.labels import LABEL_IDS

    legend = state.legend()
    ids = {k for k, v in legend.items() if v in names} | {LABEL_IDS[n] for n in names if n in LABEL_IDS}
    return np.array(sorted(ids), np.int32)


def _emissive_labels(state: WorldState) -> np.ndarray:
    try:
        from ..generation.assets import registry
    except ImportError:  # pragma: no cover - the library is part of the package
        return np.zeros(0, np.int32)
    names = set()
    for k, v in state.legend().items():
        kind = registry.REGISTRY.get(v)
        if kind is not None and kind.emissive:
            names.add(v)
    return _label_set(state, names)


def compute_restyle(state: WorldState, op: dict, ctx) -> "object":
    from ..core.sh import C0
    from ..generation import atmosphere
    from ..generation import sky as sky_mod
    from .delta import Delta
    from .insert_asset import eye_point, ground_height, world_sky

    meta = state.meta
    spec = dict(meta.get("spec") or {})
    old = world_sky(meta)
    tod = op.get("time_of_day", old.time_of_day)
    weather = op.get("weather", old.weather)
    seed = int(meta.get("seed") or spec.get("seed") or 0)
    yaw = float((meta.get("spawn") or {}).get("yaw_deg", 0.0))
    indoor = (meta.get("metadata") or {}).get("scene_family") == "indoor"
    new = sky_mod.make_sky(tod, weather, seed, yaw, indoor=indoor)
    eye = eye_point(meta)

    t = state.table
    labels = t.col("labels")
    sky_l, part_l = _label_set(state, ["sky"]), _label_set(state, ["particles"])
    is_sky = np.isin(labels, sky_l)
    is_part = np.isin(labels, part_l)
    surf = np.flatnonzero(~is_sky & ~is_part)
    means = t.col("means")[surf].astype(np.float64)
    dc = t.col("sh")[surf, 0, :].astype(np.float64)
    lin = sky_mod.srgb_to_linear(np.clip(dc * C0 + 0.5, 0.0, 1.0))
    d = np.linalg.norm(means - eye, axis=1)
    # 1. take the old fog out
    T_old = np.exp(-old.fog_density * d)
    fog_old = sky_mod.srgb_to_linear(old.fog_color)
    Tc = np.maximum(T_old, MIN_T)[:, None]
    clear = np.clip((lin - fog_old[None] * (1 - T_old)[:, None]) / Tc, 0.0, None)
    # 2. relight
    nrm = quat_normals(t.col("quats")[surf])
    ratio = np.clip(_irradiance(new, nrm) / np.maximum(_irradiance(old, nrm), 1e-6), 0.02, 8.0)
    glow = np.isin(labels[surf], _emissive_labels(state)) & (lin.max(1) > 0.45)
    relit = np.where(glow[:, None], clear, clear * ratio)
    # 3. snow on upward faces outdoors
    removed = np.zeros(0, np.int64)
    added: dict = {}
    if weather == "snow" and old.weather != "snow" and not indoor:
        up = np.clip((nrm[:, 1] - 0.55) / 0.3, 0.0, 1.0) * np.isin(labels[surf], _label_set(state, SNOW_LABELS))
        snow_lin = sky_mod.srgb_to_linear(SNOW_ALBEDO)[None] * _irradiance(new, np.tile([[0.0, 1.0, 0.0]], (1, 1)))
        relit = relit * (1 - 0.85 * up[:, None]) + snow_lin * (0.85 * up[:, None])
    # 4. new fog, new sky
    T_new = np.exp(-new.fog_density * d)
    fog_new = sky_mod.srgb_to_linear(new.fog_color)
    out_lin = relit * T_new[:, None] + fog_new[None] * (1 - T_new)[:, None]
    new_rgb = sky_mod.linear_to_srgb(out_lin)
    mod_ids = [surf]
    mod_rgb = [new_rgb]
    sky_ids = np.flatnonzero(is_sky)
    if sky_ids.size:
        dirs = t.col("means")[sky_ids].astype(np.float64) - eye
        dirs /= np.maximum(np.linalg.norm(dirs, axis=1, keepdims=True), 1e-9)
        mod_ids.append(sky_ids)
        mod_rgb.append(atmosphere.fog_sky(sky_mod.sky_color(dirs, new), dirs, new))
    ids = np.concatenate(mod_ids)
    rgb = np.clip(np.concatenate(mod_rgb), 0.0, 1.0)
    order = np.argsort(ids)
    if weather != "snow":
        removed = np.flatnonzero(is_part).astype(np.int64)
    elif not is_part.any() and not indoor:
        added = _snow_rows(state, eye, seed, new)
    keep = ~np.isin(ids[order], removed)
    d_ = Delta(n_before=state.n, faces_before=int(state.collider_faces.shape[0]), mod_ids=ids[order][keep].astype(np.int64),
               mod={"sh_dc": ((rgb[order][keep] - 0.5) / C0).astype(np.float32)}, removed=removed, added=added)
    spec["time_of_day"], spec["weather"] = tod, weather
    if weather == "snow":
        spec["snow_cover"] = max(float(spec.get("snow_cover", 0.0) or 0.0), 0.8)
    md = dict(meta.get("metadata") or {})
    md["sky"] = new.to_dict()
    d_.meta = {"spec": spec, "metadata": md}
    _ = ground_height  # (used by _snow_rows)
    return d_


def _snow_rows(state: WorldState, eye: np.ndarray, seed: int, sky) -> dict:
    """Falling-snow particle rows around the spawn (label ``particles``), like the generator's."""
    from ..generation import atmosphere
    from ..generation.surface_splats import make_splats
    from .insert_asset import collider_mesh, ground_height
    from .ops import ensure_label

    mesh = collider_mesh(state)

    def ground_fn(x, z):
        y = ground_height(state, np.stack([np.asarray(x), np.asarray(z)], 1), eye[1] + 40.0, mesh)
        return np.where(np.isfinite(y), y, eye[1] - 1.65)

    n = 2500
    p = atmosphere.snow_particles(n, eye, 40.0, 14.0, ground_fn, seed + 7)
    q = np.zeros((n, 4))
    q[:, 0] = 1
    legend = state.legend()
    lab, _ = ensure_label(legend, "particles")
    sp = make_splats(p["means"], q, np.repeat(p["sigma"][:, None], 3, 1), atmosphere.apply_fog(p["colors"], p["means"], eye, sky, 0.5),
                     np.full(n, 0.85), np.full(n, lab, np.int32))
    k = state.table.sh_coeffs
    sh = np.zeros((n, k, 3), np.float32)
    sh[:, 0, :] = sp.sh[:, 0, :].numpy()
    return {"means": sp.means.numpy(), "quats": sp.quats.numpy(), "log_scales": sp.log_scales.numpy(),
            "logit_opacities": sp.logit_opacities.numpy(), "sh": sh, "labels": sp.labels.numpy().astype(np.int32)}
