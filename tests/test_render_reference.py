"""The reference rasterizer against gsplat 1.5.3's own PyTorch implementation, gradchecks, and the public API."""

from __future__ import annotations

import math

import pytest
import torch

pytest.importorskip("gsplat")

from gsplat_oracle import render_oracle  # noqa: E402
from render_scenes import KINDS, backend_kwargs, cast, make_scene  # noqa: E402

import spatial  # noqa: E402
from spatial.core.camera import Camera  # noqa: E402
from spatial.core.splats import Splats  # noqa: E402
from spatial.errors import ValidationError  # noqa: E402
from spatial.rendering import reference  # noqa: E402

N_SCENES = 66  # every kind appears 6 times


def _oracle(kw):
    return render_oracle(
        kw["means"], kw["quats"], kw["scales"], kw["opacities"], kw["colors"], kw["viewmats"], kw["Ks"],
        kw["width"], kw["height"], sh_degree=kw["sh_degree"], backgrounds=kw["backgrounds"],
        near_plane=kw["near_plane"], far_plane=kw["far_plane"], eps2d=kw["eps2d"],
        rasterize_mode="antialiased" if kw["antialiased"] else "classic",
    )


_STATS: dict[str, list] = {"bad": [], "total": []}


@pytest.mark.parametrize("seed", range(N_SCENES))
def test_reference_matches_gsplat_oracle(seed):
    scene = make_scene(seed, torch.float64, allow_feature_dims=True)
    kw = backend_kwargs(scene)
    rgb, alpha, depth, meta = reference.rasterize(**kw)
    o_rgb, o_alpha, o_depth, o_meta = _oracle(kw)
    c, h, w = len(kw["viewmats"]), kw["height"], kw["width"]
    assert rgb.shape == o_rgb.shape == (c, h, w, rgb.shape[-1])
    assert alpha.shape == depth.shape == (c, h, w, 1)
    bad = torch.zeros(c, h, w, dtype=torch.bool)
    for ours, theirs in ((rgb, o_rgb), (alpha, o_alpha), (depth, o_depth)):
        bad |= ((ours - theirs.to(ours.dtype)).abs() > 1e-5).any(-1)
    _STATS["bad"].append(int(bad.sum()))
    _STATS["total"].append(bad.numel())
    assert bad.float().mean() <= 1e-3, f"{scene['kind']}: {int(bad.sum())} of {bad.numel()} pixels differ by > 1e-5"
    assert torch.equal(meta["radii"], o_meta["radii"])
    assert torch.allclose(meta["depths"], o_meta["depths"])


def test_oracle_scenes_cover_every_kind_and_agree_overall():
    """Runs after the parametrized comparisons: all kinds were exercised; >= 99.9% of all pixels agree."""
    kinds = {make_scene(s)["kind"] for s in range(N_SCENES)}
    assert kinds == set(KINDS)
    sizes = {(make_scene(s)["width"], make_scene(s)["height"]) for s in range(N_SCENES)}
    assert any(w % 16 or h % 16 for w, h in sizes) and any(w != h for w, h in sizes)
    assert {len(make_scene(s)["viewmats"]) for s in range(N_SCENES)} == {1, 2, 3}
    if len(_STATS["total"]) == N_SCENES:
        assert sum(_STATS["bad"]) <= 1e-3 * sum(_STATS["total"])


@pytest.mark.parametrize("seed", [0, 4, 10, 13, 29])
def test_reference_gradients_match_gsplat_oracle(seed):
    kw = backend_kwargs(make_scene(seed, torch.float64))
    names = ["means", "quats", "scales", "opacities", "colors", "viewmats"]
    if kw["backgrounds"] is not None:
        names.append("backgrounds")
    g = torch.Generator().manual_seed(seed)
    grads = []
    for fn in (lambda k: reference.rasterize(**k), _oracle):
        k = dict(kw)
        leaves = [k[n].clone().requires_grad_(True) for n in names]
        k.update(zip(names, leaves))
        rgb, alpha, depth, _ = fn(k)
        g.manual_seed(seed)
        loss = sum((x * torch.randn(x.shape, generator=g, dtype=x.dtype)).sum() for x in (rgb, alpha, depth))
        grads.append(torch.autograd.grad(loss, leaves, allow_unused=True))
    for name, a, b in zip(names, *grads):
        b = torch.zeros_like(a) if b is None else b
        a = torch.zeros_like(b) if a is None else a
        scale = float(b.abs().max()) + 1e-12
        assert torch.allclose(a, b, rtol=1e-6, atol=1e-9 * scale), f"{name}: max diff {float((a - b).abs().max())} (scale {scale})"


