"""Structure from motion with pycolmap: photos -> cameras + sparse points.

Pipeline (COLMAP's incremental SfM, run on the CPU): SIFT features (one shared camera when all
photos share a size, ``SIMPLE_RADIAL`` model) -> exhaustive matching (sequential for long image
lists, e.g. video frames) with geometric verification -> incremental mapping with bundle adjustment.
The largest reconstruction is written as a binary COLMAP model to ``workspace/sparse/0`` and read
back with :func:`spatial.datasets.colmap.load_colmap` (so the frame conversion is COLMAP's, see
there). Needs the ``recon`` extra (``pycolmap``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .colmap import load_colmap
from .dataset import Dataset, DatasetError
from .images import list_images, load_image

#: Above this many images matching is sequential (with loop detection off) instead of exhaustive.
EXHAUSTIVE_MAX_IMAGES = 120


def run_sfm(images_dir: "str | os.PathLike", workspace: "str | os.PathLike | None" = None, *, single_camera: bool | None = None,
            camera_model: str = "SIMPLE_RADIAL", max_features: int = 8192, seed: int = 0, num_threads: int = -1,
            sequential: bool | None = None, min_registered: int = 3, verbose: bool = False, undistort: bool = True) -> Dataset:
    """Reconstruct the photos in ``images_dir`` (upright RGB files, e.g. from
    :func:`~spatial.datasets.images.prepare_photos`). Returns a :class:`Dataset` (spatial frame) of
    the registered images, with the sparse points. Raises :class:`DatasetError` when SfM fails or
    registers fewer than ``min_registered`` images."""
    try:
        import pycolmap
    except ImportError:  # pragma: no cover - the recon extra is installed in CI
        raise DatasetError(images_dir, "structure from motion needs pycolmap: pip install 'spatial[recon]'") from None
    if not verbose:
        try:
            pycolmap.logging.minloglevel = 2  # warnings and errors only
        except AttributeError:  # pragma: no cover - older pycolmap
            pass
    images_dir = Path(images_dir)
    paths = list_images(images_dir)
    if len(paths) < min_registered:
        raise DatasetError(images_dir, f"structure from motion needs at least {min_registered} photos, found {len(paths)}")
    sizes = set()
    for p in paths:
        sizes.add(load_image(p).shape[:2])  # also fails early, naming an unreadable photo
    if single_camera is None:
        single_camera = len(sizes) == 1
    own_ws = workspace is None
    ws = Path(tempfile.mkdtemp(prefix="spatial-sfm-")) if own_ws else Path(workspace)
    ws.mkdir(parents=True, exist_ok=True)
    db = ws / "database.db"
    if db.exists():
        db.unlink()
    try:
        reader = pycolmap.ImageReaderOptions()
        reader.camera_model = camera_model
        extraction = pycolmap.FeatureExtractionOptions()
        extraction.num_threads = num_threads
        extraction.sift.max_num_features = max_features
        extraction.use_gpu = False
        pycolmap.extract_features(db, images_dir, camera_mode=pycolmap.CameraMode.SINGLE if single_camera else pycolmap.CameraMode.AUTO,
                                  reader_options=reader, extraction_options=extraction, device=pycolmap.Device.cpu)
        if sequential is None:
            sequential = len(paths) > EXHAUSTIVE_MAX_IMAGES
        matching = pycolmap.FeatureMatchingOptions()
        matching.num_threads = num_threads
        matching.use_gpu = False
        if sequential:
            pycolmap.match_sequential(db, matching_options=matching, device=pycolmap.Device.cpu)
        else:
            pycolmap.match_exhaustive(db, matching_options=matching, device=pycolmap.Device.cpu)
        opts = pycolmap.IncrementalPipelineOptions()
        opts.num_threads = num_threads
        opts.random_seed = seed
        opts.multiple_models = False
        out_dir = ws / "sparse"
        if out_dir.exists():
            shutil.rmtree(out_dir)
        out_dir.mkdir(parents=True)
        recs = pycolmap.incremental_mapping(db, images_dir, out_dir, options=opts)
        if not recs:
            raise DatasetError(images_dir, "structure from motion failed: no initial image pair could be reconstructed "
                                           "(too little texture or overlap between the photos?)")
        best = max(recs.values(), key=lambda r: r.num_reg_images())
        n_reg = best.num_reg_images()
        if n_reg < min_registered:
            raise DatasetError(images_dir, f"structure from motion registered only {n_reg} of {len(paths)} photos")
        model_dir = ws / "sparse" / "best"
        model_dir.mkdir(parents=True, exist_ok=True)
        best.write_binary(str(model_dir))
        if verbose:
            print(best.summary())
        ds = load_colmap(model_dir, images_dir=images_dir, undistort=undistort)
        ds.info.update({
            "sfm": "pycolmap incremental mapping",
            "pycolmap": pycolmap.__version__,
            "registered": n_reg,
            "photos": len(paths),
            "mean_reprojection_error_px": float(best.compute_mean_reprojection_error()),
        })
        ds.source = str(images_dir)
        return ds
    finally:
        if own_ws:
            shutil.rmtree(ws, ignore_errors=True)
