"""Shared shape helpers for the asset builders (each written once, used by many kinds).

All return :class:`~spatial.generation.mesh.Part` objects (or lists of them) in local coordinates.

* :func:`frustum` - rectangular tapered box (plinths, pyramid roofs, hoppers, obelisks)
* :func:`torus` - ring about +Y (tyres, life rings, wreaths, halos)
* :func:`sphere` - smooth ball
* :func:`disc` - flat upward disc (water surfaces, table tops, rugs)
* :func:`band` - a planar band between two polylines, extruded in depth (arches, bridges' decks, frames)
* :func:`arch` - semicircular (or pointed) arch band: the top of gates, doors and bridges
* :func:`extrude` - star-shaped 2-D outline in XY extruded along Z (gables, signs, wedges, hull sides)
* :func:`loft` - skin through closed cross-sections (boat hulls, car bodies, bathtubs, bells)
* :func:`tube` - a polyline swept by a circle (pipes, rails, branches, bicycle frames, handles)
* :func:`stairs` - a flight of box steps
* :func:`crown` - a leafy crown of noisy lobes with canopy shading (trees, hedges, bushes)
* :func:`petals` - a flower head of flat petals around a centre
* :func:`panel` - a two-sided quad (flags, signs, paintings, leaves, cloth)
"""

from __future__ import annotations

import math

import numpy as np

from ..mesh import Part, align_y_to, box, icosphere, quad


def frustum(w0: float, d0: float, w1: float, d1: float, h: float, color, label: int, material: str = "plain",
            collider: bool = True, y0: float = 0.0, center=(0.0, 0.0), name: str = "") -> Part:
    """Rectangular frustum from (w0 x d0) at y0 to (w1 x d1) at y0 + h (w1 = d1 = 0 gives a pyramid)."""
    cx, cz = center
    b = [(-w0 / 2, -d0 / 2), (w0 / 2, -d0 / 2), (w0 / 2, d0 / 2), (-w0 / 2, d0 / 2)]
    t = [(-w1 / 2, -d1 / 2), (w1 / 2, -d1 / 2), (w1 / 2, d1 / 2), (-w1 / 2, d1 / 2)]
    v = np.array([[x + cx, y0, z + cz] for x, z in b] + [[x + cx, y0 + h, z + cz] for x, z in t])
    f = [[0, 1, 5], [0, 5, 4], [1, 2, 6], [1, 6, 5], [2, 3, 7], [2, 7, 6], [3, 0, 4], [3, 4, 7], [4, 5, 6], [4, 6, 7]]
    return Part(v, np.array(f)[:, ::-1], color, label, material, collider, name=name)


def torus(major: float, minor: float, color, label: int, segments: int = 16, sides: int = 6, material: str = "plain",
          collider: bool = False, name: str = "") -> Part:
    """Torus in the XZ plane centred at the origin (axis +Y)."""
    a = np.linspace(0, 2 * math.pi, segments, endpoint=False)
    b = np.linspace(0, 2 * math.pi, sides, endpoint=False)
    A, B = np.meshgrid(a, b, indexing="ij")
    r = major + minor * np.cos(B)
    v = np.stack([r * np.cos(A), minor * np.sin(B), r * np.sin(A)], -1).reshape(-1, 3)
    i, j = np.meshgrid(np.arange(segments), np.arange(sides), indexing="ij")
    i2, j2 = (i + 1) % segments, (j + 1) % sides
    a0, a1, a2, a3 = i * sides + j, i2 * sides + j, i2 * sides + j2, i * sides + j2
    f = np.concatenate([np.stack([a0, a2, a1], -1).reshape(-1, 3), np.stack([a0, a3, a2], -1).reshape(-1, 3)])
    return Part(v, f, color, label, material, collider, name=name)


def sphere(radius, color, label: int, center=(0.0, 0.0, 0.0), subdivisions: int = 2, material: str = "plain", collider: bool = False,
           squash=(1.0, 1.0, 1.0), name: str = "") -> Part:
    v, f = icosphere(subdivisions)
    v = v * radius * np.asarray(squash, dtype=np.float64) + np.asarray(center, dtype=np.float64)
    return Part(v, f, color, label, material, collider, name=name)


