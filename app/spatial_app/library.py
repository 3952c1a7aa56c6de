"""The app's view of the world store: list, open, version, undo/redo, rename, duplicate, delete.

:class:`Library` is the one interface the server and the UI use. It is backed by ``spatial.Store``
(the persistent, versioned world store) when that is installed (:class:`StoreLibrary`), and by a small
folder store of its own otherwise (:class:`FolderLibrary`: one World folder per version, a JSON index
per world). Both keep every version; undo/redo move the world's current version along its history.

Every path handed to the web server comes from :meth:`Library.version_folder`, which only returns
folders inside the store; world ids are checked against :data:`WORLD_ID`.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from spatial.errors import SpatialError, ValidationError
from spatial.world import World

WORLD_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
MAX_NAME = 120


class NotFound(SpatialError):
    """No such world or version in the store."""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def check_id(world_id: str) -> str:
    if not isinstance(world_id, str) or not WORLD_ID.match(world_id):
        raise NotFound(f"no world {world_id!r}")
    return world_id


def clean_name(name: str) -> str:
    name = " ".join(str(name or "").split())[:MAX_NAME]
    if not name:
        raise ValidationError("a world needs a non-empty name")
    return name


def _slug(name: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "world"
    return f"{s}-{uuid.uuid4().hex[:6]}"


@dataclass
class VersionInfo:
    version: int
    message: str
    created: str
    parent: int | None = None

    def to_dict(self) -> dict:
        return {"version": self.version, "message": self.message, "created": self.created, "parent": self.parent}


@dataclass
class WorldSummary:
    id: str
    name: str
    version: int  # current version
    versions: list[VersionInfo] = field(default_factory=list)
    created: str = ""
    updated: str = ""
    can_undo: bool = False
    can_redo: bool = False

    def to_dict(self) -> dict:
        return {
            "id": self.id, "name": self.name, "version": self.version, "created": self.created, "updated": self.updated,
            "versions": [v.to_dict() for v in self.versions], "can_undo": self.can_undo, "can_redo": self.can_redo,
        }


class FolderLibrary:
    """Folder store: ``<root>/worlds/<id>/index.json`` + ``<root>/worlds/<id>/v0001/`` (a World folder)."""

    backend = "spatial_app folder store"

    def __init__(self, root: "str | Path", splat_format: str = "ply"):
        self.root = Path(root).resolve()
        self.worlds_dir = self.root / "worlds"
        self.worlds_dir.mkdir(parents=True, exist_ok=True)
        self.splat_format = splat_format
        self._lock = threading.RLock()

    # ------------------------------------------------------------------ index
    def _index_path(self, world_id: str) -> Path:
        return self.worlds_dir / check_id(world_id) / "index.json"

    def _read(self, world_id: str) -> dict:
        p = self._index_path(world_id)
        if not p.is_file():
            raise NotFound(f"no world {world_id!r}")
        return json.loads(p.read_text())

    def _write(self, world_id: str, idx: dict) -> None:
        from spatial.io.atomic import atomic_write

        with atomic_write(self._index_path(world_id), "w") as f:
            f.write(json.dumps(idx, indent=2, sort_keys=True))

    def _summary(self, world_id: str, idx: dict) -> WorldSummary:
        versions = [VersionInfo(**v) for v in idx["versions"]]
        return WorldSummary(
            id=world_id, name=idx["name"], version=idx["head"], versions=versions, created=idx["created"],
            updated=idx["updated"], can_undo=_parent(idx, idx["head"]) is not None, can_redo=bool(idx.get("redo")),
        )

    # ------------------------------------------------------------------ reading
    def list(self) -> list[WorldSummary]:
        out = []
        for d in sorted(self.worlds_dir.iterdir()):
            if d.is_dir() and WORLD_ID.match(d.name) and (d / "index.json").is_file():
                try:
                    out.append(self._summary(d.name, self._read(d.name)))
                except (OSError, ValueError, KeyError, TypeError):
                    continue  # a half-written or foreign folder: not a world
        out.sort(key=lambda s: s.updated, reverse=True)
        return out

    def summary(self, world_id: str) -> WorldSummary:
        return self._summary(world_id, self._read(world_id))

    def version_folder(self, world_id: str, version: int | None = None) -> Path:
        idx = self._read(world_id)
        v = idx["head"] if version is None else int(version)
        if not any(x["version"] == v for x in idx["versions"]):
            raise NotFound(f"world {world_id!r} has no version {v}")
        p = (self.worlds_dir / world_id / f"v{v:04d}").resolve()
        if not p.is_relative_to(self.worlds_dir):
            raise NotFound(f"no world {world_id!r}")
        return p

    def load(self, world_id: str, version: int | None = None) -> World:
        return World.load(self.version_folder(world_id, version))

    # ------------------------------------------------------------------ writing
    def add(self, world: World, name: str | None = None, message: str = "created") -> WorldSummary:
        with self._lock:
            name = clean_name(name or world.name)
            world_id = _slug(name)
            world.name = name
            d = self.worlds_dir / world_id
            d.mkdir(parents=True)
            world.save(d / "v0001", splat_format=self.splat_format)
            now = _now()
            idx = {"name": name, "head": 1, "created": now, "updated": now, "redo": [],
                   "versions": [VersionInfo(1, message, now, None).to_dict()]}
            self._write(world_id, idx)
            return self._summary(world_id, idx)

    def commit(self, world_id: str, world: World, message: str, base_version: int | None = None) -> WorldSummary:
        with self._lock:
            idx = self._read(world_id)
            if base_version is not None and int(base_version) != idx["head"]:
                raise ValidationError(f"world changed meanwhile (now at version {idx['head']}, edit was based on {base_version}); reload")
            v = max(x["version"] for x in idx["versions"]) + 1
            world.name = idx["name"]
            world.save(self.worlds_dir / world_id / f"v{v:04d}", splat_format=self.splat_format)
            now = _now()
            idx["versions"].append(VersionInfo(v, message, now, idx["head"]).to_dict())
            idx["head"] = v
            idx["redo"] = []
            idx["updated"] = now
            self._write(world_id, idx)
            return self._summary(world_id, idx)

    def undo(self, world_id: str) -> WorldSummary:
        with self._lock:
            idx = self._read(world_id)
            parent = _parent(idx, idx["head"])
            if parent is None:
                raise ValidationError("nothing to undo")
            idx["redo"] = [idx["head"]] + list(idx.get("redo", []))
            idx["head"] = parent
            idx["updated"] = _now()
            self._write(world_id, idx)
            return self._summary(world_id, idx)

    def redo(self, world_id: str) -> WorldSummary:
        with self._lock:
            idx = self._read(world_id)
            if not idx.get("redo"):
                raise ValidationError("nothing to redo")
            idx["head"] = idx["redo"].pop(0)
            idx["updated"] = _now()
            self._write(world_id, idx)
            return self._summary(world_id, idx)

    def checkout(self, world_id: str, version: int) -> WorldSummary:
        """Make an older version current again (recorded as a new version, so nothing is lost)."""
        world = self.load(world_id, version)
        return self.commit(world_id, world, f"restored version {int(version)}")

    def rename(self, world_id: str, name: str) -> WorldSummary:
        with self._lock:
            idx = self._read(world_id)
            idx["name"] = clean_name(name)
            idx["updated"] = _now()
            self._write(world_id, idx)
            return self._summary(world_id, idx)

    def duplicate(self, world_id: str, name: str | None = None) -> WorldSummary:
        src = self.summary(world_id)
        world = self.load(world_id)
        return self.add(world, name or f"{src.name} (copy)", message=f"duplicated from {src.name} v{src.version}")

    def delete(self, world_id: str) -> None:
        with self._lock:
            d = self.worlds_dir / check_id(world_id)
            if not d.is_dir():
                raise NotFound(f"no world {world_id!r}")
            trash = self.root / ".trash" / f"{world_id}-{uuid.uuid4().hex[:6]}"
            trash.parent.mkdir(exist_ok=True)
            d.rename(trash)  # atomic: the world disappears at once, then the files go
            shutil.rmtree(trash, ignore_errors=True)


def _parent(idx: dict, version: int) -> int | None:
    for v in idx["versions"]:
        if v["version"] == version:
            return v.get("parent")
    return None


def open_library(root: "str | Path") -> "FolderLibrary":
    """The library for store folder ``root``: spatial.Store's when installed, else the folder store."""
    try:
        from .store_adapter import StoreLibrary  # noqa: PLC0415

        return StoreLibrary(root)
    except ImportError:
        return FolderLibrary(root)
