"""glTF 2.0 (``.gltf`` JSON or ``.glb`` binary) with ``KHR_gaussian_splatting``.

Ratified semantics (KhronosGroup/glTF ``extensions/2.0/Khronos/KHR_gaussian_splatting``):

* primitive ``mode`` 0 (POINTS) with ``extensions.KHR_gaussian_splatting = {kernel, colorSpace, ...}``;
* ``POSITION`` (VEC3, local space), ``KHR_gaussian_splatting:ROTATION`` (VEC4 unit quaternion **x,y,z,w**),
  ``KHR_gaussian_splatting:SCALE`` (VEC3 **linear** sigma), ``KHR_gaussian_splatting:OPACITY`` (SCALAR
  **linear** [0,1]), ``KHR_gaussian_splatting:SH_DEGREE_l_COEF_n`` (VEC3 RGB per coefficient, n = m + l),
  ``COLOR_0`` as the fallback colour (linear; alpha = opacity);
* the glTF frame (+Y up, right-handed, metres) **is** spatial's world frame: no axis flips; node
  transforms (rotation, translation, uniform positive scale) are applied, SH rotated with them.

Extras: per-splat labels travel as the application attribute ``_LABEL`` (SCALAR float, integral values).

Early drafts: files with the pre-ratification attribute names ``_ROTATION`` / ``_SCALE`` (colour and
opacity in ``COLOR_0``) are read. Drafts also allowed a **log-space** SCALE; nothing in such a file says
so, so spatial treats a file as log-scale only when it is detectable: a SCALE accessor with a signed
component type, or any negative scale value (forbidden by the ratified text). A draft file whose log
scales happen to be all >= 0 (splats of at least 1 m) cannot be told apart and is read as linear.
"""

from __future__ import annotations

import base64
import json
import re
import struct
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...core import sh as _sh
from ...core.rotation import quat_to_rotmat_np
from ..atomic import atomic_write
from ..format_spec import SplatFormat, register_format
from ._common import (FLIPS_NONE, LOG_MIN_LINEAR_SCALE, MAX_LOG_SCALE_F32, build_splats, fail, file_arrays, guard,
                      linear_to_srgb, log_linear_scale_np, logit_np, read_bytes, require_finite, sigmoid_np,
                      srgb_to_linear, write_array)

EXT = "KHR_gaussian_splatting"
PREFIX = EXT + ":"
GLB_MAGIC = b"glTF"
CHUNK_JSON = 0x4E4F534A
CHUNK_BIN = 0x004E4942
COMPONENTS = {5120: ("i1", 127.0), 5121: ("u1", 255.0), 5122: ("<i2", 32767.0), 5123: ("<u2", 65535.0),
              5125: ("<u4", None), 5126: ("<f4", None)}
TYPES = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4, "MAT2": 4, "MAT3": 9, "MAT4": 16}
#: Required extensions we can honour or safely ignore (they change nothing in the splat data we read).
IGNORABLE_REQUIRED = {EXT, "KHR_materials_unlit", "KHR_mesh_quantization", "KHR_texture_transform"}
_SH_ATTR = re.compile(r"^KHR_gaussian_splatting:SH_DEGREE_(\d+)_COEF_(\d+)$")
MAX_NODE_DEPTH = 256


# ----------------------------------------------------------------------------------------------- document
@dataclass
class Document:
    gltf: dict
    bin_chunk: bytes | None
    container: str  # "glb" | "gltf"
    base_dir: Path


def _obj(path, x, what: str) -> dict:
    if not isinstance(x, dict):
        raise fail(path, f"glTF {what} must be a JSON object")
    return x


def _int(path, x, what: str, lo: int = 0, hi: int = 2**53) -> int:
    if isinstance(x, bool) or not isinstance(x, int) or not lo <= x <= hi:
        raise fail(path, f"glTF {what} must be an integer in [{lo}, {hi}], got {x!r}")
    return x


def _list(path, x, what: str) -> list:
    if not isinstance(x, list):
        raise fail(path, f"glTF {what} must be a JSON array")
    return x


