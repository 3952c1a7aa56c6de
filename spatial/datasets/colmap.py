"""COLMAP sparse models (``cameras``, ``images``, ``points3D`` as ``.bin`` or ``.txt``) with their images.

The layouts are COLMAP's (``src/colmap/scene/reconstruction_io.cc``): little-endian binary with
uint64 counts, or the text files with ``#`` comments. Poses are world-to-camera ``(qw, qx, qy, qz,
tx, ty, tz)`` in OpenCV camera axes, so they become :class:`~spatial.core.camera.Camera` viewmats
directly; the *world* is COLMAP's (y down by convention of SfM outputs), mapped into spatial's
frame with the PLY rule (mirror x and y, see docs/conventions.md): ``p_spatial = diag(-1,-1,1) p``
and ``viewmat_spatial = viewmat_colmap @ diag(-1,-1,1,1)``.

Camera models with distortion (SIMPLE_RADIAL, RADIAL, OPENCV, FULL_OPENCV, OPENCV_FISHEYE,
SIMPLE_RADIAL_FISHEYE, RADIAL_FISHEYE) are undistorted with OpenCV on load.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ..core.camera import Camera
from ..core.rotation import quat_to_rotmat
from .dataset import Dataset, DatasetError, View
from .frames import COLMAP_TO_SPATIAL
from .images import load_image
from .undistort import has_distortion, undistort_image

#: model id -> (name, number of params)
CAMERA_MODELS = {
    0: ("SIMPLE_PINHOLE", 3), 1: ("PINHOLE", 4), 2: ("SIMPLE_RADIAL", 4), 3: ("RADIAL", 5),
    4: ("OPENCV", 8), 5: ("OPENCV_FISHEYE", 8), 6: ("FULL_OPENCV", 12), 7: ("FOV", 5),
    8: ("SIMPLE_RADIAL_FISHEYE", 4), 9: ("RADIAL_FISHEYE", 5), 10: ("THIN_PRISM_FISHEYE", 12),
    11: ("RAD_TAN_THIN_PRISM_FISHEYE", 16),
}
MODEL_IDS = {name: (i, n) for i, (name, n) in CAMERA_MODELS.items()}


@dataclass
class ColmapCamera:
    id: int
    model: str
    width: int
    height: int
    params: np.ndarray

    def pinhole_and_distortion(self) -> tuple[float, float, float, float, dict, bool]:
        """(fx, fy, cx, cy, distortion dict, fisheye)."""
        p = [float(v) for v in self.params]
        m = self.model
        if m == "SIMPLE_PINHOLE":
            return p[0], p[0], p[1], p[2], {}, False
        if m == "PINHOLE":
            return p[0], p[1], p[2], p[3], {}, False
        if m == "SIMPLE_RADIAL":
            return p[0], p[0], p[1], p[2], {"k1": p[3]}, False
        if m == "RADIAL":
            return p[0], p[0], p[1], p[2], {"k1": p[3], "k2": p[4]}, False
        if m == "OPENCV":
            return p[0], p[1], p[2], p[3], dict(zip(("k1", "k2", "p1", "p2"), p[4:8])), False
        if m == "FULL_OPENCV":  # k1 k2 p1 p2 k3 k4 k5 k6: rational model; keep the polynomial part
            return p[0], p[1], p[2], p[3], dict(zip(("k1", "k2", "p1", "p2", "k3"), p[4:9])), False
        if m == "OPENCV_FISHEYE":
            return p[0], p[1], p[2], p[3], dict(zip(("k1", "k2", "k3", "k4"), p[4:8])), True
        if m == "SIMPLE_RADIAL_FISHEYE":
            return p[0], p[0], p[1], p[2], {"k1": p[3]}, True
        if m == "RADIAL_FISHEYE":
            return p[0], p[0], p[1], p[2], {"k1": p[3], "k2": p[4]}, True
        raise DatasetError(f"camera {self.id}", f"COLMAP camera model {m} is not supported")


@dataclass
class ColmapImage:
    id: int
    qvec: np.ndarray  # w x y z, world-to-camera
    tvec: np.ndarray
    camera_id: int
    name: str
    point3d_ids: np.ndarray | None = None


@dataclass
class ColmapModel:
    cameras: dict[int, ColmapCamera]
    images: dict[int, ColmapImage]
    points: np.ndarray  # [P, 3] float64 (COLMAP world)
    colors: np.ndarray  # [P, 3] uint8
    errors: np.ndarray  # [P]
    point_ids: np.ndarray  # [P] int64


class _Reader:
    def __init__(self, path: Path):
        self.path = path
        self.data = path.read_bytes()
        self.pos = 0

    def read(self, fmt: str):
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.data):
            raise DatasetError(self.path, "file is truncated")
        v = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += size
        return v

    def count(self, min_record_bytes: int) -> int:
        (n,) = self.read("<Q")
        if n * min_record_bytes > len(self.data) - self.pos:
            raise DatasetError(self.path, f"claims {n} records, more than the file can hold")
        return n

    def array(self, dtype, n: int) -> np.ndarray:
        dt = np.dtype(dtype)
        size = dt.itemsize * n
        if self.pos + size > len(self.data):
            raise DatasetError(self.path, "file is truncated")
        a = np.frombuffer(self.data, dt, n, self.pos)
        self.pos += size
        return a

    def string(self) -> str:
        end = self.data.find(b"\0", self.pos)
        if end < 0:
            raise DatasetError(self.path, "file is truncated (unterminated image name)")
        s = self.data[self.pos:end].decode("utf-8", "replace")
        self.pos = end + 1
        return s


def read_cameras_binary(path: Path) -> dict[int, ColmapCamera]:
    r = _Reader(path)
    out = {}
    for _ in range(r.count(24)):
        cam_id, model_id, w, h = r.read("<iiQQ")
        if model_id not in CAMERA_MODELS:
            raise DatasetError(path, f"unknown camera model id {model_id}")
        name, n = CAMERA_MODELS[model_id]
        out[cam_id] = ColmapCamera(cam_id, name, int(w), int(h), r.array("<f8", n).copy())
    return out


def read_images_binary(path: Path) -> dict[int, ColmapImage]:
    r = _Reader(path)
    out = {}
    for _ in range(r.count(64 + 4 + 1 + 8)):
        (img_id,) = r.read("<i")
        q = np.array(r.read("<4d"))
        t = np.array(r.read("<3d"))
        (cam_id,) = r.read("<i")
        name = r.string()
        (n2d,) = r.read("<Q")
        if n2d * 24 > len(r.data) - r.pos:
            raise DatasetError(path, f"image {name} claims {n2d} keypoints, more than the file can hold")
        rec = r.array(np.dtype([("x", "<f8"), ("y", "<f8"), ("id", "<i8")]), int(n2d))
        out[img_id] = ColmapImage(img_id, q, t, cam_id, name, rec["id"].copy())
    return out


def read_points3d_binary(path: Path):
    r = _Reader(path)
    n = r.count(43)
    ids, xyz, rgb, err = np.zeros(n, np.int64), np.zeros((n, 3)), np.zeros((n, 3), np.uint8), np.zeros(n)
    for i in range(n):
        pid, x, y, z, cr, cg, cb, e, tl = r.read("<Q3d3BdQ")
        if tl * 8 > len(r.data) - r.pos:
            raise DatasetError(path, f"point {pid} claims a track of {tl}, more than the file can hold")
        r.pos += 8 * int(tl)
        ids[i], xyz[i], rgb[i], err[i] = pid, (x, y, z), (cr, cg, cb), e
    return ids, xyz, rgb, err


def _text_lines(path: Path):
    try:
        text = path.read_text(errors="replace")
    except OSError as e:
        raise DatasetError(path, f"cannot read: {e}") from None
    return [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


def read_cameras_text(path: Path) -> dict[int, ColmapCamera]:
    out = {}
    for ln in _text_lines(path):
        f = ln.split()
        try:
            cam_id, model, w, h = int(f[0]), f[1], int(f[2]), int(f[3])
            params = np.array([float(v) for v in f[4:]])
        except (ValueError, IndexError):
            raise DatasetError(path, f"bad camera line: {ln[:80]!r}") from None
        if model not in MODEL_IDS or len(params) != MODEL_IDS[model][1]:
            raise DatasetError(path, f"camera {cam_id}: unknown model {model} or wrong parameter count {len(params)}")
        out[cam_id] = ColmapCamera(cam_id, model, w, h, params)
    return out


def read_images_text(path: Path) -> dict[int, ColmapImage]:
    out = {}
    # each image has two lines; the keypoint line may be empty (dropped by _text_lines), so re-read raw
    raw = [ln for ln in path.read_text(errors="replace").splitlines() if not ln.lstrip().startswith("#")]
    i = 0
    while i < len(raw):
        ln = raw[i].strip()
        if not ln:
            i += 1
            continue
        f = ln.split()
        try:
            img_id = int(f[0])
            q = np.array([float(v) for v in f[1:5]])
            t = np.array([float(v) for v in f[5:8]])
            cam_id = int(f[8])
            name = " ".join(f[9:])
        except (ValueError, IndexError):
            raise DatasetError(path, f"bad image line: {ln[:80]!r}") from None
        pts = raw[i + 1].split() if i + 1 < len(raw) else []
        ids = np.array([int(float(v)) for v in pts[2::3]], np.int64) if pts else np.zeros(0, np.int64)
        out[img_id] = ColmapImage(img_id, q, t, cam_id, name, ids)
        i += 2
    return out


def read_points3d_text(path: Path):
    ids, xyz, rgb, err = [], [], [], []
    for ln in _text_lines(path):
        f = ln.split()
        try:
            ids.append(int(f[0]))
            xyz.append([float(v) for v in f[1:4]])
            rgb.append([int(v) for v in f[4:7]])
            err.append(float(f[7]))
        except (ValueError, IndexError):
            raise DatasetError(path, f"bad point line: {ln[:80]!r}") from None
    n = len(ids)
    return (np.array(ids, np.int64), np.array(xyz, np.float64).reshape(n, 3), np.array(rgb, np.uint8).reshape(n, 3), np.array(err, np.float64))


def find_sparse_model(root: Path) -> Path:
    """The folder holding ``cameras.{bin,txt}``: ``root`` itself, ``root/sparse/0``, ``root/sparse``,
    ``root/0`` or ``root/colmap/sparse/0``."""
    for cand in (root, root / "sparse" / "0", root / "sparse", root / "0", root / "colmap" / "sparse" / "0", root / "distorted" / "sparse" / "0"):
        if (cand / "cameras.bin").is_file() or (cand / "cameras.txt").is_file():
            return cand
    raise DatasetError(root, "no COLMAP sparse model found (cameras.bin/.txt in it or in sparse/0)")


def read_model(folder: "str | os.PathLike") -> ColmapModel:
    """Read ``cameras``, ``images`` and ``points3D`` (binary preferred) from a sparse-model folder."""
    folder = find_sparse_model(Path(folder))
    binary = (folder / "cameras.bin").is_file()
    ext = ".bin" if binary else ".txt"
    for name in ("cameras", "images"):
        if not (folder / (name + ext)).is_file():
            raise DatasetError(folder, f"{name}{ext} is missing")
    if binary:
        cams = read_cameras_binary(folder / "cameras.bin")
        imgs = read_images_binary(folder / "images.bin")
        pts = read_points3d_binary(folder / "points3D.bin") if (folder / "points3D.bin").is_file() else None
    else:
        cams = read_cameras_text(folder / "cameras.txt")
        imgs = read_images_text(folder / "images.txt")
        pts = read_points3d_text(folder / "points3D.txt") if (folder / "points3D.txt").is_file() else None
    if pts is None:
        pts = (np.zeros(0, np.int64), np.zeros((0, 3)), np.zeros((0, 3), np.uint8), np.zeros(0))
    ids, xyz, rgb, err = pts
    return ColmapModel(cams, imgs, xyz, rgb, err, ids)


def _find_images_dir(root: Path, model_dir: Path) -> Path:
    for cand in (root / "images", model_dir.parent.parent / "images", model_dir.parent / "images", root):
        if cand.is_dir():
            return cand
    raise DatasetError(root, "no images folder found next to the COLMAP model")


def load_colmap(path: "str | os.PathLike", images_dir: "str | os.PathLike | None" = None, undistort: bool = True,
                max_side: int | None = None) -> Dataset:
    """A COLMAP project (folder with ``sparse/0`` and ``images``, or a model folder) as a :class:`Dataset`
    in spatial's world frame. Views are sorted by image name; sparse points come with their colours."""
    root = Path(path)
    if not root.exists():
        raise DatasetError(root, "no such file or folder")
    model_dir = find_sparse_model(root)
    model = read_model(model_dir)
    img_dir = Path(images_dir) if images_dir is not None else _find_images_dir(root, model_dir)
    if not model.images:
        raise DatasetError(model_dir, "the model has no registered images")
    flip4 = np.diag([-1.0, -1.0, 1.0, 1.0])
    views = []
    for im in sorted(model.images.values(), key=lambda x: x.name):
        if im.camera_id not in model.cameras:
            raise DatasetError(model_dir, f"image {im.name} refers to missing camera {im.camera_id}")
        cam = model.cameras[im.camera_id]
        if not (np.isfinite(im.qvec).all() and np.isfinite(im.tvec).all()) or np.linalg.norm(im.qvec) < 1e-9:
            raise DatasetError(model_dir, f"image {im.name}: camera pose has NaN/Inf entries")
        fx, fy, cx, cy, dist, fisheye = cam.pinhole_and_distortion()
        rgb = load_image(img_dir / im.name)
        h, w = rgb.shape[:2]
        if (w, h) != (cam.width, cam.height):
            if abs(w / cam.width - h / cam.height) > 0.01:
                raise DatasetError(img_dir / im.name, f"image is {w}x{h} but COLMAP camera {cam.id} is {cam.width}x{cam.height} (different aspect)")
            s = w / cam.width
            fx, fy, cx, cy = fx * s, fy * s, cx * s, cy * s
        if undistort and has_distortion(dist):
            rgb, (fx, fy, cx, cy), _ = undistort_image(rgb, fx, fy, cx, cy, dist, fisheye)
        vm = np.eye(4)
        vm[:3, :3] = quat_to_rotmat(torch.tensor(im.qvec, dtype=torch.float64)).numpy()
        vm[:3, 3] = im.tvec
        vm = vm @ flip4
        views.append(View(Camera(fx, fy, cx, cy, w, h, torch.tensor(vm, dtype=torch.float32), im.name), rgb, None, 1.0, im.name))
    pts = (model.points @ COLMAP_TO_SPATIAL.T).astype(np.float32)
    info = {
        "source_format": "colmap " + ("binary" if (model_dir / "cameras.bin").is_file() else "text"),
        "source": str(model_dir),
        "world_from_source": np.diag([-1.0, -1.0, 1.0, 1.0]).tolist(),
        "num_points": int(len(pts)),
    }
    ds = Dataset(views, pts, model.colors.astype(np.uint8), info, str(root))
    if max_side:
        ds = ds.downscaled(max_side)
    return ds.validate(min_views=1)


