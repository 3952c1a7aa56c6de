"""``gsplat`` backend: delegate to the gsplat package's CUDA rasterizer (only where a CUDA device exists).

Same interface as the other backends. gsplat's CUDA path differs from the reference in one pinned way
that does not change pixels: it uses opacity-aware radii (fewer tile intersections); ``meta["radii"]``
therefore can be smaller than the reference's. Everything else (0.3 px blur, antialiased compensation,
0.999 clamp, skip and stop rules, pixel centres, expected depth) is the same semantics.
"""

from __future__ import annotations

import importlib.util

import torch


def is_available() -> bool:
    return torch.cuda.is_available() and importlib.util.find_spec("gsplat") is not None


def unavailable_reason() -> str:
    if importlib.util.find_spec("gsplat") is None:
        return "the gsplat package is not installed"
    return "needs a CUDA device (gsplat has no CPU kernels)"


def description() -> str:
    try:
        from importlib.metadata import version

        v = version("gsplat")
    except Exception:
        v = "?"
    return f"gsplat {v} CUDA kernels (delegated)"


def rasterize(
    means, quats, scales, opacities, colors, viewmats, Ks, width, height, sh_degree=None, backgrounds=None,
    near_plane=0.01, far_plane=1e10, eps2d=0.3, antialiased=False, means2d_grad_sink=None,
):
    from gsplat.rendering import rasterization

    out, alpha, meta = rasterization(
        means, quats, scales, opacities, colors, viewmats, Ks, width, height,
        near_plane=near_plane, far_plane=far_plane, eps2d=eps2d, sh_degree=sh_degree,
        backgrounds=backgrounds, render_mode="RGB+ED", packed=False,  # gsplat appends the depth channel's zero bg
        rasterize_mode="antialiased" if antialiased else "classic",
    )
    if means2d_grad_sink is not None and meta["means2d"].requires_grad:
        sink = means2d_grad_sink

        def _route(grad):  # gsplat's means2d is internal: hand its gradient to the sink
            sink.grad = grad.detach().clone() if sink.grad is None else sink.grad + grad.detach()
            return grad

        meta["means2d"].register_hook(_route)
    meta = dict(meta)
    meta["means2d"] = meta["means2d"].detach()
    return out[..., :-1], alpha, out[..., -1:], meta
