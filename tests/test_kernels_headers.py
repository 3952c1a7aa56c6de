"""Host-side tests of the shared kernel math (cuda_ext/include/spatial/*.h).

The compiled module exposes a few header functions through ``_C._test_fn(name, x, extra)`` and their
hand-written VJPs through ``_C._test_vjp(name, x, extra, v_y)``; both are checked here against float64
PyTorch (autograd for the VJPs), using gsplat 1.5.3's own PyTorch functions as the oracle where one exists.
The same headers are compiled by nvcc for the CUDA backend, so this covers its math too.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

_C = pytest.importorskip("spatial._C", reason="the compiled extension spatial._C is not built")

gsplat_torch = pytest.importorskip("gsplat.cuda._torch_impl")

DT = torch.float64


def run(name, x, extra=()):
    x32 = np.ascontiguousarray(np.asarray(x, dtype=np.float32))
    e32 = np.ascontiguousarray(np.asarray(extra, dtype=np.float32).reshape(-1))
    return torch.from_numpy(np.array(_C._test_fn(name, x32, e32))).to(DT)


def run_vjp(name, x, v, extra=()):
    x32 = np.ascontiguousarray(np.asarray(x, dtype=np.float32))
    e32 = np.ascontiguousarray(np.asarray(extra, dtype=np.float32).reshape(-1))
    v32 = np.ascontiguousarray(np.asarray(v, dtype=np.float32))
    return torch.from_numpy(np.array(_C._test_vjp(name, x32, e32, v32))).to(DT)


def f32(t):
    """Round to float32 (the kernels' input precision) and go back to float64 for the oracle."""
    return torch.as_tensor(t, dtype=DT).float().to(DT)


def autograd_vjp(fn, x, v):
    x = x.clone().requires_grad_(True)
    (fn(x) * v).sum().backward()
    return x.grad


def assert_close(a, b, rtol, atol_rel):
    """|a - b| <= rtol |b| + atol_rel * max|b| elementwise (the backend tolerance form)."""
    a, b = torch.as_tensor(a, dtype=DT), torch.as_tensor(b, dtype=DT)
    tol = rtol * b.abs() + atol_rel * b.abs().max().clamp(min=1e-30)
    bad = (a - b).abs() > tol
    assert not bad.any(), f"{int(bad.sum())} of {b.numel()} differ; worst {((a - b).abs() - tol).max().item():.3e}"


def test_registry_lists_the_hooks():
    names = set(_C._test_names())
    assert {"exp", "quat_to_rotmat", "covar", "persp_proj", "blur_conic", "project", "campos", "sh_color", "alpha"} <= names


def test_build_info_reports_backends():
    info = _C.build_info()
    assert info["cuda"] == _C.has_cuda()
    assert info["cpu_threads"] >= 1 and info["version"]


def test_exp_is_accurate_to_a_few_ulp():
    x = np.concatenate([np.linspace(-87.0, 88.0, 20001), -np.geomspace(1e-8, 87, 2000), [0.0, -0.0, -1e-30]]).astype(np.float32)
    got = run("exp", x[:, None])[:, 0]
    want = torch.exp(torch.from_numpy(x).to(DT))
    rel = ((got - want).abs() / want).max().item()
    assert rel < 3 * 2.0**-23, rel
    assert run("exp", [[0.0]])[0, 0] == 1.0
    # clamped far outside the float range, never inf/nan
    far = run("exp", [[-1e30], [1e30], [-200.0]])[:, 0]
    assert torch.isfinite(far).all() and far[0] < 1e-37 and far[2] < 1e-37


def test_quat_to_rotmat_and_vjp():
    g = torch.Generator().manual_seed(0)
    q = f32(torch.randn(64, 4, generator=g, dtype=DT) * torch.rand(64, 1, generator=g, dtype=DT) * 3)
    want = gsplat_torch._quat_to_rotmat(q).reshape(-1, 9)
    assert_close(run("quat_to_rotmat", q), want, 1e-6, 1e-6)
    v = f32(torch.randn(64, 9, generator=g, dtype=DT))
    want_v = autograd_vjp(lambda t: gsplat_torch._quat_to_rotmat(t).reshape(-1, 9), q, v)
    assert_close(run_vjp("quat_to_rotmat", q, v), want_v, 1e-5, 1e-6)


def test_covariance_and_vjp():
    g = torch.Generator().manual_seed(1)
    q = f32(torch.randn(64, 4, generator=g, dtype=DT))
    s = f32(torch.exp(torch.randn(64, 3, generator=g, dtype=DT)))
    x = torch.cat([q, s], -1)

    def cov(t):
        c, _ = gsplat_torch._quat_scale_to_covar_preci(t[:, :4], t[:, 4:], True, False)
        return c.reshape(-1, 9)

    assert_close(run("covar", x), cov(x), 1e-6, 1e-6)
    v = f32(torch.randn(64, 9, generator=g, dtype=DT))
    assert_close(run_vjp("covar", x, v), autograd_vjp(cov, x, v), 1e-5, 1e-6)


def _camera(g, width=64, height=48):
    f = 50.0 + 20 * torch.rand(1, generator=g, dtype=DT).item()
    K = torch.tensor([[f, 0, width / 2 + 3.0], [0, f * 1.1, height / 2 - 2.0], [0, 0, 1]], dtype=DT)
    a = torch.randn(3, generator=g, dtype=DT) * 0.3
    kx = torch.tensor([[0, -a[2], a[1]], [a[2], 0, -a[0]], [-a[1], a[0], 0]], dtype=DT)
    R = torch.linalg.matrix_exp(kx)
    view = torch.eye(4, dtype=DT)
    view[:3, :3] = R
    view[:3, 3] = torch.randn(3, generator=g, dtype=DT) * 0.5
    return f32(view), f32(K), width, height


def test_persp_proj_and_vjp_including_clamped_jacobian():
    g = torch.Generator().manual_seed(2)
    view, K, w, h = _camera(g)
    n = 96
    mc = torch.stack([torch.randn(n, generator=g, dtype=DT) * 3, torch.randn(n, generator=g, dtype=DT) * 3, 0.5 + 4 * torch.rand(n, generator=g, dtype=DT)], -1)
    a = torch.randn(n, 3, 3, generator=g, dtype=DT) * 0.2
    covc = a @ a.transpose(-1, -2)
    x = f32(torch.cat([mc, covc.reshape(n, 9)], -1))
    extra = torch.cat([view.reshape(-1), K.reshape(-1), torch.tensor([w, h], dtype=DT)])

    def proj(t):
        m2, c2 = gsplat_torch._persp_proj(t[None, :, :3], t[None, :, 3:].reshape(1, -1, 3, 3), K[None], w, h)
        return torch.cat([m2[0], c2[0, :, 0, 0, None], c2[0, :, 0, 1, None], c2[0, :, 1, 1, None]], -1)

    ref = proj(x)
    assert ((x[:, 0] / x[:, 2]).abs() > 2).any(), "the test should exercise the clamped Jacobian"
    assert_close(run("persp_proj", x, extra), ref, 1e-6, 1e-6)
    v = f32(torch.randn(n, 5, generator=g, dtype=DT))
    # the kernel treats the covariance input as symmetric: compare on symmetric perturbations
    got = run_vjp("persp_proj", x, v, extra)
    want = autograd_vjp(proj, x, v)
    sym = lambda t: torch.cat([t[:, :3], (t[:, 3:].reshape(-1, 3, 3) + t[:, 3:].reshape(-1, 3, 3).transpose(-1, -2)).reshape(-1, 9)], -1)
    assert_close(sym(got), sym(want), 1e-5, 1e-6)


def test_blur_conic_compensation_and_vjp_on_thin_covariances():
    g = torch.Generator().manual_seed(3)
    n = 128
    ang = torch.rand(n, generator=g, dtype=DT) * math.pi
    long = torch.exp(torch.rand(n, generator=g, dtype=DT) * 8)  # up to ~3000 px^2
    thin = torch.exp(-torch.rand(n, generator=g, dtype=DT) * 10)
    c, s = torch.cos(ang), torch.sin(ang)
    xx, xy, yy = long * c * c + thin * s * s, (long - thin) * c * s, long * s * s + thin * c * c
    x = f32(torch.stack([xx, xy, yy], -1))
    eps = 0.3

    def blur(t):
        m = torch.stack([t[:, 0], t[:, 1], t[:, 1], t[:, 2]], -1).reshape(-1, 2, 2)
        det_before = m[:, 0, 0] * m[:, 1, 1] - m[:, 0, 1] * m[:, 1, 0]
        m = m + eps * torch.eye(2, dtype=DT)
        det = (m[:, 0, 0] * m[:, 1, 1] - m[:, 0, 1] * m[:, 1, 0]).clamp(min=1e-10)
        comp = torch.sqrt(torch.clamp(det_before / det, min=0))
        return torch.stack([m[:, 1, 1] / det, -m[:, 0, 1] / det, m[:, 0, 0] / det, comp], -1)

    assert_close(run("blur_conic", x, [eps]), blur(x), 1e-6, 1e-7)
    v = f32(torch.randn(n, 4, generator=g, dtype=DT))
    assert_close(run_vjp("blur_conic", x, v, [eps]), autograd_vjp(blur, x, v), 1e-4, 1e-6)


def test_full_projection_matches_gsplat_and_its_vjp():
    g = torch.Generator().manual_seed(4)
    view, K, w, h = _camera(g)
    n = 80
    means = f32(torch.stack([torch.randn(n, generator=g, dtype=DT), torch.randn(n, generator=g, dtype=DT), 2 + 3 * torch.rand(n, generator=g, dtype=DT)], -1))
    quats = f32(torch.randn(n, 4, generator=g, dtype=DT))
    scales = f32(torch.exp(torch.randn(n, 3, generator=g, dtype=DT) - 2))
    x = torch.cat([means, quats, scales], -1)
    near, far, eps = 0.01, 1e10, 0.3
    extra = torch.cat([view.reshape(-1), K.reshape(-1), torch.tensor([w, h, near, far, eps], dtype=DT)])

    def proj(t, viewmat=view):
        cov, _ = gsplat_torch._quat_scale_to_covar_preci(t[:, 3:7], t[:, 7:], True, False)
        radii, m2, depths, conics, comp = gsplat_torch._fully_fused_projection(
            t[:, :3], cov, viewmat[None], K[None], w, h, eps2d=eps, near_plane=near, far_plane=far, calc_compensations=True
        )
        return torch.cat([m2[0], depths[0, :, None], conics[0], comp[0, :, None]], -1), radii[0]

    got = run("project", x, extra)
    want, radii = proj(x)
    visible = (radii > 0).all(-1)
    assert visible.sum() > n // 2
    assert torch.equal(got[:, 7:].to(torch.int32), radii)
    assert_close(got[visible, :7], want[visible], 1e-5, 1e-6)

    v = f32(torch.randn(n, 9, generator=g, dtype=DT)) * visible[:, None]
    v[:, 7:] = 0
    got_v = run_vjp("project", x, v, extra)
    want_x = autograd_vjp(lambda t: proj(t)[0], x, v[:, :7])
    assert_close(got_v[:, :10], want_x, 1e-4, 1e-5)
    vm = view.clone().requires_grad_(True)
    (proj(x, vm)[0] * v[:, :7]).sum().backward()
    assert_close(got_v[:, 10:].sum(0).reshape(4, 4)[:3], vm.grad[:3], 1e-4, 1e-5)


def test_camera_centre_and_vjp():
    g = torch.Generator().manual_seed(5)
    views = torch.stack([_camera(g)[0] for _ in range(16)])
    x = views.reshape(16, 16)
    want = torch.inverse(views)[:, :3, 3]
    assert_close(run("campos", x), want, 1e-5, 1e-6)
    v = f32(torch.randn(16, 3, generator=g, dtype=DT))
    want_v = autograd_vjp(lambda t: torch.inverse(t.reshape(-1, 4, 4))[:, :3, 3], x, v)
    assert_close(run_vjp("campos", x, v), want_v, 1e-4, 1e-5)


@pytest.mark.parametrize("degree", [0, 1, 2, 3])
def test_sh_colour_and_vjp(degree):
    g = torch.Generator().manual_seed(6 + degree)
    n = 64
    dirs = f32(torch.randn(n, 3, generator=g, dtype=DT) * 3)
    coeffs = f32(torch.randn(n, 16, 3, generator=g, dtype=DT) * 0.5)
    x = torch.cat([dirs, coeffs.reshape(n, 48)], -1)

    def colour(t):
        return torch.clamp_min(gsplat_torch._spherical_harmonics(degree, t[:, :3], t[:, 3:].reshape(-1, 16, 3)) + 0.5, 0.0)

    assert_close(run("sh_color", x, [degree]), colour(x), 1e-5, 1e-6)
    v = f32(torch.randn(n, 3, generator=g, dtype=DT))
    got = run_vjp("sh_color", x, v, [degree])
    want = autograd_vjp(colour, x, v)
    assert_close(got, want, 1e-4, 1e-5)
    assert torch.all(got[:, 3 + 3 * (degree + 1) ** 2 :] == 0), "unused coefficients get no gradient"


def test_pixel_alpha_and_vjp_including_needles():
    """The row form (blend.h) against the conic formula in float64, for round and needle-thin splats."""
    g = torch.Generator().manual_seed(7)
    n = 400
    ang = torch.rand(n, generator=g, dtype=DT) * math.pi
    long = torch.exp(torch.rand(n, generator=g, dtype=DT) * 8) + 0.3
    thin = 0.3 + torch.rand(n, generator=g, dtype=DT) * 0.05
    c, s = torch.cos(ang), torch.sin(ang)
    cov = torch.stack([long * c * c + thin * s * s, (long - thin) * c * s, long * s * s + thin * c * c], -1)
    det = cov[:, 0] * cov[:, 2] - cov[:, 1] ** 2
    conic = torch.stack([cov[:, 2] / det, -cov[:, 1] / det, cov[:, 0] / det], -1)
    # pixels along the long axis, slightly off it (where the conic form cancels in float32)
    t_along = (torch.rand(n, generator=g, dtype=DT) * 2 - 1) * 2.5 * long.sqrt()
    t_across = torch.randn(n, generator=g, dtype=DT) * 0.4
    dx = c * t_along - s * t_across
    dy = s * t_along + c * t_across
    opac = 0.05 + 0.95 * torch.rand(n, generator=g, dtype=DT)
    x = f32(torch.cat([conic, dx[:, None], dy[:, None], opac[:, None]], -1))

    def alpha(t):
        a, b, cc, ddx, ddy, o = t.unbind(-1)
        sigma = 0.5 * (a * ddx * ddx + cc * ddy * ddy) + b * ddx * ddy
        al = torch.clamp_max(o * torch.exp(-sigma), 0.999)
        return torch.where((sigma < 0) | (al < 1 / 255), torch.zeros_like(al), al)[:, None]

    want = alpha(x)
    got = run("alpha", x)
    live = want[:, 0] > 1.01 / 255
    assert live.sum() > n // 3
    assert_close(got[live], want[live], 2e-6, 1e-7)
    v = f32(torch.randn(n, 1, generator=g, dtype=DT))
    got_v = run_vjp("alpha", x, v)
    want_v = autograd_vjp(alpha, x, v)
    assert_close(got_v[live], want_v[live], 1e-3, 1e-5)
