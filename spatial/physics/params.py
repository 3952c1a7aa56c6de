"""Character controller parameters shared by the Python controller and the browser viewer.

One :class:`ControllerParams` drives both :class:`spatial.physics.CharacterController` and the web
viewer's Rapier ``KinematicCharacterController`` (``@dimforge/rapier3d-compat``), so a walk behaves
the same in Python checks and in the browser. The defaults are written to
``spatial/physics/controller_params.json`` (regenerate with ``python -m spatial.physics.params``),
which the viewer can import directly. :meth:`ControllerParams.rapier` gives the exact Rapier calls.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from ..errors import ValidationError

__all__ = ["ControllerParams", "PARAMS_JSON"]

PARAMS_JSON = Path(__file__).with_name("controller_params.json")


@dataclass(frozen=True)
class ControllerParams:
    """Capsule walker settings (metres, seconds, degrees; world +Y up).

    The capsule is Rapier's ``Capsule(half_height, radius)``: a cylinder of length ``2*half_height``
    capped by two hemispheres, total height ``2*(half_height + radius)`` (1.8 m by default).
    ``offset`` is the skin gap kept between the capsule and the world (Rapier's controller offset);
    resting on flat ground the capsule's lowest point is ``offset`` above the ground.
    """

    radius: float = 0.3
    half_height: float = 0.6
    offset: float = 0.02
    step_height: float = 0.3  # autostep: steps up to this height are climbed (0.2 m stairs: yes, 0.4 m: no)
    step_min_width: float = 0.2  # autostep: free floor needed on top of a step
    max_slope_deg: float = 45.0  # steeper ground is not walkable (25 deg ramp: climbed, 50 deg: refused)
    min_slope_slide_deg: float = 45.0  # ground steeper than this makes the walker slide down
    snap_to_ground: float = 0.3  # stick to ground up to this far below (stairs down, slopes down)
    gravity: float = 9.81
    jump_height: float = 1.0
    walk_speed: float = 3.0
    run_speed: float = 6.0
    air_control: float = 1.0  # fraction of the move input applied while airborne
    max_fall_speed: float = 50.0
    eye_height: float = 1.6  # camera height above the feet, for first-person viewers

    def __post_init__(self):
        for f in fields(self):
            v = getattr(self, f.name)
            if not isinstance(v, (int, float)) or not math.isfinite(v):
                raise ValidationError(f"controller parameter {f.name} must be a finite number, got {v!r}")
        if self.radius <= 0 or self.half_height < 0 or self.offset < 0 or self.step_height < 0:
            raise ValidationError("radius must be > 0; half_height, offset and step_height must be >= 0")
        if not 0 < self.max_slope_deg < 90 or not 0 < self.min_slope_slide_deg < 90:
            raise ValidationError("slope angles must be in (0, 90) degrees")
        if self.gravity < 0 or self.jump_height < 0 or self.max_fall_speed <= 0:
            raise ValidationError("gravity and jump_height must be >= 0, max_fall_speed > 0")

    # ------------------------------------------------------------------ derived values
    @property
    def height(self) -> float:
        """Total capsule height (m)."""
        return 2 * (self.half_height + self.radius)

    @property
    def jump_speed(self) -> float:
        """Initial upward speed that reaches ``jump_height`` under ``gravity``."""
        return math.sqrt(2 * self.gravity * self.jump_height)

    @property
    def min_walkable_normal_y(self) -> float:
        return math.cos(math.radians(self.max_slope_deg))

    # ------------------------------------------------------------------ serialization
    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "ControllerParams":
        names = {f.name for f in fields(cls)}
        unknown = set(d) - names - {"rapier", "format"}
        if unknown:
            raise ValidationError(f"unknown controller parameters: {sorted(unknown)}")
        return cls(**{k: float(v) for k, v in d.items() if k in names})

    def to_json(self, path=None) -> str:
        """JSON with the parameters plus the derived Rapier settings; written to ``path`` if given."""
        d = {"format": "spatial.controller_params", **self.to_dict(), "rapier": self.rapier()}
        text = json.dumps(d, indent=2) + "\n"
        if path is not None:
            from ..io.atomic import atomic_write

            with atomic_write(path, "w") as fh:
                fh.write(text)
        return text

    @classmethod
    def from_json(cls, path_or_text) -> "ControllerParams":
        text = str(path_or_text)
        if not text.lstrip().startswith("{"):
            text = Path(path_or_text).read_text()
        try:
            return cls.from_dict(json.loads(text))
        except json.JSONDecodeError as e:
            raise ValidationError(f"controller parameters are not valid JSON: {e}") from None

    def rapier(self) -> dict:
        """The matching Rapier ``KinematicCharacterController`` settings (angles in radians)::

            const cc = world.createCharacterController(r.offset);
            cc.setUp({x: 0, y: 1, z: 0});
            cc.setSlideEnabled(true);
            cc.setMaxSlopeClimbAngle(r.maxSlopeClimbAngle);
            cc.setMinSlopeSlideAngle(r.minSlopeSlideAngle);
            cc.enableAutostep(r.autostep.maxHeight, r.autostep.minWidth, r.autostep.includeDynamicBodies);
            cc.enableSnapToGround(r.snapToGround);
            const collider = world.createCollider(RAPIER.ColliderDesc.capsule(r.capsule.halfHeight, r.capsule.radius), body);

        Gravity, jumping and speeds are the caller's job in Rapier (as in the Python controller's
        :meth:`~spatial.physics.CharacterController.step`): vertical speed ``vy -= gravity*dt``
        while airborne, ``vy = jumpSpeed`` on jump, desired translation ``(vx*dt, vy*dt, vz*dt)``.
        The collider's translation is the capsule centre: feet = centre - (halfHeight + radius).
        """
        return {
            "offset": self.offset,
            "up": [0.0, 1.0, 0.0],
            "slideEnabled": True,
            "maxSlopeClimbAngle": math.radians(self.max_slope_deg),
            "minSlopeSlideAngle": math.radians(self.min_slope_slide_deg),
            "autostep": {"maxHeight": self.step_height, "minWidth": self.step_min_width, "includeDynamicBodies": False},
            "snapToGround": self.snap_to_ground,
            "capsule": {"halfHeight": self.half_height, "radius": self.radius},
            "gravity": self.gravity,
            "jumpSpeed": self.jump_speed,
            "walkSpeed": self.walk_speed,
            "runSpeed": self.run_speed,
            "airControl": self.air_control,
            "maxFallSpeed": self.max_fall_speed,
            "eyeHeight": self.eye_height,
        }


if __name__ == "__main__":  # pragma: no cover - regenerates the shared JSON file
    ControllerParams().to_json(PARAMS_JSON)
    print(f"wrote {PARAMS_JSON}")
