"""Posed photo sets in: COLMAP models, nerfstudio ``transforms.json``, photo folders and videos
(through structure from motion with pycolmap), and a synthetic ray-traced scene for tests.

Every loader returns a :class:`Dataset` of :class:`View` in spatial's world frame
(docs/conventions.md); :func:`load_dataset` picks the loader from the input.
"""

from __future__ import annotations

import os
from pathlib import Path

from .dataset import Dataset, DatasetError, View, pose_errors, similarity_align

__all__ = ["Dataset", "DatasetError", "View", "detect_input", "load_dataset", "pose_errors", "similarity_align"]


def detect_input(path: "str | os.PathLike") -> str:
    """"nerfstudio", "colmap", "video" or "photos" for an input path; raises DatasetError otherwise."""
    from .colmap import find_sparse_model
    from .images import IMAGE_EXTENSIONS, VIDEO_EXTENSIONS

    p = Path(path)
    if p.is_file():
        if p.name.endswith(".json"):
            return "nerfstudio"
        if p.suffix.lower() in VIDEO_EXTENSIONS:
            return "video"
        raise DatasetError(p, f"unsupported input file (expected transforms.json or a video: {', '.join(VIDEO_EXTENSIONS)})")
    if not p.is_dir():
        raise DatasetError(p, "no such file or folder")
    if (p / "transforms.json").is_file():
        return "nerfstudio"
    try:
        find_sparse_model(p)
        return "colmap"
    except DatasetError:
        pass
    if any(q.suffix.lower() in IMAGE_EXTENSIONS for q in p.iterdir() if q.is_file()):
        return "photos"
    if (p / "images").is_dir():
        return "photos"
    raise DatasetError(p, "found no transforms.json, COLMAP model, photos or video here")


def load_dataset(path: "str | os.PathLike", max_side: int | None = None, workspace: "str | os.PathLike | None" = None,
                 undistort: bool = True, seed: int = 0) -> Dataset:
    """Load any supported input as a :class:`Dataset` (running structure from motion for photos/videos)."""
    kind = detect_input(path)
    p = Path(path)
    if kind == "nerfstudio":
        from .nerfstudio import load_nerfstudio

        ds = load_nerfstudio(p, undistort=undistort)
    elif kind == "colmap":
        from .colmap import load_colmap

        ds = load_colmap(p, undistort=undistort)
    else:
        import tempfile

        from .images import prepare_photos
        from .sfm import run_sfm

        src = p / "images" if kind == "photos" and (p / "images").is_dir() and not any(
            q.is_file() and q.suffix.lower() in (".jpg", ".jpeg", ".png") for q in p.iterdir()) else p
        ws = Path(workspace) if workspace is not None else Path(tempfile.mkdtemp(prefix="spatial-recon-"))
        photos = ws / "photos"
        prepare_photos(src, photos, max_side=1600)
        ds = run_sfm(photos, ws / "sfm", seed=seed, undistort=undistort)
    if max_side:
        ds = ds.downscaled(max_side)
    return ds
