"""A World: splats + collider mesh + spawn + labels legend + metadata, stored as a folder.

World folder layout (format ``spatial.world`` version 1, documented in docs/world-format.md)::

    world.json     metadata: name, prompt, spec, seed, generator, spawn, labels legend, cameras
    splats.ply     the splats (or splats.spz / splats.glb); per-splat labels as a PLY ``label`` property
    collider.glb   static collider triangle mesh (exact procedural geometry when generated)
    preview.png    a rendered preview image (optional)
    labels.bin     per-splat labels when the splat format has no label field (SPZ): raw little-endian uint8/uint16

Folders are written atomically (a crash leaves the old folder or the new one).
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from .core.camera import Camera
from .core.labels import DEFAULT_LEGEND
from .core.splats import Splats
from .errors import FormatError, ValidationError

WORLD_FORMAT = "spatial.world"
WORLD_VERSION = 1
MAX_WORLD_JSON_BYTES = 16 * 1024 * 1024
SPLAT_FILES = {"ply": "splats.ply", "spz": "splats.spz", "glb": "splats.glb"}
#: splat formats that carry per-splat labels themselves; the others get a ``labels.bin`` sidecar
LABELED_FORMATS = {"ply", "glb"}
LABELS_FILE = "labels.bin"
LABEL_DTYPES = {"uint8": "<u1", "uint16": "<u2"}


@dataclass
class Spawn:
    """Where a walker starts: feet position on walkable ground (world frame) and heading."""

    position: tuple[float, float, float] = (0.0, 0.0, 0.0)
    yaw_deg: float = 0.0  # 0 looks along -Z (three.js default), positive turns left (counter-clockwise seen from +Y)

    def to_dict(self) -> dict:
        return {"position": [float(v) for v in self.position], "yaw_deg": float(self.yaw_deg)}

    @classmethod
    def from_dict(cls, d: dict) -> "Spawn":
        pos = d.get("position", [0, 0, 0])
        if len(pos) != 3 or not all(math.isfinite(float(v)) for v in pos):
            raise ValidationError(f"spawn position must be 3 finite numbers, got {pos!r}")
        return cls(tuple(float(v) for v in pos), float(d.get("yaw_deg", 0.0)))


@dataclass
class World:
    splats: Splats
    collider: Any = None  # trimesh.Trimesh or None
    spawn: Spawn = field(default_factory=Spawn)
    name: str = "world"
    prompt: str = ""
    spec: dict | None = None
    seed: int | None = None
    generator: dict = field(default_factory=dict)
    labels: dict[int, str] = field(default_factory=lambda: dict(DEFAULT_LEGEND))
    cameras: list[Camera] = field(default_factory=list)
    metadata: dict = field(default_factory=dict)
    preview: np.ndarray | None = None  # HxWx3 uint8

    # ------------------------------------------------------------------ json
    def to_json(self, splat_file: str, has_collider: bool, has_preview: bool, labels_file: dict | None = None) -> dict:
        out = {
            "format": WORLD_FORMAT,
            "version": WORLD_VERSION,
            "name": self.name,
            "prompt": self.prompt,
            "spec": self.spec,
            "seed": self.seed,
            "generator": self.generator,
            "spawn": self.spawn.to_dict(),
            "labels": {str(k): v for k, v in sorted(self.labels.items())},
            "cameras": [c.to_dict() for c in self.cameras],
            "metadata": self.metadata,
            "files": {
                "splats": splat_file,
                "collider": "collider.glb" if has_collider else None,
                "preview": "preview.png" if has_preview else None,
            },
            "counts": {"splats": len(self.splats), "sh_degree": self.splats.sh_degree},
            # metadata["created"] = None keeps a world deterministic (generated worlds: same prompt + seed -> same bytes)
            "created": self.metadata["created"] if "created" in self.metadata else datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        if labels_file is not None:
            out["files"]["labels"] = labels_file
        return out

    # ------------------------------------------------------------------ save / load
    def save(self, folder: "str | os.PathLike", splat_format: str = "ply", **options) -> Path:
        """Write the world folder atomically. ``splat_format`` is ply, spz or glb."""
        from .io.atomic import atomic_folder
        from .io.registry import save as save_splats

        if splat_format not in SPLAT_FILES:
            raise ValidationError(f"splat_format must be one of {sorted(SPLAT_FILES)}, got {splat_format!r}")
        folder = Path(folder)
        with atomic_folder(folder) as tmp:
            splat_file = SPLAT_FILES[splat_format]
            save_splats(self.splats, tmp / splat_file, **options)
            labels_file = None
            if splat_format not in LABELED_FORMATS and self.splats.labels is not None:
                labels_file = _write_labels(tmp / LABELS_FILE, self.splats.labels)
            if self.collider is not None and len(getattr(self.collider, "faces", [])) > 0:
                self.collider.export(tmp / "collider.glb")
            if self.preview is not None:
                from PIL import Image

                Image.fromarray(np.asarray(self.preview, dtype=np.uint8)).save(tmp / "preview.png")
            meta = self.to_json(splat_file, self.collider is not None, self.preview is not None, labels_file)
            (tmp / "world.json").write_text(json.dumps(meta, indent=2, sort_keys=True))
        return folder

    @classmethod
    def load(cls, folder: "str | os.PathLike", load_preview: bool = True) -> "World":
        """Read a world folder written by :meth:`save` (or by the store's export)."""
        from .io.json_file import read_json, versioned
        from .io.registry import load as load_splats

        folder = Path(folder)
        meta_path = folder / "world.json"
        if not meta_path.is_file():
            raise FormatError(folder, "not a world folder (no world.json)")
        meta = read_json(meta_path, versioned(WORLD_FORMAT, WORLD_VERSION, "world"), "world.json", MAX_WORLD_JSON_BYTES)
        files = meta.get("files") or {}
        splat_name = files.get("splats") or "splats.ply"
        splat_path = _inside(folder, splat_name)
        splats = load_splats(splat_path)
        if files.get("labels"):
            splats.labels = _read_labels(folder, meta_path, files["labels"], len(splats))
        collider = None
        if files.get("collider"):
            collider = load_mesh(_inside(folder, files["collider"]))
        preview = None
        if load_preview and files.get("preview") and _inside(folder, files["preview"]).is_file():
            from PIL import Image

            with Image.open(_inside(folder, files["preview"])) as im:
                preview = np.asarray(im.convert("RGB"))
        try:
            labels = {int(k): str(v) for k, v in (meta.get("labels") or {}).items()}
            cams = [Camera.from_dict(c) for c in meta.get("cameras") or []]
            spawn = Spawn.from_dict(meta.get("spawn") or {})
        except (TypeError, ValueError) as e:
            raise FormatError(meta_path, f"bad field: {e}") from None
        return cls(
            splats=splats,
            collider=collider,
            spawn=spawn,
            name=str(meta.get("name", folder.name)),
            prompt=str(meta.get("prompt", "")),
            spec=meta.get("spec"),
            seed=meta.get("seed"),
            generator=meta.get("generator") or {},
            labels=labels or dict(DEFAULT_LEGEND),
            cameras=cams,
            metadata=meta.get("metadata") or {},
            preview=preview,
        )

    def __repr__(self) -> str:
        nf = 0 if self.collider is None else len(self.collider.faces)
        return f"World(name={self.name!r}, splats={len(self.splats)}, collider_faces={nf}, spawn={self.spawn.position})"


def _write_labels(path: Path, labels) -> dict:
    """Write per-splat labels as raw little-endian uint8 (ids < 256) or uint16; returns the world.json entry."""
    import torch

    lab = labels.to(torch.int64).numpy() if hasattr(labels, "numpy") else np.asarray(labels, dtype=np.int64)
    if len(lab) and (lab.min() < 0 or lab.max() > 65535):
        raise ValidationError(f"labels must be ids in 0..65535 to be stored in {LABELS_FILE}; got {lab.min()}..{lab.max()}")
    dtype = "uint8" if (len(lab) == 0 or lab.max() < 256) else "uint16"
    path.write_bytes(lab.astype(LABEL_DTYPES[dtype]).tobytes())
    return {"path": path.name, "dtype": dtype, "count": int(len(lab))}


def _read_labels(folder: Path, meta_path: Path, entry, n: int):
    """Read the ``files.labels`` sidecar (see :func:`_write_labels`) as an int32 tensor of ``n`` labels."""
    import torch

    if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
        raise FormatError(meta_path, "files.labels must be an object with a 'path'")
    dtype = entry.get("dtype")
    if dtype not in LABEL_DTYPES:
        raise FormatError(meta_path, f"files.labels.dtype must be one of {sorted(LABEL_DTYPES)}, got {dtype!r}")
    path = _inside(folder, entry["path"])
    if not path.is_file():
        raise FormatError(path, "labels file is missing")
    width = np.dtype(LABEL_DTYPES[dtype]).itemsize
    size = path.stat().st_size
    count = entry.get("count", n)
    if not isinstance(count, int) or isinstance(count, bool) or count != n or size != n * width:
        raise FormatError(path, f"holds {size // width} labels ({dtype}) for {n} splats")
    lab = np.frombuffer(path.read_bytes(), dtype=LABEL_DTYPES[dtype]).astype(np.int32)
    return torch.from_numpy(lab)


def _inside(folder: Path, name: str) -> Path:
    """Resolve ``name`` inside ``folder``; refuse paths that escape it."""
    p = (folder / name).resolve()
    if not p.is_relative_to(folder.resolve()):
        raise FormatError(folder, f"file reference {name!r} escapes the world folder")
    return p


def load_mesh(path: "str | os.PathLike"):
    """Load a triangle mesh file (GLB/OBJ/PLY/STL) as one ``trimesh.Trimesh`` (scene nodes merged)."""
    import trimesh

    path = Path(path)
    if not path.is_file():
        raise FormatError(path, "mesh file is missing")
    try:
        m = trimesh.load(path, force="mesh", process=False)
    except Exception as e:  # trimesh raises many types for bad files
        raise FormatError(path, f"cannot read mesh: {e}") from None
    if not isinstance(m, trimesh.Trimesh):
        raise FormatError(path, "file holds no triangle mesh")
    return m
