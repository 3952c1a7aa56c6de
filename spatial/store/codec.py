"""Binary encodings the store controls (never pickle).

**Delta objects** (one file per version) use a small container::

    b"SPTLDLT1"            8 bytes magic
    codec                  1 byte: 0 raw, 1 zstd
    7 zero bytes
    body (raw or one zstd frame):
        u64 LE header length, header JSON (utf-8), zero padding to 16 bytes,
        array payloads at the offsets the header gives

The header is at most :data:`MAX_HEADER_BYTES` (the writer refuses more; deltas written before the
limits existed, up to :data:`~spatial.edit.limits.LEGACY_MAX_HEADER_BYTES`, still open and are reported by
``spatial worlds check`` for ``--repair``). The op that made a delta is in its header in its stored form
(:func:`spatial.edit.limits.stored_op`): long ``ids`` lists are one array (``op.ids``) in the body.

The header lists every array as ``{"name", "dtype", "shape", "offset", "nbytes"}`` with dtype from a
fixed allowlist of little-endian numeric types; everything is bounds-checked before
``numpy.frombuffer``.

**Snapshots** store each splat column as raw little-endian chunks of :data:`CHUNK_ROWS` rows in
content-addressed object files (so snapshots of related versions share their unchanged chunks), plus
a JSON manifest (itself an object) naming the chunks, the collider arrays and the world metadata.
"""

from __future__ import annotations

import json
import struct
from typing import Any

import numpy as np

from ..edit.delta import Delta
from ..edit.errors import EditError
from ..edit.limits import LEGACY_MAX_HEADER_BYTES, MAX_HEADER_BYTES, OP_IDS_ARRAY, expanded_op, stored_op
from ..edit.state import DTYPES, FIELDS, SplatTable, WorldState
from .errors import StoreCorruptError

MAGIC = b"SPTLDLT1"
ALLOWED_DTYPES = {"<f4", "<f8", "<i4", "<i8", "<u4", "<u1", "<u2", "<i2"}
MAX_ARRAYS = 64
MAX_DECODED_BYTES = 8 * 1024**3
#: rows per snapshot chunk. 16,384 rows keep an SH-degree-3 chunk at 3 MiB: a compaction after edits
#: that touch a few splats rewrites a few 3 MiB chunks, not 12 MiB ones (1.3 % of a 1M-splat world
#: instead of 5.4 %). Readers take the row count from each manifest, so older snapshots stay readable.
CHUNK_ROWS = 16384
SNAPSHOT_FORMAT = "spatial.store.snapshot"
SNAPSHOT_VERSION = 1


# ---------------------------------------------------------------------- array container
def encode_arrays(arrays: dict[str, np.ndarray], meta: dict[str, Any], compress: bool = True) -> bytes:
    entries = []
    offset = 0
    payload = []
    for name, a in arrays.items():
        a = np.ascontiguousarray(a)
        dt = a.dtype.newbyteorder("<") if a.dtype.byteorder == ">" else a.dtype
        a = a.astype(dt, copy=False)
        ds = dt.str
        if ds not in ALLOWED_DTYPES:
            raise ValueError(f"dtype {ds} not allowed in a store container")
        entries.append({"name": name, "dtype": ds, "shape": list(a.shape), "offset": offset, "nbytes": a.nbytes})
        payload.append(a.tobytes())
        pad = (-a.nbytes) % 16
        if pad:
            payload.append(b"\0" * pad)
        offset += a.nbytes + pad
    header = json.dumps({"arrays": entries, "meta": meta}, separators=(",", ":"), allow_nan=False).encode()
    if len(header) > MAX_HEADER_BYTES:
        raise EditError(f"this change needs {len(header)} bytes of metadata, over the store's limit of {MAX_HEADER_BYTES}")
    head = struct.pack("<Q", len(header)) + header
    head += b"\0" * ((-len(head)) % 16)
    body = head + b"".join(payload)
    if compress:
        import zstandard

        return MAGIC + b"\x01" + b"\0" * 7 + zstandard.ZstdCompressor(level=3).compress(body)
    return MAGIC + b"\x00" + b"\0" * 7 + body


