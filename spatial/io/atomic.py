"""Crash-safe file and folder writes.

Every writer in spatial goes through :func:`atomic_write` (files) or
:func:`atomic_folder` (folders): data is written to a temporary sibling, flushed and
fsynced, then renamed over the target, so a crash leaves either the old or the new
content, never a half-written file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import IO, Iterator


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: mkstemp/mkdtemp create private (0600/0700) entries; finished files get the usual umask-based mode.
FILE_MODE = 0o666 & ~_umask()
DIR_MODE = 0o777 & ~_umask()


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_write(path: "str | os.PathLike", mode: str = "wb") -> Iterator[IO]:
    """Context manager yielding a file object; on success the file replaces ``path`` atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, mode) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write_bytes(path: "str | os.PathLike", data: bytes) -> None:
    with atomic_write(path, "wb") as f:
        f.write(data)


@contextlib.contextmanager
def atomic_folder(path: "str | os.PathLike") -> Iterator[Path]:
    """Yield a temporary folder; on success it replaces ``path`` (an existing folder is swapped out)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        yield tmp
        os.chmod(tmp, DIR_MODE)
        for p in tmp.rglob("*"):
            if p.is_file():
                with open(p, "rb") as f:
                    os.fsync(f.fileno())
        _swap_in(tmp, path)
        _fsync_dir(path.parent)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _swap_in(tmp: Path, path: Path, tries: int = 50) -> None:
    """Rename folder ``tmp`` to ``path``, replacing a folder there. Safe against other threads and
    processes doing the same at the same moment (two app processes writing one version's files):
    a rename onto a non-empty folder fails instead of mixing them, so the existing folder is first
    moved to a unique name and the rename retried; whoever renames last wins whole."""
    import errno
    import uuid

    for _ in range(tries):
        try:
            os.replace(tmp, path)  # succeeds when path is absent (or an empty folder)
            return
        except OSError as e:
            if e.errno not in (errno.ENOTEMPTY, errno.EEXIST, errno.EISDIR, errno.ENOTDIR):
                raise
        old = path.with_name(f".{path.name}.old-{os.getpid()}-{uuid.uuid4().hex[:8]}")
        try:
            os.replace(path, old)
        except FileNotFoundError:  # another writer moved it away first: try again
            continue
        shutil.rmtree(old, ignore_errors=True)
    raise OSError(f"could not replace folder {path.name}: other writers kept replacing it")


def remove_stale(path: "str | os.PathLike") -> int:
    """Delete leftovers of interrupted atomic writes of ``path`` (temporary siblings a killed writer left).

    Only call this when no other process is writing ``path``. Returns how many entries were removed."""
    path = Path(path)
    removed = 0
    for p in path.parent.glob(f".{path.name}.*"):
        if p.name.endswith(".tmp") or f".{path.name}.old-" in p.name:
            if p.is_dir():
                shutil.rmtree(p, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    p.unlink()
            removed += 1
    return removed
