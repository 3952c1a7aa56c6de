"""CPU-backend properties beyond parity with the reference (that is tests/test_render_backends.py):
results independent of the thread count, fork safety of the thread pool, counters, input checks."""

from __future__ import annotations

import multiprocessing as mp

import numpy as np
import pytest
import torch

_C = pytest.importorskip("spatial._C", reason="the compiled extension spatial._C is not built")
from spatial.rendering import backend_cpu  # noqa: E402


def _scene(n=3000, width=70, height=45, seed=0, sh_degree=3):
    g = torch.Generator().manual_seed(seed)
    means = torch.stack([(torch.rand(n, generator=g) * 2 - 1) * 1.2, (torch.rand(n, generator=g) * 2 - 1), 2 + torch.rand(n, generator=g) * 4], -1)
    colors = torch.randn(n, 16, 3, generator=g) * 0.4 if sh_degree is not None else torch.rand(n, 5, generator=g)
    return dict(
        means=means, quats=torch.randn(n, 4, generator=g), scales=torch.exp(torch.rand(n, 3, generator=g) * 3 - 5.5),
        opacities=torch.sigmoid(torch.randn(n, generator=g) * 2), colors=colors, viewmats=torch.eye(4)[None].repeat(2, 1, 1),
        Ks=torch.tensor([[60.0, 0, 35], [0, 60, 22.5], [0, 0, 1]])[None].repeat(2, 1, 1), width=width, height=height,
        sh_degree=sh_degree, backgrounds=torch.rand(2, 3 if sh_degree is not None else 5, generator=g),
    )


def _render_and_grads(scene):
    leaves = {k: scene[k].clone().requires_grad_(True) for k in ("means", "quats", "scales", "opacities", "colors", "viewmats")}
    kw = dict(scene, **leaves)
    rgb, alpha, depth, meta = backend_cpu.rasterize(**kw)
    (rgb.square().sum() + alpha.sum() + 0.1 * depth.sum()).backward()
    return [rgb, alpha, depth] + [leaves[k].grad for k in leaves], meta


@pytest.mark.parametrize("sh_degree", [3, None])
def test_results_do_not_depend_on_thread_count(sh_degree):
    scene = _scene(sh_degree=sh_degree)
    scene["viewmats"][1, :3, 3] = torch.tensor([0.2, -0.1, 0.3])
    before = backend_cpu.get_num_threads()
    try:
        backend_cpu.set_num_threads(1)
        one, meta1 = _render_and_grads(scene)
        backend_cpu.set_num_threads(3)
        many, meta3 = _render_and_grads(scene)
    finally:
        backend_cpu.set_num_threads(before)
    for a, b in zip(one, many):
        assert torch.equal(a, b)
    assert meta1["n_isects"] == meta3["n_isects"] > 0
    assert meta1["n_evaluated"] == meta3["n_evaluated"] >= 8


def test_counters_are_consistent():
    scene = _scene()
    _, _, _, meta = backend_cpu.rasterize(**scene)
    visible = (meta["radii"] > 0).all(-1).sum().item()
    assert 0 < meta["n_isects"]
    assert meta["n_evaluated"] % 8 == 0
    # every evaluated block belongs to one (tile, splat) pair, at most 2 blocks per row of 16 rows
    assert meta["n_evaluated"] <= meta["n_isects"] * 256
    assert visible <= meta["n_isects"] or visible == 0


def _render_numpy(_):
    rng = np.random.default_rng(0)
    n, w, h, f = 2000, 48, 32, np.float32
    means = np.stack([rng.uniform(-1, 1, n), rng.uniform(-1, 1, n), rng.uniform(3, 6, n)], -1).astype(f)
    outs = [np.empty((1, h, w, 3), f), np.empty((1, h, w, 1), f), np.empty((1, h, w, 1), f), np.empty((1, n, 2), np.int32),
            np.empty((1, n, 2), f), np.empty((1, n), f), np.empty((1, n, 3), f), np.empty((1, n), f)]
    _C.cpu_forward(
        means, rng.normal(size=(n, 4)).astype(f), np.full((n, 3), 0.03, f), np.full(n, 0.6, f), rng.uniform(size=(n, 3)).astype(f),
        np.eye(4, dtype=f)[None].copy(), np.array([[[w, 0, w / 2], [0, w, h / 2], [0, 0, 1]]], f), None, w, h, -1, 0.01, 1e10, 0.3, False, *outs,
    )
    return float(outs[0].astype(np.float64).sum())


@pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="needs fork()")
def test_thread_pool_survives_fork():
    before = backend_cpu.get_num_threads()
    backend_cpu.set_num_threads(2)
    try:
        expected = _render_numpy(0)  # workers exist in the parent now
        with mp.get_context("fork").Pool(2) as pool:
            got = pool.map_async(_render_numpy, range(3)).get(timeout=120)
    finally:
        backend_cpu.set_num_threads(before)
    assert got == [expected] * 3


def test_bad_shapes_raise_clear_errors():
    scene = _scene(n=10)
    scene["quats"] = scene["quats"][:5]
    with pytest.raises(ValueError, match="quats"):
        backend_cpu.rasterize(**scene)
    scene = _scene(n=10)
    with pytest.raises(ValueError, match="SH"):
        backend_cpu.rasterize(**dict(scene, colors=torch.zeros(10, 4, 3)))  # degree 3 needs 16 coefficients
