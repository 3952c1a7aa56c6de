"""The embedded world store: worlds, versions and tags in SQLite, arrays in content-addressed files.

Layout of a store folder::

    store.db             SQLite (WAL): worlds, versions, tags, events, and objects up to 256 KiB
                         (most deltas, previews) in a ``blobs`` table keyed by their SHA-256
    store.db-wal/-shm    SQLite's write-ahead log
    objects/ab/abcd...   content-addressed object files (snapshot chunks + manifests, big deltas)

A version is its nearest snapshot plus the deltas after it. Every edit stores only its delta;
snapshots are written by *compaction* (when a handle opens or closes a world whose head is
``snapshot_every`` or more deltas from a snapshot, or on :meth:`WorldHandle.compact`), never inside an
edit, so an edit costs O(splats touched). Snapshot chunks are content-addressed, so snapshots share
unchanged chunks.

Crash safety: object files are written atomically and fsynced *before* the SQLite transaction that
references them commits (small objects are inserted by that very transaction); a crash leaves either
the committed version or nothing visible (an orphan object file at most, removed by :meth:`Store.gc`).
"""

from __future__ import annotations

import json
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from .. import settings
from ..edit.delta import Delta
from ..edit.limits import MAX_HEADER_BYTES, MAX_STORED_OP_BYTES
from ..edit.ops import Limits
from ..edit.state import WorldState
from . import codec, db
from .errors import ImportTooLargeError, InvalidNameError, StoreCorruptError, StoreError
from .handle import WorldHandle
from .objects import ObjectStore, dir_bytes, sha256
from .paths import check_name, default_author, resolve_store_dir
from .records import CheckReport, Event, Version, WorldInfo
from .sql import INLINE_MAX, Catalog, now_iso

