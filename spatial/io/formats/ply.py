"""3D Gaussian Splatting PLY (graphdeco-inria layout), binary little-endian and ASCII.

Layout (by property name, any order, extra properties and elements ignored)::

    x y z  [nx ny nz]  f_dc_0..2  [f_rest_0..3K-1]  opacity  scale_0..2  rot_0..3  [label]

* frame RDF (COLMAP/OpenCV), converted to spatial's world frame by flipping x and y;
* ``scale_*`` = ln(sigma), ``opacity`` = logit, ``rot_*`` = (w, x, y, z), not necessarily unit;
* ``f_rest`` is **channel-major**: ``f_rest[c*K + k]`` (K = coefficients per channel, 0/3/8/15);
  degree-4 files (K = 24) are read and truncated to degree 3;
* optional integer ``label``: spatial's per-splat semantic label id.

Binary big-endian files are read too. Writers emit the Inria property order (normals as zeros), binary
little-endian by default or ASCII with ``ascii=True`` (9 significant digits: float32-exact).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from ...core import sh as _sh
from ..atomic import atomic_write
from ..format_spec import SplatFormat, register_format
from ._common import (FLIPS_RDF, build_splats, fail, file_arrays, file_size, guard, mirror_signs, read_bytes,
                      require_finite, write_array)

#: PLY scalar type names -> numpy type codes (without byte order).
PLY_TYPES = {
    "char": "i1", "int8": "i1", "uchar": "u1", "uint8": "u1",
    "short": "i2", "int16": "i2", "ushort": "u2", "uint16": "u2",
    "int": "i4", "int32": "i4", "uint": "u4", "uint32": "u4",
    "float": "f4", "float32": "f4", "double": "f8", "float64": "f8",
}
MAX_HEADER_BYTES = 1 << 20
REQUIRED = ("x", "y", "z", "f_dc_0", "f_dc_1", "f_dc_2", "opacity", "scale_0", "scale_1", "scale_2",
            "rot_0", "rot_1", "rot_2", "rot_3")
_REST = re.compile(r"^f_rest_(\d+)$")


@dataclass
class PlyProperty:
    name: str
    type: str  # numpy code without byte order, e.g. "f4"
    list_types: tuple[str, str] | None = None  # (count type, item type) for list properties


@dataclass
class PlyElement:
    name: str
    count: int
    properties: list[PlyProperty] = field(default_factory=list)

    @property
    def has_lists(self) -> bool:
        return any(p.list_types for p in self.properties)

    def dtype(self, endian: str) -> np.dtype:
        return np.dtype([(p.name, endian + p.type) for p in self.properties])

    def names(self) -> list[str]:
        return [p.name for p in self.properties]


@dataclass
class PlyHeader:
    format: str  # "ascii" | "binary_little_endian" | "binary_big_endian"
    version: str
    elements: list[PlyElement]
    comments: list[str]
    size: int  # bytes up to and including "end_header\n"

    @property
    def endian(self) -> str:
        return ">" if self.format == "binary_big_endian" else "<"

    def element(self, name: str) -> PlyElement | None:
        for e in self.elements:
            if e.name == name:
                return e
        return None


def sniff_ply(head: bytes) -> bool:
    return head.startswith(b"ply\n") or head.startswith(b"ply\r\n")


def parse_header(path, data: bytes) -> PlyHeader:
    """Parse a PLY header from the start of ``data`` (the whole file or enough of its beginning)."""
    if not sniff_ply(data[:5]):
        raise fail(path, "not a PLY file (missing 'ply' magic line)")
    end = data.find(b"end_header", 0, MAX_HEADER_BYTES)
    if end < 0:
        raise fail(path, "PLY header has no 'end_header' line within the first 1 MiB (truncated or not a PLY file)")
    stop = data.find(b"\n", end)
    if stop < 0:
        raise fail(path, "PLY header is truncated after 'end_header'")
    text = data[:end].decode("ascii", errors="strict") if data[:end].isascii() else None
    if text is None:
        raise fail(path, "PLY header contains non-ASCII bytes")
    lines = [ln.strip() for ln in text.replace("\r", "").split("\n")]
    fmt = version = None
    elements: list[PlyElement] = []
    comments: list[str] = []
    for ln in lines[1:]:
        if not ln:
            continue
        parts = ln.split()
        key = parts[0]
        if key in ("comment", "obj_info"):
            comments.append(ln[len(key):].strip())
        elif key == "format":
            if len(parts) != 3 or parts[1] not in ("ascii", "binary_little_endian", "binary_big_endian"):
                raise fail(path, f"unsupported PLY format line {ln!r}")
            fmt, version = parts[1], parts[2]
            if version != "1.0":
                raise fail(path, f"unsupported PLY version {version!r} (only 1.0 exists)")
        elif key == "element":
            if len(parts) != 3 or not parts[2].isdigit():
                raise fail(path, f"bad PLY element line {ln!r}")
            elements.append(PlyElement(parts[1], int(parts[2])))
        elif key == "property":
            if not elements:
                raise fail(path, f"PLY property before any element: {ln!r}")
            if len(parts) == 5 and parts[1] == "list":
                ct, it = parts[2], parts[3]
                if ct not in PLY_TYPES or it not in PLY_TYPES:
                    raise fail(path, f"unknown PLY property type in {ln!r}")
                elements[-1].properties.append(PlyProperty(parts[4], PLY_TYPES[it], (PLY_TYPES[ct], PLY_TYPES[it])))
            elif len(parts) == 3:
                if parts[1] not in PLY_TYPES:
                    raise fail(path, f"unknown PLY property type {parts[1]!r} in {ln!r}")
                elements[-1].properties.append(PlyProperty(parts[2], PLY_TYPES[parts[1]]))
            else:
                raise fail(path, f"bad PLY property line {ln!r}")
        else:
            raise fail(path, f"unknown PLY header keyword {key!r}")
    if fmt is None:
        raise fail(path, "PLY header has no 'format' line")
    for e in elements:
        names = e.names()
        if len(set(names)) != len(names):
            raise fail(path, f"PLY element {e.name!r} repeats a property name")
    return PlyHeader(fmt, version, elements, comments, stop + 1)


def element_offsets(path, header: PlyHeader, target: str, file_bytes: int) -> int:
    """Byte offset of binary element ``target``; every element before it must have fixed-size rows.

    Also checks that all elements up to and including ``target`` fit in the file (before allocating)."""
    off = header.size
    for e in header.elements:
        if e.has_lists:
            if e.name == target:
                raise fail(path, f"PLY element {target!r} has list properties; splat files have none")
            raise fail(path, f"PLY element {e.name!r} before {target!r} has list properties (not supported)")
        row = e.dtype(header.endian).itemsize
        if e.name == target:
            if row == 0:
                raise fail(path, f"PLY element {target!r} has no properties")
            from ._common import check_count

            check_count(path, e.count, row, file_bytes - off, what=f"{target} rows")
            return off
        need = e.count * row
        if need > file_bytes - off:
            raise fail(path, f"PLY element {e.name!r} claims {e.count} rows, more than the file holds (truncated?)")
        off += need
    raise fail(path, f"PLY file has no {target!r} element")


def read_element_binary(path, data: bytes, header: PlyHeader, name: str) -> np.ndarray:
    """Structured array view of a binary element (no copy)."""
    el = header.element(name)
    off = element_offsets(path, header, name, len(data))
    return np.frombuffer(data, dtype=el.dtype(header.endian), count=el.count, offset=off)


def read_element_ascii(path, data: bytes, header: PlyHeader, name: str) -> dict[str, np.ndarray]:
    """Columns (float64) of an ASCII element; earlier elements are skipped line by line."""
    skip = 0
    target = None
    for e in header.elements:
        if e.name == name:
            target = e
            break
        skip += e.count
    if target is None:
        raise fail(path, f"PLY file has no {name!r} element")
    if target.has_lists:
        raise fail(path, f"PLY element {name!r} has list properties; splat files have none")
    nprop = len(target.properties)
    body = data[header.size:]
    # Each value needs at least one digit and one separator: refuse impossible counts before parsing.
    from ._common import check_count

    check_count(path, target.count, 2 * max(nprop, 1) - 0.5, len(body) + 1, what=f"{name} rows")
    if target.count == 0:
        return {p.name: np.zeros(0) for p in target.properties}
    lines = body.split(b"\n", skip + target.count)
    if len(lines) < skip + target.count:
        raise fail(path, f"ASCII PLY ends before the {target.count} {name} rows the header claims (truncated)")
    rows = b"\n".join(lines[skip: skip + target.count])
    try:
        arr = np.loadtxt(io.BytesIO(rows), dtype=np.float64, ndmin=2, comments=None)
    except ValueError as e:
        raise fail(path, f"ASCII PLY {name} rows do not parse as numbers ({e})") from None
    if arr.shape != (target.count, nprop):
        raise fail(path, f"ASCII PLY {name} rows have {arr.shape[1] if arr.ndim == 2 else '?'} values, expected {nprop}")
    return {p.name: arr[:, i] for i, p in enumerate(target.properties)}


def _rest_layout(path, names: list[str]) -> list[str]:
    rest = sorted((int(m.group(1)) for n in names if (m := _REST.match(n))))
    if not rest:
        return []
    if rest != list(range(len(rest))):
        raise fail(path, f"f_rest_* properties are not numbered 0..{len(rest) - 1} without gaps")
    if len(rest) % 3 or (len(rest) // 3) not in (3, 8, 15, 24):
        raise fail(path, f"{len(rest)} f_rest_* properties is not an SH degree 1..4 layout (9, 24, 45 or 72)")
    return [f"f_rest_{i}" for i in rest]


def _vertex_header(path, header: PlyHeader) -> tuple[PlyElement, list[str], int]:
    el = header.element("vertex")
    if el is None:
        raise fail(path, "PLY file has no 'vertex' element")
    names = el.names()
    missing = [n for n in REQUIRED if n not in names]
    if missing:
        raise fail(path, f"not a 3D Gaussian splat PLY: vertex element lacks {', '.join(missing)}")
    rest = _rest_layout(path, names)
    k = len(rest) // 3
    degree = {0: 0, 3: 1, 8: 2, 15: 3, 24: 4}[k]
    return el, rest, degree


#: Rows decoded per chunk: the chunk buffer stays in cache and the whole file is never held in memory.
CHUNK_BYTES = 4 << 20


class _VertexDecoder:
    """Fills the output arrays from row blocks of the vertex element (binary chunks or ASCII columns)."""

    def __init__(self, el: PlyElement, rest: list[str], degree: int):
        self.names = el.names()
        n = el.count
        k_file = len(rest) // 3
        self.k = k = _sh.num_coeffs(degree) - 1
        self.means = np.empty((n, 3), np.float32)
        self.quats = np.empty((n, 4), np.float32)
        self.log_scales = np.empty((n, 3), np.float32)
        self.logit = np.empty(n, np.float32)
        self.sh = torch.empty((n, k + 1, 3), dtype=torch.float32)
        self.has_label = "label" in self.names
        self.labels = np.empty(n, np.float64) if self.has_label else None
        self.rest_names = [f"f_rest_{c * k_file + j}" for c in range(3) for j in range(k)]
        # SH sign flip of the RDF -> spatial conversion (Splats.mirror's own signs), fused into the copy
        self.signs = mirror_signs(FLIPS_RDF, degree)[2][1:].copy()
        self.sh_np = self.sh.numpy()
        self.idx = {nm: i for i, nm in enumerate(self.names)}

    def _cols(self, table: np.ndarray, nms: list[str]) -> np.ndarray:
        """Columns of a [rows, P] table: a strided view when adjacent in the file (usual), else a gather."""
        ii = [self.idx[m] for m in nms]
        if ii == list(range(ii[0], ii[0] + len(ii))):
            return table[:, ii[0]: ii[0] + len(ii)]
        return table[:, ii]

    def table_rows(self, a: int, table: np.ndarray) -> None:
        """Rows ``a..a+len(table)`` from a float32 [rows, P] table."""
        b = a + table.shape[0]
        c = lambda nms: self._cols(table, nms)  # noqa: E731
        self.means[a:b] = c(["x", "y", "z"])
        self.quats[a:b] = c(["rot_0", "rot_1", "rot_2", "rot_3"])
        self.log_scales[a:b] = c(["scale_0", "scale_1", "scale_2"])
        self.logit[a:b] = table[:, self.idx["opacity"]]
        self.sh_np[a:b, 0, :] = c(["f_dc_0", "f_dc_1", "f_dc_2"])
        if self.k:  # channel-major in the file -> [N, K, 3], with the frame's SH signs, one pass per channel
            k = self.k
            for ch in range(3):
                np.multiply(c(self.rest_names[ch * k: (ch + 1) * k]), self.signs, out=self.sh_np[a:b, 1:, ch])
        if self.has_label:
            self.labels[a:b] = table[:, self.idx["label"]]

    def record_rows(self, a: int, rec: np.ndarray) -> None:
        """Rows from a structured array (any property types or byte order)."""
        m = rec.shape[0]
        table = np.empty((m, len(self.names)), np.float32)
        for i, nm in enumerate(self.names):
            table[:, i] = rec[nm]
        if self.has_label:  # keep integer labels exact beyond float32's 2^24
            self.labels[a: a + m] = rec["label"]
        lab, self.has_label = self.has_label, False
        self.table_rows(a, table)
        self.has_label = lab


def _read_binary(path: Path, header: PlyHeader, el: PlyElement, dec: _VertexDecoder) -> None:
    size = file_size(path)
    off = element_offsets(path, header, "vertex", size)  # checks the count against the file size first
    dtype = el.dtype(header.endian)
    row = dtype.itemsize
    fast = all(p.type == "f4" for p in el.properties) and header.endian == "<"
    rows_per = max(1, CHUNK_BYTES // row)
    buf = np.empty(min(el.count, rows_per) * row, dtype=np.uint8)
    with open(path, "rb") as f:
        f.seek(off)
        for a in range(0, el.count, rows_per):
            m = min(rows_per, el.count - a)
            view = memoryview(buf)[: m * row]
            if f.readinto(view) != m * row:
                raise fail(path, f"PLY file ends inside vertex row {a} (truncated)")
            if fast:
                dec.table_rows(a, buf[: m * row].view("<f4").reshape(m, len(el.properties)))
            else:
                dec.record_rows(a, np.frombuffer(buf, dtype=dtype, count=m))


@guard("PLY")
def read(path: Path):
    from ..format_spec import MAX_FILE_BYTES

    path = Path(path)
    size = file_size(path)
    if size > MAX_FILE_BYTES:
        raise fail(path, f"file is {size} bytes, over the {MAX_FILE_BYTES}-byte limit (SPATIAL_MAX_FILE_BYTES)")
    with open(path, "rb") as f:
        header = parse_header(path, f.read(MAX_HEADER_BYTES + 16))
    el, rest, file_degree = _vertex_header(path, header)
    if header.format == "ascii":
        cols = read_element_ascii(path, read_bytes(path), header, "vertex")  # checks the count first
        dec = _VertexDecoder(el, rest, min(file_degree, 3))
        if el.count:
            names = dec.names
            table = np.stack([cols[nm] for nm in names], 1).astype(np.float32)
            if dec.has_label:
                dec.labels[:] = cols["label"]
            lab, dec.has_label = dec.has_label, False
            dec.table_rows(0, table)
            dec.has_label = lab
    else:
        element_offsets(path, header, "vertex", size)  # refuses counts the file cannot hold, before allocating
        dec = _VertexDecoder(el, rest, min(file_degree, 3))
        _read_binary(path, header, el, dec)
    labels = None
    if dec.has_label:
        lab = dec.labels
        require_finite(path, "label", lab)
        if lab.size and (np.any(lab != np.round(lab)) or np.abs(lab).max() > 2**31 - 1):
            raise fail(path, "label property holds values that are not 32-bit integers")
        labels = lab.astype(np.int32)
    return build_splats(path, dec.means, dec.quats, dec.log_scales, dec.logit, dec.sh, FLIPS_RDF, labels,
                        sh_flipped=True)


def write(splats, path, ascii: bool = False, **options) -> None:
    """Write an Inria 3DGS PLY (binary little-endian, or ASCII with ``ascii=True``)."""
    if options:
        raise fail(path, f"unknown PLY write option(s): {', '.join(sorted(options))} (known: ascii)")
    a = file_arrays(path, splats, FLIPS_RDF)
    n = len(a)
    k = a.sh.shape[1] - 1
    names = ["x", "y", "z", "nx", "ny", "nz", "f_dc_0", "f_dc_1", "f_dc_2"]
    names += [f"f_rest_{i}" for i in range(3 * k)]
    names += ["opacity", "scale_0", "scale_1", "scale_2", "rot_0", "rot_1", "rot_2", "rot_3"]
    nf = len(names)
    table = np.zeros((n, nf), dtype=np.float32)
    table[:, 0:3] = a.means
    table[:, 6:9] = a.sh[:, 0, :]
    if k:
        table[:, 9: 9 + 3 * k] = a.sh[:, 1:, :].transpose(0, 2, 1).reshape(n, 3 * k)
    o = 9 + 3 * k
    table[:, o] = a.logit_opacities
    table[:, o + 1: o + 4] = a.log_scales
    table[:, o + 4: o + 8] = a.quats
    has_label = a.labels is not None
    header = ["ply", f"format {'ascii' if ascii else 'binary_little_endian'} 1.0",
              "comment generated by spatial (https://github.com/spatial-worlds/spatial); frame RDF (COLMAP/3DGS)",
              f"element vertex {n}"]
    header += [f"property float {nm}" for nm in names]
    if has_label:
        header.append("property int label")
    header.append("end_header")
    head = ("\n".join(header) + "\n").encode("ascii")
    with atomic_write(path) as f:
        f.write(head)
        if ascii:
            if n:
                buf = io.StringIO()
                if has_label:
                    mixed = np.concatenate([table.astype(np.float64), a.labels[:, None].astype(np.float64)], 1)
                    np.savetxt(buf, mixed, fmt=["%.9g"] * nf + ["%d"])
                else:
                    np.savetxt(buf, table, fmt="%.9g")
                f.write(buf.getvalue().encode("ascii"))
        elif has_label:
            raw = np.empty((n, nf + 1), dtype="<u4")
            raw[:, :nf] = table.view("<u4")
            raw[:, nf] = a.labels.astype("<i4").view("<u4")
            write_array(f, raw)
        else:
            write_array(f, table)


@guard("PLY")
def inspect(path: Path) -> dict:
    path = Path(path)
    with open(path, "rb") as f:
        head = f.read(MAX_HEADER_BYTES + 16)
    header = parse_header(path, head)
    el, rest, degree = _vertex_header(path, header)
    size = file_size(path)
    if header.format != "ascii":
        element_offsets(path, header, "vertex", size)
    else:
        from ._common import check_count

        check_count(path, el.count, 2 * len(el.properties) - 0.5, size - header.size + 1, what="vertex rows")
    return {
        "format": "ply",
        "version": f"{header.format} {header.version}",
        "encoding": header.format,
        "count": el.count,
        "sh_degree": degree,
        "frame": "RDF (COLMAP/3DGS; converted to spatial's +Y-up frame on read)",
        "properties": el.names(),
        "has_labels": "label" in el.names(),
        "comments": header.comments,
    }


def sniff(head: bytes, path) -> bool:
    if not sniff_ply(head):
        return False
    # The compressed (chunked) layout is a different format.
    return not (b"packed_position" in head and b"element chunk" in head)


FORMAT = register_format(
    SplatFormat(
        name="ply",
        extensions=(".ply",),
        sniff=sniff,
        read=read,
        write=write,
        inspect=inspect,
        description="3D Gaussian Splatting PLY (Inria layout; binary little-endian or ASCII; SH 0..3; optional label)",
        write_options={"ascii": "write ASCII instead of binary little-endian (default False)"},
    )
)
