"""What the photo shows, without weights: indoor or outdoor, regions, materials, palette and light.

:func:`understand` reads a photo and its :class:`~.depth.DepthResult` (which already holds the sky,
ground and ceiling masks of the classical pop-up) and returns a JSON-able dict recorded as
``metadata.understanding`` in world.json and printed by ``spatial generate --image``:

* **indoor / outdoor**: a photo showing sky (>= 3 % of the frame, found by the sky test of
  :mod:`.depth_classical`: clear, overcast, dusk or night), or a large share of vegetation, water,
  snow or sand on its ground, is outdoors; one without any of them is enclosed (rooms, studios,
  close-ups on a table) and indoors. A **portrait** (a frontal face at least 15 % of the frame's
  height, scikit-image's LBP face cascade) is taken in front of a backdrop: a blue or grey backdrop
  is not a sky and its lower part not water, so it is outdoors only on strong evidence (sky >= 40 %
  or vegetation >= 30 %). A frame whose ground and top (the pop-up's "ceiling") cover >= 40 % and
  have one colour (CIELAB distance < 8) is open terrain seen from low (a savanna, a lawn), not a room. Every cue that fired is listed in ``reasons``.
* **regions**: shares of sky, ground, ceiling and walls (everything else that stands up).
* **materials** (shares of the frame, HSV rules on smooth segments): vegetation (green-yellow hue,
  saturated), water (blue-cyan ground below the horizon), snow (bright, unsaturated ground), sand
  (warm, moderately saturated ground), road (grey, unsaturated ground); the ground materials are only
  counted outdoors (a wooden floor is not sand).
* **palette**: 5 dominant colours (k-means in CIELAB) with their shares.
* **light**: colour temperature (grey-world illuminant -> CIE xy -> McCamy's CCT), the direction the
  light comes from in the image (large-scale shading gradient) and the time: night (dark sky or a dark
  frame), dusk (a dim or warm sky), day; indoors ``interior`` with warm or cool artificial light.
* **room kind** (indoors): ``warehouse`` (a grey unsaturated floor: garages, workshops, halls),
  ``living_room`` (warm light or warm materials), ``office`` (cool, neutral light and walls); **biome**
  (outdoors) is chosen in :func:`.beyond.infer_spec` from these figures.
"""

from __future__ import annotations

import math

import numpy as np

from .depth import DepthResult
from .faces import PORTRAIT_FACE, PORTRAIT_SKY, largest_face

#: sky share of the frame above which a photo is outdoors
SKY_OUTDOOR = 0.03
#: share of the frame covered by an outdoor material (vegetation, water, snow, sand) that makes it outdoors
MATERIAL_OUTDOOR = 0.15
#: a frame whose ground and top (the pop-up's "ceiling") cover at least this share together and have
#: the same colour (CIELAB distance below TERRAIN_DELTA_E) is open terrain seen from low, not a room
#: (the closest room here, motorcycle_left.png's garage, measures 13.7)
TERRAIN_SHARE, TERRAIN_DELTA_E = 0.4, 8.0
#: vegetation share that still makes a portrait outdoors (the sky share is :data:`.faces.PORTRAIT_SKY`)
PORTRAIT_VEGETATION = 0.3


def _hsv(rgb01: np.ndarray):
    import cv2

    hsv = cv2.cvtColor(rgb01.astype(np.float32), cv2.COLOR_RGB2HSV)
    return hsv[..., 0] / 360.0, hsv[..., 1], hsv[..., 2]


