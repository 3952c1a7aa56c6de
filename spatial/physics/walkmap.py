"""Walkable area of a collider: a layered grid graph (a navmesh on a grid), reachability queries,
paths and spawn-point selection.

:func:`walkable` casts vertical rays on an XZ grid (several layers per column, so floors under
floors count), keeps surfaces no steeper than ``max_slope_deg`` where the walker's capsule fits
(horizontal ray fan at several heights up to its head, plus head room), and links neighbouring cells
whose height difference the controller can climb (``step_height`` or the slope limit). Components
of that graph are the separately reachable areas. Conservative by construction: cells closer than
``radius`` to a wall are not walkable, so walls and closed doors split areas.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import ValidationError
from .errors import NoWalkableGroundError
from .params import ControllerParams

__all__ = ["WalkableMap", "walkable", "find_spawn"]


@dataclass
class WalkableMap:
    """Walkable nodes ``nodes`` [M,3] (feet positions on the ground), their grid cells ``cells`` [M,2]
    (i along X, k along Z from ``x0``, ``z0``), connected ``component`` ids [M] and the adjacency
    (scipy CSR, edge weights in metres)."""

    x0: float
    z0: float
    cell: float
    shape: tuple
    nodes: np.ndarray
    cells: np.ndarray
    component: np.ndarray
    adjacency: object
    params: ControllerParams

    def __len__(self) -> int:
        return len(self.nodes)

    @property
    def area(self) -> float:
        """Walkable area in square metres."""
        return len(self.nodes) * self.cell**2

    def component_areas(self) -> np.ndarray:
        return np.bincount(self.component, minlength=int(self.component.max()) + 1 if len(self) else 0) * self.cell**2

    def nearest(self, point, max_distance: float = np.inf) -> int:
        """Index of the walkable node nearest to ``point`` (feet), or -1 if none within ``max_distance``."""
        if len(self) == 0:
            return -1
        p = np.asarray(point, float).reshape(3)
        d = self.nodes - p
        dist = np.sqrt(d[:, 0] ** 2 + d[:, 2] ** 2 + (2 * d[:, 1]) ** 2)  # vertical offsets count double
        k = int(dist.argmin())
        return k if dist[k] <= max_distance else -1

    def reachable(self, a, b) -> bool:
        """Can a walker at ``a`` reach ``b`` (both feet positions, snapped to the nearest node)?"""
        i, j = self.nearest(a, 1.0), self.nearest(b, 1.0)
        return i >= 0 and j >= 0 and self.component[i] == self.component[j]

    def reachable_from(self, point) -> np.ndarray:
        """Boolean mask [M] of the nodes reachable from ``point``."""
        i = self.nearest(point, 1.0)
        if i < 0:
            return np.zeros(len(self), bool)
        return self.component == self.component[i]

    def path(self, a, b) -> np.ndarray | None:
        """Shortest walkable path from ``a`` to ``b`` as node positions [K,3], or None."""
        from scipy.sparse.csgraph import dijkstra

        i, j = self.nearest(a, 1.0), self.nearest(b, 1.0)
        if i < 0 or j < 0 or self.component[i] != self.component[j]:
            return None
        _, pred = dijkstra(self.adjacency, directed=False, indices=i, return_predecessors=True)
        out = [j]
        while out[-1] != i:
            out.append(int(pred[out[-1]]))
        return self.nodes[out[::-1]]

    def top_view(self) -> np.ndarray:
        """HxWx3 uint8 image seen from above (X right, Z down): components in colours, rest black."""
        img = np.zeros(self.shape + (3,), np.uint8)
        if len(self):
            rng = np.random.default_rng(0)
            pal = rng.integers(60, 255, size=(int(self.component.max()) + 1, 3)).astype(np.uint8)
            big = int(np.argmax(self.component_areas()))
            pal[big] = (90, 200, 90)
            img[self.cells[:, 0], self.cells[:, 1]] = pal[self.component]
        return np.transpose(img, (1, 0, 2))

    def save_png(self, path) -> None:
        from PIL import Image

        Image.fromarray(self.top_view()).save(path)


def walkable(collider, params: ControllerParams | None = None, cell: float | None = None, bounds=None,
             max_layers: int = 4, max_columns: int = 400_000) -> WalkableMap:
    """Walkability map of ``collider`` (``trimesh.Trimesh``) for the walker ``params``.

    ``cell`` defaults to 0.25 m (coarsened so at most ``max_columns`` columns are cast); ``bounds``
    = (x0, x1, z0, z1) limits the area (default: the collider's extent)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    from .rays import raycast

    P = params or ControllerParams()
    if collider is None or len(getattr(collider, "faces", [])) == 0:
        raise NoWalkableGroundError("the collider is empty: nothing is walkable")
    lo, hi = np.asarray(collider.bounds, float)
    if not np.isfinite([lo, hi]).all():
        raise ValidationError("collider has non-finite vertices")
    x0, x1, z0, z1 = (lo[0], hi[0], lo[2], hi[2]) if bounds is None else map(float, bounds)
    c = 0.25 if cell is None else float(cell)
    if (x1 - x0) * (z1 - z0) / c**2 > max_columns:
        c = math.sqrt((x1 - x0) * (z1 - z0) / max_columns)
    nx, nz = max(1, int(math.ceil((x1 - x0) / c))), max(1, int(math.ceil((z1 - z0) / c)))
    I, K = np.meshgrid(np.arange(nx), np.arange(nz), indexing="ij")
    I, K = I.ravel(), K.ravel()
    xs, zs = x0 + (I + 0.5) * c, z0 + (K + 0.5) * c
    top = hi[1] + 1.0
    down = np.array([0.0, -1.0, 0.0])
    pos, cells = [], []
    orig = np.stack([xs, np.full_like(xs, top), zs], 1)
    alive = np.arange(len(xs))
    cos_max = math.cos(math.radians(P.max_slope_deg))
    for _ in range(max_layers):
        if len(alive) == 0:
            break
        hits = raycast(collider, orig[alive], down)
        ok = hits.hit
        walk = ok & (hits.normals[:, 1] >= cos_max)
        pos.append(hits.points[walk])
        cells.append(np.stack([I[alive[walk]], K[alive[walk]]], 1))
        # continue below this surface (through the floor's thickness: step past it)
        orig[alive[ok], 1] = hits.points[ok, 1] - 0.05
        alive = alive[ok]
    nodes = np.concatenate(pos) if pos else np.zeros((0, 3))
    cells = np.concatenate(cells) if cells else np.zeros((0, 2), int)
    if len(nodes):
        keep = _capsule_fits(collider, nodes, P)
        nodes, cells = nodes[keep], cells[keep]
    M = len(nodes)
    if M == 0:
        return WalkableMap(x0, z0, c, (nx, nz), nodes, cells.astype(int), np.zeros(0, int),
                           coo_matrix((0, 0)).tocsr(), P)
    # edges between nodes in 8-neighbouring cells with a climbable height difference
    order = np.lexsort((nodes[:, 1], cells[:, 1], cells[:, 0]))
    nodes, cells = nodes[order], cells[order]
    key = cells[:, 0] * nz + cells[:, 1]
    rows, cols, wts = [], [], []
    for di, dk in ((1, 0), (0, 1), (1, 1), (1, -1)):
        nb = (cells[:, 0] + di) * nz + (cells[:, 1] + dk)
        valid = (cells[:, 0] + di < nx) & (cells[:, 1] + dk >= 0) & (cells[:, 1] + dk < nz)
        horiz = c * math.hypot(di, dk)
        limit = max(P.step_height, horiz * math.tan(math.radians(P.max_slope_deg))) + 0.01
        start = np.searchsorted(key, nb, "left")
        stop = np.searchsorted(key, nb, "right")
        for layer in range(max_layers):
            j = start + layer
            m = valid & (j < stop)
            if not m.any():
                break
            a, b = np.nonzero(m)[0], j[m]
            dy = np.abs(nodes[a, 1] - nodes[b, 1])
            ok = dy <= limit
            rows.append(a[ok])
            cols.append(b[ok])
            wts.append(np.hypot(horiz, dy[ok]))
    r, cc, w = np.concatenate(rows), np.concatenate(cols), np.concatenate(wts)
    adj = coo_matrix((w, (r, cc)), shape=(M, M)).tocsr()
    adj = adj + adj.T
    _, comp = connected_components(adj, directed=False)
    return WalkableMap(x0, z0, c, (nx, nz), nodes, cells.astype(int), comp, adj, P)


def _capsule_fits(collider, feet, P: ControllerParams) -> np.ndarray:
    """True where the capsule standing at ``feet`` has room: no wall within ``radius`` of its axis
    above step height (ray fans) and head room up to its full height."""
    from .rays import raycast

    n = len(feet)
    ok = np.ones(n, bool)
    up = raycast(collider, feet + [0, 0.02, 0], np.array([0.0, 1.0, 0.0]), max_distance=P.height + P.offset)
    ok &= ~up.hit
    heights = np.linspace(P.step_height + 0.05, max(P.height - P.radius, P.step_height + 0.1), 3)
    ang = np.arange(8) * (np.pi / 4)
    dirs = np.stack([np.cos(ang), np.zeros(8), np.sin(ang)], 1)
    for h in heights:
        o = np.repeat(feet + [0, h, 0], 8, axis=0)
        d = np.tile(dirs, (n, 1))
        hit = raycast(collider, o, d, max_distance=P.radius + P.offset).hit.reshape(n, 8)
        ok &= ~hit.any(1)
    return ok


def find_spawn(collider, params: ControllerParams | None = None, near=None, walk_map: WalkableMap | None = None,
               clearance: float = 1.0, min_area: float = 2.0, **walkable_kw):
    """A spawn point (:class:`spatial.world.Spawn`, feet on walkable ground) in the largest walkable
    area, at least ``clearance`` metres from its edges where possible, nearest to ``near`` (default:
    that area's centre). Raises :class:`NoWalkableGroundError` if no walkable area reaches ``min_area``."""
    from scipy import ndimage as nd

    from ..world import Spawn

    m = walk_map if walk_map is not None else walkable(collider, params, **walkable_kw)
    if len(m) == 0:
        raise NoWalkableGroundError("no walkable ground: no surface is flat enough with room for the walker")
    areas = m.component_areas()
    big = int(np.argmax(areas))
    if areas[big] < min_area:
        raise NoWalkableGroundError(f"no walkable ground: the largest walkable area is {areas[big]:.2f} m^2 "
                                    f"(< min_area {min_area} m^2), e.g. only the top of a wall")
    sel = np.nonzero(m.component == big)[0]
    grid = np.zeros(m.shape, bool)
    grid[m.cells[sel, 0], m.cells[sel, 1]] = True
    depth = nd.distance_transform_edt(grid) * m.cell
    score = np.minimum(depth[m.cells[sel, 0], m.cells[sel, 1]], clearance)
    best = sel[score >= score.max() - 1e-9]
    target = np.asarray(near, float) if near is not None else m.nodes[sel].mean(0)
    d = m.nodes[best] - target
    k = best[int(np.argmin(d[:, 0] ** 2 + d[:, 2] ** 2 + 4 * d[:, 1] ** 2))]
    return Spawn(tuple(float(v) for v in m.nodes[k]), 0.0)