# ----------------------------------------------------------------------------------- gradcheck
def _tiny_scene(seed: int, sh_degree, antialiased: bool):
    g = torch.Generator().manual_seed(seed)
    d = torch.float64
    n = 4
    means = torch.stack([(torch.rand(n, generator=g, dtype=d) - 0.5) * 1.2, (torch.rand(n, generator=g, dtype=d) - 0.5) * 0.8,
                         2.5 + torch.rand(n, generator=g, dtype=d)], -1)
    quats = torch.randn(n, 4, generator=g, dtype=d)
    scales = 0.08 + 0.15 * torch.rand(n, 3, generator=g, dtype=d)
    opacities = 0.3 + 0.5 * torch.rand(n, generator=g, dtype=d)
    colors = torch.randn(n, (sh_degree + 1) ** 2, 3, generator=g, dtype=d) * 0.3 if sh_degree is not None else torch.rand(n, 3, generator=g, dtype=d)
    viewmats = torch.eye(4, dtype=d).repeat(2, 1, 1)
    viewmats[1, :3, 3] = torch.tensor([0.15, -0.1, 0.2], dtype=d)
    w, h = 20, 18
    Ks = torch.tensor([[18.0, 0, w / 2], [0, 18.0, h / 2], [0, 0, 1]], dtype=d).repeat(2, 1, 1)
    bg = torch.rand(2, 3, generator=g, dtype=d)
    return means, quats, scales, opacities, colors, viewmats, Ks, w, h, bg


@pytest.mark.parametrize("sh_degree,antialiased", [(3, False), (1, True), (None, False)])
def test_reference_gradcheck_float64(sh_degree, antialiased):
    means, quats, scales, opacities, colors, viewmats, Ks, w, h, bg = _tiny_scene(7 + (sh_degree or 0), sh_degree, antialiased)

    def fn(means, quats, scales, opacities, colors, viewmats, bg):
        rgb, alpha, depth, _ = reference.rasterize(
            means, quats, scales, opacities, colors, viewmats, Ks, w, h, sh_degree=sh_degree, backgrounds=bg,
            antialiased=antialiased,
        )
        return rgb, alpha, depth

    inputs = [t.clone().requires_grad_(True) for t in (means, quats, scales, opacities, colors, viewmats, bg)]
    with torch.no_grad():
        rgb, alpha, _ = fn(*inputs)
    assert float(alpha.max()) > 0.3  # the splats are really on screen
    assert torch.autograd.gradcheck(fn, inputs, eps=1e-6, atol=1e-6, rtol=1e-4, fast_mode=True)


def test_sink_gradient_is_the_screen_space_gradient():
    """d loss / d sink equals the gradient w.r.t. the projected centres, so densification sees the real thing."""
    means, quats, scales, opacities, colors, viewmats, Ks, w, h, bg = _tiny_scene(3, 2, False)
    sink = torch.zeros(2, len(means), 2, dtype=torch.float64, requires_grad=True)
    rgb, *_ = reference.rasterize(means, quats, scales, opacities, colors, viewmats, Ks, w, h, sh_degree=2, means2d_grad_sink=sink)
    rgb.square().sum().backward()
    g = sink.grad
    assert g.abs().max() > 0
    # the same loss, differentiated directly w.r.t. the projected centres fed to the compositor
    proj = reference.project(means, quats, scales, viewmats, Ks, w, h)
    m2d = proj["means2d"].detach().clone().requires_grad_(True)
    feats = reference.sh_colors(colors, 2, means, viewmats)
    loss = 0
    for cam in range(2):
        f = torch.cat([feats[cam], proj["depths"][cam][:, None], torch.ones(len(means), 1, dtype=torch.float64)], -1)
        acc, _ = reference.composite(m2d[cam], proj["conics"][cam], opacities, f, proj["radii"][cam], proj["depths"][cam], w, h)
        loss = loss + acc[..., :3].square().sum()
    (g2,) = torch.autograd.grad(loss, m2d)
    assert torch.allclose(g, g2, rtol=1e-9, atol=1e-12)


# ----------------------------------------------------------------------------------- semantics
def _one_splat(opacity=0.9, z=3.0, scale=0.2, w=32, h=32):
    d = torch.float64
    return dict(
        means=torch.tensor([[0.0, 0.0, z]], dtype=d), quats=torch.tensor([[1.0, 0, 0, 0]], dtype=d),
        scales=torch.full((1, 3), scale, dtype=d), opacities=torch.tensor([opacity], dtype=d),
        colors=torch.tensor([[1.0, 0.5, 0.25]], dtype=d), viewmats=torch.eye(4, dtype=d)[None],
        Ks=torch.tensor([[[32.0, 0, w / 2], [0, 32.0, h / 2], [0, 0, 1]]], dtype=d), width=w, height=h,
    )


