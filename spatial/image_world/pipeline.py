"""Photo -> World: load -> depth -> outpaint -> lift -> beyond -> refine -> colliders -> spawn.

:func:`image_to_world` is what ``spatial.generate(image=...)`` and ``spatial generate --image``
call. Stages (timed in ``world.timings``):

1. **load** (:mod:`.photo`): header-checked decode, EXIF orientation, resize to the tier's size;
   2:1 seamless images go the panorama route (:mod:`.panorama`);
2. **depth** (:mod:`.depth`): classical pop-up or a learned model, in metres;
3. **outpaint** (:mod:`.outpaint`): the canvas grows 60 % of the width left and right and 20 %
   of the height up and down (a 1 m step plus a 15 degree turn stays on it);
4. **lift** (:mod:`.lift`): foreground, background (disocclusion) and sky layers;
5. **beyond** (:mod:`.beyond`): the procedural generator fills the rest of the 360 degrees;
6. **refine**: :func:`spatial.fit` on the input view (fixed positions and shapes; colours,
   opacities and sizes adjust) so the photo is reproduced at its camera;
7. **collider**: the depth map as a triangle grid, cut at depth discontinuities and at the sky,
   plus the generator's collider outside the photo;
8. **spawn** at the photo's feet, heading into the photo (yaw 0 = -Z).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import torch

from .. import __version__
from .._progress import StageProgress
from ..core.camera import Camera
from ..core.colour import to_uint8
from ..fitting.metrics import psnr_uint8 as psnr
from ..core.labels import DEFAULT_LEGEND
from ..core.splats import Splats
from ..errors import ValidationError
from ..world import Spawn, World
from .lift import PhotoCamera

GENERATOR_NAME = "spatial.image_world"
GENERATOR_VERSION = "1.0.0"


@dataclass(frozen=True)
class Tier:
    max_side: int  # working size of the photo (longer side)
    fit_steps: int  # refinement steps on the input view
    beyond_splats: int  # generator budget outside the photo
    margin_stride: int  # splat stride in the outpainted margins


TIERS = {
    "draft": Tier(512, 15, 60_000, 2),
    "standard": Tier(640, 10, 120_000, 2),
    "high": Tier(1280, 100, 400_000, 2),
}
#: splats the near field may add (:func:`.detail.subdivide_near`), as a multiple of the tier's generator budget
NEAR_FIELD = 3
#: ... as seen from anywhere within this many metres of the spawn (the gallery's 1 m right, 2 m forward)
NEAR_REACH = 2.0
#: horizon of a photo of open terrain seen from low (no sky, the top of the frame is ground), as a share
#: of the photo's height above its top
TERRAIN_HORIZON = 0.1
#: canvas growth (fraction of the photo) on each side: horizontal, vertical
MARGINS = (0.6, 0.2)
#: outer share of each margin where the photo's outpainted canvas fades into the generated world
SEAM = (0.25, 0.35)


def _rgb_from_render(out) -> np.ndarray:
    return to_uint8(out.rgb[0])


def depth_collider(depth: np.ndarray, sky: np.ndarray, cam: PhotoCamera, stride: int = 4, max_jump: float = 0.12):
    """Triangle grid of the depth map (every ``stride`` pixels), without triangles over the sky or
    across depth discontinuities (relative jump > ``max_jump``): the surfaces the photo shows."""
    import trimesh

    d = depth[::stride, ::stride]
    s = sky[::stride, ::stride] | ~np.isfinite(d)
    h, w = d.shape
    rows, cols = np.meshgrid(np.arange(h) * stride + (stride - 1) / 2, np.arange(w) * stride + (stride - 1) / 2, indexing="ij")
    P = cam.points(np.where(s, 1.0, d), rows, cols).reshape(-1, 3)
    idx = np.arange(h * w).reshape(h, w)
    a, b, c, e = idx[:-1, :-1].ravel(), idx[:-1, 1:].ravel(), idx[1:, 1:].ravel(), idx[1:, :-1].ravel()
    dd, ss = d.ravel(), s.ravel()
    faces = []
    for tri in (np.stack([a, e, c], 1), np.stack([a, c, b], 1)):
        z = dd[tri]
        ok = ~ss[tri].any(1)
        zs = np.where(ok[:, None], z, 1.0)
        ok &= (zs.max(1) / np.maximum(zs.min(1), 1e-6)) < 1 + max_jump * np.maximum(1.0, stride / 4)
        faces.append(tri[ok])
    f = np.concatenate(faces)
    if len(f) == 0:
        return None
    return trimesh.Trimesh(P, f, process=False)


def _refine(splats: Splats, cam: Camera, rgb: np.ndarray, steps: int, seed: int, movable: np.ndarray | None = None) -> tuple[Splats, dict]:
    """Fit the splats the input camera sees (``movable`` ones only) to the photo; positions and
    rotations stay fixed, colours, opacities and sizes adjust."""
    from ..fitting import fit

    with torch.no_grad():
        vm = cam.viewmat
        xc = splats.means @ vm[:3, :3].T + vm[:3, 3]
        z = xc[:, 2]
        u = xc[:, 0] / z.clamp_min(1e-6) * cam.fx + cam.cx
        v = xc[:, 1] / z.clamp_min(1e-6) * cam.fy + cam.cy
        m = 3
        vis = (z > 0.05) & (u > -m) & (u < cam.width + m) & (v > -m) & (v < cam.height + m)
        if movable is not None:
            vis &= torch.from_numpy(np.asarray(movable, bool))
    if steps <= 0 or int(vis.sum()) == 0:
        return splats, {"status": "skipped"}
    sub = splats[vis]
    lrs = {"means": 0.0, "quats": 0.0, "log_scales": 2e-3, "logit_opacities": 3e-2, "sh0": 2.5e-2}
    res = fit(sub.with_sh_degree(0), [(cam, rgb)], steps=int(steps), strategy="none", seed=int(seed) & 0x7FFFFFFF,
              sh_degree=0, lrs=lrs, progress=False, ssim_lambda=0.0)
    fitted = res.splats.to(dtype=torch.float32)
    out = splats.with_sh_degree(0).clone()
    idx = torch.nonzero(vis).squeeze(1)
    for name in ("log_scales", "logit_opacities", "sh"):
        getattr(out, name)[idx] = getattr(fitted, name).to(getattr(out, name).dtype)
    hist = res.history
    return out, {"status": "done", "steps": int(steps), "splats": int(vis.sum()),
                 "loss_first": round(float(hist[0]["loss"]), 6) if hist else None,
                 "loss_last": round(float(hist[-1]["loss"]), 6) if hist else None}


def image_to_world(image, prompt: str | None = None, seed: int = 0, quality: str = "standard", method: str = "auto",
                   model: str | None = None, fov: float | None = None, camera_height: float | None = None,
                   beyond: bool = True, refine: bool | None = None, preview: bool = True, progress: bool = False,
                   panorama: bool | None = None) -> World:
    """Turn one photo (path or uint8 array) or an equirectangular panorama into a walkable :class:`World`.

    Args:
        image: file path or ``uint8 [H,W,3]`` array.
        prompt: optional text steering what the world looks like beyond the photo.
        seed: seed of the procedural continuation and the refinement.
        quality: ``"draft"``, ``"standard"`` or ``"high"`` (:data:`TIERS`).
        method: depth method, ``"auto"`` | ``"classical"`` | ``"learned"`` (see :func:`.depth.estimate_depth`).
        model: learned depth model folder or hub id.
        fov: known vertical field of view in degrees (skips the estimate).
        camera_height: known eye height in metres.
        beyond: continue the world outside the photo with the procedural generator.
        refine: fit the input view (default on).
        panorama: force (True) or forbid (False) the panorama route; None detects it.
    """
    from .photo import load_photo

    if quality not in TIERS:
        raise ValidationError(f"quality must be one of {', '.join(TIERS)}; got {quality!r}")
    tier = TIERS[quality]
    timings: dict[str, float] = {}
    t_all = time.perf_counter()
    bar = StageProgress(progress, 7, "image -> world")
    bar.step("load")
    t0 = time.perf_counter()
    photo = load_photo(image, max_side=tier.max_side if panorama is not True else 2 * tier.max_side)
    rgb = photo.rgb
    from .panorama import is_equirectangular

    is_pano = is_equirectangular(rgb) if panorama is None else bool(panorama)
    if is_pano and max(rgb.shape[:2]) > 2 * tier.max_side:
        from .photo import _resize

        rgb = _resize(rgb, 2 * tier.max_side)
    elif not is_pano and max(rgb.shape[:2]) > tier.max_side:
        from .photo import _resize

        rgb = _resize(rgb, tier.max_side)
    timings["load"] = time.perf_counter() - t0
    do_refine = True if refine is None else bool(refine)
    if is_pano:
        world = _panorama_world(rgb, photo, prompt, seed, quality, tier, method, model, camera_height, beyond, do_refine, preview, timings, bar)
    else:
        world = _photo_world(rgb, photo, prompt, seed, quality, tier, method, model, fov, camera_height, beyond, do_refine, preview, timings, bar)
    bar.close()
    timings["total"] = time.perf_counter() - t_all
    world.timings = timings
    return world


def _photo_world(rgb, photo, prompt, seed, quality, tier, method, model, fov, camera_height, beyond, do_refine, preview, timings, bar) -> World:
    from .beyond import continue_world, fade_margins, infer_spec, lab_stats, match_colours, transfer_texture
    from .depth import estimate_depth
    from .understand import understand
    from .lift import lift
    from .outpaint import GRAIN_FLOOR, extend, grain_floor

    H, W = rgb.shape[:2]
    bar.step("depth")
    t0 = time.perf_counter()
    focal = None if fov is None else 0.5 * H / math.tan(math.radians(float(fov)) / 2)
    d = estimate_depth(rgb, method=method, model=model, focal=focal, camera_height=camera_height, exif_focal=photo.exif_focal)
    timings["depth"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    understanding = understand(rgb, d)
    if understanding.get("terrain") and d.horizon > 0:
        # the whole frame is one ground surface seen from low: the horizon lies above the frame, the
        # camera looks down, and the depth is the ground plane's everywhere
        d = estimate_depth(rgb, method=method, model=model, focal=focal, camera_height=camera_height,
                           exif_focal=photo.exif_focal, horizon=-TERRAIN_HORIZON * H)
        understanding["reasons"].append(f"horizon placed {TERRAIN_HORIZON:.0%} of the height above the frame")
    timings["understand"] = time.perf_counter() - t0

    bar.step("lift")
    t0 = time.perf_counter()
    mx, my = int(round(MARGINS[0] * W)), int(round(MARGINS[1] * H))
    cv = extend(rgb, d.depth, d.sky_mask, mx, mx, my, my)
    cv.rgb = grain_floor(cv.rgb, ~cv.sky, seed=seed)  # smooth surfaces keep a photo's grain when seen closer
    ground = np.pad(d.ground_mask, ((my, my), (mx, mx)), mode="edge")
    canvas_cam = PhotoCamera(d.focal, W / 2 + mx, d.horizon + my, W + 2 * mx, H + 2 * my, d.camera_height)
    photo_cam = PhotoCamera(d.focal, W / 2, d.horizon, W, H, d.camera_height)
    splats, lift_stats = lift(cv.rgb, cv.depth, cv.sky, ground, canvas_cam, cv.inside, margin_stride=tier.margin_stride)
    layers = lift_stats.pop("layers")
    timings["lift"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    spec, reasons = infer_spec(rgb, d, prompt, seed, understanding=understanding)
    timings["understand"] += time.perf_counter() - t0
    collider_b, beyond_info = None, None
    if beyond:
        bar.step("beyond")
        t0 = time.perf_counter()
        seam = (SEAM[0] * mx, SEAM[1] * my)
        sb, collider_b, beyond_info = continue_world(spec, canvas_cam, tier.beyond_splats, seam=seam)
        sb = sb.with_sh_degree(0)
        from ..core.labels import label_id
        from .detail import subdivide_near

        # surfaces near the spawn: split the generator's coarse splats so they carry the photo's grain
        not_sky = (sb.labels != label_id("sky")).numpy() if sb.labels is not None else np.ones(len(sb), bool)
        n_before = len(sb)
        sb, _ = subdivide_near(sb, not_sky, (0.0, canvas_cam.eye_height, 0.0), max_new=NEAR_FIELD * tier.beyond_splats,
                                reach=NEAR_REACH)
        beyond_info["near_field_splats_added"] = len(sb) - n_before
        # the generated world takes the photo's colours: ground and walls from the photo's non-sky
        # pixels, the sky dome from the photo's sky (when it shows one)
        gen_sky = (sb.labels == label_id("sky")).numpy() if sb.labels is not None else np.zeros(len(sb), bool)
        # ground-like surfaces take the photo's ground (colour and grain), the rest its walls and objects
        gl = sb.labels.numpy() if sb.labels is not None else np.zeros(len(sb), np.int32)
        flat_kind = np.isin(gl, [label_id(k) for k in ("ground", "floor", "road")])
        ground_src = d.ground_mask if d.ground_mask.mean() >= 0.03 else ~d.sky_mask
        # indoors the upright part of the photo is its walls; outdoors it is mostly the subject (a person,
        # a rocket), so the generated buildings and trees take the whole non-sky photo
        upright = ~d.sky_mask & ~d.ground_mask
        wall_src = upright if understanding["indoor"] and upright.mean() >= 0.03 else ~d.sky_mask
        import cv2

        lab = cv2.cvtColor(rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)
        st_ground, st_wall, st_all = (lab_stats(rgb, m, lab) for m in (ground_src, wall_src, ~d.sky_mask))
        for lid in np.unique(gl):  # each kind of surface on its own: a view of one wall sees that kind's mean
            sel = (gl == lid) & ~gen_sky
            match_colours(sb, st_ground if flat_kind[sel].any() else st_wall, sel, whole=st_all, mix=0.5)
        if d.sky_mask.mean() >= 0.03:
            match_colours(sb, lab_stats(rgb, d.sky_mask, lab), gen_sky)
        transfer_texture(sb, flat_kind & ~gen_sky, rgb, ground_src, grain=GRAIN_FLOOR, seed=seed)
        transfer_texture(sb, ~flat_kind & ~gen_sky, rgb, wall_src, grain=GRAIN_FLOOR, seed=seed + 1)
        splats = Splats.concat([splats.with_sh_degree(0), sb])
        layers = np.concatenate([layers, np.full(len(sb), 3, np.int8)])
        fade_margins(splats, layers == 1, canvas_cam, seam)
        beyond_info["seam_px"] = [round(seam[0], 1), round(seam[1], 1)]
        timings["beyond"] = time.perf_counter() - t0

    cam = photo_cam.camera("photo")
    refine_info = None
    if do_refine:
        bar.step("refine")
        t0 = time.perf_counter()
        splats, refine_info = _refine(splats, cam, rgb, tier.fit_steps, seed, movable=layers == 0)
        timings["refine"] = time.perf_counter() - t0

    bar.step("collider")
    t0 = time.perf_counter()
    collider = _merge_colliders([depth_collider(cv.depth, cv.sky, canvas_cam, stride=max(2, round(max(W, H) / 160))), collider_b,
                                 _feet_patch(canvas_cam)])
    timings["collider"] = time.perf_counter() - t0

    from ..rendering.api import render

    with torch.no_grad():
        shown = _rgb_from_render(render(splats, cam))
    input_psnr = psnr(shown, rgb)
    img = None
    if preview:
        img = shown
    meta = {
        "created": None,
        "source_image": photo.source,
        "image": dict(photo.info, original_size=list(photo.original_size)),
        "depth": d.to_dict(),
        "lift": lift_stats,
        "beyond": beyond_info,
        "spec_reasons": reasons,
        "understanding": understanding,
        "refine": refine_info,
        "input_view_psnr": round(input_psnr, 3),
        "eye_height": round(d.camera_height, 4),
        "panorama": False,
    }
    return World(
        splats=splats, collider=collider, spawn=Spawn((0.0, 0.0, 0.0), 0.0),
        name=(prompt or "image")[:60], prompt=prompt or "", spec=spec.to_dict(), seed=int(seed),
        generator={"name": GENERATOR_NAME, "version": GENERATOR_VERSION, "spatial": __version__, "quality": quality},
        labels=dict(DEFAULT_LEGEND), cameras=[cam], metadata=meta, preview=img,
    )


def _panorama_world(pano, photo, prompt, seed, quality, tier, method, model, camera_height, beyond, do_refine, preview, timings, bar) -> World:
    from .panorama import face_rays, lift_panorama, panorama_depth, sample_equirect

    H, W = pano.shape[:2]
    bar.step("depth")
    t0 = time.perf_counter()
    dist, sky, ground, eye, pinfo = panorama_depth(pano, method=method, model=model, camera_height=camera_height)
    timings["depth"] = time.perf_counter() - t0
    bar.step("lift")
    t0 = time.perf_counter()
    splats = lift_panorama(pano, dist, sky, ground, eye)
    timings["lift"] = time.perf_counter() - t0
    # the 8 horizontal views (90 degrees) the refinement fits and the checks compare
    size = int(np.clip(W // 4, 64, 512))
    views = []
    for k in range(8):
        yaw = 45.0 * k
        cam = view_camera(eye, yaw, size)

        target = np.clip(sample_equirect(pano, face_rays(size, yaw)) + 0.5, 0, 255).astype(np.uint8)
        views.append((cam, target))
    refine_info = None
    if do_refine and tier.fit_steps > 0:
        bar.step("refine")
        t0 = time.perf_counter()
        from ..fitting import fit

        lrs = {"means": 0.0, "quats": 0.0, "log_scales": 2e-3, "logit_opacities": 3e-2, "sh0": 2.5e-2}
        res = fit(splats, views, steps=max(8, tier.fit_steps), strategy="none", seed=int(seed) & 0x7FFFFFFF, sh_degree=0,
                  lrs=lrs, progress=False, ssim_lambda=0.0)
        splats = res.splats.to(dtype=torch.float32)
        refine_info = {"status": "done", "steps": max(8, tier.fit_steps), "views": len(views)}
        timings["refine"] = time.perf_counter() - t0
    bar.step("collider")
    t0 = time.perf_counter()
    collider = _panorama_collider(dist, sky, eye, stride=max(2, W // 512))
    timings["collider"] = time.perf_counter() - t0
    img = None
    if preview:
        from ..rendering.api import render

        with torch.no_grad():
            img = _rgb_from_render(render(splats, views[0][0]))
    spec = {"scene_type": "panorama"}
    meta = {"created": None, "source_image": photo.source, "image": dict(photo.info, original_size=list(photo.original_size)),
            "panorama": True, "depth": pinfo, "eye_height": round(eye, 4), "refine": refine_info,
            }
    return World(
        splats=splats, collider=collider, spawn=Spawn((0.0, 0.0, 0.0), 0.0), name=(prompt or "panorama")[:60],
        prompt=prompt or "", spec=spec, seed=int(seed),
        generator={"name": GENERATOR_NAME, "version": GENERATOR_VERSION, "spatial": __version__, "quality": quality},
        labels=dict(DEFAULT_LEGEND), cameras=[c for c, _ in views], metadata=meta, preview=img,
    )


def view_camera(eye_height: float, yaw_deg: float, size: int, fov: float = 90.0) -> Camera:
    """Level square camera at the spawn eye turned by ``yaw_deg`` (CCW from -Z)."""
    a = math.radians(yaw_deg)
    eye = np.array([0.0, eye_height, 0.0])
    fwd = np.array([-math.sin(a), 0.0, -math.cos(a)])
    return Camera.look_at(eye.tolist(), (eye + fwd).tolist(), size, size, fov)


def _panorama_collider(dist, sky, eye, stride: int = 2, max_jump: float = 0.12):
    import trimesh

    from .panorama import directions

    H, W = dist.shape
    d = dist[::stride, ::stride]
    s = sky[::stride, ::stride] | ~np.isfinite(d)
    dirs = directions(H, W)[::stride, ::stride]
    P = (dirs * np.where(s, 1.0, d)[..., None] + np.array([0, eye, 0])).reshape(-1, 3)
    h, w = d.shape
    idx = np.arange(h * w).reshape(h, w)
    nxt = np.roll(idx, -1, axis=1)  # wraps around in longitude
    a, b, c, e = idx[:-1].ravel(), nxt[:-1].ravel(), nxt[1:].ravel(), idx[1:].ravel()
    dd, ss = d.ravel(), s.ravel()
    faces = []
    for tri in (np.stack([a, e, c], 1), np.stack([a, c, b], 1)):
        ok = ~ss[tri].any(1)
        z = np.where(ok[:, None], dd[tri], 1.0)
        ok &= (z.max(1) / np.maximum(z.min(1), 1e-6)) < 1 + max_jump
        faces.append(tri[ok])
    f = np.concatenate(faces)
    return trimesh.Trimesh(P, f, process=False) if len(f) else None


def _feet_patch(cam: PhotoCamera, segments: int = 32):
    """Ground disc (y = 0) around the spawn out to just past where the canvas' lowest row meets the ground.

    The photographer's feet and the ground in front of them are below the picture, so neither the depth
    collider nor the generator's (dropped inside the canvas) covers them; without this the walker would
    fall through right in front of the spawn."""
    import trimesh

    below = max(cam.height - cam.cy, 1.0)  # pixels from the horizon to the bottom row
    radius = float(np.clip(cam.eye_height * cam.focal / below + 1.0, 2.0, 30.0))
    a = np.linspace(0, 2 * np.pi, segments, endpoint=False)
    rim = np.stack([radius * np.cos(a), np.zeros_like(a), radius * np.sin(a)], 1)
    verts = np.vstack([[0.0, 0.0, 0.0], rim])
    i = np.arange(segments)
    faces = np.stack([np.zeros_like(i), (i + 1) % segments + 1, i + 1], 1)  # counter-clockwise seen from +Y
    return trimesh.Trimesh(verts, faces, process=False)


def _merge_colliders(meshes):
    import trimesh

    ms = [m for m in meshes if m is not None and len(m.faces)]
    if not ms:
        return None
    return trimesh.util.concatenate(ms) if len(ms) > 1 else ms[0]