def _lab(rgb01: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.cvtColor(rgb01.astype(np.float32), cv2.COLOR_RGB2Lab)


def colour_temperature(rgb01: np.ndarray, mask: np.ndarray | None = None) -> float:
    """Correlated colour temperature (kelvin) of the grey-world illuminant of ``rgb01`` (sRGB in 0..1).

    Mid-tone pixels (neither clipped nor black) are linearised and averaged; the mean goes through the
    sRGB -> XYZ matrix to CIE xy and McCamy's cubic gives the CCT (clipped to 1500-15000 K)."""
    px = rgb01.reshape(-1, 3) if mask is None else rgb01[mask]
    v = px.max(1)
    px = px[(v > 0.08) & (v < 0.98)]
    if len(px) < 16:
        return 6500.0
    lin = np.where(px <= 0.04045, px / 12.92, ((px + 0.055) / 1.055) ** 2.4).mean(0)
    M = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    X, Y, Z = M @ lin
    s = X + Y + Z
    if s <= 1e-9:
        return 6500.0
    x, y = X / s, Y / s
    n = (x - 0.3320) / (0.1858 - y)
    cct = 449.0 * n ** 3 + 3525.0 * n ** 2 + 6823.3 * n + 5520.33
    return float(np.clip(cct, 1500.0, 15000.0))


def palette(rgb01: np.ndarray, k: int = 5, mask: np.ndarray | None = None, seed: int = 0) -> list[dict]:
    """``k`` dominant colours (k-means in CIELAB over at most 20k pixels), most common first."""
    import cv2

    px = rgb01.reshape(-1, 3) if mask is None else rgb01[mask]
    if len(px) < k:
        return []
    rng = np.random.default_rng(seed)
    if len(px) > 20000:
        px = px[rng.choice(len(px), 20000, replace=False)]
    lab = _lab(px[None].astype(np.float32))[0]
    cv2.setRNGSeed(seed)
    crit = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 0.5)
    _, lbl, _ = cv2.kmeans(lab.astype(np.float32), k, None, crit, 2, cv2.KMEANS_PP_CENTERS)
    lbl = lbl.ravel()
    out = []
    for c in range(k):
        m = lbl == c
        if not m.any():
            continue
        col = np.median(px[m], 0)
        out.append({"rgb": [round(float(v), 4) for v in col], "hex": "#" + "".join(f"{int(round(v * 255)):02x}" for v in col),
                    "share": round(float(m.mean()), 4)})
    return sorted(out, key=lambda d: -d["share"])


