"""gsplat 1.5.3's own PyTorch rasterizer, made to run on CPU: the independent oracle for our rasterizer.

``gsplat.rendering._rasterization`` is gsplat's autograd-only implementation (projection, SH, compositing
weights in torch), but in 1.5.3 it still calls four CUDA ops and nerfacc. This module replaces exactly
those with CPU versions written from the CUDA kernels' rules (docs/rasterizer.md describes them) and
otherwise runs gsplat's code unchanged:

* ``isect_tiles`` -> :func:`isect_tiles_cpu` (vectorised form of ``_torch_impl._isect_tiles``, same keys);
* ``isect_offset_encode`` -> ``_torch_impl._isect_offset_encode``;
* ``spherical_harmonics`` -> ``_torch_impl._spherical_harmonics`` with the visibility mask applied;
* ``_wrapper.rasterize_to_indices_in_range`` -> :func:`rasterize_to_indices_in_range_cpu`
  (``RasterizeToIndices3DGS.cu``'s per-pixel loop: skip sigma<0 or alpha<1/255, exclusive stop at T<=1e-4);
* ``_torch_impl.accumulate`` -> :func:`accumulate_cpu` (gsplat's maths; the segmented transmittance that
  nerfacc computes on CUDA is done here with a float64 log-space cumsum).

gsplat's CUDA entry points are never called; ``TORCH_EXTENSIONS_DIR`` is pointed at a temporary folder
in case anything tries to JIT-compile. Keep inputs float64 for gradient checks (a float32 cast anywhere
makes finite differences look wrong).
"""

from __future__ import annotations

import math
import os
import tempfile

import torch

os.environ.setdefault("TORCH_EXTENSIONS_DIR", tempfile.mkdtemp(prefix="spatial-torch-ext-"))

import gsplat.cuda._torch_impl as _ti  # noqa: E402
import gsplat.cuda._wrapper as _wr  # noqa: E402
import gsplat.rendering as _gr  # noqa: E402

_INSTALLED = False


