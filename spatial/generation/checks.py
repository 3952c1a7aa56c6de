"""Measured acceptance checks of a generated world (used by ``benchmarks/bench_generate.py``).

* :func:`view_coverage` - render the spawn eye's views in 8 directions and measure alpha coverage and
  the share of the most common (16-level quantised) colour: a view must be covered (no holes to
  the background) and not be one flat colour. The sky dome is a full sphere, so it alone fills any
  hole: the check also renders the *surfaces* alone (no sky, no particles) and requires them to cover
  every pixel whose view ray points below the horizon (holes in the ground would show the dome).
* :func:`walk_check` - the spawn stands on the collider, and a character controller walks from it
  along the world's clear walk heading: >= 30 m outdoors, across the room (up to the far wall)
  indoors, without falling through or getting stuck.

Each returns a dict of measured values plus ``ok`` against the thresholds of issue 6.
"""

from __future__ import annotations

import numpy as np
import torch

from ..core.labels import label_id

#: issue 6 thresholds
MIN_ALPHA = 0.99  # mean alpha of every view, and share of pixels with alpha > 0.9
MAX_TOP_COLOUR = 0.8  # share of the most common quantised colour in a view
OUTDOOR_WALK_M = 30.0
#: a pixel counts as "ground" for the surface coverage when its ray points this far (radians) below the horizon
BELOW_HORIZON = 0.05


def view_coverage(world, width: int = 128, height: int = 72, directions: int = 8, fov_y: float = 60.0) -> dict:
    """Alpha coverage and top-colour share of ``directions`` views from the spawn eye (pitch 0)."""
    from ..rendering.api import render
    from .views import frustum_cull, spawn_camera

    spawn = np.asarray(world.spawn.position, dtype=np.float64)
    eye_h = float((world.metadata or {}).get("eye_height", 1.65))
    s = world.splats
    if s.labels is not None:
        surfaces = s[(s.labels != label_id("sky")) & (s.labels != label_id("particles"))]
    else:
        surfaces = s
    alpha_mean, alpha_full, top, ground = [], [], [], []
    for k in range(directions):
        cam = spawn_camera(spawn, world.spawn.yaw_deg + 360.0 * k / directions, width, height, fov_y=fov_y, pitch_deg=0.0, eye_height=eye_h)
        with torch.no_grad():
            out = render(frustum_cull(s, cam), [cam], near=0.05)
            surf = render(frustum_cull(surfaces, cam), [cam], near=0.05).alpha[0, ..., 0]
        a = out.alpha[0, ..., 0]
        alpha_mean.append(float(a.mean()))
        alpha_full.append(float((a > 0.9).float().mean()))
        below = _ray_dirs(cam)[..., 1] < -BELOW_HORIZON
        ground.append(float(surf[below].mean()) if bool(below.any()) else 1.0)
        q = (out.rgb[0].clamp(0, 1) * 15.999).floor().to(torch.int64)
        code = q[..., 0] * 256 + q[..., 1] * 16 + q[..., 2]
        top.append(torch.bincount(code.flatten()).max().item() / code.numel())
    ok = min(alpha_mean) >= MIN_ALPHA and min(alpha_full) >= MIN_ALPHA and max(top) <= MAX_TOP_COLOUR and min(ground) >= MIN_ALPHA
    return {"ok": bool(ok), "min_alpha": min(alpha_mean), "min_alpha_full": min(alpha_full), "max_top_colour": max(top),
            "min_surface_alpha_below_horizon": min(ground)}


def _ray_dirs(cam) -> torch.Tensor:
    """[H, W, 3] world-frame view ray directions of ``cam``'s pixel centres (OpenCV camera axes)."""
    v, u = torch.meshgrid(torch.arange(cam.height, dtype=torch.float32) + 0.5, torch.arange(cam.width, dtype=torch.float32) + 0.5,
                          indexing="ij")
    d = torch.stack([(u - cam.cx) / cam.fx, (v - cam.cy) / cam.fy, torch.ones_like(u)], -1)
    r = cam.viewmat[:3, :3].to(torch.float32)
    return d @ r  # camera -> world: R^T d, i.e. d @ R


def _ground_below(rays, p: np.ndarray) -> float | None:
    loc, _, _ = rays.intersects_location([p + [0, 1.0, 0]], [[0, -1.0, 0]], multiple_hits=False)
    return None if len(loc) == 0 else float(loc[0][1])


def walk_check(world, fps: int = 30, speed_floor: float = 1.0) -> dict:
    """Spawn on the collider, then walk along ``metadata.walk_heading_deg`` with the character controller.

    Target: 30 m outdoors; indoors 85 % of the way from the spawn to the far wall. Stuck = less than
    ``speed_floor`` metres covered in two consecutive seconds; fell = more than 25 m below the spawn."""
    import trimesh

    from ..physics.controller import CharacterController

    meta = world.metadata or {}
    spawn = np.asarray(world.spawn.position, dtype=np.float64)
    rays = trimesh.ray.ray_triangle.RayMeshIntersector(world.collider)
    g = _ground_below(rays, spawn)
    on_collider = g is not None and abs(g - spawn[1]) < 0.02
    indoor = meta.get("scene_family") == "indoor"
    if meta.get("walk_target_m"):
        target = float(meta["walk_target_m"])
    elif indoor:
        room = meta["room"]
        target = 0.85 * (spawn[2] + room["depth"] / 2 - 0.8)
    else:
        target = OUTDOOR_WALK_M
    heading = float(meta.get("walk_heading_deg", world.spawn.yaw_deg))
    cc = CharacterController(world.collider, position=spawn + [0, 0.05, 0])
    last, stuck, fell, stuck_at = spawn.copy(), 0, False, None
    p = spawn.copy()
    for i in range(int(target / 3.0 * fps) + 3 * fps):
        p = cc.step(1 / fps, move=(0, 1), yaw_deg=heading)
        if i % fps == fps - 1:
            moved = float(np.hypot(*(p - last)[[0, 2]]))
            stuck = stuck + 1 if moved < speed_floor else 0
            last = p.copy()
            if stuck >= 2:
                stuck_at = p.copy()
                break
        if p[1] < spawn[1] - 25:
            fell = True
            break
        if np.hypot(*(p - spawn)[[0, 2]]) >= target:
            break
    dist = float(np.hypot(*(p - spawn)[[0, 2]]))
    g_end = _ground_below(rays, p)
    standing = g_end is not None and abs(g_end - p[1]) < 0.2
    ok = on_collider and not fell and stuck_at is None and dist >= target and standing
    return {"ok": bool(ok), "on_collider": bool(on_collider), "target_m": round(float(target), 2), "walked_m": round(dist, 2),
            "fell": fell, "stuck": stuck_at is not None, "standing_at_end": bool(standing), "indoor": indoor,
            "heading_deg": round(heading, 1), "seconds": round((i + 1) / fps, 1)}