def test_single_splat_matches_closed_form():
    kw = _one_splat()
    rgb, alpha, depth, meta = reference.rasterize(**kw)
    s2d = (32.0 * 0.2 / 3.0) ** 2 + 0.3  # isotropic: sigma_2d^2 + eps2d
    j = torch.arange(32, dtype=torch.float64) + 0.5
    r2 = (j[None, :] - 16) ** 2 + (j[:, None] - 16) ** 2
    a = torch.clamp_max(0.9 * torch.exp(-0.5 * r2 / s2d), 0.999)
    a = torch.where(a >= 1 / 255, a, torch.zeros_like(a))
    assert torch.allclose(alpha[0, ..., 0], a, atol=1e-12)
    assert torch.allclose(rgb[0], a[..., None] * torch.tensor([1.0, 0.5, 0.25], dtype=torch.float64), atol=1e-12)
    assert torch.allclose(depth[0, ..., 0][a > 0], torch.full_like(a[a > 0], 3.0))
    assert (depth[0, ..., 0][a == 0] == 0).all()
    assert meta["radii"][0, 0].tolist() == [math.ceil(3.33 * math.sqrt(s2d))] * 2


def test_alpha_clamp_and_early_stop():
    """Opaque splats: alpha is clamped at 0.999 and a pixel stops before T would reach 1e-4."""
    kw = _one_splat(opacity=1.0, scale=0.5)
    kw = {k: (torch.cat([v, v]) if k in ("means", "quats", "scales", "opacities", "colors") else v) for k, v in kw.items()}
    kw["means"][1, 2] = 4.0
    kw["Ks"][:, :2, 2] += 0.5  # both centres land exactly on pixel (16, 16)'s centre
    kw["colors"][1] = torch.tensor([0.0, 1.0, 0.0], dtype=torch.float64)
    rgb, alpha, _, _ = reference.rasterize(**kw)
    centre = rgb[0, 16, 16]
    # first splat: alpha 0.999, T -> 1e-3; the second would take T to 1e-6 <= 1e-4: excluded entirely
    assert torch.allclose(alpha[0, 16, 16, 0], torch.tensor(0.999, dtype=torch.float64))
    assert torch.allclose(centre, 0.999 * torch.tensor([1.0, 0.5, 0.25], dtype=torch.float64))


def test_near_far_and_offscreen_culling():
    kw = _one_splat(z=0.005)  # in front of the camera but closer than near
    assert reference.rasterize(**kw)[3]["radii"].sum() == 0
    kw = _one_splat(z=5.0)
    assert reference.rasterize(**kw, far_plane=4.0)[3]["radii"].sum() == 0
    kw = _one_splat(z=-3.0)
    assert reference.rasterize(**kw)[1].max() == 0
    kw = _one_splat()
    kw["means"][0, 0] = 10.0  # far to the right of the image
    rgb, alpha, _, meta = reference.rasterize(**kw)
    assert meta["radii"].sum() == 0 and alpha.max() == 0


def test_antialiased_compensation():
    kw = _one_splat(scale=0.01)
    _, a_classic, _, _ = reference.rasterize(**kw)
    _, a_aa, _, _ = reference.rasterize(**kw, antialiased=True)
    s = (32.0 * 0.01 / 3.0) ** 2
    comp = math.sqrt(s * s / ((s + 0.3) ** 2))
    assert torch.isclose(a_aa[0, 16, 16, 0], a_classic[0, 16, 16, 0] * comp, rtol=1e-9)


def test_float32_reference_is_close_to_float64():
    kw = backend_kwargs(make_scene(11, torch.float64))
    r64 = reference.rasterize(**kw)
    r32 = reference.rasterize(**cast(kw, torch.float32))
    for a, b in zip(r32[:3], r64[:3]):
        assert a.dtype == torch.float32
        assert (a.double() - b).abs().max() < 1e-4


# ----------------------------------------------------------------------------------- public API
def _splats(n=30, deg=2, seed=0):
    g = torch.Generator().manual_seed(seed)
    return Splats(
        means=torch.randn(n, 3, generator=g) * 0.5,
        quats=torch.randn(n, 4, generator=g),
        log_scales=torch.log(0.05 + 0.1 * torch.rand(n, 3, generator=g)),
        logit_opacities=torch.randn(n, generator=g),
        sh=torch.randn(n, (deg + 1) ** 2, 3, generator=g) * 0.3,
    )


