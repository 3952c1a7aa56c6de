"""Walker parameters sent to the browser: the same numbers the Python controller uses.

``spatial.physics.ControllerParams`` is the single source of truth (capsule, step height, slopes,
gravity, jump speed). This module maps its fields onto the viewer's names (``app/viewer/src/
controller.js`` ``DEFAULT_PARAMS``). Field names are matched by a few common spellings so the
mapping survives small renames; anything the physics layer does not define keeps the viewer default.
"""

from __future__ import annotations

import dataclasses
import math

#: viewer name -> accepted ControllerParams field names (first match wins), and a converter.
_FIELDS: dict[str, tuple[tuple[str, ...], object]] = {
    "radius": (("radius", "capsule_radius"), float),
    "half_height": (("half_height", "capsule_half_height"), float),
    "offset": (("offset", "skin", "skin_width", "contact_offset"), float),
    "step_height": (("step_height", "max_step_height", "autostep_height"), float),
    "min_step_width": (("min_step_width", "step_min_width", "autostep_min_width"), float),
    "max_slope_deg": (("max_slope_deg", "max_slope_climb_deg", "slope_limit_deg"), float),
    "min_slide_deg": (("min_slide_deg", "min_slope_slide_deg"), float),
    "snap_to_ground": (("snap_to_ground", "snap_distance", "snap"), float),
    "gravity": (("gravity",), float),
    "jump_speed": (("jump_speed", "jump_velocity"), float),
    "walk_speed": (("walk_speed", "speed"), float),
    "run_speed": (("run_speed",), float),
    "fly_speed": (("fly_speed",), float),
    "eye_height": (("eye_height",), float),
}


def _from_object(p) -> dict:
    d = dataclasses.asdict(p) if dataclasses.is_dataclass(p) else dict(vars(p))
    out: dict = {}
    for name, (aliases, conv) in _FIELDS.items():
        for a in aliases:
            if a in d and d[a] is not None:
                v = d[a]
                if name == "gravity" and isinstance(v, (list, tuple)):
                    v = abs(v[1]) if len(v) == 3 else math.hypot(*v)
                out[name] = conv(v)
                break
    # Radians variants.
    for deg, rad in (("max_slope_deg", ("max_slope", "max_slope_rad")), ("min_slide_deg", ("min_slide", "min_slide_rad"))):
        if deg not in out:
            for a in rad:
                if a in d and d[a] is not None:
                    out[deg] = math.degrees(float(d[a]))
                    break
    # Jump given as a height: take-off speed sqrt(2 g h).
    if "jump_speed" not in out and d.get("jump_height") is not None:
        out["jump_speed"] = math.sqrt(2.0 * out.get("gravity", 9.81) * float(d["jump_height"]))
    # Capsule given as total height.
    if "half_height" not in out and "radius" in out:
        for a in ("height", "capsule_height"):
            if a in d and d[a] is not None:
                out["half_height"] = max(0.01, float(d[a]) / 2 - out["radius"])
                break
    return out


def browser_params() -> dict:
    """Parameters for ``Walker`` in the browser; ``source`` says where they came from."""
    try:
        from spatial.physics import ControllerParams  # type: ignore[attr-defined]
    except ImportError:
        return {"source": "viewer defaults (spatial.physics not installed)"}
    p = ControllerParams()
    out = _from_object(p)
    out["source"] = "spatial.physics.ControllerParams"
    return out