def load_document(path, data: bytes) -> Document:
    path = Path(path)
    if data[:4] == GLB_MAGIC:
        if len(data) < 20:
            raise fail(path, "GLB file is shorter than its 12-byte header and first chunk header (truncated)")
        _, version, length = struct.unpack_from("<4sII", data)
        if version != 2:
            raise fail(path, f"unsupported GLB version {version} (only 2)")
        if length > len(data):
            raise fail(path, f"GLB header says {length} bytes but the file has {len(data)} (truncated)")
        off = 12
        chunks = []
        while off + 8 <= length:
            clen, ctype = struct.unpack_from("<II", data, off)
            if off + 8 + clen > length:
                raise fail(path, f"GLB chunk at byte {off} runs past the end of the file (truncated)")
            chunks.append((ctype, data[off + 8: off + 8 + clen]))
            off += 8 + clen + (-clen % 4 if off + 8 + clen + (-clen % 4) <= length else 0)
        if not chunks or chunks[0][0] != CHUNK_JSON:
            raise fail(path, "GLB file does not start with a JSON chunk")
        json_bytes = chunks[0][1]
        bin_chunk = next((c for t, c in chunks[1:] if t == CHUNK_BIN), None)
        container = "glb"
    else:
        json_bytes, bin_chunk, container = data, None, "gltf"
    try:
        text = json_bytes.decode("utf-8-sig")
        gltf = json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise fail(path, f"glTF JSON does not parse ({type(e).__name__}: {str(e)[:200]})") from None
    gltf = _obj(path, gltf, "document")
    asset = gltf.get("asset")
    if not isinstance(asset, dict) or not isinstance(asset.get("version"), str):
        raise fail(path, "not a glTF document (no asset.version)")
    if not asset["version"].startswith("2."):
        raise fail(path, f"unsupported glTF version {asset['version']!r} (only 2.x)")
    required = gltf.get("extensionsRequired") or []
    unsupported = [e for e in _list(path, required, "extensionsRequired") if e not in IGNORABLE_REQUIRED]
    if unsupported:
        raise fail(path, f"glTF requires extension(s) spatial does not support: {', '.join(map(str, unsupported))}")
    return Document(gltf, bin_chunk, container, path.parent)


class _Buffers:
    def __init__(self, path: Path, doc: Document):
        self.path, self.doc, self.cache = path, doc, {}

    def get(self, i: int) -> bytes:
        if i in self.cache:
            return self.cache[i]
        path, doc = self.path, self.doc
        buffers = _list(path, doc.gltf.get("buffers", []), "buffers")
        _int(path, i, "buffer index", 0, len(buffers) - 1)
        b = _obj(path, buffers[i], f"buffers[{i}]")
        length = _int(path, b.get("byteLength"), f"buffers[{i}].byteLength")
        uri = b.get("uri")
        if uri is None:
            if doc.bin_chunk is None or i != 0:
                raise fail(path, f"glTF buffer {i} has no uri and there is no GLB binary chunk")
            data = doc.bin_chunk
        elif not isinstance(uri, str):
            raise fail(path, f"glTF buffers[{i}].uri must be a string")
        elif uri.startswith("data:"):
            head, _, payload = uri.partition(",")
            if not head.endswith(";base64"):
                raise fail(path, f"glTF buffer {i}: only base64 data URIs are supported")
            try:
                data = base64.b64decode(payload, validate=True)
            except ValueError:
                raise fail(path, f"glTF buffer {i}: data URI is not valid base64") from None
        else:
            rel = urllib.parse.unquote(uri)
            if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", rel) or rel.startswith(("/", "\\")):
                raise fail(path, f"glTF buffer {i}: only relative file URIs are allowed, not {uri!r}")
            target = (doc.base_dir / rel).resolve()
            try:
                target.relative_to(doc.base_dir.resolve())
            except ValueError:
                raise fail(path, f"glTF buffer {i}: uri {uri!r} points outside the glTF's folder") from None
            if not target.is_file():
                raise fail(path, f"glTF buffer {i}: file {rel!r} beside the glTF is missing")
            data = read_bytes(target)
        if len(data) < length:
            raise fail(path, f"glTF buffer {i} holds {len(data)} bytes but declares byteLength {length} (truncated)")
        self.cache[i] = data
        return data


