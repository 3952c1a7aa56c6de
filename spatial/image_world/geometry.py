"""Horizon and focal length from vanishing points (classical camera calibration from one photo).

Line segments come from OpenCV's LSD. Near-vertical segments are set aside (a level camera keeps
vertical lines parallel); the rest vote for vanishing points with a deterministic RANSAC over
segment pairs (inlier: the segment points at the candidate within 2 degrees; score: inlier length).
With a level camera every horizontal vanishing point lies on the horizon row, and two vanishing
points of orthogonal directions ``v1``, ``v2`` give the focal length
``f^2 = -(v1 - c) . (v2 - c)`` (c = principal point, the image centre).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np


@dataclass
class HorizonEstimate:
    horizon: float | None  # row (pixels, pixel centres at +0.5) or None = unknown
    focal: float | None  # pixels, or None = unknown
    source: str  # "vanishing_point" | "none"
    vanishing_points: list = field(default_factory=list)  # [[u, v, support], ...] (finite ones)
    lines: int = 0
    #: row offset ``v_z - c_y`` of the vertical vanishing point (converging verticals: the camera is
    #: pitched by ``atan(f / zenith_offset)``; positive = looking down); None = verticals parallel
    zenith_offset: float | None = None

    def horizon_for(self, focal: float, cy: float) -> float | None:
        """The horizon row a camera of focal length ``focal`` pitched as the verticals say would see."""
        if self.zenith_offset is None:
            return None
        return cy - focal * focal / self.zenith_offset


def _segments(grey: np.ndarray) -> np.ndarray:
    import cv2

    lsd = cv2.createLineSegmentDetector()
    lines = lsd.detect(grey)[0]
    if lines is None:
        return np.zeros((0, 4))
    return lines.reshape(-1, 4).astype(np.float64)


def _vp_ransac(lines_h: np.ndarray, p1: np.ndarray, p2: np.ndarray, length: np.ndarray, rng: np.random.Generator,
               iters: int = 400, tol_deg: float = 2.0):
    n = len(lines_h)
    if n < 2:
        return None, np.zeros(n, bool)
    mid = (p1 + p2) / 2
    d = p2 - p1
    d /= np.linalg.norm(d, axis=1, keepdims=True)
    best, best_score, best_in = None, 0.0, np.zeros(n, bool)
    cos_tol = math.cos(math.radians(tol_deg))
    prob = length / length.sum()
    for _ in range(iters):
        i, j = rng.choice(n, 2, replace=False, p=prob)
        vp = np.cross(lines_h[i], lines_h[j])
        if np.abs(vp).max() < 1e-12:
            continue
        inl = _inliers(vp, mid, d, cos_tol)
        score = length[inl].sum()
        if score > best_score:
            best, best_score, best_in = vp, score, inl
    if best is None:
        return None, best_in
    # least-squares refinement: the point closest to all inlier lines
    L = lines_h[best_in] * length[best_in, None]
    _, _, vt = np.linalg.svd(L)
    vp = vt[-1]
    inl = _inliers(vp, mid, d, cos_tol)
    if length[inl].sum() >= best_score * 0.9:
        best, best_in = vp, inl
    return best, best_in


def _inliers(vp: np.ndarray, mid: np.ndarray, d: np.ndarray, cos_tol: float) -> np.ndarray:
    if abs(vp[2]) < 1e-9 * np.abs(vp[:2]).max():
        to = np.broadcast_to(vp[:2] / np.linalg.norm(vp[:2]), mid.shape)
    else:
        to = vp[:2] / vp[2] - mid
        to = to / np.maximum(np.linalg.norm(to, axis=1, keepdims=True), 1e-9)
    return np.abs((to * d).sum(1)) > cos_tol


def vertical_vanishing_offset(p1: np.ndarray, p2: np.ndarray, w: int, h: int, rng: np.random.Generator) -> float | None:
    """Row offset from the image centre of the point where the near-vertical segments meet (None when they
    stay parallel within 3 degrees of pitch, or too few agree). A camera pitched down by ``t`` sees the
    verticals meet ``f / tan(t)`` below the centre (Hartley & Zisserman 8.6)."""
    length = np.linalg.norm(p2 - p1, axis=1)
    ang = np.degrees(np.arctan2(np.abs(p2[:, 0] - p1[:, 0]), np.abs(p2[:, 1] - p1[:, 1])))
    keep = (ang < 20) & (length > 0.05 * max(h, w))
    if keep.sum() < 4:
        return None
    a, b, ln = p1[keep], p2[keep], length[keep]
    ones = np.ones((len(a), 1))
    lines_h = np.cross(np.hstack([a, ones]), np.hstack([b, ones]))
    lines_h /= np.linalg.norm(lines_h[:, :2], axis=1, keepdims=True)
    vp, inl = _vp_ransac(lines_h, a, b, ln, rng, iters=300, tol_deg=1.0)
    if vp is None or inl.sum() < 4 or ln[inl].sum() < 0.5 * ln.sum() or ln[inl].sum() < 0.6 * max(h, w):
        return None
    if abs(vp[2]) < 1e-12:
        return None
    u, v = vp[0] / vp[2], vp[1] / vp[2]
    off = v - h / 2.0
    # a pitch under ~3 degrees (with a normal lens) is a level camera within the noise of the lines
    if abs(off) > 20.0 * max(h, w) or abs(u - w / 2.0) > 0.5 * abs(off) + 0.5 * w:
        return None
    return float(off)


def estimate_horizon_and_focal(rgb: np.ndarray, seed: int = 0) -> HorizonEstimate:
    """Horizon row and focal length (pixels) of ``rgb`` (uint8 [H,W,3]) from vanishing points."""
    import cv2

    h, w = rgb.shape[:2]
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    seg = _segments(grey)
    if len(seg) == 0:
        return HorizonEstimate(None, None, "none")
    p1, p2 = seg[:, :2], seg[:, 2:]
    zen = vertical_vanishing_offset(p1, p2, w, h, np.random.default_rng(seed + 1))
    length = np.linalg.norm(p2 - p1, axis=1)
    diag = math.hypot(w, h)
    keep = length > 0.03 * diag
    ang = np.degrees(np.arctan2(np.abs(p2[:, 1] - p1[:, 1]), np.abs(p2[:, 0] - p1[:, 0])))
    keep &= ang < 75  # near-vertical lines do not meet on the horizon of a level camera
    p1, p2, length = p1[keep], p2[keep], length[keep]
    if len(p1) < 4:
        return HorizonEstimate(None, None, "none", lines=int(len(p1)), zenith_offset=zen)
    ones = np.ones((len(p1), 1))
    lines_h = np.cross(np.hstack([p1, ones]), np.hstack([p2, ones]))
    lines_h /= np.linalg.norm(lines_h[:, :2], axis=1, keepdims=True)
    rng = np.random.default_rng(seed)
    vps = []
    remaining = np.ones(len(p1), bool)
    for _ in range(2):
        idx = np.nonzero(remaining)[0]
        if len(idx) < 3:
            break
        vp, inl = _vp_ransac(lines_h[idx], p1[idx], p2[idx], length[idx], rng)
        if vp is None or inl.sum() < 3:
            break
        support = float(length[idx][inl].sum())
        vps.append((vp, support, int(inl.sum())))
        remaining[idx[inl]] = False
    cx, cy = w / 2.0, h / 2.0
    finite = []
    total = float(length.sum())
    def orthogonal_focal(u, v):  # f^2 = -(v1 - c).(v2 - c) with the vertical vanishing point
        if zen is None:
            return None
        f2 = -(v - cy) * zen
        if f2 <= 0:
            return None
        fov = math.degrees(2 * math.atan(0.5 * w / math.sqrt(f2)))
        return math.sqrt(f2) if 25.0 <= fov <= 120.0 else None

    for k, (vp, support, count) in enumerate(vps):
        finite_vp = abs(vp[2]) > 1e-9
        # structural lines (walls, roads, facades) agree on a few points; texture lines do not - unless the
        # point also sits where the converging verticals put the horizon (orthogonal to them)
        agrees = finite_vp and orthogonal_focal(vp[0] / vp[2], vp[1] / vp[2]) is not None and support >= 0.2 * total
        if k == 0 and (support < 0.3 * total or count < 4) and not agrees:
            break
        if finite_vp and support > 0.5 * diag:
            finite.append((vp[0] / vp[2], vp[1] / vp[2], support, count))
    horizon = None
    source = "none"
    focal = None
    if finite:
        u, v, support, _ = finite[0]
        fz = orthogonal_focal(u, v)
        if abs(v - cy) < 0.3 * h or (fz is not None and abs(v - cy) < 1.5 * h):
            horizon, source = float(v), "vanishing_point"
            if fz is not None and abs(v - cy) >= 0.05 * h:  # the pair (zenith, horizon point) fixes the focal length
                focal, source = fz, "vanishing_point+zenith"
    if focal is None and len(finite) == 2 and finite[1][2] > 0.2 * finite[0][2]:
        (u1, v1, *_), (u2, v2, *_) = finite
        f2 = -((u1 - cx) * (u2 - cx) + (v1 - cy) * (v2 - cy))
        if f2 > 0:
            f = math.sqrt(f2)
            fov = math.degrees(2 * math.atan(0.5 * w / f))
            if 25.0 <= fov <= 120.0 and abs(v1 - v2) < 0.1 * h:
                focal = f
                if horizon is not None:
                    horizon = float((v1 * finite[0][2] + v2 * finite[1][2]) / (finite[0][2] + finite[1][2]))
    if horizon is None and zen is not None:
        source = "zenith"  # the horizon follows from the pitch once the focal length is known
    return HorizonEstimate(horizon, focal, source, [[round(a, 2), round(b, 2), round(c, 1)] for a, b, c, _ in finite],
                           int(len(p1)), zen)
