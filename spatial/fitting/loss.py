"""The photometric training loss: ``(1 - lambda) L1 + lambda (1 - SSIM)`` with a fused SSIM.

SSIM is 3DGS's (11x11 Gaussian window, sigma 1.5, zero padding, C1 = 0.01^2, C2 = 0.03^2; the
same numbers as :func:`spatial.fitting.metrics.ssim`), but for training it runs as one autograd node
with an analytic gradient (as in the fused-ssim CUDA kernel of Taming 3DGS):

* forward: the target's filtered mean and second moment are cached per view, so only
  ``[x, x^2, x*y]`` are filtered (one separable pass over the stacked ``[3C, H, W]`` maps);
* backward: with ``S = A B / (Cc D)`` (``A = 2 mu_x mu_y + C1``, ``B = 2 s_xy + C2``,
  ``Cc = mu_x^2 + mu_y^2 + C1``, ``D = s_xx + s_yy + C2``) the gradient is
  ``dL/dx = G*(P1) + 2 x G*(P2) + y G*(P3)`` with ``P1 = w S (2 mu_y (1/A - 1/B) + 2 mu_x (1/D - 1/Cc))``,
  ``P2 = -w S / D``, ``P3 = 2 w S / B`` (``w`` the per-pixel weight of the mean, ``G*`` the same
  zero-padded Gaussian filter, which is its own adjoint) - a second filtering of three stacked maps,
  instead of autograd through five convolutions and a dozen element-wise nodes.

The filter is :func:`spatial.fitting.metrics.gaussian_blur` (exact separable 11-tap Gaussian). On the CPU in
float32 the same two steps run as one C++ kernel each (``spatial._C.ssim_forward`` / ``ssim_backward``,
``cuda_ext/src/cpu/ssim.cpp``: filtering and the per-pixel formulas fused, ~30 tensor ops fewer); the
torch code below is the same math for every other device and dtype, and the kernel's test oracle.
"""

from __future__ import annotations

import torch

from .metrics import C1, C2, gaussian_blur, target_stats

__all__ = ["photometric_loss", "ssim_loss_value", "target_stats"]


def _cpu_kernels():
    try:
        from spatial import _C
    except ImportError:
        return None
    return _C if hasattr(_C, "ssim_forward") else None


_C = _cpu_kernels()


def _use_cpu_kernel(*tensors: torch.Tensor) -> bool:
    return _C is not None and all(t.device.type == "cpu" and t.dtype == torch.float32 for t in tensors)


class _FusedSSIM(torch.autograd.Function):
    """Weighted mean SSIM of ``x`` against a fixed ``y`` (both ``[C,H,W]``); differentiable in ``x``."""

    @staticmethod
    def forward(ctx, x, y, mu_y, eyy, weight, use_kernel=None):
        c = x.shape[0]
        ctx.kernel = _use_cpu_kernel(x, y, mu_y, eyy, weight) if use_kernel is None else bool(use_kernel)
        if ctx.kernel:
            x, y, mu_y, eyy, weight = (t.detach().contiguous() for t in (x, y, mu_y, eyy, weight))
            p = torch.empty((3 * c,) + tuple(x.shape[1:]), dtype=torch.float32) if ctx.needs_input_grad[0] else None
            value = _C.ssim_forward(x, y, mu_y, eyy, weight, p)
            if p is not None:
                ctx.save_for_backward(x, y, p)
            return torch.tensor(value, dtype=x.dtype)
        with torch.no_grad():
            mu_x, exx, exy = gaussian_blur(torch.cat([x, x * x, x * y])).split(c)
            mu_x2 = mu_x * mu_x
            mu_xy = mu_x * mu_y
            a = 2 * mu_xy + C1
            b = 2 * (exy - mu_xy) + C2
            cc = mu_x2 + mu_y * mu_y + C1
            d = (exx - mu_x2) + (eyy - mu_y * mu_y) + C2
            s = a * b / (cc * d)
            ws = s * weight
            value = ws.sum()
            if ctx.needs_input_grad[0]:
                p1 = 2 * ws * (mu_y * (1 / a - 1 / b) + mu_x * (1 / d - 1 / cc))
                ctx.save_for_backward(x, y, torch.cat([p1, -ws / d, 2 * ws / b]))
        return value

    @staticmethod
    def backward(ctx, grad):
        x, y, p = ctx.saved_tensors
        if ctx.kernel:
            dx = torch.empty_like(x)
            _C.ssim_backward(p, x, y, float(grad), dx)
            return dx, None, None, None, None, None
        g1, g2, g3 = gaussian_blur(p).split(x.shape[0])
        dx = grad * (g1 + 2 * x * g2 + y * g3)
        return dx, None, None, None, None, None


def ssim_loss_value(pred: torch.Tensor, gt: torch.Tensor, mask: torch.Tensor | None = None, gt_stats=None) -> torch.Tensor:
    """Mean SSIM of ``pred`` against ``gt`` (``[H,W,C]``; over ``mask`` [H,W] when given), fused and
    differentiable in ``pred``. ``gt_stats``: cached :func:`~spatial.fitting.metrics.target_stats` of ``gt``."""
    x = pred.permute(2, 0, 1)
    y = gt.permute(2, 0, 1).to(x.dtype)
    if gt_stats is None:
        gt_stats = target_stats(gt)
    mu_y, eyy = (t.reshape(y.shape).to(x.dtype) for t in gt_stats)
    c, h, w = x.shape
    if mask is None:
        weight = torch.full((1, 1, 1), 1.0 / (c * h * w), dtype=x.dtype)
    else:
        m = mask.to(x.dtype)
        weight = (m / (c * m.sum().clamp_min(1e-12)))[None]
    return _FusedSSIM.apply(x.contiguous(), y.contiguous(), mu_y, eyy, weight)


def _masked_l1(pred, gt, mask):
    d = (pred - gt).abs()
    if mask is None:
        return d.mean()
    m = mask[..., None].expand_as(d)
    return (d * m).sum() / m.sum().clamp_min(1e-12)


def photometric_loss(pred: torch.Tensor, gt: torch.Tensor, mask: torch.Tensor | None = None, ssim_lambda: float = 0.2,
                     gt_stats=None) -> tuple[torch.Tensor, torch.Tensor]:
    """``(1 - lambda) L1 + lambda (1 - SSIM)`` on ``[H,W,3]`` images (over ``mask`` [H,W] when given);
    returns ``(loss, l1)``. ``gt_stats``: cached :func:`~spatial.fitting.metrics.target_stats` of ``gt``."""
    l1 = _masked_l1(pred, gt, mask)
    if ssim_lambda > 0:
        s = ssim_loss_value(pred, gt, mask, gt_stats)
        return (1 - ssim_lambda) * l1 + ssim_lambda * (1 - s), l1
    return l1, l1
