"""Content-addressed object files: ``objects/ab/abcdef...`` named by the SHA-256 of their bytes.

Writes are atomic (temporary sibling, fsync, rename, directory fsync), so an object file is either
absent or complete; a crash can only leave ``.*.tmp`` files, which are invisible to readers and
removed by :meth:`ObjectStore.gc`. Object names are validated as 64 hex digits before any path is
built from them, so nothing read from the database can point outside the store.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from pathlib import Path
from typing import Iterator

from ..io.atomic import atomic_write
from .errors import StoreCorruptError

_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def sha256(data: bytes | memoryview) -> str:
    return hashlib.sha256(data).hexdigest()


def check_hash(h: str) -> str:
    if not isinstance(h, str) or not _HEX64.match(h):
        raise StoreCorruptError(f"invalid object name {h!r} (expected 64 hex digits)")
    return h


class ObjectStore:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, h: str) -> Path:
        check_hash(h)
        return self.root / h[:2] / h

    def exists(self, h: str) -> bool:
        return self.path(h).is_file()

    def put(self, data: bytes | memoryview) -> str:
        """Store ``data``; returns its hash. Existing objects are not rewritten."""
        h = sha256(data)
        p = self.path(h)
        if p.is_file() and p.stat().st_size == len(data):
            return h
        with atomic_write(p, "wb") as f:
            f.write(data)
        return h

    def get(self, h: str, verify: bool = True, max_bytes: int | None = None) -> bytes:
        p = self.path(h)
        try:
            size = p.stat().st_size
            if max_bytes is not None and size > max_bytes:
                raise StoreCorruptError(f"object {h[:12]} is {size} bytes, more than the {max_bytes} expected")
            data = p.read_bytes()
        except FileNotFoundError:
            raise StoreCorruptError(f"object {h[:12]}... is missing from {self.root}") from None
        if verify and sha256(data) != h:
            raise StoreCorruptError(f"object {h[:12]}... does not match its hash (corrupted file {p})")
        return data

    def verify(self, h: str) -> str | None:
        """None if the object is present and intact, else what is wrong."""
        p = self.path(h)
        if not p.is_file():
            return "missing"
        hasher = hashlib.sha256()
        with open(p, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 22), b""):
                hasher.update(chunk)
        return None if hasher.hexdigest() == h else "hash mismatch"

    def size(self, h: str) -> int:
        return self.path(h).stat().st_size

    def iter_objects(self) -> Iterator[tuple[str, Path]]:
        for sub in sorted(self.root.iterdir()) if self.root.is_dir() else []:
            if sub.is_dir() and len(sub.name) == 2:
                for p in sub.iterdir():
                    if _HEX64.match(p.name):
                        yield p.name, p

    def temp_files(self) -> list[Path]:
        out = []
        for sub in self.root.iterdir() if self.root.is_dir() else []:
            if sub.is_dir():
                out += [p for p in sub.iterdir() if p.name.startswith(".") and p.name.endswith(".tmp")]
        return out

    def total_bytes(self) -> int:
        return sum(p.stat().st_size for _, p in self.iter_objects())

    def gc(self, referenced: set[str], grace_s: float = 3600.0) -> dict:
        """Delete objects not in ``referenced`` and temporary files, both older than ``grace_s``
        (a writer in another process may have written an object it has not committed yet)."""
        now = time.time()
        removed = freed = tmp = 0
        for h, p in list(self.iter_objects()):
            if h in referenced:
                continue
            st = p.stat()
            if now - st.st_mtime >= grace_s:
                freed += st.st_size
                p.unlink(missing_ok=True)
                removed += 1
        for p in self.temp_files():
            try:
                if now - p.stat().st_mtime >= grace_s:
                    p.unlink(missing_ok=True)
                    tmp += 1
            except FileNotFoundError:
                pass
        return {"objects_removed": removed, "bytes_freed": freed, "temp_files_removed": tmp}


def dir_bytes(path: Path) -> int:
    total = 0
    for dp, _, files in os.walk(path):
        for f in files:
            try:
                total += os.path.getsize(os.path.join(dp, f))
            except OSError:
                pass
    return total