def read_accessor(path, doc: Document, bufs: _Buffers, index, expect_type: str | None = None) -> np.ndarray:
    """Accessor ``index`` as a float32 [count, ncomp] array (normalized integers mapped to [0,1]/[-1,1])."""
    accessors = _list(path, doc.gltf.get("accessors", []), "accessors")
    index = _int(path, index, "accessor index", 0, len(accessors) - 1)
    acc = _obj(path, accessors[index], f"accessors[{index}]")
    ctype = acc.get("componentType")
    if ctype not in COMPONENTS:
        raise fail(path, f"accessor {index} has unknown componentType {ctype!r}")
    typ = acc.get("type")
    if typ not in TYPES:
        raise fail(path, f"accessor {index} has unknown type {typ!r}")
    if expect_type and typ != expect_type:
        raise fail(path, f"accessor {index} is {typ}, expected {expect_type}")
    if "sparse" in acc:
        raise fail(path, f"accessor {index} is sparse (not supported for splat attributes)")
    count = _int(path, acc.get("count"), f"accessors[{index}].count")
    dt, norm = COMPONENTS[ctype]
    ncomp = TYPES[typ]
    csize = np.dtype(dt).itemsize
    elem = csize * ncomp
    if "bufferView" not in acc:  # all-zero placeholder (used by compression extensions): no data to read
        raise fail(path, f"accessor {index} has no bufferView (placeholder data of a compression extension?)")
    views = _list(path, doc.gltf.get("bufferViews", []), "bufferViews")
    vi = _int(path, acc["bufferView"], f"accessors[{index}].bufferView", 0, len(views) - 1)
    view = _obj(path, views[vi], f"bufferViews[{vi}]")
    buf = bufs.get(_int(path, view.get("buffer"), f"bufferViews[{vi}].buffer"))
    voff = _int(path, view.get("byteOffset", 0), f"bufferViews[{vi}].byteOffset")
    vlen = _int(path, view.get("byteLength"), f"bufferViews[{vi}].byteLength")
    if voff + vlen > len(buf):
        raise fail(path, f"bufferView {vi} ends at byte {voff + vlen}, past its {len(buf)}-byte buffer")
    stride = _int(path, view.get("byteStride", elem), f"bufferViews[{vi}].byteStride", 1, 252)
    if stride < elem:
        raise fail(path, f"bufferView {vi} byteStride {stride} is smaller than accessor {index}'s element ({elem} bytes)")
    aoff = _int(path, acc.get("byteOffset", 0), f"accessors[{index}].byteOffset")
    need = aoff + (stride * (count - 1) + elem if count else 0)
    if need > vlen:
        raise fail(path, f"accessor {index} claims {count} elements ({need} bytes), more than bufferView {vi} holds ({vlen})")
    start = voff + aoff
    if count == 0:
        out = np.zeros((0, ncomp), dtype=np.float32)
    elif stride == elem:
        out = np.frombuffer(buf, dtype=dt, count=count * ncomp, offset=start).reshape(count, ncomp).astype(np.float32)
    else:
        if start % csize or stride % csize:
            raise fail(path, f"accessor {index} is not aligned to its component size")
        raw = np.ndarray((count, ncomp), dtype=dt, buffer=buf, offset=start, strides=(stride, csize))
        out = raw.astype(np.float32)
    if acc.get("normalized") and norm is not None:
        out = out / np.float32(norm)
        if dt in ("i1", "<i2"):
            out = np.maximum(out, -1.0)
    return out


# ----------------------------------------------------------------------------------------------- scene
def _node_matrix(path, node: dict) -> np.ndarray:
    if "matrix" in node:
        m = np.asarray(node["matrix"], dtype=np.float64)
        if m.shape != (16,):
            raise fail(path, "glTF node matrix must have 16 numbers")
        return m.reshape(4, 4).T  # column-major
    t = np.asarray(node.get("translation", [0, 0, 0]), dtype=np.float64)
    r = np.asarray(node.get("rotation", [0, 0, 0, 1]), dtype=np.float64)
    s = np.asarray(node.get("scale", [1, 1, 1]), dtype=np.float64)
    if t.shape != (3,) or r.shape != (4,) or s.shape != (3,):
        raise fail(path, "glTF node translation/rotation/scale have the wrong length")
    rot = quat_to_rotmat_np(r[[3, 0, 1, 2]])  # glTF stores (x, y, z, w)
    m = np.eye(4)
    m[:3, :3] = rot * s[None, :]
    m[:3, 3] = t
    return m