def _body(data: bytes, what: str) -> bytes:
    if len(data) < 16 or data[:8] != MAGIC:
        raise StoreCorruptError(f"{what}: not a spatial store container")
    codec = data[8]
    if codec == 1:
        import zstandard

        try:
            body = zstandard.ZstdDecompressor().decompress(data[16:], max_output_size=MAX_DECODED_BYTES)
        except zstandard.ZstdError as e:
            raise StoreCorruptError(f"{what}: bad compressed data: {e}") from None
    elif codec == 0:
        body = data[16:]
    else:
        raise StoreCorruptError(f"{what}: unknown codec {codec}")
    if len(body) < 8:
        raise StoreCorruptError(f"{what}: truncated")
    return body


def header_bytes(data: bytes, what: str = "object") -> int:
    """Length of a container's JSON header (``check`` flags deltas over :data:`MAX_HEADER_BYTES`)."""
    return int(struct.unpack_from("<Q", _body(data, what), 0)[0])


def decode_arrays(data: bytes, what: str = "object") -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    body = _body(data, what)
    (hlen,) = struct.unpack_from("<Q", body, 0)
    if hlen > LEGACY_MAX_HEADER_BYTES or 8 + hlen > len(body):
        raise StoreCorruptError(f"{what}: bad header length")
    try:
        header = json.loads(body[8 : 8 + hlen])
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise StoreCorruptError(f"{what}: bad header: {e}") from None
    start = 8 + hlen
    start += (-start) % 16
    entries = header.get("arrays") if isinstance(header, dict) else None
    if not isinstance(entries, list) or len(entries) > MAX_ARRAYS:
        raise StoreCorruptError(f"{what}: bad array table")
    out = {}
    for e in entries:
        try:
            name, ds, shape, off, nb = e["name"], e["dtype"], e["shape"], int(e["offset"]), int(e["nbytes"])
        except (KeyError, TypeError, ValueError):
            raise StoreCorruptError(f"{what}: bad array entry") from None
        if ds not in ALLOWED_DTYPES or not isinstance(shape, list) or not all(isinstance(s, int) and s >= 0 for s in shape):
            raise StoreCorruptError(f"{what}: bad dtype/shape for {name!r}")
        dt = np.dtype(ds)
        if int(np.prod(shape, dtype=np.int64)) * dt.itemsize != nb or off < 0 or start + off + nb > len(body):
            raise StoreCorruptError(f"{what}: array {name!r} does not fit the data")
        out[str(name)] = np.frombuffer(body, dtype=dt, count=nb // dt.itemsize, offset=start + off).reshape(shape)
    return out, header.get("meta") or {}


# ---------------------------------------------------------------------- deltas
def _ids_out(a: np.ndarray) -> np.ndarray:
    return a.astype("<u4") if (a.size == 0 or int(a.max()) < 2**32) else a.astype("<i8")


def encode_delta(d: Delta, op: dict | None = None) -> bytes:
    """The stored form of a delta (and the op that made it). Raises :class:`EditError` (nothing is
    written) if it would not fit the limits the reader holds it to."""
    arrays: dict[str, np.ndarray] = {}
    if op is not None:
        op, op_ids = stored_op(op)
        if op_ids is not None:
            arrays[OP_IDS_ARRAY] = _ids_out(op_ids)
    if d.mod_ids.size:
        arrays["mod_ids"] = _ids_out(d.mod_ids)
        for f, v in d.mod.items():
            arrays[f"mod.{f}"] = v
    if d.removed.size:
        arrays["removed"] = _ids_out(d.removed)
    for f, v in d.added.items():
        arrays[f"added.{f}"] = v
    if d.collider_removed.size:
        arrays["collider_removed"] = _ids_out(d.collider_removed)
    if d.collider_faces.shape[0]:
        arrays["collider_vertices"] = d.collider_vertices.astype("<f8")
        arrays["collider_faces"] = _ids_out(d.collider_faces.reshape(-1)).reshape(-1, 3)
    meta = {"n_before": d.n_before, "faces_before": d.faces_before, "meta": d.meta, "op": op}
    return encode_arrays(arrays, meta)


def delta_op(data: bytes, what: str = "delta") -> dict | None:
    """The op stored with a delta, with its id lists expanded (None if it has none)."""
    arrays, meta = decode_arrays(data, what)
    op = meta.get("op") if isinstance(meta, dict) else None
    if not isinstance(op, dict):
        return None
    ids = arrays.get(OP_IDS_ARRAY)
    try:
        return expanded_op(op, None if ids is None else ids.astype(np.int64))
    except (TypeError, ValueError) as e:
        raise StoreCorruptError(f"{what}: bad stored op: {e}") from None


def decode_delta(data: bytes, what: str = "delta") -> Delta:
    arrays, meta = decode_arrays(data, what)
    try:
        n_before, faces_before = int(meta["n_before"]), int(meta["faces_before"])
        m = meta.get("meta") or {}
        if not isinstance(m, dict):
            raise TypeError
    except (KeyError, TypeError, ValueError):
        raise StoreCorruptError(f"{what}: bad delta header") from None

    def ids(name):
        return arrays[name].astype(np.int64) if name in arrays else np.zeros(0, np.int64)

    mod = {k[4:]: np.array(v) for k, v in arrays.items() if k.startswith("mod.")}
    added = {k[6:]: v for k, v in arrays.items() if k.startswith("added.")}
    for f, v in added.items():
        if f in DTYPES and v.dtype != DTYPES[f]:
            raise StoreCorruptError(f"{what}: added.{f} has dtype {v.dtype}")
    cv = np.array(arrays.get("collider_vertices", np.zeros((0, 3))), np.float64)
    cf = ids("collider_faces").reshape(-1, 3) if "collider_faces" in arrays else np.zeros((0, 3), np.int64)
    d = Delta(n_before=n_before, mod_ids=ids("mod_ids"), mod=mod, removed=ids("removed"), added=added,
              faces_before=faces_before, collider_removed=ids("collider_removed"), collider_vertices=cv,
              collider_faces=cf, meta=m)
    try:
        return d.validate()
    except Exception as e:  # EditError
        raise StoreCorruptError(f"{what}: inconsistent delta: {e}") from None


# ---------------------------------------------------------------------- snapshots
def snapshot_chunks(state: WorldState) -> dict[str, list[tuple[int, int]]]:
    """Row ranges of each column's chunks."""
    n = state.n
    return {f: [(a, min(a + CHUNK_ROWS, n)) for a in range(0, n, CHUNK_ROWS)] for f in FIELDS}


def write_snapshot(state: WorldState, put) -> tuple[str, int]:
    """Store ``state`` as chunk objects + a manifest via ``put(bytes) -> hash``.
    Returns (manifest hash, bytes of the snapshot's objects)."""
    t = state.table
    cols = {}
    total = 0
    for f in FIELDS:
        col = t.col(f)
        hashes = []
        for a in range(0, t.n, CHUNK_ROWS):
            chunk = np.ascontiguousarray(col[a : a + CHUNK_ROWS]).astype(DTYPES[f], copy=False)
            b = memoryview(chunk).cast("B")
            hashes.append(put(b))
            total += b.nbytes
        cols[f] = {"dtype": DTYPES[f].str, "tail": list(t.row_tail(f)), "chunks": hashes}
    collider = None
    if state.collider_faces.shape[0]:
        v = np.ascontiguousarray(state.collider_vertices, dtype="<f8")
        fc = np.ascontiguousarray(state.collider_faces, dtype="<i8")
        collider = {
            "vertices": {"dtype": "<f8", "shape": list(v.shape), "blob": put(memoryview(v).cast("B"))},
            "faces": {"dtype": "<i8", "shape": list(fc.shape), "blob": put(memoryview(fc).cast("B"))},
        }
        total += v.nbytes + fc.nbytes
    manifest = {
        "format": SNAPSHOT_FORMAT,
        "version": SNAPSHOT_VERSION,
        "n": t.n,
        "chunk_rows": CHUNK_ROWS,
        "columns": cols,
        "collider": collider,
        "meta": state.meta,
    }
    mb = json.dumps(manifest, separators=(",", ":"), sort_keys=True, allow_nan=False).encode()
    return put(mb), total + len(mb)


def parse_manifest(data: bytes, what: str = "snapshot") -> dict:
    try:
        m = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise StoreCorruptError(f"{what}: bad manifest JSON: {e}") from None
    if not isinstance(m, dict) or m.get("format") != SNAPSHOT_FORMAT:
        raise StoreCorruptError(f"{what}: not a {SNAPSHOT_FORMAT} manifest")
    if int(m.get("version", 0)) > SNAPSHOT_VERSION:
        raise StoreCorruptError(f"{what}: snapshot version {m.get('version')} is newer than this spatial")
    return m


def manifest_objects(m: dict) -> list[tuple[str, int | None]]:
    """Every object a manifest references, with its expected size when known."""
    out = []
    n, cr = int(m["n"]), int(m["chunk_rows"])
    for f, c in m["columns"].items():
        row_bytes = np.dtype(c["dtype"]).itemsize * int(np.prod(c["tail"], dtype=np.int64))
        for i, h in enumerate(c["chunks"]):
            rows = min(cr, n - i * cr)
            out.append((h, rows * row_bytes))
    if m.get("collider"):
        for k in ("vertices", "faces"):
            e = m["collider"][k]
            out.append((e["blob"], int(np.prod(e["shape"])) * np.dtype(e["dtype"]).itemsize))
    return out


def read_snapshot(m: dict, get) -> WorldState:
    """Rebuild a state from a parsed manifest; ``get(hash, max_bytes) -> bytes`` (hash-verified)."""
    try:
        n, cr = int(m["n"]), int(m["chunk_rows"])
        if n < 0 or cr <= 0:
            raise ValueError
        cols = {}
        for f in FIELDS:
            c = m["columns"][f]
            dt = np.dtype(c["dtype"])
            if c["dtype"] != DTYPES[f].str:
                raise ValueError(f"column {f} dtype {c['dtype']}")
            tail = tuple(int(x) for x in c["tail"])
            if len(c["chunks"]) != (n + cr - 1) // cr:
                raise ValueError(f"column {f} has {len(c['chunks'])} chunks for {n} rows")
            arr = np.empty((n,) + tail, dtype=dt)
            flat = arr.reshape(-1).view(np.uint8) if arr.size else None
            row_bytes = dt.itemsize * int(np.prod(tail, dtype=np.int64))
            for i, h in enumerate(c["chunks"]):
                rows = min(cr, n - i * cr)
                data = get(h, rows * row_bytes)
                if len(data) != rows * row_bytes:
                    raise ValueError(f"chunk {i} of {f} has {len(data)} bytes, expected {rows * row_bytes}")
                flat[i * cr * row_bytes : i * cr * row_bytes + len(data)] = np.frombuffer(data, np.uint8)
            cols[f] = arr
        verts = np.zeros((0, 3), np.float64)
        faces = np.zeros((0, 3), np.int64)
        if m.get("collider"):
            e = m["collider"]["vertices"]
            vb = get(e["blob"], int(np.prod(e["shape"])) * 8)
            verts = np.frombuffer(vb, "<f8").reshape(e["shape"]).astype(np.float64)
            e = m["collider"]["faces"]
            fb = get(e["blob"], int(np.prod(e["shape"])) * 8)
            faces = np.frombuffer(fb, "<i8").reshape(e["shape"]).astype(np.int64)
            if faces.size and (faces.min() < 0 or faces.max() >= verts.shape[0]):
                raise ValueError("collider faces index outside the vertices")
        meta = m.get("meta") or {}
        if not isinstance(meta, dict):
            raise ValueError("meta is not an object")
    except StoreCorruptError:
        raise
    except (KeyError, TypeError, ValueError) as e:
        raise StoreCorruptError(f"snapshot manifest is inconsistent: {e}") from None
    return WorldState(SplatTable(cols, owned=True), verts, faces, meta)
