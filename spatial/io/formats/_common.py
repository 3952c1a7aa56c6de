"""Shared plumbing for the splat format modules (numpy in, :class:`Splats` out and back).

Every reader goes through :func:`build_splats`, which

* rejects NaN anywhere and Inf in positions, rotations, SH and as +inf log-scale (one :class:`FormatError`
  naming the field, the count and the first offending splat: a non-finite splat poisons depth sorting and
  bounding boxes downstream); saturated values are kept: an opacity logit of -/+inf is clamped to
  -/+LOGIT_MAX (opacity 0/1; splat-transform writes these when converting SPZ alpha bytes 0/255) and a
  log-scale of -inf becomes ln(MIN_LINEAR_SCALE) (a zero-size axis),
* normalizes quaternions (zero-length quaternions become identity),
* mirrors the file's frame into spatial's world frame: exactly :meth:`Splats.mirror` (docs/conventions.md),
  whose sign vectors are applied in place (see :func:`mirror_signs`).

Every writer gets float32 numpy arrays in the file's frame from :func:`file_arrays` and writes through
:func:`spatial.io.atomic.atomic_write`.
"""

from __future__ import annotations

import functools
import os
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import torch

from ...core.colour import linear_to_srgb, srgb_to_linear  # noqa: F401 (used by the formats)
from ...core import sh as _sh
from ...core.splats import Splats
from ...errors import FormatError

#: Opacity is clamped to [OPACITY_EPS, 1 - OPACITY_EPS] before taking the logit when a file stores it
#: linearly (or as a byte): 0 and 1 are legal file values but have infinite logits.
OPACITY_EPS = 1e-7
LOGIT_MAX = float(np.log((1 - OPACITY_EPS) / OPACITY_EPS))  # ~16.118
#: Smallest linear scale kept when a file stores sigma linearly (0 is legal there; log(0) is not).
MIN_LINEAR_SCALE = 1e-30
LOG_MIN_LINEAR_SCALE = float(np.log(MIN_LINEAR_SCALE))
#: float32 exp() overflows above this; log-scales are clamped here before writing linear formats.
MAX_LOG_SCALE_F32 = 88.0

# Frame flips (fx, fy, fz) between a file's frame and spatial's (each is its own inverse).
FLIPS_RDF = (-1, -1, 1)  # 3DGS PLY, compressed PLY, .splat (COLMAP/OpenCV: x right, y down, z forward)
FLIPS_RUB = (-1, 1, -1)  # SPZ (three.js: x right, y up, z back)
FLIPS_NONE = (1, 1, 1)  # glTF (= spatial)


def fail(path, problem: str) -> FormatError:
    """Shorthand: ``raise fail(path, "...")``."""
    return FormatError(path, problem)


def guard(kind: str) -> Callable:
    """Decorator for readers/inspectors: any low-level decoding exception becomes a FormatError.

    Readers check every size and count explicitly before allocating; this is the safety net that keeps
    the promise "one documented exception type" for the odd corrupt byte we did not anticipate.
    """

    def deco(fn):
        @functools.wraps(fn)
        def wrapper(path, *args, **kwargs):
            try:
                # hostile values overflow to inf/nan while decoding; the explicit checks then reject them
                with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                    return fn(path, *args, **kwargs)
            except FormatError:
                raise
            except MemoryError:
                raise FormatError(path, f"{kind} file needs more memory than is available") from None
            except (ValueError, KeyError, IndexError, TypeError, OverflowError, RecursionError, struct.error,
                    zlib.error, UnicodeDecodeError, EOFError, AttributeError) as e:
                raise FormatError(path, f"malformed {kind} file ({type(e).__name__}: {e})") from None
            except Exception as e:  # zstandard.ZstdError and friends
                if type(e).__module__.startswith("zstandard") or "Zstd" in type(e).__name__:
                    raise FormatError(path, f"malformed {kind} file (zstd: {e})") from None
                raise

        return wrapper

    return deco


def read_bytes(path: Path, writable: bool = False) -> "bytes | np.ndarray":
    """The whole file, refusing files over the registry's size limit.

    ``writable=True`` returns a uint8 numpy array instead (no zero-fill before reading; torch can view it)."""
    from ..format_spec import MAX_FILE_BYTES

    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as e:
        raise FormatError(path, f"cannot read: {e.strerror or e}") from None
    if size > MAX_FILE_BYTES:
        raise FormatError(path, f"file is {size} bytes, over the {MAX_FILE_BYTES}-byte limit (SPATIAL_MAX_FILE_BYTES)")
    try:
        with open(path, "rb") as f:
            if not writable:
                return f.read()
            buf = np.empty(size, dtype=np.uint8)
            got = f.readinto(memoryview(buf))
            return buf if got == size else buf[:got].copy()
    except OSError as e:
        raise FormatError(path, f"cannot read: {e.strerror or e}") from None