def _mesh_instances(path, gltf: dict) -> list[tuple[int, np.ndarray]]:
    """(mesh index, world matrix) for every mesh instance of the default scene."""
    nodes = _list(path, gltf.get("nodes", []), "nodes")
    meshes = _list(path, gltf.get("meshes", []), "meshes")
    if not nodes:
        return [(i, np.eye(4)) for i in range(len(meshes))]
    scenes = _list(path, gltf.get("scenes", []), "scenes")
    if scenes:
        si = _int(path, gltf.get("scene", 0), "scene", 0, len(scenes) - 1)
        roots = _list(path, _obj(path, scenes[si], f"scenes[{si}]").get("nodes", []), "scene nodes")
    else:
        children = set()
        for nd in nodes:
            children.update(_obj(path, nd, "node").get("children", []) or [])
        roots = [i for i in range(len(nodes)) if i not in children]
    out = []
    stack = [(_int(path, r, "scene node", 0, len(nodes) - 1), np.eye(4), 0) for r in roots]
    seen = 0
    while stack:
        ni, parent, depth = stack.pop()
        seen += 1
        if depth > MAX_NODE_DEPTH or seen > 1_000_000:
            raise fail(path, "glTF node hierarchy is too deep or cyclic")
        node = _obj(path, nodes[ni], f"nodes[{ni}]")
        world = parent @ _node_matrix(path, node)
        if "mesh" in node:
            out.append((_int(path, node["mesh"], f"nodes[{ni}].mesh", 0, len(meshes) - 1), world))
        for c in _list(path, node.get("children", []), f"nodes[{ni}].children"):
            stack.append((_int(path, c, "child node", 0, len(nodes) - 1), world, depth + 1))
    return out


def _splat_primitives(path, gltf: dict, mesh_index: int) -> list[dict]:
    mesh = _obj(path, _list(path, gltf.get("meshes", []), "meshes")[mesh_index], f"meshes[{mesh_index}]")
    prims = []
    for p in _list(path, mesh.get("primitives", []), f"meshes[{mesh_index}].primitives"):
        p = _obj(path, p, "primitive")
        exts = p.get("extensions") or {}
        if isinstance(exts, dict) and EXT in exts:
            prims.append(p)
    return prims


def _decompose(path, m: np.ndarray) -> tuple[np.ndarray, np.ndarray, float] | None:
    if not np.all(np.isfinite(m)):
        raise fail(path, "glTF node transform holds NaN/Inf")
    if np.allclose(m, np.eye(4), atol=1e-12):
        return None
    if not np.allclose(m[3], [0, 0, 0, 1], atol=1e-9):
        raise fail(path, "glTF node transform is projective (not supported for splats)")
    a = m[:3, :3]
    cols = np.linalg.norm(a, axis=0)
    s = float(cols.mean())
    if s <= 0 or np.abs(cols - s).max() > 1e-4 * s or np.linalg.det(a) <= 0:
        raise fail(path, "glTF node transform has non-uniform or negative scale (undefined for splats by the spec)")
    return a / s, m[:3, 3], s


# ----------------------------------------------------------------------------------------------- read
def _attr(prim: dict, *names):
    attrs = prim.get("attributes") or {}
    for nm in names:
        if nm in attrs:
            return attrs[nm]
    return None


