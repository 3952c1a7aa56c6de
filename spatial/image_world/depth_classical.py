"""Classical single-view depth, offline and without weights (Hoiem-style "photo pop-up").

The photo is explained as **sky + ground plane + vertical surfaces standing on the ground (+ a
ceiling indoors)** seen by a level camera at a known eye height:

1. **Segments**: Felzenszwalb's graph segmentation at a working resolution (<= 448 px).
2. **Sky**: bright, blue-dominant or very bright low-texture segments connected to the top row
   and lying above the horizon.
3. **Horizon and field of view** (:mod:`.geometry`): vanishing points of line segments (LSD,
   RANSAC); the horizon is the row of the dominant horizontal vanishing point (else the image
   centre: a level camera); the focal length comes from two orthogonal vanishing points
   (``f^2 = -(v1 - c).(v2 - c)``), else the photo's EXIF, else a phone-like default.
4. **Ground**: the segments at the bottom of the photo seed a colour model (Lab mean/spread);
   adjacent segments below the horizon that fit it are added (region growing).
   Ground depth ``z = f h / (v - v_h)``; where the ground meets the sky above the horizon (rising
   terrain) the per-column skyline replaces the horizon so the ground rises towards it.
5. **Pop-up**: every other segment is vertical; its columns touching the ground take the
   ground depth at the contact row (a vertical surface has constant z down a column for a level
   camera); columns without contact interpolate 1/z linearly between contacts (exact for planar
   walls) or inherit the depth of what holds them up from below (windows on a facade).
6. **Ceiling**: a non-sky segment on the top edge whose lower boundary rests on walls at a
   consistent height ``Hc = z (v_h - v) / f`` becomes a horizontal plane at that height; with a
   ceiling the camera height is re-estimated from a 2.6 m room-height prior.
7. **Edge-aware refinement**: a guided filter (He et al.) of inverse depth with the photo as the
   guide, then a joint upsampling to the photo's resolution.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .faces import PORTRAIT_FACE, PORTRAIT_SKY, largest_face
from .geometry import estimate_horizon_and_focal

#: default eye height of a hand-held photo (metres)
DEFAULT_CAMERA_HEIGHT = 1.6
#: prior height of a room (floor to ceiling, metres), used to estimate the camera height indoors
ROOM_HEIGHT_PRIOR = 2.6
#: farthest ground distance trusted, in camera heights (about 1.15 degrees below the horizon): beyond
#: it a pixel of row error swings the plane's depth wildly and real terrain rarely stays flat
GROUND_FAR_LIMIT = 50.0
#: working resolution (longer side) of the segmentation
WORK_SIDE = 448
#: the farthest wall of an enclosed photo stands at most this factor beyond the farthest floor seen
ROOM_MARGIN = 1.25
#: relative change by the edge-aware filter above which the unfiltered (sharp) depth is kept
SHARP_STEP = 0.08
#: resolution (longer side) of the line-segment geometry (vanishing points)
GEOMETRY_SIDE = 800
#: depth given to sky pixels in the returned map (they are also flagged in ``sky_mask``)
SKY_DEPTH = np.inf


@dataclass
class ClassicalDepth:
    """What :func:`estimate_classical` found (all maps at the photo's resolution)."""

    depth: np.ndarray  # [H,W] float32 camera-space z in metres, inf on sky
    sky_mask: np.ndarray  # [H,W] bool
    ground_mask: np.ndarray  # [H,W] bool
    ceiling_mask: np.ndarray  # [H,W] bool
    focal: float  # pixels at the photo's resolution
    horizon: float  # row of the horizon (pixels, photo resolution)
    camera_height: float  # metres
    fov_source: str  # "vanishing_points" | "exif" | "given" | "default"
    info: dict = field(default_factory=dict)


# ------------------------------------------------------------------------------------- helpers
def _lab(rgb01: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.cvtColor(rgb01.astype(np.float32), cv2.COLOR_RGB2Lab)


def _segments(rgb: np.ndarray) -> np.ndarray:
    from skimage.segmentation import felzenszwalb

    h, w = rgb.shape[:2]
    area = h * w
    return felzenszwalb(rgb, scale=120.0, sigma=0.8, min_size=max(20, area // 1500)).astype(np.int32)


def _segment_stats(seg: np.ndarray, lab: np.ndarray, rgb01: np.ndarray, grad: np.ndarray):
    n = int(seg.max()) + 1
    flat = seg.ravel()
    cnt = np.bincount(flat, minlength=n).astype(np.float64)
    cnt_safe = np.maximum(cnt, 1)
    mean_lab = np.stack([np.bincount(flat, lab[..., k].ravel(), n) for k in range(3)], 1) / cnt_safe[:, None]
    mean_rgb = np.stack([np.bincount(flat, rgb01[..., k].ravel(), n) for k in range(3)], 1) / cnt_safe[:, None]
    var_lab = np.stack([np.bincount(flat, lab[..., k].ravel() ** 2, n) for k in range(3)], 1) / cnt_safe[:, None] - mean_lab ** 2
    mean_grad = np.bincount(flat, grad.ravel(), n) / cnt_safe
    rows = np.broadcast_to(np.arange(seg.shape[0])[:, None], seg.shape).ravel()
    mean_row = np.bincount(flat, rows, n) / cnt_safe
    return cnt, mean_lab, mean_rgb, np.sqrt(np.maximum(var_lab, 0)), mean_grad, mean_row


def _adjacency(seg: np.ndarray) -> list[set]:
    n = int(seg.max()) + 1
    adj = [set() for _ in range(n)]
    for a, b in ((seg[:, :-1], seg[:, 1:]), (seg[:-1, :], seg[1:, :])):
        m = a != b
        for x, y in set(zip(a[m].tolist(), b[m].tolist())):
            adj[x].add(y)
            adj[y].add(x)
    return adj


def guided_filter(guide: np.ndarray, src: np.ndarray, radius: int, eps: float, mask: np.ndarray | None = None) -> np.ndarray:
    """He et al.'s guided filter (grey guide) of ``src``; ``mask`` (1 = valid) gives normalized filtering."""
    import cv2

    k = (2 * radius + 1, 2 * radius + 1)
    g = guide.astype(np.float32)
    s = src.astype(np.float32)
    w = np.ones_like(s) if mask is None else mask.astype(np.float32)

    def box(x):
        return cv2.boxFilter(x, -1, k, normalize=True, borderType=cv2.BORDER_REFLECT)

    wn = np.maximum(box(w), 1e-6)
    mg = box(g * w) / wn
    ms = box(s * w) / wn
    cov = box(g * s * w) / wn - mg * ms
    var = box(g * g * w) / wn - mg * mg
    a = cov / (var + eps)
    b = ms - a * mg
    return box(a) * g + box(b)


# ------------------------------------------------------------------------------------- main
def estimate_classical(rgb: np.ndarray, focal: float | None = None, camera_height: float | None = None,
                       exif_focal: float | None = None, horizon: float | None = None) -> ClassicalDepth:
    """Depth of a photo ``rgb`` (uint8 [H,W,3]) by classical single-view geometry.

    ``focal`` (pixels at this resolution) skips the field-of-view estimate; ``exif_focal`` is used
    when the vanishing points do not give one; ``camera_height`` fixes the eye height (metres).
    """
    import cv2

    H, W = rgb.shape[:2]
    s = min(1.0, WORK_SIDE / max(H, W))
    w, h = max(8, round(W * s)), max(8, round(H * s))
    small = cv2.resize(rgb, (w, h), interpolation=cv2.INTER_AREA) if s < 1 else rgb
    sx, sy = w / W, h / H
    rgb01 = small.astype(np.float32) / 255.0
    grey = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY).astype(np.float32) / 255.0
    gx = cv2.Sobel(grey, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(grey, cv2.CV_32F, 0, 1, ksize=3)
    grad = np.sqrt(gx * gx + gy * gy)

    # ---- horizon and focal length (at the working resolution)
    # line geometry at a finer scale than the segmentation: line angles decide the pitch
    g = min(1.0, GEOMETRY_SIDE / max(H, W))
    geo = cv2.resize(rgb, (max(8, round(W * g)), max(8, round(H * g))), interpolation=cv2.INTER_AREA) if g < 1 else rgb
    hz = estimate_horizon_and_focal(geo)
    k = h / geo.shape[0]  # geometry pixels -> working pixels
    hz.horizon = None if hz.horizon is None else hz.horizon * k
    hz.focal = None if hz.focal is None else hz.focal * k
    hz.zenith_offset = None if hz.zenith_offset is None else hz.zenith_offset * k
    if focal is not None:
        f, fov_source = float(focal) * sx, "given"
    elif hz.focal is not None:
        f, fov_source = hz.focal, "vanishing_points"
    elif exif_focal is not None:
        f, fov_source = float(exif_focal) * sx, "exif"
    else:
        f, fov_source = 0.8 * max(w, h), "default"
    v_h = hz.horizon if hz.horizon is not None else h / 2.0
    if hz.horizon is None and hz.zenith_offset is not None:
        v_h = float(np.clip(hz.horizon_for(f, h / 2.0), -1.5 * h, 2.5 * h))
    if horizon is not None:
        v_h = float(horizon) * sy

    seg = _segments(small)
    lab = _lab(rgb01)
    cnt, mlab, mrgb, slab, mgrad, mrow = _segment_stats(seg, lab, rgb01, grad)
    n = len(cnt)
    adj = _adjacency(seg)
    rows = np.arange(h, dtype=np.float64)

    # ---- sky: sky-like segments connected to the top row, above the horizon
    frac_above = np.bincount(seg.ravel(), (np.broadcast_to(rows[:, None], seg.shape) < v_h + 0.03 * h).ravel(), n) / np.maximum(cnt, 1)
    is_sky = _sky_segments(seg, mrgb, mgrad, frac_above, adj, horizon_known=hz.horizon is not None or hz.zenith_offset is not None)
    # a portrait stands in front of a backdrop: its smooth blue or grey background is not a sky
    face = largest_face(small)
    if face >= PORTRAIT_FACE and is_sky.any() and cnt[is_sky].sum() < PORTRAIT_SKY * cnt.sum():
        is_sky[:] = False
    if is_sky.any() and hz.horizon is None and horizon is None:
        # no horizontal vanishing point: the skyline of open terrain sits just above the horizon; with
        # converging verticals (the pitch) the two fix the focal length as a vanishing-point pair would
        skyline = _skyline(is_sky[seg])
        # sky is never seen below the horizon of level ground: a sky reaching below the image centre means
        # a camera pitched up, and the horizon lies at least that low
        if skyline is not None and skyline > v_h:
            v_h = skyline
            frac_above = np.bincount(seg.ravel(), (np.broadcast_to(rows[:, None], seg.shape) < v_h + 0.03 * h).ravel(), n) / np.maximum(cnt, 1)
            hz.source = "skyline"
            if hz.zenith_offset is not None and fov_source == "default":
                f2 = (v_h - h / 2.0) * -hz.zenith_offset
                if f2 > 0 and 25.0 <= math.degrees(2 * math.atan(0.5 * w / math.sqrt(f2))) <= 120.0:
                    f, fov_source = math.sqrt(f2), "skyline+zenith"

    # ---- ground: colour model seeded by the bottom rows, grown over adjacent segments
    is_ground = np.zeros(n, bool)
    bottom = seg[-max(2, h // 40):, w // 5: w - w // 5]
    seed_ids, seed_cnt = np.unique(bottom, return_counts=True)
    seeds = [int(i) for i, c in zip(seed_ids, seed_cnt) if c >= 0.15 * bottom.size and not is_sky[i]]
    if not seeds and len(seed_ids):
        seeds = [int(seed_ids[np.argmax(seed_cnt)])]
    for i in seeds:
        is_ground[i] = True
    below = 1 - frac_above
    # a horizontal surface is foreshortened: a segment taller than wide is a post, a bin, a person
    ys, xs = np.indices(seg.shape)
    top_r = np.full(n, h); np.minimum.at(top_r, seg.ravel(), ys.ravel())
    bot_r = np.zeros(n, int); np.maximum.at(bot_r, seg.ravel(), ys.ravel())
    lef_c = np.full(n, w); np.minimum.at(lef_c, seg.ravel(), xs.ravel())
    rig_c = np.zeros(n, int); np.maximum.at(rig_c, seg.ravel(), xs.ravel())
    flat_shape = (bot_r - top_r + 1) <= 1.2 * (rig_c - lef_c + 1)
    # segments on the bottom/side borders of the lower image, wholly below the horizon, are ground
    # too (pavements, rugs, a path): a vertical object there would be cut by the frame
    lower = seg[int(min(h - 1, v_h + 0.3 * (h - v_h))):]
    border = set(np.unique(seg[-1]).tolist()) | set(np.unique(lower[:, 0]).tolist()) | set(np.unique(lower[:, -1]).tolist())
    for i in border:
        if frac_above[i] < 0.03 and not is_sky[i] and cnt[i] > 0.002 * h * w and flat_shape[i]:
            seeds.append(int(i))
            is_ground[i] = True
    if seeds:
        wts = cnt[seeds]
        g_mean = (mlab[seeds] * wts[:, None]).sum(0) / wts.sum()
        g_spread = np.maximum((slab[seeds] * wts[:, None]).sum(0) / wts.sum(), [4.0, 3.0, 3.0])
        # lightness varies with shading and haze far more than chroma does: weigh it less
        wl = np.array([4.0, 2.5, 2.5])
        dist = np.sqrt((((mlab - g_mean) / (g_spread * wl)) ** 2).sum(1))
        calm = flat_shape
        groundlike = (dist < 1.0) & ~is_sky & calm
        stack = list(seeds)
        while stack:
            i = stack.pop()
            for j in adj[i]:
                # like the seed model, or (gradual drift: haze, shading) like the ground segment it touches
                near_i = np.sqrt((((mlab[j] - mlab[i]) / (g_spread * 1.5)) ** 2).sum()) < 1.0
                # geometry: the ground lies below the horizon, unless it is terrain rising into the sky
                placed = frac_above[j] < 0.15 or (any(is_sky[k] for k in adj[j]) and frac_above[j] < 0.95)
                if not is_ground[j] and not is_sky[j] and (groundlike[j] or (near_i and calm[j])) and placed:
                    is_ground[j] = True
                    stack.append(j)
    sky_px = is_sky[seg]
    ground_px = is_ground[seg]

    # ---- ground depth: flat plane at the camera height
    hcam = DEFAULT_CAMERA_HEIGHT if camera_height is None else float(camera_height)
    horizon_col = np.full(w, v_h)
    v_rel = (rows[:, None] + 0.5) - horizon_col[None, :]
    z_far = min(f * hcam / 0.5, GROUND_FAR_LIMIT * hcam)
    ground_z = np.where(v_rel > 0.5, f * hcam / np.maximum(v_rel, 0.5), z_far)
    ground_z = np.minimum(ground_z, z_far)

    info = {"segments": n, "sky_segments": int(is_sky.sum()), "ground_segments": int(is_ground.sum()), "face": round(face, 4)}
    # aerial perspective (Koschmieder): far ground fades towards the horizon sky colour
    haze = _haze_depth(rgb01, sky_px, ground_px, ground_z, v_rel, h)
    if haze is not None:
        zh, beta, z_rel = haze
        far = ground_px & (ground_z > z_rel)
        ground_z = np.where(far, np.maximum(zh, z_rel), ground_z)
        # the ground seen up a column never comes nearer (a heightfield seen from above it)
        gz = np.where(ground_px, ground_z, 0.0)
        gz = np.maximum.accumulate(gz[::-1], axis=0)[::-1]
        ground_z = np.where(ground_px, np.minimum(gz, z_far), ground_z)
        info["haze_beta"] = round(float(beta), 6)
    depth = np.full((h, w), np.nan)
    depth[ground_px] = ground_z[ground_px]

    # ---- vertical segments: pop up at their ground contact
    vertical = ~is_sky & ~is_ground
    ceiling = np.zeros(n, bool)
    order = np.argsort(-_segment_bottom(seg, n))  # lowest-standing first
    col_idx = np.arange(w)
    for i in order:
        if not vertical[i]:
            continue
        m = seg == i
        has = m.any(0)
        cols = col_idx[has]
        bot = h - 1 - np.argmax(m[::-1, cols], 0)  # lowest row per column
        below_row = np.minimum(bot + 1, h - 1)
        contact = ground_px[below_row, cols] & (bot < h - 1)
        zc = np.full(len(cols), np.nan)
        if contact.any():
            zc[contact] = ground_z[below_row[contact], cols[contact]]
            zc = _interp_inverse(cols, zc)
        else:
            # rests on something nearer (a window on a facade, a lamp on a table): inherit from below
            under = depth[below_row, cols]
            ok = np.isfinite(under) & (bot < h - 1)
            if ok.any():
                # it rests on its farthest support: a nearer thing below it is more likely an occluder in
                # front of it (a motorcycle before a shelf) than what holds it up
                zc = np.full(len(cols), float(np.quantile(under[ok], 0.8)))
            else:
                zc = np.full(len(cols), np.nan)
        if np.isnan(zc).all():
            continue
        zc = np.where(np.isnan(zc), np.nanmedian(zc), zc)
        col_depth = np.full(w, np.nan)
        col_depth[cols] = zc
        depth[m] = np.broadcast_to(col_depth[None, :], (h, w))[m]

    # ---- ceiling: a top segment resting on walls at a consistent height above the eye
    for i in (np.unique(seg[0]) if not is_sky.any() else []):  # a photo showing sky has no ceiling
        if not vertical[i] or frac_above[i] < 0.95:
            continue
        m = seg == i
        cols = col_idx[m.any(0)]
        bot = h - 1 - np.argmax(m[::-1, cols], 0)
        below_row = np.minimum(bot + 1, h - 1)
        ok = (bot < h - 1) & ~ground_px[below_row, cols] & ~sky_px[below_row, cols] & (seg[below_row, cols] != i)
        if ok.sum() < max(4, 0.3 * len(cols)):
            continue
        zb = depth[below_row[ok], cols[ok]]
        up = v_h - (bot[ok] + 0.5)
        good = np.isfinite(zb) & (up > 1)
        if good.sum() < 4:
            continue
        hc = zb[good] * up[good] / f
        med = float(np.median(hc))
        if med <= 0 or np.std(hc) / med > 0.25:
            continue
        ceiling[i] = True
        vert = (v_h - (rows[:, None] + 0.5))
        cz = np.where(vert > 0.5, f * med / np.maximum(vert, 0.5), f * med / 0.5)
        depth[m] = np.broadcast_to(cz, (h, w))[m]
        info["ceiling_height_above_eye"] = round(med, 3)
    ceil_px = ceiling[seg]

    # ---- leftovers (segments with no support at all): nearest valid value
    hole = np.isnan(depth) & ~sky_px
    if hole.any():
        depth = _fill_nearest(depth, ~np.isnan(depth))
    # camera height from the room-height prior when a ceiling was found
    if ceiling.any() and camera_height is None:
        hc = info["ceiling_height_above_eye"]
        new_h = float(np.clip(ROOM_HEIGHT_PRIOR * hcam / (hcam + hc), 1.0, 2.0))
        depth *= new_h / hcam
        info["ceiling_height_above_eye"] = round(hc * new_h / hcam, 3)
        hcam = new_h

    # ---- bounded by the scene: without sky the photo is enclosed, and walls stand on the floor, so
    # nothing is farther than the farthest floor seen (plus a margin for a wall's own slant)
    if not sky_px.any():
        far_floor = depth[ground_px] if ground_px.sum() > 0.02 * h * w else depth[np.isfinite(depth)]
        if far_floor.size:
            bound = ROOM_MARGIN * float(np.quantile(far_floor, 0.98))
            clipped = float((depth > bound).mean())
            depth = np.minimum(depth, bound)
            info["room_bound_m"] = round(bound, 3)
            info["room_bound_clipped"] = round(clipped, 4)
    raw = depth.astype(np.float32)

    # ---- edge-aware refinement of inverse depth (sky excluded), joint upsampling
    inv = np.where(sky_px, 0.0, 1.0 / np.maximum(depth, 1e-3)).astype(np.float32)
    valid = (~sky_px).astype(np.float32)
    radius = max(2, round(min(w, h) / 96))
    inv = guided_filter(grey, inv, radius, 1e-4, valid)
    if s < 1:
        inv = cv2.resize(inv, (W, H), interpolation=cv2.INTER_LINEAR)
        sky_full = cv2.resize(sky_px.astype(np.uint8), (W, H), interpolation=cv2.INTER_NEAREST).astype(bool)
        ground_full = cv2.resize(ground_px.astype(np.uint8), (W, H), interpolation=cv2.INTER_NEAREST).astype(bool)
        ceil_full = cv2.resize(ceil_px.astype(np.uint8), (W, H), interpolation=cv2.INTER_NEAREST).astype(bool)
        grey_full = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32) / 255.0
        inv = guided_filter(grey_full, inv, max(2, round(radius / s)), 1e-4, (~sky_full).astype(np.float32))
        raw = cv2.resize(raw, (W, H), interpolation=cv2.INTER_NEAREST)
    else:
        sky_full, ground_full, ceil_full = sky_px, ground_px, ceil_px
    smooth = 1.0 / np.maximum(inv, 1.0 / (GROUND_FAR_LIMIT * hcam * 1.5))
    # occlusion boundaries stay sharp: where the filter blended across a depth step, the piecewise
    # (per-segment) depth is kept
    step = np.abs(np.log(np.maximum(smooth, 1e-3) / np.maximum(raw, 1e-3))) > SHARP_STEP
    out = np.where(sky_full, SKY_DEPTH, np.where(step, raw, smooth)).astype(np.float32)
    info.update(horizon_source=hz.source, vanishing_points=hz.vanishing_points, lines=hz.lines,
                work_size=[w, h])
    return ClassicalDepth(out, sky_full, ground_full, ceil_full, f / sx, v_h / sy, hcam, fov_source, info)


def _sky_segments(seg, mrgb, mgrad, frac_above, adj, horizon_known: bool) -> np.ndarray:
    """Which segments are sky: smooth segments with a sky colour, flood-filled from the top row.

    Sky colours cover clear (blue), dusk and night (a dark blue, down to a brightness of 0.06), twilight
    glow (warm, only next to blue sky) and overcast (bright, unsaturated grey). A region counts only when
    it spans a good part of the top of the frame (blue: >= 25 % of the top row, or >= 10 % and a side
    border; grey or black: >= 50 %, and wholly above the horizon): a white sheet of paper on a garage
    wall touching the top edge, a studio backdrop or a dark corner are not a sky."""
    h, w = seg.shape
    n = len(mrgb)
    r, g, b = mrgb[:, 0], mrgb[:, 1], mrgb[:, 2]
    bright = mrgb.mean(1)
    mx, mn = mrgb.max(1), mrgb.min(1)
    sat = (mx - mn) / np.maximum(mx, 1e-3)
    smooth = mgrad < 0.08
    placed = frac_above > (0.9 if horizon_known else 0.5)
    # blue: clearly bluer than red; saturated colours also bluer than green (a deep teal is foliage or
    # water out of focus - a sky that saturated is blue), pale ones may be cyan-grey near the horizon
    blue = (b - r > 0.05) & (b >= g - 0.03) & ((b - g > 0.02) | (sat < 0.3)) & (bright > 0.06)
    overcast = (bright > 0.62) & (sat < 0.18) & (mgrad < 0.05)
    night = (bright < 0.1) & (mgrad < 0.02)
    glow = (r >= b) & (bright > 0.3) & (sat > 0.15) & (mgrad < 0.05)
    # a blue region hanging from the top edge is sky wherever the (possibly guessed) horizon lies
    core = ((blue & smooth) | ((overcast | night) & (frac_above > 0.9)))
    is_sky = np.zeros(n, bool)
    stack = [i for i in np.unique(seg[0]).tolist() if core[i]]
    is_sky[stack] = True
    while stack:
        i = stack.pop()
        for j in adj[i]:
            if not is_sky[j] and (core[j] or (glow[j] and placed[j] and blue[i])):
                is_sky[j] = True
                stack.append(j)
    if not is_sky.any():
        return is_sky
    # keep connected sky regions that span the top of the frame
    from scipy.ndimage import label

    lab, k = label(is_sky[seg])
    keep = np.zeros(k + 1, bool)
    blue_px = blue[seg]
    for c in range(1, k + 1):
        m = lab == c
        top = float(m[0].mean())
        side = bool(m[: h // 2, 0].any() or m[: h // 2, -1].any())
        if blue_px[m].mean() >= 0.5:
            keep[c] = top >= 0.25 or (top >= 0.1 and side)
        else:  # grey and black regions (studio backdrops, dark corners) must span most of the top edge
            keep[c] = top >= 0.5
    ok = keep[lab]
    out = np.zeros(n, bool)
    ids = np.unique(seg[ok & is_sky[seg]])
    out[ids] = True
    return out


def _skyline(sky: np.ndarray) -> float | None:
    """Lowest row of the sky (median over columns of each column's lowest sky pixel): a bound on
    the horizon row, which lies at or below it."""
    h, w = sky.shape
    has = sky.any(0)
    if has.mean() < 0.3:
        return None
    low = h - 1 - np.argmax(sky[::-1], 0)
    v = float(np.quantile(low[has], 0.5)) + 1.0
    return v if 0.15 * h < v < 0.98 * h else None


def _haze_depth(rgb01, sky_px, ground_px, ground_z, v_rel, h):
    """Depth of the ground from aerial perspective, calibrated on the near ground plane.

    Koschmieder's model ``I = J t + A (1 - t)``, ``t = exp(-beta d)``: the airlight ``A`` is the
    sky just above the skyline, the haze-free ground colour ``J`` the nearest ground. The
    transmission is the projection of ``I - A`` on ``J - A``; ``beta`` is fitted where the flat
    ground plane is reliable (well below the horizon). Returns (depth, beta, reliable depth
    limit) or None when the photo shows no usable haze (no sky, no contrast, poor fit)."""
    import cv2

    if sky_px.sum() < 0.02 * sky_px.size or ground_px.sum() < 0.1 * ground_px.size:
        return None
    rows = np.nonzero(sky_px.any(1))[0]
    sky_rows = np.argwhere(sky_px)
    low = sky_rows[:, 0] >= np.quantile(sky_rows[:, 0], 0.9)
    A = rgb01[sky_rows[low, 0], sky_rows[low, 1]].mean(0)
    g_rows = np.argwhere(ground_px)
    near = g_rows[:, 0] >= np.quantile(g_rows[:, 0], 0.85)
    J = rgb01[g_rows[near, 0], g_rows[near, 1]].mean(0)
    d = J - A
    if float(d @ d) < 0.02 or len(rows) == 0:
        return None
    k = max(3, (h // 24) | 1)
    blur = cv2.blur(rgb01 * ground_px[..., None], (k, k)) / np.maximum(cv2.blur(ground_px.astype(np.float32), (k, k)), 1e-3)[..., None]
    t = np.clip(((blur - A) @ d) / float(d @ d), 0.02, 1.0)
    tau = -np.log(t)
    reliable = ground_px & (v_rel > 0.1 * h)
    if reliable.sum() < 50:
        return None
    zr, tr = ground_z[reliable], tau[reliable]
    beta = float((zr * tr).sum() / (zr * zr).sum())
    if not (beta > 1e-5) or np.corrcoef(zr, tr)[0, 1] < 0.7:
        return None
    z_rel = float(np.quantile(zr, 0.95))
    return tau / beta, beta, z_rel


def _segment_bottom(seg: np.ndarray, n: int) -> np.ndarray:
    rows = np.broadcast_to(np.arange(seg.shape[0])[:, None], seg.shape)
    out = np.zeros(n)
    np.maximum.at(out, seg.ravel(), rows.ravel())
    return out


def _interp_inverse(cols: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Fill NaNs of ``z`` over ``cols`` by linear interpolation of 1/z (exact along a planar wall);
    beyond the ends, a line fitted to the nearest contacts (clamped to stay positive)."""
    ok = np.isfinite(z)
    inv = 1.0 / z[ok]
    c = cols[ok].astype(np.float64)
    out = np.interp(cols, c, inv)
    for side in ("left", "right"):
        sel = cols < c.min() if side == "left" else cols > c.max()
        if not sel.any():
            continue
        k = min(len(c), 12)
        cc, ii = (c[:k], inv[:k]) if side == "left" else (c[-k:], inv[-k:])
        if k >= 3 and np.ptp(cc) > 2:
            a, b = np.polyfit(cc, ii, 1)
            ext = a * cols[sel] + b
            lo = ii.min() * 0.5
            out[sel] = np.clip(ext, lo, ii.max() * 2)
    return 1.0 / np.maximum(out, 1e-6)


def _smooth1d(x: np.ndarray, k: int) -> np.ndarray:
    from scipy.ndimage import median_filter, uniform_filter1d

    return uniform_filter1d(median_filter(x, size=k, mode="nearest"), size=k, mode="nearest")


def _fill_nearest(depth: np.ndarray, valid: np.ndarray) -> np.ndarray:
    from scipy.ndimage import distance_transform_edt

    if not valid.any():
        return np.where(np.isnan(depth), 10.0, depth)
    _, (ii, jj) = distance_transform_edt(~valid, return_indices=True)
    return depth[ii, jj]


def fov_from_focal(focal: float, size: int) -> float:
    """Field of view in degrees spanned by ``size`` pixels at focal length ``focal``."""
    return math.degrees(2 * math.atan(0.5 * size / focal))