class _LRU:
    """Byte-bounded LRU of immutable values."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._d: OrderedDict[str, tuple[Any, int]] = OrderedDict()
        self._bytes = 0

    def get(self, k):
        v = self._d.get(k)
        if v is None:
            return None
        self._d.move_to_end(k)
        return v[0]

    def put(self, k, v, nbytes: int) -> None:
        if nbytes > self.max_bytes:
            return
        if k in self._d:
            self._bytes -= self._d.pop(k)[1]
        self._d[k] = (v, nbytes)
        self._bytes += nbytes
        while self._bytes > self.max_bytes and self._d:
            _, (_, b) = self._d.popitem(last=False)
            self._bytes -= b

    def clear(self) -> None:
        self._d.clear()
        self._bytes = 0


class Store:
    """A folder of versioned worlds.

    ``Store(path=None)``: ``path`` or ``$SPATIAL_STORE`` or the platform user data folder.
    ``snapshot_every``: compaction writes a snapshot once a head is this many deltas past one
    (default 100, ``$SPATIAL_SNAPSHOT_EVERY``). ``author``: recorded on every change (default
    ``$SPATIAL_AUTHOR`` or the login name). ``max_import_bytes``: size limit for imported files and
    folders (default 4 GiB, ``$SPATIAL_MAX_IMPORT_BYTES``). ``asset_roots``: folders edit ops may read
    mesh files / world folders from (None = anywhere; a server must set it). ``limits``: growth limits of
    every edit (:class:`spatial.edit.Limits`; default from the environment).

    Typical use::

        store = spatial.Store()
        w = store.import_world("out/garden", name="garden")   # or store.open("garden")
        w.apply({"op": "delete", "select": {"type": "sphere", "center": [0, 1, 0], "radius": 0.5}})
        w.undo(); w.redo(); w.tag("before-trees")
        world = w.world()                                      # a spatial.World at the handle's version
    """

    def __init__(self, path: "str | os.PathLike | None" = None, *, snapshot_every: int | None = None,
                 author: str | None = None, max_import_bytes: int | None = None,
                 asset_roots: list | None = None, cache_bytes: int | None = None, limits: Limits | None = None):
        self.path = resolve_store_dir(path).resolve()
        self.path.mkdir(parents=True, exist_ok=True)
        self.objects = ObjectStore(self.path / "objects")
        self.snapshot_every = int(snapshot_every or settings.get("SPATIAL_SNAPSHOT_EVERY"))
        if self.snapshot_every < 1:
            raise StoreError("snapshot_every must be >= 1")
        self.author = (author or default_author())[:200]
        self.max_import_bytes = int(max_import_bytes or settings.get("SPATIAL_MAX_IMPORT_BYTES"))
        self.asset_roots = [Path(p) for p in asset_roots] if asset_roots is not None else None
        self.limits = limits or Limits()
        self.lock = threading.RLock()  # the one connection is shared by this process's threads
        self._lock = self.lock
        try:
            self._con = db.connect(self.path / "store.db")
        except Exception as e:  # sqlite3.DatabaseError, RuntimeError
            raise StoreError(f"cannot open store database {self.path / 'store.db'}: {e}") from None
        self._snapshots = _LRU(int(cache_bytes or settings.get("SPATIAL_STORE_CACHE_BYTES")))
        self._deltas = _LRU(256 * 1024**2)

    # ------------------------------------------------------------------ lifecycle
    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None
            self._snapshots.clear()
            self._deltas.clear()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    @property
    def con(self):
        if self._con is None:
            raise StoreError("store is closed")
        return self._con

    @property
    def sql(self) -> Catalog:
        """Every statement on this store's database (:mod:`.sql`); hold :attr:`lock` around its use."""
        return Catalog(self.con)

    # ------------------------------------------------------------------ objects
    def put_object(self, data: bytes) -> str:
        """Store an object; returns its hash. Objects up to :data:`INLINE_MAX` bytes (most deltas,
        previews) go into the database's ``blobs`` table - call this inside the transaction that
        references them, so they commit together with one fsync; bigger ones become object files."""
        if len(data) <= INLINE_MAX:
            h = sha256(data)
            self.sql.put_blob(h, data)
            return h
        return self.objects.put(data)

    def get_object(self, h: str, max_bytes: int | None = None) -> bytes:
        data = self.sql.blob(h)
        if data is None:
            return self.objects.get(h, verify=True, max_bytes=max_bytes)
        if sha256(data) != h:
            raise StoreCorruptError(f"object {h[:12]}... in the database does not match its hash")
        return data

    def _verify_object(self, h: str) -> tuple[str | None, int]:
        """(problem or None, size) for one referenced object, inline or file."""
        data = self.sql.blob(h)
        if data is not None:
            return (None if sha256(data) == h else "hash mismatch (database blob)"), len(data)
        err = self.objects.verify(h)
        return err, (self.objects.size(h) if err is None else 0)

    def load_delta(self, h: str) -> Delta:
        d = self._deltas.get(h)
        if d is None:
            d = codec.decode_delta(self.get_object(h), what=f"delta {h[:12]}")
            self._deltas.put(h, d, d.nbytes() + 1024)
        return d

    def _load_snapshot(self, manifest_hash: str) -> WorldState:
        """A state the caller owns (copy-on-write over a cached snapshot)."""
        st = self._snapshots.get(manifest_hash)
        if st is None:
            m = codec.parse_manifest(self.get_object(manifest_hash, max_bytes=256 * 1024**2), f"snapshot {manifest_hash[:12]}")
            st = codec.read_snapshot(m, self.get_object)
            self._snapshots.put(manifest_hash, st, st.nbytes())
        return st.share()

    def write_snapshot(self, state: WorldState) -> tuple[str, int]:
        return codec.write_snapshot(state, self.objects.put)

    def materialize(self, vid: int, owned: bool = False) -> WorldState:
        """The state of version id ``vid``; ``owned``: with private, roomy columns, ready for editing."""
        with self._lock:
            chain = self.sql.chain(vid)
            state = self._load_snapshot(chain[0]["snapshot"])
            if owned:
                state.table.make_owned()
            for r in chain[1:]:
                if r["delta"] is None:
                    raise StoreCorruptError(f"version id {r['id']} has neither a snapshot nor a delta")
                self.load_delta(r["delta"]).apply_inplace(state, keep_inverse=False)
            return state

    # older private names (benchmarks, tests)
    _put_blob, _get_object, _load_delta, _materialize = put_object, get_object, load_delta, materialize

    # ------------------------------------------------------------------ worlds
    def list(self) -> list[WorldInfo]:
        """Every world, most recently updated first."""
        with self._lock:
            return [self._info(r) for r in self.sql.worlds(order="updated")]

    def names(self) -> list[str]:
        with self._lock:
            return [r["name"] for r in self.sql.worlds()]

    def __contains__(self, name: str) -> bool:
        with self._lock:
            return self.sql.has_world(name)

    def info(self, name: str) -> WorldInfo:
        with self._lock:
            return self._info(self.sql.world(name))

    def _info(self, w) -> WorldInfo:
        head = self.sql.version(w["head"])
        count = self.sql.version_count(w["id"])
        tags = self.sql.tag_nums(w["id"])
        return WorldInfo(name=w["name"], head=int(head["num"]), versions=count, n_splats=int(head["n_splats"]),
                         n_faces=int(head["n_faces"]), created=w["created"], updated=w["updated"], tags=tags,
                         can_undo=head["parent"] is not None, can_redo=bool(json.loads(w["redo"])),
                         has_preview=head["preview"] is not None)

    def open(self, name: str, version=None, compact: bool = True):
        """A :class:`WorldHandle` on world ``name`` at its head (or at ``version``, read-only until
        you :meth:`~WorldHandle.checkout` it). Opening a head with a long delta chain compacts it."""
        with self._lock:
            w = self.sql.world(name)
            row = self.sql.resolve(w, version)
            h = WorldHandle(self, int(w["id"]), int(row["id"]))
            if compact and version is None and int(row["chain"]) >= self.snapshot_every:
                h.compact()
            return h

    def world(self, name: str, version=None, render_preview: bool = False):
        """A :class:`spatial.World` of ``name`` at ``version`` (default: head). Its ``preview`` is
        the stored one (None after an edit unless ``render_preview``; see :meth:`preview_png`)."""
        with self._lock:
            w = self.sql.world(name)
            row = self.sql.resolve(w, version)
            state = self.materialize(int(row["id"]))
            return state.to_world(preview=self.preview_array(row, state, render_preview))

    def import_world(self, source, name: str | None = None, author: str | None = None):
        """Add a world: ``source`` is a :class:`spatial.World`, a World folder, or a splat file
        (.ply/.spz/.splat/.glb). Files are size-limited (``max_import_bytes``). Returns a handle."""
        from ..world import World

        if isinstance(source, World):
            world = source
        else:
            p = Path(source)
            if p.is_dir():
                size = dir_bytes(p)
                if size > self.max_import_bytes:
                    raise ImportTooLargeError(f"{p}: world folder is {size} bytes, over the import limit of "
                                              f"{self.max_import_bytes} (SPATIAL_MAX_IMPORT_BYTES)")
                world = World.load(p)
            elif p.is_file():
                size = p.stat().st_size
                if size > self.max_import_bytes:
                    raise ImportTooLargeError(f"{p}: file is {size} bytes, over the import limit of "
                                              f"{self.max_import_bytes} (SPATIAL_MAX_IMPORT_BYTES)")
                from ..io.registry import load

                world = World(load(p), name=p.name.split(".")[0])
            else:
                raise StoreError(f"nothing to import at {p}")
        name = check_name(name or _safe_name(world.name))
        state = WorldState.from_world(world)
        state.meta["name"] = name
        preview = None
        if world.preview is not None:
            from .preview import png_bytes

            preview = png_bytes(world.preview)
        return self._create(name, state, author, kind="import", op={"source": str(source) if not isinstance(source, World) else "<World>"},
                            preview=preview)

    def create(self, name: str, world, author: str | None = None):
        """Add a :class:`spatial.World` under ``name`` (same as ``import_world(world, name)``)."""
        return self.import_world(world, name=name, author=author)

    def _create(self, name: str, state: WorldState, author: str | None, kind: str, op: dict | None,
                preview: bytes | str | None = None):
        author = author or self.author
        state.compact_collider()
        mh, nbytes = self.write_snapshot(state)
        with self._lock, db.transaction(self.con):
            sql = self.sql
            if sql.has_world(name):
                raise InvalidNameError(f"a world named {name!r} already exists")
            t = now_iso()
            if isinstance(preview, bytes):
                preview = self.put_object(preview)
            wid = sql.insert_world(name, nbytes, t)
            vid = sql.insert_version(wid, 0, None, kind, snapshot=mh, snapshot_bytes=nbytes, n_splats=state.n,
                                     n_faces=int(state.collider_faces.shape[0]), author=author, created=t, op=op,
                                     preview=preview)
            sql.set_first_head(wid, vid)
            sql.event(wid, kind, author, vid, op)
        h = WorldHandle(self, wid, vid)
        state.table.make_owned()
        h._state = state
        return h

    def export(self, name: str, folder: "str | os.PathLike", version=None, splat_format: str = "ply") -> Path:
        """Write version ``version`` (default head) of ``name`` as a World folder (atomically)."""
        w = self.world(name, version, render_preview=True)
        return w.save(folder, splat_format=splat_format)

    def rename(self, name: str, new_name: str, author: str | None = None) -> None:
        check_name(new_name)
        with self._lock, db.transaction(self.con):
            w = self.sql.world(name)
            if self.sql.has_world(new_name):
                raise InvalidNameError(f"a world named {new_name!r} already exists")
            self.sql.rename_world(w["id"], new_name)
            self.sql.event(w["id"], "rename", author or self.author, None, {"from": name, "to": new_name})

    def duplicate(self, name: str, new_name: str, version=None, author: str | None = None):
        """Copy world ``name`` (at ``version``, default head) as a new world with a single version.
        Cheap: the copy's snapshot shares every unchanged chunk object with the original."""
        check_name(new_name)
        with self._lock:
            w = self.sql.world(name)
            row = self.sql.resolve(w, version)
            state = self.materialize(int(row["id"]))
            state.meta["name"] = new_name
            return self._create(new_name, state, author, kind="duplicate",
                                op={"from": name, "version": int(row["num"])}, preview=row["preview"])

    def delete(self, name: str, author: str | None = None) -> None:
        """Remove a world and its history (objects are reclaimed by :meth:`gc`)."""
        with self._lock, db.transaction(self.con):
            self.sql.delete_world(self.sql.world(name)["id"])

    def history(self, name: str, all_versions: bool = False) -> list[Version]:
        """Versions of ``name``, newest first: the head's ancestry, or every version (branches left
        behind by undo + edit included) with ``all_versions=True``."""
        with self._lock:
            w = self.sql.world(name)
            tags = self.sql.tags_by_version(w["id"])
            rows = {r["id"]: r for r in self.sql.versions_of(w["id"])}
            if all_versions:
                order = sorted(rows.values(), key=lambda r: -r["num"])
            else:
                order, vid = [], w["head"]
                while vid is not None:
                    order.append(rows[vid])
                    vid = rows[vid]["parent"]
            nums = {vid: int(r["num"]) for vid, r in rows.items()}
            out = []
            for r in order:
                v = self.sql.version_record(r, w, tags)
                v.parent = nums.get(r["parent"]) if r["parent"] is not None else None
                out.append(v)
            return out

    def events(self, name: str, limit: int = 200) -> list[Event]:
        """Who did what when (edits, undo, redo, checkout, tag, rename, compact), newest first."""
        with self._lock:
            w = self.sql.world(name)
            rows = self.sql.events(w["id"], limit)
            return [Event(r["at"], r["author"], r["action"], r["num"], json.loads(r["detail"]) if r["detail"] else None)
                    for r in rows]

    # ------------------------------------------------------------------ previews
    def preview_array(self, row, state: WorldState | None = None, render: bool = False):
        """The version's preview as an array: the stored one, else (``render``) a fresh render, else None."""
        from .preview import png_to_array

        if not row["preview"] and not render:
            return None
        data = self.preview_png_for_row(row, state)
        return png_to_array(data) if data else None

    def preview_png_for_row(self, row, state: WorldState | None = None) -> bytes:
        from .preview import png_bytes, render_preview

        if row["preview"]:
            return self.get_object(row["preview"], max_bytes=64 * 1024**2)
        if state is None:
            state = self.materialize(int(row["id"]))
        data = png_bytes(render_preview(state))
        with self._lock, db.transaction(self.con):
            self.sql.set_preview(row["id"], self.put_object(data))
        return data

    def preview_png(self, name: str, version=None) -> bytes:
        """PNG bytes of the preview of ``name`` at ``version`` (default head), rendered on first use
        after an edit and cached. Use it as the world's thumbnail."""
        with self._lock:
            w = self.sql.world(name)
            return self.preview_png_for_row(self.sql.resolve(w, version))

    # ------------------------------------------------------------------ integrity
    def _referenced(self, problems: list[str] | None = None) -> dict[str, int | None]:
        """Every object a committed version references -> expected size (None = unknown)."""
        refs: dict[str, int | None] = {}
        for r in self.sql.referenced_hashes():
            for h in (r["delta"], r["preview"]):
                if h:
                    refs.setdefault(h, None)
            if r["snapshot"]:
                refs.setdefault(r["snapshot"], None)
                try:
                    m = codec.parse_manifest(self.get_object(r["snapshot"], max_bytes=256 * 1024**2))
                    for oh, size in codec.manifest_objects(m):
                        refs[oh] = size
                except (StoreCorruptError, KeyError, TypeError, ValueError) as e:
                    if problems is not None:
                        problems.append(f"version id {r['id']} (world id {r['world_id']}, v{r['num']}): snapshot: {e}")
        return refs

    def check(self, deep: bool = False) -> CheckReport:
        """Verify the database and every object a committed version references (hashes and sizes).
        ``deep=True`` also materializes every world's head. Read-only."""
        problems: list[str] = []
        with self._lock:
            ic, fk = self.sql.integrity()
            if ic != "ok":
                problems.append(f"sqlite integrity_check: {ic}")
            if fk:
                problems.append(f"sqlite foreign_key_check: {fk} dangling references")
            worlds = self.sql.worlds()
            versions = {r["id"]: r for r in self.sql.all_versions()}
            for w in worlds:
                hv = versions.get(w["head"])
                if hv is None or hv["world_id"] != w["id"]:
                    problems.append(f"world {w['name']!r}: head points to a missing version")
                try:
                    redo = json.loads(w["redo"])
                    if any(versions.get(v) is None or versions[v]["world_id"] != w["id"] for v in redo):
                        problems.append(f"world {w['name']!r}: redo list names missing versions")
                except (json.JSONDecodeError, TypeError):
                    problems.append(f"world {w['name']!r}: bad redo list")
            for r in versions.values():
                where = f"version id {r['id']} (v{r['num']})"
                if r["parent"] is not None:
                    p = versions.get(r["parent"])
                    if p is None or p["world_id"] != r["world_id"]:
                        problems.append(f"{where}: parent is missing")
                    if r["delta"] is None and r["snapshot"] is None:
                        problems.append(f"{where}: has neither delta nor snapshot")
                elif r["snapshot"] is None:
                    problems.append(f"{where}: a root version without a snapshot")
            refs = self._referenced(problems)
            for r in versions.values():
                if r["delta"] and self._delta_needs_repair(r):
                    problems.append(f"world id {r['world_id']} v{r['num']}: delta or op over the store's limits "
                                    "(written by an older spatial): run `spatial worlds check --repair`")
            nbytes = 0
            for h, size in refs.items():
                try:
                    err, actual = self._verify_object(h)
                except StoreCorruptError as e:
                    problems.append(str(e))
                    continue
                if err:
                    problems.append(f"object {h[:12]}...: {err}")
                    continue
                nbytes += actual
                if size is not None and actual != size:
                    problems.append(f"object {h[:12]}...: {actual} bytes, expected {size}")
            if deep and not problems:
                for w in worlds:
                    try:
                        st = self.materialize(int(w["head"]))
                        hv = versions[w["head"]]
                        if st.n != hv["n_splats"] or st.collider_faces.shape[0] != hv["n_faces"]:
                            problems.append(f"world {w['name']!r}: head materializes to {st.n} splats / "
                                            f"{st.collider_faces.shape[0]} faces, expected {hv['n_splats']} / {hv['n_faces']}")
                    except StoreCorruptError as e:
                        problems.append(f"world {w['name']!r}: {e}")
            stored = {h for h, _ in self.objects.iter_objects()}
            stored |= set(self.sql.blob_hashes())
            return CheckReport(clean=not problems, problems=problems, worlds=len(worlds), versions=len(versions),
                               objects_checked=len(refs), bytes_checked=nbytes, garbage_objects=len(stored - set(refs)),
                               temp_files=len(self.objects.temp_files()))

    def _delta_needs_repair(self, row) -> bool:
        if row["op"] and len(row["op"]) > MAX_STORED_OP_BYTES:
            return True
        try:
            return codec.header_bytes(self.get_object(row["delta"]), "delta") > MAX_HEADER_BYTES
        except StoreCorruptError:
            return False  # reported by the object checks

    def repair(self) -> list[str]:
        """Rewrite deltas that an older spatial stored over today's limits (an op with a huge id list in
        the delta header, a label name of megabytes) in today's form: id lists move into the delta's body,
        over-long label names are cut to ``MAX_LABEL_CHARS``, an op still too big to keep is replaced by
        its name. Every version stays; the worlds' splats are unchanged. Returns what was repaired."""
        from ..edit.limits import MAX_LABEL_CHARS, json_bytes, stored_op

        done: list[str] = []
        with self._lock:
            rows = [r for r in self.sql.all_versions() if r["delta"] and self._delta_needs_repair(r)]
            for r in rows:
                data = self.get_object(r["delta"])
                d = codec.decode_delta(data, what=f"delta {r['delta'][:12]}")
                op = codec.delta_op(data) or (json.loads(r["op"]) if r["op"] else None)
                labels = d.meta.get("labels") if isinstance(d.meta, dict) else None
                if isinstance(labels, dict):
                    d.meta["labels"] = {k: (v[:MAX_LABEL_CHARS] if isinstance(v, str) else v) for k, v in labels.items()}
                if isinstance(op, dict) and isinstance(op.get("label"), str):
                    op["label"] = op["label"][:MAX_LABEL_CHARS]
                if isinstance(op, dict) and json_bytes(stored_op(op)[0]) > MAX_STORED_OP_BYTES:
                    op = {"op": op.get("op"), "note": "op too large to keep (cut by spatial worlds check --repair)"}
                blob = codec.encode_delta(d, op)
                small = stored_op(op)[0] if isinstance(op, dict) else None
                with db.transaction(self.con):
                    self.sql.set_delta(r["id"], self.put_object(blob), len(blob), small)
                    self.sql.event(int(r["world_id"]), "repair", self.author, int(r["id"]),
                                {"old_delta_bytes": len(data), "new_delta_bytes": len(blob)})
                w = self.sql.world_by_id(int(r["world_id"]))
                done.append(f"{w['name']} v{r['num']}: delta rewritten ({len(data)} -> {len(blob)} bytes)")
            self._deltas.clear()
        return done

    def gc(self, grace_s: float = 3600.0) -> dict:
        """Remove objects no version references (database blobs at once; files and leftover temporary
        files once older than ``grace_s``, since another process may be about to commit them)."""
        with self._lock:
            with db.transaction(self.con):
                refs = set(self._referenced())
                dead = [h for h in self.sql.blob_hashes() if h not in refs]
                self.sql.delete_blobs(dead)
        out = self.objects.gc(refs, grace_s)
        out["objects_removed"] += len(dead)
        return out

    def size_bytes(self) -> int:
        """Bytes on disk: database (+ WAL) and objects."""
        total = self.objects.total_bytes()
        for suffix in ("", "-wal", "-shm"):
            p = self.path / f"store.db{suffix}"
            if p.exists():
                total += p.stat().st_size
        return total


def _safe_name(name: str) -> str:
    import re

    s = re.sub(r"[^A-Za-z0-9 ._\-]+", "-", str(name or "world")).strip(" .-_") or "world"
    s = s.replace("..", ".")
    return s[:128]
