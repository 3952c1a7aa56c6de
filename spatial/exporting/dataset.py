"""Render training data from a world: RGB, depth, semantic labels and normals along a camera trajectory.

    spatial render WORLD --trajectory orbit|walk|FILE --outputs rgb,depth,labels,normals -o DIR [--size WxH]

Output (a nerfstudio-format dataset, readable by ``spatial.datasets.nerfstudio``):

* ``transforms.json``: shared pinhole intrinsics and per-frame camera-to-world matrices in OpenGL camera axes
  (nerfstudio's convention), world frame = spatial's (+Y up, metres); ``depth_file_path`` per frame when
  depth is rendered, ``depth_unit_scale_factor`` 0.001;
* ``images/NNNNN.png`` RGB; ``depth/NNNNN.png`` 16-bit millimetres of camera-space z (0 = no surface);
  ``labels/NNNNN.png`` 8-bit label ids (255 = nothing) with ``labels.json`` the legend;
  ``normals/NNNNN.png`` camera-space normals as ``(n + 1) / 2``;
* ``video.mp4`` of the RGB frames on request.

Trajectories: ``orbit`` circles the spawn point; ``walk`` follows the walkable ground from the spawn (ground
found by ray casts on the collider, turning away from obstacles), at eye height; a FILE is a
``transforms.json`` (nerfstudio) or a JSON list of spatial camera records.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np
import torch

from ..core.colour import to_uint8
from ..core.camera import Camera
from ..errors import ValidationError

OUTPUTS = ("rgb", "depth", "labels", "normals")
OPENGL_FLIP = np.diag([1.0, -1.0, -1.0, 1.0])
EYE_HEIGHT = 1.6


def _orbit(world, n: int, w: int, h: int, fov: float) -> list[Camera]:
    sx, sy, sz = world.spawn.position
    lo, hi = world.splats.bounds()
    radius = float(min(12.0, max(2.0, 0.35 * float((hi - lo)[[0, 2]].max()))))
    cams = []
    for i in range(n):
        a = 2 * math.pi * i / n
        eye = (sx + radius * math.sin(a), sy + EYE_HEIGHT + 0.4 * radius, sz + radius * math.cos(a))
        cams.append(Camera.look_at(eye, (sx, sy + 1.0, sz), w, h, fov, name=f"{i:05d}"))
    return cams


def _walk(world, n: int, w: int, h: int, fov: float, step: float = 0.5, seed: int = 0) -> list[Camera]:
    """Walk on the collider from the spawn: keep heading while the ground ahead is walkable and free."""
    if world.collider is None or len(world.collider.faces) == 0:
        raise ValidationError("a walk trajectory needs a world with a collider")
    from trimesh.ray.ray_triangle import RayMeshIntersector

    rays = RayMeshIntersector(world.collider)
    rng = np.random.default_rng(seed)
    pos = np.array(world.spawn.position, dtype=np.float64)
    yaw = math.radians(world.spawn.yaw_deg)

    def heading(y):  # yaw 0 looks along -Z, positive turns left
        return np.array([-math.sin(y), 0.0, -math.cos(y)])

    def ground(p):
        loc, _, _ = rays.intersects_location([p + [0, 1.0, 0]], [[0, -1.0, 0]], multiple_hits=False)
        return None if len(loc) == 0 else loc[0]

    def blocked(p, d):
        o = p + [0, 0.5, 0]
        loc, _, _ = rays.intersects_location([o], [d], multiple_hits=False)
        return len(loc) > 0 and np.linalg.norm(loc[0] - o) < 1.0

    cams = []
    for i in range(n):
        for _ in range(24):
            d = heading(yaw)
            nxt = pos + step * d
            g = ground(nxt)
            if g is not None and abs(g[1] - pos[1]) < 0.35 and not blocked(pos, d):
                pos = g
                break
            yaw += rng.uniform(0.4, 1.6) * rng.choice([-1, 1])
        eye = pos + [0, EYE_HEIGHT, 0]
        cams.append(Camera.look_at(eye, eye + heading(yaw) - [0, 0.1, 0], w, h, fov, name=f"{i:05d}"))
        yaw += rng.normal(0, 0.05)
    return cams


def _from_file(path: Path, w: int, h: int) -> list[Camera]:
    data = json.loads(path.read_text())
    if isinstance(data, list):
        return [Camera.from_dict(c).resized(w, h) for c in data]
    if isinstance(data, dict) and "frames" in data:
        from ..datasets.nerfstudio import OPENGL_TO_OPENCV  # noqa: F401  (same convention)

        fx, fy = float(data["fl_x"]), float(data.get("fl_y", data["fl_x"]))
        W, H = int(data["w"]), int(data["h"])
        cams = []
        for i, fr in enumerate(data["frames"]):
            c2w = np.asarray(fr["transform_matrix"], dtype=np.float64) @ OPENGL_FLIP
            cam = Camera(fx, fy, float(data.get("cx", W / 2)), float(data.get("cy", H / 2)), W, H,
                         torch.tensor(np.linalg.inv(c2w), dtype=torch.float32), f"{i:05d}")
            cams.append(cam.resized(w, h))
        return cams
    raise ValidationError(f"{path}: expected transforms.json or a JSON list of cameras")


def trajectory(world, kind: str, frames: int = 60, size: tuple[int, int] = (512, 384), fov_y: float = 60.0) -> list[Camera]:
    w, h = size
    if kind == "orbit":
        return _orbit(world, frames, w, h, fov_y)
    if kind == "walk":
        return _walk(world, frames, w, h, fov_y)
    p = Path(kind)
    if p.is_file():
        return _from_file(p, w, h)
    raise ValidationError(f"trajectory must be 'orbit', 'walk' or a camera file, got {kind!r}")


def _splat_normals(splats) -> torch.Tensor:
    """Unit normal of each splat: its shortest local axis, in world coordinates."""
    from ..core.rotation import quat_to_rotmat

    r = quat_to_rotmat(splats.quats.detach())
    idx = splats.log_scales.detach().argmin(-1)
    return torch.gather(r, 2, idx[:, None, None].expand(-1, 3, 1)).squeeze(-1)


def render_dataset(world, out_dir: "str | os.PathLike", trajectory_kind: str = "orbit", outputs=("rgb", "depth"),
                   size: tuple[int, int] = (512, 384), frames: int = 60, video: bool = False, backend: str = "auto",
                   progress: bool = True) -> Path:
    """Render ``world`` along a trajectory into a nerfstudio-format dataset folder; returns transforms.json."""
    from PIL import Image
    from tqdm import tqdm

    from ..io.atomic import atomic_write_bytes
    from ..rendering import rasterize, render
    from ..world import World

    if not isinstance(world, World):
        world = World.load(world)
    outputs = tuple(outputs)
    bad = [o for o in outputs if o not in OUTPUTS]
    if bad or not outputs:
        raise ValidationError(f"unknown outputs {bad}; choose from {', '.join(OUTPUTS)}")
    w, h = size
    if not (8 <= w <= 8192 and 8 <= h <= 8192):
        raise ValidationError(f"image size {w}x{h} out of range 8..8192")
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ValidationError(f"cannot create {out}: {e.strerror or e}") from None
    cams = trajectory(world, trajectory_kind, frames, size)
    s = world.splats.detach()
    for sub in outputs:
        (out / {"rgb": "images"}.get(sub, sub)).mkdir(exist_ok=True)
    labels = s.labels
    n_labels = int(labels.max()) + 1 if labels is not None and len(labels) else 0
    if "labels" in outputs and labels is None:
        raise ValidationError("the world has no per-splat labels to render")
    normals = _splat_normals(s) if "normals" in outputs else None
    frames_meta, rgb_frames = [], []
    for i, cam in enumerate(tqdm(cams, desc="rendering", unit="frame", disable=not progress)):
        name = f"{i:05d}.png"
        fr = {"file_path": f"images/{name}", "transform_matrix": (cam.camtoworld.double().numpy() @ OPENGL_FLIP).tolist()}
        with torch.no_grad():
            r = render(s, cam, backend=backend)
            if "rgb" in outputs:
                img = to_uint8(r.rgb[0])
                Image.fromarray(img).save(out / "images" / name)
                rgb_frames.append(img)
            if "depth" in outputs:
                d = r.depth[0, ..., 0].numpy() * (r.alpha[0, ..., 0].numpy() > 0.5)
                Image.fromarray(np.clip(d * 1000 + 0.5, 0, 65535).astype(np.uint16)).save(out / "depth" / name)
                fr["depth_file_path"] = f"depth/{name}"
            viewmats, Ks = cam.viewmat[None], cam.K[None]
            if "labels" in outputs:
                onehot = torch.nn.functional.one_hot(labels.long(), n_labels).float()
                feat, alpha, _ = rasterize(s.means, s.quats, s.scales, s.opacities, onehot, viewmats, Ks, w, h, backend=backend)
                lab = feat[0].argmax(-1).numpy().astype(np.uint8)
                lab[alpha[0, ..., 0].numpy() < 0.5] = 255
                Image.fromarray(lab).save(out / "labels" / name)
                fr["labels_file_path"] = f"labels/{name}"
            if "normals" in outputs:
                rot = cam.viewmat[:3, :3]
                n_cam = normals @ rot.T
                to_cam = (s.means @ rot.T + cam.viewmat[:3, 3])
                n_cam = torch.where(((n_cam * to_cam).sum(-1, keepdim=True) > 0), -n_cam, n_cam)  # face the camera
                feat, alpha, _ = rasterize(s.means, s.quats, s.scales, s.opacities, n_cam, viewmats, Ks, w, h, backend=backend)
                nrm = torch.nn.functional.normalize(feat[0], dim=-1)
                img = to_uint8((nrm.numpy() + 1) * 0.5)
                img[alpha[0, ..., 0].numpy() < 0.5] = 0
                Image.fromarray(img).save(out / "normals" / name)
                fr["normals_file_path"] = f"normals/{name}"
        frames_meta.append(fr)
    c0 = cams[0]
    meta = {
        "camera_model": "OPENCV", "fl_x": c0.fx, "fl_y": c0.fy, "cx": c0.cx, "cy": c0.cy, "w": w, "h": h,
        "k1": 0.0, "k2": 0.0, "p1": 0.0, "p2": 0.0,
        "depth_unit_scale_factor": 0.001,
        "spatial_world_frame": "glTF: right-handed, +Y up, metres",
        "frames": frames_meta,
    }
    if "labels" in outputs:
        atomic_write_bytes(out / "labels.json", json.dumps({str(k): v for k, v in sorted(world.labels.items())}, indent=2).encode())
    if video and rgb_frames:
        try:
            import imageio.v2 as imageio
        except ImportError:
            raise ValidationError("video output needs imageio and imageio-ffmpeg: pip install 'spatial[video]'") from None
        imageio.mimwrite(out / "video.mp4", rgb_frames, fps=24, macro_block_size=1)
    path = out / "transforms.json"
    atomic_write_bytes(path, json.dumps(meta, indent=2).encode())
    return path
