"""Pure-PyTorch tile rasterizer: the readable specification of spatial's rendering semantics.

Every compiled backend (``cpu``, ``cuda``) must reproduce what this module computes; the tests compare
them to it, and compare it to gsplat 1.5.3's own PyTorch implementation. The semantics are gsplat's
(see docs/rasterizer.md for the table):

1. **Projection (EWA).** ``x_c = R x + t`` (world-to-camera ``viewmat``, OpenCV axes); covariance
   ``Sigma = R_q S^2 R_q^T`` from (w,x,y,z) quaternions and linear scales; ``Sigma_c = R Sigma R^T``;
   ``Sigma_2d = J Sigma_c J^T`` with the pinhole Jacobian at ``x/z, y/z`` clamped to the image bounds plus
   ``0.3 tan(fov/2)``; centre ``means2d = (K[:2,:3] x_c) / z`` (pixel centres at j+0.5, i+0.5).
2. **Low-pass.** ``Sigma_2d += eps2d I`` (0.3 px); ``det = max(det, 1e-10)``; conic = ``Sigma_2d^-1``
   stored ``[a, b, c]``. ``antialiased``: opacity ``*= sqrt(max(det_before / det_after, 0))``.
3. **Extent and culling.** Per-axis radii ``ceil(3.33 sqrt(Sigma_2d[k,k]))``; a splat is dropped
   (radii 0) unless ``near < z < far`` and its box overlaps the image.
4. **Tiles.** 16x16 pixel tiles; a splat goes to tiles ``floor(m/16 - r/16) .. ceil(m/16 + r/16)``
   (exclusive, clamped); each tile's list is stably sorted by camera-space z.
5. **Blending**, per pixel front to back: ``sigma = 0.5 (a dx^2 + c dy^2) + b dx dy``,
   ``alpha = min(0.999, o exp(-sigma))``; skip when ``sigma < 0`` or ``alpha < 1/255``; stop *before*
   the splat that would make ``T (1 - alpha) <= 1e-4``. ``rgb = sum_i w_i c_i + T_final bg``,
   ``w_i = alpha_i T_i``; ``alpha = 1 - T_final``; expected depth
   ``depth = sum_i w_i z_i / max(sum_i w_i, 1e-10)`` (``sum_i w_i = alpha``; 0 where nothing was hit).
6. **Colour** from SH: ``max(SH(normalize(mean - camera_centre)) + 0.5, 0)``, camera centre
   ``inverse(viewmat)[:3, 3]``; or given features ``[N, D]`` used as they are.

Everything is differentiable with PyTorch autograd (means, quats, scales, opacities, colours/SH and
viewmats); the decisions (culling, tile lists, skip and stop) are taken without gradient, exactly as
the kernels take them. The implementation is vectorised per block of tiles ([tiles, 256 pixels,
splats-in-tile] tensors) but makes no other concession to speed.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from ..core.rotation import quat_to_rotmat
from ..core.sh import eval_sh

TILE_SIZE = 16
ALPHA_MIN = 1.0 / 255.0
ALPHA_MAX = 0.999
T_STOP = 1e-4
EXTENT_SIGMAS = 3.33
DET_MIN = 1e-10
DEPTH_ALPHA_MIN = 1e-10  # expected depth divides by max(sum of weights, this)
# Elements per [tiles, pixels, splats] block; bounds the working set of one blending step.
_BLOCK_ELEMENTS = 1 << 21


def description() -> str:
    return "pure PyTorch reference (the specification; any device and dtype, slow)"


def is_available() -> bool:
    return True


# ----------------------------------------------------------------------------------- projection
def covariances(quats: torch.Tensor, scales: torch.Tensor) -> torch.Tensor:
    """World covariances ``R S^2 R^T`` [N,3,3] from (w,x,y,z) quaternions (any norm) and linear scales."""
    m = quat_to_rotmat(quats) * scales[..., None, :]
    return m @ m.transpose(-1, -2)


def project(
    means: torch.Tensor,
    quats: torch.Tensor,
    scales: torch.Tensor,
    viewmats: torch.Tensor,
    Ks: torch.Tensor,
    width: int,
    height: int,
    eps2d: float = 0.3,
    near_plane: float = 0.01,
    far_plane: float = 1e10,
) -> dict[str, torch.Tensor]:
    """EWA projection of N splats into C cameras.

    Returns a dict of [C, N, ...] tensors: ``means2d`` (pixels), ``depths`` (camera z), ``conics``
    ([a, b, c] of the blurred 2D covariance's inverse), ``compensations`` (antialiasing opacity factor)
    and ``radii`` (int32 [C,N,2], zero for culled splats).
    """
    rot, trans = viewmats[:, :3, :3], viewmats[:, :3, 3]
    means_c = torch.einsum("cij,nj->cni", rot, means) + trans[:, None, :]  # [C,N,3]
    x, y, z = means_c.unbind(-1)
    depths = z

    in_depth = (z > near_plane) & (z < far_plane)
    # Culled splats still flow through the (masked) arithmetic; keep it finite for autograd.
    z_safe = torch.where(in_depth, z, torch.ones_like(z))

    fx, fy = Ks[:, 0, 0, None], Ks[:, 1, 1, None]  # [C,1]
    cx, cy = Ks[:, 0, 2, None], Ks[:, 1, 2, None]
    tan_fovx, tan_fovy = 0.5 * width / fx, 0.5 * height / fy
    lim_x_pos = (width - cx) / fx + 0.3 * tan_fovx
    lim_x_neg = cx / fx + 0.3 * tan_fovx
    lim_y_pos = (height - cy) / fy + 0.3 * tan_fovy
    lim_y_neg = cy / fy + 0.3 * tan_fovy
    tx = z_safe * torch.clamp(x / z_safe, min=-lim_x_neg, max=lim_x_pos)
    ty = z_safe * torch.clamp(y / z_safe, min=-lim_y_neg, max=lim_y_pos)
    zero = torch.zeros_like(z_safe)
    jac = torch.stack(
        [fx / z_safe, zero, -fx * tx / z_safe**2, zero, fy / z_safe, -fy * ty / z_safe**2], -1
    ).reshape(z.shape + (2, 3))
    means2d = torch.einsum("cij,cnj->cni", Ks[:, :2, :3], means_c) / z_safe[..., None]

    # Sigma_2d = J W Sigma W^T J^T = A A^T with A = B diag(s), B = J W R(q)  [C,N,2,3]. Written in this
    # factored form because it is well conditioned: det(A A^T) by Cauchy-Binet is a sum of squares of
    # B's 2x2 minors times s_i^2 s_j^2, and det(Sigma_2d + eps I) = det + eps tr + eps^2 has no
    # cancellation either; the expanded a*c - b*b loses everything for needle-thin splats in float32.
    b_mat = jac @ rot[:, None] @ quat_to_rotmat(quats)[None]  # [C,N,2,3]
    a_mat = b_mat * scales[None, :, None, :]
    cov2d = a_mat @ a_mat.transpose(-1, -2)  # [C,N,2,2]
    s2 = scales[None] ** 2  # [1,N,3]
    minors = torch.stack(
        [b_mat[..., 0, i] * b_mat[..., 1, j] - b_mat[..., 0, j] * b_mat[..., 1, i] for i, j in ((0, 1), (0, 2), (1, 2))], -1
    )  # [C,N,3]
    det_before = (minors**2 * torch.stack([s2[..., 0] * s2[..., 1], s2[..., 0] * s2[..., 2], s2[..., 1] * s2[..., 2]], -1)).sum(-1)
    det = (det_before + eps2d * (cov2d[..., 0, 0] + cov2d[..., 1, 1]) + eps2d**2).clamp(min=DET_MIN)
    cov2d = cov2d + eps2d * torch.eye(2, dtype=cov2d.dtype, device=cov2d.device)
    compensations = torch.sqrt(torch.clamp(det_before / det, min=0.0))
    conics = torch.stack(
        [cov2d[..., 1, 1] / det, -(cov2d[..., 0, 1] + cov2d[..., 1, 0]) / 2.0 / det, cov2d[..., 0, 0] / det], -1
    )

    with torch.no_grad():
        radius = torch.stack(
            [torch.ceil(EXTENT_SIGMAS * torch.sqrt(cov2d[..., 0, 0])), torch.ceil(EXTENT_SIGMAS * torch.sqrt(cov2d[..., 1, 1]))],
            -1,
        )
        m = means2d.detach()
        inside = (
            (m[..., 0] + radius[..., 0] > 0)
            & (m[..., 0] - radius[..., 0] < width)
            & (m[..., 1] + radius[..., 1] > 0)
            & (m[..., 1] - radius[..., 1] < height)
        )
        keep = in_depth & inside & torch.isfinite(radius).all(-1)
        radii = torch.where(keep[..., None], radius, torch.zeros_like(radius)).to(torch.int32)
    return {"means2d": means2d, "depths": depths, "conics": conics, "compensations": compensations, "radii": radii}


def camera_centres(viewmats: torch.Tensor) -> torch.Tensor:
    """World positions [C,3] of the cameras (translation of the inverse view matrix)."""
    return torch.linalg.inv(viewmats)[:, :3, 3]


def sh_colors(coeffs: torch.Tensor, sh_degree: int, means: torch.Tensor, viewmats: torch.Tensor) -> torch.Tensor:
    """View-dependent colour [C,N,3] = max(SH(dir) + 0.5, 0) with dir from each camera centre to each splat."""
    dirs = F.normalize(means[None, :, :] - camera_centres(viewmats)[:, None, :], p=2, dim=-1)
    return torch.clamp_min(eval_sh(sh_degree, coeffs[None], dirs) + 0.5, 0.0)


# ----------------------------------------------------------------------------------- tiles
@torch.no_grad()
def tile_ranges(means2d: torch.Tensor, radii: torch.Tensor, tiles_x: int, tiles_y: int) -> torch.Tensor:
    """[..., 4] int64 tile box (x0, y0, x1, y1), max exclusive, clamped to the tile grid; empty if culled."""
    tm = means2d.detach() / TILE_SIZE
    tr = radii.to(tm.dtype) / TILE_SIZE
    lo = torch.floor(tm - tr)
    hi = torch.ceil(tm + tr)
    lim = torch.tensor([tiles_x, tiles_y], dtype=tm.dtype, device=tm.device)
    lo = torch.minimum(torch.clamp(lo, min=0), lim).to(torch.int64)
    hi = torch.minimum(torch.clamp(hi, min=0), lim).to(torch.int64)
    box = torch.cat([lo, hi], -1)
    culled = (radii <= 0).any(-1)
    box[culled] = 0
    return box


@torch.no_grad()
def tile_lists(means2d: torch.Tensor, radii: torch.Tensor, depths: torch.Tensor, width: int, height: int):
    """Per-tile front-to-back splat lists for one camera.

    Returns ``(tile_ids [P], splat_ids [P], offsets [tiles+1])``: the (tile, splat) pairs sorted by tile,
    then stably by depth, so ``splat_ids[offsets[t]:offsets[t+1]]`` is tile ``t``'s list (row-major tiles).
    """
    tiles_x, tiles_y = math.ceil(width / TILE_SIZE), math.ceil(height / TILE_SIZE)
    box = tile_ranges(means2d, radii, tiles_x, tiles_y)  # [N,4]
    bw, bh = box[:, 2] - box[:, 0], box[:, 3] - box[:, 1]
    counts = bw * bh
    splat = torch.repeat_interleave(torch.arange(len(counts), device=counts.device), counts)
    start = torch.cumsum(counts, 0) - counts
    local = torch.arange(len(splat), device=counts.device) - start[splat]
    tx = box[splat, 0] + local % bw[splat]
    ty = box[splat, 1] + local // bw[splat]
    tile = ty * tiles_x + tx
    order = torch.sort(depths.detach()[splat], stable=True).indices  # depth, ties by splat index
    order = order[torch.sort(tile[order], stable=True).indices]  # then by tile, keeping depth order
    tile, splat = tile[order], splat[order]
    per_tile = torch.bincount(tile, minlength=tiles_x * tiles_y)
    offsets = torch.zeros(tiles_x * tiles_y + 1, dtype=torch.int64, device=tile.device)
    offsets[1:] = torch.cumsum(per_tile, 0)
    return tile, splat, offsets


# ----------------------------------------------------------------------------------- blending
def _blend_tiles(tiles, lists, means2d, conics, opacities, features, width, tiles_x):
    """Composite one block of tiles. ``lists`` [T, L] splat ids padded with -1 (front to back).

    Returns (features [T,256,D], T_final [T,256]) where features include the depth channel last.
    """
    dev, dt = means2d.device, means2d.dtype
    local = torch.arange(TILE_SIZE * TILE_SIZE, device=dev)
    px = (tiles % tiles_x)[:, None] * TILE_SIZE + local % TILE_SIZE  # [T,256] pixel column
    py = (tiles // tiles_x)[:, None] * TILE_SIZE + local // TILE_SIZE
    pix = torch.stack([px, py], -1).to(dt) + 0.5  # pixel centres [T,256,2]

    present = lists >= 0  # [T,L]
    ids = lists.clamp(min=0)
    delta = means2d[ids][:, None, :, :] - pix[:, :, None, :]  # [T,256,L,2]
    con = conics[ids][:, None]  # [T,1,L,3]
    sigma = 0.5 * (con[..., 0] * delta[..., 0] ** 2 + con[..., 2] * delta[..., 1] ** 2) + con[..., 1] * delta[..., 0] * delta[..., 1]
    alpha = torch.clamp_max(opacities[ids][:, None, :] * torch.exp(-sigma), ALPHA_MAX)  # [T,256,L]

    with torch.no_grad():
        # The decisions: skip (sigma < 0, alpha < 1/255) and stop (exclusive, T (1 - alpha) <= 1e-4).
        # T only drops at non-skipped splats, so the inclusive running product tells where a pixel stops.
        used = present[:, None, :] & (sigma >= 0) & (alpha >= ALPHA_MIN)
        running = torch.cumprod(torch.where(used, 1.0 - alpha, torch.ones_like(alpha)), -1)
        used &= running > T_STOP

    a = torch.where(used, alpha, torch.zeros_like(alpha))
    one_minus = 1.0 - a
    trans_incl = torch.cumprod(one_minus, -1)
    trans = torch.cat([torch.ones_like(trans_incl[..., :1]), trans_incl[..., :-1]], -1)  # T before each splat
    weights = a * trans  # [T,256,L]
    out = torch.einsum("tpl,tld->tpd", weights, features[ids])
    t_final = trans_incl[..., -1]
    return out, t_final


def _tile_blocks(splat: torch.Tensor, offsets: torch.Tensor):
    """Yield ``(tile ids [T], lists [T, L])`` for the non-empty tiles, ``lists`` padded with -1.

    Tiles with similar list lengths go together, so padding stays small; each block has at most
    ``_BLOCK_ELEMENTS`` (tile, pixel, splat) entries (or one tile).
    """
    per_tile = offsets[1:] - offsets[:-1]
    busy = torch.nonzero(per_tile > 0).flatten()
    busy = busy[torch.sort(per_tile[busy], stable=True).indices]
    i = 0
    while i < len(busy):
        n = max(1, _BLOCK_ELEMENTS // (TILE_SIZE * TILE_SIZE * int(per_tile[busy[i]])))
        chunk = busy[i : i + n]
        length = int(per_tile[chunk].max())
        idx = offsets[chunk][:, None] + torch.arange(length, device=splat.device)
        valid = torch.arange(length, device=splat.device) < per_tile[chunk][:, None]
        yield chunk, torch.where(valid, splat[idx.clamp(max=len(splat) - 1)], torch.full_like(idx, -1))
        i += n


def _untile(x: torch.Tensor, tiles_x: int, tiles_y: int, width: int, height: int) -> torch.Tensor:
    """[tiles, 256, ...] in row-major tile order -> [H, W, ...]."""
    rest = x.shape[2:]
    x = x.reshape((tiles_y, tiles_x, TILE_SIZE, TILE_SIZE) + rest).transpose(1, 2)
    return x.reshape((tiles_y * TILE_SIZE, tiles_x * TILE_SIZE) + rest)[:height, :width]


def composite(
    means2d: torch.Tensor,
    conics: torch.Tensor,
    opacities: torch.Tensor,
    features: torch.Tensor,
    radii: torch.Tensor,
    depths: torch.Tensor,
    width: int,
    height: int,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Front-to-back blending of one camera's splats. ``features`` [N,F] (colours, then depth).

    Returns (accumulated features [H,W,F], final transmittance [H,W]).
    """
    dev, dt = means2d.device, means2d.dtype
    tiles_x, tiles_y = math.ceil(width / TILE_SIZE), math.ceil(height / TILE_SIZE)
    _, splat, offsets = tile_lists(means2d, radii, depths, width, height)
    out = torch.zeros(tiles_y * tiles_x, TILE_SIZE * TILE_SIZE, features.shape[-1], dtype=dt, device=dev)
    t_final = torch.ones(tiles_y * tiles_x, TILE_SIZE * TILE_SIZE, dtype=dt, device=dev)
    done, outs, ts = [], [], []
    for chunk, lists in _tile_blocks(splat, offsets):
        o, t = _blend_tiles(chunk, lists, means2d, conics, opacities, features, width, tiles_x)
        done.append(chunk)
        outs.append(o)
        ts.append(t)
    if done:
        ids = torch.cat(done)
        out = out.index_copy(0, ids, torch.cat(outs))
        t_final = t_final.index_copy(0, ids, torch.cat(ts))
    return _untile(out, tiles_x, tiles_y, width, height), _untile(t_final, tiles_x, tiles_y, width, height)


@torch.no_grad()
def decision_margins(
    means, quats, scales, opacities, viewmats, Ks, width, height,
    near_plane=0.01, far_plane=1e10, eps2d=0.3, antialiased=False,
) -> torch.Tensor:
    """[C,H,W] per pixel: how close its discontinuous decisions came to flipping (for testing kernels).

    The minimum, over the splats a pixel evaluated (up to and including the one that stopped it), of
    the relative distances ``|alpha / (1/255) - 1|`` and, for splats not skipped,
    ``|T (1 - alpha) / 1e-4 - 1|``. A float32 kernel may legitimately decide differently from a
    float64 reference where this is ~1e-6 or less; ``inf`` where no splat was evaluated.
    """
    n_cams = viewmats.shape[0]
    proj = project(means, quats, scales, viewmats, Ks, width, height, eps2d, near_plane, far_plane)
    ops = opacities[None].expand(n_cams, -1) * (proj["compensations"] if antialiased else 1.0)
    tiles_x, tiles_y = math.ceil(width / TILE_SIZE), math.ceil(height / TILE_SIZE)
    local = torch.arange(TILE_SIZE * TILE_SIZE, device=means.device)
    result = []
    for c in range(n_cams):
        m2d, con, op = proj["means2d"][c], proj["conics"][c], ops[c]
        _, splat, offsets = tile_lists(m2d, proj["radii"][c], proj["depths"][c], width, height)
        margin = torch.full((tiles_x * tiles_y, TILE_SIZE * TILE_SIZE), math.inf, dtype=means.dtype, device=means.device)
        for chunk, lists in _tile_blocks(splat, offsets):
            px = (chunk % tiles_x)[:, None] * TILE_SIZE + local % TILE_SIZE
            py = (chunk // tiles_x)[:, None] * TILE_SIZE + local // TILE_SIZE
            ids = lists.clamp(min=0)
            dx = m2d[ids, 0][:, None, :] - (px.to(means.dtype) + 0.5)[:, :, None]
            dy = m2d[ids, 1][:, None, :] - (py.to(means.dtype) + 0.5)[:, :, None]
            k = con[ids][:, None]
            sigma = 0.5 * (k[..., 0] * dx * dx + k[..., 2] * dy * dy) + k[..., 1] * dx * dy
            alpha = torch.clamp_max(op[ids][:, None, :] * torch.exp(-sigma), ALPHA_MAX)
            present = (lists >= 0)[:, None, :].expand_as(alpha)
            used = present & (sigma >= 0) & (alpha >= ALPHA_MIN)
            running = torch.cumprod(torch.where(used, 1.0 - alpha, torch.ones_like(alpha)), -1)
            stopped = used & (running <= T_STOP)
            evaluated = present & ((torch.cumsum(stopped.int(), -1) - stopped.int()) == 0)
            inf = torch.full_like(alpha, math.inf)
            m_alpha = torch.where(evaluated & (sigma >= 0), (alpha / ALPHA_MIN - 1).abs(), inf)
            m_stop = torch.where(evaluated & used, (running / T_STOP - 1).abs(), inf)
            margin[chunk] = torch.minimum(m_alpha, m_stop).amin(-1)
        result.append(_untile(margin, tiles_x, tiles_y, width, height))
    return torch.stack(result)


# ----------------------------------------------------------------------------------- entry point
def rasterize(
    means: torch.Tensor,
    quats: torch.Tensor,
    scales: torch.Tensor,
    opacities: torch.Tensor,
    colors: torch.Tensor,
    viewmats: torch.Tensor,
    Ks: torch.Tensor,
    width: int,
    height: int,
    sh_degree: int | None = None,
    backgrounds: torch.Tensor | None = None,
    near_plane: float = 0.01,
    far_plane: float = 1e10,
    eps2d: float = 0.3,
    antialiased: bool = False,
    means2d_grad_sink: torch.Tensor | None = None,
):
    """Render N splats into C cameras (the backend interface shared with ``cpu`` and ``cuda``).

    Inputs use gsplat's conventions: ``means`` [N,3], ``quats`` [N,4] (w,x,y,z), linear ``scales`` [N,3]
    and ``opacities`` [N], ``colors`` [N,D] features or SH coefficients [N,K,3] when ``sh_degree`` is
    set, world-to-camera ``viewmats`` [C,4,4] (OpenCV axes), pixel intrinsics ``Ks`` [C,3,3],
    ``backgrounds`` [C,D]. ``means2d_grad_sink`` ([C,N,2], requires grad) receives dL/d(means2d).

    Returns ``(rgb [C,H,W,D], alpha [C,H,W,1], depth [C,H,W,1], meta)``; ``meta`` holds ``radii``
    [C,N,2] int32, ``depths`` [C,N], ``means2d`` [C,N,2] (detached), ``conics``, ``opacities`` (per view).
    """
    n_cams = viewmats.shape[0]
    proj = project(means, quats, scales, viewmats, Ks, width, height, eps2d, near_plane, far_plane)
    means2d, depths, radii = proj["means2d"], proj["depths"], proj["radii"]
    if means2d_grad_sink is not None:
        means2d = means2d + (means2d_grad_sink - means2d_grad_sink.detach())  # value-neutral, routes the gradient
    view_opacities = opacities[None, :].expand(n_cams, -1)
    if antialiased:
        view_opacities = view_opacities * proj["compensations"]
    if sh_degree is None:
        feats = colors[None].expand(n_cams, -1, -1)
    else:
        feats = sh_colors(colors, sh_degree, means, viewmats)

    rgbs, alphas, depth_maps = [], [], []
    for c in range(n_cams):
        # depth and a constant 1 ride along as two more channels: sum w_i z_i and sum w_i
        ones = torch.ones_like(depths[c][:, None])
        f = torch.cat([feats[c], depths[c][:, None], ones], -1)
        acc, t_final = composite(means2d[c], proj["conics"][c], view_opacities[c], f, radii[c], depths[c], width, height)
        rgb = acc[..., :-2]
        if backgrounds is not None:
            rgb = rgb + t_final[..., None] * backgrounds[c]
        rgbs.append(rgb)
        alphas.append(1.0 - t_final[..., None])
        # sum w_i equals 1 - T_final exactly; dividing by the sum keeps low-alpha depth accurate in float32
        depth_maps.append(acc[..., -2:-1] / acc[..., -1:].clamp(min=DEPTH_ALPHA_MIN))
    meta = {
        "radii": radii,
        "depths": depths,
        "means2d": proj["means2d"].detach(),
        "conics": proj["conics"],
        "opacities": view_opacities,
        "width": width,
        "height": height,
        "tile_size": TILE_SIZE,
    }
    return torch.stack(rgbs), torch.stack(alphas), torch.stack(depth_maps), meta