def disc(radius: float, y: float, color, label: int, segments: int = 20, material: str = "plain", collider: bool = False,
         center=(0.0, 0.0), squash=(1.0, 1.0), name: str = "") -> Part:
    """Flat disc facing +Y at height ``y`` (ellipse with ``squash`` on x, z)."""
    a = np.linspace(0, 2 * math.pi, segments, endpoint=False)
    v = np.concatenate([[[center[0], y, center[1]]],
                        np.stack([center[0] + np.cos(a) * radius * squash[0], np.full(segments, y), center[1] + np.sin(a) * radius * squash[1]], -1)])
    i = np.arange(segments)
    f = np.stack([np.zeros(segments, dtype=np.int64), 1 + (i + 1) % segments, 1 + i], -1)
    return Part(v, f, color, label, material, collider, name=name)


def band(outer, inner, depth: float, color, label: int, material: str = "plain", collider: bool = True, z0: float | None = None,
         name: str = "") -> Part:
    """Planar band between two polylines in XY (same point count), extruded along Z from z0 to z0 + depth
    (centred on z = 0 by default): front, back, outer and inner surfaces."""
    o, n = np.asarray(outer, dtype=np.float64), np.asarray(inner, dtype=np.float64)
    m = len(o)
    z0 = -depth / 2 if z0 is None else z0
    rings = [np.c_[o, np.full(m, z0 + depth)], np.c_[n, np.full(m, z0 + depth)], np.c_[n, np.full(m, z0)], np.c_[o, np.full(m, z0)]]
    v = np.concatenate(rings)
    f = []
    for r in range(4):
        r2 = (r + 1) % 4
        for k in range(m - 1):
            a, b, c, d = r * m + k, r * m + k + 1, r2 * m + k + 1, r2 * m + k
            f += [[a, b, c], [a, c, d]]
    f = np.array(f)
    # orient outward: the front ring (z0 + depth) must face +Z
    nrm = np.cross(v[f[0, 1]] - v[f[0, 0]], v[f[0, 2]] - v[f[0, 0]])
    if nrm[2] < 0:
        f = f[:, ::-1]
    return Part(v, f, color, label, material, collider, name=name)


def arch(span: float, thickness: float, depth: float, color, label: int, y0: float = 0.0, segments: int = 12, pointed: float = 0.0,
         material: str = "plain", collider: bool = True, name: str = "") -> Part:
    """Arch band over an opening of width ``span`` springing at height ``y0``: a semicircle, or a
    Gothic pointed arch when ``pointed`` > 0 (the two arcs' centres move apart by ``pointed * span``)."""
    r_in = span / 2 + pointed * span / 2
    # the inner curve from the left springing over the apex to the right springing
    s = np.linspace(-1, 1, 2 * segments + 1)
    xs = s * span / 2
    if pointed > 0:
        cx = np.where(xs < 0, pointed * span / 2, -pointed * span / 2)
        ys = np.sqrt(np.maximum(r_in**2 - (xs - cx) ** 2, 0))
        ys = ys - ys[0]
    else:
        ang = np.linspace(math.pi, 0, 2 * segments + 1)
        xs, ys = np.cos(ang) * span / 2, np.sin(ang) * span / 2
    inner = np.stack([xs, ys + y0], -1)
    # outer curve: offset outward (away from the opening centre at springing height)
    c = np.array([0.0, y0])
    d = inner - c
    dn = d / np.maximum(np.linalg.norm(d, axis=1, keepdims=True), 1e-9)
    outer = inner + dn * thickness
    return band(outer, inner, depth, color, label, material, collider, name=name)