def _read_primitive(path, doc: Document, bufs: _Buffers, prim: dict):
    attrs = _obj(path, prim.get("attributes"), "primitive.attributes")
    ext = prim["extensions"][EXT]
    ext = ext if isinstance(ext, dict) else {}
    mode = prim.get("mode", 4)
    if mode != 0:
        raise fail(path, f"KHR_gaussian_splatting primitive has mode {mode!r}; the spec requires 0 (POINTS)")
    if "extensions" in ext and isinstance(ext["extensions"], dict) and ext["extensions"]:
        raise fail(path, f"KHR_gaussian_splatting sub-extension(s) not supported: {', '.join(ext['extensions'])}")
    if "POSITION" not in attrs:
        raise fail(path, "splat primitive has no POSITION attribute")
    means = read_accessor(path, doc, bufs, attrs["POSITION"], "VEC3")
    n = means.shape[0]

    def get(names, typ, required=True, what=""):
        idx = _attr(prim, *names)
        if idx is None:
            if required:
                raise fail(path, f"splat primitive lacks {what or names[0]}")
            return None
        arr = read_accessor(path, doc, bufs, idx, typ)
        if arr.shape[0] != n:
            raise fail(path, f"{names[0]} has {arr.shape[0]} elements, POSITION has {n}")
        return arr

    draft_names = PREFIX + "ROTATION" not in attrs and "_ROTATION" in attrs
    rot = get([PREFIX + "ROTATION", "_ROTATION"], "VEC4", what=PREFIX + "ROTATION")
    scale_idx = _attr(prim, PREFIX + "SCALE", "_SCALE")
    scale = get([PREFIX + "SCALE", "_SCALE"], "VEC3", what=PREFIX + "SCALE")
    require_finite(path, "scale", scale)
    accessors = doc.gltf.get("accessors", [])
    signed = accessors[scale_idx].get("componentType") in (5120, 5122) if isinstance(accessors[scale_idx], dict) else False
    log_space = bool(signed or (n and scale.min() < 0))
    log_scales = scale if log_space else log_linear_scale_np(scale)
    color = get(["COLOR_0"], None, required=False)
    if color is not None and color.shape[1] not in (3, 4):
        raise fail(path, "COLOR_0 must be VEC3 or VEC4")
    op = get([PREFIX + "OPACITY"], "SCALAR", required=False)
    if op is None:
        if color is None or color.shape[1] != 4:
            raise fail(path, f"splat primitive lacks {PREFIX}OPACITY (and has no RGBA COLOR_0 to fall back on)")
        op = color[:, 3:4]
    require_finite(path, "opacity", op)
    logit = logit_np(op[:, 0])
    # SH
    present: dict[int, set[int]] = {}
    for nm in attrs:
        m = _SH_ATTR.match(nm)
        if m:
            present.setdefault(int(m.group(1)), set()).add(int(m.group(2)))
    degree = -1
    for lvl in range(0, 4):
        if lvl not in present:
            break
        if present[lvl] != set(range(2 * lvl + 1)):
            raise fail(path, f"SH degree {lvl} is incomplete (coefficients {sorted(present[lvl])})")
        degree = lvl
    if any(degree < lvl <= 3 for lvl in present):
        raise fail(path, f"SH degrees are not contiguous from 0 (found degrees {sorted(present)})")
    if degree < 0:
        if color is None:
            raise fail(path, f"splat primitive has neither {PREFIX}SH_DEGREE_0_COEF_0 nor COLOR_0")
        space = ext.get("colorSpace", "srgb_rec709_display")
        rgb = np.clip(color[:, :3], 0, 1)
        display = linear_to_srgb(rgb) if str(space).startswith("srgb") else rgb
        sh = ((display - 0.5) / _sh.C0).astype(np.float32)[:, None, :]
    else:
        sh = np.empty((n, _sh.num_coeffs(degree), 3), dtype=np.float32)
        k = 0
        for lvl in range(degree + 1):
            for c in range(2 * lvl + 1):
                sh[:, k, :] = get([f"{PREFIX}SH_DEGREE_{lvl}_COEF_{c}"], "VEC3")
                k += 1
    labels = None
    lab = get(["_LABEL"], "SCALAR", required=False)
    if lab is not None:
        lab = lab[:, 0].astype(np.float64)
        require_finite(path, "_LABEL", lab)
        if lab.size and (np.any(lab != np.round(lab)) or np.abs(lab).max() > 2**31 - 1):
            raise fail(path, "_LABEL holds values that are not 32-bit integers")
        labels = lab.astype(np.int32)
    quats = rot[:, [3, 0, 1, 2]]
    info = {"scale_space": "log (early draft)" if log_space else "linear", "draft_attribute_names": draft_names}
    return build_splats(path, means, quats, log_scales, logit, sh, FLIPS_NONE, labels), info


@guard("glTF")
def read(path: Path):
    from ...core.splats import Splats

    path = Path(path)
    doc = load_document(path, read_bytes(path))
    bufs = _Buffers(path, doc)
    parts = []
    for mesh_index, world in _mesh_instances(path, doc.gltf):
        for prim in _splat_primitives(path, doc.gltf, mesh_index):
            s, _ = _read_primitive(path, doc, bufs, prim)
            tr = _decompose(path, world)
            if tr is not None and len(s):
                s = s.transform(rotation=tr[0], translation=tr[1], scale=tr[2])
            parts.append(s)
    if not parts:
        if EXT in (doc.gltf.get("extensionsUsed") or []) and not doc.gltf.get("meshes"):
            return Splats.empty()  # an empty splat set, as our writer stores one
        raise fail(path, "glTF file holds no KHR_gaussian_splatting primitive")
    if len(parts) == 1:
        return parts[0]
    return Splats.concat(parts)  # missing labels become 0 (unlabeled) when some primitive has them


