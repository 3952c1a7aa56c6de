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


def _scene_from_understanding(u: dict, ground_rgb, vertical_share: float, lines: int) -> tuple[str, str]:
    """(scene type, reason) for what lies beyond the photo, from :func:`.understand.understand`."""
    if u["indoor"]:
        kind = u.get("room_kind") or "living_room"
        return kind, f"indoor photo ({'; '.join(u['reasons'][:1])}): a {kind.replace('_', ' ')}"
    mat = u["materials"]
    if mat["snow"] >= 0.15:
        return "snowy_mountains", f"outdoor, snow covers {mat['snow']:.0%}"
    if mat["water"] >= 0.15:
        return ("beach" if mat["sand"] >= 0.05 else "lake"), f"outdoor, water covers {mat['water']:.0%}"
    if mat["sand"] >= 0.15:
        return "desert", f"outdoor, sand covers {mat['sand']:.0%}"
    if lines >= 20 and vertical_share > 0.25 and mat["vegetation"] < 0.15:
        return "city_street", f"outdoor, {lines} straight line segments and tall vertical structures: urban"
    if mat["road"] >= 0.15 and mat["vegetation"] < 0.05:
        return "plaza", f"outdoor, paved ground covers {mat['road']:.0%}"
    if mat["vegetation"] >= 0.3:
        return "broadleaf_forest" if vertical_share > 0.3 else "meadow", f"outdoor, vegetation covers {mat['vegetation']:.0%}"
    h_, s_, v_ = colorsys.rgb_to_hsv(*(ground_rgb or (0.4, 0.5, 0.3)))
    if v_ > 0.8 and s_ < 0.15:
        scene = "snowy_mountains"
    elif 0.07 <= h_ <= 0.17 and s_ > 0.25 and v_ > 0.45:
        scene = "desert"
    else:
        scene = "meadow"
    return scene, f"outdoor, ground colour hue {h_:.2f}, saturation {s_:.2f}, value {v_:.2f}"


def infer_spec(rgb: np.ndarray, depth: DepthResult, prompt: str | None = None, seed: int = 0, understanding: dict | None = None):
    """A :class:`SceneSpec` for the photo (and prompt). Returns (spec, reasons dict).

    Without a prompt the photo decides: indoor photos continue as the room kind
    :func:`.understand.understand` read (living room, office, warehouse), outdoor ones as the biome or
    street their materials and structure say; the light sets the time of day and weather. A prompt, when
    given, decides the scene (the photo's palette still fills the keys it leaves open)."""
    from ..generation import preset
    from .understand import understand

    u = understanding if understanding is not None else understand(rgb, depth)
    reasons: dict = {}
    sky, ground = depth.sky_mask, depth.ground_mask
    vertical = ~sky & ~ground
    g = _median_color(rgb, ground)
    v = _median_color(rgb, vertical)
    lines = depth.info.get("lines", depth.info.get("classical", {}).get("lines", 0)) or 0
    scene, why = _scene_from_understanding(u, g, float(vertical.mean()), int(lines))
    reasons["scene"] = why
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
    lt = u["light"]
    if not prompt and not spec.indoor:
        spec.time_of_day = {"night": "night", "dusk": "sunset"}.get(lt["time"], "day")
        if lt.get("weather") == "overcast":
            spec.weather = "overcast"
        reasons["light"] = f"{lt['time']} ({lt['colour_temperature_k']} K)" + (f", sky {lt['sky']}" if lt.get("sky") else "")
    return spec.validate(), reasons


def lab_stats(photo_rgb: np.ndarray, mask: np.ndarray, lab: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray] | None:
    """(mean, spread) of the photo's CIELAB colours under ``mask`` (``lab``: the photo already in Lab), or None."""
    import cv2

    if mask.sum() < 16:
        return None
    if lab is None:
        lab = cv2.cvtColor(photo_rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)
    px = lab[mask]
    return px.mean(0), px.std(0) + 1e-3


def match_colours(splats, target: tuple[np.ndarray, np.ndarray] | None, select: np.ndarray, strength: float = 1.0,
                  whole: tuple[np.ndarray, np.ndarray] | None = None, mix: float = 0.0):
    """Shift the colours of ``splats[select]`` so their CIELAB mean and spread match ``target`` (the photo
    region's :func:`lab_stats`; Reinhard et al. 2001, colour transfer), in place. The spread ratio is kept
    within 0.5-2 so a flat photo does not flatten the generated world entirely. With ``whole`` (the
    stats of the whole photo) the target mean is ``mix`` of the way from the region's mean to the
    whole photo's: a view of one kind of surface then stays near the photo's overall colour too."""
    import cv2

    from ..core.colour import soft_clip
    from ..core.sh import rgb_to_sh, sh_to_rgb

    if target is None or select.sum() < 8:
        return
    src = sh_to_rgb(splats.sh[torch.from_numpy(select), 0]).clamp(0, 1).numpy().astype(np.float32)
    ls = cv2.cvtColor(src[None], cv2.COLOR_RGB2Lab)[0]
    ms, ss = ls.mean(0), ls.std(0) + 1e-3
    mr, sr = target
    if whole is not None and mix > 0:
        mr = (1 - mix) * mr + mix * whole[0]
    k = np.clip(sr / ss, 0.5, 2.0)
    out = (ls - ms) * k + mr
    out = ls + strength * (out - ls)
    out[:, 0] = soft_clip(out[:, 0], 0.0, 100.0, 12.0)  # darks keep their spread, not a black fill
    rgb = np.clip(cv2.cvtColor(out[None].astype(np.float32), cv2.COLOR_Lab2RGB)[0], 0, 1)
    splats.sh[torch.from_numpy(select), 0] = rgb_to_sh(torch.from_numpy(rgb)).to(splats.sh.dtype)