def extrude(outline, depth: float, color, label: int, material: str = "plain", collider: bool = True, z0: float | None = None,
            name: str = "") -> Part:
    """Star-shaped (from its centroid) 2-D outline [(x, y), ...] in XY extruded along Z, centred on z = 0."""
    o = np.asarray(outline, dtype=np.float64)
    m = len(o)
    z0 = -depth / 2 if z0 is None else z0
    c = o.mean(0)
    v = np.concatenate([np.c_[o, np.full(m, z0 + depth)], np.c_[o, np.full(m, z0)], [[c[0], c[1], z0 + depth], [c[0], c[1], z0]]])
    k = np.arange(m)
    k2 = (k + 1) % m
    ccw = (np.cross(np.c_[o - c, np.zeros(m)], np.c_[o[k2] - c, np.zeros(m)])[:, 2]).sum() > 0
    front = np.stack([np.full(m, 2 * m), k, k2], -1)
    back = np.stack([np.full(m, 2 * m + 1), m + k2, m + k], -1)
    side = np.concatenate([np.stack([k, m + k, m + k2], -1), np.stack([k, m + k2, k2], -1)])
    f = np.concatenate([front, back, side])
    if not ccw:
        f = f[:, ::-1]
    return Part(v, f, color, label, material, collider, name=name)


def loft(sections, color, label: int, material: str = "plain", collider: bool = True, cap_start: bool = True, cap_end: bool = True,
         name: str = "") -> Part:
    """Skin through closed cross-sections ``[[P0..Pn-1], ...]`` (each [n, 3], same n), caps at the ends.
    Sections should wind counter-clockwise seen from the first section toward the last."""
    secs = [np.asarray(s, dtype=np.float64) for s in sections]
    n = len(secs[0])
    v = np.concatenate(secs)
    i = np.arange(n)
    j = (i + 1) % n
    f = []
    for k in range(len(secs) - 1):
        b, t = k * n, (k + 1) * n
        f += [np.stack([b + i, b + j, t + j], -1), np.stack([b + i, t + j, t + i], -1)]
    extra = []
    if cap_start:
        extra.append(secs[0].mean(0))
        f.append(np.stack([np.full(n, len(v)), j, i], -1))
    if cap_end:
        extra.append(secs[-1].mean(0))
        f.append(np.stack([np.full(n, len(v) + len(extra) - 1), (len(secs) - 1) * n + i, (len(secs) - 1) * n + j], -1))
    v = np.concatenate([v] + ([np.array(extra)] if extra else []))
    faces = np.concatenate(f)
    part = Part(v, faces, color, label, material, collider, name=name)
    # orient outward: compare with the vector from the centroid
    fn = np.cross(v[faces[:, 1]] - v[faces[:, 0]], v[faces[:, 2]] - v[faces[:, 0]])
    if float((fn * (v[faces].mean(1) - v.mean(0))).sum()) < 0:
        part.faces = faces[:, ::-1].copy()
    return part


def open_loft(sections, color, label: int, material: str = "plain", collider: bool = False, name: str = "") -> Part:
    """Two-sided skin through open cross-sections ``[[P0..Pn-1], ...]`` (each [n, 3], same n): a hull, a
    canvas cover - a sheet with no caps, seen from both sides."""
    secs = [np.asarray(s, dtype=np.float64) for s in sections]
    n = len(secs[0])
    i = np.arange(n - 1)
    f = []
    for k in range(len(secs) - 1):
        a, b = k * n + i, (k + 1) * n + i
        f.append(np.stack([np.stack([a, a + 1, b + 1], -1), np.stack([a, b + 1, b], -1)], 1).reshape(-1, 3))
    f = np.concatenate(f)
    return Part(np.concatenate(secs), np.concatenate([f, f[:, ::-1]]), color, label, material, collider, name=name)


