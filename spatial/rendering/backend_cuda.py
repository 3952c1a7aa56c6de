"""``cuda`` backend: the CUDA kernels in ``spatial._C`` (cuda_ext/src/cuda), with autograd.

Built when nvcc was found at install time (``SPATIAL_CUDA=auto|ON``); usable when a CUDA device and a
CUDA build of torch are present. Same math headers as the ``cpu`` backend (cuda_ext/include/spatial),
same interface and semantics (see ``docs/kernels.md``). Tensors cross as DLPack arrays; kernels run on
torch's current stream. Colour features are limited to 32 channels.
"""

from __future__ import annotations

import torch

from . import compiled_autograd

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


def _stream(device) -> int:
    return torch.cuda.current_stream(device).cuda_stream


def _forward_kernel(args, bg, cfg, outs, stats):
    width, height, sh_degree, near_plane, far_plane, eps2d, antialiased = cfg
    state = _C.cuda_forward(
        *args, bg, width, height, -1 if sh_degree is None else int(sh_degree), float(near_plane), float(far_plane),
        float(eps2d), bool(antialiased), *outs, _stream(args[0].device),
    )
    stats["n_isects"] = state.n_isects
    return state


def _backward_kernel(state, args, bg, v_rgb, v_alpha, v_depth, grads, v_bg, v_means2d):
    _C.cuda_backward(state, *args, bg, v_rgb, v_alpha, v_depth, *grads, v_bg, v_means2d, _stream(args[0].device))


class _RasterizeCUDA(torch.autograd.Function):
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
