"""The torch.autograd bridge shared by the compiled backends (``cpu``, ``cuda``): inputs to contiguous
float32 on the backend's device, output buffers, the state kept for the backward pass, and gradients
back in the caller's dtypes. A backend supplies only its two kernel calls:

* ``forward_kernel(args, bg, cfg, outs, stats) -> state``: ``args`` = float32 (means, quats, scales,
  opacities, colors, viewmats, Ks), ``outs`` = (rgb, alpha, depth, radii, means2d, depths, conics,
  opacities) to fill; puts its counters into ``stats``;
* ``backward_kernel(state, args, bg, v_rgb, v_alpha, v_depth, grads, v_bg, v_means2d)``: fills ``grads``
  (means, quats, scales, opacities, colors, viewmats), ``v_bg`` and ``v_means2d``.
"""

from __future__ import annotations

import torch


def f32(t: torch.Tensor, device) -> torch.Tensor:
    return t.detach().to(device=device, dtype=torch.float32).contiguous()


def forward(ctx, inputs: tuple, forward_kernel):
    means, quats, scales, opacities, colors, viewmats, Ks, backgrounds, means2d_grad_sink, cfg, stats = inputs
    width, height, sh_degree = cfg[0], cfg[1], cfg[2]
    dev = means.device
    C, N = viewmats.shape[0], means.shape[0]
    D = 3 if sh_degree is not None else colors.shape[-1]
    args = [f32(t, dev) for t in (means, quats, scales, opacities, colors, viewmats, Ks)]
    bg = f32(backgrounds, dev) if backgrounds is not None else None
    f = dict(dtype=torch.float32, device=dev)
    outs = (
        torch.empty(C, height, width, D, **f), torch.empty(C, height, width, 1, **f), torch.empty(C, height, width, 1, **f),
        torch.empty(C, N, 2, dtype=torch.int32, device=dev), torch.empty(C, N, 2, **f), torch.empty(C, N, **f),
        torch.empty(C, N, 3, **f), torch.empty(C, N, **f),
    )
    ctx.state = forward_kernel(args, bg, cfg, outs, stats)
    ctx.inputs = (args, bg)
    ctx.image = (C, height, width, D)
    ctx.dtypes = [t.dtype for t in (means, quats, scales, opacities, colors, viewmats)]
    ctx.bg_dtype = backgrounds.dtype if backgrounds is not None else None
    ctx.has_sink = means2d_grad_sink is not None
    rgb, alpha, depth, radii, means2d, depths, conics, opac = outs
    ctx.mark_non_differentiable(radii, means2d, depths, conics, opac)
    dt = means.dtype
    return rgb.to(dt), alpha.to(dt), depth.to(dt), radii, means2d, depths, conics, opac


def backward(ctx, v_rgb, v_alpha, v_depth, backward_kernel):
    args, bg = ctx.inputs
    dev = args[0].device
    C, H, W, D = ctx.image
    N = args[0].shape[0]

    def dense(g, shape):
        return f32(g, dev) if g is not None else torch.zeros(shape, dtype=torch.float32, device=dev)

    v_rgb = dense(v_rgb, (C, H, W, D))
    v_alpha = dense(v_alpha, (C, H, W, 1))
    v_depth = dense(v_depth, (C, H, W, 1))
    grads = [torch.empty_like(t) for t in args[:6]]  # means, quats, scales, opacities, colors, viewmats
    v_bg = torch.empty_like(bg) if bg is not None else None
    v_means2d = torch.empty(C, N, 2, dtype=torch.float32, device=dev)
    backward_kernel(ctx.state, args, bg, v_rgb, v_alpha, v_depth, grads, v_bg, v_means2d)
    needs = ctx.needs_input_grad
    grads = [g.to(dt) if needs[i] else None for i, (g, dt) in enumerate(zip(grads, ctx.dtypes))]
    v_bg = v_bg.to(ctx.bg_dtype) if (v_bg is not None and needs[7]) else None
    v_sink = v_means2d if (ctx.has_sink and needs[8]) else None
    return (*grads, None, v_bg, v_sink, None, None)
