"""Edit ops the app builds on the server: inserting primitives and uploaded meshes, and dropping
objects with rigid-body physics. Everything ends as one op of ``spatial.edit`` (docs/edits.md),
applied through the store, so each is one version with its op JSON in the history.

* **insert**: a primitive mesh (written once per shape and colour into the app's asset folder) or
  an uploaded mesh, as an ``insert_mesh`` op placed at the picked point.
* **drop object**: the same insert, released ``DROP_HEIGHT`` above the picked point and simulated
  with :func:`spatial.physics.drop_objects` (pybullet) until it rests on the world's collider; the
  op records the resting pose, so the object appears lying where it landed.
* **drop selection**: the selected splats fall as one rigid body (their collider triangles stay
  out of the static world and move with them); the op is a ``transform`` by the body's pose.

The browser sends other ops (delete, transform, recolor, ...) as JSON itself.
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import numpy as np

from spatial.edit import EditContext, compute_delta, parse_op, parse_selection, resolve_selection
from spatial.edit.mesh_insert import check_textures
from spatial.errors import ValidationError

from .builders import PRIMITIVES, painted, primitive_mesh, splats_from_rows

DROP_HEIGHT = 1.5  # metres above the picked point an object is released from
SPLATS_PER_M2 = 1500.0
MIN_INSERT_SPLATS, MAX_INSERT_SPLATS = 300, 40000
MAX_SIZE = 10.0  # metres: half-width of the largest insert


def _vec3(v, what: str) -> list[float]:
    try:
        out = [float(x) for x in v]
    except (TypeError, ValueError):
        raise ValidationError(f"{what} must be 3 numbers") from None
    if len(out) != 3 or not all(math.isfinite(x) and abs(x) < 1e5 for x in out):
        raise ValidationError(f"{what} must be 3 finite numbers")
    return out


def _size(v) -> float:
    try:
        s = float(v)
    except (TypeError, ValueError):
        raise ValidationError("size must be a number (metres)") from None
    if not (0.02 <= s <= MAX_SIZE):
        raise ValidationError(f"size must be in [0.02, {MAX_SIZE}] m, got {s}")
    return s


def _color(v) -> list[float]:
    c = _vec3(v, "color")
    if not all(0.0 <= x <= 1.0 for x in c):
        raise ValidationError("color must be 3 numbers in [0, 1]")
    return c


def _count(area: float) -> int:
    return int(np.clip(area * SPLATS_PER_M2, MIN_INSERT_SPLATS, MAX_INSERT_SPLATS))


def primitive_asset(assets: Path, kind: str, color) -> Path:
    """The asset file of a unit primitive (half-width 1 m, resting on y = 0) painted ``color``."""
    if kind not in PRIMITIVES:
        raise ValidationError(f"primitive must be one of {', '.join(PRIMITIVES)}, got {kind!r}")
    rgb = _color(color)
    hexa = "".join(f"{round(c * 255):02x}" for c in rgb)
    out = assets / "primitives" / f"{kind}-{hexa}.glb"
    if not out.is_file():
        from spatial.io.atomic import atomic_write

        out.parent.mkdir(parents=True, exist_ok=True)
        data = painted(primitive_mesh(kind, 1.0), rgb).export(file_type="glb")
        with atomic_write(out) as f:
            f.write(data)
    return out


def store_upload(assets: Path, src: Path, suffix: str) -> tuple[Path, bool]:
    """Copy an accepted mesh upload into the asset folder under its content hash.
    Returns (path, whether it is new: the caller removes a new one if the insert fails)."""
    from spatial.io.atomic import atomic_write

    data = src.read_bytes()
    out = assets / "uploads" / f"{hashlib.sha256(data).hexdigest()[:32]}{suffix}"
    if out.is_file():
        return out, False
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(out) as f:
        f.write(data)
    return out, True


def check_mesh_counts(path: Path) -> None:
    """Refuse mesh files whose headers claim more elements than their bytes can hold (an ASCII PLY
    claiming 2e9 vertices, a binary STL claiming 1e9 triangles) before any reader allocates for them."""
    size = path.stat().st_size
    with open(path, "rb") as f:
        head = f.read(65536)
    ext = path.suffix.lower()
    if ext == ".ply":
        end = head.find(b"end_header")
        if end < 0:
            raise ValidationError("the PLY file has no complete header")
        total = 0
        for line in head[:end].decode("ascii", "replace").splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[0] == "element":
                if not parts[2].isdigit():
                    raise ValidationError("the PLY header has a bad element count")
                total += int(parts[2])
        if total * 2 > size:  # every element needs at least one digit and a separator (ASCII), or more (binary)
            raise ValidationError(f"the PLY header claims {total} elements, more than its {size} bytes can hold")
    elif ext == ".stl" and not head.lstrip().startswith(b"solid") and len(head) >= 84:
        n = int(np.frombuffer(head[80:84], "<u4")[0])
        if 84 + 50 * n > size:
            raise ValidationError(f"the STL file claims {n} triangles, more than its {size} bytes can hold")


def _load_upload_mesh(path: Path):
    from spatial.errors import FormatError
    from spatial.world import load_mesh

    check_mesh_counts(path)
    check_textures(path)
    try:
        mesh = load_mesh(path)
    except FormatError as e:
        raise ValidationError(f"cannot read the mesh: {e.problem}") from None
    if len(mesh.vertices) == 0 or len(mesh.faces) == 0:
        raise ValidationError("the mesh has no triangles")
    if not np.isfinite(np.asarray(mesh.vertices)).all():
        raise ValidationError("the mesh has non-finite vertices")
    return mesh


def insert_op(assets: Path, mesh_path: Path, position, size, note: str, seed: int = 0) -> dict:
    """``insert_mesh`` op putting the mesh at ``mesh_path`` on ``position`` (the middle of its base),
    scaled so its largest extent is ``2 * size``."""
    pos, size = _vec3(position, "position"), _size(size)
    mesh = _load_upload_mesh(mesh_path)
    lo, hi = np.asarray(mesh.bounds, np.float64)
    ext = float(np.max(hi - lo))
    if not (ext > 0 and math.isfinite(ext)):
        raise ValidationError("the mesh is empty or flat")
    s = 2.0 * size / ext
    base = np.array([(lo[0] + hi[0]) / 2, lo[1], (lo[2] + hi[2]) / 2])
    t = np.asarray(pos) - s * base
    return parse_op({
        "op": "insert_mesh", "path": str(mesh_path.relative_to(assets)), "scale": s, "translate": t.tolist(),
        "count": _count(float(mesh.area) * s * s), "seed": int(seed), "label": "object", "note": note,
    })


def _quat_wxyz(rot: np.ndarray) -> list[float]:
    import torch

    from spatial.core.rotation import rotmat_to_quat

    return [float(x) for x in rotmat_to_quat(torch.as_tensor(rot, dtype=torch.float64)).reshape(4)]


def _static_collider(state, exclude_faces: np.ndarray | None = None):
    import trimesh

    faces = state.collider_faces
    if exclude_faces is not None and exclude_faces.size:
        keep = np.ones(faces.shape[0], bool)
        keep[exclude_faces] = False
        faces = faces[keep]
    if faces.shape[0] == 0:
        raise ValidationError("this world has no collider to drop onto")
    return trimesh.Trimesh(state.collider_vertices, faces, process=False)


def _simulate(collider, splats):
    """Drop ``splats`` as one rigid body onto ``collider``: (R, T) with new = R @ old + T."""
    from spatial.physics import drop_objects

    res = drop_objects(collider, splats, [np.arange(len(splats))])
    if bool(res.fell_through[0]):
        raise ValidationError("the object fell through the world: there is no ground below it")
    return res.rotations[0], res.translations[0]


def drop_insert_op(state, ctx: EditContext, op: dict) -> dict:
    """The ``insert_mesh`` op ``op`` (placed at the picked point) released ``DROP_HEIGHT`` higher and
    simulated until it rests: the returned op inserts the mesh at its resting pose."""
    up = dict(op)
    up["translate"] = [op["translate"][0], op["translate"][1] + DROP_HEIGHT, op["translate"][2]]
    falling = compute_delta(state, parse_op(up), ctx)  # reads the state only
    R, T = _simulate(_static_collider(state), splats_from_rows(falling.added))
    # x -> R (s x + t_up) + T  ==  s R x + (R t_up + T)
    out = dict(op)
    out["rotate"] = {"quat": _quat_wxyz(R)}
    out["translate"] = (R @ np.asarray(up["translate"]) + T).tolist()
    out["note"] = (op.get("note", "") + " (dropped with physics)").strip()
    return parse_op(out)


def drop_selection_op(state, select: dict) -> dict:
    """A ``transform`` op moving the selected splats (and their collider triangles) to where they
    come to rest when they fall as one rigid body."""
    from spatial.edit.collider import collider_faces_for

    sel = parse_selection(select)
    res = resolve_selection(state, sel)
    if len(res) < 4:
        raise ValidationError("select at least 4 splats to drop")
    moving_faces = collider_faces_for(state, res)
    R, T = _simulate(_static_collider(state, moving_faces), splats_from_rows(state.table.rows(res.ids)))
    return parse_op({"op": "transform", "select": sel, "rotate": {"quat": _quat_wxyz(R)}, "translate": T.tolist(),
                     "pivot": "origin", "note": "dropped with physics"})