def section(width: float, height: float, z: float, y0: float = 0.0, n: int = 12, round_: float = 0.5) -> np.ndarray:
    """A rounded-rectangle cross-section in the XY plane at depth ``z`` (``round_`` 0 box .. 1 ellipse)."""
    a = np.linspace(0, 2 * math.pi, n, endpoint=False) + math.pi / n
    e = 2.0 / max(round_, 0.05) if round_ < 1 else 2.0
    cx, cy = np.cos(a), np.sin(a)
    x = np.sign(cx) * np.abs(cx) ** (2 / e) * width / 2
    y = np.sign(cy) * np.abs(cy) ** (2 / e) * height / 2 + y0 + height / 2
    return np.stack([x, y, np.full(n, z)], -1)


def tube(points, radius, color, label: int, sides: int = 6, material: str = "plain", collider: bool = False, name: str = "") -> Part:
    """A polyline swept by a circle of ``radius`` (a number or one per point), open ends capped flat."""
    pts = np.asarray(points, dtype=np.float64)
    r = np.broadcast_to(np.asarray(radius, dtype=np.float64), (len(pts),))
    secs = []
    prev_u = None
    for k in range(len(pts)):
        d = pts[min(k + 1, len(pts) - 1)] - pts[max(k - 1, 0)]
        d = d / max(np.linalg.norm(d), 1e-12)
        ref = np.array([0.0, 1.0, 0.0]) if abs(d[1]) < 0.9 else np.array([1.0, 0.0, 0.0])
        u = np.cross(d, ref) if prev_u is None else prev_u - (prev_u @ d) * d
        u = u / max(np.linalg.norm(u), 1e-12)
        prev_u = u
        w = np.cross(d, u)
        a = np.linspace(0, 2 * math.pi, sides, endpoint=False)
        secs.append(pts[k] + r[k] * (np.cos(a)[:, None] * u + np.sin(a)[:, None] * w))
    return loft(secs, color, label, material, collider, name=name)


def stairs(width: float, steps: int, rise: float, run: float, color, label: int, material: str = "rock", z_front: float = 0.0) -> list[Part]:
    """A straight flight climbing toward -Z from ``z_front`` (first step at the front)."""
    return [box((width, rise * (k + 1), run), color, label, material, True, center=(0, rise * (k + 1) / 2, z_front - run * (k + 0.5)),
                bottom=False) for k in range(steps)]


def blobs(radii, centers, colors, label: int, seed: int, roughness: float = 0.3, subdivisions: int = 1, material: str = "rock",
          collider: bool = False, squash=(1.0, 1.0, 1.0)) -> list[Part]:
    """Many noisy icospheres (like :func:`~spatial.generation.mesh.blob`) with ONE noise evaluation for all
    of them (each blob samples the noise field at its own offset): rubble, pebbles, lobes, dry-stone walls."""
    from ..noise import fbm

    v0, f = icosphere(subdivisions)
    n = len(radii)
    offs = np.arange(n)[:, None] * np.array([[7.13, 3.31, 5.77]])
    pts = (v0[None] * 1.3 + offs[:, None]).reshape(-1, 3)
    d = (1.0 + roughness * fbm(pts, seed, octaves=3)).reshape(n, -1)
    sq = np.broadcast_to(np.asarray(squash, dtype=np.float64), (n, 3)) if np.ndim(squash) < 2 else np.asarray(squash, dtype=np.float64)
    out = []
    for k in range(n):
        v = v0 * d[k][:, None] * radii[k] * sq[k] + np.asarray(centers[k], dtype=np.float64)
        out.append(Part(v, f.copy(), np.asarray(colors[k] if np.ndim(colors) == 2 else colors, dtype=np.float64), label, material, collider))
    return out