def check_count(path, count: int, bytes_per_item: float, available: int, what: str = "splats") -> None:
    """Refuse a header count the file cannot hold, before anything is allocated."""
    if count < 0:
        raise FormatError(path, f"header claims a negative number of {what} ({count})")
    need = count * bytes_per_item
    if need > available:
        raise FormatError(
            path,
            f"header claims {count} {what} ({int(need)} bytes) but the file holds only {available} bytes for them "
            "(truncated or corrupt file)",
        )


def require_finite(path, name: str, arr: np.ndarray) -> None:
    """FormatError naming the field when ``arr`` holds NaN or Inf."""
    if not all_finite(arr):
        bad = ~np.isfinite(arr.reshape(arr.shape[0], -1)).all(axis=1)
        idx = np.flatnonzero(bad)
        raise FormatError(
            path,
            f"{name} holds NaN/Inf values in {idx.size} splat(s), first at splat {int(idx[0])}; spatial rejects "
            "non-finite splats (remove them, e.g. `splat-transform in out -N`, and read again)",
        )


def normalize_quats_np(q: np.ndarray) -> np.ndarray:
    """Unit quaternions [N,4] (w,x,y,z); zero-length rows become identity (1,0,0,0)."""
    q = np.asarray(q, dtype=np.float32)
    n2 = np.einsum("ij,ij->i", q, q, dtype=np.float64)  # float64: no overflow/underflow for any float32 input
    good = n2 > 1e-24
    inv = np.where(good, 1.0 / np.sqrt(np.where(good, n2, 1.0)), 0.0).astype(np.float32)
    out = q * inv[:, None]
    out[:, 0] += (~good).astype(np.float32)
    return out


def all_finite(arr: np.ndarray) -> bool:
    """True when ``arr`` holds no NaN/Inf (one float64 reduction, no temporary mask for the common case)."""
    if arr.size == 0:
        return True
    with np.errstate(all="ignore"):  # inf - inf in the sum is the case we are looking for, not an error
        # a float32 sum is NaN/Inf iff an element is (or, rarely, the sum overflows: then check exactly)
        if np.isfinite(np.add.reduce(arr.reshape(-1))):
            return True
    return bool(np.isfinite(arr).all())


