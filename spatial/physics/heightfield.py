"""2.5D height fields from splats: the top opaque surface per XZ cell (open terrain colliders,
engine terrain exports such as Rapier ``heightfield`` or 16-bit heightmaps)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .surface import surface_samples

__all__ = ["HeightField", "heightfield_from_splats"]


@dataclass
class HeightField:
    """Heights ``heights[i, k]`` (metres, +Y) at cell centres ``x = x0 + (i + 0.5) * cell``,
    ``z = z0 + (k + 0.5) * cell``; NaN where nothing was observed."""

    x0: float
    z0: float
    cell: float
    heights: np.ndarray

    def height_at(self, x, z):
        """Nearest-cell height at world (x, z); NaN outside or unobserved."""
        x, z = np.asarray(x, float), np.asarray(z, float)
        i = np.floor((x - self.x0) / self.cell).astype(int)
        k = np.floor((z - self.z0) / self.cell).astype(int)
        ok = (i >= 0) & (k >= 0) & (i < self.heights.shape[0]) & (k < self.heights.shape[1])
        out = np.full(np.broadcast(i, k).shape, np.nan)
        out[ok] = self.heights[i[ok], k[ok]]
        return out

    def to_mesh(self):
        """Triangle mesh over the observed cells (vertices at cell centres, upward normals)."""
        import trimesh

        H = self.heights
        nx, nz = H.shape
        xs = self.x0 + (np.arange(nx) + 0.5) * self.cell
        zs = self.z0 + (np.arange(nz) + 0.5) * self.cell
        X, Z = np.meshgrid(xs, zs, indexing="ij")
        v = np.stack([X, np.nan_to_num(H), Z], -1).reshape(-1, 3)
        idx = np.arange(nx * nz).reshape(nx, nz)
        a, b, c, d = idx[:-1, :-1], idx[1:, :-1], idx[1:, 1:], idx[:-1, 1:]
        ok = np.isfinite(H)
        q = ok[:-1, :-1] & ok[1:, :-1] & ok[1:, 1:] & ok[:-1, 1:]
        f = np.concatenate([np.stack([a, c, b], -1)[q], np.stack([a, d, c], -1)[q]])
        m = trimesh.Trimesh(v, f, process=False)
        m.remove_unreferenced_vertices()
        return m


def heightfield_from_splats(splats, cell: float = 0.25, min_opacity: float = 0.3, fill_holes: bool = True) -> HeightField:
    """Top surface of the opaque splats per ``cell`` x ``cell`` column (maximum centre height, 3x3
    median filtered); holes enclosed by observed cells are filled from their nearest neighbours."""
    from scipy import ndimage as nd

    pts, _ = surface_samples(splats, min_opacity)
    x0, z0 = pts[:, 0].min() - cell, pts[:, 2].min() - cell
    i = np.floor((pts[:, 0] - x0) / cell).astype(np.int64)
    k = np.floor((pts[:, 2] - z0) / cell).astype(np.int64)
    shape = (int(i.max()) + 2, int(k.max()) + 2)
    H = np.full(shape, -np.inf)
    np.maximum.at(H, (i, k), pts[:, 1])
    seen = np.isfinite(H)
    H[~seen] = np.nan
    if fill_holes and seen.any():
        holes = nd.binary_fill_holes(seen) & ~seen
        if holes.any():
            _, (ii, kk) = nd.distance_transform_edt(~seen, return_indices=True)
            H[holes] = H[ii[holes], kk[holes]]
        seen = np.isfinite(H)
    med = nd.median_filter(np.nan_to_num(H, nan=-1e9), size=3)
    H = np.where(seen & (med > -1e8), med, H)
    return HeightField(float(x0), float(z0), float(cell), H)
