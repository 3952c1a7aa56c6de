"""Procedural plants: trees (conifer, broadleaf, palm, cactus, dead), bushes, grass clumps, reeds.

Trees are built like a short stochastic L-system interpreted by a turtle: a tapered trunk,
branches that split at random angles, and foliage masses (cone tiers for conifers, noisy
icosphere lobes for broadleaf crowns, arched fronds for palms). Trunks are colliders; foliage
is not (a walker brushes through leaves but not wood).
"""

from __future__ import annotations

import math

import numpy as np

from ...core.labels import label_id
from ..mesh import Part, align_y_to, blob, cylinder, lathe, rot_y
from ..noise import fbm, hash_cells

VEG = label_id("vegetation")


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed & 0x7FFFFFFFFFFFFFFF)


def _shade_by_height(part: Part, lo: float = 0.55) -> Part:
    y = part.vertices[:, 1]
    span = max(float(y.max() - y.min()), 1e-6)
    part.ao = lo + (1 - lo) * np.clip((y - y.min()) / span, 0, 1)
    return part


def _canopy_ao(part: Part, center: np.ndarray, radius: float) -> Part:
    """Darker toward the inside and the bottom of a crown (cheap self-occlusion)."""
    d = np.linalg.norm(part.vertices - center, axis=1) / max(radius, 1e-6)
    low = np.clip((part.vertices[:, 1] - (center[1] - radius)) / (2 * radius), 0, 1)
    part.ao = np.clip(0.35 + 0.45 * np.clip(d, 0, 1) + 0.3 * low, 0.3, 1.0)
    return part


def conifer(height: float, seed: int, foliage, bark, snow: float = 0.0) -> list[Part]:
    r = _rng(seed)
    trunk_r = 0.025 * height + 0.05
    trunk = _shade_by_height(lathe([(trunk_r * 1.3, -0.3), (trunk_r, 0.5), (trunk_r * 0.35, height * 0.92)], bark, VEG, 7, "bark", True, name="trunk"), 0.5)
    tiers = int(r.integers(4, 7))
    parts = [trunk]
    base = height * r.uniform(0.18, 0.28)
    top = height
    width = height * r.uniform(0.20, 0.27)
    segs = 14
    for t in range(tiers):
        f = t / tiers
        y0 = base + (top - base) * f * 0.92
        h = (top - base) / tiers * 1.9
        rad = width * (1 - f * 0.78)
        # drooping cone with a noisy rim: profile (radius, y)
        prof = [(rad, y0 - 0.15 * rad), (rad * 0.55, y0 + h * 0.25), (rad * 0.18, y0 + h * 0.7), (0.0, y0 + h)]
        p = lathe(prof, foliage, VEG, segs, "needles", False, cap_top=False)
        ang = np.arctan2(p.vertices[:, 2], p.vertices[:, 0])
        wob = 1 + 0.22 * fbm(np.stack([np.cos(ang) * 2, np.sin(ang) * 2, np.full_like(ang, t * 3.1)], -1), seed + t, octaves=2)
        p.vertices[:, [0, 2]] *= wob[:, None]
        # underside disc so the tier reads solid from below
        under = lathe([(0.0, y0 - 0.05 * rad), (rad * 0.98, y0 - 0.15 * rad)], foliage * 0.6, VEG, segs, "needles", False, cap_top=False)
        under.vertices[:, [0, 2]] *= np.concatenate([[1.0] * segs, wob[:segs]])[:, None]
        under.faces = under.faces[:, ::-1]
        p.ao = np.clip(0.45 + 0.55 * (np.linalg.norm(p.vertices[:, [0, 2]], axis=1) / max(rad, 1e-6)), 0.4, 1.0) * (0.75 + 0.25 * f)
        under.ao = np.full(len(under.vertices), 0.35)
        if snow > 0:
            up = np.clip((p.vertices[:, 1] - y0) / max(h, 1e-6), 0, 1)
            cover = np.clip(snow * (0.6 + 0.4 * hash_cells(seed + t, np.arange(len(up)), np.zeros(len(up), dtype=np.int64))), 0, 1)
            w = (cover * (0.35 + 0.4 * up))[:, None]
            p.color = p.color * (1 - w) + np.array([0.92, 0.94, 0.97]) * w
        parts += [p, under]
    return parts