@functools.lru_cache(maxsize=None)
def mirror_signs(flips: tuple[int, int, int], sh_degree: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(position [3], quaternion [4], SH [K]) sign vectors of ``Splats.mirror(flips)``.

    Taken from :meth:`Splats.mirror` itself (applied to a probe splat of ones), so the frame convention
    lives in one place; readers apply them in place to freshly decoded arrays instead of allocating a
    mirrored copy of every tensor."""
    k = _sh.num_coeffs(sh_degree)
    probe = Splats(torch.ones(1, 3), torch.ones(1, 4), torch.zeros(1, 3), torch.zeros(1), torch.ones(1, k, 3))
    m = probe.mirror(tuple(int(f) for f in flips))
    return m.means[0].numpy().copy(), m.quats[0].numpy().copy(), m.sh[0, :, 0].numpy().copy()


def logit_np(op: np.ndarray) -> np.ndarray:
    """Logit of linear opacity, clamped to +-LOGIT_MAX (0 and 1 are valid file values)."""
    op = np.clip(np.asarray(op, dtype=np.float64), OPACITY_EPS, 1 - OPACITY_EPS)
    return np.log(op / (1 - op)).astype(np.float32)


def sigmoid_np(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return (0.5 * (1.0 + np.tanh(0.5 * x))).astype(np.float32)


def log_linear_scale_np(s: np.ndarray) -> np.ndarray:
    """ln(sigma) of linear scales; 0 maps to ln(MIN_LINEAR_SCALE)."""
    return np.log(np.maximum(np.asarray(s, dtype=np.float32), MIN_LINEAR_SCALE)).astype(np.float32)


def build_splats(
    path,
    means: np.ndarray,
    quats_wxyz: np.ndarray,
    log_scales: np.ndarray,
    logit_opacities: np.ndarray,
    sh: np.ndarray,
    flips: tuple[int, int, int],
    labels: np.ndarray | None = None,
    check: bool = True,
    sh_flipped: bool = False,
) -> Splats:
    """Validate decoded arrays (file frame) and return :class:`Splats` in spatial's world frame.

    ``sh_flipped``: the caller already multiplied ``sh`` by :func:`mirror_signs` (fused into its copy)."""
    n = means.shape[0]
    if check:
        # Saturated values real tools write (splat-transform turns SPZ alpha bytes 0/255 into -/+inf logits):
        # an infinite opacity logit is opacity 0 or 1 exactly, a -inf log-scale a zero-size axis.
        logit_opacities = np.asarray(logit_opacities, dtype=np.float32)
        if np.isinf(logit_opacities).any():
            logit_opacities = np.clip(logit_opacities, -LOGIT_MAX, LOGIT_MAX)
        log_scales = np.asarray(log_scales, dtype=np.float32)
        if np.isneginf(log_scales).any():
            log_scales = np.where(np.isneginf(log_scales), np.float32(LOG_MIN_LINEAR_SCALE), log_scales)
        for name, arr in (("position", means), ("rotation", quats_wxyz), ("scale", log_scales),
                          ("opacity", logit_opacities), ("SH/colour", sh)):
            require_finite(path, name, arr.numpy() if isinstance(arr, torch.Tensor) else np.asarray(arr))
    quats_wxyz = normalize_quats_np(quats_wxyz)
    t = lambda a, dt=np.float32: torch.from_numpy(np.require(a, dt, ["C", "W"]))  # noqa: E731
    lab = None if labels is None else t(labels, np.int32)
    if sh.ndim != 3 or sh.shape[0] != n or sh.shape[2] != 3:
        raise ValueError(f"decoded SH has shape {sh.shape}")
    means, quats = (np.require(a, np.float32, ["C", "W"]) for a in (means.reshape(n, 3), quats_wxyz))
    sh_t = sh if isinstance(sh, torch.Tensor) else t(sh)
    if tuple(flips) != (1, 1, 1):  # file frame -> spatial's frame, exactly Splats.mirror(flips), in place
        ps, qs, ss = mirror_signs(tuple(flips), _sh.degree_from_coeffs(sh.shape[1]))
        means *= ps
        quats *= qs
        if not sh_flipped and sh.shape[1] > 1:
            sh_t[:, 1:].mul_(torch.from_numpy(ss[1:]).view(1, -1, 1))  # DC never changes sign
    return Splats(t(means), t(quats), t(log_scales.reshape(n, 3)), t(logit_opacities.reshape(n)), sh_t, lab)


@dataclass
class FileArrays:
    """float32 numpy views of a splat set in a file's frame (activated or not, as named)."""

    means: np.ndarray  # [N,3]
    quats: np.ndarray  # [N,4] (w,x,y,z), unit
    log_scales: np.ndarray  # [N,3]
    logit_opacities: np.ndarray  # [N]
    sh: np.ndarray  # [N,K,3]
    labels: np.ndarray | None  # [N] int32

    def __len__(self) -> int:
        return self.means.shape[0]

    @property
    def sh_degree(self) -> int:
        return _sh.degree_from_coeffs(self.sh.shape[1])


def file_arrays(path, splats: Splats, flips: tuple[int, int, int], check: bool = True) -> FileArrays:
    """Splats (spatial frame) -> float32 numpy arrays in the file's frame, quaternions normalized.

    Refuses NaN/Inf (a writer must not produce a file our own reader rejects)."""
    if not isinstance(splats, Splats):
        raise FormatError(path, f"expected a Splats object to write, got {type(splats).__name__}")
    s = splats.detach()
    if s.device.type != "cpu":
        s = s.to("cpu")
    if tuple(flips) != (1, 1, 1):
        s = s.mirror(flips)
    np32 = lambda t: t.to(torch.float32).numpy()  # noqa: E731
    arrays = FileArrays(
        np32(s.means),
        normalize_quats_np(np32(s.quats)),
        np32(s.log_scales),
        np32(s.logit_opacities),
        np32(s.sh),
        None if s.labels is None else s.labels.to(torch.int32).numpy(),
    )
    if check:
        for name, arr in (("means", arrays.means), ("quats", arrays.quats), ("log_scales", arrays.log_scales),
                          ("logit_opacities", arrays.logit_opacities), ("sh", arrays.sh)):
            if arr.size and not np.isfinite(arr).all():
                bad = int(np.flatnonzero(~np.isfinite(arr.reshape(arr.shape[0], -1)).all(1))[0])
                raise FormatError(path, f"cannot write: splats.{name} holds NaN/Inf (first at splat {bad})")
    return arrays


def pad_sh(sh: np.ndarray, degree: int) -> np.ndarray:
    """Truncate or zero-pad [N,K,3] SH to ``degree``."""
    k = _sh.num_coeffs(degree)
    if sh.shape[1] == k:
        return sh
    if sh.shape[1] > k:
        return sh[:, :k]
    out = np.zeros((sh.shape[0], k, 3), dtype=sh.dtype)
    out[:, : sh.shape[1]] = sh
    return out


def sh_degree_for_rest(count_per_channel: int) -> int | None:
    """SH degree for a number of non-DC coefficients per channel (0, 3, 8, 15, 24), else None."""
    return {0: 0, 3: 1, 8: 2, 15: 3, 24: 4}.get(count_per_channel)


def file_size(path) -> int:
    try:
        return os.stat(path).st_size
    except OSError as e:
        raise FormatError(path, f"cannot read: {e.strerror or e}") from None


def write_array(f, arr: np.ndarray) -> None:
    """Write an array's bytes (C order) to an open binary file; empty arrays write nothing."""
    if arr.size:
        f.write(memoryview(np.ascontiguousarray(arr)).cast("B"))
