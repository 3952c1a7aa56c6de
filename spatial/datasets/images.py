"""Photos and videos in: image decoding with EXIF orientation, folders of photos, video -> sharp frames.

* :func:`load_image` decodes one file to ``uint8 [H, W, 3]`` (EXIF orientation applied, alpha
  returned separately on request) and raises :class:`DatasetError` naming an unreadable file.
* :func:`list_images` finds the photos in a folder (sorted by name).
* :func:`sharpness` is the variance of the Laplacian (the usual blur measure).
* :func:`video_frames` samples a video into the sharpest frame of each of ``n`` equal time windows.
* :func:`prepare_photos` writes a clean, upright, size-limited copy of a photo set or the frames of
  a video into a folder, ready for structure-from-motion.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..core.colour import to_uint8
from .dataset import DatasetError

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp")
VIDEO_EXTENSIONS = (".mp4", ".mov", ".avi", ".mkv", ".webm", ".m4v")
#: Refuse decoding images bigger than this many pixels (decompression bombs).
MAX_PIXELS = 200_000_000


HIGH_BIT_MODES = ("I;16", "I;16B", "I;16L", "I", "F")


def _to_8bit(im) -> np.ndarray:
    """16-bit / 32-bit single-channel PIL image -> uint8 [H, W] scaled to the type's range (float: its max)."""
    arr = np.asarray(im, dtype=np.float64)
    top = 65535.0 if im.mode.startswith("I;16") or arr.max(initial=0) > 255 else 255.0
    if im.mode == "F":
        top = max(float(np.nanmax(arr)) if arr.size else 1.0, 1e-12)
    return to_uint8(arr, top)


def load_image(path: "str | os.PathLike", with_alpha: bool = False):
    """Decode ``path`` to RGB ``uint8 [H, W, 3]`` with its EXIF orientation applied (16/32-bit grey scaled to 8 bits).

    With ``with_alpha`` returns ``(rgb, alpha)`` where alpha is ``float32 [H, W]`` in [0, 1] or None.
    """
    from PIL import Image, ImageOps

    path = Path(path)
    if not path.is_file():
        raise DatasetError(path, "image file is missing")
    try:
        with Image.open(path) as im:
            if im.width * im.height > MAX_PIXELS:
                raise DatasetError(path, f"image is too large ({im.width}x{im.height})")
            im = ImageOps.exif_transpose(im)
            alpha = None
            if im.mode in ("RGBA", "LA") or (im.mode == "P" and "transparency" in im.info):
                im = im.convert("RGBA")
                arr = np.asarray(im)
                rgb, alpha = np.ascontiguousarray(arr[..., :3]), arr[..., 3].astype(np.float32) / 255.0
            elif im.mode in HIGH_BIT_MODES:  # PIL's convert("RGB") clips these to white: scale instead
                rgb = np.repeat(_to_8bit(im)[..., None], 3, 2)
            else:
                rgb = np.asarray(im.convert("RGB"))
    except DatasetError:
        raise
    except Exception as e:  # PIL raises many types for broken files
        raise DatasetError(path, f"cannot read image: {e}") from None
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    return (rgb, alpha) if with_alpha else rgb


def list_images(folder: "str | os.PathLike") -> list[Path]:
    folder = Path(folder)
    if not folder.is_dir():
        raise DatasetError(folder, "not a folder")
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_EXTENSIONS)


def sharpness(rgb: np.ndarray) -> float:
    """Variance of the Laplacian of the grey image (higher = sharper)."""
    import cv2

    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())


def _limit_size(rgb: np.ndarray, max_side: int | None) -> np.ndarray:
    if not max_side or max(rgb.shape[:2]) <= max_side:
        return rgb
    from PIL import Image

    s = max_side / max(rgb.shape[:2])
    w, h = max(1, round(rgb.shape[1] * s)), max(1, round(rgb.shape[0] * s))
    return np.asarray(Image.fromarray(rgb).resize((w, h), Image.Resampling.LANCZOS))


def video_frames(path: "str | os.PathLike", n: int = 60, max_side: int | None = None, candidates_per_window: int = 5) -> list[np.ndarray]:
    """Pick ``n`` frames from a video: it is cut into ``n`` equal windows and the sharpest of
    ``candidates_per_window`` evenly spaced frames in each window is kept (motion blur filter)."""
    import cv2

    path = Path(path)
    if not path.is_file():
        raise DatasetError(path, "video file is missing")
    cap = cv2.VideoCapture(str(path))
    if not cap.isOpened():
        raise DatasetError(path, "cannot open video (unsupported codec or not a video)")
    try:
        total = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
        frames: list[np.ndarray] = []
        if total <= 0:  # unknown length: decode everything once
            while True:
                ok, f = cap.read()
                if not ok:
                    break
                frames.append(f)
            all_idx = list(range(len(frames)))
            total = len(frames)
            get = lambda i: frames[i]  # noqa: E731
        else:
            def get(i):
                cap.set(cv2.CAP_PROP_POS_FRAMES, i)
                ok, f = cap.read()
                return f if ok else None
            all_idx = list(range(total))
        if total == 0:
            raise DatasetError(path, "video has no decodable frames")
        n = min(n, total)
        out = []
        for w in range(n):
            lo, hi = w * total // n, max(w * total // n + 1, (w + 1) * total // n)
            cand = np.unique(np.linspace(lo, hi - 1, min(candidates_per_window, hi - lo)).round().astype(int))
            best, best_s = None, -1.0
            for i in cand:
                f = get(all_idx[i])
                if f is None:
                    continue
                rgb = _limit_size(cv2.cvtColor(f, cv2.COLOR_BGR2RGB), max_side)
                s = sharpness(rgb)
                if s > best_s:
                    best, best_s = rgb, s
            if best is not None:
                out.append(best)
    finally:
        cap.release()
    if not out:
        raise DatasetError(path, "video has no decodable frames")
    return out


def prepare_photos(input_path: "str | os.PathLike", out_folder: "str | os.PathLike", max_side: int | None = 1600,
                   video_frames_n: int = 60, drop_blurry: float = 0.0) -> list[Path]:
    """Write upright RGB JPEG/PNG copies of the photos in ``input_path`` (a folder or a video file)
    into ``out_folder`` (EXIF orientation baked in, longer side limited to ``max_side``).

    ``drop_blurry`` in [0, 1) drops that fraction of the blurriest photos (never below 3 left).
    Returns the written paths. Raises :class:`DatasetError` on unreadable input."""
    input_path, out_folder = Path(input_path), Path(out_folder)
    out_folder.mkdir(parents=True, exist_ok=True)
    if input_path.is_file() and input_path.suffix.lower() in VIDEO_EXTENSIONS:
        frames = video_frames(input_path, video_frames_n, max_side)
        names = [f"frame_{i:05d}.png" for i in range(len(frames))]
    else:
        paths = list_images(input_path)
        if not paths:
            raise DatasetError(input_path, f"no images found (looked for {', '.join(IMAGE_EXTENSIONS)})")
        frames = [_limit_size(load_image(p), max_side) for p in paths]
        names = [p.stem + ".png" for p in paths]
    if drop_blurry > 0 and len(frames) > 3:
        s = np.array([sharpness(f) for f in frames])
        k = min(int(len(frames) * drop_blurry), len(frames) - 3)
        keep = sorted(np.argsort(-s)[: len(frames) - k])
        frames, names = [frames[i] for i in keep], [names[i] for i in keep]
    from PIL import Image

    written = []
    for f, name in zip(frames, names):
        p = out_folder / name
        Image.fromarray(f).save(p)
        written.append(p)
    return written