def broadleaf(height: float, seed: int, foliage, bark, snow: float = 0.0) -> list[Part]:
    r = _rng(seed)
    trunk_r = 0.03 * height + 0.06
    crown_y = height * r.uniform(0.55, 0.65)
    crown_r = height * r.uniform(0.28, 0.36)
    parts = [_shade_by_height(lathe([(trunk_r * 1.4, -0.3), (trunk_r, 0.6), (trunk_r * 0.7, crown_y)], bark, VEG, 8, "bark", True, name="trunk"), 0.45)]
    # branches: turtle steps from the trunk top toward lobe centres
    n_lobes = int(r.integers(4, 8))
    centers = []
    for i in range(n_lobes):
        a = 2 * math.pi * i / n_lobes + r.uniform(-0.4, 0.4)
        rr = crown_r * r.uniform(0.35, 0.7)
        c = np.array([math.cos(a) * rr, crown_y + crown_r * r.uniform(0.1, 0.8), math.sin(a) * rr])
        centers.append(c)
        d = c - np.array([0, crown_y * 0.92, 0])
        L = float(np.linalg.norm(d))
        br = cylinder(trunk_r * 0.45, trunk_r * 0.2, L, bark, VEG, 5, "bark", False, cap_top=False)
        parts.append(br.transformed(align_y_to(d), (0, crown_y * 0.92, 0)))
    centers.append(np.array([0, crown_y + crown_r * 1.0, 0]))
    top_center = np.array([0, crown_y + crown_r * 0.5, 0])
    for k, c in enumerate(centers):
        lr = crown_r * r.uniform(0.5, 0.72)
        lobe = blob(lr, foliage, VEG, seed + 17 * k, 0.35, 2, "leaves", squash=(1.0, 0.8, 1.0)).transformed(translation=c)
        _canopy_ao(lobe, top_center, crown_r * 1.3)
        if snow > 0:
            up = np.clip(lobe.vertices[:, 1] - c[1], 0, None) / lr
            w = np.clip(snow * up * 0.8, 0, 0.8)[:, None]
            lobe.color = lobe.color * (1 - w) + np.array([0.92, 0.94, 0.97]) * w
        parts.append(lobe)
    return parts


def palm(height: float, seed: int, foliage, bark) -> list[Part]:
    r = _rng(seed)
    lean = r.uniform(0.08, 0.2)
    segs = 6
    pts = [np.array([0.0, 0.0, 0.0])]
    for i in range(1, segs + 1):
        t = i / segs
        pts.append(np.array([lean * height * t * t, height * t, 0.0]))
    parts = []
    for i in range(segs):
        d = pts[i + 1] - pts[i]
        rad = 0.18 - 0.07 * i / segs
        parts.append(cylinder(rad, rad * 0.92, float(np.linalg.norm(d)) * 1.02, bark, VEG, 7, "bark", True, cap_top=False).transformed(align_y_to(d), pts[i]))
    top = pts[-1]
    n_fronds = int(r.integers(7, 11))
    for k in range(n_fronds):
        a = 2 * math.pi * k / n_fronds + r.uniform(-0.2, 0.2)
        length = height * r.uniform(0.35, 0.48)
        n_seg = 6
        s = np.linspace(0, 1, n_seg + 1)
        # arched spine, then a leaf of varying width either side
        spine = np.stack([s * length, 0.35 * length * np.sin(s * math.pi * 0.8) - 0.55 * length * s**2, np.zeros_like(s)], -1)
        width = 0.5 * np.sin(s * math.pi) * (0.35 + 0.2 * r.uniform())
        left = spine + np.stack([np.zeros_like(s), -0.05 * width, width], -1)
        right = spine + np.stack([np.zeros_like(s), -0.05 * width, -width], -1)
        v = np.concatenate([left, spine + [0, 0.04, 0], right])
        m = n_seg + 1
        f = []
        for i in range(n_seg):
            f += [[i, m + i, m + i + 1], [i, m + i + 1, i + 1], [m + i, 2 * m + i, 2 * m + i + 1], [m + i, 2 * m + i + 1, m + i + 1]]
        leaf = Part(v, np.array(f)[:, ::-1], foliage, VEG, "leaves", False)
        leaf.ao = np.concatenate([0.6 + 0.4 * s, 0.75 + 0.25 * s, 0.6 + 0.4 * s])
        parts.append(leaf.transformed(rot_y(a), top))
        parts.append(Part(leaf.vertices, leaf.faces[:, ::-1], foliage * 0.8, VEG, "leaves", False, ao=leaf.ao * 0.7).transformed(rot_y(a), top - [0, 0.02, 0]))
    return parts


def cactus(height: float, seed: int, green) -> list[Part]:
    r = _rng(seed)
    rad = 0.12 + 0.04 * height
    prof = [(rad * 0.9, -0.2), (rad, 0.3), (rad, height - rad), (rad * 0.6, height - rad * 0.3), (0.0, height)]
    parts = [lathe(prof, green, VEG, 10, "plain", True, cap_top=False, name="cactus")]
    for k in range(int(r.integers(1, 3))):
        a = r.uniform(0, 2 * math.pi)
        y = height * r.uniform(0.35, 0.6)
        out = rad * 2.6
        arm_h = height * r.uniform(0.25, 0.4)
        ar = rad * 0.7
        horiz = cylinder(ar, ar, out, green, VEG, 8, "plain", True, cap_top=False).transformed(align_y_to([1, 0.15, 0]), (0, y, 0))
        up = lathe([(ar, 0), (ar, arm_h - ar), (ar * 0.5, arm_h - ar * 0.3), (0, arm_h)], green, VEG, 8, "plain", True, cap_top=False)
        up = up.transformed(translation=(out, y + 0.15 * out - 0.05, 0))
        parts += [p.transformed(rot_y(a)) for p in (horiz, up)]
    for p in parts:
        ang = np.arctan2(p.vertices[:, 2], p.vertices[:, 0])
        p.ao = 0.8 + 0.2 * np.cos(ang * 12)  # ribs
    return parts


