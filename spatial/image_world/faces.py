"""Large frontal faces: the portrait cue of photo understanding.

A portrait is taken in front of a backdrop (a studio's blue or grey, a flag, a curtain): smooth, often
blue regions hanging from the top edge that the sky test would otherwise take for a sky, and whose
lower part it would take for water. :func:`largest_face` finds the largest frontal face with
scikit-image's LBP frontal-face cascade (OpenCV's trained file, shipped in ``skimage.data``; no
download, no learned weights of ours)."""

from __future__ import annotations

import numpy as np

#: a frontal face at least this share of the frame's height makes the photo a portrait
PORTRAIT_FACE = 0.15
#: a portrait shows a sky only when the sky test finds at least this share of the frame
PORTRAIT_SKY = 0.4
#: the side the photo is searched at (pixels): faces of 15 % of the height are >= 24 px there
SEARCH_SIDE = 240


def largest_face(rgb: np.ndarray) -> float:
    """Height of the largest frontal face in ``rgb`` (uint8 [H,W,3]) as a share of the image height,
    0.0 when none is found (or scikit-image is absent: it ships in the same extra as OpenCV)."""
    try:
        import cv2
        import skimage.data
        from skimage.feature import Cascade
    except ImportError:
        return 0.0
    H, W = rgb.shape[:2]
    s = min(1.0, SEARCH_SIDE / max(H, W))
    small = cv2.resize(rgb, (max(1, round(W * s)), max(1, round(H * s))), interpolation=cv2.INTER_AREA) if s < 1 else rgb
    h = small.shape[0]
    if min(small.shape[:2]) < 32:
        return 0.0
    grey = cv2.cvtColor(np.ascontiguousarray(small), cv2.COLOR_RGB2GRAY).astype(np.float64) / 255.0
    det = Cascade(skimage.data.lbp_frontal_face_cascade_filename()).detect_multi_scale(
        img=grey, scale_factor=1.2, step_ratio=1, min_size=(24, 24), max_size=(h, h))
    return float(max((d["height"] / h for d in det), default=0.0))
