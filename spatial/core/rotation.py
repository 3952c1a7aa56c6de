"""Quaternion and rotation-matrix helpers: the one implementation for the whole package.

Convention (see docs/conventions.md): quaternions are stored **(w, x, y, z)**,
active rotations, ``v' = R(q) v``; composition ``q_a * q_b`` applies ``q_b`` first.
The torch functions are the math; :func:`quat_to_rotmat_np` and :func:`rotmat_to_quat_np` are the same
functions for numpy arrays (no copy of the formulas).
"""

from __future__ import annotations

import numpy as np
import torch


def normalize_quat(q: torch.Tensor, eps: float = 1e-12) -> torch.Tensor:
    """Unit quaternions; zero-length or non-finite inputs become identity."""
    n = q.norm(dim=-1, keepdim=True)
    good = torch.isfinite(n) & (n > eps)
    ident = torch.zeros_like(q)
    ident[..., 0] = 1.0
    return torch.where(good, q / n.clamp_min(eps), ident)


def quat_to_rotmat(q: torch.Tensor) -> torch.Tensor:
    """[..., 4] (w,x,y,z), normalized inside -> [..., 3, 3]."""
    q = normalize_quat(q)
    w, x, y, z = q.unbind(-1)
    r = torch.stack(
        [
            1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
            2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
            2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y),
        ],
        dim=-1,
    )
    return r.reshape(q.shape[:-1] + (3, 3))


def rotmat_to_quat(m: torch.Tensor) -> torch.Tensor:
    """[..., 3, 3] proper rotation -> [..., 4] (w,x,y,z) with w >= 0 (numerically robust branch choice)."""
    m = m.to(torch.float64) if m.dtype not in (torch.float32, torch.float64) else m
    m00, m01, m02 = m[..., 0, 0], m[..., 0, 1], m[..., 0, 2]
    m10, m11, m12 = m[..., 1, 0], m[..., 1, 1], m[..., 1, 2]
    m20, m21, m22 = m[..., 2, 0], m[..., 2, 1], m[..., 2, 2]
    # Four candidate solutions; pick the one with the largest pivot (Shepperd's method).
    t = torch.stack([1 + m00 + m11 + m22, 1 + m00 - m11 - m22, 1 - m00 + m11 - m22, 1 - m00 - m11 + m22], -1)
    cand = torch.stack(
        [
            torch.stack([t[..., 0], m21 - m12, m02 - m20, m10 - m01], -1),
            torch.stack([m21 - m12, t[..., 1], m01 + m10, m02 + m20], -1),
            torch.stack([m02 - m20, m01 + m10, t[..., 2], m12 + m21], -1),
            torch.stack([m10 - m01, m02 + m20, m12 + m21, t[..., 3]], -1),
        ],
        -2,
    )
    idx = t.argmax(-1)
    q = torch.gather(cand, -2, idx[..., None, None].expand(idx.shape + (1, 4))).squeeze(-2)
    q = q / q.norm(dim=-1, keepdim=True).clamp_min(1e-30)
    return torch.where(q[..., :1] < 0, -q, q)


def quat_to_rotmat_np(q) -> np.ndarray:
    """numpy [..., 4] (w,x,y,z), normalized inside (zero/non-finite -> identity) -> [..., 3, 3], same dtype
    (float32 or float64; other inputs become float64)."""
    q = np.asarray(q)
    q = q if q.dtype in (np.float32, np.float64) else q.astype(np.float64)
    return quat_to_rotmat(torch.from_numpy(np.ascontiguousarray(q))).numpy()


def rotmat_to_quat_np(m) -> np.ndarray:
    """numpy [..., 3, 3] proper rotation -> [..., 4] (w,x,y,z) with w >= 0."""
    m = np.asarray(m)
    m = m if m.dtype in (np.float32, np.float64) else m.astype(np.float64)
    return rotmat_to_quat(torch.from_numpy(np.ascontiguousarray(m))).numpy()


def quat_multiply(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Hamilton product a*b of (w,x,y,z) quaternions (applies b, then a)."""
    aw, ax, ay, az = a.unbind(-1)
    bw, bx, by, bz = b.unbind(-1)
    return torch.stack(
        [
            aw * bw - ax * bx - ay * by - az * bz,
            aw * bx + ax * bw + ay * bz - az * by,
            aw * by - ax * bz + ay * bw + az * bx,
            aw * bz + ax * by - ay * bx + az * bw,
        ],
        -1,
    )


def axis_angle_to_rotmat(axis, angle: float) -> torch.Tensor:
    """Rodrigues' formula; ``axis`` any 3-vector, ``angle`` in radians -> [3,3] float64."""
    a = torch.as_tensor(axis, dtype=torch.float64)
    a = a / a.norm().clamp_min(1e-30)
    k = torch.tensor([[0, -a[2], a[1]], [a[2], 0, -a[0]], [-a[1], a[0], 0]], dtype=torch.float64)
    ang = torch.tensor(float(angle), dtype=torch.float64)
    return torch.eye(3, dtype=torch.float64) + torch.sin(ang) * k + (1 - torch.cos(ang)) * (k @ k)


def covariance(quats: torch.Tensor, scales: torch.Tensor) -> torch.Tensor:
    """World covariance R S^2 R^T from (w,x,y,z) quaternions [N,4] and *linear* scales [N,3]."""
    r = quat_to_rotmat(quats)
    rs = r * scales[..., None, :]
    return rs @ rs.transpose(-1, -2)
