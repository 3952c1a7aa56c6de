"""A handle on one stored world: edit, undo, redo, checkout, tag, history.

A handle keeps the world's arrays in memory at *its* version (``handle.version``) and applies each
edit in place in O(splats touched); inverse records of the session's own edits make undo just as
cheap. Other processes (or handles) may change the same world: every change names the version it
is based on, and the store commits it only if that is still the head - or, for an edit, if the
edits committed in between touched other splats, in which case the edit is rebased over them (a
clean merge). Otherwise :class:`~spatial.store.errors.ConflictError` is raised and nothing changes.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from ..edit.delta import Delta, Inverse, MergeConflict
from ..edit.limits import stored_op
from ..edit.ops import EditContext, compute_delta
from ..edit.schema import parse_op, parse_ops
from ..edit.state import WorldState
from . import codec, db
from .errors import ConflictError, StoreError, WorldNotFoundError
from .paths import check_name
from .records import Commit, Version
from .sql import INLINE_MAX

if TYPE_CHECKING:  # the store imports this module; this one never imports the store
    from .store import Store

MAX_UNDO_RECORDS = 512


class WorldHandle:
    """Obtained from :meth:`Store.open` / :meth:`Store.import_world`; see the module docstring."""

    def __init__(self, store: Store, world_id: int, version_id: int):
        self.store = store
        self._wid = world_id
        self._vid = version_id
        self._state: WorldState | None = None
        self._hlock = threading.RLock()
        self._inverses: OrderedDict[int, tuple[int, Inverse]] = OrderedDict()  # vid -> (parent vid, inverse)

    # ------------------------------------------------------------------ facts
    @property
    def name(self) -> str:
        with self.store.lock:
            return self.store.sql.world_by_id(self._wid)["name"]

    @property
    def version(self) -> Version:
        """The version this handle is at (its in-memory world)."""
        with self.store.lock:
            return self.store.sql.version_record(self.store.sql.version(self._vid))

    @property
    def head(self) -> Version:
        """The world's head version in the store now (may differ from :attr:`version` if another
        writer moved it; :meth:`refresh` catches up)."""
        with self.store.lock:
            w = self.store.sql.world_by_id(self._wid)
            return self.store.sql.version_record(self.store.sql.version(w["head"]), w)

    def info(self):
        return self.store.info(self.name)

    def __repr__(self) -> str:
        try:
            return f"WorldHandle({self.name!r}, version={self.store.sql.num_of(self._vid)})"
        except Exception:  # noqa: BLE001
            return "WorldHandle(<deleted>)"

    # ------------------------------------------------------------------ state
    @property
    def state(self) -> WorldState:
        """The in-memory arrays at :attr:`version` (treat as read-only)."""
        if self._state is None:
            self._state = self.store.materialize(self._vid, owned=True)
        return self._state

    def world(self, render_preview: bool = False):
        """A :class:`spatial.World` at this handle's version (an independent copy). Its ``preview``
        is the stored one, None after an edit unless ``render_preview`` (see :meth:`preview_png`)."""
        with self.store.lock:
            row = self.store.sql.version(self._vid)
            return self.state.to_world(preview=self.store.preview_array(row, self.state, render_preview))

    def preview_png(self) -> bytes:
        """PNG thumbnail of this handle's version (rendered once after an edit, then cached)."""
        with self.store.lock:
            return self.store.preview_png_for_row(self.store.sql.version(self._vid), self.state)

    def _remember(self, vid: int, parent: int, inv: Inverse | None) -> None:
        if inv is None:
            return
        self._inverses[vid] = (parent, inv)
        while len(self._inverses) > MAX_UNDO_RECORDS:
            self._inverses.popitem(last=False)

    def _goto(self, target: int) -> None:
        """Bring the in-memory state to version id ``target`` as cheaply as possible."""
        if target == self._vid and self._state is not None:
            return
        if self._state is None:
            self._vid = target
            return
        st = self.store
        # 1) target is a descendant: replay forward deltas
        path = []
        vid = target
        for _ in range(st.snapshot_every * 4 + 8):
            if vid is None or vid == self._vid:
                break
            row = st.sql.version(vid)
            path.append(row)
            vid = row["parent"]
        if vid == self._vid and all(r["delta"] is not None for r in path):
            try:
                for r in reversed(path):
                    inv = st.load_delta(r["delta"]).apply_inplace(self._state)
                    self._remember(r["id"], r["parent"], inv)
                self._vid = target
                return
            except Exception:
                self._state = None
                self._vid = target
                raise
        # 2) target is an ancestor reachable by in-memory inverses
        steps, vid = [], self._vid
        while vid != target and vid in self._inverses:
            steps.append(vid)
            vid = self._inverses[vid][0]
        if vid == target:
            for v in steps:
                parent, inv = self._inverses.pop(v)
                inv.apply(self._state)
            self._vid = target
            return
        # 3) anything else: materialize from the nearest snapshot
        self._state = None
        self._inverses.clear()
        self._vid = target

    def refresh(self) -> Version:
        """Move this handle to the world's current head (after another writer changed it)."""
        with self.store.lock:
            w = self.store.sql.world_by_id(self._wid)
            self._goto(int(w["head"]))
            return self.version

    # ------------------------------------------------------------------ editing
    def _ctx(self) -> EditContext:
        return EditContext(asset_roots=self.store.asset_roots, resolve_world=self._resolve_source, limits=self.store.limits)

    def _resolve_source(self, src: str):
        name, _, ver = src.partition("@")
        with self.store.lock:
            w = self.store.sql.world(name)
            row = self.store.sql.resolve(w, ver or None)
        if int(row["world_id"]) == self._wid and row["id"] == self._vid:
            return self.state
        return self.store.materialize(int(row["id"]))

    def apply(self, op: Any, author: str | None = None, parent=None) -> Commit:
        """Apply one edit op (dict or JSON string; see docs/edits.md) and commit it as a new version.

        ``parent``: the version the caller's edit is based on (number or tag; default: this
        handle's version). If the head moved on since, the edit is merged when the edits in
        between touched other splats, else :class:`ConflictError` is raised. Invalid ops raise
        :class:`spatial.edit.EditError` (a ``ValidationError``) and change nothing.
        """
        norm = parse_op(op)
        return self._commit([norm], author, parent)[0]

    def apply_many(self, ops: Any, author: str | None = None, parent=None) -> list[Commit]:
        """Apply a list of ops as consecutive versions, all or nothing (validated and computed first,
        committed in one transaction). A batch is never merged: if the head moved, ConflictError."""
        return self._commit(parse_ops(ops), author, parent)

    def _commit(self, ops: list[dict], author: str | None, parent) -> list[Commit]:
        st = self.store
        author = (author or st.author)[:200]
        # The handle's lock keeps its in-memory state consistent; the store's lock is taken only
        # around database work, so a slow edit of one world never blocks another world's handle.
        with self._hlock:
            with st.lock:
                if parent is not None:
                    w = st.sql.world_by_id(self._wid)
                    self._goto(int(st.sql.resolve(w, parent)["id"]))
                base_vid = self._vid
            state = self.state
            ctx = self._ctx()
            # compute every delta first (nothing is written if any op is bad)
            if len(ops) == 1:
                deltas = [compute_delta(state, ops[0], ctx)]
            else:
                scratch = state.share()
                deltas = []
                for o in ops:
                    d = compute_delta(scratch, o, ctx)
                    d.apply_inplace(scratch, keep_inverse=False)
                    deltas.append(d)
            blobs = [codec.encode_delta(d, o) for d, o in zip(deltas, ops)]
            # big deltas become object files now (before the commit); small ones go into the
            # database inside the commit transaction
            hashes = [st.objects.put(b) if len(b) > INLINE_MAX else None for b in blobs]
            with st.lock:
                return self._commit_computed(ops, author, base_vid, state, deltas, blobs, hashes)

    def _commit_computed(self, ops, author, base_vid, state, deltas, blobs, hashes) -> list[Commit]:
        st = self.store
        merged_over: list[int] = []
        intervening: list[Delta] = []
        path: list = []
        with db.transaction(st.con):
            w = st.sql.world_by_id(self._wid)
            head = int(w["head"])
            if head != base_vid:
                exp, act = st.sql.num_of(base_vid), st.sql.num_of(head)
                path = self._path_from(base_vid, head)
                if path is None:
                    raise ConflictError(w["name"], exp, act, "the head was moved by undo or checkout")
                if len(ops) > 1:
                    raise ConflictError(w["name"], exp, act, "a batch of edits is never merged")
                intervening = [st.load_delta(r["delta"]) for r in path]
                try:
                    rebased = deltas[0].rebase(intervening)
                except MergeConflict as e:
                    raise ConflictError(w["name"], exp, act, str(e)) from None
                deltas = [rebased]
                blobs = [codec.encode_delta(rebased, ops[0])]
                hashes = [None]
                merged_over = [int(r["num"]) for r in path]
            hashes = [h or st.put_object(b) for h, b in zip(hashes, blobs)]
            parent_row = st.sql.version(head)
            new_ids = []
            num = int(w["next_num"])
            for d, o, b, h in zip(deltas, ops, blobs, hashes):
                chain = int(parent_row["chain"]) + 1
                chain_bytes = int(parent_row["chain_bytes"]) + len(b)
                n_faces = int(parent_row["n_faces"])
                if d.touches_collider:
                    n_faces = d.faces_before - int(d.collider_removed.size) + int(d.collider_faces.shape[0])
                vid = st.sql.insert_version(self._wid, num, parent_row["id"], "edit", delta=h, delta_bytes=len(b),
                                            chain=chain, chain_bytes=chain_bytes, n_splats=d.n_after, n_faces=n_faces,
                                            author=author, op=stored_op(o)[0], summary=d.summary())
                new_ids.append(vid)
                detail = {"op": o.get("op")}
                if merged_over:
                    detail["merged_over"] = merged_over
                st.sql.event(self._wid, "edit", author, vid, detail)
                parent_row = st.sql.version(vid)
                num += 1
            st.sql.set_head(self._wid, new_ids[-1], redo=[], next_num=num)
        # committed: bring the in-memory state along (O(splats touched))
        try:
            for r_delta, r_row in zip(intervening, path):
                self._remember(r_row["id"], r_row["parent"], r_delta.apply_inplace(state))
            prev = head
            for d, vid in zip(deltas, new_ids):
                self._remember(vid, prev, d.apply_inplace(state))
                prev = vid
            self._vid = new_ids[-1]
        except Exception:
            self._state = None
            self._inverses.clear()
            self._vid = new_ids[-1]
            raise
        w = st.sql.world_by_id(self._wid)
        tags = st.sql.tags_by_version(self._wid)
        return [Commit(st.sql.version_record(st.sql.version(v), w, tags), d.summary(), bool(merged_over), merged_over)
                for v, d in zip(new_ids, deltas)]

    def _path_from(self, ancestor: int, descendant: int, limit: int = 100000):
        """Version rows strictly after ``ancestor`` up to ``descendant`` (oldest first), or None if
        ``ancestor`` is not an ancestor."""
        rows, vid = [], descendant
        while vid is not None and vid != ancestor and len(rows) < limit:
            r = self.store.sql.version(vid)
            rows.append(r)
            vid = r["parent"]
        if vid != ancestor or any(r["delta"] is None for r in rows):
            return None
        return list(reversed(rows))

    # ------------------------------------------------------------------ undo / redo / checkout
    def _move_head(self, action: str, target: int, redo: list[int], author: str | None, detail=None) -> Version:
        st = self.store
        with db.transaction(st.con):
            w = st.sql.world_by_id(self._wid)
            if int(w["head"]) != self._vid:
                raise ConflictError(w["name"], st.sql.num_of(self._vid), st.sql.num_of(w["head"]),
                                    f"cannot {action}: another writer changed the world")
            st.sql.set_head(self._wid, target, redo=redo)
            st.sql.event(self._wid, action, (author or st.author)[:200], target, detail)
        self._goto(target)
        return self.version

    def can_undo(self) -> bool:
        with self.store.lock:
            return self.store.sql.version(self._vid)["parent"] is not None

    def can_redo(self) -> bool:
        with self.store.lock:
            w = self.store.sql.world_by_id(self._wid)
            return int(w["head"]) == self._vid and bool(json.loads(w["redo"]))

    def undo(self, author: str | None = None) -> Version:
        """Move the head back to the parent version (redo brings it forward again). Returns the new head."""
        st = self.store
        with st.lock:
            row = st.sql.version(self._vid)
            if row["parent"] is None:
                raise StoreError("nothing to undo: this is the world's first version")
            w = st.sql.world_by_id(self._wid)
            redo = [self._vid] + json.loads(w["redo"]) if int(w["head"]) == self._vid else []
            return self._move_head("undo", int(row["parent"]), redo, author, {"from": int(row["num"])})

    def redo(self, author: str | None = None) -> Version:
        """Re-apply the most recently undone version."""
        st = self.store
        with st.lock:
            w = st.sql.world_by_id(self._wid)
            redo = json.loads(w["redo"]) if int(w["head"]) == self._vid else []
            if not redo:
                raise StoreError("nothing to redo")
            target = int(redo[0])
            if st.sql.version(target)["parent"] != self._vid:
                raise StoreError("nothing to redo (the redo list does not continue from this version)")
            return self._move_head("redo", target, redo[1:], author)

    def checkout(self, version, author: str | None = None) -> Version:
        """Make ``version`` (number, 'v12', tag, 'head~N') the head. Later edits branch from it; the
        versions after it stay in the history (``history(all_versions=True)``)."""
        st = self.store
        with st.lock:
            w = st.sql.world_by_id(self._wid)
            row = st.sql.resolve(w, version)
            return self._move_head("checkout", int(row["id"]), [], author, {"to": int(row["num"])})

    def tag(self, name: str, version=None, author: str | None = None) -> Version:
        """Name a version (default: this handle's). Re-using a tag name moves it."""
        check_name(name, "tag")
        st = self.store
        with st.lock, db.transaction(st.con):
            w = st.sql.world_by_id(self._wid)
            row = st.sql.resolve(w, version) if version is not None else st.sql.version(self._vid)
            st.sql.set_tag(self._wid, name, row["id"], (author or st.author)[:200])
            st.sql.event(self._wid, "tag", (author or st.author)[:200], row["id"], {"tag": name})
        return self.store.sql.version_record(self.store.sql.version(row["id"]))

    def untag(self, name: str) -> None:
        with self.store.lock:
            if not self.store.sql.delete_tag(self._wid, name):
                raise WorldNotFoundError(f"no tag {name!r}")

    def history(self, all_versions: bool = False) -> list[Version]:
        return self.store.history(self.name, all_versions)

    def events(self, limit: int = 200):
        return self.store.events(self.name, limit)

    # ------------------------------------------------------------------ compaction
    def compact(self, force: bool = False) -> bool:
        """Write a snapshot for this handle's version if it is ``snapshot_every`` or more deltas
        past one (or ``force``). Returns whether a snapshot was written. Call it when idle; it is
        done automatically when a handle opens or closes a world with a long chain."""
        st = self.store
        with st.lock:
            st.sql.world_by_id(self._wid)  # WorldNotFoundError if the world was deleted meanwhile
            row = st.sql.version(self._vid)
            if row["snapshot"] is not None or (not force and int(row["chain"]) < st.snapshot_every):
                return False
            state = self.state
            state.compact_collider()
            mh, nbytes = st.write_snapshot(state)
            st.sql.set_snapshot(self._vid, mh, nbytes)
            st.sql.event(self._wid, "compact", st.author, self._vid, {"snapshot_bytes": nbytes})
            return True

    def close(self) -> None:
        """Compact if due and drop the in-memory arrays."""
        try:
            if self._state is not None:
                self.compact()
        except WorldNotFoundError:
            pass
        finally:
            self._state = None
            self._inverses.clear()

    def __enter__(self) -> "WorldHandle":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