def crown(center, radius: float, color, label: int, seed: int, lobes: int = 6, squash=(1.0, 0.8, 1.0), rng=None,
          material: str = "leaves", roughness: float = 0.35) -> list[Part]:
    """A leafy crown: one central lobe and ``lobes`` around it, darker inside and underneath."""
    r = rng if rng is not None else np.random.default_rng(seed)
    c0 = np.asarray(center, dtype=np.float64)
    centers = [c0 + [0, radius * 0.25, 0]]
    for k in range(lobes):
        a = 2 * math.pi * k / lobes + r.uniform(-0.4, 0.4)
        rr = radius * r.uniform(0.35, 0.6)
        centers.append(c0 + [math.cos(a) * rr * squash[0], radius * r.uniform(-0.25, 0.35) * squash[1], math.sin(a) * rr * squash[2]])
    radii = [radius * r.uniform(0.5, 0.68) for _ in centers]
    out = []
    for lobe in blobs(radii, centers, color, label, seed, roughness, 2, material, False, squash):
        d = np.linalg.norm(lobe.vertices - c0, axis=1) / max(radius, 1e-6)
        low = np.clip((lobe.vertices[:, 1] - (c0[1] - radius)) / (2 * radius), 0, 1)
        lobe.ao = np.clip(0.35 + 0.45 * np.clip(d, 0, 1) + 0.3 * low, 0.3, 1.0)
        out.append(lobe)
    return out


def petals(center, n: int, length: float, width: float, color, label: int, tilt: float = 0.3, facing=(0.0, 1.0, 0.0),
           material: str = "leaves", r0: float = 0.0) -> Part:
    """``n`` flat pointed petals radiating from ``center`` (starting at radius ``r0``) in the plane normal to
    ``facing``, tilted up by ``tilt`` rad."""
    v, f = [], []
    for k in range(n):
        a = 2 * math.pi * k / n
        d = np.array([math.cos(a) * math.cos(tilt), math.sin(tilt), math.sin(a) * math.cos(tilt)])
        s = np.array([-math.sin(a), 0.0, math.cos(a)]) * width / 2
        b = len(v)
        o = np.array([math.cos(a), 0.0, math.sin(a)]) * r0
        v += [o, o + d * length * 0.5 + s, o + d * length, o + d * length * 0.5 - s]
        f += [[b, b + 1, b + 2], [b, b + 2, b + 3], [b, b + 2, b + 1], [b, b + 3, b + 2]]
    p = Part(np.array(v), np.array(f), color, label, material, False)
    return p.transformed(align_y_to(facing), center)


def panel(corner, edge_u, edge_v, color, label: int, material: str = "plain", collider: bool = False, back_color=None, name: str = "") -> list[Part]:
    """Two-sided quad: the front (normal u x v) and a back face 1 mm behind."""
    front = quad(corner, edge_u, edge_v, color, label, material, collider, name=name)
    n = np.cross(np.asarray(edge_u, float), np.asarray(edge_v, float))
    n = n / max(np.linalg.norm(n), 1e-12)
    back = Part(front.vertices - n * 0.002, front.faces[:, ::-1], color if back_color is None else back_color, label, material, False)
    return [front, back]


def post_ring(n: int, radius: float, height: float, r_post: float, color, label: int, material: str = "rock", phase: float = 0.0,
              segments: int = 8) -> list[Part]:
    """``n`` columns of radius ``r_post`` evenly on a circle (gazebos, temples, bandstands)."""
    from ..mesh import cylinder

    out = []
    for k in range(n):
        a = phase + 2 * math.pi * k / n
        out.append(cylinder(r_post, r_post, height, color, label, segments, material, True).transformed(
            translation=(math.cos(a) * radius, 0, math.sin(a) * radius)))
    return out


def arched_wall(span: float, spring: float, top: float, depth: float, color, label: int, width: float | None = None,
                segments: int = 12, pointed: float = 0.0, material: str = "plain") -> list[Part]:
    """A wall from y = 0 to ``top`` with an arched opening of ``span`` springing at ``spring`` (a gate, an
    archway): the arch spandrel as one band plus the two jambs when ``width`` > span."""
    s = np.linspace(-1, 1, 2 * segments + 1)
    if pointed > 0:
        r_in = span / 2 + pointed * span / 2
        xs = s * span / 2
        cx = np.where(xs < 0, pointed * span / 2, -pointed * span / 2)
        ys = np.sqrt(np.maximum(r_in**2 - (xs - cx) ** 2, 0))
    else:
        ang = np.linspace(math.pi, 0, 2 * segments + 1)
        xs, ys = np.cos(ang) * span / 2, np.sin(ang) * span / 2
    inner = np.stack([xs, ys + spring], -1)
    outer = np.stack([xs, np.full_like(xs, max(top, float(inner[:, 1].max()) + 0.05))], -1)
    parts = [band(outer, inner, depth, color, label, material, True)]
    if width is not None and width > span:
        jw = (width - span) / 2
        for sx in (-1, 1):
            parts.append(box((jw, top, depth), color, label, material, True, center=(sx * (span / 2 + jw / 2), top / 2, 0), bottom=False))
    else:
        for sx in (-1, 1):
            parts.append(box((0.02, spring, depth), color, label, material, True, center=(sx * span / 2, spring / 2, 0), bottom=False))
    return parts


