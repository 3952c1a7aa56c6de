"""nerfstudio / instant-ngp ``transforms.json`` datasets.

File layout (nerfstudio "data format" and instant-ngp's ``colmap2nerf.py``): shared intrinsics
``fl_x, fl_y, cx, cy, w, h`` (or ``camera_angle_x`` as in the Blender synthetic scenes),
distortion ``k1, k2, [k3, k4,] p1, p2`` and ``camera_model`` (``OPENCV`` or ``OPENCV_FISHEYE``),
any of which a frame may override, and ``frames`` with ``file_path``, ``transform_matrix``
(camera-to-world, **OpenGL camera axes**: x right, y up, z back) and optional ``mask_path``.

Conversion into spatial's frame:

1. ``viewmat_theirs = inv(c2w @ diag(1, -1, -1, 1))`` (OpenGL -> OpenCV camera axes);
2. their world is rotated so that its up axis becomes spatial's +Y. ``up="auto"`` (default) takes the
   world axis closest to the mean camera up vector (``c2w[:3, 1]``): +Z for Blender and
   instant-ngp data such as the fox capture, giving ``(x, y, z) -> (x, z, -y)``. Positions keep
   their units (no recentring or rescaling); the rotation is recorded in ``Dataset.info``.
3. Images are undistorted with OpenCV when the file gives distortion (``undistort=True``),
   into one shared pinhole camera (``alpha=0``: no invalid border).
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np
import torch

from ..core.camera import Camera
from .dataset import Dataset, DatasetError, View
from .frames import detect_up, homogeneous, up_to_y
from .images import load_image
from .undistort import has_distortion, undistort_image

MAX_JSON_BYTES = 64 * 1024 * 1024
OPENGL_TO_OPENCV = np.diag([1.0, -1.0, -1.0, 1.0])
_DIST_KEYS = ("k1", "k2", "k3", "k4", "p1", "p2")


def _intrinsics(meta: dict, frame: dict, img_w: int, img_h: int, path: Path):
    get = lambda k: frame.get(k, meta.get(k))  # noqa: E731
    w = int(get("w") or img_w)
    h = int(get("h") or img_h)
    fx, fy = get("fl_x"), get("fl_y")
    if fx is None and get("camera_angle_x") is not None:
        fx = 0.5 * w / math.tan(0.5 * float(get("camera_angle_x")))
    if fy is None and get("camera_angle_y") is not None and fx is None:
        fy = 0.5 * h / math.tan(0.5 * float(get("camera_angle_y")))
    if fx is None and fy is None:
        raise DatasetError(path, "no focal length (fl_x/fl_y or camera_angle_x)")
    fx = float(fx if fx is not None else fy)
    fy = float(fy if fy is not None else fx)
    cx = float(get("cx") if get("cx") is not None else w / 2)
    cy = float(get("cy") if get("cy") is not None else h / 2)
    if (w, h) != (img_w, img_h):  # image stored at another resolution than the intrinsics
        sx, sy = img_w / w, img_h / h
        fx, fy, cx, cy = fx * sx, fy * sy, cx * sx, cy * sy
    dist = {k: float(get(k) or 0.0) for k in _DIST_KEYS}
    fisheye = str(get("camera_model") or "OPENCV").upper() == "OPENCV_FISHEYE"
    return fx, fy, cx, cy, dist, fisheye


def _resolve(base: Path, rel: str, path: Path) -> Path:
    p = (base / rel)
    if not p.suffix and not p.exists():  # Blender synthetic scenes omit the extension
        for ext in (".png", ".jpg", ".jpeg"):
            if p.with_suffix(ext).exists():
                return p.with_suffix(ext)
    return p


def load_nerfstudio(path: "str | os.PathLike", undistort: bool = True, up: str = "auto", max_side: int | None = None,
                    background=None) -> Dataset:
    """Read a ``transforms.json`` (file or the folder holding it) into a :class:`Dataset`.

    ``up``: "auto", or the axis of their world that is up ("+z", "+y", ...). ``max_side`` limits
    the longer image side (intrinsics scaled). ``background`` (RGB in [0,1]) composites
    transparent images over that colour (Blender scenes use white); otherwise alpha becomes the mask.
    """
    path = Path(path)
    if path.is_dir():
        path = path / "transforms.json"
    if not path.is_file():
        raise DatasetError(path, "transforms.json is missing")
    if path.stat().st_size > MAX_JSON_BYTES:
        raise DatasetError(path, "transforms.json is too large")
    try:
        meta = json.loads(path.read_text())
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise DatasetError(path, f"invalid JSON: {e}") from None
    frames = meta.get("frames") if isinstance(meta, dict) else None
    if not isinstance(frames, list) or not frames:
        raise DatasetError(path, "no frames listed")
    base = path.parent

    c2ws, records = [], []
    for i, fr in enumerate(frames):
        if not isinstance(fr, dict) or "file_path" not in fr or "transform_matrix" not in fr:
            raise DatasetError(path, f"frame {i} lacks file_path or transform_matrix")
        try:
            m = np.asarray(fr["transform_matrix"], np.float64)
        except (TypeError, ValueError):
            raise DatasetError(path, f"frame {i} ({fr['file_path']}): transform_matrix is not numeric") from None
        if m.shape == (3, 4):
            m = np.vstack([m, [0, 0, 0, 1]])
        if m.shape != (4, 4):
            raise DatasetError(path, f"frame {i} ({fr['file_path']}): transform_matrix must be 4x4, got {list(m.shape)}")
        if not np.isfinite(m).all():
            raise DatasetError(path, f"frame {i} ({fr['file_path']}): camera pose has NaN/Inf entries")
        r = m[:3, :3]
        s = np.cbrt(np.linalg.det(r))
        if not (s > 1e-9) or not np.allclose(r.T @ r / s**2, np.eye(3), atol=1e-3):
            raise DatasetError(path, f"frame {i} ({fr['file_path']}): transform_matrix rotation is not a rotation")
        m[:3, :3] = r / s  # some exporters leave a uniform scale in the rotation block
        c2ws.append(m)
        records.append(fr)

    up_axis = detect_up(np.stack([m[:3, 1] for m in c2ws])) if up == "auto" else up
    rot = up_to_y(up_axis)
    world = homogeneous(rot)  # p_spatial = world @ p_theirs
    world_inv = np.linalg.inv(world)

    views = []
    shared_k = None
    for i, (fr, c2w) in enumerate(zip(records, c2ws)):
        img_path = _resolve(base, str(fr["file_path"]), path)
        rgb, alpha = load_image(img_path, with_alpha=True)
        h, w = rgb.shape[:2]
        fx, fy, cx, cy, dist, fisheye = _intrinsics(meta, fr, w, h, path)
        mask = alpha
        if alpha is not None and background is not None:
            bg = np.asarray(background, np.float32).reshape(1, 1, 3) * 255
            rgb = (rgb.astype(np.float32) * alpha[..., None] + bg * (1 - alpha[..., None])).round().clip(0, 255).astype(np.uint8)
            mask = None
        if fr.get("mask_path"):
            m_img = load_image(_resolve(base, str(fr["mask_path"]), path))
            if m_img.shape[:2] != rgb.shape[:2]:
                raise DatasetError(path, f"mask {fr['mask_path']} is {m_img.shape[1]}x{m_img.shape[0]}, image is {w}x{h}")
            mask = m_img[..., 0].astype(np.float32) / 255.0
        if undistort and has_distortion(dist):
            rgb, (fx, fy, cx, cy), mask = undistort_image(rgb, fx, fy, cx, cy, dist, fisheye, new_k=shared_k[0] if shared_k is not None and shared_k[1] == (w, h) else None, mask=mask)
            if shared_k is None:
                shared_k = (np.array([[fx, 0, cx], [0, fy, cy], [0, 0, 1]]), (w, h))
        vm = np.linalg.inv(c2w @ OPENGL_TO_OPENCV) @ world_inv
        cam = Camera(fx, fy, cx, cy, w, h, torch.tensor(vm, dtype=torch.float32), name=Path(str(fr["file_path"])).name)
        views.append(View(cam, rgb, mask, 1.0, cam.name))

    points = None
    ply = meta.get("ply_file_path")
    colors = None
    if ply:
        points, colors = _read_points_ply(base / ply, path)
        if points is not None:
            points = (points.astype(np.float64) @ rot.T).astype(np.float32)
    info = {
        "source_format": "nerfstudio transforms.json",
        "source": str(path),
        "up_axis": up_axis,
        "world_from_source": world.tolist(),
        "undistorted": shared_k is not None,
    }
    return Dataset(views, points, colors, info, str(path)).validate(min_views=1)


def _read_points_ply(p: Path, src: Path):
    """Sparse points from nerfstudio's ``sparse_pc.ply`` (x, y, z, red, green, blue); their world frame."""
    if not p.is_file():
        return None, None
    try:
        import trimesh

        pc = trimesh.load(p, process=False)
        pts = np.asarray(pc.vertices, np.float32)
        cols = getattr(pc, "colors", None)
        cols = None if cols is None or len(cols) != len(pts) else np.asarray(cols)[:, :3].astype(np.uint8)
        return pts, cols
    except Exception as e:
        raise DatasetError(p, f"cannot read sparse point cloud named by {src.name}: {e}") from None
