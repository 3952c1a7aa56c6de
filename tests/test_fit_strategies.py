"""Densification surgery (clone/split/prune/reset), MCMC relocation and its exact budget, Adam state upkeep."""

from __future__ import annotations

import math

import pytest
import torch

from conftest import random_splats
from spatial.fitting.params import SplatParams
from spatial.fitting.strategy_default import DefaultStrategy
from spatial.fitting.strategy_mcmc import MCMCStrategy, _binoms, relocation


class FakeOut:
    """Stands in for RenderOutput: per-splat screen gradient norms for one camera."""

    def __init__(self, g, visible=None):
        self.g = g[None]
        self.visible = (g > 0)[None] if visible is None else visible[None]

    def screen_grad_norm(self, ndc=False):
        return self.g


def _params(n=50, seed=0):
    s = random_splats(n, sh_degree=1, seed=seed, labels=True)
    p = SplatParams(s, 1, scene_scale=1.0)
    # one Adam step so that moments exist
    loss = sum((v**2).sum() for v in p.params.values())
    loss.backward()
    p.optimizer.step()
    p.optimizer.zero_grad()
    return p


def test_clone_split_prune_and_moments():
    p = _params(40)
    with torch.no_grad():
        p["log_scales"].data[:20] = math.log(0.001)  # small -> clone
        p["log_scales"].data[20:] = math.log(0.05)  # large -> split
        p["logit_opacities"].data[:] = 2.0
        p["logit_opacities"].data[5] = -10.0  # transparent -> prune
    strat = DefaultStrategy(refine_start=0, refine_every=1, reset_every=10_000, refine_stop=100)
    state = strat.init_state(40)
    g = torch.zeros(40)
    g[[0, 1, 25]] = 1.0  # high gradient on two small and one large splat
    old_means = p["means"].data.clone()
    old_avg = p.optimizer.state[p["means"]]["exp_avg"].clone()
    log = strat.after_backward(p, state, 1, FakeOut(g, torch.ones(40, dtype=torch.bool)), torch.Generator().manual_seed(0), 1.0, 1e-3)
    assert log["grown"] == 2 and log["split"] == 1 and log["pruned"] == 1
    assert len(p) == 40 + 2 + 1 - 1
    # every parameter and moment has the same length, labels followed
    for k, v in p.params.items():
        assert v.shape[0] == len(p)
        assert p.optimizer.state[v]["exp_avg"].shape == v.shape
    assert p.labels.shape == (len(p),)
    # untouched splats keep their moments; the clones start at zero
    means = p["means"].data
    avg = p.optimizer.state[p["means"]]["exp_avg"]
    assert torch.equal(means[2], old_means[2]) and torch.equal(avg[2], old_avg[2])
    clone_rows = avg[-4:-2]  # order: [kept..., clones(2)] then split children (2) appended
    assert torch.count_nonzero(clone_rows) == 0
    # split children are sigma / 1.6 of the parent
    assert torch.allclose(p["log_scales"].data[-2:], torch.full((2, 3), math.log(0.05 / 1.6)), atol=1e-6)


def test_budget_caps_growth():
    p = _params(30)
    strat = DefaultStrategy(refine_start=0, refine_every=1, reset_every=10_000, refine_stop=100, budget=33)
    state = strat.init_state(30)
    with torch.no_grad():
        p["logit_opacities"].data[:] = 2.0
    strat.after_backward(p, state, 1, FakeOut(torch.linspace(0.001, 1, 30)), torch.Generator().manual_seed(0), 1.0, 1e-3)
    assert len(p) <= 33


def test_opacity_reset():
    p = _params(10)
    with torch.no_grad():
        p["logit_opacities"].data[:] = 3.0
    strat = DefaultStrategy(refine_start=10_000, reset_every=5, refine_stop=100)
    strat.after_backward(p, strat.init_state(10), 5, FakeOut(torch.zeros(10)), None, 1.0, 1e-3)
    assert torch.sigmoid(p["logit_opacities"].data).max() <= 0.01 + 1e-6
    assert torch.count_nonzero(p.optimizer.state[p["logit_opacities"]]["exp_avg"]) == 0