def _project_inside(points: np.ndarray, cam: PhotoCamera, margin: float | tuple[float, float] = 0.0,
                    radius: np.ndarray | float = 0.0) -> np.ndarray:
    """True where world points (spheres of ``radius``) can project into the canvas of ``cam`` grown by
    ``margin`` pixels (negative: shrunk; a pair gives (horizontal, vertical))."""
    mx, my = (margin, margin) if np.isscalar(margin) else margin
    z = -points[:, 2]
    zc = np.maximum(z, 1e-3)
    u = points[:, 0] / zc * cam.focal + cam.cx
    v = (cam.eye_height - points[:, 1]) / zc * cam.focal + cam.cy
    r = np.asarray(radius) * cam.focal / zc
    front = z + radius > 0.05
    near_eye = np.linalg.norm(points - np.array([0.0, cam.eye_height, 0.0]), axis=1) < np.asarray(radius) + 0.05
    return (front & (u > -mx - r) & (u < cam.width + mx + r) & (v > -my - r) & (v < cam.height + my + r)) | near_eye


def fade_margins(splats, select: np.ndarray, canvas_cam: PhotoCamera, seam: tuple[float, float], floor: float = 0.5):
    """Cross-fade: opacity of ``splats[select]`` (the outpainted margins) falls linearly to ``floor`` over
    the outer ``seam`` pixels of the canvas, where the generator's splats take over. In place."""
    if not select.any() or (seam[0] <= 0 and seam[1] <= 0):
        return
    idx = torch.from_numpy(np.nonzero(select)[0])
    p = splats.means[idx].double().numpy()
    zc = np.maximum(-p[:, 2], 1e-3)
    u = p[:, 0] / zc * canvas_cam.focal + canvas_cam.cx
    v = (canvas_cam.eye_height - p[:, 1]) / zc * canvas_cam.focal + canvas_cam.cy
    fx = np.clip(np.minimum(u, canvas_cam.width - u) / max(seam[0], 1e-6), 0, 1) if seam[0] > 0 else np.ones_like(u)
    fy = np.clip(np.minimum(v, canvas_cam.height - v) / max(seam[1], 1e-6), 0, 1) if seam[1] > 0 else np.ones_like(v)
    f = np.maximum(np.minimum(fx, fy), floor)
    a = torch.sigmoid(splats.logit_opacities[idx]).double() * torch.from_numpy(f)
    a = a.clamp(1e-4, 1 - 1e-4)
    splats.logit_opacities[idx] = torch.log(a / (1 - a)).to(splats.logit_opacities.dtype)


#: legacy indoor scene type -> the compositional generator's interior shell that continues such a photo
#: (a grey-floored interior in a photo is most often a garage)
ROOM_SHELLS = {"warehouse": "garage"}


def continue_world(spec, canvas_cam: PhotoCamera, budget: int = 120_000, keep_sky: bool = True, seam: tuple[float, float] = (0.0, 0.0)):
    """Generator splats and collider outside the photo canvas, in the photo's frame.

    ``seam`` (pixels, horizontal and vertical) keeps the generator's splats over that outer band of
    the canvas too, so the photo's faded margins (:func:`fade_margins`) blend into them instead of
    meeting them at a hard cut. Returns (splats, collider trimesh or None, info)."""
    from ..generation import generate

    w, shell_used, shell_error = None, None, None
    shell = ROOM_SHELLS.get(spec.scene_type) if spec.indoor else None
    if shell is not None:
        # the compositional generator's interior shells (being rewritten: a failure falls back to the legacy room)
        try:
            from ..generation.graph import ROOM_SHELLS as available
            from ..generation.presets import preset_graph

            if shell in available:
                w = generate(spec=preset_graph(shell, seed=int(spec.seed)), quality="draft", splats=int(budget), preview=False, refine=False)
                shell_used = shell
        except Exception as e:  # noqa: BLE001 - a generator in flux must not break image -> world
            shell_error = f"{type(e).__name__}: {e}"
    if w is None:
        w = generate(spec=spec, quality="draft", splats=int(budget), preview=False, refine=False)
    yaw = math.radians(w.spawn.yaw_deg)
    # rotate about +Y: the generator's heading becomes +Z, behind the photographer, and its spawn moves to
    # the origin. The photo shows what lies ahead; the generated scene (a room seen from near one wall,
    # a landscape seen from its edge) opens up behind, so turning round looks into it, not at its wall
    c, s = math.cos(math.pi - yaw), math.sin(math.pi - yaw)
    R = np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])
    t = -R @ np.asarray(w.spawn.position, float)
    sp = w.splats.transform(torch.from_numpy(R), torch.from_numpy(t))
    pts = sp.means.double().numpy()
    inside = _project_inside(pts, canvas_cam, margin=(-2.0 - seam[0], -2.0 - seam[1]), radius=3.0 * sp.scales.max(1).values.double().numpy())
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
    info = {"scene_type": spec.scene_type, "shell": shell_used, "generator_splats": len(w.splats), "kept": int(keep.sum()),
            "yaw_deg": round(float(w.spawn.yaw_deg), 3)}
    if shell_error:
        info["shell_error"] = shell_error
    return sp, collider, info