def light_direction(grey: np.ndarray, mask: np.ndarray) -> dict:
    """Where the light comes from in the image: the mean gradient of the large-scale shading (the photo
    blurred by 1/16 of its size) over ``mask``, as an image-plane angle (0 = from the right, 90 = from
    above) and a strength (mean gradient relative to the mean brightness)."""
    import cv2

    h, w = grey.shape
    k = max(3, (max(h, w) // 16) | 1)
    g = cv2.GaussianBlur(grey.astype(np.float32), (k, k), 0)
    gx = cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3)
    if mask.sum() < 16:
        return {"image_angle_deg": None, "strength": 0.0, "from": "unknown"}
    mx, my = float(gx[mask].mean()), float(-gy[mask].mean())  # +y up
    strength = math.hypot(mx, my) * max(h, w) / max(float(g[mask].mean()), 1e-3) / 8.0
    ang = math.degrees(math.atan2(my, mx))
    side = "right" if -45 <= ang < 45 else "above" if 45 <= ang < 135 else "below" if -135 <= ang < -45 else "left"
    return {"image_angle_deg": round(ang, 1), "strength": round(strength, 3), "from": side if strength > 0.05 else "diffuse"}


def understand(rgb: np.ndarray, d: DepthResult) -> dict:
    """JSON-able description of the photo ``rgb`` (uint8 [H,W,3]) given its depth result ``d``."""
    import cv2

    H, W = rgb.shape[:2]
    s = min(1.0, 320.0 / max(H, W))
    small = cv2.resize(rgb, (max(8, round(W * s)), max(8, round(H * s))), interpolation=cv2.INTER_AREA) if s < 1 else rgb
    h, w = small.shape[:2]

    def down(m):
        return cv2.resize(np.asarray(m, np.uint8), (w, h), interpolation=cv2.INTER_NEAREST).astype(bool)

    sky, ground = down(d.sky_mask), down(d.ground_mask)
    ceiling = down(d.ceiling_mask) if d.ceiling_mask is not None else np.zeros((h, w), bool)
    wall = ~sky & ~ground & ~ceiling
    rgb01 = small.astype(np.float32) / 255.0
    hue, sat, val = _hsv(rgb01)
    grey = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY).astype(np.float32) / 255.0
    lap = np.abs(cv2.Laplacian(cv2.GaussianBlur(grey, (3, 3), 0), cv2.CV_32F))
    texture = cv2.blur(lap, (7, 7))
    rows = (np.arange(h)[:, None] + 0.5) / s
    below = np.broadcast_to(rows > d.horizon, (h, w))

    # ---- materials
    vegetation = (hue > 0.14) & (hue < 0.47) & (sat > 0.22) & (val > 0.12) & ~sky
    water = ground & below & (hue > 0.47) & (hue < 0.72) & (sat > 0.15) & (texture < 0.04)
    snow = ground & (val > 0.78) & (sat < 0.1)
    sand = ground & (hue > 0.06) & (hue < 0.15) & (sat > 0.18) & (sat < 0.6) & (val > 0.45)
    road = ground & (sat < 0.12) & (val > 0.15) & (val < 0.75) & (texture < 0.05)
    fr = {"vegetation": float(vegetation.mean()), "water": float(water.mean()), "snow": float(snow.mean()),
          "sand": float(sand.mean()), "road": float(road.mean())}

    # ---- indoor / outdoor
    sky_share = float(sky.mean())
    reasons = []
    outdoor = False
    face = float(d.info["face"]) if "face" in d.info else largest_face(rgb)
    portrait = face >= PORTRAIT_FACE
    sky_needed, veg_needed = (PORTRAIT_SKY, PORTRAIT_VEGETATION) if portrait else (SKY_OUTDOOR, MATERIAL_OUTDOOR)
    if portrait:
        reasons.append(f"a portrait (a face {face:.0%} of the frame's height): the background is a backdrop unless "
                       f"sky >= {PORTRAIT_SKY:.0%} or vegetation >= {PORTRAIT_VEGETATION:.0%}")
    if sky_share >= sky_needed:
        outdoor = True
        reasons.append(f"sky covers {sky_share:.0%} of the frame")
    if fr["vegetation"] >= veg_needed:
        outdoor = True
        reasons.append(f"vegetation covers {fr['vegetation']:.0%}")
    if (not portrait and sky_share >= 0.005) or outdoor:  # ground materials only count with some open sky or other outdoor evidence
        for k in ("water", "snow", "sand"):
            if fr[k] >= MATERIAL_OUTDOOR:
                outdoor = True
                reasons.append(f"{k} covers {fr[k]:.0%} of the ground")
    terrain = False
    if not outdoor and not portrait and ceiling.mean() > 0.005 and ground.mean() + ceiling.mean() >= TERRAIN_SHARE:
        # the "ceiling" of the pop-up has the ground's own colour: the frame is one surface seen from
        # low above (a savanna, a lawn), not a room, whose ceiling differs from its floor
        lab = _lab(rgb01)
        de = float(np.linalg.norm(lab[ceiling].mean(0) - lab[ground].mean(0)))
        if de < TERRAIN_DELTA_E:
            outdoor = terrain = True
            reasons.append(f"ground and a 'ceiling' of the same surface cover {ground.mean() + ceiling.mean():.0%} "
                           f"(CIELAB distance {de:.1f}): open terrain seen from low")
            for k in ("water", "snow", "sand"):
                if fr[k] >= MATERIAL_OUTDOOR:
                    reasons.append(f"{k} covers {fr[k]:.0%} of the ground")
    if not outdoor:
        reasons.append("no sky and no outdoor ground material: an enclosed space")
        if d.ceiling_mask is not None and d.ceiling_mask.any():
            reasons.append("a ceiling plane rests on the walls")
        for k in ("water", "snow", "sand", "road"):
            fr[k] = 0.0
    materials = {k: round(v, 4) for k, v in fr.items()}

    # ---- light
    cct = colour_temperature(rgb01, ~sky if (~sky).sum() > 64 else None)
    lum = float((0.2126 * rgb01[..., 0] + 0.7152 * rgb01[..., 1] + 0.0722 * rgb01[..., 2]).mean())
    sky_info = None
    if sky.sum() > 16:
        sh, ss, sv = (float(np.median(x[sky])) for x in (hue, sat, val))
        sky_info = {"hue": round(sh, 3), "saturation": round(ss, 3), "value": round(sv, 3)}
    if outdoor:
        if sky_info is not None and sky_info["value"] < 0.18 or (sky_info is None and lum < 0.12):
            time = "night"
        elif sky_info is not None and (sky_info["value"] < 0.5 and sky_info["saturation"] > 0.3
                                       or (sky_info["hue"] < 0.12 or sky_info["hue"] > 0.9) and sky_info["saturation"] > 0.3):
            time = "dusk"
        elif lum < 0.12:
            time = "night"
        else:
            time = "day"
        weather = "overcast" if sky_info is not None and sky_info["saturation"] < 0.12 and sky_info["value"] > 0.5 else "clear"
    else:
        time = "interior"
        weather = None
    light = {"colour_temperature_k": round(cct), "mean_luminance": round(lum, 4), "time": time,
             "direction": light_direction(grey, ~sky), "sky": sky_info}
    if weather:
        light["weather"] = weather
    else:
        light["artificial"] = "warm" if cct < 4200 else "cool"

    # ---- room kind (indoors)
    room = None
    if not outdoor:
        fl = ground if ground.sum() > 0.03 * h * w else np.zeros_like(ground)
        floor_sat = float(np.median(sat[fl])) if fl.any() else None
        floor_val = float(np.median(val[fl])) if fl.any() else None
        warm_share = float((((hue < 0.12) | (hue > 0.92)) & (sat > 0.25) & (val > 0.15)).mean())
        if floor_sat is not None and floor_sat < 0.15 and 0.2 < floor_val < 0.85 and ground.mean() >= 0.15:
            room = ("warehouse", f"grey unsaturated floor (saturation {floor_sat:.2f}, value {floor_val:.2f}): a garage or hall")
        elif cct < 4200 or warm_share > 0.3:
            room = ("living_room", f"warm light ({cct:.0f} K) or warm materials ({warm_share:.0%} of the frame)")
        else:
            room = ("office", f"cool neutral light ({cct:.0f} K)")
        reasons.append(f"room kind {room[0]}: {room[1]}")
    return {
        "indoor": not outdoor,
        "reasons": reasons,
        "regions": {"sky": round(sky_share, 4), "ground": round(float(ground.mean()), 4),
                    "ceiling": round(float(ceiling.mean()), 4), "wall": round(float(wall.mean()), 4)},
        "materials": materials,
        "palette": palette(rgb01),
        "light": light,
        "room_kind": room[0] if room else None,
        "portrait": bool(portrait),
        "terrain": bool(terrain),
    }


def summary_lines(u: dict) -> list[str]:
    """Short human-readable lines for the CLI report."""
    lt = u["light"]
    lines = [f"photo: {'indoor' if u['indoor'] else 'outdoor'}" + (f" ({u['room_kind']})" if u.get("room_kind") else "")
             + f"; {'; '.join(u['reasons'][:2])}"]
    reg = ", ".join(f"{k} {v:.0%}" for k, v in u["regions"].items())
    mat = ", ".join(f"{k} {v:.0%}" for k, v in u["materials"].items() if v >= 0.01) or "none"
    lines.append(f"regions: {reg}; materials: {mat}")
    lines.append(f"light: {lt['time']}, {lt['colour_temperature_k']} K, from {lt['direction']['from']}; palette "
                 + " ".join(p["hex"] for p in u["palette"]))
    return lines
