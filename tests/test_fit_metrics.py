"""PSNR and SSIM against independent computations."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from spatial.fitting import metrics


def test_psnr_known_values():
    a = torch.zeros(8, 8, 3)
    b = torch.full((8, 8, 3), 0.1)
    assert metrics.psnr(a, b) == pytest.approx(20.0, abs=1e-4)
    assert metrics.psnr(a, a) == math.inf
    mask = torch.zeros(8, 8)
    mask[:4] = 1
    b2 = b.clone()
    b2[4:] = 1.0  # ignored by the mask
    assert metrics.psnr(a, b2, mask) == pytest.approx(20.0, abs=1e-4)


def test_ssim_matches_scipy_gaussian_filter():
    from scipy.ndimage import gaussian_filter

    rng = np.random.default_rng(0)
    x = rng.random((40, 50, 3)).astype(np.float64)
    y = np.clip(x + rng.normal(scale=0.1, size=x.shape), 0, 1)
    # 3DGS SSIM: 11x11 Gaussian window (sigma 1.5), zero padding, per channel, mean over everything
    def filt(img):
        return np.stack([gaussian_filter(img[..., c], 1.5, mode="constant", cval=0.0, truncate=5 / 1.5) for c in range(3)], -1)

    mx, my = filt(x), filt(y)
    sxx, syy, sxy = filt(x * x) - mx**2, filt(y * y) - my**2, filt(x * y) - mx * my
    c1, c2 = 0.01**2, 0.03**2
    ref = (((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx**2 + my**2 + c1) * (sxx + syy + c2))).mean()
    got = float(metrics.ssim(torch.tensor(x), torch.tensor(y)))
    assert got == pytest.approx(ref, abs=1e-6)
    assert float(metrics.ssim(torch.tensor(x), torch.tensor(x))) == pytest.approx(1.0, abs=1e-6)


def test_ssim_is_differentiable_and_batched():
    a = torch.rand(2, 16, 16, 3, requires_grad=True)
    b = torch.rand(2, 16, 16, 3)
    s = metrics.ssim(a, b)
    s.backward()
    assert a.grad is not None and torch.isfinite(a.grad).all()


def test_image_metrics_and_lpips_policy():
    a = torch.rand(16, 16, 3)
    m = metrics.image_metrics(a, a, with_lpips=True)
    assert m["psnr"] == math.inf and m["ssim"] == pytest.approx(1.0)
    if not metrics.lpips_available():
        assert m["lpips"] is None


def test_cached_target_stats_give_the_same_ssim():
    a, b = torch.rand(20, 30, 3), torch.rand(20, 30, 3)
    assert float(metrics.ssim(a, b, stats=metrics.target_stats(b))) == pytest.approx(float(metrics.ssim(a, b)), abs=1e-7)


def test_separable_blur_equals_the_2d_gaussian_window():
    import torch.nn.functional as F

    x = torch.rand(2, 3, 19, 23, dtype=torch.float64)
    g = torch.tensor(metrics.gaussian_taps(11, 1.5), dtype=torch.float64)
    w = (g[:, None] * g[None, :]).expand(3, 1, 11, 11)
    ref = F.conv2d(x, w, padding=5, groups=3)
    assert torch.allclose(metrics.gaussian_blur(x), ref, atol=1e-12)


@pytest.mark.parametrize("masked", [False, True])
def test_fused_training_ssim_matches_autograd_ssim(masked):
    from spatial.fitting.loss import photometric_loss, ssim_loss_value

    g = torch.Generator().manual_seed(1)
    a = torch.rand(21, 17, 3, dtype=torch.float64, generator=g)
    b = torch.rand(21, 17, 3, dtype=torch.float64, generator=g)
    mask = (torch.rand(21, 17, generator=g) > 0.3).double() if masked else None
    x1, x2 = a.clone().requires_grad_(True), a.clone().requires_grad_(True)
    ref = metrics.ssim(x1, b, mask)
    ref.backward()
    got = ssim_loss_value(x2, b, mask, metrics.target_stats(b))
    got.backward()
    assert float(got.detach()) == pytest.approx(float(ref.detach()), abs=1e-12)
    assert torch.allclose(x2.grad, x1.grad, atol=1e-14, rtol=1e-9)
    small_b, small_m = b[:9, :8], None if mask is None else mask[:9, :8]
    assert torch.autograd.gradcheck(lambda x: ssim_loss_value(x, small_b, small_m), (a[:9, :8].clone().requires_grad_(True),))
    loss, l1 = photometric_loss(x2.detach(), b, mask, 0.2)
    assert float(loss) == pytest.approx(0.8 * float(l1) + 0.2 * (1 - float(ref.detach())), abs=1e-12)


@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("shape", [(37, 53, 3), (6, 9, 3), (40, 31, 1), (256, 256, 3)])
def test_cpu_ssim_kernel_matches_the_torch_path(shape, masked):
    """The C++ SSIM (CPU, float32) against the same math in torch: value and gradient, images smaller
    than the window, one channel, masks."""
    from spatial.fitting import loss

    if loss._C is None:
        pytest.skip("the compiled extension spatial._C is not built")
    h, w, c = shape
    g = torch.Generator().manual_seed(h * w + c)
    x = torch.rand(c, h, w, generator=g)
    y = torch.rand(c, h, w, generator=g)
    mu_y, eyy = (t.reshape(y.shape).contiguous() for t in metrics.target_stats(y.permute(1, 2, 0)))
    if masked:
        m = (torch.rand(h, w, generator=g) > 0.3).float()
        weight = (m / (c * m.sum().clamp_min(1e-12)))[None]
    else:
        weight = torch.full((1, 1, 1), 1.0 / (c * h * w))
    out = {}
    for use_kernel in (True, False):
        xi = x.clone().requires_grad_(True)
        v = loss._FusedSSIM.apply(xi, y, mu_y, eyy, weight, use_kernel)
        v.backward()
        out[use_kernel] = (float(v.detach()), xi.grad)
    (v_k, g_k), (v_t, g_t) = out[True], out[False]
    assert v_k == pytest.approx(v_t, rel=1e-5, abs=1e-7)
    assert torch.allclose(g_k, g_t, rtol=1e-4, atol=1e-5 * float(g_t.abs().max()))
    assert float(g_t.abs().max()) > 0
    # and through the public entry, which picks the kernel for CPU float32
    x3 = x.permute(1, 2, 0).clone().requires_grad_(True)
    v3 = loss.ssim_loss_value(x3, y.permute(1, 2, 0), None if not masked else m)
    v3.backward()
    assert float(v3.detach()) == pytest.approx(v_t, rel=1e-5, abs=1e-7)
    assert torch.allclose(x3.grad.permute(2, 0, 1), g_t, rtol=1e-4, atol=1e-5 * float(g_t.abs().max()))
