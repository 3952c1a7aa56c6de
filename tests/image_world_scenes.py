"""Synthetic "photos" with known depth for the image -> world tests and benchmark.

Each scene is a set of triangle meshes with a material (base colour + procedural texture) in
spatial's world frame (+Y up, metres). :func:`photo` ray-casts it (Open3D/Embree,
:func:`spatial.physics.raycast.raycast`) from a level camera at eye height, shades it (sun +
sky ambient, Lambert, procedural texture, aerial perspective outdoors), anti-aliases with 2x2
supersampling, and returns the image with its exact per-pixel camera-space depth (inf = sky).

Scenes: ``room`` (floor, four walls, ceiling, furniture), ``street`` (road, pavements, building
rows with windows, a parked car), ``hills`` (rolling terrain with a heightfield).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from spatial.core.camera import Camera


@dataclass
class Material:
    color: tuple[float, float, float]
    texture: str = "plain"  # plain | wood | asphalt | grass | windows | paint
    strength: float = 0.1


def _box(lo, hi):
    import trimesh

    lo, hi = np.asarray(lo, float), np.asarray(hi, float)
    m = trimesh.creation.box(extents=hi - lo)
    m.apply_translation((lo + hi) / 2)
    return m


def _quad(corners):
    import trimesh

    return trimesh.Trimesh(np.asarray(corners, float), np.array([[0, 1, 2], [0, 2, 3]]), process=False)


def _hash_noise(p: np.ndarray, freq: float, seed: int = 0) -> np.ndarray:
    """Smooth value-ish noise in [-1, 1] from sums of sines (deterministic, cheap)."""
    x, y, z = p[:, 0] * freq, p[:, 1] * freq, p[:, 2] * freq
    rng = np.random.default_rng(seed)
    out = np.zeros(len(p))
    for k in range(4):
        a = rng.normal(size=3)
        a /= np.linalg.norm(a)
        ph = rng.uniform(0, 2 * np.pi)
        out += np.sin((a[0] * x + a[1] * y + a[2] * z) * (1.7 ** k) + ph) / (1.6 ** k)
    return out / 2.0


def _texture(mat: Material, p: np.ndarray, n: np.ndarray) -> np.ndarray:
    base = np.tile(np.asarray(mat.color, float), (len(p), 1))
    s = mat.strength
    if mat.texture == "wood":
        plank = np.floor(p[:, 0] / 0.18)
        tone = 0.5 + 0.5 * np.sin(plank * 12.9898 + 4.1)
        grain = np.sin(p[:, 2] * 40 + np.sin(p[:, 0] * 9) * 2) * 0.3
        f = 1 + s * (tone - 0.5) * 2 + s * grain * 0.5
        f *= np.where(np.abs(p[:, 0] / 0.18 - np.round(p[:, 0] / 0.18)) < 0.04, 0.7, 1.0)
        return base * f[:, None]
    if mat.texture in ("asphalt", "grass", "paint"):
        f = 1 + s * _hash_noise(p, {"asphalt": 3.0, "grass": 1.3, "paint": 0.8}[mat.texture]) + s * 0.5 * _hash_noise(p, 11.0, 3)
        return base * f[:, None]
    if mat.texture == "windows":
        # facade: dark window panes on a 3 m x 3 m grid (in the plane of the face)
        t = np.where(np.abs(n[:, 0]) > 0.5, p[:, 2], p[:, 0])
        wx = np.mod(t, 3.0)
        wy = np.mod(p[:, 1], 3.0)
        win = (wx > 0.8) & (wx < 2.2) & (wy > 0.9) & (wy < 2.4) & (p[:, 1] > 2.0)
        out = base * (1 + 0.05 * _hash_noise(p, 2.0))[:, None]
        out[win] = np.array([0.18, 0.22, 0.28])
        return out
    return base


@dataclass
class Scene:
    meshes: list
    materials: list[Material]
    sun: np.ndarray
    outdoor: bool
    eye: np.ndarray
    haze: float = 0.0  # extinction per metre (aerial perspective)


def room() -> Scene:
    W, D0, D1, Hc = 3.2, -6.0, 1.5, 2.7
    meshes = [
        _quad([[-W, 0, D1], [W, 0, D1], [W, 0, D0], [-W, 0, D0]]),  # floor
        _quad([[-W, Hc, D0], [W, Hc, D0], [W, Hc, D1], [-W, Hc, D1]]),  # ceiling
        _quad([[-W, 0, D0], [W, 0, D0], [W, Hc, D0], [-W, Hc, D0]]),  # back wall
        _quad([[-W, 0, D1], [-W, 0, D0], [-W, Hc, D0], [-W, Hc, D1]]),  # left wall
        _quad([[W, 0, D0], [W, 0, D1], [W, Hc, D1], [W, Hc, D0]]),  # right wall
        _quad([[-W, 0, D1], [-W, Hc, D1], [W, Hc, D1], [W, 0, D1]]),  # wall behind
        _box([-2.3, 0, -6.0], [0.1, 0.85, -5.1]),  # sofa
        _box([1.9, 0, -3.9], [3.2, 1.9, -3.0]),  # cabinet
        _box([-0.7, 0, -3.4], [0.5, 0.48, -2.6]),  # low table
    ]
    mats = [
        Material((0.55, 0.37, 0.22), "wood", 0.15),
        Material((0.90, 0.90, 0.88), "paint", 0.02),
        Material((0.80, 0.74, 0.62), "paint", 0.05),
        Material((0.62, 0.70, 0.74), "paint", 0.05),
        Material((0.62, 0.70, 0.74), "paint", 0.05),
        Material((0.80, 0.74, 0.62), "paint", 0.05),
        Material((0.22, 0.32, 0.55), "paint", 0.12),
        Material((0.40, 0.24, 0.14), "wood", 0.1),
        Material((0.30, 0.30, 0.33), "paint", 0.05),
    ]
    sun = np.array([0.4, 0.8, 0.45])
    return Scene(meshes, mats, sun / np.linalg.norm(sun), False, np.array([0.2, 1.6, 0.0]))


def street() -> Scene:
    meshes = [
        _quad([[-4, 0, 30], [4, 0, 30], [4, 0, -400], [-4, 0, -400]]),
        _quad([[-9, 0, 30], [-4, 0, 30], [-4, 0, -400], [-9, 0, -400]]),
        _quad([[4, 0, 30], [9, 0, 30], [9, 0, -400], [4, 0, -400]]),
    ]
    mats = [Material((0.33, 0.33, 0.35), "asphalt", 0.12), Material((0.62, 0.60, 0.56), "paint", 0.08),
            Material((0.62, 0.60, 0.56), "paint", 0.08)]
    rng = np.random.default_rng(7)
    facades = [(0.72, 0.55, 0.42), (0.80, 0.78, 0.70), (0.55, 0.45, 0.40), (0.68, 0.66, 0.62), (0.60, 0.40, 0.32)]
    for side in (-1, 1):
        z = 20.0
        while z > -160:
            length = rng.uniform(12, 26)
            h = rng.uniform(9, 21)
            x0, x1 = (-22, -9) if side < 0 else (9, 22)
            meshes.append(_box([x0, 0, z - length], [x1, h, z]))
            mats.append(Material(facades[int(rng.integers(len(facades)))], "windows", 0.05))
            z -= length + (rng.uniform(3, 6) if rng.uniform() < 0.3 else 0.0)
    meshes.append(_box([-3.2, 0, -17.0], [-1.4, 1.45, -12.6]))  # parked car
    mats.append(Material((0.60, 0.10, 0.08), "paint", 0.05))
    sun = np.array([-0.45, 0.75, 0.35])
    return Scene(meshes, mats, sun / np.linalg.norm(sun), True, np.array([0.5, 1.6, 0.0]), haze=0.002)


def hills_height(x, z):
    x, z = np.asarray(x, float), np.asarray(z, float)
    h = (3.0 * np.sin(x / 23.0 + 0.5) * np.cos(z / 31.0) + 2.0 * np.sin((x + z) / 17.0 + 1.3)
         + 7.0 * (1 - np.cos(np.clip(-z, 0, None) / 90.0 * np.pi)) * 0.5 + 1.2 * np.sin(x / 7.0) * np.sin(z / 9.0))
    return h


def hills() -> Scene:
    import trimesh

    n, E = 321, 1600.0
    t = np.linspace(-1, 1, n)
    g = np.sign(t) * np.abs(t) ** 1.6 * E / 2  # finer near the camera
    X, Z = np.meshgrid(g, g)
    Y = hills_height(X, Z)
    v = np.stack([X, Y, Z], -1).reshape(-1, 3)
    idx = np.arange(n * n).reshape(n, n)
    a, b, c, d = idx[:-1, :-1].ravel(), idx[:-1, 1:].ravel(), idx[1:, 1:].ravel(), idx[1:, :-1].ravel()
    f = np.concatenate([np.stack([a, d, c], 1), np.stack([a, c, b], 1)])
    m = trimesh.Trimesh(v, f, process=False)
    eye = np.array([0.0, float(hills_height(0.0, 0.0)) + 1.6, 0.0])
    sun = np.array([0.3, 0.7, -0.5])
    return Scene([m], [Material((0.33, 0.47, 0.20), "grass", 0.25)], sun / np.linalg.norm(sun), True, eye, haze=0.004)


SCENES = {"room": room, "street": street, "hills": hills}


def sky_color(d: np.ndarray) -> np.ndarray:
    el = np.clip(d[:, 1], 0, 1)
    top = np.array([0.30, 0.50, 0.85])
    hor = np.array([0.75, 0.85, 0.95])
    t = np.sqrt(el)[:, None]
    return hor * (1 - t) + top * t


def camera(scene: Scene, width: int, height: int, fov_y: float, yaw_deg: float = 0.0, pitch_deg: float = 0.0,
           offset=(0.0, 0.0, 0.0)) -> Camera:
    a, p = math.radians(yaw_deg), math.radians(pitch_deg)
    eye = scene.eye + np.asarray(offset, float)
    d = np.array([-math.sin(a) * math.cos(p), math.sin(p), -math.cos(a) * math.cos(p)])
    return Camera.look_at(eye.tolist(), (eye + d).tolist(), width, height, fov_y)


@dataclass
class _Hits:
    hit: np.ndarray
    distance: np.ndarray
    points: np.ndarray
    normals: np.ndarray
    faces: np.ndarray


def raycast(mesh, origins, dirs) -> _Hits:
    """First hits of unit-direction rays on ``mesh`` (Open3D's Embree scene); normals face the ray."""
    import open3d as o3d

    rs = o3d.t.geometry.RaycastingScene()
    rs.add_triangles(o3d.core.Tensor(np.asarray(mesh.vertices, np.float32)), o3d.core.Tensor(np.asarray(mesh.faces, np.uint32)))
    rays = np.concatenate([np.asarray(origins, np.float32), np.asarray(dirs, np.float32)], 1)
    ans = rs.cast_rays(o3d.core.Tensor(rays))
    t = ans["t_hit"].numpy().astype(np.float64)
    hit = np.isfinite(t)
    fid = ans["primitive_ids"].numpy().astype(np.int64)
    nrm = ans["primitive_normals"].numpy().astype(np.float64)
    flip = (nrm * dirs).sum(1) > 0
    nrm[flip] *= -1
    pts = np.asarray(origins, np.float64) + np.where(hit, t, 0)[:, None] * dirs
    return _Hits(hit, np.where(hit, t, np.inf), pts, nrm, np.where(hit, fid, -1))


def _combined(scene: Scene):
    import trimesh

    ids = np.concatenate([np.full(len(m.faces), i) for i, m in enumerate(scene.meshes)])
    return trimesh.util.concatenate(scene.meshes), ids


def _shade_rays(scene, mesh, ids, origin, dn: np.ndarray) -> np.ndarray:
    """Colour seen along unit rays dn [M, 3] from origin: textured, sun-lit surfaces, optional haze, sky
    (outdoors) or black where nothing is hit."""
    hits = raycast(mesh, np.broadcast_to(origin, dn.shape), dn)
    col = sky_color(dn) if scene.outdoor else np.zeros_like(dn)
    h = hits.hit
    p, nrm = hits.points[h], hits.normals[h]
    fid = ids[hits.faces[h]]
    alb = np.zeros((h.sum(), 3))
    for k, mat in enumerate(scene.materials):
        sel = fid == k
        if sel.any():
            alb[sel] = _texture(mat, p[sel], nrm[sel])
    lam = np.clip(nrm @ scene.sun, 0, 1)
    amb = 0.45 + 0.15 * np.clip(nrm[:, 1], -1, 1)
    shade = (0.62 * lam + amb)[:, None] if scene.outdoor else (0.35 * lam + 0.62 + 0.05 * nrm[:, 1])[:, None]
    c = alb * shade
    if scene.haze > 0:
        t = np.exp(-scene.haze * hits.distance[h])[:, None]
        c = c * t + sky_color(dn[h] * np.array([1, 0, 1]) + np.array([0, 0.05, 0])) * (1 - t)
    col[h] = c
    return col


def photo(name: str, width: int = 256, height: int = 192, fov_y: float = 48.0, yaw_deg: float = 0.0, supersample: int = 2,
          pitch_deg: float = 0.0):
    """(rgb uint8 [H,W,3], depth float32 [H,W] (camera z, inf = sky), camera, scene)."""
    scene = SCENES[name]()
    cam = camera(scene, width, height, fov_y, yaw_deg, pitch_deg)
    mesh, ids = _combined(scene)
    c2w = cam.camtoworld.double().numpy()
    s = supersample
    jj, ii = np.meshgrid((np.arange(width * s) + 0.5) / s, (np.arange(height * s) + 0.5) / s)
    dirs_c = np.stack([(jj - cam.cx) / cam.fx, (ii - cam.cy) / cam.fy, np.ones_like(jj)], -1).reshape(-1, 3)
    dirs = dirs_c @ c2w[:3, :3].T
    dn = dirs / np.linalg.norm(dirs, axis=1, keepdims=True)
    origin = c2w[:3, 3]
    col = _shade_rays(scene, mesh, ids, origin, dn)
    img = col.reshape(height, s, width, s, 3).mean((1, 3))
    rgb = (np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8)
    # depth at pixel centres (camera z)
    jj, ii = np.meshgrid(np.arange(width) + 0.5, np.arange(height) + 0.5)
    dc = np.stack([(jj - cam.cx) / cam.fx, (ii - cam.cy) / cam.fy, np.ones_like(jj)], -1).reshape(-1, 3)
    dw = dc @ c2w[:3, :3].T
    norm = np.linalg.norm(dw, axis=1)
    hc = raycast(mesh, np.broadcast_to(origin, dw.shape), dw / norm[:, None])
    depth = np.where(hc.hit, hc.distance / norm, np.inf).reshape(height, width).astype(np.float32)
    return rgb, depth, cam, scene


def abs_rel(pred: np.ndarray, gt: np.ndarray, mask: np.ndarray | None = None, median_scale: bool = False) -> float:
    """Mean |pred - gt| / gt over finite ground-truth pixels (optionally after median scaling)."""
    m = np.isfinite(gt) & (gt > 0) & np.isfinite(pred) & (pred > 0)
    if mask is not None:
        m &= mask
    p, g = pred[m].astype(np.float64), gt[m].astype(np.float64)
    if median_scale:
        p = p * np.median(g) / np.median(p)
    return float(np.mean(np.abs(p - g) / g))


def panorama(name: str, width: int = 256, supersample: int = 2) -> np.ndarray:
    """An equirectangular 360-degree photo (2:1, level, centre column looking -Z) of a scene."""
    from spatial.image_world.panorama import directions

    scene = SCENES[name]()
    mesh, ids = _combined(scene)
    H, W = width // 2, width
    dn = directions(H * supersample, W * supersample).reshape(-1, 3)
    col = _shade_rays(scene, mesh, ids, scene.eye, dn)
    img = col.reshape(H, supersample, W, supersample, 3).mean((1, 3))
    return (np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8)


# ---------------------------------------------------------------------------------- real photos
def skimage_data(name: str):
    """Path of a photo scikit-image ships (its data folder is installed with the package), or None."""
    from pathlib import Path

    import skimage

    p = Path(skimage.__file__).parent / "data" / name
    return p if p.is_file() else None


#: Middlebury 2014 "Motorcycle" as scikit-image ships it (downscaled 4x): focal length (px), disparity
#: offset doffs (px) and baseline (m) from skimage.data.stereo_motorcycle's documentation
MOTORCYCLE_CALIB = {"focal": 994.978, "doffs": 31.086, "baseline": 0.193001}


def motorcycle():
    """(rgb uint8 [500,741,3], ground-truth depth in metres, NaN where unknown) or None when absent.

    Middlebury convention: ``depth = baseline * f / (disparity + doffs)``; the npz's ``arr_0`` holds the
    left image's disparity (inf = no ground truth)."""
    from PIL import Image

    img, disp = skimage_data("motorcycle_left.png"), skimage_data("motorcycle_disp.npz")
    if img is None or disp is None:
        return None
    rgb = np.asarray(Image.open(img).convert("RGB"))
    with np.load(disp, allow_pickle=False) as z:
        d = z["arr_0"].astype(np.float64)
    c = MOTORCYCLE_CALIB
    gt = np.where(np.isfinite(d), c["baseline"] * c["focal"] / (d + c["doffs"]), np.nan)
    return rgb, gt


def fox_capture():
    """(folder, transforms dict) of the real fox capture in ../shared/fixtures/fox, or None when absent."""
    import json
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "fox"
    if not (folder / "transforms.json").is_file():
        return None
    return folder, json.loads((folder / "transforms.json").read_text())


def _axes_point(c2ws: np.ndarray) -> np.ndarray:
    """Least-squares point closest to every camera's optical axis (where an orbiting capture looks)."""
    A, b = np.zeros((3, 3)), np.zeros(3)
    for T in c2ws:
        c, d = T[:3, 3], -T[:3, 2]  # OpenGL: the camera looks along -z
        d = d / np.linalg.norm(d)
        P = np.eye(3) - np.outer(d, d)
        A += P
        b += P @ c
    return np.linalg.solve(A, b)


def fox_novel_views(world, frames: int = 4):
    """Cameras of the fox frames after 0001 in the lifted world of frame 0001, and their photos.

    Relative poses ``inv(c2w_0) c2w_k`` (OpenGL axes, converted to OpenCV) are applied to the world's
    photo camera; their translations are scaled by the world's median depth over the capture's median
    depth of frame 0001 (the distance along its axis to the point all optical axes pass closest to).
    Returns [(name, Camera, rgb uint8)]."""
    import torch
    from PIL import Image

    from spatial.core.camera import Camera

    folder, tf = fox_capture()
    fr = tf["frames"]
    c2w = np.array([f["transform_matrix"] for f in fr], np.float64)
    T0 = c2w[0]
    centre = _axes_point(c2w)
    depth0 = float((centre - T0[:3, 3]) @ (-T0[:3, 2]))
    d = world.metadata["depth"]
    ours = float(d.get("median_depth_m") or 0.0)
    s = ours / depth0
    C = np.diag([1.0, -1.0, -1.0, 1.0])
    cam0 = world.cameras[0]
    V0 = cam0.viewmat.double().numpy()
    out = []
    for f, T in list(zip(fr, c2w))[1:frames + 1]:
        rel = np.linalg.inv(T0) @ T
        rel[:3, 3] *= s
        V = C @ np.linalg.inv(rel) @ C @ V0
        cam = Camera(cam0.fx, cam0.fy, cam0.cx, cam0.cy, cam0.width, cam0.height, torch.tensor(V, dtype=torch.float32))
        rgb = np.asarray(Image.open(folder / f["file_path"]).convert("RGB"))
        out.append((f["file_path"].rsplit("/", 1)[-1], cam, rgb))
    return out


#: real photos checked by the tests and the benchmark: (name, indoor?) - scikit-image's photos and two
#: frames of the fox capture (the whole set is read with :func:`real_photos`)
REAL_PHOTOS = (("rocket.jpg", False), ("camera.png", False), ("astronaut.png", True), ("coffee.png", True),
               ("chelsea.png", True), ("motorcycle_left.png", True), ("fox/0001.jpg", True), ("fox/0030.jpg", True))


def real_photos():
    """[(name, path, indoor)] of :data:`REAL_PHOTOS` that are present on this machine."""
    out = []
    fox = fox_capture()
    for name, indoor in REAL_PHOTOS:
        if name.startswith("fox/"):
            p = None if fox is None else fox[0] / "images" / name.split("/", 1)[1]
        else:
            p = skimage_data(name)
        if p is not None and p.is_file():
            out.append((name, p, indoor))
    return out
