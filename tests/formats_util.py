"""Helpers for the format tests: the documented quantization bounds (docs/formats.md) and comparisons.

Every bound below is the one written in docs/formats.md; tests assert decoded values stay within them.
Comparisons happen in spatial's world frame, on activated values (covariances, opacities), never on raw
quaternions (q and -q are the same rotation; tools pick different signs).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from spatial.core import sh as _sh
from spatial.core.rotation import normalize_quat
from spatial.core.splats import Splats

C0 = _sh.C0


@dataclass(frozen=True)
class Bounds:
    """Worst-case absolute errors of one write+read through a format (see docs/formats.md)."""

    position: float  # metres, per axis (compressed PLY: per chunk, see chunk_position)
    log_scale: float  # natural-log units
    log_scale_range: tuple[float, float]  # representable ln(sigma); values outside are clamped
    rotation: float  # radians, angle between original and decoded rotation
    opacity: float  # in [0,1]
    dc: float  # SH DC coefficient (within dc_range)
    dc_range: tuple[float, float]
    sh: float  # higher SH coefficients (within sh_range)
    sh_range: tuple[float, float]
    sh_degree_max: int = 3
    labels: bool = False
    chunk_position: bool = False  # position/scale/colour bounds are relative to 256-splat chunk ranges


INF = float("inf")
EXACT = Bounds(0.0, 1e-6, (-INF, INF), 2e-3, 1e-7, 0.0, (-INF, INF), 0.0, (-INF, INF), labels=True)
BOUNDS = {
    "ply": EXACT,
    "gltf": Bounds(0.0, 2e-6, (math.log(1e-30), 88.0), 2e-3, 1e-6, 0.0, (-INF, INF), 0.0, (-INF, INF), labels=True),
    "splat": Bounds(0.0, 2e-6, (math.log(1e-30), 88.0), 0.035, 0.5 / 255 + 1e-6, 0.5 / 255 / C0 + 1e-5,
                    (-0.5 / C0, 0.5 / C0), 0.0, (-INF, INF), sh_degree_max=0),
    "spz": Bounds(2.0**-13 + 1e-7, 1 / 32 + 1e-5, (-10.0, 5.9375), 4e-3, 0.5 / 255 + 1e-6,
                  0.5 / (0.15 * 255) + 1e-5, (-0.5 / 0.15, 0.5 / 0.15 - 1e-3), 8.5 / 128 + 1e-5, (-1.0, 127 / 128)),
    "spz-v2": Bounds(2.0**-13 + 1e-7, 1 / 32 + 1e-5, (-10.0, 5.9375), 0.125, 0.5 / 255 + 1e-6,
                     0.5 / (0.15 * 255) + 1e-5, (-0.5 / 0.15, 0.5 / 0.15 - 1e-3), 8.5 / 128 + 1e-5, (-1.0, 127 / 128)),
    "compressed_ply": Bounds(0.0, 0.0, (-20.0, 20.0), 4e-3, 0.5 / 255 + 1e-6, 0.0, (-INF, INF),
                             1 / 32 + 1e-5, (-4.0, 4.0 - 1 / 32), chunk_position=True),
}
#: SPZ's degree-1 SH use 5 bits by default: tighter than the 4-bit higher bands.
SPZ_SH1 = 4.5 / 128 + 1e-5


def rotation_angle(qa: torch.Tensor, qb: torch.Tensor) -> torch.Tensor:
    """Angle (radians) between rotations given as (w,x,y,z) quaternions, sign-invariant."""
    a, b = normalize_quat(qa.double()), normalize_quat(qb.double())
    d = (a * b).sum(-1).abs().clamp(max=1.0)
    return 2 * torch.acos(d)


def clamp_like_format(s: Splats, b: Bounds) -> Splats:
    """The values a format can represent: log-scales, DC and SH clamped to its ranges, SH degree cut."""
    from dataclasses import replace

    lo, hi = b.log_scale_range
    sh = s.sh.clone()
    sh[:, 0] = sh[:, 0].clamp(*b.dc_range)
    sh[:, 1:] = sh[:, 1:].clamp(*b.sh_range)
    out = replace(s, log_scales=s.log_scales.clamp(lo, hi), sh=sh)
    if out.sh_degree > b.sh_degree_max:
        out = out.with_sh_degree(b.sh_degree_max)
    return out


def covariance_tolerance(a: Splats, b: Splats, angle: float, dlog: float) -> torch.Tensor:
    """Per-splat bound on max |Sigma_a - Sigma_b| from a rotation error ``angle`` and log-scale error ``dlog``.

    Sigma = R S^2 R^T: |R'S'^2R'^T - RS^2R^T| <= |S'^2 - S^2| + 2 |R' - R| |S^2| with |R' - R| <= angle."""
    smax2 = torch.maximum(a.scales.double().amax(1), b.scales.double().amax(1)) ** 2
    return smax2 * (2.2 * angle + 1.05 * (math.exp(2 * dlog) - 1)) + 1e-12


def assert_within(orig: Splats, got: Splats, b: Bounds, sh1: float | None = None, label: str = "",
                  rotations: bool = True) -> None:
    """Assert ``got`` (decoded) equals ``orig`` (what was written) within bounds ``b``, same order.

    ``rotations=False`` skips the per-quaternion angle check (other tools may encode a different rotation
    with the same covariance, see formats.md 2.4.3); covariances are always compared."""
    assert len(got) == len(orig), f"{label}: count {len(got)} != {len(orig)}"
    if len(orig) == 0:
        return
    exp = clamp_like_format(orig, b)
    if b.chunk_position:
        _assert_chunked(exp, got, b, label)
    else:
        dm = (got.means.double() - exp.means.double()).abs()
        tol = b.position + 1e-6 * exp.means.double().abs()  # float32 rounding of large coordinates
        assert (dm <= tol).all(), f"{label}: position error {dm.max():.3g} > {b.position:.3g}"
        dl = (got.log_scales.double() - exp.log_scales.double()).abs().max()
        assert dl <= b.log_scale + 1e-6 * exp.log_scales.abs().max(), f"{label}: log-scale error {dl:.3g} > {b.log_scale:.3g}"
        dc = (got.sh[:, 0].double() - exp.sh[:, 0].double()).abs().max()
        assert dc <= b.dc + 1e-6, f"{label}: DC error {dc:.3g} > {b.dc:.3g}"
    if rotations:
        ang = rotation_angle(got.quats, exp.quats).max()
        assert ang <= b.rotation, f"{label}: rotation error {ang:.3g} rad > {b.rotation:.3g}"
    assert torch.allclose(got.quats.norm(dim=-1), torch.ones(len(got)), atol=1e-5), f"{label}: quaternions not unit"
    dop = (got.opacities.double() - exp.opacities.double()).abs().max()
    assert dop <= b.opacity, f"{label}: opacity error {dop:.3g} > {b.opacity:.3g}"
    if not b.chunk_position:
        tol = covariance_tolerance(exp, got, b.rotation, b.log_scale)
        dcov = (got.covariances().double() - exp.covariances().double()).abs().amax((1, 2))
        assert (dcov <= tol).all(), f"{label}: covariance error exceeds bound (worst ratio {(dcov / tol).max():.3g})"
    k = min(exp.sh.shape[1], got.sh.shape[1])
    assert got.sh_degree == min(orig.sh_degree, b.sh_degree_max), f"{label}: SH degree {got.sh_degree}"
    if k > 1:
        d = (got.sh[:, 1:k].double() - exp.sh[:, 1:k].double()).abs()
        if sh1 is not None:
            assert d[:, :3].max() <= sh1, f"{label}: SH band-1 error {d[:, :3].max():.3g} > {sh1:.3g}"
        assert d.max() <= b.sh, f"{label}: SH error {d.max():.3g} > {b.sh:.3g}"
    if b.labels and orig.labels is not None:
        assert got.labels is not None and torch.equal(got.labels, orig.labels), f"{label}: labels differ"


def _assert_chunked(exp: Splats, got: Splats, b: Bounds, label: str) -> None:
    """Compressed PLY: bounds relative to each 256-splat chunk's ranges (in the file's RDF frame;
    the frame flip only changes signs, so ranges are the same per axis)."""
    n = len(exp)
    bits = torch.tensor([11, 10, 11], dtype=torch.float64)
    steps = 2 ** bits - 1
    for c0 in range(0, n, 256):
        sl = slice(c0, min(n, c0 + 256))
        m = exp.means[sl].double()
        rng = m.amax(0) - m.amin(0)
        tol = rng / steps / 2 + 1e-6 * (1 + m.abs().amax(0))
        dm = (got.means[sl].double() - m).abs().amax(0)
        assert (dm <= tol).all(), f"{label}: chunk position error {dm.tolist()} > {tol.tolist()}"
        ls = exp.log_scales[sl].double()
        rng = ls.amax(0).clamp(-20, 20) - ls.amin(0).clamp(-20, 20)
        tol = rng / steps / 2 + 1e-5
        dl = (got.log_scales[sl].double() - ls).abs().amax(0)
        assert (dl <= tol).all(), f"{label}: chunk log-scale error {dl.tolist()} > {tol.tolist()}"
        rgb = exp.sh[sl, 0].double() * C0 + 0.5
        rng = rgb.amax(0) - rgb.amin(0)
        tol = rng / 255 / 2 / C0 + 1e-5
        dc = (got.sh[sl, 0].double() - exp.sh[sl, 0].double()).abs().amax(0)
        assert (dc <= tol).all(), f"{label}: chunk DC error {dc.tolist()} > {tol.tolist()}"