# ----------------------------------------------------------------------------------------------- write
def _segments(path, splats) -> tuple[list[tuple[str, np.ndarray, dict]], int]:
    a = file_arrays(path, splats, FLIPS_NONE)
    n = len(a)
    segs: list[tuple[str, np.ndarray, dict]] = []
    f32 = lambda x: np.ascontiguousarray(x, dtype="<f4")  # noqa: E731
    pos = f32(a.means)
    mm = {"min": pos.min(0).tolist(), "max": pos.max(0).tolist()} if n else {}
    segs.append(("POSITION", pos, {"componentType": 5126, "type": "VEC3", **mm}))
    op = sigmoid_np(a.logit_opacities)
    rgb = np.clip(a.sh[:, 0, :] * _sh.C0 + 0.5, 0, 1)
    rgba = np.concatenate([srgb_to_linear(rgb), op[:, None]], 1)
    segs.append(("COLOR_0", np.ascontiguousarray(np.rint(rgba * 255).astype(np.uint8)),
                 {"componentType": 5121, "type": "VEC4", "normalized": True}))
    segs.append((PREFIX + "ROTATION", f32(a.quats[:, [1, 2, 3, 0]]), {"componentType": 5126, "type": "VEC4"}))
    scale = np.exp(np.clip(a.log_scales, LOG_MIN_LINEAR_SCALE, MAX_LOG_SCALE_F32).astype(np.float64))
    segs.append((PREFIX + "SCALE", f32(scale), {"componentType": 5126, "type": "VEC3"}))
    segs.append((PREFIX + "OPACITY", f32(op), {"componentType": 5126, "type": "SCALAR"}))
    k = 0
    for lvl in range(a.sh_degree + 1):
        for c in range(2 * lvl + 1):
            segs.append((f"{PREFIX}SH_DEGREE_{lvl}_COEF_{c}", f32(a.sh[:, k, :]), {"componentType": 5126, "type": "VEC3"}))
            k += 1
    if a.labels is not None:
        if n and np.abs(a.labels).max() > 2**24:
            raise fail(path, "labels above 2^24 cannot be stored exactly in glTF's float _LABEL attribute")
        segs.append(("_LABEL", f32(a.labels.astype(np.float32)), {"componentType": 5126, "type": "SCALAR"}))
    return segs, n


def _document(segs, n, buffer_uri: str | None, total: int) -> tuple[dict, list[int]]:
    from ... import __version__

    views, accessors, attributes, offsets = [], [], {}, []
    off = 0
    for i, (name, arr, meta) in enumerate(segs):
        offsets.append(off)
        views.append({"buffer": 0, "byteOffset": off, "byteLength": arr.nbytes, "target": 34962})
        accessors.append({"bufferView": i, "count": n, **meta})
        attributes[name] = i
        off += arr.nbytes + (-arr.nbytes % 4)
    buf = {"byteLength": total}
    if buffer_uri is not None:
        buf["uri"] = buffer_uri
    gltf = {
        "asset": {"version": "2.0", "generator": f"spatial {__version__}"},
        "extensionsUsed": [EXT],
        "scene": 0,
        "scenes": [{"nodes": [0]}],
        "nodes": [{"mesh": 0, "name": "splats"}],
        "meshes": [{"name": "splats", "primitives": [{
            "attributes": attributes, "mode": 0,
            "extensions": {EXT: {"kernel": "ellipse", "colorSpace": "srgb_rec709_display",
                                 "sortingMethod": "cameraDistance", "projection": "perspective"}},
        }]}],
        "buffers": [buf],
        "bufferViews": views,
        "accessors": accessors,
    }
    if n == 0:  # accessors need count >= 1: an empty splat set is a scene without meshes
        gltf = {"asset": gltf["asset"], "extensionsUsed": [EXT], "scene": 0, "scenes": [{}]}
    return gltf, offsets


