"""``cpu`` backend: the compiled C++ tile rasterizer in ``spatial._C`` (cuda_ext/src/cpu), with autograd.

Same semantics as :mod:`spatial.render.reference` (gsplat 1.5.3): see ``docs/kernels.md``. Tensors cross
into C++ as DLPack arrays (no libtorch ABI); the kernels run in float32 with double-precision
per-splat projection, multithreaded over 16x16 tiles.

Differentiable w.r.t. means, quats, scales, opacities, colours / SH, viewmats and backgrounds; the
screen-space gradient d loss / d means2d goes to ``means2d_grad_sink`` when given.
"""

from __future__ import annotations

import torch

supports_viewmat_grad = True  # gradients flow to viewmats (camera pose)

try:
    from .. import _C
except ImportError:  # the package was installed without a compiler
    _C = None


def is_available() -> bool:
    return _C is not None


def unavailable_reason() -> str:
    return "the compiled extension spatial._C is not built (install with a C++ compiler and CMake)"


def description() -> str:
    if _C is None:
        return "C++ CPU kernels (not built)"
    info = _C.build_info()
    return f"C++ CPU kernels, {info['cpu_threads']} threads, {info['cpu_simd']}"


def set_num_threads(n: int) -> None:
    """Threads used by the CPU kernels; ``n <= 0`` means all hardware threads (the default).

    The env var ``SPATIAL_NUM_THREADS`` sets the initial value.
    """
    _require().set_num_threads(int(n))


def get_num_threads() -> int:
    return _require().get_num_threads()


def _require():
    if _C is None:
        raise RuntimeError(unavailable_reason())
    return _C


def _f32(t: torch.Tensor) -> torch.Tensor:
    return t.detach().to(device="cpu", dtype=torch.float32).contiguous()


class _RasterizeCPU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, means, quats, scales, opacities, colors, viewmats, Ks, backgrounds, means2d_grad_sink, cfg, stats):
        width, height, sh_degree, near_plane, far_plane, eps2d, antialiased = cfg
        C, N = viewmats.shape[0], means.shape[0]
        D = 3 if sh_degree is not None else colors.shape[-1]
        args = [_f32(t) for t in (means, quats, scales, opacities, colors, viewmats, Ks)]
        bg = _f32(backgrounds) if backgrounds is not None else None
        f32 = dict(dtype=torch.float32)
        rgb = torch.empty(C, height, width, D, **f32)
        alpha = torch.empty(C, height, width, 1, **f32)
        depth = torch.empty(C, height, width, 1, **f32)
        radii = torch.empty(C, N, 2, dtype=torch.int32)
        means2d = torch.empty(C, N, 2, **f32)
        depths = torch.empty(C, N, **f32)
        conics = torch.empty(C, N, 3, **f32)
        opac = torch.empty(C, N, **f32)
        state = _C.cpu_forward(
            *args, bg, width, height, -1 if sh_degree is None else int(sh_degree), float(near_plane), float(far_plane),
            float(eps2d), bool(antialiased), rgb, alpha, depth, radii, means2d, depths, conics, opac,
        )
        stats["n_isects"] = state.n_isects
        stats["n_evaluated"] = state.n_evaluated_fwd
        ctx.state = state
        ctx.inputs = (args, bg)
        ctx.image = (C, height, width, D)
        ctx.dtypes = [t.dtype for t in (means, quats, scales, opacities, colors, viewmats)]
        ctx.bg_dtype = backgrounds.dtype if backgrounds is not None else None
        ctx.has_sink = means2d_grad_sink is not None
        ctx.mark_non_differentiable(radii, means2d, depths, conics, opac)
        dt = means.dtype
        return rgb.to(dt), alpha.to(dt), depth.to(dt), radii, means2d, depths, conics, opac

    @staticmethod
    def backward(ctx, v_rgb, v_alpha, v_depth, *_):
        args, bg = ctx.inputs
        C, H, W, D = ctx.image
        N = args[0].shape[0]

        def dense(g, shape):
            return _f32(g) if g is not None else torch.zeros(shape, dtype=torch.float32)

        v_rgb = dense(v_rgb, (C, H, W, D))
        v_alpha = dense(v_alpha, (C, H, W, 1))
        v_depth = dense(v_depth, (C, H, W, 1))
        outs = [torch.empty_like(t) for t in args[:6]]  # means, quats, scales, opacities, colors, viewmats
        v_bg = torch.empty_like(bg) if bg is not None else None
        v_means2d = torch.empty(C, N, 2, dtype=torch.float32)
        _C.cpu_backward(ctx.state, *args, bg, v_rgb, v_alpha, v_depth, *outs, v_bg, v_means2d)
        needs = ctx.needs_input_grad
        grads = [g.to(dt) if needs[i] else None for i, (g, dt) in enumerate(zip(outs, ctx.dtypes))]
        v_bg = v_bg.to(ctx.bg_dtype) if (v_bg is not None and needs[7]) else None
        v_sink = v_means2d if (ctx.has_sink and needs[8]) else None
        return (*grads, None, v_bg, v_sink, None, None)


def rasterize(
    means, quats, scales, opacities, colors, viewmats, Ks, width, height, sh_degree=None, backgrounds=None,
    near_plane=0.01, far_plane=1e10, eps2d=0.3, antialiased=False, means2d_grad_sink=None,
):
    """Render C cameras; returns ``(rgb [C,H,W,D], alpha [C,H,W,1], depth [C,H,W,1], meta)``.

    ``meta``: ``radii`` [C,N,2] int32, ``means2d`` [C,N,2], ``depths`` [C,N], ``conics`` [C,N,3],
    ``opacities`` [C,N] (after the antialias compensation), all detached; ``n_isects`` (tile
    intersections) and ``n_evaluated`` ((pixel, splat) pairs the forward pass evaluated).
    """
    _require()
    if means.device.type != "cpu":
        raise ValueError("the cpu backend needs CPU tensors")
    cfg = (int(width), int(height), sh_degree, near_plane, far_plane, eps2d, bool(antialiased))
    stats: dict = {}
    rgb, alpha, depth, radii, means2d, depths, conics, opac = _RasterizeCPU.apply(
        means, quats, scales, opacities, colors, viewmats, Ks, backgrounds, means2d_grad_sink, cfg, stats
    )
    meta = {
        "radii": radii, "means2d": means2d, "depths": depths, "conics": conics, "opacities": opac,
        "n_isects": int(stats["n_isects"]), "n_evaluated": int(stats["n_evaluated"]),
    }
    return rgb, alpha, depth, meta
