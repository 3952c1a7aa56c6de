"""Every SQL statement of the world store, in one place: :class:`Catalog` wraps the store's SQLite
connection (schema and transactions: :mod:`.db`). :class:`~spatial.store.Store` and
:class:`~spatial.store.WorldHandle` both read and write worlds, versions, tags, events and inline
blobs only through it (they never build SQL themselves), and hold ``Store.lock`` around each use, since
the one connection is shared by the threads of a process.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from typing import Any, Iterator

from .errors import StoreCorruptError, WorldNotFoundError
from .objects import check_hash
from .records import Version

#: Objects up to this size are stored in the database (committed with their version); larger ones
#: are content-addressed files.
INLINE_MAX = 256 * 1024
#: version numbers are SQLite integers
MAX_VERSION_NUM = 2**63 - 1


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


class Catalog:
    """The store's tables (worlds, versions, tags, events, blobs) behind named operations."""

    def __init__(self, con: sqlite3.Connection):
        self.con = con

    # ------------------------------------------------------------------ worlds
    def world(self, name: str):
        row = self.con.execute("SELECT * FROM worlds WHERE name=?", (name,)).fetchone()
        if row is None:
            raise WorldNotFoundError(f"no world named {str(name)[:200]!r}")
        return row

    def world_by_id(self, wid: int):
        row = self.con.execute("SELECT * FROM worlds WHERE id=?", (wid,)).fetchone()
        if row is None:
            raise WorldNotFoundError("the world was deleted")
        return row

    def worlds(self, order: str = "name") -> list:
        sql = "SELECT * FROM worlds ORDER BY updated DESC, name" if order == "updated" else "SELECT * FROM worlds ORDER BY name"
        return list(self.con.execute(sql))

    def has_world(self, name: str) -> bool:
        return self.con.execute("SELECT 1 FROM worlds WHERE name=?", (name,)).fetchone() is not None

    def insert_world(self, name: str, base_bytes: int, t: str) -> int:
        cur = self.con.execute("INSERT INTO worlds(name, head, redo, next_num, base_bytes, created, updated) "
                               "VALUES(?, NULL, '[]', 1, ?, ?, ?)", (name, base_bytes, t, t))
        return int(cur.lastrowid)

    def set_head(self, wid: int, head: int, redo: list[int] | None = None, next_num: int | None = None) -> None:
        """Move a world's head (and replace its redo list / next version number when given)."""
        sets, args = ["head=?", "updated=?"], [head, now_iso()]
        if redo is not None:
            sets.append("redo=?")
            args.append(json.dumps(redo))
        if next_num is not None:
            sets.append("next_num=?")
            args.append(next_num)
        self.con.execute(f"UPDATE worlds SET {', '.join(sets)} WHERE id=?", (*args, wid))

    def set_first_head(self, wid: int, vid: int) -> None:
        self.con.execute("UPDATE worlds SET head=? WHERE id=?", (vid, wid))

    def rename_world(self, wid: int, new_name: str) -> None:
        self.con.execute("UPDATE worlds SET name=?, updated=? WHERE id=?", (new_name, now_iso(), wid))

    def delete_world(self, wid: int) -> None:
        self.con.execute("DELETE FROM tags WHERE world_id=?", (wid,))
        self.con.execute("DELETE FROM events WHERE world_id=?", (wid,))
        self.con.execute("UPDATE worlds SET head=NULL WHERE id=?", (wid,))
        self.con.execute("DELETE FROM versions WHERE world_id=?", (wid,))
        self.con.execute("DELETE FROM worlds WHERE id=?", (wid,))

    # ------------------------------------------------------------------ versions
    def version(self, vid: int):
        row = self.con.execute("SELECT * FROM versions WHERE id=?", (vid,)).fetchone()
        if row is None:
            raise StoreCorruptError(f"version id {vid} is missing")
        return row

    def num_of(self, vid: int | None) -> int | None:
        return None if vid is None else int(self.version(vid)["num"])

    def resolve(self, world_row, ref) -> Any:
        """A version row from a number, 'v12', 'head', 'head~2' or a tag name."""
        wid, wname = world_row["id"], world_row["name"]
        if ref is None or ref == "head":
            return self.version(world_row["head"])
        if isinstance(ref, str) and ref.startswith("head~") and ref[5:].isdigit() and len(ref) < 16:
            row = self.version(world_row["head"])
            for _ in range(int(ref[5:])):
                if row["parent"] is None:
                    raise WorldNotFoundError(f"world {wname!r} has no version {ref!r}")
                row = self.version(row["parent"])
            return row
        num = None
        if isinstance(ref, int) and not isinstance(ref, bool):
            num = ref
        elif isinstance(ref, str):
            s = ref[1:] if ref[:1] in ("v", "V") and ref[1:].isdigit() else ref
            if s.isdigit():
                num = int(s)
            else:
                row = self.con.execute("SELECT v.* FROM tags t JOIN versions v ON v.id=t.version WHERE t.world_id=? AND t.name=?",
                                       (wid, ref)).fetchone()
                if row is None:
                    raise WorldNotFoundError(f"world {wname!r} has no version or tag {ref[:80]!r}")
                return row
        if num is None:
            raise WorldNotFoundError(f"bad version reference {str(ref)[:40]!r}")
        if not 0 <= num <= MAX_VERSION_NUM:
            raise WorldNotFoundError(f"world {wname!r} has no version {str(num)[:40]}")
        row = self.con.execute("SELECT * FROM versions WHERE world_id=? AND num=?", (wid, num)).fetchone()
        if row is None:
            raise WorldNotFoundError(f"world {wname!r} has no version {num}")
        return row

    def insert_version(self, wid: int, num: int, parent: int | None, kind: str, *, delta: str | None = None,
                       delta_bytes: int = 0, snapshot: str | None = None, snapshot_bytes: int = 0, chain: int = 0,
                       chain_bytes: int = 0, n_splats: int, n_faces: int, author: str, created: str | None = None,
                       op: dict | None = None, summary: dict | None = None, preview: str | None = None) -> int:
        """The one statement that adds a version (imports, duplicates and edits alike)."""
        cur = self.con.execute(
            "INSERT INTO versions(world_id, num, parent, kind, delta, delta_bytes, snapshot, snapshot_bytes, chain, "
            "chain_bytes, n_splats, n_faces, author, created, op, summary, preview) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (wid, num, parent, kind, delta, delta_bytes, snapshot, snapshot_bytes, chain, chain_bytes, n_splats, n_faces,
             author, created or now_iso(), json.dumps(op) if op else None, json.dumps(summary) if summary else None, preview))
        return int(cur.lastrowid)

    def set_snapshot(self, vid: int, manifest: str, nbytes: int) -> None:
        self.con.execute("UPDATE versions SET snapshot=?, snapshot_bytes=?, chain=0, chain_bytes=0 "
                         "WHERE id=? AND snapshot IS NULL", (manifest, nbytes, vid))

    def set_preview(self, vid: int, h: str) -> None:
        self.con.execute("UPDATE versions SET preview=? WHERE id=? AND preview IS NULL", (h, vid))

    def set_delta(self, vid: int, h: str, nbytes: int, op: dict | None) -> None:
        self.con.execute("UPDATE versions SET delta=?, delta_bytes=?, op=? WHERE id=?",
                         (h, nbytes, json.dumps(op) if op else None, vid))

    def versions_of(self, wid: int) -> list:
        return list(self.con.execute("SELECT * FROM versions WHERE world_id=?", (wid,)))

    def version_count(self, wid: int) -> int:
        return int(self.con.execute("SELECT COUNT(*) FROM versions WHERE world_id=?", (wid,)).fetchone()[0])

    def all_versions(self) -> list:
        return list(self.con.execute("SELECT * FROM versions"))

    def chain(self, vid: int) -> list:
        """Version rows from the nearest snapshot (first) to ``vid`` (last)."""
        rows = list(self.con.execute(
            """WITH RECURSIVE c(id, parent, snapshot, delta, depth) AS (
                   SELECT id, parent, snapshot, delta, 0 FROM versions WHERE id=?
                   UNION ALL
                   SELECT v.id, v.parent, v.snapshot, v.delta, c.depth + 1 FROM versions v JOIN c ON v.id = c.parent
                   WHERE c.snapshot IS NULL AND c.depth < 1000000)
               SELECT id, parent, snapshot, delta FROM c ORDER BY depth DESC""", (vid,)))
        if not rows or rows[0]["snapshot"] is None:
            raise StoreCorruptError(f"version id {vid} has no snapshot in its ancestry")
        return rows

    def version_record(self, row, world_row=None, tags=None) -> Version:
        world_row = world_row or self.world_by_id(row["world_id"])
        tags = tags if tags is not None else self.tags_by_version(world_row["id"])
        return Version(
            world=world_row["name"], num=int(row["num"]), parent=self.num_of(row["parent"]), kind=row["kind"],
            author=row["author"], created=row["created"], op=json.loads(row["op"]) if row["op"] else None,
            summary=json.loads(row["summary"]) if row["summary"] else None, n_splats=int(row["n_splats"]),
            n_faces=int(row["n_faces"]), tags=tags.get(row["id"], []), is_head=row["id"] == world_row["head"],
            has_snapshot=row["snapshot"] is not None, delta_bytes=int(row["delta_bytes"]))

    # ------------------------------------------------------------------ tags, events
    def tags_by_version(self, wid: int) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        for r in self.con.execute("SELECT name, version FROM tags WHERE world_id=? ORDER BY name", (wid,)):
            out.setdefault(r["version"], []).append(r["name"])
        return out

    def tag_nums(self, wid: int) -> dict[str, int]:
        return {r["name"]: int(r["num"]) for r in self.con.execute(
            "SELECT t.name, v.num FROM tags t JOIN versions v ON v.id=t.version WHERE t.world_id=? ORDER BY t.name", (wid,))}

    def set_tag(self, wid: int, name: str, vid: int, author: str) -> None:
        self.con.execute("INSERT INTO tags(world_id, name, version, author, created) VALUES(?,?,?,?,?) "
                         "ON CONFLICT(world_id, name) DO UPDATE SET version=excluded.version, author=excluded.author, "
                         "created=excluded.created", (wid, name, vid, author, now_iso()))

    def delete_tag(self, wid: int, name: str) -> bool:
        return self.con.execute("DELETE FROM tags WHERE world_id=? AND name=?", (wid, name)).rowcount > 0

    def event(self, wid: int, action: str, author: str, vid: int | None, detail: dict | None = None) -> None:
        self.con.execute("INSERT INTO events(world_id, at, author, action, version, detail) VALUES(?,?,?,?,?,?)",
                         (wid, now_iso(), author, action, vid, json.dumps(detail) if detail else None))

    def events(self, wid: int, limit: int) -> Iterator:
        return self.con.execute("SELECT e.*, v.num FROM events e LEFT JOIN versions v ON v.id=e.version "
                                "WHERE e.world_id=? ORDER BY e.id DESC LIMIT ?", (wid, limit))

    # ------------------------------------------------------------------ inline blobs
    def put_blob(self, h: str, data: bytes) -> None:
        self.con.execute("INSERT OR IGNORE INTO blobs(hash, data) VALUES(?, ?)", (check_hash(h), bytes(data)))

    def blob(self, h: str) -> bytes | None:
        row = self.con.execute("SELECT data FROM blobs WHERE hash=?", (check_hash(h),)).fetchone()
        return None if row is None else bytes(row[0])

    def blob_hashes(self) -> list[str]:
        return [r[0] for r in self.con.execute("SELECT hash FROM blobs")]

    def delete_blobs(self, hashes: list[str]) -> None:
        self.con.executemany("DELETE FROM blobs WHERE hash=?", [(h,) for h in hashes])

    def referenced_hashes(self) -> Iterator:
        return self.con.execute("SELECT id, world_id, num, delta, snapshot, preview FROM versions")

    # ------------------------------------------------------------------ integrity
    def integrity(self) -> tuple[str, int]:
        """(``PRAGMA integrity_check`` result, number of dangling foreign keys)."""
        ic = self.con.execute("PRAGMA integrity_check").fetchone()[0]
        return ic, len(list(self.con.execute("PRAGMA foreign_key_check")))

    def checkpoint(self) -> None:
        self.con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