def test_render_api_matches_reference_and_exposes_screen_gradients():
    s = _splats()
    cams = Camera.orbit([0, 0, 0], 3.0, 2, width=40, height=28)
    s.means.requires_grad_(True)
    s.log_scales.requires_grad_(True)
    out = spatial.render(s, cams, background=(0.1, 0.2, 0.3), backend="reference")
    assert isinstance(out, spatial.RenderOutput) and out.backend == "reference"
    assert out.rgb.shape == (2, 28, 40, 3) and out.alpha.shape == out.depth.shape == (2, 28, 40, 1)
    assert out.radii.shape == (2, 30, 2) and out.visible.shape == (2, 30) and out.visible.any()
    viewmats = torch.stack([c.viewmat for c in cams])
    Ks = torch.stack([c.K for c in cams])
    rgb, alpha, depth, meta = reference.rasterize(
        s.means.detach(), s.quats, s.scales.detach(), s.opacities, s.sh, viewmats, Ks, 40, 28, sh_degree=2,
        backgrounds=torch.tensor([[0.1, 0.2, 0.3]] * 2),
    )
    assert torch.allclose(out.rgb, rgb, atol=1e-6) and torch.allclose(out.depth, depth, atol=1e-5)
    assert torch.allclose(out.means2d, meta["means2d"])  # the leaf holds the projected centres
    assert out.means2d.is_leaf and out.means2d.requires_grad
    out.rgb.square().sum().backward()
    assert s.means.grad is not None and s.log_scales.grad is not None
    assert out.means2d.grad is not None and out.means2d.grad.abs().max() > 0
    norm = out.screen_grad_norm()
    assert norm.shape == (2, 30) and (norm[~out.visible] == 0).all() and norm.max() > 0


def test_render_accepts_one_camera_and_lower_sh_degree():
    s = _splats(deg=3)
    cam = Camera.look_at([0, 0, 3], [0, 0, 0], 24, 16)
    out = spatial.render(s, cam, sh_degree=1)
    full = spatial.render(s.with_sh_degree(1), cam)
    assert out.rgb.shape == (1, 16, 24, 3)
    assert torch.allclose(out.rgb, full.rgb, atol=1e-6)
    with pytest.raises(ValidationError):
        spatial.render(s.with_sh_degree(1), cam, sh_degree=2)


def test_rasterize_is_gsplat_compatible():
    kw = backend_kwargs(make_scene(12, torch.float32))
    args = [kw[k] for k in ("means", "quats", "scales", "opacities", "colors", "viewmats", "Ks", "width", "height")]
    colors, alphas, meta = spatial.rasterize(*args, sh_degree=kw["sh_degree"], backgrounds=kw["backgrounds"])
    assert colors.shape[-1] == 3 and alphas.shape[-1] == 1
    assert meta["radii"].shape == (len(kw["viewmats"]), len(kw["means"]), 2)
    assert meta["width"] == kw["width"] and meta["n_cameras"] == len(kw["viewmats"])
    ed, _, _ = spatial.rasterize(*args, sh_degree=kw["sh_degree"], render_mode="RGB+ED")
    d, _, _ = spatial.rasterize(*args, sh_degree=kw["sh_degree"], render_mode="D")
    assert ed.shape[-1] == 4 and torch.allclose(ed[..., 3:], meta["depth"])
    assert torch.allclose(d, meta["depth"] * alphas, atol=1e-5)
    aa, _, _ = spatial.rasterize(*args, sh_degree=kw["sh_degree"], rasterize_mode="antialiased", packed=True)
    assert not torch.equal(aa, colors)
    with pytest.raises(ValidationError):
        spatial.rasterize(*args, sh_degree=kw["sh_degree"], absgrad=True)
    with pytest.raises(ValidationError):
        spatial.rasterize(*args, sh_degree=kw["sh_degree"], backend="nonsense")
    with pytest.raises(ValidationError):
        spatial.rasterize(args[0][:, :2], *args[1:], sh_degree=kw["sh_degree"])


def test_backend_listing_and_cli():
    from spatial.cli.info import backends

    listed = spatial.rendering.available_backends()
    report = backends()
    assert "reference" in listed and report["available"] == listed
    assert report["unavailable"] == spatial.rendering.unavailable_backends() and "build" in report
    assert set(listed) | set(spatial.rendering.unavailable_backends()) == {"reference", "cpu", "cuda", "gsplat"}


def test_empty_scene_renders_background():
    kw = backend_kwargs(make_scene(8, torch.float32))
    assert len(kw["means"]) == 0
    rgb, alpha, depth, meta = reference.rasterize(**kw)
    assert alpha.abs().max() == 0 and depth.abs().max() == 0
    if kw["backgrounds"] is not None:
        assert torch.allclose(rgb, kw["backgrounds"][:, None, None, :].expand_as(rgb))