@torch.no_grad()
def isect_tiles_cpu(
    means2d, radii, depths, tile_size, tile_width, tile_height, sort=True, segmented=False, packed=False,
    n_images=None, image_ids=None, gaussian_ids=None,
):
    """Tile/splat intersections with gsplat's 64-bit keys ``image | tile | float32 depth bits``."""
    if packed:
        raise NotImplementedError("packed mode is not part of the oracle")
    image_dims = means2d.shape[:-2]
    n = means2d.shape[-2]
    n_img = math.prod(image_dims)
    means2d = means2d.reshape(n_img, n, 2)
    radii = radii.reshape(n_img, n, 2)
    depths = depths.reshape(n_img, n)

    tile_means2d = means2d / tile_size
    tile_radii = radii / tile_size
    tile_mins = torch.floor(tile_means2d - tile_radii).int()
    tile_maxs = torch.ceil(tile_means2d + tile_radii).int()
    tile_mins[..., 0] = torch.clamp(tile_mins[..., 0], 0, tile_width)
    tile_mins[..., 1] = torch.clamp(tile_mins[..., 1], 0, tile_height)
    tile_maxs[..., 0] = torch.clamp(tile_maxs[..., 0], 0, tile_width)
    tile_maxs[..., 1] = torch.clamp(tile_maxs[..., 1], 0, tile_height)
    tiles_per_gauss = (tile_maxs - tile_mins).prod(dim=-1)
    tiles_per_gauss *= (radii > 0.0).all(dim=-1)

    counts = tiles_per_gauss.flatten().long()
    flat = torch.repeat_interleave(torch.arange(n_img * n), counts)  # flattened (image, gaussian) index
    start = torch.cumsum(counts, 0) - counts
    local = torch.arange(len(flat)) - start[flat]
    mins = tile_mins.reshape(-1, 2).long()[flat]
    box_w = (tile_maxs - tile_mins).reshape(-1, 2)[flat, 0].long()
    tile_id = (mins[:, 1] + local // box_w) * tile_width + (mins[:, 0] + local % box_w)
    image_id = flat // n
    depth_bits = depths.reshape(-1).float()[flat].view(torch.int32).long() & 0xFFFFFFFF

    tile_n_bits = (tile_width * tile_height).bit_length()
    assert n_img.bit_length() + tile_n_bits + 32 <= 64
    isect_ids = (image_id << (tile_n_bits + 32)) | (tile_id << 32) | depth_bits
    flatten_ids = flat.int()
    if sort:
        isect_ids, order = torch.sort(isect_ids, stable=True)
        flatten_ids = flatten_ids[order]
    return tiles_per_gauss.reshape(image_dims + (n,)).int(), isect_ids, flatten_ids


def isect_offset_encode_cpu(isect_ids, n_images, tile_width, tile_height):
    return _ti._isect_offset_encode(isect_ids, n_images, tile_width, tile_height)


def spherical_harmonics_cpu(degrees_to_use, dirs, coeffs, masks=None):
    out = _ti._spherical_harmonics(degrees_to_use, dirs, coeffs)
    if masks is not None:
        out = out * masks[..., None].to(out.dtype)  # the CUDA op writes zeros for masked-out splats
    return out


@torch.no_grad()
def rasterize_to_indices_in_range_cpu(
    range_start, range_end, transmittances, means2d, conics, opacities, image_width, image_height, tile_size,
    isect_offsets, flatten_ids,
):
    """(gaussian_ids, pixel_ids, image_ids) of contributing pairs in batches [range_start, range_end).

    Per pixel, as the kernel: start from ``transmittances``; walk the tile's list front to back in
    batches of tile_size^2; skip sigma<0 or alpha<1/255; stop before T*(1-alpha) <= 1e-4. Pairs are
    returned pixel-major (image, row-major pixel) and front to back within a pixel.
    """
    image_dims = means2d.shape[:-2]
    n = means2d.shape[-2]
    n_img = math.prod(image_dims)
    tile_h, tile_w = isect_offsets.shape[-2:]
    means2d = means2d.reshape(n_img * n, 2)
    conics = conics.reshape(n_img * n, 3)
    opacities = opacities.reshape(n_img * n)
    trans_img = transmittances.reshape(n_img, image_height * image_width)
    offsets = torch.cat([isect_offsets.reshape(-1).long(), torch.tensor([len(flatten_ids)])])
    block = tile_size * tile_size
    ly, lx = torch.meshgrid(torch.arange(tile_size), torch.arange(tile_size), indexing="ij")
    ly, lx = ly.reshape(-1), lx.reshape(-1)

    out_g, out_pix = [], []
    for t in range(n_img * tile_h * tile_w):
        lo, hi = int(offsets[t]), int(offsets[t + 1])
        n_batches = (hi - lo + block - 1) // block
        if range_start >= n_batches:
            continue
        lo, hi = lo + range_start * block, min(hi, lo + min(range_end, n_batches) * block)
        img, tid = divmod(t, tile_h * tile_w)
        ty, tx = divmod(tid, tile_w)
        i, j = ty * tile_size + ly, tx * tile_size + lx
        inside = (i < image_height) & (j < image_width)
        i, j = i[inside], j[inside]
        pix = i * image_width + j
        g = flatten_ids[lo:hi].long()
        dx = means2d[g, 0][None, :] - (j.to(means2d.dtype) + 0.5)[:, None]
        dy = means2d[g, 1][None, :] - (i.to(means2d.dtype) + 0.5)[:, None]
        con = conics[g]
        sigma = 0.5 * (con[:, 0] * dx * dx + con[:, 2] * dy * dy) + con[:, 1] * dx * dy
        alpha = torch.clamp_max(opacities[g][None, :] * torch.exp(-sigma), 0.999)
        ok = (sigma >= 0) & (alpha >= 1.0 / 255.0)
        factors = torch.cat([trans_img[img, pix][:, None].to(alpha.dtype), torch.where(ok, 1 - alpha, 1.0)], 1)
        next_t = torch.cumprod(factors, 1)[:, 1:]  # sequential T*(1-alpha), exactly as the kernel multiplies
        ok &= next_t > 1e-4  # T only shrinks, so everything after the first stop is excluded too
        rows, cols = torch.nonzero(ok, as_tuple=True)
        out_g.append(g[cols] % n)
        out_pix.append(img * image_height * image_width + pix[rows])
    if not out_g:
        e = torch.zeros(0, dtype=torch.int64)
        return e, e, e
    gs, pixes = torch.cat(out_g), torch.cat(out_pix)
    order = torch.sort(pixes, stable=True).indices  # pixel-major, front to back kept within a pixel
    gs, pixes = gs[order], pixes[order]
    return gs, pixes % (image_width * image_height), pixes // (image_width * image_height)


def accumulate_cpu(means2d, conics, opacities, colors, gaussian_ids, pixel_ids, image_ids, image_width, image_height):
    """gsplat's ``accumulate`` with nerfacc's segmented exclusive transmittance done in torch."""
    image_dims = means2d.shape[:-2]
    n_img = math.prod(image_dims)
    n = means2d.shape[-2]
    channels = colors.shape[-1]
    means2d = means2d.reshape(n_img, n, 2)
    conics = conics.reshape(n_img, n, 3)
    opacities = opacities.reshape(n_img, n)
    colors = colors.reshape(n_img, n, channels)

    pixel_ids_x = pixel_ids % image_width
    pixel_ids_y = pixel_ids // image_width
    pixel_coords = torch.stack([pixel_ids_x, pixel_ids_y], dim=-1) + 0.5
    deltas = pixel_coords - means2d[image_ids, gaussian_ids]
    c = conics[image_ids, gaussian_ids]
    sigmas = 0.5 * (c[:, 0] * deltas[:, 0] ** 2 + c[:, 2] * deltas[:, 1] ** 2) + c[:, 1] * deltas[:, 0] * deltas[:, 1]
    alphas = torch.clamp_max(opacities[image_ids, gaussian_ids] * torch.exp(-sigmas), 0.999)

    indices = image_ids * image_height * image_width + pixel_ids
    total = n_img * image_height * image_width
    # exclusive product of (1 - alpha) within each ray (pairs are sorted by ray, front to back)
    log1m = torch.log1p(-alphas.double())
    incl = torch.cumsum(log1m, 0)
    excl = incl - log1m
    first = torch.ones_like(indices, dtype=torch.bool)
    first[1:] = indices[1:] != indices[:-1]
    seg = torch.cumsum(first.long(), 0) - 1
    seg_base = excl[first][seg]
    trans = torch.exp(excl - seg_base).to(alphas.dtype)
    weights = alphas * trans

    renders = torch.zeros(total, channels, dtype=colors.dtype).index_add(0, indices, weights[:, None] * colors[image_ids, gaussian_ids])
    accs = torch.zeros(total, 1, dtype=weights.dtype).index_add(0, indices, weights[:, None])
    return (renders.reshape(image_dims + (image_height, image_width, channels)),
            accs.reshape(image_dims + (image_height, image_width, 1)))


def install_cpu_shims() -> None:
    """Monkeypatch the five gsplat attributes that need CUDA (idempotent)."""
    global _INSTALLED
    _gr.isect_tiles = isect_tiles_cpu
    _gr.isect_offset_encode = isect_offset_encode_cpu
    _gr.spherical_harmonics = spherical_harmonics_cpu
    _wr.rasterize_to_indices_in_range = rasterize_to_indices_in_range_cpu
    _ti.accumulate = accumulate_cpu
    _INSTALLED = True


def render_oracle(means, quats, scales, opacities, colors, viewmats, Ks, width, height, sh_degree=None,
                  backgrounds=None, near_plane=0.01, far_plane=1e10, eps2d=0.3, rasterize_mode="classic"):
    """gsplat's ``_rasterization`` on CPU: (rgb [C,H,W,D], alpha [C,H,W,1], expected depth [C,H,W,1], meta)."""
    install_cpu_shims()
    out, alpha, meta = _gr._rasterization(
        means, quats, scales, opacities, colors, viewmats, Ks, width, height,
        near_plane=near_plane, far_plane=far_plane, eps2d=eps2d, sh_degree=sh_degree, tile_size=16,
        backgrounds=backgrounds, render_mode="RGB+ED", rasterize_mode=rasterize_mode,
        channel_chunk=10_000,
    )
    return out[..., :-1], alpha, out[..., -1:], meta
