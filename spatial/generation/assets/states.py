"""Generic states every kind honours after its builder ran (builders handle the specific ones).

* ``snowy`` / ``snow``: upward-facing surfaces turn white (by vertex normal), more on top.
* ``frozen`` / ``icy``: colours shift to pale ice blue; water surfaces become ice (no longer "water").
* ``old`` / ``abandoned`` / ``weathered`` / ``rusty`` / ``dusty``: darker, desaturated, browner.
* ``ruined`` / ``broken`` / ``destroyed`` (architecture only, unless the builder did it): the part
  tops are cut along a jagged noisy line and some pieces drop, so walls read as broken.
* ``dead`` / ``withered`` (vegetation only): foliage turns brown.
* ``autumn`` / ``autumnal`` / ``fall``: foliage turns orange and red.

A builder that renders a state itself calls :func:`handled` so the generic pass skips it.
"""

from __future__ import annotations

import numpy as np

from ...core.labels import label_id
from ..mesh import Part, face_areas, face_normals
from ..noise import fbm

SNOW = np.array([0.93, 0.95, 0.98])
ICE = np.array([0.74, 0.86, 0.95])
VEG = label_id("vegetation")
WATER = label_id("water")
FOLIAGE = ("leaves", "needles", "grass")


def vertex_normals(p: Part) -> np.ndarray:
    fn = face_normals(p.vertices, p.faces) * face_areas(p.vertices, p.faces)[:, None]
    vn = np.zeros_like(p.vertices)
    for k in range(3):
        np.add.at(vn, p.faces[:, k], fn)
    return vn / np.maximum(np.linalg.norm(vn, axis=1, keepdims=True), 1e-12)


def handled(p, *words: str) -> None:
    """Mark states a builder has rendered itself so the generic pass skips them."""
    p.raw.setdefault("_handled", set()).update(words)


def _on(p, *words: str) -> bool:
    done = p.raw.get("_handled", set())
    return any(w in p.state and w not in done for w in words)


def _blend(part: Part, target, w) -> None:
    w = np.clip(np.asarray(w, dtype=np.float64), 0, 1).reshape(-1, 1) if np.ndim(w) else float(np.clip(w, 0, 1))
    part.color = np.clip(part.color * (1 - w) + np.asarray(target, dtype=np.float64) * w, 0, 1)


def _ruin(parts: list[Part], rng: np.random.Generator) -> list[Part]:
    """Cut every part's faces above a jagged height field; drop a few small parts entirely."""
    top = max(float(q.vertices[:, 1].max()) for q in parts)
    if top <= 0.3:
        return parts
    seed = int(rng.integers(0, 2**31))
    out = []
    for q in parts:
        c = q.vertices[q.faces].mean(1)
        cut = top * (0.42 + 0.3 * (0.5 + 0.5 * fbm(c[:, [0, 2]] * 0.6, seed, octaves=3)))
        keep = c[:, 1] < cut
        if keep.sum() == 0:
            continue
        if keep.all() and rng.uniform() < 0.12 and float(q.vertices[:, 1].min()) > 0.2:
            continue  # a fallen piece
        used = np.unique(q.faces[keep])
        remap = -np.ones(len(q.vertices), dtype=np.int64)
        remap[used] = np.arange(len(used))
        nq = Part(q.vertices[used], remap[q.faces[keep]], q.color[used], q.label, q.material, q.collider, q.ao[used], q.density, q.name)
        out.append(nq)
    return out or parts


def apply_states(parts: list[Part], p, category: str, rng: np.random.Generator) -> list[Part]:
    if _on(p, "ruined", "broken", "destroyed", "crumbling", "collapsed") and category == "architecture":
        parts = _ruin(parts, rng)
    if _on(p, "old", "abandoned", "weathered", "rusty", "dusty", "ancient", "derelict"):
        for q in parts:
            g = q.color.mean(1, keepdims=True)
            q.color = np.clip((q.color * 0.55 + g * 0.45) * 0.8 + np.array([0.05, 0.035, 0.01]), 0, 1)
            q.ao = q.ao * 0.9
    if _on(p, "dead", "withered", "leafless"):
        for q in parts:
            if q.label == VEG and q.material in FOLIAGE:
                _blend(q, (0.42, 0.32, 0.18), 0.75)
    if _on(p, "autumn", "autumnal", "fall"):
        for q in parts:
            if q.label == VEG and q.material in FOLIAGE:
                t = np.linspace(0, 1, len(q.vertices)) if len(q.vertices) > 1 else np.zeros(1)
                tint = np.array([0.85, 0.38, 0.10]) * (1 - t[:, None] * 0.3) + np.array([0.75, 0.15, 0.08]) * t[:, None] * 0.3
                _blend(q, tint, 0.8)
    if _on(p, "frozen", "icy", "iced"):
        for q in parts:
            if q.label == WATER:
                q.material = "snow"
                _blend(q, ICE, 0.85)
            else:
                _blend(q, ICE, 0.35)
    if _on(p, "snowy", "snow", "snowcovered", "snow-covered", "frozen"):
        for q in parts:
            if q.material == "emissive":
                continue
            ny = vertex_normals(q)[:, 1]
            _blend(q, SNOW, np.clip((ny - 0.35) * 2.2, 0, 0.92))
    return parts