def dead_tree(height: float, seed: int, bark, moss=None) -> list[Part]:
    """Bare trunk with two levels of branches (swamp cypress / canyon snag)."""
    r = _rng(seed)
    tr = 0.04 * height + 0.08
    parts = [_shade_by_height(lathe([(tr * 2.0, -0.3), (tr * 1.2, 0.8), (tr * 0.5, height)], bark, VEG, 8, "bark", True, name="trunk"), 0.5)]
    for k in range(int(r.integers(4, 7))):
        y = height * r.uniform(0.4, 0.9)
        d = np.array([math.cos(a := r.uniform(0, 2 * math.pi)), r.uniform(0.3, 1.0), math.sin(a)])
        L = height * r.uniform(0.2, 0.4)
        parts.append(cylinder(tr * 0.4, tr * 0.1, L, bark, VEG, 5, "bark", False, cap_top=False).transformed(align_y_to(d), (0, y, 0)))
        if moss is not None:
            tip = np.array([0, y, 0]) + d / np.linalg.norm(d) * L * 0.8
            parts.append(blob(L * 0.25, moss, VEG, seed + k, 0.4, 1, "leaves", squash=(0.8, 1.6, 0.8)).transformed(translation=tip - [0, L * 0.25, 0]))
    return parts


def tree(kind: str, height: float, seed: int, colors: dict, snow: float = 0.0) -> list[Part]:
    """A tree of ``kind`` (conifer, broadleaf, palm, cactus, dead) about ``height`` metres tall."""
    if kind == "conifer":
        return conifer(height, seed, colors["conifer"], colors["bark"], snow)
    if kind == "palm":
        return palm(height, seed, colors["foliage"], colors["bark"] * 1.3)
    if kind == "cactus":
        return cactus(height, seed, np.array([0.30, 0.45, 0.22]))
    if kind == "dead":
        return dead_tree(height, seed, colors["bark"] * 0.9, colors.get("moss"))
    return broadleaf(height, seed, colors["foliage"], colors["bark"], snow)


def bush(size: float, seed: int, color, snow: float = 0.0) -> list[Part]:
    r = _rng(seed)
    parts = []
    for k in range(int(r.integers(1, 4))):
        off = np.array([r.uniform(-0.4, 0.4) * size, size * 0.35, r.uniform(-0.4, 0.4) * size])
        b = blob(size * r.uniform(0.45, 0.65), color, VEG, seed + k, 0.35, 2, "leaves", squash=(1.0, 0.7, 1.0)).transformed(translation=off)
        _canopy_ao(b, off + [0, size * 0.2, 0], size * 0.8)
        if snow > 0:
            w = np.clip(snow * (b.vertices[:, 1] - off[1]) / size * 1.5, 0, 0.85)[:, None]
            b.color = b.color * (1 - w) + np.array([0.92, 0.94, 0.97]) * w
        parts.append(b)
    return parts


def grass_clump(height: float, seed: int, color, blades: int = 10, flower=None, lean: float = 0.35, width: float = 0.05) -> list[Part]:
    """Blades as thin bent triangles fanning out from a point, base darker than tips; optional flower heads."""
    r = _rng(seed)
    verts, faces, cols, ao = [], [], [], []
    for b in range(blades):
        a = r.uniform(0, 2 * math.pi)
        h = height * r.uniform(0.6, 1.1)
        lx, lz = math.cos(a), math.sin(a)
        base = np.array([lx * 0.06 * r.uniform(0, 1), 0.0, lz * 0.06 * r.uniform(0, 1)])
        side = np.array([-lz, 0.0, lx]) * width * r.uniform(0.7, 1.2)
        tip = base + np.array([lx * lean * h, h, lz * lean * h])
        mid = base + np.array([lx * lean * 0.3 * h, h * 0.55, lz * lean * 0.3 * h])
        k = len(verts)
        verts += [base - side, base + side, mid - side * 0.6, mid + side * 0.6, tip]
        faces += [[k, k + 1, k + 3], [k, k + 3, k + 2], [k + 2, k + 3, k + 4]]
        c = np.asarray(color) * r.uniform(0.85, 1.15)
        cols += [c * 0.7, c * 0.7, c * 0.95, c * 0.95, c * 1.1]
        ao += [0.45, 0.45, 0.75, 0.75, 1.0]
    parts = [Part(np.array(verts), np.array(faces), np.clip(np.array(cols), 0, 1), VEG, "grass", False, ao=np.array(ao), name="grass")]
    if flower is not None:
        for k in range(int(r.integers(1, 4))):
            a = r.uniform(0, 2 * math.pi)
            h = height * r.uniform(0.8, 1.2)
            c = np.array([math.cos(a) * 0.12, h, math.sin(a) * 0.12])
            parts.append(blob(0.045, flower, VEG, seed + 100 + k, 0.2, 1, "plain").transformed(translation=c))
    return parts