def write(splats, path, embed: bool = True, **options) -> None:
    """Write ``.glb`` (binary) or ``.gltf`` (JSON; buffer embedded as base64, or ``embed=False`` for a
    sibling ``<name>.bin``)."""
    if options:
        raise fail(path, f"unknown glTF write option(s): {', '.join(sorted(options))} (known: embed)")
    path = Path(path)
    segs, n = _segments(path, splats)
    total = sum(arr.nbytes + (-arr.nbytes % 4) for _, arr, _ in segs)
    glb = path.suffix.lower() != ".gltf"
    if glb:
        gltf, _ = _document(segs, n, None, total)
        js = json.dumps(gltf, separators=(",", ":")).encode("utf-8")
        js += b" " * (-len(js) % 4)
        length = 12 + 8 + len(js) + (8 + total if n else 0)
        with atomic_write(path) as f:
            f.write(struct.pack("<4sII", GLB_MAGIC, 2, length))
            f.write(struct.pack("<II", len(js), CHUNK_JSON))
            f.write(js)
            if not n:
                return
            f.write(struct.pack("<II", total, CHUNK_BIN))
            for _, arr, _ in segs:
                write_array(f, arr)
                f.write(b"\0" * (-arr.nbytes % 4))
        return
    if not n:
        gltf, _ = _document(segs, n, None, 0)
        with atomic_write(path) as f:
            f.write(json.dumps(gltf, indent=1).encode("utf-8"))
        return
    blob = b"".join(memoryview(arr).cast("B").tobytes() + b"\0" * (-arr.nbytes % 4) for _, arr, _ in segs)
    if embed:
        uri = "data:application/octet-stream;base64," + base64.b64encode(blob).decode("ascii")
    else:
        uri = path.stem + ".bin"
        with atomic_write(path.with_name(uri)) as f:
            f.write(blob)
    gltf, _ = _document(segs, n, uri, total)
    with atomic_write(path) as f:
        f.write(json.dumps(gltf, indent=1).encode("utf-8"))


# ----------------------------------------------------------------------------------------------- inspect
@guard("glTF")
def inspect(path: Path) -> dict:
    path = Path(path)
    data = read_bytes(path)
    doc = load_document(path, data)
    bufs = _Buffers(path, doc)
    count, degrees, draft, gen = 0, [], False, doc.gltf["asset"].get("generator")
    nprim = 0
    for mesh_index, _ in _mesh_instances(path, doc.gltf):
        for prim in _splat_primitives(path, doc.gltf, mesh_index):
            nprim += 1
            attrs = _obj(path, prim.get("attributes"), "primitive.attributes")
            if "POSITION" not in attrs:
                raise fail(path, "splat primitive has no POSITION attribute")
            count += read_accessor(path, doc, bufs, attrs["POSITION"], "VEC3").shape[0]
            lv = [int(m.group(1)) for nm in attrs if (m := _SH_ATTR.match(nm))]
            degrees.append(max(lv) if lv else 0)
            draft = draft or ("_ROTATION" in attrs and PREFIX + "ROTATION" not in attrs)
    if nprim == 0:
        if not (EXT in (doc.gltf.get("extensionsUsed") or []) and not doc.gltf.get("meshes")):
            raise fail(path, "glTF file holds no KHR_gaussian_splatting primitive")
        degrees = [0]
    return {
        "format": "gltf",
        "version": doc.gltf["asset"]["version"] + (" (KHR_gaussian_splatting early draft)" if draft else
                                                    " + KHR_gaussian_splatting"),
        "container": doc.container,
        "count": count,
        "sh_degree": max(degrees),
        "primitives": nprim,
        "generator": gen,
        "frame": "glTF (+Y up; identical to spatial's)",
    }


def sniff(head: bytes, path) -> bool:
    if head[:4] == GLB_MAGIC:
        return True
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return stripped[:1] == b"{" and b'"asset"' in head and (EXT.encode() in head or str(path).lower().endswith(".gltf"))


FORMAT = register_format(
    SplatFormat(
        name="gltf",
        extensions=(".glb", ".gltf"),
        sniff=sniff,
        read=read,
        write=write,
        inspect=inspect,
        description="glTF 2.0 / GLB with KHR_gaussian_splatting (ratified: linear scale and opacity, xyzw rotation)",
        write_options={"embed": ".gltf only: embed the buffer as base64 (default True) or write a sibling .bin"},
    )
)