def noisy_box(size, color, label: int, seed: int, amp: float = 0.3, subdiv: int = 8, material: str = "rock", collider: bool = True,
              freq: float = 0.5, center=(0.0, 0.0, 0.0), name: str = "") -> Part:
    """A box whose surface is displaced by a 3-D noise vector field (cliffs, icebergs, rock slabs).
    Coincident vertices move together, so the faces stay joined at the edges."""
    from ..noise import fbm

    sx, sy, sz = (float(v) for v in size)
    faces = [((-sx / 2, -sy / 2, sz / 2), (sx, 0, 0), (0, sy, 0)), ((sx / 2, -sy / 2, -sz / 2), (-sx, 0, 0), (0, sy, 0)),
             ((sx / 2, -sy / 2, sz / 2), (0, 0, -sz), (0, sy, 0)), ((-sx / 2, -sy / 2, -sz / 2), (0, 0, sz), (0, sy, 0)),
             ((-sx / 2, sy / 2, sz / 2), (sx, 0, 0), (0, 0, -sz))]
    qs = [quad(c, u, v, color, label, material, collider, subdiv=subdiv) for c, u, v in faces]
    from ..mesh import merge
    p = merge(qs, name=name)
    v = p.vertices
    d = np.stack([fbm(v * freq, seed + k, octaves=3) for k in range(3)], -1) * amp
    d[:, 1] = np.where(v[:, 1] <= -sy / 2 + 1e-9, 0.0, d[:, 1])  # the base stays flat on the ground
    p.vertices = v + d + np.asarray(center, dtype=np.float64) + [0, sy / 2, 0]
    return p


def triangle(a, b, c, color, label: int, material: str = "plain", two_sided: bool = True, name: str = "") -> Part:
    """One triangle (sails, pennants, gables), both sides by default."""
    v = np.array([a, b, c], dtype=np.float64)
    f = np.array([[0, 1, 2], [0, 2, 1]]) if two_sided else np.array([[0, 1, 2]])
    return Part(v, f, color, label, material, False, name=name)


def masonry(width: float, height: float, origin, right, up, color, label: int, block=(0.9, 0.45), line: float = 0.035,
            offset: float = 0.012) -> Part:
    """Mortar joints of a stone-block wall face as ONE decal part: horizontal courses every ``block[1]`` and
    staggered vertical joints every ``block[0]``, ``offset`` in front of the face whose lower-left corner is
    ``origin`` and which spans ``right`` x ``up`` (unit vectors) over ``width`` x ``height``."""
    from ..mesh import merge

    o, r, u = (np.asarray(a, dtype=np.float64) for a in (origin, right, up))
    n = np.cross(r, u)
    o = o + n * offset
    quads = []
    rows = max(1, int(height / block[1]))
    for i in range(1, rows + 1):
        y = min(i * block[1], height)
        quads.append(quad(o + u * (y - line / 2), r * width, u * line, color, label))
    for i in range(rows):
        y0 = i * block[1]
        h = min(block[1], height - y0)
        x = (block[0] / 2) * (i % 2)
        while x < width:
            if x > 0:
                quads.append(quad(o + u * y0 + r * (x - line / 2), r * line, u * h, color, label))
            x += block[0]
    p = merge(quads)
    p.density = 1.5
    return p
