"""Lens undistortion with OpenCV (Brown-Conrady k1, k2, p1, p2[, k3] or fisheye k1..k4).

spatial's pixel centres are at (j + 0.5, i + 0.5) (as COLMAP and nerfstudio), OpenCV's at (j, i):
the principal point is shifted by 0.5 px on the way in and back on the way out.
"""

from __future__ import annotations

import numpy as np


def undistort_image(image: np.ndarray, fx: float, fy: float, cx: float, cy: float, dist: dict[str, float],
                    fisheye: bool = False, new_k: np.ndarray | None = None, mask: np.ndarray | None = None):
    """Undistort ``image`` ([H,W,3] uint8). Returns ``(image, (fx, fy, cx, cy), mask)`` of the
    pinhole camera that now describes it (same size; ``alpha=0`` crop so every pixel is valid).

    ``dist`` holds any of k1, k2, k3, k4, p1, p2 (missing = 0). ``new_k`` forces the output
    intrinsics (pixel-centre convention of spatial) so a whole dataset can share one camera."""
    import cv2

    h, w = image.shape[:2]
    k_cv = np.array([[fx, 0, cx - 0.5], [0, fy, cy - 0.5], [0, 0, 1]], np.float64)
    if fisheye:
        d = np.array([dist.get(k, 0.0) for k in ("k1", "k2", "k3", "k4")], np.float64)
        if new_k is None:
            nk = cv2.fisheye.estimateNewCameraMatrixForUndistortRectify(k_cv, d, (w, h), np.eye(3), balance=0.0)
        else:
            nk = new_k.astype(np.float64).copy()
            nk[0, 2] -= 0.5
            nk[1, 2] -= 0.5
        m1, m2 = cv2.fisheye.initUndistortRectifyMap(k_cv, d, np.eye(3), nk, (w, h), cv2.CV_32FC1)
    else:
        d = np.array([dist.get("k1", 0.0), dist.get("k2", 0.0), dist.get("p1", 0.0), dist.get("p2", 0.0), dist.get("k3", 0.0)], np.float64)
        if new_k is None:
            nk, _ = cv2.getOptimalNewCameraMatrix(k_cv, d, (w, h), 0.0, (w, h))
        else:
            nk = new_k.astype(np.float64).copy()
            nk[0, 2] -= 0.5
            nk[1, 2] -= 0.5
        m1, m2 = cv2.initUndistortRectifyMap(k_cv, d, None, nk, (w, h), cv2.CV_32FC1)
    out = cv2.remap(image, m1, m2, interpolation=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    out_mask = None
    if mask is not None:
        out_mask = cv2.remap(np.asarray(mask, np.float32), m1, m2, interpolation=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    return out, (float(nk[0, 0]), float(nk[1, 1]), float(nk[0, 2]) + 0.5, float(nk[1, 2]) + 0.5), out_mask


def has_distortion(dist: dict[str, float]) -> bool:
    return any(abs(float(v)) > 0 for v in dist.values())
