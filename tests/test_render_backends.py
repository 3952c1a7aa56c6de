"""Every compiled rasterizer backend against the reference (the specification), forward and backward.

Backends that are not built here are skipped; set ``SPATIAL_REQUIRE_BACKENDS=cpu`` (comma list) to make a
missing backend a failure instead (CI does, since it has a compiler). ``cuda`` runs only where a GPU exists.

Forward: the backend on float32 inputs vs the reference in float64 on the same values, max abs error
<= 1e-5 on rgb, alpha and depth. Pixels whose blending decisions sit within relative 1e-4 of a threshold
(``reference.decision_margins``), where float32 may legitimately decide the other way, are excluded;
they must be <= 0.1% of all pixels. Gradients: per element ``|g - g_ref| <= 1e-3 |g_ref| + 1e-5 max|g_ref|``
for every differentiable input, with the loss weights zero on those few pixels.
"""

from __future__ import annotations

import os

import pytest
import torch
from render_scenes import KINDS, backend_kwargs, cast, make_scene

import spatial
from spatial.core.camera import Camera
from spatial.core.splats import Splats
from spatial.rendering import backends, reference

COMPILED = ("cpu", "cuda")
REQUIRED = {b.strip() for b in os.environ.get("SPATIAL_REQUIRE_BACKENDS", "").split(",") if b.strip()}
N_SCENES = 66
GRAD_SEEDS = [s for s in range(33) if KINDS[s % len(KINDS)] != "empty"][:24]
MARGIN = 1e-4
FWD_ATOL = 1e-5


def _device(name: str) -> torch.device:
    return torch.device("cuda" if name == "cuda" else "cpu")


def _backend(name: str):
    mod = backends.module(name)
    if mod is None or not backends.is_available(name):
        why = backends.unavailable_backends().get(name, "not available")
        if name in REQUIRED:
            pytest.fail(f"backend {name!r} is required (SPATIAL_REQUIRE_BACKENDS) but {why}")
        pytest.skip(f"backend {name!r}: {why}")
    return mod


def _margins(kw64: dict) -> torch.Tensor:
    return reference.decision_margins(
        kw64["means"], kw64["quats"], kw64["scales"], kw64["opacities"], kw64["viewmats"], kw64["Ks"],
        kw64["width"], kw64["height"], kw64["near_plane"], kw64["far_plane"], kw64["eps2d"], kw64["antialiased"],
    )


def _scene(seed: int, features: int = 3):
    """(float32 kwargs, float64 kwargs with the same values, ambiguous-pixel mask [C,H,W])."""
    kw32 = backend_kwargs(make_scene(seed, torch.float32, features=features))
    kw64 = cast(kw32, torch.float64)
    return kw32, kw64, _margins(kw64) < MARGIN


@pytest.mark.parametrize("seed", range(N_SCENES))
@pytest.mark.parametrize("name", COMPILED)
def test_forward_matches_reference(name, seed):
    mod = _backend(name)
    dev = _device(name)
    kw32, kw64, ambiguous = _scene(seed)
    rgb, alpha, depth, meta = mod.rasterize(**cast(kw32, device=dev), means2d_grad_sink=None)
    r_rgb, r_alpha, r_depth, r_meta = reference.rasterize(**kw64)
    assert ambiguous.float().mean() <= 0.01
    keep = ~ambiguous
    for label, ours, ref in (("rgb", rgb, r_rgb), ("alpha", alpha, r_alpha), ("depth", depth, r_depth)):
        assert ours.shape == ref.shape, label
        assert ours.dtype == torch.float32, label
        err = (ours.detach().cpu().double() - ref).abs().amax(-1)[keep]
        worst = float(err.max()) if err.numel() else 0.0
        assert worst <= FWD_ATOL, f"{name} {make_scene(seed)['kind']} scene {seed}: {label} max error {worst:.3g}"
    assert torch.equal(meta["radii"].cpu(), r_meta["radii"])
    assert torch.allclose(meta["depths"].cpu().double(), r_meta["depths"], rtol=1e-6, atol=1e-6)


def test_ambiguous_pixels_are_rare():
    """The pixels the forward comparisons leave out (a decision within MARGIN of flipping, measured on the
    float64 reference) are at most 0.1% of all pixels over the whole scene set. Computed here for every scene,
    so the test does not depend on which other tests ran before it."""
    ambiguous = total = 0
    for seed in range(N_SCENES):
        _, _, amb = _scene(seed)
        ambiguous += int(amb.sum())
        total += amb.numel()
    assert ambiguous <= 1e-3 * total, f"{ambiguous} of {total} pixels are ambiguous"


def _grads(fn, kw: dict, names: list[str], weights, sink_shape, dev):
    k = dict(kw)
    leaves = [k[n].detach().clone().to(dev).requires_grad_(True) for n in names]
    k.update(zip(names, leaves))
    sink = torch.zeros(sink_shape, dtype=leaves[0].dtype, device=dev, requires_grad=True)
    rgb, alpha, depth, _ = fn(**k, means2d_grad_sink=sink)
    loss = sum((x * w.to(device=dev, dtype=x.dtype)).sum() for x, w in zip((rgb, alpha, depth), weights))
    loss.backward()
    return {n: (l.grad if l.grad is not None else torch.zeros_like(l)).cpu().double() for n, l in zip(names, leaves)} | {
        "means2d": (sink.grad if sink.grad is not None else torch.zeros_like(sink)).cpu().double()
    }


