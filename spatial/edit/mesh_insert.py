"""Turning a triangle mesh into splats: flat, surface-aligned Gaussians coloured like the mesh.

Samples are stratified by triangle area (every triangle gets ``floor(area * density)`` samples plus
one more with probability equal to the remainder, so coverage is even and deterministic for a
seed). Each splat lies in its triangle's plane: local z = face normal, tangent sigma = 0.6 x the
sample spacing, normal sigma = 1/20 of that. Colour comes from, in order of preference, the texture
(UV-interpolated, bilinear, times the material's base colour), the vertex colours (barycentric),
the face colours, the material's base/diffuse colour, else light grey.
"""

from __future__ import annotations

import numpy as np

from ..core.rotation import rotmat_to_quat_np
from .errors import EditError

SIGMA_PER_SPACING = 0.6
THICKNESS_RATIO = 0.05
#: textures are sampled at most this many pixels on a side (bigger ones are downscaled once, as uint8)
MAX_TEXTURE_SIDE = 2048
#: textures with more pixels than this are refused before anything decodes them (:func:`check_textures`):
#: trimesh decodes a GLB's images when it loads the file, about 11 bytes per pixel at its peak
MAX_TEXTURE_PIXELS = 4096 * 4096


def check_textures(path) -> None:
    """Refuse a GLB whose embedded images are over :data:`MAX_TEXTURE_PIXELS`, reading only their headers
    (an 8000 x 8000 texture in a 200 KB file would otherwise cost gigabytes as trimesh loads it)."""
    import base64
    import io
    import json
    import struct
    from pathlib import Path

    from PIL import Image

    path = Path(path)
    if path.suffix.lower() != ".glb":
        return
    with open(path, "rb") as f:
        head = f.read(20)
        if len(head) < 20 or head[:4] != b"glTF":
            return  # not a GLB: the mesh loader reports it
        jlen, jtype = struct.unpack_from("<I4s", head, 12)
        if jtype != b"JSON" or jlen > 64 * 1024 * 1024:
            raise EditError("the GLB's JSON chunk is missing or too large")
        try:
            doc = json.loads(f.read(jlen))
        except (ValueError, RecursionError):
            raise EditError("the GLB's JSON chunk is not valid JSON") from None
        bin_start = 20 + jlen + (-jlen % 4) + 8
        images = doc.get("images") if isinstance(doc, dict) else None
        views = doc.get("bufferViews") if isinstance(doc, dict) else None
        for im in images if isinstance(images, list) else []:
            if not isinstance(im, dict):
                continue
            data = b""
            uri = im.get("uri")
            if isinstance(uri, str) and uri.startswith("data:") and "," in uri:
                data = base64.b64decode(uri.split(",", 1)[1][:4096] + "===", validate=False)
            elif isinstance(im.get("bufferView"), int) and isinstance(views, list) and 0 <= im["bufferView"] < len(views):
                v = views[im["bufferView"]]
                off = int(v.get("byteOffset", 0)) if isinstance(v, dict) else 0
                f.seek(bin_start + max(off, 0))
                data = f.read(4096)
            if not data:
                continue
            try:
                w, h = Image.open(io.BytesIO(data)).size  # reads the header only
            except Exception:  # noqa: BLE001 - PIL raises many types for a truncated header
                continue
            if w * h > MAX_TEXTURE_PIXELS:
                raise EditError(f"the mesh's texture is {w}x{h} pixels, over the limit of {MAX_TEXTURE_PIXELS} "
                                "pixels (4096 x 4096): scale it down")


def _material_color(mat) -> np.ndarray | None:
    for attr in ("baseColorFactor", "main_color", "diffuse"):
        c = getattr(mat, attr, None)
        if c is not None:
            c = np.asarray(c, np.float64).reshape(-1)
            if c.size >= 3:
                if c.max() > 1.0:
                    c = c / 255.0
                return np.concatenate([c[:3], c[3:4] if c.size >= 4 else [1.0]])
    return None


def _sample_texture(image, uv: np.ndarray) -> np.ndarray:
    """Bilinear RGBA in [0,1] at UVs (glTF convention: v up, wrap repeat). The texture is decoded once
    at no more than :data:`MAX_TEXTURE_SIDE` pixels a side and kept as uint8; only the sampled texels
    become floats, so memory is bounded by the sample count, not the texture size."""
    try:
        w0, h0 = image.size
    except (AttributeError, TypeError, ValueError):
        raise EditError("the mesh's texture is not an image") from None
    if w0 * h0 > MAX_TEXTURE_PIXELS:
        raise EditError(f"the mesh's texture is {w0}x{h0} pixels, over the limit of {MAX_TEXTURE_PIXELS} pixels")
    try:
        if max(w0, h0) > MAX_TEXTURE_SIDE:
            image = image.copy() if getattr(image, "im", None) is not None else image
            image.draft("RGBA", (MAX_TEXTURE_SIDE, MAX_TEXTURE_SIDE))  # JPEG: decode at a reduced scale
            image.thumbnail((MAX_TEXTURE_SIDE, MAX_TEXTURE_SIDE))
        img = np.asarray(image.convert("RGBA"), np.uint8)
    except (OSError, ValueError, SyntaxError) as e:  # PIL decode errors
        raise EditError(f"the mesh's texture cannot be decoded: {e}") from None
    h, w = img.shape[:2]
    x = (uv[:, 0] % 1.0) * w - 0.5
    y = (1.0 - (uv[:, 1] % 1.0)) * h - 0.5
    x0, y0 = np.floor(x).astype(int), np.floor(y).astype(int)
    fx, fy = (x - x0)[:, None], (y - y0)[:, None]
    x0c, x1c = np.clip(x0, 0, w - 1), np.clip(x0 + 1, 0, w - 1)
    y0c, y1c = np.clip(y0, 0, h - 1), np.clip(y0 + 1, 0, h - 1)

    def tex(yy, xx):
        return img[yy, xx].astype(np.float64) / 255.0

    return ((tex(y0c, x0c) * (1 - fx) + tex(y0c, x1c) * fx) * (1 - fy)
            + (tex(y1c, x0c) * (1 - fx) + tex(y1c, x1c) * fx) * fy)


