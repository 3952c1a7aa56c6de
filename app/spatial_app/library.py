"""The app's view of the world store: one :class:`spatial.Store`, one open handle per world.

Every world, version, edit, undo, redo, rename, duplicate and delete goes through ``spatial.Store``
and its :class:`~spatial.store.WorldHandle` (docs/store.md), so the app, ``spatial worlds`` and
``spatial edit`` see the same worlds and the same history. A world's id in the app (URLs, the
viewer) is its store name.

Locks are per world (:meth:`Library.world_lock`): a slow edit of one world never blocks another;
the library-wide lock only guards the table of handles and is never held while a world is edited.

Handles stay open while the app runs: each keeps its world's arrays in memory, so an edit costs
O(splats touched) and undo/redo are cheap. Every change names the version the browser showed
(``parent``); the store merges it over other edits when they touch other splats, else raises
:class:`~spatial.store.ConflictError`, which the server turns into HTTP 409.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from spatial.errors import SpatialError, ValidationError
from spatial.store import ConflictError, Store, Version, WorldHandle, WorldNotFoundError

MAX_NAME = 60
_NOT_NAME_CHARS = re.compile(r"[^A-Za-z0-9 ._\-]+")


class NotFound(WorldNotFoundError):
    """No such world or version in the store (HTTP 404)."""


def clean_name(name: str) -> str:
    """A store-valid world name made from free text (a prompt, a typed name)."""
    s = " ".join(_NOT_NAME_CHARS.sub(" ", str(name or "")).split())
    s = s.replace("..", ".").lstrip(" ._-")[:MAX_NAME].rstrip(" .")
    if not s:
        raise ValidationError("a world needs a name made of letters, digits, spaces, '.', '_' or '-'")
    return s


@dataclass
class WorldSummary:
    """What the gallery and the viewer need about one world (``id`` is the store name)."""

    id: str
    name: str
    version: int  # head version number
    versions: int
    n_splats: int
    created: str
    updated: str
    can_undo: bool
    can_redo: bool

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def history_row(v: Version, head_line: set[int]) -> dict:
    """One history entry for the UI: number, what, who, when, and where it stands."""
    return {
        "version": v.num, "parent": v.parent, "what": v.describe() if v.kind == "edit" else _origin(v),
        "author": v.author, "created": v.created, "splats": v.n_splats, "tags": v.tags,
        "current": v.is_head, "undone": v.num not in head_line,
    }


def _origin(v: Version) -> str:
    op = v.op or {}
    if v.kind == "duplicate":
        return f"duplicated from {op.get('from', '?')} v{op.get('version', '?')}"
    if v.kind == "import":
        return op.get("note") or "created"
    return v.kind


class Library:
    """The app's worlds: a :class:`spatial.Store` plus an open handle per world."""

    backend = "spatial.Store"

    def __init__(self, root: "str | Path", asset_roots: list[Path] | None = None, author: str | None = None,
                 limits=None):
        self.store = Store(root, asset_roots=asset_roots, author=author, limits=limits)
        self.root = self.store.path
        self._handles: dict[str, WorldHandle] = {}
        self._lock = threading.RLock()  # the handle table (and renames/deletes) only
        self._world_locks: dict[str, threading.RLock] = {}
        self.last_change = time.monotonic()

    def world_lock(self, world_id: str) -> threading.RLock:
        """The lock of one world: held while its handle moves, computes an edit or commits."""
        with self._lock:
            lk = self._world_locks.get(world_id)
            if lk is None:
                if len(self._world_locks) > 4096:  # names come from requests: keep the table bounded
                    self._world_locks = {k: v for k, v in self._world_locks.items() if k in self._handles}
                lk = self._world_locks[world_id] = threading.RLock()
            return lk

    # ------------------------------------------------------------------ reading
    def _summary(self, info) -> WorldSummary:
        return WorldSummary(id=info.name, name=info.name, version=info.head, versions=info.versions,
                            n_splats=info.n_splats, created=info.created, updated=info.updated,
                            can_undo=info.can_undo, can_redo=info.can_redo)

    def list(self) -> list[WorldSummary]:
        """Every world, most recently changed first."""
        return [self._summary(i) for i in self.store.list()]

    def summary(self, world_id: str) -> WorldSummary:
        return self._summary(self.info(world_id))

    def info(self, world_id: str):
        try:
            return self.store.info(world_id)
        except WorldNotFoundError:
            raise NotFound(f"no world {world_id!r}") from None

    def handle(self, world_id: str) -> WorldHandle:
        """The open handle of ``world_id``, moved to the head (another process may have edited it)."""
        with self.world_lock(world_id):
            with self._lock:
                h = self._handles.get(world_id)
            if h is None:
                try:
                    h = self.store.open(world_id)
                except WorldNotFoundError:
                    raise NotFound(f"no world {world_id!r}") from None
                with self._lock:
                    self._handles[world_id] = h
            else:
                try:
                    h.refresh()
                except WorldNotFoundError:
                    with self._lock:
                        self._handles.pop(world_id, None)
                    raise NotFound(f"no world {world_id!r}") from None
            return h

    def has_version(self, world_id: str, version: int) -> bool:
        return any(v.num == version for v in self.history(world_id))

    def load(self, world_id: str, version: int | None = None):
        """A :class:`spatial.World` of ``world_id`` at ``version`` (default: head)."""
        with self.world_lock(world_id):
            if version is None or version == self.info(world_id).head:
                return self.handle(world_id).world()
            if not self.has_version(world_id, int(version)):
                raise NotFound(f"world {world_id!r} has no version {version}")
            return self.store.world(world_id, int(version))

    def history(self, world_id: str) -> list[Version]:
        """Every version (branches left behind by undo + edit too), newest first."""
        try:
            return self.store.history(world_id, all_versions=True)
        except WorldNotFoundError:
            raise NotFound(f"no world {world_id!r}") from None

    def history_rows(self, world_id: str) -> list[dict]:
        head_line = {v.num for v in self.store.history(world_id)}
        return [history_row(v, head_line) for v in self.history(world_id)]

    def preview_png(self, world_id: str, version: int | None = None) -> bytes:
        """The version's thumbnail (the store renders it once after an edit and keeps it)."""
        try:
            return self.store.preview_png(world_id, version)
        except WorldNotFoundError:
            raise NotFound(f"no world {world_id!r} version {version}") from None

    # ------------------------------------------------------------------ writing
    def _touch(self) -> None:
        self.last_change = time.monotonic()

    def unique_name(self, wanted: str) -> str:
        base = clean_name(wanted)
        name, i = base, 2
        while name in self.store:
            suffix = f" {i}"
            name = base[:MAX_NAME - len(suffix)].rstrip(" .") + suffix
            i += 1
        return name

    def add(self, world, name: str | None = None, message: str = "created", author: str | None = None) -> WorldSummary:
        """Import a :class:`spatial.World` as a new world (its name made unique)."""
        with self._lock:
            name = self.unique_name(name or world.name)
            world.name = name
            world.metadata = {**(world.metadata or {}), "made_with": message}
            h = self.store.import_world(world, name=name, author=author)
            self._handles[name] = h
            self._touch()
            return self.summary(name)

    def _check_parent(self, world_id: str, h: WorldHandle, parent: int | None, action: str) -> None:
        head = h.head.num
        if parent is not None and int(parent) != head:
            raise ConflictError(world_id, int(parent), head, f"cannot {action}: the world changed meanwhile")

    def apply(self, world_id: str, op, parent: int | None = None, author: str | None = None):
        """Apply one edit op (JSON, docs/edits.md) based on version ``parent``; returns the Commit."""
        with self.world_lock(world_id):
            h = self.handle(world_id)
            c = h.apply(op, author=author, parent=parent)
            self._touch()
            return c

    def _step(self, world_id: str, action: str, parent: int | None, author: str | None) -> Version:
        with self.world_lock(world_id):
            h = self.handle(world_id)
            self._check_parent(world_id, h, parent, action)
            if not (h.can_undo() if action == "undo" else h.can_redo()):
                raise ValidationError("nothing to undo: this is the world's first version" if action == "undo"
                                      else "nothing to redo")
            v = h.undo(author=author) if action == "undo" else h.redo(author=author)
            self._touch()
            return v

    def undo(self, world_id: str, parent: int | None = None, author: str | None = None) -> Version:
        """Move the head back to the parent version (``parent``: the version the caller shows)."""
        return self._step(world_id, "undo", parent, author)

    def redo(self, world_id: str, parent: int | None = None, author: str | None = None) -> Version:
        """Re-apply the most recently undone version."""
        return self._step(world_id, "redo", parent, author)

    def checkout(self, world_id: str, version: int, author: str | None = None) -> Version:
        """Make ``version`` the head again (the later versions stay in the history)."""
        with self.world_lock(world_id):
            h = self.handle(world_id)
            try:
                v = h.checkout(int(version), author=author)
            except WorldNotFoundError:
                raise NotFound(f"world {world_id!r} has no version {version}") from None
            self._touch()
            return v

    def rename(self, world_id: str, name: str, author: str | None = None) -> WorldSummary:
        with self._lock:
            new = clean_name(name)
            if new != world_id:
                self.info(world_id)
                if new in self.store:
                    raise ValidationError(f"a world named {new!r} already exists")
                self.store.rename(world_id, new, author=author)
                h = self._handles.pop(world_id, None)
                if h is not None:
                    self._handles[new] = h  # handles follow the world, not the name
            self._touch()
            return self.summary(new)

    def duplicate(self, world_id: str, name: str | None = None, author: str | None = None) -> WorldSummary:
        with self._lock:
            self.info(world_id)
            new = self.unique_name(name or f"{world_id} copy")
            self.store.duplicate(world_id, new, author=author)
            self._touch()
            return self.summary(new)

    def delete(self, world_id: str, author: str | None = None) -> None:
        with self.world_lock(world_id), self._lock:
            self.info(world_id)
            self._handles.pop(world_id, None)  # no close(): compacting a world about to vanish is waste
            self.store.delete(world_id, author=author)
            self._touch()

    # ------------------------------------------------------------------ housekeeping
    def compact_idle(self, idle_s: float = 20.0) -> int:
        """Compact open handles whose delta chains are long, if nothing changed for ``idle_s``
        seconds (docs/store.md: a long-running app should call ``compact()`` when idle)."""
        if time.monotonic() - self.last_change < idle_s:
            return 0
        done = 0
        with self._lock:
            handles = list(self._handles.items())
        for name, h in handles:
            with self.world_lock(name):
                try:
                    done += bool(h.compact())
                except SpatialError:
                    with self._lock:
                        self._handles.pop(name, None)
        return done

    def close(self) -> None:
        with self._lock:
            for h in self._handles.values():
                try:
                    h.close()
                except SpatialError:
                    pass
            self._handles.clear()
            self.store.close()


def open_library(root: "str | Path", asset_roots: list[Path] | None = None, author: str | None = None,
                 limits=None) -> Library:
    """The library for store folder ``root`` (``limits``: growth limits of every edit)."""
    return Library(root, asset_roots=asset_roots, author=author, limits=limits)