def _check_gradients(name: str, seed: int, features: int = 3):
    mod = _backend(name)
    dev = _device(name)
    kw32, kw64, ambiguous = _scene(seed, features)
    names = ["means", "quats", "scales", "opacities", "colors"]
    if getattr(mod, "supports_viewmat_grad", False):
        names.append("viewmats")
    if kw32["backgrounds"] is not None:
        names.append("backgrounds")
    g = torch.Generator().manual_seed(seed)
    c, h, w = len(kw32["viewmats"]), kw32["height"], kw32["width"]
    keep = (~ambiguous)[..., None].double()
    weights = [torch.randn(c, h, w, d, generator=g, dtype=torch.float64) * keep for d in (kw32["colors"].shape[-1] if kw32["sh_degree"] is None else 3, 1, 1)]
    sink_shape = (c, len(kw32["means"]), 2)
    ours = _grads(lambda **k: mod.rasterize(**k), cast(kw32, device=dev), names, weights, sink_shape, dev)
    ref = _grads(lambda **k: reference.rasterize(**k), kw64, names, weights, sink_shape, torch.device("cpu"))
    for key in ref:
        a, b = ours[key], ref[key]
        tol = 1e-3 * b.abs() + 1e-5 * float(b.abs().max())
        bad = (a - b).abs() > tol
        assert not bad.any(), (
            f"{name} scene {seed} ({make_scene(seed)['kind']}, {features} channels): d/d{key} differs at {int(bad.sum())} of {bad.numel()} "
            f"entries, worst {float(((a - b).abs() - tol).max()):.3g} over tolerance (max|g_ref| {float(b.abs().max()):.3g})"
        )


@pytest.mark.parametrize("seed", GRAD_SEEDS)
@pytest.mark.parametrize("name", COMPILED)
def test_gradients_match_reference(name, seed):
    _check_gradients(name, seed)


# Scenes with plain colours (no SH) of 1, 2, 5 and 12 channels: the kernels specialise 1-3 channels and take
# a general path above; both passes are compared (the 66-scene runs above have 3 channels).
@pytest.mark.parametrize("features", [1, 2, 5, 12])
@pytest.mark.parametrize("seed", [0, 5, 10])
@pytest.mark.parametrize("name", COMPILED)
def test_channel_counts_match_reference(name, seed, features):
    mod = _backend(name)
    dev = _device(name)
    kw32, kw64, ambiguous = _scene(seed, features)
    assert kw32["sh_degree"] is None and kw32["colors"].shape[-1] == features
    rgb, alpha, depth, _ = mod.rasterize(**cast(kw32, device=dev), means2d_grad_sink=None)
    r_rgb, r_alpha, r_depth, _ = reference.rasterize(**kw64)
    keep = ~ambiguous
    for label, ours, ref in (("rgb", rgb, r_rgb), ("alpha", alpha, r_alpha), ("depth", depth, r_depth)):
        assert ours.shape == ref.shape, label
        err = (ours.detach().cpu().double() - ref).abs().amax(-1)[keep]
        assert float(err.max()) <= FWD_ATOL, f"{name} {features} channels, scene {seed}: {label} max error {float(err.max()):.3g}"
    _check_gradients(name, seed, features)


@pytest.mark.parametrize("seed", [0, 5, 10, 14, 22, 27])
def test_cuda_matches_cpu(seed):
    cpu, cuda = _backend("cpu"), _backend("cuda")
    kw32, _, ambiguous = _scene(seed)
    a = cpu.rasterize(**kw32, means2d_grad_sink=None)
    b = cuda.rasterize(**cast(kw32, device=torch.device("cuda")), means2d_grad_sink=None)
    for x, y in zip(a[:3], b[:3]):
        err = (x - y.cpu()).abs().amax(-1)[~ambiguous]
        assert err.numel() == 0 or float(err.max()) <= FWD_ATOL
    assert torch.equal(a[3]["radii"], b[3]["radii"].cpu())


@pytest.mark.parametrize("name", COMPILED)
def test_public_api_uses_backend(name):
    _backend(name)
    dev = _device(name)
    g = torch.Generator().manual_seed(5)
    n = 40
    s = Splats(
        means=torch.randn(n, 3, generator=g) * 0.5, quats=torch.randn(n, 4, generator=g),
        log_scales=torch.log(0.05 + 0.1 * torch.rand(n, 3, generator=g)), logit_opacities=torch.randn(n, generator=g),
        sh=torch.randn(n, 4, 3, generator=g) * 0.3,
    ).to(dev)
    cams = Camera.orbit([0, 0, 0], 3.0, 2, width=37, height=21)
    s.means.requires_grad_(True)
    out = spatial.render(s, cams, background=(0.2, 0.3, 0.4), backend=name)
    ref = spatial.render(s, cams, background=(0.2, 0.3, 0.4), backend="reference")
    assert out.backend == name
    assert (out.rgb - ref.rgb.detach()).abs().max() < 1e-4
    assert torch.allclose(out.means2d.detach(), ref.means2d.detach(), atol=1e-4)
    out.rgb.sum().backward()
    assert out.means2d.grad is not None and out.means2d.grad.abs().max() > 0
    assert spatial.render(s.detach(), cams, backend="auto").backend in (name, "cuda")
