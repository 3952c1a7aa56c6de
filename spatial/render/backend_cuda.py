"""``cuda`` backend: the CUDA kernels in ``spatial._C`` (cuda_ext/src/cuda), with autograd.

Built when nvcc was found at install time (``SPATIAL_CUDA=auto|ON``); usable when a CUDA device and a
CUDA build of torch are present. Same math headers as the ``cpu`` backend (cuda_ext/include/spatial),
same interface and semantics (see ``docs/kernels.md``). Tensors cross as DLPack arrays; kernels run on
torch's current stream. Colour features are limited to 32 channels.
"""

from __future__ import annotations

import torch

supports_viewmat_grad = True  # gradients flow to viewmats (camera pose)
MAX_CHANNELS = 32

try:
    from .. import _C
except ImportError:  # the package was installed without a compiler
    _C = None


def _built() -> bool:
    return _C is not None and bool(_C.has_cuda())


def is_available() -> bool:
    return _built() and torch.cuda.is_available() and _C.cuda_device_count() > 0


def unavailable_reason() -> str:
    if _C is None:
        return "the compiled extension spatial._C is not built"
    if not _C.has_cuda():
        return "spatial._C was built without CUDA (nvcc not found at install time; reinstall with SPATIAL_CUDA=ON)"
    if not torch.cuda.is_available():
        return "torch has no CUDA device here (CPU build of torch or no GPU)"
    return "no CUDA device visible to the CUDA runtime"


def description() -> str:
    if not _built():
        return "CUDA kernels (not built)"
    info = _C.build_info()
    return f"CUDA kernels (CUDA {info['cuda_version']}, sm {info['cuda_architectures']})"


def _f32(t: torch.Tensor, device) -> torch.Tensor:
    return t.detach().to(device=device, dtype=torch.float32).contiguous()


class _RasterizeCUDA(torch.autograd.Function):
    @staticmethod
    def forward(ctx, means, quats, scales, opacities, colors, viewmats, Ks, backgrounds, means2d_grad_sink, cfg, stats):
        width, height, sh_degree, near_plane, far_plane, eps2d, antialiased = cfg
        dev = means.device
        C, N = viewmats.shape[0], means.shape[0]
        D = 3 if sh_degree is not None else colors.shape[-1]
        args = [_f32(t, dev) for t in (means, quats, scales, opacities, colors, viewmats, Ks)]
        bg = _f32(backgrounds, dev) if backgrounds is not None else None
        f32 = dict(dtype=torch.float32, device=dev)
        rgb = torch.empty(C, height, width, D, **f32)
        alpha = torch.empty(C, height, width, 1, **f32)
        depth = torch.empty(C, height, width, 1, **f32)
        radii = torch.empty(C, N, 2, dtype=torch.int32, device=dev)
        means2d = torch.empty(C, N, 2, **f32)
        depths = torch.empty(C, N, **f32)
        conics = torch.empty(C, N, 3, **f32)
        opac = torch.empty(C, N, **f32)
        stream = torch.cuda.current_stream(dev).cuda_stream
        state = _C.cuda_forward(
            *args, bg, width, height, -1 if sh_degree is None else int(sh_degree), float(near_plane), float(far_plane),
            float(eps2d), bool(antialiased), rgb, alpha, depth, radii, means2d, depths, conics, opac, stream,
        )
        stats["n_isects"] = state.n_isects
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
        dev = args[0].device
        C, H, W, D = ctx.image
        N = args[0].shape[0]

        def dense(g, shape):
            return _f32(g, dev) if g is not None else torch.zeros(shape, dtype=torch.float32, device=dev)

        v_rgb = dense(v_rgb, (C, H, W, D))
        v_alpha = dense(v_alpha, (C, H, W, 1))
        v_depth = dense(v_depth, (C, H, W, 1))
        outs = [torch.empty_like(t) for t in args[:6]]
        v_bg = torch.empty_like(bg) if bg is not None else None
        v_means2d = torch.empty(C, N, 2, dtype=torch.float32, device=dev)
        stream = torch.cuda.current_stream(dev).cuda_stream
        _C.cuda_backward(ctx.state, *args, bg, v_rgb, v_alpha, v_depth, *outs, v_bg, v_means2d, stream)
        needs = ctx.needs_input_grad
        grads = [g.to(dt) if needs[i] else None for i, (g, dt) in enumerate(zip(outs, ctx.dtypes))]
        v_bg = v_bg.to(ctx.bg_dtype) if (v_bg is not None and needs[7]) else None
        v_sink = v_means2d if (ctx.has_sink and needs[8]) else None
        return (*grads, None, v_bg, v_sink, None, None)


def rasterize(
    means, quats, scales, opacities, colors, viewmats, Ks, width, height, sh_degree=None, backgrounds=None,
    near_plane=0.01, far_plane=1e10, eps2d=0.3, antialiased=False, means2d_grad_sink=None,
):
    """Render C cameras on the GPU; returns ``(rgb [C,H,W,D], alpha [C,H,W,1], depth [C,H,W,1], meta)``.

    ``meta``: ``radii`` [C,N,2] int32, ``means2d`` [C,N,2], ``depths`` [C,N], ``conics`` [C,N,3],
    ``opacities`` [C,N] (after the antialias compensation), all detached; ``n_isects``.
    """
    if not is_available():
        raise RuntimeError(unavailable_reason())
    if means.device.type != "cuda":
        raise ValueError("the cuda backend needs CUDA tensors")
    D = 3 if sh_degree is not None else colors.shape[-1]
    if D > MAX_CHANNELS:
        raise ValueError(f"the cuda backend supports at most {MAX_CHANNELS} colour channels, got {D}")
    cfg = (int(width), int(height), sh_degree, near_plane, far_plane, eps2d, bool(antialiased))
    stats: dict = {}
    with torch.cuda.device(means.device):
        rgb, alpha, depth, radii, means2d, depths, conics, opac = _RasterizeCUDA.apply(
            means, quats, scales, opacities, colors, viewmats, Ks, backgrounds, means2d_grad_sink, cfg, stats
        )
    meta = {
        "radii": radii, "means2d": means2d, "depths": depths, "conics": conics, "opacities": opac,
        "n_isects": int(stats["n_isects"]),
    }
    return rgb, alpha, depth, meta
