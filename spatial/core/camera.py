"""Pinhole cameras in OpenCV axes.

A :class:`Camera` has intrinsics (fx, fy, cx, cy in pixels, image width/height) and a
**world-to-camera** 4x4 matrix ``viewmat`` in OpenCV camera axes (x right, y down, z forward).
Pixel centres are at (j + 0.5, i + 0.5); a centred principal point is cx = width / 2.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch

from ..errors import ValidationError


@dataclass
class Camera:
    fx: float
    fy: float
    cx: float
    cy: float
    width: int
    height: int
    viewmat: torch.Tensor = field(default_factory=lambda: torch.eye(4))
    name: str = ""

    def __post_init__(self):
        self.viewmat = torch.as_tensor(self.viewmat, dtype=torch.float32)
        if self.viewmat.shape != (4, 4):
            raise ValidationError(f"viewmat must be 4x4, got {list(self.viewmat.shape)}")
        if self.width <= 0 or self.height <= 0:
            raise ValidationError(f"image size must be positive, got {self.width}x{self.height}")
        if not (self.fx > 0 and self.fy > 0):
            raise ValidationError("focal lengths must be positive")

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_fov(cls, width: int, height: int, fov_y_deg: float = 60.0, viewmat=None, name: str = "") -> "Camera":
        """Camera with a vertical field of view in degrees and a centred principal point."""
        f = 0.5 * height / math.tan(math.radians(fov_y_deg) / 2)
        return cls(f, f, width / 2, height / 2, width, height, torch.eye(4) if viewmat is None else viewmat, name)

    @staticmethod
    def look_at_viewmat(eye, target, up=(0.0, 1.0, 0.0)) -> torch.Tensor:
        """World-to-camera matrix (OpenCV axes) for a camera at ``eye`` looking at ``target``."""
        eye = torch.as_tensor(eye, dtype=torch.float64)
        fwd = torch.as_tensor(target, dtype=torch.float64) - eye
        if fwd.norm() < 1e-12:
            raise ValidationError("look_at: eye and target coincide")
        fwd = fwd / fwd.norm()
        up = torch.as_tensor(up, dtype=torch.float64)
        right = torch.linalg.cross(fwd, up)
        if right.norm() < 1e-9:  # looking straight along up: pick any perpendicular
            right = torch.linalg.cross(fwd, torch.tensor([0.0, 0.0, 1.0], dtype=torch.float64))
        right = right / right.norm()
        down = torch.linalg.cross(fwd, right)
        r = torch.stack([right, down, fwd])  # rows: camera axes in world coordinates
        m = torch.eye(4, dtype=torch.float64)
        m[:3, :3] = r
        m[:3, 3] = -r @ eye
        return m.float()

    @classmethod
    def look_at(cls, eye, target, width: int = 512, height: int = 512, fov_y_deg: float = 60.0, up=(0.0, 1.0, 0.0), name: str = "") -> "Camera":
        return cls.from_fov(width, height, fov_y_deg, cls.look_at_viewmat(eye, target, up), name)

    @classmethod
    def orbit(cls, center, radius: float, n: int, elevation_deg: float = 20.0, width: int = 256, height: int = 256, fov_y_deg: float = 50.0) -> list["Camera"]:
        """``n`` cameras evenly spaced on a circle around ``center`` (Y up), looking at it."""
        c = torch.as_tensor(center, dtype=torch.float64)
        el = math.radians(elevation_deg)
        cams = []
        for i in range(n):
            az = 2 * math.pi * i / max(n, 1)
            eye = c + radius * torch.tensor([math.cos(el) * math.sin(az), math.sin(el), math.cos(el) * math.cos(az)], dtype=torch.float64)
            cams.append(cls.look_at(eye, c, width, height, fov_y_deg, name=f"orbit_{i:03d}"))
        return cams

    # ------------------------------------------------------------------ derived values
    @property
    def K(self) -> torch.Tensor:
        return torch.tensor([[self.fx, 0, self.cx], [0, self.fy, self.cy], [0, 0, 1]], dtype=torch.float32)

    @property
    def camtoworld(self) -> torch.Tensor:
        return torch.linalg.inv(self.viewmat.double()).float()

    @property
    def position(self) -> torch.Tensor:
        """Camera centre in world coordinates."""
        r, t = self.viewmat[:3, :3].double(), self.viewmat[:3, 3].double()
        return (-r.T @ t).float()

    @property
    def forward(self) -> torch.Tensor:
        """Viewing direction (camera +z) in world coordinates."""
        return self.viewmat[2, :3].clone()

    @property
    def fov_y(self) -> float:
        """Vertical field of view in degrees."""
        return math.degrees(2 * math.atan(0.5 * self.height / self.fy))

    @property
    def fov_x(self) -> float:
        return math.degrees(2 * math.atan(0.5 * self.width / self.fx))

    def resized(self, width: int, height: int) -> "Camera":
        """Same camera for another image size (intrinsics scaled)."""
        sx, sy = width / self.width, height / self.height
        return Camera(self.fx * sx, self.fy * sy, self.cx * sx, self.cy * sy, width, height, self.viewmat.clone(), self.name)

    def to_dict(self) -> dict:
        return {
            "name": self.name, "fx": self.fx, "fy": self.fy, "cx": self.cx, "cy": self.cy,
            "width": self.width, "height": self.height, "viewmat": self.viewmat.tolist(),
        }

    @classmethod
    def from_dict(cls, d: dict) -> "Camera":
        try:
            return cls(float(d["fx"]), float(d["fy"]), float(d["cx"]), float(d["cy"]), int(d["width"]), int(d["height"]), torch.tensor(d["viewmat"], dtype=torch.float32), str(d.get("name", "")))
        except (KeyError, TypeError, ValueError) as e:
            raise ValidationError(f"bad camera record: {e}") from None


def stack_cameras(cameras: list[Camera]) -> tuple[torch.Tensor, torch.Tensor, int, int]:
    """(viewmats [C,4,4], Ks [C,3,3], width, height) for a batch of same-size cameras."""
    if not cameras:
        raise ValidationError("need at least one camera")
    w, h = cameras[0].width, cameras[0].height
    if any(c.width != w or c.height != h for c in cameras):
        raise ValidationError("all cameras in a batch must share one image size")
    return torch.stack([c.viewmat for c in cameras]), torch.stack([c.K for c in cameras]), w, h
