"""Analytic sky: colour by sun elevation, clouds, stars; emitted as a dome of far splats.

The model is a Preetham-style gradient, simplified: a zenith colour and a horizon colour
chosen by time of day (sun elevation), mixed by ``(1 - dir.y)^k``; a Mie-like glow and a disc
around the sun; fBm clouds whose coverage follows the weather and whose colour follows the
sun; stars and a moon at night. The same :class:`Sky` gives the lighting (sun direction and
colour, sky ambient) and the fog colour, so a world's light and its sky agree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..core.colour import linear_to_srgb as _linear_to_srgb
from ..core.colour import srgb_to_linear  # noqa: F401 (the generator's colour helpers import it from here)
from .noise import fbm, hash_cells


@dataclass
class Sky:
    time_of_day: str
    weather: str
    sun_dir: np.ndarray  # unit vector toward the sun (or the moon at night)
    sun_color: np.ndarray  # linear RGB irradiance of direct light
    ambient: np.ndarray  # linear RGB sky ambient (upper hemisphere)
    zenith: np.ndarray  # sRGB
    horizon: np.ndarray  # sRGB
    below: np.ndarray  # sRGB colour of the dome below the horizon (far ground haze)
    cloud_cover: float
    cloud_color: np.ndarray  # sRGB
    fog_color: np.ndarray  # sRGB
    fog_density: float  # per metre (extinction), baked into splat colours by distance from the spawn
    night: bool
    seed: int

    def to_dict(self) -> dict:
        r = lambda a: [round(float(x), 4) for x in a]  # noqa: E731
        return {"sun_dir": r(self.sun_dir), "sun_color": r(self.sun_color), "ambient": r(self.ambient), "zenith": r(self.zenith),
                "horizon": r(self.horizon), "cloud_cover": round(self.cloud_cover, 3), "fog_color": r(self.fog_color),
                "fog_density": round(self.fog_density, 5)}


#: sun elevation (degrees), zenith sRGB, horizon sRGB, sun colour (linear, intensity included), ambient (linear)
TIME_TABLE = {
    "dawn": (7.0, (0.36, 0.47, 0.72), (0.98, 0.72, 0.55), (1.25, 0.80, 0.52), (0.22, 0.22, 0.30)),
    "day": (52.0, (0.24, 0.45, 0.85), (0.72, 0.83, 0.95), (1.45, 1.36, 1.22), (0.30, 0.36, 0.48)),
    "sunset": (5.0, (0.25, 0.30, 0.58), (1.00, 0.58, 0.30), (1.35, 0.68, 0.32), (0.20, 0.17, 0.24)),
    "night": (38.0, (0.015, 0.025, 0.07), (0.06, 0.09, 0.17), (0.10, 0.13, 0.20), (0.030, 0.040, 0.075)),
}


def linear_to_srgb(c):
    """sRGB encoding keeping light above 1 (clipped later): :func:`spatial.core.colour.linear_to_srgb`."""
    return _linear_to_srgb(c, upper=None)


def make_sky(time_of_day: str, weather: str, seed: int, view_heading_deg: float = 0.0, indoor: bool = False,
             sun_offset_deg: float | None = None, sun_elevation_deg: float | None = None) -> Sky:
    """Sky for a time of day and weather. The sun's azimuth is placed relative to the spawn
    heading so the spawn view shows the interesting part (sunset glow ahead, day light from the side);
    a layout may override the offset and the daytime elevation (a street canyon takes the sun from
    behind, along the street, so the street is sunlit)."""
    elev, zen, hor, sun, amb = TIME_TABLE[time_of_day]
    zen, hor, sun, amb = (np.array(v, dtype=np.float64) for v in (zen, hor, sun, amb))
    offset = {"dawn": 35.0, "sunset": -35.0, "day": 125.0, "night": 150.0}[time_of_day]
    if sun_offset_deg is not None and time_of_day == "day":
        offset = float(sun_offset_deg)
    if sun_elevation_deg is not None and time_of_day == "day":
        elev = float(sun_elevation_deg)
    az = math.radians(view_heading_deg + offset)
    # heading: 0 looks along -Z, positive turns left (counter-clockwise from +Y)
    horiz = np.array([-math.sin(az), 0.0, -math.cos(az)])
    e = math.radians(elev)
    sun_dir = horiz * math.cos(e) + np.array([0.0, math.sin(e), 0.0])
    night = time_of_day == "night"
    cloud = {"clear": 0.25, "fog": 0.45, "overcast": 0.92, "snow": 0.97}[weather]
    fog = {"clear": 0.0025, "fog": 0.02, "overcast": 0.005, "snow": 0.016}[weather]
    brightness = {"dawn": 0.8, "day": 1.0, "sunset": 0.75, "night": 0.08}[time_of_day]
    cloud_col = np.clip(np.array([1.0, 0.97, 0.93]) * (0.55 + 0.45 * srgb_to_linear(hor).mean() ** 0.3), 0, 1)
    if time_of_day in ("dawn", "sunset"):
        cloud_col = np.clip(0.55 * hor + 0.45 * np.array([0.95, 0.85, 0.85]), 0, 1)
    if night:
        cloud_col = np.array([0.10, 0.11, 0.15])
    if weather in ("overcast", "snow"):
        grey = np.array([0.66, 0.68, 0.72]) if weather == "overcast" else np.array([0.78, 0.80, 0.84])
        zen = grey * (0.85 * brightness ** 0.7) * np.array([0.96, 0.98, 1.0])
        hor = grey * brightness ** 0.7 * 1.02
        cloud_col = np.clip(grey * brightness ** 0.7, 0, 1)
        # an overcast sky lights the ground about as brightly as it looks (a white surface ~ the sky's radiance)
        amb = amb * 0.5 + srgb_to_linear(hor) * 0.75
        sun = sun * 0.12
    elif weather == "fog":
        fog_grey = np.array([0.80, 0.82, 0.84]) * brightness ** 0.6
        hor = 0.35 * hor + 0.65 * fog_grey
        zen = 0.5 * zen + 0.5 * fog_grey
        amb = amb * 0.8 + srgb_to_linear(fog_grey) * 0.25
        sun = sun * 0.45
    hor, zen = np.clip(hor, 0, 1), np.clip(zen, 0, 1)
    fog_color = hor.copy() if weather != "fog" else np.clip(0.45 * hor + 0.55 * np.array([0.78, 0.80, 0.82]) * brightness ** 0.6, 0, 1)
    below = np.clip(hor * 0.82, 0, 1)
    if indoor:
        fog = 0.0
    return Sky(time_of_day, weather, sun_dir, sun, amb, zen, hor, below, cloud, cloud_col, fog_color, fog, night, seed)


def sky_color(dirs: np.ndarray, sky: Sky, clouds: bool = True) -> np.ndarray:
    """sRGB colour of the sky seen along unit ``dirs`` [N, 3]."""
    d = np.asarray(dirs, dtype=np.float64)
    y = d[:, 1]
    up = np.clip(y, 0, 1)
    t = (1.0 - up) ** 3.0
    col = sky.zenith[None] * (1 - t[:, None]) + sky.horizon[None] * t[:, None]
    # glow around the sun (Mie-like forward scattering), strongest at dawn/sunset
    cosg = np.clip(d @ sky.sun_dir, -1, 1)
    if not sky.night:
        sun_lin = sky.sun_color / max(sky.sun_color.max(), 1e-6)
        glow_strength = 0.45 if sky.time_of_day in ("dawn", "sunset") else 0.18
        glow = glow_strength * np.exp((cosg - 1) * 9.0) + 0.9 * np.exp((cosg - 1) * 900.0)
        glow *= 0.25 if sky.weather in ("overcast", "snow") else 1.0
        col = col + glow[:, None] * (0.6 * sun_lin[None] + 0.4)
    else:
        moon = np.exp((cosg - 1) * 2500.0)
        col = col + moon[:, None] * np.array([0.85, 0.88, 0.95])[None]
    if clouds and sky.cloud_cover > 0:
        # project onto a cloud layer: (x, z) / y, fBm coverage threshold
        yy = np.maximum(y, 0.02)
        p = np.stack([d[:, 0] / yy, d[:, 2] / yy], -1) * 1.1
        n = 0.5 + 0.5 * fbm(p, sky.seed + 501, octaves=5)
        cover = np.clip((n - (1 - sky.cloud_cover)) / 0.22, 0, 1) * np.clip(y / 0.08, 0, 1)
        lit = sky.cloud_color[None] * (0.82 + 0.18 * (0.5 + 0.5 * fbm(p * 2.3, sky.seed + 77, octaves=3)))[:, None]
        if not sky.night and sky.weather == "clear":
            lit = lit + 0.25 * np.exp((cosg - 1) * 4.0)[:, None] * (sky.sun_color / max(sky.sun_color.max(), 1e-6))[None]
        col = col * (1 - cover[:, None] * 0.92) + lit * cover[:, None] * 0.92
    # below the horizon: far ground haze
    below = np.clip(-y / 0.05, 0, 1)
    col = col * (1 - below[:, None]) + sky.below[None] * below[:, None]
    return np.clip(col, 0, 1)


def fibonacci_sphere(n: int) -> np.ndarray:
    i = np.arange(n, dtype=np.float64) + 0.5
    y = 1 - 2 * i / n
    r = np.sqrt(1 - y * y)
    th = math.pi * (1 + 5**0.5) * i
    return np.stack([r * np.cos(th), y, r * np.sin(th)], -1)


def dome(sky: Sky, n: int, radius: float, center) -> dict:
    """Sky dome splat parameters: ``means``, ``normals`` (facing the centre), ``sigma`` (tangent), ``colors``.

    The upper hemisphere gets 3/4 of the points (that is where detail is); stars at night."""
    n_up = int(n * 0.75)
    up = fibonacci_sphere(2 * n_up)
    up = up[up[:, 1] >= -0.02]
    lo = fibonacci_sphere(2 * (n - len(up)))
    lo = lo[lo[:, 1] < -0.02]
    dirs = np.concatenate([up, lo])
    area_up = 2 * math.pi * radius**2 / max(len(up), 1)
    area_lo = 2 * math.pi * radius**2 / max(len(lo), 1)
    sigma = np.concatenate([np.full(len(up), math.sqrt(area_up)), np.full(len(lo), math.sqrt(area_lo))]) * 0.75
    cols = sky_color(dirs, sky)
    means = np.asarray(center, dtype=np.float64)[None] + dirs * radius
    out = {"means": means, "normals": -dirs, "sigma": sigma, "colors": cols}
    if sky.night and sky.weather in ("clear", "fog"):
        ns = 1500
        sd = fibonacci_sphere(ns * 2)
        sd = sd[sd[:, 1] > 0.05]
        jitter = hash_cells(sky.seed + 9, np.arange(len(sd)), np.zeros(len(sd), dtype=np.int64))
        keep = jitter < 0.6
        sd = sd[keep]
        rot = np.array([[0.8, 0.0, 0.6], [0.0, 1.0, 0.0], [-0.6, 0.0, 0.8]])
        sd = sd @ rot.T
        sd = sd[sd[:, 1] > 0.05]
        b = hash_cells(sky.seed + 11, np.arange(len(sd)), np.ones(len(sd), dtype=np.int64))
        star_cols = np.clip((0.45 + 0.55 * b[:, None] ** 3) * np.array([[0.92, 0.95, 1.0]]) * (0.3 if sky.weather == "fog" else 1.0), 0, 1)
        r2 = radius * 0.98
        out["means"] = np.concatenate([out["means"], np.asarray(center)[None] + sd * r2])
        out["normals"] = np.concatenate([out["normals"], -sd])
        out["sigma"] = np.concatenate([out["sigma"], np.full(len(sd), radius * 0.0022)])
        out["colors"] = np.concatenate([out["colors"], star_cols])
    return out
