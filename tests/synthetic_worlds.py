"""Small generated-like worlds for the text-edit, expand and block-out tests (built in well under a second).

``ground_world()``: a square of terrain (gentle slope and waves) on the generator's lattice, sampled into
ground splats, with its exact collider, a spawn at the origin looking along -Z, a meadow spec and the
default legend; like a draft world without the population.
"""

from __future__ import annotations

import numpy as np
import torch
import trimesh

from spatial.core.labels import DEFAULT_LEGEND
from spatial.core.splats import Splats
from spatial.world import Spawn, World


def height(x, z):
    return 0.03 * x + 0.4 * np.sin(z / 6.0) + 0.2 * np.cos(x / 4.0)


def ground_world(extent: float = 40.0, n: int = 257, splats: int = 30000, seed: int = 0) -> World:
    xs = np.linspace(-extent / 2, extent / 2, n)
    X, Z = np.meshgrid(xs, xs)
    H = height(X, Z)
    H = H - height(0.0, 0.0)
    v = np.stack([X.ravel(), H.ravel(), Z.ravel()], 1)
    idx = np.arange(n * n).reshape(n, n)
    a, b, c, d = idx[:-1, :-1].ravel(), idx[:-1, 1:].ravel(), idx[1:, :-1].ravel(), idx[1:, 1:].ravel()
    f = np.concatenate([np.stack([a, d, b], -1), np.stack([a, c, d], -1)])
    rng = np.random.default_rng(seed)
    px = rng.uniform(-extent / 2, extent / 2, splats)
    pz = rng.uniform(-extent / 2, extent / 2, splats)
    py = height(px, pz) - height(0.0, 0.0)
    means = torch.tensor(np.stack([px, py, pz], 1), dtype=torch.float32)
    quats = torch.tensor([[0.7071, -0.7071, 0.0, 0.0]], dtype=torch.float32).repeat(splats, 1)  # local z -> +Y
    scale = extent / np.sqrt(splats) * 0.7
    log_scales = torch.log(torch.tensor([[scale, scale, scale * 0.1]], dtype=torch.float32)).repeat(splats, 1)
    op = torch.full((splats,), 3.0)
    sh = torch.zeros(splats, 1, 3)
    sh[:, 0, 1] = 0.3
    labels = torch.full((splats,), 1, dtype=torch.int32)
    spec = {"scene_type": "meadow", "time_of_day": "day", "weather": "clear", "relief": 0.2, "water": "none",
            "vegetation_density": 0.1, "tree_kind": "broadleaf", "grass_density": 0.0, "rock_density": 0.1, "snow_cover": 0.0,
            "extent_m": extent, "seed": seed}
    return World(splats=Splats(means, quats, log_scales, op, sh, labels), collider=trimesh.Trimesh(v, f, process=False),
                 spawn=Spawn((0.0, 0.0, 0.0), 0.0), name="ground", spec=spec, seed=seed,
                 generator={"name": "test", "budget": 100000}, labels=dict(DEFAULT_LEGEND),
                 metadata={"scene_family": "nature", "walk_heading_deg": 0.0, "eye_height": 1.65})
