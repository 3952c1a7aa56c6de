"""World-frame changes used by the dataset loaders (see docs/conventions.md and docs/fit.md).

* COLMAP's world is whatever its reconstruction chose, written in RDF-style axes: it is mapped
  into spatial's frame with the PLY rule, a mirror of x and y (a 180-degree turn about z).
* nerfstudio / instant-ngp ``transforms.json`` store camera-to-world matrices in OpenGL camera
  axes; their *world* is usually +Z up (Blender, instant-ngp's colmap2nerf) but sometimes +Y up.
  :func:`up_to_y` gives the rotation that takes a detected up axis to spatial's +Y.
"""

from __future__ import annotations

import numpy as np

#: COLMAP/PLY world (RDF) -> spatial (glTF): mirror x and y.
COLMAP_TO_SPATIAL = np.diag([-1.0, -1.0, 1.0])

_UP_TO_Y = {
    "+y": np.eye(3),
    "-y": np.diag([1.0, -1.0, -1.0]),
    "+z": np.array([[1.0, 0, 0], [0, 0, 1], [0, -1, 0]]),
    "-z": np.array([[1.0, 0, 0], [0, 0, -1], [0, 1, 0]]),
    "+x": np.array([[0.0, -1, 0], [1, 0, 0], [0, 0, 1]]),
    "-x": np.array([[0.0, 1, 0], [-1, 0, 0], [0, 0, 1]]),
}


def up_to_y(up: str) -> np.ndarray:
    """Proper rotation taking the axis ``up`` ("+z", "-y", ...) to +Y."""
    try:
        return _UP_TO_Y[up].copy()
    except KeyError:
        raise ValueError(f"up must be one of {sorted(_UP_TO_Y)}, got {up!r}") from None


def detect_up(camera_ups: np.ndarray) -> str:
    """The world axis closest to the mean of the cameras' up vectors (``[N, 3]``)."""
    m = np.asarray(camera_ups, np.float64).mean(0)
    i = int(np.argmax(np.abs(m)))
    return ("+" if m[i] >= 0 else "-") + "xyz"[i]


def homogeneous(r: np.ndarray, t=None) -> np.ndarray:
    m = np.eye(4)
    m[:3, :3] = r
    if t is not None:
        m[:3, 3] = t
    return m
