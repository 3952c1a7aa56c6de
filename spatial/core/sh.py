"""Real spherical harmonics as used by 3D Gaussian Splatting (degree 0..3).

Layout: coefficients ``[N, K, 3]`` with ``K = (degree + 1) ** 2``, DC first, bands in order
l=0; l=1 (m=-1,0,1); l=2 (m=-2..2); l=3 (m=-3..3); RGB innermost. Colour is
``max(sum_k c_k Y_k(d) + 0.5, 0)`` for the unit direction ``d`` from camera centre to splat.
Constants and signs follow the Inria/gsplat implementation (Condon-Shortley phase included).
"""

from __future__ import annotations

import math

import torch

C0 = 0.28209479177387814
C1 = 0.4886025119029199
C2 = (1.0925484305920792, -1.0925484305920792, 0.31539156525252005, -1.0925484305920792, 0.5462742152960396)
C3 = (
    -0.5900435899266435, 2.890611442640554, -0.4570457994644658, 0.3731763325901154,
    -0.4570457994644658, 1.445305721320277, -0.5900435899266435,
)


def num_coeffs(degree: int) -> int:
    """Number of SH coefficients per channel for ``degree`` (1, 4, 9, 16)."""
    return (degree + 1) ** 2


def degree_from_coeffs(k: int) -> int:
    """Inverse of :func:`num_coeffs`; raises ValueError if ``k`` is not a square <= 16."""
    d = int(round(math.sqrt(k))) - 1
    if d < 0 or d > 3 or (d + 1) ** 2 != k:
        raise ValueError(f"{k} SH coefficients per channel is not a degree 0..3 layout")
    return d


def rgb_to_sh(rgb: torch.Tensor) -> torch.Tensor:
    """Linear-display RGB in [0,1] -> DC coefficient (inverse of the DC term of :func:`eval_sh`)."""
    return (rgb - 0.5) / C0


def sh_to_rgb(dc: torch.Tensor) -> torch.Tensor:
    """DC coefficient -> view-independent RGB (unclamped)."""
    return dc * C0 + 0.5


def sh_basis(degree: int, dirs: torch.Tensor) -> torch.Tensor:
    """Real SH basis values [..., K] at unit directions ``dirs`` [..., 3]."""
    x, y, z = dirs.unbind(-1)
    out = [torch.full_like(x, C0)]
    if degree >= 1:
        out += [-C1 * y, C1 * z, -C1 * x]
    if degree >= 2:
        xx, yy, zz, xy, yz, xz = x * x, y * y, z * z, x * y, y * z, x * z
        out += [
            C2[0] * xy,
            C2[1] * yz,
            C2[2] * (2.0 * zz - xx - yy),
            C2[3] * xz,
            C2[4] * (xx - yy),
        ]
    if degree >= 3:
        out += [
            C3[0] * y * (3 * xx - yy),
            C3[1] * xy * z,
            C3[2] * y * (4 * zz - xx - yy),
            C3[3] * z * (2 * zz - 3 * xx - 3 * yy),
            C3[4] * x * (4 * zz - xx - yy),
            C3[5] * z * (xx - yy),
            C3[6] * x * (xx - 3 * yy),
        ]
    return torch.stack(out, -1)


def eval_sh(degree: int, coeffs: torch.Tensor, dirs: torch.Tensor) -> torch.Tensor:
    """Colour (before +0.5 and clamp) from ``coeffs`` [..., K>=num_coeffs(degree), 3] and unit ``dirs`` [..., 3]."""
    k = num_coeffs(degree)
    basis = sh_basis(degree, dirs)
    return (basis[..., None] * coeffs[..., :k, :]).sum(-2)


def _fibonacci_dirs(n: int) -> torch.Tensor:
    i = torch.arange(n, dtype=torch.float64) + 0.5
    phi = torch.acos(1 - 2 * i / n)
    theta = math.pi * (1 + 5**0.5) * i
    return torch.stack([torch.cos(theta) * torch.sin(phi), torch.sin(theta) * torch.sin(phi), torch.cos(phi)], -1)


def sh_rotation_matrix(rot: torch.Tensor, degree: int) -> torch.Tensor:
    """Block-diagonal [K, K] matrix ``A`` so that rotating a splat by ``rot`` maps coefficients ``c -> A @ c``.

    Exact (bands are closed under rotation): solved per band by least squares on 64
    well-spread directions, ``Y(R^T d) = Y(d) A``.
    """
    rot = torch.as_tensor(rot, dtype=torch.float64)
    k = num_coeffs(degree)
    dirs = _fibonacci_dirs(64)
    y_d = sh_basis(degree, dirs)
    y_rd = sh_basis(degree, dirs @ rot)  # rows are R^T d
    a = torch.zeros(k, k, dtype=torch.float64)
    start = 0
    for band in range(degree + 1):
        n = 2 * band + 1
        sl = slice(start, start + n)
        # Y(d) X = Y(R^T d); rotated coefficients are X @ c
        a[sl, sl] = torch.linalg.lstsq(y_d[:, sl], y_rd[:, sl]).solution
        start += n
    return a


def rotate_sh(coeffs: torch.Tensor, rot: torch.Tensor) -> torch.Tensor:
    """Rotate SH coefficients [N, K, 3] by a [3,3] rotation (the DC term is unchanged)."""
    k = coeffs.shape[-2]
    if k <= 1:
        return coeffs.clone()
    a = sh_rotation_matrix(rot, degree_from_coeffs(k)).to(coeffs.dtype).to(coeffs.device)
    return torch.einsum("ij,njc->nic", a, coeffs)


def flip_signs(degree: int, flips: tuple[int, int, int]) -> torch.Tensor:
    """Per-coefficient sign multipliers [K] for mirroring axes by ``flips`` = (fx, fy, fz) in {+1,-1}.

    Derived from the basis parity (each term is a monomial pattern in x, y, z), so it agrees with
    the flip table in docs/conventions.md and nianticlabs/spz's coordinateConverter.
    """
    fx, fy, fz = flips
    d = torch.tensor([[fx, fy, fz]], dtype=torch.float64) * _fibonacci_dirs(32)
    ratio = sh_basis(degree, d) / sh_basis(degree, _fibonacci_dirs(32))
    # each basis function is odd or even per axis, so the ratio is a constant +-1 (median is robust to 0/0)
    return torch.sign(ratio.nan_to_num(0).median(0).values)
