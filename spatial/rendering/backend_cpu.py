"""``cpu`` backend: the compiled C++ tile rasterizer in ``spatial._C`` (cuda_ext/src/cpu), with autograd.

Same semantics as :mod:`spatial.rendering.reference` (gsplat 1.5.3): see ``docs/kernels.md``. Tensors cross
into C++ as DLPack arrays (no libtorch ABI); the kernels run in float32 with double-precision
per-splat projection, multithreaded over 16x16 tiles.

Differentiable w.r.t. means, quats, scales, opacities, colours / SH, viewmats and backgrounds; the
screen-space gradient d loss / d means2d goes to ``means2d_grad_sink`` when given.
"""

from __future__ import annotations

import torch

from . import compiled_autograd

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


def _forward_kernel(args, bg, cfg, outs, stats):
    width, height, sh_degree, near_plane, far_plane, eps2d, antialiased = cfg
    state = _C.cpu_forward(
        *args, bg, width, height, -1 if sh_degree is None else int(sh_degree), float(near_plane), float(far_plane),
        float(eps2d), bool(antialiased), *outs,
    )
    stats["n_isects"] = state.n_isects
    stats["n_evaluated"] = state.n_evaluated_fwd
    return state


def _backward_kernel(state, args, bg, v_rgb, v_alpha, v_depth, grads, v_bg, v_means2d):
    _C.cpu_backward(state, *args, bg, v_rgb, v_alpha, v_depth, *grads, v_bg, v_means2d)


class _RasterizeCPU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, *inputs):
        return compiled_autograd.forward(ctx, inputs, _forward_kernel)

    @staticmethod
    def backward(ctx, v_rgb, v_alpha, v_depth, *_):
        return compiled_autograd.backward(ctx, v_rgb, v_alpha, v_depth, _backward_kernel)


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