def write_model_text(folder: "str | os.PathLike", cameras: list[Camera], names: list[str], points: np.ndarray | None = None,
                     colors: np.ndarray | None = None) -> Path:
    """Write PINHOLE cameras, images (no keypoints) and points3D as COLMAP text files, converting
    spatial's world frame back to COLMAP's (used by tests and by exporters)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    from ..core.rotation import rotmat_to_quat

    flip4 = np.diag([-1.0, -1.0, 1.0, 1.0])
    with open(folder / "cameras.txt", "w") as f:
        f.write("# Camera list with one line of data per camera:\n")
        for i, c in enumerate(cameras, 1):
            f.write(f"{i} PINHOLE {c.width} {c.height} {float(c.fx)!r} {float(c.fy)!r} {float(c.cx)!r} {float(c.cy)!r}\n")
    with open(folder / "images.txt", "w") as f:
        f.write("# Image list with two lines of data per image:\n")
        for i, (c, n) in enumerate(zip(cameras, names), 1):
            vm = c.viewmat.double().numpy() @ flip4
            q = [float(v) for v in rotmat_to_quat(torch.tensor(vm[:3, :3])).numpy()]
            t = [float(v) for v in vm[:3, 3]]
            f.write(f"{i} {q[0]!r} {q[1]!r} {q[2]!r} {q[3]!r} {t[0]!r} {t[1]!r} {t[2]!r} {i} {n}\n\n")
    with open(folder / "points3D.txt", "w") as f:
        f.write("# 3D point list\n")
        if points is not None:
            p = np.asarray(points, np.float64) @ COLMAP_TO_SPATIAL.T
            col = np.full((len(p), 3), 128, np.uint8) if colors is None else np.asarray(colors, np.uint8)
            for i, (x, c) in enumerate(zip(p.tolist(), col.tolist()), 1):
                f.write(f"{i} {x[0]!r} {x[1]!r} {x[2]!r} {c[0]} {c[1]} {c[2]} 0.5\n")
    return folder
