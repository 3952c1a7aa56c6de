"""PlayCanvas / SuperSplat compressed PLY (``*.compressed.ply``).

Binary little-endian PLY with three elements (layout of splat-transform's ``write-compressed-ply.ts``):

* ``chunk`` (ceil(N/256) rows): 12 floats ``min/max_x,y,z`` and ``min/max_scale_x,y,z`` (log scale), plus in
  newer files 6 floats ``min/max_r,g,b`` (colour = 0.5 + C0 * f_dc);
* ``vertex`` (N rows of 4 uint32): ``packed_position`` 11/10/11-bit unorm in the chunk box,
  ``packed_rotation`` 2-bit largest-component index + 3 x 10 bits (w,x,y,z order, smallest three),
  ``packed_scale`` 11/10/11 in the chunk's log-scale range, ``packed_color`` RGBA 8/8/8/8 (RGB in the
  chunk's colour range, or [0,1] for 12-float chunks; A = sigmoid(opacity));
* optional ``sh`` (N rows of 9/24/45 uchar ``f_rest_i``, channel-major): ``q = trunc((f/8 + 0.5) * 256)``.

Frame RDF like the Inria PLY. The writer keeps the splat order unless ``sort="morton"`` (which groups
nearby splats into chunks and so shrinks each chunk's quantization box, as SuperSplat does).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ...core import sh as _sh
from ..atomic import atomic_write
from ..format_spec import SplatFormat, register_format
from ._common import (FLIPS_RDF, build_splats, fail, file_arrays, file_size, guard, logit_np, mirror_signs, read_bytes,
                      require_finite, write_array)
from .ply import MAX_HEADER_BYTES, parse_header, read_element_binary, sniff_ply

CHUNK = 256
CHUNK_PROPS = ["min_x", "min_y", "min_z", "max_x", "max_y", "max_z",
               "min_scale_x", "min_scale_y", "min_scale_z", "max_scale_x", "max_scale_y", "max_scale_z"]
COLOR_PROPS = ["min_r", "min_g", "min_b", "max_r", "max_g", "max_b"]
VERTEX_PROPS = ["packed_position", "packed_rotation", "packed_scale", "packed_color"]
SQRT1_2 = np.float32(np.sqrt(0.5))
#: SH byte -> value, as splat-transform decodes it: ((q + 0.5) / 256 - 0.5) * 8, with 0 -> -4 and 255 -> +4.
SH_LUT = ((np.arange(256, dtype=np.float64) + 0.5) / 256.0 - 0.5) * 8.0
SH_LUT[0], SH_LUT[255] = -4.0, 4.0
SH_LUT = SH_LUT.astype(np.float32)


def _layout(path, header):
    if header.format != "binary_little_endian":
        raise fail(path, f"compressed PLY must be binary_little_endian, not {header.format}")
    chunk = header.element("chunk")
    vertex = header.element("vertex")
    if chunk is None or vertex is None:
        raise fail(path, "not a compressed PLY: needs 'chunk' and 'vertex' elements")
    cnames = chunk.names()
    missing = [p for p in CHUNK_PROPS if p not in cnames]
    if missing:
        raise fail(path, f"compressed PLY chunk element lacks {', '.join(missing)}")
    has_color = all(p in cnames for p in COLOR_PROPS)
    if any(p.type != "f4" for p in chunk.properties if p.name in CHUNK_PROPS + COLOR_PROPS):
        raise fail(path, "compressed PLY chunk properties must be float")
    vnames = vertex.names()
    missing = [p for p in VERTEX_PROPS if p not in vnames]
    if missing:
        raise fail(path, f"compressed PLY vertex element lacks {', '.join(missing)}")
    if any(p.type != "u4" for p in vertex.properties if p.name in VERTEX_PROPS):
        raise fail(path, "compressed PLY packed_* properties must be uint")
    if chunk.count != -(-vertex.count // CHUNK):
        raise fail(path, f"compressed PLY has {chunk.count} chunks for {vertex.count} splats (expected {-(-vertex.count // CHUNK)})")
    sh_el = header.element("sh")
    degree = 0
    if sh_el is not None:
        if sh_el.count != vertex.count:
            raise fail(path, f"compressed PLY sh element has {sh_el.count} rows for {vertex.count} splats")
        nrest = len(sh_el.properties)
        if nrest not in (9, 24, 45):
            raise fail(path, f"compressed PLY sh element has {nrest} properties (expected 9, 24 or 45)")
        if sh_el.names() != [f"f_rest_{i}" for i in range(nrest)] or any(p.type != "u1" for p in sh_el.properties):
            raise fail(path, "compressed PLY sh element must hold uchar f_rest_0..f_rest_N in order")
        degree = {9: 1, 24: 2, 45: 3}[nrest]
    return chunk, vertex, sh_el, has_color, degree


def _unorm(v: np.ndarray, bits: int) -> np.ndarray:
    return (v & ((1 << bits) - 1)).astype(np.float32) / np.float32((1 << bits) - 1)


def _unpack_111011(v: np.ndarray) -> np.ndarray:
    return np.stack([_unorm(v >> 21, 11), _unorm(v >> 11, 10), _unorm(v, 11)], axis=1)


def _lerp(lo: np.ndarray, hi: np.ndarray, t: np.ndarray) -> np.ndarray:
    return lo * (1 - t) + hi * t


@guard("compressed PLY")
def read(path: Path):
    path = Path(path)
    data = read_bytes(path)
    header = parse_header(path, data)
    chunk_el, vertex_el, sh_el, has_color, degree = _layout(path, header)
    n = vertex_el.count
    chunks = read_element_binary(path, data, header, "chunk")
    verts = read_element_binary(path, data, header, "vertex")
    c = lambda nm: np.asarray(chunks[nm], dtype=np.float32)  # noqa: E731
    lo = np.stack([c("min_x"), c("min_y"), c("min_z")], 1)
    hi = np.stack([c("max_x"), c("max_y"), c("max_z")], 1)
    slo = np.stack([c("min_scale_x"), c("min_scale_y"), c("min_scale_z")], 1)
    shi = np.stack([c("max_scale_x"), c("max_scale_y"), c("max_scale_z")], 1)
    require_finite(path, "chunk position range", np.concatenate([lo, hi], 1))
    require_finite(path, "chunk scale range", np.concatenate([slo, shi], 1))
    ci = np.arange(n) // CHUNK

    pos = _unpack_111011(np.asarray(verts["packed_position"]))
    means = _lerp(lo[ci], hi[ci], pos)
    sc = _unpack_111011(np.asarray(verts["packed_scale"]))
    log_scales = _lerp(slo[ci], shi[ci], sc)

    rot = np.asarray(verts["packed_rotation"])
    norm = np.float32(1.0 / SQRT1_2)
    a = (_unorm(rot >> 20, 10) - 0.5) * norm
    b = (_unorm(rot >> 10, 10) - 0.5) * norm
    cc = (_unorm(rot, 10) - 0.5) * norm
    m = np.sqrt(np.maximum(0, 1 - (a * a + b * b + cc * cc)))
    which = (rot >> 30).astype(np.int64)
    q = np.empty((n, 4), dtype=np.float32)
    # components in rot_0..rot_3 (= w,x,y,z) order with the largest one reconstructed
    order = np.array([[4, 0, 1, 2], [0, 4, 1, 2], [0, 1, 4, 2], [0, 1, 2, 4]])[which]
    src = np.stack([a, b, cc, np.zeros_like(a), m], 1)
    q[:] = np.take_along_axis(src, order, 1)

    col = np.asarray(verts["packed_color"])
    rgba = np.stack([_unorm(col >> 24, 8), _unorm(col >> 16, 8), _unorm(col >> 8, 8), _unorm(col, 8)], 1)
    if has_color:
        clo = np.stack([c("min_r"), c("min_g"), c("min_b")], 1)
        chi = np.stack([c("max_r"), c("max_g"), c("max_b")], 1)
        require_finite(path, "chunk colour range", np.concatenate([clo, chi], 1))
        rgb = _lerp(clo[ci], chi[ci], rgba[:, :3])
    else:
        rgb = rgba[:, :3]
    sh = np.zeros((n, _sh.num_coeffs(degree), 3), dtype=np.float32)
    sh[:, 0, :] = (rgb - 0.5) / np.float32(_sh.C0)
    logit = logit_np(rgba[:, 3])
    if sh_el is not None and degree:
        raw = read_element_binary(path, data, header, "sh")
        k = _sh.num_coeffs(degree) - 1
        qv = raw.view(np.uint8).reshape(n, 3 * k) if n else np.zeros((0, 3 * k), np.uint8)
        signs = mirror_signs(FLIPS_RDF, degree)[2][1:]  # RDF -> spatial SH signs, fused into the copy
        for c in range(3):  # channel-major bytes -> [N, K, 3] through the byte -> value table
            np.multiply(SH_LUT[qv[:, c * k: (c + 1) * k]], signs, out=sh[:, 1:, c])
    return build_splats(path, means, q, log_scales, logit, sh, FLIPS_RDF, sh_flipped=True)


# ----------------------------------------------------------------------------------------------- writer
def _pack_unorm(x: np.ndarray, bits: int) -> np.ndarray:
    t = (1 << bits) - 1
    return np.clip(np.floor(x * t + 0.5), 0, t).astype(np.uint32)


def _normalize(x, lo, hi):
    rng = hi - lo
    out = np.where(rng < 1e-5, 0.0, (x - lo) / np.where(rng < 1e-5, 1.0, rng))
    return np.clip(out, 0.0, 1.0)


def _morton_order(means: np.ndarray) -> np.ndarray:
    lo, hi = means.min(0), means.max(0)
    q = np.clip(((means - lo) / np.maximum(hi - lo, 1e-12) * 1023).astype(np.uint64), 0, 1023)

    def spread(v):
        v = v & np.uint64(0x3FF)
        v = (v | (v << np.uint64(16))) & np.uint64(0x030000FF)
        v = (v | (v << np.uint64(8))) & np.uint64(0x0300F00F)
        v = (v | (v << np.uint64(4))) & np.uint64(0x030C30C3)
        v = (v | (v << np.uint64(2))) & np.uint64(0x09249249)
        return v

    code = spread(q[:, 0]) | (spread(q[:, 1]) << np.uint64(1)) | (spread(q[:, 2]) << np.uint64(2))
    return np.argsort(code, kind="stable")


def write(splats, path, sort: str | None = None, **options) -> None:
    """Write a compressed PLY (18-float chunks, like splat-transform 2.x and SuperSplat)."""
    if options:
        raise fail(path, f"unknown compressed PLY write option(s): {', '.join(sorted(options))} (known: sort)")
    if sort not in (None, "morton"):
        raise fail(path, f"sort must be None or 'morton', not {sort!r}")
    a = file_arrays(path, splats, FLIPS_RDF)
    n = len(a)
    degree = a.sh_degree
    means, quats, ls, lo_op, sh = a.means, a.quats, a.log_scales, a.logit_opacities, a.sh
    if sort == "morton" and n:
        order = _morton_order(means)
        means, quats, ls, lo_op, sh = means[order], quats[order], ls[order], lo_op[order], sh[order]
    nch = -(-n // CHUNK)
    pad = nch * CHUNK - n

    def padded(x):
        if pad == 0:
            return x
        return np.concatenate([x, np.repeat(x[-1:], pad, 0)], 0)

    pm, ps = padded(means).reshape(nch, CHUNK, 3), padded(ls).reshape(nch, CHUNK, 3)
    rgb = padded(sh[:, 0, :] * np.float32(_sh.C0) + np.float32(0.5)).reshape(nch, CHUNK, 3)
    pmin, pmax = pm.min(1), pm.max(1)
    smin, smax = np.clip(ps.min(1), -20, 20), np.clip(ps.max(1), -20, 20)
    cmin, cmax = rgb.min(1), rgb.max(1)
    ci = np.arange(n) // CHUNK
    npos = _normalize(means, pmin[ci], pmax[ci])
    nsc = _normalize(ls, smin[ci], smax[ci])
    ncol = _normalize(rgb.reshape(-1, 3)[:n], cmin[ci], cmax[ci])
    p111 = lambda v: (_pack_unorm(v[:, 0], 11) << 21) | (_pack_unorm(v[:, 1], 10) << 11) | _pack_unorm(v[:, 2], 11)  # noqa: E731
    packed_position = p111(npos)
    packed_scale = p111(nsc)
    alpha = 0.5 * (1.0 + np.tanh(0.5 * lo_op.astype(np.float64)))
    packed_color = ((_pack_unorm(ncol[:, 0], 8) << 24) | (_pack_unorm(ncol[:, 1], 8) << 16)
                    | (_pack_unorm(ncol[:, 2], 8) << 8) | _pack_unorm(alpha, 8))
    # rotation: largest |component| index (in w,x,y,z order), sign-normalized, 3 x 10 bits
    largest = np.argmax(np.abs(quats), axis=1)
    sign = np.where(np.take_along_axis(quats, largest[:, None], 1) < 0, -1.0, 1.0).astype(np.float32)
    qs = quats * sign
    others = np.array([[1, 2, 3], [0, 2, 3], [0, 1, 3], [0, 1, 2]])[largest]
    o3 = np.take_along_axis(qs, others, 1) * SQRT1_2 + 0.5
    packed_rotation = ((largest.astype(np.uint32) << 30) | (_pack_unorm(o3[:, 0], 10) << 20)
                       | (_pack_unorm(o3[:, 1], 10) << 10) | _pack_unorm(o3[:, 2], 10))
    chunk_table = np.concatenate([pmin, pmax, smin, smax, cmin, cmax], 1).astype("<f4") if nch else np.zeros((0, 18), "<f4")
    vert_table = np.stack([packed_position, packed_rotation, packed_scale, packed_color], 1).astype("<u4")
    lines = ["ply", "format binary_little_endian 1.0", "comment generated by spatial (compressed PLY, frame RDF)",
             f"element chunk {nch}"]
    lines += [f"property float {p}" for p in CHUNK_PROPS + COLOR_PROPS]
    lines += [f"element vertex {n}"] + [f"property uint {p}" for p in VERTEX_PROPS]
    k = _sh.num_coeffs(degree) - 1
    if degree:
        lines += [f"element sh {n}"] + [f"property uchar f_rest_{i}" for i in range(3 * k)]
    lines.append("end_header")
    with atomic_write(path) as f:
        f.write(("\n".join(lines) + "\n").encode("ascii"))
        write_array(f, chunk_table)
        write_array(f, vert_table)
        if degree:
            rest = sh[:, 1:, :].transpose(0, 2, 1).reshape(n, 3 * k)
            qv = np.clip(np.trunc((rest / 8.0 + 0.5) * 256.0), 0, 255).astype(np.uint8)
            write_array(f, qv)


@guard("compressed PLY")
def inspect(path: Path) -> dict:
    path = Path(path)
    with open(path, "rb") as f:
        head = f.read(MAX_HEADER_BYTES + 16)
    header = parse_header(path, head)
    chunk, vertex, sh_el, has_color, degree = _layout(path, header)
    from .ply import element_offsets

    size = file_size(path)
    element_offsets(path, header, "sh" if sh_el is not None else "vertex", size)
    gen = next((c for c in header.comments if c.lower().startswith("generated by")), None)
    return {
        "format": "compressed_ply",
        "version": f"{'18' if has_color else '12'}-float chunks",
        "count": vertex.count,
        "sh_degree": degree,
        "chunks": chunk.count,
        "generator": gen,
        "frame": "RDF (converted to spatial's +Y-up frame on read)",
    }


def sniff(head: bytes, path) -> bool:
    return sniff_ply(head) and b"element chunk" in head and b"packed_position" in head


FORMAT = register_format(
    SplatFormat(
        name="compressed_ply",
        extensions=(".compressed.ply",),
        sniff=sniff,
        read=read,
        write=write,
        inspect=inspect,
        description="PlayCanvas/SuperSplat compressed PLY (chunk-quantized, 12- or 18-float chunks, SH as bytes)",
        write_options={"sort": "'morton' to reorder splats spatially for tighter chunks (default: keep order)"},
    )
)
