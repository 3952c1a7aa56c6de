"""Upload limits: what the app accepts, by extension AND content, and how big.

Every refusal is a :class:`UploadRefused` whose message is shown to the user as is.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from spatial import settings
from spatial.errors import SpatialError

MB = 1024 * 1024
DEFAULT_MAX_UPLOAD_MB = settings.get("SPATIAL_APP_MAX_UPLOAD_MB")

IMAGE_EXT = (".png", ".jpg", ".jpeg", ".webp")
VIDEO_EXT = (".mp4", ".mov", ".webm", ".mkv")
MESH_EXT = (".glb", ".obj", ".ply", ".stl")  # no .gltf: it may reference other local files


class UploadRefused(SpatialError):
    """An upload that is too large or not of an accepted type."""


def _sniff(head: bytes, ext: str) -> bool:
    """Does the content match what the extension claims?"""
    if ext == ".png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if ext in (".jpg", ".jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if ext == ".webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if ext in (".mp4", ".mov"):
        return head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free")
    if ext in (".webm", ".mkv"):
        return head.startswith(b"\x1a\x45\xdf\xa3")
    if ext == ".glb":
        return head.startswith(b"glTF")
    if ext == ".ply":
        return head.startswith(b"ply")
    if ext == ".stl":
        return len(head) >= 84  # binary STL has no magic; ASCII starts with "solid": both accepted
    if ext == ".obj":
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True
    return False


@dataclass(frozen=True)
class UploadKind:
    label: str
    extensions: tuple[str, ...]


IMAGE = UploadKind("image", IMAGE_EXT)
PHOTOS = UploadKind("photos or video", IMAGE_EXT + VIDEO_EXT)
MESH = UploadKind("mesh", MESH_EXT)


def check_upload(path: "str | os.PathLike", kind: UploadKind, max_mb: float = DEFAULT_MAX_UPLOAD_MB,
                 name: str | None = None) -> Path:
    """Return ``path`` if it is acceptable as ``kind``; raise :class:`UploadRefused` with a clear reason."""
    p = Path(path)
    shown = name or p.name
    ext = Path(shown).suffix.lower()
    if ext not in kind.extensions:
        raise UploadRefused(f"refused {shown!r}: not an accepted {kind.label} type (accepted: {' '.join(kind.extensions)})")
    size = p.stat().st_size
    if size > max_mb * MB:
        raise UploadRefused(f"refused {shown!r}: {size / MB:.1f} MB is over the {max_mb:g} MB upload limit")
    if size == 0:
        raise UploadRefused(f"refused {shown!r}: the file is empty")
    with open(p, "rb") as f:
        head = f.read(512)
    if not _sniff(head, ext):
        raise UploadRefused(f"refused {shown!r}: its content is not a {ext} file")
    return p
