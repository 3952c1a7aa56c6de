"""Files of a world version for the browser: splats (PLY), collider (GLB), thumbnail, downloads.

The store keeps worlds as snapshots and deltas, not files. What the viewer needs to know about a
version (:meth:`WorldFiles.info`: counts, bounds, spawn) is computed from the world in memory, so an
edit writes no files at all. A version's files are written lazily, when the browser asks for them,
into ``<cache>/<key>/`` (``key`` = a hash of the world's name, creation time and version number;
never a name someone typed) and served from there. Versions never change, so the cache never goes
stale; a rename only makes the next request write a new folder. Writing a world's version removes the
cached folders of its older versions (an edit makes them history), and the cache is held to its size
budget: after each write the least recently used entries go until it fits (only the entry just
written is kept even over budget); they are rewritten from the store when asked for again.

Only the names in :data:`VIEWER_FILES` (and the export formats) are ever served, from a folder this
module built inside the cache: nothing outside the cache can be reached.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
import time
from pathlib import Path

from spatial import settings
from spatial.errors import ValidationError

from .library import Library, NotFound

VIEWER_FILES = {"splats.ply": "application/octet-stream", "collider.glb": "model/gltf-binary",
                "preview.png": "image/png"}
#: download format -> (spatial.io format or None, file suffix, what it is)
EXPORTS = {
    "ply": ("ply", ".ply", "3DGS PLY (Inria layout; every 3DGS tool reads it)"),
    "spz": ("spz", ".spz", "SPZ (Niantic's compressed splats, ~10x smaller)"),
    "splat": ("splat", ".splat", ".splat (antimatter15; colour only)"),
    "glb": ("glb", ".glb", "glTF KHR_gaussian_splatting"),
    "collider": (None, ".collider.glb", "collider mesh (GLB triangles)"),
}


def _mark_used(path: Path) -> None:
    """Record a use of a cache entry (its mtime; at most once a minute, so serving stays read-mostly)."""
    try:
        if time.time() - path.stat().st_mtime > 60:
            os.utime(path)
    except OSError:
        pass


def _bounds(lo, hi) -> dict | None:
    return None if lo is None else {"min": [float(x) for x in lo], "max": [float(x) for x in hi]}


def world_info(world) -> dict:
    """What the viewer needs about a :class:`spatial.World` (counts, bounds, spawn, where it came from)."""
    has_collider = world.collider is not None and len(world.collider.faces) > 0
    if has_collider:
        lo, hi = world.collider.bounds
    elif len(world.splats):
        lo, hi = world.splats.bounds()
    else:
        lo = hi = None
    return {
        "spawn": world.spawn.to_dict(),
        "counts": {"splats": len(world.splats), "collider_faces": int(len(world.collider.faces)) if has_collider else 0},
        "prompt": world.prompt,
        "generator": world.generator or {},
        "made_with": (world.metadata or {}).get("made_with", ""),
        "bounds": _bounds(lo, hi),
        "has_collider": has_collider,
    }


def state_info(state) -> dict:
    """:func:`world_info` of a store :class:`~spatial.edit.WorldState`, read in place (no copy)."""
    import numpy as np

    from spatial.world import Spawn

    m = state.meta
    faces = state.collider_faces
    has_collider = faces.shape[0] > 0
    if has_collider:
        v = state.collider_vertices[np.unique(faces.reshape(-1))]
        lo, hi = v.min(0), v.max(0)
    elif state.n:
        means = state.table.col("means")
        ok = np.isfinite(means).all(1)
        lo, hi = (means[ok].min(0), means[ok].max(0)) if ok.any() else (np.zeros(3), np.zeros(3))
    else:
        lo = hi = None
    return {
        "spawn": Spawn.from_dict(m.get("spawn") or {}).to_dict(),
        "counts": {"splats": int(state.n), "collider_faces": int(faces.shape[0])},
        "prompt": str(m.get("prompt", "")),
        "generator": m.get("generator") or {},
        "made_with": (m.get("metadata") or {}).get("made_with", ""),
        "bounds": _bounds(lo, hi),
        "has_collider": has_collider,
    }


def _safe_file_stem(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name.lower()).strip("-") or "world"


DEFAULT_CACHE_MB = settings.get("SPATIAL_APP_CACHE_MB")
INFO_MEMO = 256  # info dicts of recent versions kept in memory


class WorldFiles:
    """Writes and finds the files of world versions under ``cache_dir``, within ``max_mb``."""

    def __init__(self, library: Library, cache_dir: Path, max_mb: float = DEFAULT_CACHE_MB):
        self.library = library
        self.cache_dir = Path(cache_dir).resolve()
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self.max_bytes = int(max_mb * 1024 * 1024)
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self._prune_lock = threading.Lock()
        self._memo: dict[str, dict] = {}

    def _world_key(self, world_id: str) -> str:
        info = self.library.info(world_id)
        return hashlib.sha256(f"{info.name}\0{info.created}".encode()).hexdigest()[:16]

    def _key(self, world_id: str, version: int) -> str:
        info = self.library.info(world_id)
        return hashlib.sha256(f"{info.name}\0{info.created}\0{int(version)}".encode()).hexdigest()[:32]

    def _lock_for(self, key: str) -> threading.Lock:
        with self._guard:
            if len(self._locks) > 4096:
                self._locks = {k: v for k, v in self._locks.items() if v.locked()}
            return self._locks.setdefault(key, threading.Lock())

    def folder(self, world_id: str, version: int) -> Path:
        """The cache folder of ``world_id`` at ``version`` with splats.ply, collider.glb, info.json."""
        version = int(version)
        key = self._key(world_id, version)
        out = self.cache_dir / key
        if (out / "info.json").is_file():
            _mark_used(out / "info.json")
            return out
        with self._lock_for(key):
            if (out / "info.json").is_file():
                return out
            world = self.library.load(world_id, version)  # NotFound for a version that does not exist
            self._write(world, out, self._world_key(world_id), version)
        self._drop_older(out)
        self.prune(keep=out)
        return out

    def _drop_older(self, out: Path) -> None:
        """Remove cached folders of the same world's older versions (history now; rewritten if asked for)."""
        try:
            me = json.loads((out / "info.json").read_text())
        except (OSError, ValueError):
            return
        for d in self.cache_dir.iterdir():
            if d == out or d.name.startswith(".") or not (d / "info.json").is_file():
                continue  # "." entries are writes in progress (in this or another app process)
            try:
                other = json.loads((d / "info.json").read_text())
            except (OSError, ValueError):
                continue
            if other.get("_world") == me.get("_world") and int(other.get("_version", -1)) < int(me.get("_version", -1)):
                shutil.rmtree(d, ignore_errors=True)

    # ------------------------------------------------------------------ size budget
    def _entries(self) -> list[tuple[float, int, Path]]:
        """(last use, bytes, path) of every version folder and thumbnail in the cache."""
        out = []
        for d in self.cache_dir.iterdir():
            info = d / "info.json"
            if d.is_dir() and not d.name.startswith(".") and info.is_file():  # a finished version folder
                # (writes in progress are ".<key>.*.tmp" folders, here or in another app process)
                size = sum(f.stat().st_size for f in d.iterdir() if f.is_file())
                out.append((info.stat().st_mtime, size, d))
        thumbs = self.cache_dir / "thumbs"
        if thumbs.is_dir():
            out += [(f.stat().st_mtime, f.stat().st_size, f) for f in thumbs.glob("*.png")]
        return out

    def size_bytes(self) -> int:
        return sum(size for _, size, _ in self._entries())

    def prune(self, keep: Path | None = None) -> list[Path]:
        """Delete the least recently used entries until the cache fits its budget (``keep``, the entry
        just written, stays even over it). Returns what was deleted. A file being sent while it is
        deleted is still sent whole (the open file outlives its name)."""
        removed: list[Path] = []
        with self._prune_lock:
            try:
                entries = sorted(self._entries())
            except FileNotFoundError:  # another thread pruned something under us: next time
                return removed
            total = sum(size for _, size, _ in entries)
            for used, size, path in entries:
                if total <= self.max_bytes:
                    break
                if keep is not None and path == keep:
                    continue
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
                total -= size
                removed.append(path)
        return removed

    def _write(self, world, out: Path, world_key: str, version: int) -> None:
        from spatial.io.atomic import atomic_folder
        from spatial.io.registry import save

        with atomic_folder(out) as tmp:
            save(world.splats, tmp / "splats.ply")
            if world.collider is not None and len(world.collider.faces) > 0:
                world.collider.export(tmp / "collider.glb")
            info = {**world_info(world), "_world": world_key, "_version": int(version)}
            (tmp / "info.json").write_text(json.dumps(info))

    def _version_info(self, world_id: str, version: int, head: int) -> dict:
        """The viewer's facts about a version, without writing files: from the cached folder, a memo,
        or the world in memory (the head: the open handle's arrays, no copy)."""
        key = self._key(world_id, version)
        folder = self.cache_dir / key
        if (folder / "info.json").is_file():
            try:
                return json.loads((folder / "info.json").read_text())
            except (OSError, ValueError):
                pass
        got = self._memo.get(key)
        if got is not None:
            return got
        if version == head:
            with self.library.world_lock(world_id):
                info = state_info(self.library.handle(world_id).state)
        else:
            info = world_info(self.library.load(world_id, version))
        if len(self._memo) >= INFO_MEMO:
            self._memo.pop(next(iter(self._memo)))
        self._memo[key] = info
        return info

    # ------------------------------------------------------------------ for the viewer
    def info(self, world_id: str, version: int | None = None) -> dict:
        """What the viewer needs to show ``world_id`` at ``version`` (default: head)."""
        s = self.library.summary(world_id)
        v = s.version if version is None else int(version)
        if not self.library.has_version(world_id, v):
            raise NotFound(f"world {world_id!r} has no version {v}")
        base = {k: val for k, val in self._version_info(world_id, v, s.version).items() if not k.startswith("_")}
        from urllib.parse import quote

        url = f"/files/{quote(world_id, safe='')}/{v}/"
        out = {**base, **s.to_dict(), "version": v, "head": s.version}
        out["files"] = {
            "splats": url + "splats.ply",
            "splats_format": "ply",
            "collider": url + "collider.glb" if base.get("has_collider") else None,
            "thumbnail": url + "preview.png",
        }
        return out

    def file(self, world_id: str, version: int, name: str) -> Path:
        """Path of a served file (whitelisted names only)."""
        if name not in VIEWER_FILES:
            raise NotFound(f"no file {name!r}")
        if name == "preview.png":
            return self.thumbnail(world_id, version)
        p = self.folder(world_id, version) / name
        if not p.is_file():
            raise NotFound(f"no file {name!r}")
        return p

    def thumbnail(self, world_id: str, version: int | None = None) -> Path:
        """PNG thumbnail of a version (the store's preview) as a file, for the gallery."""
        s = self.library.summary(world_id)
        v = s.version if version is None else int(version)
        if not self.library.has_version(world_id, v):
            raise NotFound(f"world {world_id!r} has no version {v}")
        out = self.cache_dir / "thumbs" / f"{self._key(world_id, v)}.png"
        if out.is_file():
            _mark_used(out)
            return out
        from spatial.io.atomic import atomic_write

        data = self.library.preview_png(world_id, v)
        out.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(out) as f:
            f.write(data)
        self.prune(keep=out)
        return out

    # ------------------------------------------------------------------ downloads
    @staticmethod
    def available_exports() -> dict[str, str]:
        from spatial.io.registry import FORMATS, _ensure_loaded

        _ensure_loaded()
        return {k: desc for k, (fmt, _, desc) in EXPORTS.items()
                if fmt is None or (fmt in FORMATS and FORMATS[fmt].write is not None)}

    def export(self, world_id: str, fmt: str, version: int | None = None) -> tuple[Path, str]:
        """(file path, download name) of a world version in format ``fmt``."""
        avail = self.available_exports()
        if fmt not in avail:
            raise ValidationError(f"export format {fmt!r} is not available; available: {', '.join(avail)}")
        s = self.library.summary(world_id)
        v = s.version if version is None else int(version)
        folder = self.folder(world_id, v)
        suffix = EXPORTS[fmt][1]
        name = f"{_safe_file_stem(world_id)}-v{v}{suffix}"
        if fmt == "ply":
            return folder / "splats.ply", name
        if fmt == "collider":
            if not (folder / "collider.glb").is_file():
                raise ValidationError("this world has no collider")
            return folder / "collider.glb", name
        out = folder / f"export{suffix}"
        if not out.is_file():
            from spatial.io.registry import load, save

            with self._lock_for(f"{folder.name}{suffix}"):
                if not out.is_file():
                    tmp = folder / f".export{suffix}.{os.getpid()}-{threading.get_ident()}.part"
                    save(load(folder / "splats.ply"), tmp, format=EXPORTS[fmt][0])
                    tmp.replace(out)
            self.prune()
        return out, name

    def engine_export(self, world_id: str, engine: str, version: int | None = None) -> tuple[Path, str]:
        """A zip of ``spatial.export(world, engine)`` (splats, named colliders, visual mesh, guide)."""
        from spatial.exporting import ENGINES

        if engine not in ENGINES:
            raise ValidationError(f"unknown engine {engine!r}; known: {', '.join(ENGINES)}")
        s = self.library.summary(world_id)
        v = s.version if version is None else int(version)
        folder = self.folder(world_id, v)
        out = folder / f"engine-{engine}.zip"
        name = f"{_safe_file_stem(world_id)}-v{v}-{engine}.zip"
        if out.is_file():
            return out, name
        with self._lock_for(f"{folder.name}-{engine}"):
            if not out.is_file():
                import tempfile

                from spatial.exporting import export

                with tempfile.TemporaryDirectory(prefix="spatial-engine-", dir=self.cache_dir) as tmp:
                    export(self.library.load(world_id, v), engine, Path(tmp) / "out", name=world_id, progress=False)
                    base = shutil.make_archive(str(Path(tmp) / "bundle"), "zip", Path(tmp) / "out")
                    Path(base).replace(out)
            self.prune()
        return out, name
