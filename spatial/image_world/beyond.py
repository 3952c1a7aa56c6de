"""Beyond the frame: the procedural generator continues the world outside the photo's view.

The photo only shows a wedge of the world. :func:`infer_spec` reads a
:class:`~spatial.generation.spec.SceneSpec` from the photo (and the optional prompt, which wins for
what it names): indoor when a ceiling and no sky were found; urban when straight structure lines
and sky are seen; otherwise a nature scene chosen by the ground's colour. The palette is sampled
from the photo (median ground / vertical / sky colours), the time of day and weather from the sky.

:func:`continue_world` builds that spec with :func:`spatial.generate`'s world builder (draft,
no refinement, no preview), turns it so the generator's spawn heading is the photo's heading
(-Z), moves its spawn to the photo's feet, and removes everything the photo itself shows: splats
and collider triangles that project into the (extended) photo canvas, so the photo's own layers
own its view and the generator fills the rest of the 360 degrees.
"""

from __future__ import annotations

import colorsys
import math

import numpy as np
import torch

from .depth import DepthResult
from .lift import PhotoCamera


def _median_color(rgb: np.ndarray, mask: np.ndarray) -> tuple[float, float, float] | None:
    if mask.sum() < 20:
        return None
    c = np.median(rgb[mask].reshape(-1, 3), axis=0) / 255.0
    return tuple(float(np.clip(v, 0.0, 1.0)) for v in c)


def infer_spec(rgb: np.ndarray, depth: DepthResult, prompt: str | None = None, seed: int = 0):
    """A :class:`SceneSpec` for the photo (and prompt). Returns (spec, reasons dict)."""
    from ..generation.spec import preset

    reasons: dict = {}
    sky, ground = depth.sky_mask, depth.ground_mask
    vertical = ~sky & ~ground
    g = _median_color(rgb, ground)
    v = _median_color(rgb, vertical)
    s = _median_color(rgb, sky)
    has_ceiling = "ceiling_height_above_eye" in depth.info or "ceiling_height_above_eye" in depth.info.get("classical", {})
    lines = depth.info.get("lines", depth.info.get("classical", {}).get("lines", 0)) or 0
    if sky.mean() < 0.01 and (has_ceiling or vertical.mean() > 0.5):
        scene = "living_room"
        reasons["scene"] = "no sky, a ceiling or walls all around: indoor"
    elif lines >= 20 and vertical.mean() > 0.25:
        scene = "city_street"
        reasons["scene"] = f"{lines} straight line segments and tall vertical structures: urban"
    else:
        h_, s_, v_ = colorsys.rgb_to_hsv(*(g or (0.4, 0.5, 0.3)))
        if v_ > 0.8 and s_ < 0.15:
            scene = "snowy_mountains"
        elif 0.07 <= h_ <= 0.17 and s_ > 0.25 and v_ > 0.45:
            scene = "desert"
        elif 0.17 < h_ < 0.45 and s_ > 0.2:
            scene = "meadow" if (vertical.mean() < 0.15) else "broadleaf_forest"
        else:
            scene = "meadow"
        reasons["scene"] = f"ground colour hue {h_:.2f}, saturation {s_:.2f}, value {v_:.2f}"
    spec = preset(scene, seed=int(seed) & 0x7FFFFFFFFFFFFFFF)
    if prompt:
        from ..generation.prompt import parse_prompt

        ps, _ = parse_prompt(prompt, seed=int(seed), use_embedding=False)
        spec = ps
        reasons["scene"] = f"from the prompt: {ps.scene_type}"
    pal = dict(spec.palette)
    if g:
        pal.setdefault("floor" if spec.indoor else "ground", g)
    if v:
        key = "wall" if spec.indoor else ("facade" if spec.family == "urban" else "foliage")
        pal.setdefault(key, v)
    spec.palette = pal
    if s and not prompt:
        hh, ss, vv = colorsys.rgb_to_hsv(*s)
        if vv < 0.25:
            spec.time_of_day = "night"
        elif (hh < 0.12 or hh > 0.9) and ss > 0.3:
            spec.time_of_day = "sunset"
        elif ss < 0.12 and vv < 0.85:
            spec.weather = "overcast"
        reasons["sky"] = f"sky colour hue {hh:.2f}, saturation {ss:.2f}, value {vv:.2f}"
    return spec.validate(), reasons


def _project_inside(points: np.ndarray, cam: PhotoCamera, margin: float = 0.0, radius: np.ndarray | float = 0.0) -> np.ndarray:
    """True where world points (spheres of ``radius``) can project into the canvas of ``cam``."""
    z = -points[:, 2]
    zc = np.maximum(z, 1e-3)
    u = points[:, 0] / zc * cam.focal + cam.cx
    v = (cam.eye_height - points[:, 1]) / zc * cam.focal + cam.cy
    m = margin + np.asarray(radius) * cam.focal / zc
    front = z + radius > 0.05
    near_eye = np.linalg.norm(points - np.array([0.0, cam.eye_height, 0.0]), axis=1) < np.asarray(radius) + 0.05
    return (front & (u > -m) & (u < cam.width + m) & (v > -m) & (v < cam.height + m)) | near_eye


def continue_world(spec, canvas_cam: PhotoCamera, budget: int = 120_000, keep_sky: bool = True):
    """Generator splats and collider outside the photo canvas, in the photo's frame.

    Returns (splats, collider trimesh or None, info)."""
    from ..generation.world_builder import build_world

    w = build_world(spec, quality="draft", splats=int(budget), preview=False, refine=False)
    yaw = math.radians(w.spawn.yaw_deg)
    # rotate about +Y by -yaw: the generator's heading becomes -Z; its spawn moves to the origin
    c, s = math.cos(-yaw), math.sin(-yaw)
    R = np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])
    t = -R @ np.asarray(w.spawn.position, float)
    sp = w.splats.transform(torch.from_numpy(R), torch.from_numpy(t))
    pts = sp.means.double().numpy()
    inside = _project_inside(pts, canvas_cam, margin=-2.0, radius=3.0 * sp.scales.max(1).values.double().numpy())
    from ..core.labels import label_id

    sky_id = label_id("sky")
    is_sky = (sp.labels == sky_id).numpy() if sp.labels is not None else np.zeros(len(sp), bool)
    keep = ~inside & (keep_sky | ~is_sky)
    sp = sp[torch.from_numpy(keep)]
    collider = None
    if w.collider is not None and len(w.collider.faces):
        import trimesh

        m = w.collider.copy()
        T = np.eye(4)
        T[:3, :3], T[:3, 3] = R, t
        m.apply_transform(T)
        cent = m.triangles_center
        drop = _project_inside(cent, canvas_cam, margin=-2.0)
        if (~drop).any():
            collider = trimesh.Trimesh(m.vertices, m.faces[~drop], process=False)
    info = {"scene_type": spec.scene_type, "generator_splats": len(w.splats), "kept": int(keep.sum()),
            "yaw_deg": round(float(w.spawn.yaw_deg), 3)}
    return sp, collider, info
