"""antimatter15 ``.splat``: 32 bytes per splat, no header (detected by the ``.splat`` extension only).

=======  ========================  ==================================================================
bytes    field                     encoding
=======  ========================  ==================================================================
0-11     position x, y, z          float32, frame RDF (same as the source PLY)
12-23    scale x, y, z             float32, **linear** sigma
24-27    R G B A                   uint8: colour = 0.5 + C0 * f_dc, A = sigmoid(opacity), times 255
28-31    rotation                  uint8 (w, x, y, z): ``q * 128 + 128``; decoded ``(b - 128) / 128``
=======  ========================  ==================================================================

No SH beyond the DC colour. Our writer rounds to the nearest byte (antimatter15's convert.py truncates).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ...core import sh as _sh
from ..atomic import atomic_write
from ..format_spec import SplatFormat, register_format
from ._common import (FLIPS_RDF, LOG_MIN_LINEAR_SCALE, MAX_LOG_SCALE_F32, build_splats, fail, file_arrays, file_size,
                      guard, log_linear_scale_np, logit_np, read_bytes, require_finite)

RECORD = np.dtype([("pos", "<f4", (3,)), ("scale", "<f4", (3,)), ("rgba", "u1", (4,)), ("rot", "u1", (4,))])
assert RECORD.itemsize == 32


def _check_size(path, size: int) -> int:
    if size % 32:
        raise fail(path, f".splat file is {size} bytes, not a multiple of 32 (truncated or not a .splat file)")
    return size // 32


@guard(".splat")
def read(path: Path):
    path = Path(path)
    data = read_bytes(path)
    n = _check_size(path, len(data))
    rec = np.frombuffer(data, dtype=RECORD, count=n)
    means = np.array(rec["pos"], dtype=np.float32).reshape(n, 3)
    scales = np.array(rec["scale"], dtype=np.float32).reshape(n, 3)
    require_finite(path, "position", means)
    require_finite(path, "scale", scales)
    if n and scales.min() < 0:
        raise fail(path, f"negative linear scale at splat {int(np.flatnonzero((scales < 0).any(1))[0])}")
    rgba = np.asarray(rec["rgba"], dtype=np.float32).reshape(n, 4) / 255.0
    q = (np.asarray(rec["rot"], dtype=np.float32).reshape(n, 4) - 128.0) / 128.0
    sh = ((rgba[:, :3] - 0.5) / np.float32(_sh.C0))[:, None, :]
    return build_splats(path, means, q, log_linear_scale_np(scales), logit_np(rgba[:, 3]), sh, FLIPS_RDF)


def write(splats, path, **options) -> None:
    """Write antimatter15 .splat (DC colour only; higher SH bands are dropped)."""
    if options:
        raise fail(path, f"unknown .splat write option(s): {', '.join(sorted(options))} (it has none)")
    a = file_arrays(path, splats, FLIPS_RDF)
    n = len(a)
    rec = np.zeros(n, dtype=RECORD)
    rec["pos"] = a.means
    rec["scale"] = np.exp(np.clip(a.log_scales, LOG_MIN_LINEAR_SCALE, MAX_LOG_SCALE_F32)).astype(np.float32)
    rgb = a.sh[:, 0, :] * np.float32(_sh.C0) + np.float32(0.5)
    alpha = 0.5 * (1.0 + np.tanh(0.5 * a.logit_opacities.astype(np.float64)))
    rgba = np.concatenate([rgb, alpha[:, None]], 1)
    rec["rgba"] = np.clip(np.rint(rgba * 255.0), 0, 255).astype(np.uint8)
    rec["rot"] = np.clip(np.rint(a.quats * 128.0 + 128.0), 0, 255).astype(np.uint8)
    with atomic_write(path) as f:
        f.write(rec.view(np.uint8))


@guard(".splat")
def inspect(path: Path) -> dict:
    n = _check_size(path, file_size(path))
    return {"format": "splat", "version": "antimatter15 (32 bytes/splat)", "count": n, "sh_degree": 0,
            "frame": "RDF (converted to spatial's +Y-up frame on read)"}


def sniff(head: bytes, path) -> bool:
    return False  # no magic bytes: the registry falls back to the .splat extension


FORMAT = register_format(
    SplatFormat(
        name="splat",
        extensions=(".splat",),
        sniff=sniff,
        read=read,
        write=write,
        inspect=inspect,
        description="antimatter15 .splat (32 bytes per splat, DC colour only; detected by extension)",
    )
)
