"""Reading the input photo safely: size checked from the header before decoding, EXIF applied.

Decoding goes through :func:`spatial.datasets.images.load_image` (EXIF orientation, CMYK,
palette, greyscale and alpha handled there); this module adds what image -> world needs on top:

* the header is read first and photos above :data:`MAX_PIXELS` are refused before any pixel is
  decoded (PIL's decompression-bomb guard stays on as a second line), so memory stays bounded;
* 16-bit and 32-bit single-channel images (``I;16``, ``I``, ``F``) are scaled to 8 bits instead of
  being clipped to white;
* animated images (GIF, APNG, WebP) use their first frame (recorded in the info);
* the focal length in pixels from EXIF ``FocalLengthIn35mmFilm`` when the camera wrote it;
* the photo is resized to the working size (longer side ``max_side``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..core.colour import to_uint8
from ..errors import FormatError, ValidationError

#: largest photo decoded (pixels); bigger ones are refused from their header
MAX_PIXELS = 100_000_000
#: smallest usable photo side
MIN_SIDE = 16


@dataclass
class Photo:
    rgb: np.ndarray  # uint8 [H,W,3] at the working size
    source: str
    original_size: tuple[int, int]  # (width, height) after EXIF orientation
    exif_focal: float | None = None  # pixels at the working size
    info: dict = field(default_factory=dict)


def _exif_focal_35mm(im) -> float | None:
    try:
        exif = im.getexif()
        sub = exif.get_ifd(0x8769)
        f35 = sub.get(0xA405) or exif.get(0xA405)
        return float(f35) if f35 else None
    except Exception:
        return None


def _resize(rgb: np.ndarray, max_side: int | None) -> np.ndarray:
    if not max_side or max(rgb.shape[:2]) <= max_side:
        return rgb
    import cv2

    s = max_side / max(rgb.shape[:2])
    w, h = max(1, round(rgb.shape[1] * s)), max(1, round(rgb.shape[0] * s))
    return cv2.resize(rgb, (w, h), interpolation=cv2.INTER_AREA)


def load_photo(image, max_side: int | None = 768) -> Photo:
    """Read ``image`` (a path, or an RGB/greyscale array) into a :class:`Photo` at the working size.

    Raises :class:`~spatial.errors.FormatError` naming the file for unreadable, truncated, too large
    or too small images, :class:`~spatial.errors.ValidationError` for bad arrays."""
    if isinstance(image, np.ndarray):
        return _from_array(image, "<array>", max_side)
    if not isinstance(image, (str, os.PathLike)):
        raise ValidationError(f"image must be a path or an array, got {type(image).__name__}")
    from PIL import Image, UnidentifiedImageError

    from ..datasets.images import HIGH_BIT_MODES, load_image

    path = Path(image)
    if not path.is_file():
        raise FormatError(path, "image file is missing")
    info: dict = {}
    try:
        with Image.open(path) as im:  # reads the header only
            w, h = im.size
            if w * h > MAX_PIXELS:
                raise FormatError(path, f"image is {w}x{h} ({w * h / 1e6:.0f} MP); the limit is {MAX_PIXELS / 1e6:.0f} MP - downscale it first")
            if min(w, h) < MIN_SIDE:
                raise FormatError(path, f"image is only {w}x{h} pixels; at least {MIN_SIDE}x{MIN_SIDE} is needed")
            info["format"], info["mode"] = im.format, im.mode
            if getattr(im, "is_animated", False):
                info["animated_frames"] = int(getattr(im, "n_frames", 1))
                info["note"] = "animated image: the first frame is used"
            f35 = _exif_focal_35mm(im)
            if im.mode in HIGH_BIT_MODES:
                info["note"] = f"{im.mode} image scaled to 8 bits"
    except FormatError:
        raise
    except Image.DecompressionBombError as e:  # PIL's own guard fires at open for the largest headers
        raise FormatError(path, f"image is too large to decode safely (limit {MAX_PIXELS / 1e6:.0f} MP): {e}") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as e:
        raise FormatError(path, f"cannot read image: {e}") from None
    from ..datasets.dataset import DatasetError

    try:
        rgb, alpha = load_image(path, with_alpha=True)
    except DatasetError as e:
        raise FormatError(path, e.problem) from None
    if alpha is not None:  # transparent pixels over white (a photo has no holes)
        a = alpha[..., None]
        rgb = (rgb.astype(np.float32) * a + 255.0 * (1 - a) + 0.5).astype(np.uint8)
        info["note"] = "transparency composited over white"
    photo = _from_array(rgb, str(path), max_side)
    photo.info.update(info)
    if f35:
        photo.exif_focal = f35 / 36.0 * max(photo.rgb.shape[:2])
        photo.info["exif_focal_35mm"] = f35
    return photo


def _from_array(arr: np.ndarray, source: str, max_side: int | None) -> Photo:
    a = np.asarray(arr)
    if a.ndim == 2:
        a = np.repeat(a[..., None], 3, 2)
    if a.ndim != 3 or a.shape[2] not in (3, 4):
        raise ValidationError(f"{source}: image array must be [H,W], [H,W,3] or [H,W,4], got {list(a.shape)}")
    a = a[..., :3]
    if a.dtype != np.uint8:
        if a.dtype.kind == "f":
            a = to_uint8(a)
        elif a.dtype.kind in "ui":
            top = 65535 if a.max() > 255 else 255
            a = to_uint8(a, top)
        else:
            raise ValidationError(f"{source}: unsupported image dtype {a.dtype}")
    if min(a.shape[:2]) < MIN_SIDE:
        raise FormatError(source, f"image is only {a.shape[1]}x{a.shape[0]} pixels; at least {MIN_SIDE}x{MIN_SIDE} is needed")
    if a.shape[0] * a.shape[1] > MAX_PIXELS:
        raise FormatError(source, f"image is {a.shape[1]}x{a.shape[0]}; the limit is {MAX_PIXELS / 1e6:.0f} MP")
    size = (int(a.shape[1]), int(a.shape[0]))
    rgb = np.ascontiguousarray(_resize(a, max_side))
    return Photo(rgb, source, size, None, {"working_size": [int(rgb.shape[1]), int(rgb.shape[0])]})