#: labels of horizontal generator surfaces (textured in the ground plane); the rest are textured upright
_HORIZONTAL = ("ground", "floor", "road", "water", "ceiling")


def _texture_patch(photo_rgb: np.ndarray, mask: np.ndarray, side: int = 128) -> np.ndarray | None:
    """The photo's texture under ``mask`` as a float patch (bounding box, outside pixels inpainted), or None."""
    import cv2

    if mask.sum() < 64:
        return None
    ys, xs = np.nonzero(mask)
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    crop, m = photo_rgb[y0:y1, x0:x1], mask[y0:y1, x0:x1]
    s = min(1.0, side / max(crop.shape[:2]))
    if s < 1:
        crop = cv2.resize(crop, (max(2, round(crop.shape[1] * s)), max(2, round(crop.shape[0] * s))), interpolation=cv2.INTER_AREA)
        m = cv2.resize(m.astype(np.uint8), (crop.shape[1], crop.shape[0]), interpolation=cv2.INTER_NEAREST).astype(bool)
    if (~m).any():
        crop = cv2.inpaint(np.ascontiguousarray(crop), (~m).astype(np.uint8), 3, cv2.INPAINT_TELEA)
    return crop.astype(np.float32) / 255.0


def transfer_texture(splats, select: np.ndarray, photo_rgb: np.ndarray, photo_mask: np.ndarray, period_m: float = 2.0,
                     strength: float = 0.8, grain: float = 3.0, seed: int = 0) -> None:
    """Give ``splats[select]`` the photo's texture detail (in place): the photo region under ``photo_mask``
    is tiled (mirrored) over the generated surfaces, horizontal ones in their ground-plane coordinates
    and upright ones in (x + z, y), one patch per ``period_m`` metres, and its deviation from its mean
    colour is added to each splat's colour. The generated world keeps its layout and shading; its
    surfaces stop being flat fills and carry the grain, stains and pattern of the photo's. Each splat
    also gets luminance grain of ``grain`` 8-bit levels (standard deviation), the floor the lifted photo
    gets too (:func:`.outpaint.grain_floor`): a photo region with almost no detail (a dark uniform)
    still leaves no surface plastic-smooth."""
    from ..core.colour import soft_clip
    from ..core.labels import label_id
    from ..core.sh import rgb_to_sh, sh_to_rgb

    if not select.any():
        return
    idx = np.nonzero(select)[0]
    tidx = torch.from_numpy(idx)
    rgb = sh_to_rgb(splats.sh[tidx, 0]).clamp(0, 1).numpy()
    add = np.random.default_rng(seed).standard_normal((len(idx), 1)) * (grain / 255.0)
    patch = _texture_patch(photo_rgb, photo_mask)
    if patch is not None:
        detail = patch - patch.reshape(-1, 3).mean(0)
        ph, pw = detail.shape[:2]
        p = splats.means[tidx].double().numpy()
        horiz = np.zeros(len(idx), bool)
        if splats.labels is not None:
            lab = splats.labels[tidx].numpy()
            for name in _HORIZONTAL:
                horiz |= lab == label_id(name)
        s = np.where(horiz, p[:, 0], p[:, 0] + p[:, 2]) / period_m
        t = np.where(horiz, p[:, 2], -p[:, 1]) / period_m * (ph / pw)

        def mirror(x, n):  # mirrored tiling: no seams between repeats
            x = np.mod(x, 2.0) * n
            return np.clip(np.where(x < n, x, 2 * n - 1 - x), 0, n - 1).astype(np.int64)

        add = add + strength * detail[mirror(t, ph), mirror(s, pw)]
    rgb = soft_clip(rgb + add, 0.0, 1.0, 0.06).astype(np.float32)
    splats.sh[tidx, 0] = rgb_to_sh(torch.from_numpy(rgb)).to(splats.sh.dtype)