def mesh_colors(mesh, face_idx: np.ndarray, bary: np.ndarray) -> np.ndarray:
    """RGBA in [0,1] at barycentric points on faces ``face_idx`` of ``mesh``."""
    vis = getattr(mesh, "visual", None)
    kind = getattr(vis, "kind", None)
    faces = np.asarray(mesh.faces)
    n = face_idx.shape[0]
    if kind == "texture":
        mat = getattr(vis, "material", None)
        base = _material_color(mat) if mat is not None else None
        img = getattr(mat, "baseColorTexture", None) or getattr(mat, "image", None)
        uv = getattr(vis, "uv", None)
        if img is not None and uv is not None and len(uv) == len(mesh.vertices):
            uvs = np.einsum("nk,nkd->nd", bary, np.asarray(uv, np.float64)[faces[face_idx]])
            rgba = _sample_texture(img, uvs)
            return rgba * (base[None] if base is not None else 1.0)
        if base is not None:
            return np.broadcast_to(base, (n, 4)).copy()
    elif kind == "vertex":
        vc = np.asarray(vis.vertex_colors, np.float64) / 255.0
        return np.einsum("nk,nkd->nd", bary, vc[faces[face_idx]])
    elif kind == "face":
        return np.asarray(vis.face_colors, np.float64)[face_idx] / 255.0
    mat = getattr(vis, "material", None)
    base = _material_color(mat) if mat is not None else None
    if base is not None:
        return np.broadcast_to(base, (n, 4)).copy()
    return np.tile(np.array([0.7, 0.7, 0.7, 1.0]), (n, 1))


def mesh_sample_count(mesh, count: int | None, density: float | None) -> int:
    if count is not None:
        return int(count)
    return max(1, int(round(float(mesh.area) * float(density))))


def mesh_to_splat_rows(mesh, count: int, seed: int = 0, opacity: float = 0.98, sh_coeffs: int = 1,
                       label: int = 0) -> dict[str, np.ndarray]:
    """``count`` flat splats on the surface of ``mesh`` as table rows (storage space)."""
    from ..core.sh import C0

    tri = np.asarray(mesh.triangles, np.float64)
    if tri.shape[0] == 0:
        raise EditError("mesh has no triangles")
    area = np.asarray(mesh.area_faces, np.float64)
    total = float(area.sum())
    if not np.isfinite(total) or total <= 0:
        raise EditError("mesh has zero surface area")
    rng = np.random.default_rng(seed)
    expect = area / total * count
    base = np.floor(expect).astype(np.int64)
    extra = rng.random(area.shape[0]) < (expect - base)
    per_face = base + extra
    # fix the total exactly to ``count``
    diff = count - int(per_face.sum())
    if diff > 0:
        per_face[rng.choice(area.shape[0], size=diff, p=area / total)] += 1
    elif diff < 0:
        nz = np.flatnonzero(per_face)
        take = rng.choice(np.repeat(nz, per_face[nz]), size=-diff, replace=False)
        np.subtract.at(per_face, take, 1)
    face_idx = np.repeat(np.arange(area.shape[0]), per_face)
    r1, r2 = rng.random(count), rng.random(count)
    s1 = np.sqrt(r1)
    bary = np.stack([1 - s1, s1 * (1 - r2), s1 * r2], 1)
    pos = np.einsum("nk,nkd->nd", bary, tri[face_idx])
    normals = np.asarray(mesh.face_normals, np.float64)[face_idx]
    e1 = tri[face_idx, 1] - tri[face_idx, 0]
    t1 = e1 - normals * np.einsum("ij,ij->i", e1, normals)[:, None]
    t1 /= np.maximum(np.linalg.norm(t1, axis=1, keepdims=True), 1e-30)
    t2 = np.cross(normals, t1)
    rot = np.stack([t1, t2, normals], axis=2)
    spacing = np.sqrt(total / count)
    sig = max(spacing * SIGMA_PER_SPACING, 1e-5)
    log_scales = np.log(np.array([sig, sig, sig * THICKNESS_RATIO]))
    rgba = np.clip(mesh_colors(mesh, face_idx, bary), 0.0, 1.0)
    op = np.clip(rgba[:, 3] * opacity, 1e-4, 1 - 1e-4)
    sh = np.zeros((count, sh_coeffs, 3), np.float32)
    sh[:, 0, :] = (rgba[:, :3] - 0.5) / C0
    return {
        "means": pos.astype(np.float32),
        "quats": rotmat_to_quat_np(rot).astype(np.float32),
        "log_scales": np.broadcast_to(log_scales, (count, 3)).astype(np.float32),
        "logit_opacities": np.log(op / (1 - op)).astype(np.float32),
        "sh": sh,
        "labels": np.full(count, label, np.int32),
    }
