"""Niantic SPZ, versions 1-4 read, 2-4 written (default 3).

Containers:

* v1-v3: gzip of [16-byte header + arrays]; header ``<u32 magic "NGSP", u32 version, u32 numPoints,
  u8 shDegree, u8 fractionalBits, u8 flags, u8 reserved>``;
* v4: plaintext 32-byte header ``<magic, version=4, numPoints, shDegree, fractionalBits, flags,
  numStreams, u32 tocByteOffset, 12 reserved>``, optional extension records ``[u32 type][u32 length][payload]``
  up to ``tocByteOffset``, a TOC of ``numStreams x (u64 compressed, u64 uncompressed)``, then one zstd
  frame per non-empty stream, the last one ending exactly at the end of the file.

Arrays (each contiguous over all points, in this order): positions (24-bit fixed point with
``fractionalBits``; v1 float16), alphas (u8 sigmoid), colours (u8, DC * 0.15 * 255 + 127.5), scales
(u8, (ln sigma + 10) * 16), rotations (v1/v2: 3 bytes xyz with w >= 0 derived; v3+: u32 smallest three),
SH (u8, coefficient-major with RGB inner, (b - 128) / 128, or the Adobe min/max extension).

Frame RUB (three.js): converted to spatial's frame by flipping x and z (positions, quaternions, SH).

Safety: the header's point count fixes the exact decompressed size; a count the compressed bytes cannot
hold (deflate expands at most 1032:1, zstd at most 32768:1) is refused before anything is allocated, and
decompression stops at that size, so a zip bomb raises :class:`FormatError` instead of eating memory.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ...core import sh as _sh
from ..atomic import atomic_write
from ..format_spec import SplatFormat, register_format
from ._common import FLIPS_RUB, build_splats, fail, file_arrays, guard, logit_np, read_bytes, require_finite

MAGIC = 0x5053474E  # b"NGSP" little-endian
LEGACY_HEADER = struct.Struct("<IIIBBBB")
V4_HEADER = struct.Struct("<IIIBBBBI12s")
FLAG_ANTIALIASED = 0x1
FLAG_EXTENSIONS = 0x2
COLOR_SCALE = 0.15
SQRT1_2 = np.float32(np.sqrt(0.5))
DEFLATE_MAX_RATIO = 1032
ZSTD_MAX_RATIO = 32768
#: Extension bytes allowed in a legacy stream beyond the arrays its header implies.
MAX_LEGACY_EXTENSION_BYTES = 1 << 16
EXT_SH_QUANT = 0xADBE0001  # Adobe: u8 sh1Bits, u8 shRestBits, f32 shMin, f32 shMax
EXT_SAFE_ORBIT = 0xADBE0002  # Adobe: 3 x f32
SH_DIM = {0: 0, 1: 3, 2: 8, 3: 15, 4: 24}


@dataclass
class SpzHeader:
    version: int
    count: int
    sh_degree: int
    fractional_bits: int
    flags: int
    container: str  # "gzip" | "zstd"
    sh_min: float = -1.0
    sh_max: float = 1.0
    extensions: list[str] = field(default_factory=list)

    def sizes(self) -> list[int]:
        n = self.count
        return [n * (6 if self.version == 1 else 9), n, n * 3, n * 3, n * (3 if self.version < 3 else 4),
                n * SH_DIM[self.sh_degree] * 3]


def _check_header(path, version: int, count: int, degree: int, fb: int, legacy: bool) -> None:
    if legacy and version not in (1, 2, 3):
        raise fail(path, f"unsupported SPZ version {version} in a gzip container (spatial reads 1-4)")
    if not legacy and version != 4:
        raise fail(path, f"unsupported SPZ version {version} in an NGSP container (spatial reads 1-4)")
    if degree > 4 or (degree == 4 and version < 3):
        raise fail(path, f"SPZ v{version} cannot hold SH degree {degree}")
    if fb > 23:
        raise fail(path, f"SPZ fractionalBits {fb} is out of range (0..23)")


def _parse_adobe(path, buf: bytes, start: int, end: int, hdr: SpzHeader) -> int:
    """Parse Adobe-style extension records (type tag then fixed payload) until an unknown tag; returns the
    offset after the last record parsed."""
    off = start
    while off + 4 <= end:
        (typ,) = struct.unpack_from("<I", buf, off)
        if typ == EXT_SH_QUANT and off + 14 <= end:
            b1, b2, lo, hi = struct.unpack_from("<BBff", buf, off + 4)
            if b1 > 8 or b2 > 8 or not (np.isfinite(lo) and np.isfinite(hi)):
                raise fail(path, "SPZ SH-quantization extension holds invalid values")
            hdr.sh_min, hdr.sh_max = float(lo), float(hi)
            hdr.extensions.append("ADOBE_sh_quantization")
            off += 14
        elif typ == EXT_SAFE_ORBIT and off + 16 <= end:
            hdr.extensions.append("ADOBE_safe_orbit_camera")
            off += 16
        else:
            break
    return off


def _parse_ilv(path, buf: bytes, start: int, end: int, hdr: SpzHeader) -> None:
    """v4 extension records: [u32 type][u32 byteLength][payload]."""
    off = start
    while off + 8 <= end:
        typ, length = struct.unpack_from("<II", buf, off)
        if off + 8 + length > end:
            raise fail(path, f"SPZ extension record at byte {off} runs past the extension area")
        if typ == EXT_SH_QUANT and length >= 10:
            b1, b2, lo, hi = struct.unpack_from("<BBff", buf, off + 8)
            if b1 > 8 or b2 > 8 or not (np.isfinite(lo) and np.isfinite(hi)):
                raise fail(path, "SPZ SH-quantization extension holds invalid values")
            hdr.sh_min, hdr.sh_max = float(lo), float(hi)
            hdr.extensions.append("ADOBE_sh_quantization")
        else:
            hdr.extensions.append(f"0x{typ:08x}")
        off += 8 + length


# ------------------------------------------------------------------------------------------- containers
def _gunzip_header(path, data: bytes) -> tuple[SpzHeader, "zlib._Decompress", bytes]:
    d = zlib.decompressobj(wbits=31)
    head = d.decompress(data, LEGACY_HEADER.size)
    if len(head) < LEGACY_HEADER.size:
        raise fail(path, "SPZ gzip stream ends before its 16-byte header (truncated)")
    magic, version, count, degree, fb, flags, _ = LEGACY_HEADER.unpack(head)
    if magic != MAGIC:
        raise fail(path, f"gzip stream is not SPZ (magic 0x{magic:08x}, expected 'NGSP')")
    _check_header(path, version, count, degree, fb, legacy=True)
    return SpzHeader(version, count, degree, fb, flags, "gzip"), d, head


def _check_legacy_count(path, hdr: SpzHeader, compressed_bytes: int) -> int:
    payload = sum(hdr.sizes())
    # deflate cannot expand more than 1032:1: refuse counts the compressed bytes cannot hold
    if payload > DEFLATE_MAX_RATIO * compressed_bytes + 1024:
        raise fail(path, f"SPZ header claims {hdr.count} splats ({payload} bytes) but {compressed_bytes} compressed "
                         "bytes cannot hold that many (corrupt file)")
    return payload


def _legacy_arrays(path, data: bytes) -> tuple[SpzHeader, list[bytes]]:
    hdr, d, _ = _gunzip_header(path, data)
    payload = _check_legacy_count(path, hdr, len(data))
    cap = payload + (MAX_LEGACY_EXTENSION_BYTES if hdr.flags & FLAG_EXTENSIONS else 0)
    body = d.decompress(d.unconsumed_tail, cap) if cap else b""
    if not d.eof:
        more = d.decompress(d.unconsumed_tail, 1)
        if more:
            raise fail(path, f"SPZ data decompresses to more than the {hdr.count} splats in its header can use "
                             "(zip bomb or corrupt file)")
        if not d.eof:
            raise fail(path, "SPZ gzip stream is truncated")
    if len(body) < payload:
        raise fail(path, f"SPZ data holds {len(body)} bytes but {hdr.count} splats need {payload} (truncated)")
    start = 0
    if hdr.flags & FLAG_EXTENSIONS and len(body) > payload:
        # Adobe's library writes extension records right after the header; others append them.
        end = _parse_adobe(path, body, 0, len(body) - payload, hdr)
        if end == len(body) - payload:
            start = end
        else:
            hdr.sh_min, hdr.sh_max, hdr.extensions = -1.0, 1.0, ["trailing records (ignored)"]
    arrays, off = [], start
    for size in hdr.sizes():
        arrays.append(body[off: off + size])
        off += size
    return hdr, arrays


def _v4_header(path, data: bytes) -> tuple[SpzHeader, int, int, list[tuple[int, int]]]:
    if len(data) < V4_HEADER.size:
        raise fail(path, "SPZ v4 file is shorter than its 32-byte header (truncated)")
    magic, version, count, degree, fb, flags, nstreams, toc, _ = V4_HEADER.unpack_from(data)
    if magic != MAGIC:
        raise fail(path, "not an SPZ file (bad magic)")
    _check_header(path, version, count, degree, fb, legacy=False)
    hdr = SpzHeader(version, count, degree, fb, flags, "zstd")
    if toc < V4_HEADER.size or toc + 16 * nstreams > len(data):
        raise fail(path, f"SPZ v4 TOC offset {toc} with {nstreams} streams lies outside the {len(data)}-byte file")
    if flags & FLAG_EXTENSIONS:
        _parse_ilv(path, data, V4_HEADER.size, toc, hdr)
    entries = [struct.unpack_from("<QQ", data, toc + 16 * i) for i in range(nstreams)]
    return hdr, toc, nstreams, entries


def _v4_plan(path, data: bytes):
    """Header, and per stream (slot, offset, compressed size, size) after checking every TOC claim."""
    hdr, toc, nstreams, entries = _v4_header(path, data)
    sizes = hdr.sizes()
    nonzero = [i for i, s in enumerate(sizes) if s > 0]
    if nstreams == len(nonzero):
        slots = nonzero
    elif nstreams == len(sizes) - (hdr.sh_degree == 0):
        slots = list(range(nstreams))
    else:
        raise fail(path, f"SPZ v4 has {nstreams} streams; {hdr.count} splats at SH degree {hdr.sh_degree} need {len(nonzero)}")
    off = toc + 16 * nstreams
    plan = []
    for slot, (csize, usize) in zip(slots, entries):
        if usize != sizes[slot]:
            raise fail(path, f"SPZ v4 stream {slot} claims {usize} bytes; {hdr.count} splats need {sizes[slot]}")
        if csize > len(data) - off:
            raise fail(path, f"SPZ v4 stream {slot} runs past the end of the file (truncated)")
        if usize > ZSTD_MAX_RATIO * csize + 1024:
            raise fail(path, f"SPZ v4 stream {slot} claims {usize} bytes from {csize} compressed bytes, more than zstd "
                             "can expand (corrupt file or zip bomb)")
        plan.append((slot, off, csize, usize))
        off += csize
    if off != len(data):
        raise fail(path, f"SPZ v4 streams end at byte {off} but the file has {len(data)} bytes")
    return hdr, plan


def _v4_arrays(path, data: bytes) -> tuple[SpzHeader, list[bytes]]:
    import zstandard

    hdr, plan = _v4_plan(path, data)
    arrays = [b""] * len(hdr.sizes())
    dctx = zstandard.ZstdDecompressor()
    for slot, off, csize, usize in plan:
        chunk = data[off: off + csize]
        if usize == 0:
            continue
        params = zstandard.get_frame_parameters(chunk)
        if params.content_size not in (zstandard.CONTENTSIZE_UNKNOWN, usize):
            raise fail(path, f"SPZ v4 stream {slot}: zstd frame holds {params.content_size} bytes, TOC says {usize}")
        out = dctx.decompress(chunk, max_output_size=usize)
        if len(out) != usize:
            raise fail(path, f"SPZ v4 stream {slot} decompresses to {len(out)} bytes, expected {usize}")
        arrays[slot] = out
    return hdr, arrays


def decode(path, data: bytes) -> tuple[SpzHeader, list[bytes]]:
    """Header and the six raw arrays of an SPZ file held in ``data``."""
    if data[:2] == b"\x1f\x8b":
        return _legacy_arrays(path, data)
    if data[:4] == b"NGSP":
        return _v4_arrays(path, data)
    raise fail(path, "not an SPZ file (neither gzip magic 1f 8b nor 'NGSP')")


# ------------------------------------------------------------------------------------------- values
def _unpack_rotations(raw: np.ndarray, version: int, n: int) -> np.ndarray:
    """-> [N,4] (x, y, z, w)."""
    if version < 3:
        xyz = raw.reshape(n, 3).astype(np.float32) / np.float32(127.5) - 1
        w = np.sqrt(np.maximum(0, 1 - (xyz * xyz).sum(1)))
        return np.concatenate([xyz, w[:, None]], 1)
    comp = raw.view("<u4").astype(np.uint32) if n else np.zeros(0, np.uint32)
    largest = (comp >> 30).astype(np.int64)
    fields = np.stack([comp & 0x3FF, (comp >> 10) & 0x3FF, (comp >> 20) & 0x3FF], 1)  # low bits = last slot
    val = SQRT1_2 * (fields & 0x1FF).astype(np.float32) / np.float32(511)
    val = np.where((fields >> 9) & 1, -val, val)
    # fields[:,0] is the highest index != largest, fields[:,2] the lowest
    slots = np.array([[3, 2, 1], [3, 2, 0], [3, 1, 0], [2, 1, 0]])[largest]
    q = np.zeros((n, 4), dtype=np.float32)
    np.put_along_axis(q, slots, val, 1)
    rest = np.sqrt(np.maximum(0, 1 - (val * val).sum(1)))
    np.put_along_axis(q, largest[:, None], rest[:, None], 1)
    return q


_LUT_ALPHA = None


def _luts():
    """Byte -> float32 lookup tables (one gather per array instead of several float passes)."""
    global _LUT_ALPHA
    if _LUT_ALPHA is None:
        b = np.arange(256, dtype=np.float64)
        _LUT_ALPHA = (
            logit_np(b / 255.0),
            ((b / 255.0 - 0.5) / COLOR_SCALE).astype(np.float32),
            (b / 16.0 - 10.0).astype(np.float32),
            ((b - 128.0) / 128.0).astype(np.float32),
        )
    return _LUT_ALPHA


@guard("SPZ")
def read_bytes_spz(path, data: bytes):
    hdr, arrays = decode(path, data)
    n = hdr.count
    pos_b, alpha_b, color_b, scale_b, rot_b, sh_b = (np.frombuffer(a, dtype=np.uint8) for a in arrays)
    lut_alpha, lut_color, lut_scale, lut_sh = _luts()
    if hdr.version == 1:
        means = np.frombuffer(arrays[0], dtype="<f2").reshape(n, 3).astype(np.float32)
        require_finite(path, "position", means)
    else:
        b = pos_b.reshape(n * 3, 3)
        v = b[:, 0].astype(np.int32) | (b[:, 1].astype(np.int32) << 8) | (b[:, 2].astype(np.int32) << 16)
        v ^= 0x800000
        v -= 0x800000
        means = v.astype(np.float32).reshape(n, 3)
        means *= np.float32(1.0 / (1 << hdr.fractional_bits))  # exact: a power of two
    logit = lut_alpha[alpha_b]
    log_scales = lut_scale[scale_b].reshape(n, 3)
    q_xyzw = _unpack_rotations(rot_b, hdr.version, n)
    quats = q_xyzw[:, [3, 0, 1, 2]]
    dim = SH_DIM[hdr.sh_degree]
    degree = min(hdr.sh_degree, 3)
    k = _sh.num_coeffs(degree)
    sh = np.empty((n, k, 3), dtype=np.float32)
    sh[:, 0, :] = lut_color[color_b].reshape(n, 3)
    if dim:
        raw = sh_b.reshape(n, dim, 3)[:, : k - 1]
        if hdr.sh_min == -1.0 and hdr.sh_max == 1.0:
            lut = lut_sh
        elif hdr.sh_max > hdr.sh_min:
            lut = (hdr.sh_min + np.arange(256) / 255.0 * (hdr.sh_max - hdr.sh_min)).astype(np.float32)
        else:
            lut = np.zeros(256, np.float32)
        sh[:, 1:, :] = lut[raw]
    return build_splats(path, means, quats, log_scales, logit, sh, FLIPS_RUB, check=False)


def read(path: Path):
    path = Path(path)
    return read_bytes_spz(path, read_bytes(path))


# ------------------------------------------------------------------------------------------- writer
def _round(x: np.ndarray) -> np.ndarray:
    """std::round on float32 values: half away from zero (exact in float64)."""
    x = np.asarray(x, dtype=np.float64)
    return np.trunc(x + np.copysign(0.5, x))


def _pack_first_three(q_xyzw: np.ndarray) -> np.ndarray:
    """v1/v2 rotations: 3 bytes of x, y, z (w >= 0 is derived by the reader).

    Rounding each component to its nearest byte is not the best choice near w = 0, where the derived
    w = sqrt(1 - |xyz|^2) is very sensitive to |xyz|: nearest rounding loses up to 0.23 rad there. Of the
    8 floor/ceil choices we keep the one whose decoded rotation is closest to the input (worst case
    about 0.1 rad; the byte layout is unchanged, so every v2 reader reads it)."""
    q = np.where(q_xyzw[:, 3:4] < 0, -q_xyzw, q_xyzw).astype(np.float32)
    q = q / np.maximum(np.linalg.norm(q, axis=1, keepdims=True), np.float32(1e-12))
    base = np.floor(q[:, :3] * np.float32(127.5) + np.float32(127.5))
    offsets = np.array([[i >> 2 & 1, i >> 1 & 1, i & 1] for i in range(8)], dtype=np.float32)
    cand = np.clip(base[:, None, :] + offsets[None], 0, 255)  # [N, 8, 3]
    xyz = cand / np.float32(127.5) - 1
    w = np.sqrt(np.maximum(0, 1 - (xyz * xyz).sum(2)))
    dec = np.concatenate([xyz, w[..., None]], 2)
    dec /= np.maximum(np.linalg.norm(dec, axis=2, keepdims=True), np.float32(1e-12))
    best = np.abs((dec * q[:, None, :]).sum(2)).argmax(1)
    return cand[np.arange(len(q)), best].astype(np.uint8)


def _u8(x: np.ndarray) -> np.ndarray:
    """toUint8 of load-spz.cc: clamp(round(x), 0, 255)."""
    return np.clip(_round(x), 0, 255).astype(np.uint8)


_F32_BELOW_HALF = np.nextafter(np.float32(0.5), np.float32(0))


def _round_f32(y: np.ndarray) -> np.ndarray:
    """std::round for float32 arrays in float32 (fast path for the big SH array).

    floor(|y| + 0.5) is exact for float32 except at |y| = 0.49999997, where the float32 sum ties to 1.0."""
    a = np.abs(y)
    r = a + np.float32(0.5)
    np.floor(r, out=r)
    r[a == _F32_BELOW_HALF] = 0
    return np.copysign(r, y, out=r)


def _quantize_sh(x: np.ndarray, bits: int) -> np.ndarray:
    """``round(x*128)+128`` snapped to a bucket of ``2^(8-bits)`` (as load-spz.cc), clamped to 0..255."""
    bucket = 1 << (8 - bits)
    q = _round_f32(np.asarray(x, dtype=np.float32) * np.float32(128.0))
    q += np.float32(128 + bucket // 2)
    np.clip(q, 0, 511, out=q)  # below 0 snaps to 0 either way
    qi = q.astype(np.uint16)
    qi &= np.uint16(0xFFFF ^ (bucket - 1))
    np.minimum(qi, 255, out=qi)
    return qi.astype(np.uint8)


def _pack_smallest_three(q_xyzw: np.ndarray) -> np.ndarray:
    n = q_xyzw.shape[0]
    largest = np.argmax(np.abs(q_xyzw), axis=1)
    neg_l = np.take_along_axis(q_xyzw, largest[:, None], 1)[:, 0] < 0
    others = np.array([[1, 2, 3], [0, 2, 3], [0, 1, 3], [0, 1, 2]])[largest]
    vals = np.take_along_axis(q_xyzw, others, 1)
    neg = ((vals < 0) ^ neg_l[:, None]).astype(np.uint32)
    mag = np.minimum((np.float32(511) * (np.abs(vals) / SQRT1_2) + np.float32(0.5)).astype(np.uint32), 511)
    f = (neg << 9) | mag
    comp = (largest.astype(np.uint32) << 30) | (f[:, 0] << 20) | (f[:, 1] << 10) | f[:, 2]
    return comp.astype("<u4").view(np.uint8).reshape(n * 4) if n else np.zeros(0, np.uint8)


def encode_arrays(path, splats, version: int = 3, fractional_bits: int | None = None,
                  sh_bits: tuple[int, int] = (5, 4)) -> tuple[SpzHeader, list[bytes]]:
    """Quantize ``splats`` into the six SPZ arrays (RUB frame)."""
    if version not in (2, 3, 4):
        raise fail(path, f"cannot write SPZ version {version!r} (spatial writes 2, 3 or 4)")
    if isinstance(sh_bits, int):
        sh_bits = (sh_bits, sh_bits)
    if not all(isinstance(b, (int, np.integer)) and 1 <= b <= 8 for b in sh_bits):
        raise fail(path, f"sh_bits must be integers in 1..8, got {sh_bits!r}")
    a = file_arrays(path, splats, FLIPS_RUB)
    n = len(a)
    ext = float(np.abs(a.means).max()) if n else 0.0
    limit = (1 << 23) - 1
    if fractional_bits is None:
        fb = 12
        while fb > 0 and ext * (1 << fb) > limit:
            fb -= 1
    else:
        fb = int(fractional_bits)
        if not 0 <= fb <= 23:
            raise fail(path, f"fractional_bits must be in 0..23, got {fractional_bits}")
    if ext * (1 << fb) > limit:
        raise fail(path, f"positions reach {ext:.6g} m, beyond SPZ's 24-bit range at {fb} fractional bits")
    fixed = _round(a.means * np.float32(1 << fb)).astype("<i4")
    pos = fixed.view(np.uint8).reshape(n * 3, 4)[:, :3] if n else np.zeros((0, 3), np.uint8)
    # float32 arithmetic and round-half-away-from-zero, as load-spz.cc: our bytes equal the reference's
    f32 = np.float32
    sig = f32(1) / (f32(1) + np.exp(-a.logit_opacities.astype(f32)))
    alpha = _u8(sig * f32(255))
    color = _u8(a.sh[:, 0, :] * (f32(COLOR_SCALE) * f32(255)) + f32(127.5))
    scale = _u8((a.log_scales + f32(10)) * f32(16))
    q = a.quats[:, [1, 2, 3, 0]]  # xyzw
    if version == 2:
        rot = _pack_first_three(q)
    else:
        rot = _pack_smallest_three(q)
    degree = a.sh_degree
    if degree:
        rest = a.sh[:, 1:, :]
        sh = np.empty(rest.shape, dtype=np.uint8)
        sh[:, :3] = _quantize_sh(rest[:, :3], sh_bits[0])
        if degree > 1:
            sh[:, 3:] = _quantize_sh(rest[:, 3:], sh_bits[1])
    else:
        sh = np.zeros(0, np.uint8)
    hdr = SpzHeader(version, n, degree, fb, 0, "zstd" if version == 4 else "gzip")
    arrays = [np.ascontiguousarray(x).reshape(-1) for x in (pos, alpha, color, scale, rot, sh)]
    return hdr, arrays


def write(splats, path, version: int = 3, fractional_bits: int | None = None, sh_bits=(5, 4),
          compression_level: int | None = None, **options) -> None:
    """Write SPZ ``version`` 2, 3 (default, gzip) or 4 (zstd).

    ``fractional_bits``: fixed-point bits for positions (default 12, lowered automatically when the scene
    is larger than +-2048 m). ``sh_bits``: (degree-1 bits, higher-degree bits) of SH precision, default
    (5, 4) like the reference library; 8 keeps full byte precision. ``compression_level``: gzip 0-9
    (default 1) or zstd 1-22 (default 3). The reference library uses gzip 6 / zstd 12; on splat data
    those are 3-10x slower for files about 1% smaller (measured, docs/formats.md).
    """
    if options:
        raise fail(path, f"unknown SPZ write option(s): {', '.join(sorted(options))} "
                         "(known: version, fractional_bits, sh_bits, compression_level)")
    hdr, arrays = encode_arrays(path, splats, int(version), fractional_bits, sh_bits)
    with atomic_write(path) as f:
        if hdr.version < 4:
            level = 1 if compression_level is None else int(compression_level)
            c = zlib.compressobj(level, zlib.DEFLATED, 31, 9)
            f.write(c.compress(LEGACY_HEADER.pack(MAGIC, hdr.version, hdr.count, hdr.sh_degree,
                                                  hdr.fractional_bits, 0, 0)))
            for arr in arrays:
                if len(arr):
                    f.write(c.compress(memoryview(arr).cast("B")))
            f.write(c.flush())
        else:
            import zstandard

            level = 3 if compression_level is None else int(compression_level)
            cctx = zstandard.ZstdCompressor(level=level, write_content_size=True)
            frames = [(cctx.compress(memoryview(arr).cast("B")), len(arr)) for arr in arrays if len(arr)]
            f.write(V4_HEADER.pack(MAGIC, 4, hdr.count, hdr.sh_degree, hdr.fractional_bits, 0, len(frames),
                                   V4_HEADER.size, b"\0" * 12))
            for comp, usize in frames:
                f.write(struct.pack("<QQ", len(comp), usize))
            for comp, _ in frames:
                f.write(comp)


@guard("SPZ")
def inspect(path: Path) -> dict:
    path = Path(path)
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    if head[:2] == b"\x1f\x8b":
        hdr, _, _ = _gunzip_header(path, head)
        _check_legacy_count(path, hdr, path.stat().st_size)
    elif head[:4] == b"NGSP":
        hdr = _v4_plan(path, read_bytes(path))[0]
    else:
        raise fail(path, "not an SPZ file (neither gzip magic 1f 8b nor 'NGSP')")
    return {
        "format": "spz",
        "version": hdr.version,
        "container": hdr.container,
        "count": hdr.count,
        "sh_degree": hdr.sh_degree,
        "fractional_bits": hdr.fractional_bits,
        "antialiased": bool(hdr.flags & FLAG_ANTIALIASED),
        "extensions": hdr.extensions,
        "frame": "RUB (three.js; converted to spatial's frame on read)",
    }


def sniff(head: bytes, path) -> bool:
    if head[:4] == b"NGSP":
        return True
    if head[:2] == b"\x1f\x8b":
        try:
            d = zlib.decompressobj(wbits=31)
            return d.decompress(head, 4)[:4] == b"NGSP"
        except zlib.error:
            return False
    return False


FORMAT = register_format(
    SplatFormat(
        name="spz",
        extensions=(".spz",),
        sniff=sniff,
        read=read,
        write=write,
        inspect=inspect,
        description="Niantic SPZ (read v1-v4; write v2, v3 (default, gzip) or v4 (zstd))",
        write_options={
            "version": "2, 3 (default) or 4",
            "fractional_bits": "position fixed-point bits (default 12, auto-lowered for scenes beyond +-2048 m)",
            "sh_bits": "(degree-1 bits, higher bits), default (5, 4) like the reference library; 8 = lossless bytes",
            "compression_level": "gzip 0-9 (default 1) / zstd 1-22 (default 3)",
        },
    )
)
