"""Making worlds for the app: text (spatial.generate), image, photos/video (spatial.reconstruct).

Each maker returns a :class:`spatial.World`. The app calls whatever the installed spatial offers and
says clearly what is not available yet; :func:`default_world` never fails (it falls back to the
built-in courtyard when the generator is missing or breaks), so a first start always shows a world.
"""

from __future__ import annotations

import inspect
import logging
from typing import Any, Callable

from spatial.errors import SpatialError, ValidationError
from spatial.world import World

log = logging.getLogger("spatial.app")

QUALITIES = ("draft", "standard", "high")
DEFAULT_PROMPT = "a sunny alpine meadow with pine trees and rocks by a small lake"


class Unavailable(SpatialError):
    """The installed spatial has no implementation of this way of making a world yet."""


def _generate_fn() -> Callable | None:
    try:
        import spatial

        fn = spatial.generate
    except (AttributeError, ImportError):
        return None
    return fn if callable(fn) else None


def generator_available() -> bool:
    return _generate_fn() is not None


def _call_with_supported(fn: Callable, **kwargs) -> Any:
    """Call ``fn`` with the keyword arguments it accepts (drops None values it does not know)."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return fn(**{k: v for k, v in kwargs.items() if v is not None})
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return fn(**{k: v for k, v in kwargs.items() if v is not None})
    missing = [k for k, v in kwargs.items() if v is not None and k not in params]
    if missing:
        raise Unavailable(f"this spatial's {getattr(fn, '__name__', 'function')}() does not accept {', '.join(missing)} yet")
    return fn(**{k: v for k, v in kwargs.items() if k in params and v is not None})


def spec_for_prompt(prompt: str, seed: int | None = None) -> dict | None:
    """The editable scene specification the generator would use for ``prompt`` (None if unavailable)."""
    for mod, name in (("spatial.generation.parse", "spec_from_prompt"),):
        try:
            m = __import__(mod, fromlist=[name])
            fn = getattr(m, name)
        except (ImportError, AttributeError):
            continue
        spec = _call_with_supported(fn, prompt=prompt, seed=seed) if seed is not None else fn(prompt)
        return spec.to_dict() if hasattr(spec, "to_dict") else spec
    return None


def from_prompt(prompt: str, seed: int = 0, quality: str = "draft", spec: dict | None = None,
                splats: int | None = None) -> World:
    """Text -> world with spatial.generate (``splats``: a splat budget overriding the tier's)."""
    if quality not in QUALITIES:
        raise ValidationError(f"quality must be one of {QUALITIES}, got {quality!r}")
    if not (prompt or "").strip() and not spec:
        raise ValidationError("write a prompt (or give a scene spec)")
    fn = _generate_fn()
    if fn is None:
        raise Unavailable("text -> world needs spatial.generate, which is not installed in this build")
    world = _call_with_supported(fn, prompt=prompt, seed=int(seed), quality=quality, spec=spec or None,
                                 splats=int(splats) if splats else None, progress=True)
    if not isinstance(world, World):
        raise SpatialError(f"spatial.generate returned {type(world).__name__}, not a World")
    return world


def from_image(image_path: str, seed: int = 0, quality: str = "draft", prompt: str = "") -> World:
    """Image (or 360-degree panorama) -> world with spatial.image_world."""
    if quality not in QUALITIES:
        raise ValidationError(f"quality must be one of {QUALITIES}, got {quality!r}")
    from spatial.image_world import image_to_world

    return image_to_world(image_path, prompt=prompt or None, seed=int(seed), quality=quality)


#: photos/video -> world: fit settings per quality (draft keeps a few photos to about a minute on 2 cores)
PHOTO_FIT = {"draft": {"steps": 300, "resolution": 256, "budget": 60_000},
             "standard": {"steps": 1500, "resolution": 512, "budget": 400_000},
             "high": {"steps": 3000, "resolution": 768, "budget": None}}
MIN_PHOTOS = 3
MIN_VIDEO_FRAMES = 8


def check_video(path: str, shown: str | None = None) -> None:
    """Refuse a file that is not a decodable video (a renamed file passes the upload's magic-byte check):
    it must open, decode a first frame and report at least :data:`MIN_VIDEO_FRAMES` frames."""
    from pathlib import Path

    from .uploads import UploadRefused

    import cv2

    shown = shown or Path(path).name
    cap = cv2.VideoCapture(str(path))
    try:
        ok = cap.isOpened()
        frame = cap.read()[1] if ok else None
        frames = int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) if ok else 0
    finally:
        cap.release()
    if frame is None or getattr(frame, "size", 0) == 0:
        raise UploadRefused(f"refused {shown!r}: not a video this app can decode")
    if 0 < frames < MIN_VIDEO_FRAMES:
        raise UploadRefused(f"refused {shown!r}: {frames} frames is too short (at least {MIN_VIDEO_FRAMES})")


def from_photos(paths: list[str], quality: str = "draft") -> World:
    """Photos (at least :data:`MIN_PHOTOS`) or one video -> world with ``spatial.reconstruct`` (structure
    from motion, then a fit), in a temporary folder that is removed afterwards."""
    import shutil
    import tempfile
    from pathlib import Path

    from .uploads import IMAGE_EXT, VIDEO_EXT

    if quality not in QUALITIES:
        raise ValidationError(f"quality must be one of {QUALITIES}, got {quality!r}")
    try:
        import spatial

        fn = spatial.reconstruct
    except (AttributeError, ImportError):
        fn = None
    if fn is None:
        raise Unavailable("photos/video -> world needs spatial.reconstruct, which is not available in this build yet")
    paths = [Path(p) for p in paths]
    videos = [p for p in paths if p.suffix.lower() in VIDEO_EXT]
    photos = [p for p in paths if p.suffix.lower() in IMAGE_EXT]
    if len(videos) + len(photos) != len(paths):
        raise ValidationError("give photos (.png .jpg .jpeg .webp) or one video (.mp4 .mov .webm .mkv)")
    if videos and (len(videos) > 1 or photos):
        raise ValidationError("give one video, or photos, not both")
    if not videos and len(photos) < MIN_PHOTOS:
        raise ValidationError(f"give at least {MIN_PHOTOS} photos of the place from different positions")
    if videos:
        check_video(str(videos[0]))
    with tempfile.TemporaryDirectory(prefix="spatial-photos-") as tmp:
        tmp = Path(tmp)
        if videos:
            src = tmp / f"input{videos[0].suffix.lower()}"
            shutil.copyfile(videos[0], src)
        else:
            src = tmp / "photos"
            src.mkdir()
            for i, p in enumerate(photos):
                shutil.copyfile(p, src / f"{i:04d}{p.suffix.lower()}")
        world = fn(src, tmp / "world", **PHOTO_FIT[quality], holdout=0, progress=False,
                   workspace=tmp / "work")
    if not isinstance(world, World):
        raise SpatialError(f"spatial.reconstruct returned {type(world).__name__}, not a World")
    return world


def default_world(seed: int = 0) -> World:
    """The world a first start shows: generated (standard quality) when the generator is installed, else built in."""
    if generator_available():
        try:
            w = from_prompt(DEFAULT_PROMPT, seed=seed, quality="standard")  # a first impression at draft is blurry
            w.name = "Alpine meadow"
            return w
        except Exception as e:  # noqa: BLE001 - the app must still start
            log.warning("default world: spatial.generate failed (%s); using the built-in world", e)
    from .builders import fallback_world

    w = fallback_world()
    w.name = "Courtyard"
    return w
