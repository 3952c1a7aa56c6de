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
#: overlapping raw detections a face needs at one size
MIN_NEIGHBOURS = 6
#: the sides (pixels) the photo is searched at; the result is the median over them. One size alone is
#: fragile: astronaut.png's face is found at 240 px from a 512 px photo but not from a 448 px one, and
#: a single size finds a "face" 38 % high in gradio's cheetah.jpg or in motorcycle_right.png's spokes
SEARCH_SIDES = (240, 280, 320)


def _largest_at(rgb: np.ndarray, side: int, cascade) -> float:
    import cv2

    H, W = rgb.shape[:2]
    s = min(1.0, side / max(H, W))
    small = cv2.resize(rgb, (max(1, round(W * s)), max(1, round(H * s))), interpolation=cv2.INTER_AREA) if s < 1 else rgb
    h = small.shape[0]
    if min(small.shape[:2]) < 32:
        return 0.0
    grey = cv2.cvtColor(np.ascontiguousarray(small), cv2.COLOR_RGB2GRAY).astype(np.float64) / 255.0
    det = cascade.detect_multi_scale(img=grey, scale_factor=1.2, step_ratio=1, min_size=(24, 24), max_size=(h, h),
                                     min_neighbor_number=MIN_NEIGHBOURS)
    return float(max((d["height"] / h for d in det), default=0.0))


def largest_face(rgb: np.ndarray) -> float:
    """Height of the largest frontal face in ``rgb`` (uint8 [H,W,3]) as a share of the image height:
    the median over :data:`SEARCH_SIDES` of the largest detection at each, 0.0 when none is found (or
    scikit-image or OpenCV is absent: both ship in the ``image`` extra)."""
    try:
        import cv2  # noqa: F401
        import skimage.data
        from skimage.feature import Cascade
    except ImportError:
        return 0.0
    cascade = Cascade(skimage.data.lbp_frontal_face_cascade_filename())
    return float(np.median([_largest_at(rgb, side, cascade) for side in SEARCH_SIDES]))