def test_relocation_keeps_single_copies_and_matches_closed_form():
    b = _binoms()
    op = torch.tensor([0.3, 0.8])
    sc = torch.ones(2, 3)
    new_op, new_sc = relocation(op, sc, torch.tensor([1, 2]), b)
    assert new_op[0] == pytest.approx(0.3) and torch.allclose(new_sc[0], torch.ones(3))
    # n = 2: o' = 1 - sqrt(1 - o); denom = o' + (o' - o'^2 / sqrt 2)
    o2 = 1 - math.sqrt(1 - 0.8)
    denom = o2 + (o2 - o2**2 / math.sqrt(2))
    assert new_op[1] == pytest.approx(o2, rel=1e-5)
    assert new_sc[1, 0] == pytest.approx(0.8 / denom, rel=1e-5)


def test_mcmc_reaches_exact_budget_and_relocates_dead():
    p = _params(100)
    with torch.no_grad():
        p["logit_opacities"].data[:10] = -8.0  # dead
        p["logit_opacities"].data[10:] = 1.0
    strat = MCMCStrategy(budget=150, refine_start=0, refine_every=1, refine_stop=1000)
    g = torch.Generator().manual_seed(0)
    sizes = []
    for step in range(1, 20):
        log = strat.after_backward(p, {}, step, None, g, 1.0, 1e-4)
        sizes.append(len(p))
        if step == 1:
            assert log["relocated"] == 10
    assert max(sizes) == 150 and sizes[-1] == 150
    assert (torch.sigmoid(p["logit_opacities"].data) > strat.min_opacity).all()
    for v in p.params.values():
        assert v.shape[0] == 150 and torch.isfinite(v).all()


def test_mcmc_noise_moves_transparent_splats_only():
    p = _params(20)
    with torch.no_grad():
        p["logit_opacities"].data[:10] = -6.0
        p["logit_opacities"].data[10:] = 6.0
    before = p["means"].data.clone()
    MCMCStrategy(budget=20)._noise(p, torch.Generator().manual_seed(1), 1e-3 * 5e5)
    moved = (p["means"].data - before).norm(dim=1)
    assert (moved[:10] > 0).all()
    assert moved[10:].max() < 1e-6 * max(1.0, float(moved[:10].max()))


def test_time_progress_ends_densification_like_the_step_schedule():
    """Under a wall-clock budget the schedule follows the fraction of the run done, so a fit that runs
    out of time early still stops densifying (and resetting opacities) half-way, as with its steps."""
    strat = DefaultStrategy.for_steps(3000)
    assert strat.refine_stop == 1500 and strat.reset_every == 300
    g = torch.Generator().manual_seed(0)
    grads = torch.linspace(0.0, 1.0, 30)
    # step 300 is a reset step; at 60% of the time budget it must be left alone (as step 1800 would be)
    p = _params(30)
    with torch.no_grad():
        p["logit_opacities"].data[:] = 3.0
    log = strat.after_backward(p, strat.init_state(30), 300, FakeOut(grads), g, 1.0, 1e-3, progress=0.6)
    assert log == {} and torch.sigmoid(p["logit_opacities"].data).min() > 0.9 and len(p) == 30
    # the same step early in the budget resets and grows
    log = strat.after_backward(p, strat.init_state(30), 300, FakeOut(grads), g, 1.0, 1e-3, progress=0.1)
    assert log.get("reset") == 1 and len(p) > 30
    mcmc = MCMCStrategy.for_steps(3000, budget=40)
    p = _params(30)
    assert mcmc.after_backward(p, {}, 100, None, g, 1.0, 1e-4, progress=0.95) == {} and len(p) == 30
    assert mcmc.after_backward(p, {}, 100, None, g, 1.0, 1e-4, progress=0.2)["grown"] > 0
