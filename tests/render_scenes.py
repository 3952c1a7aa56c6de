"""Random rasterizer test scenes (shared by the reference-vs-gsplat and backend-parity tests).

``make_scene(seed)`` is deterministic. Scene kinds cycle with the seed so any 50+ consecutive seeds
cover them all: splats behind the camera and straddling the near plane, off-screen, covering the whole
image, needle-thin, huge, opacity at/near 0 and 1, 0 and 1 splats, dense scenes that terminate early;
image sizes that are not multiples of 16, non-square images, batches of 1-3 cameras, SH degrees 0-3 or
plain colours, backgrounds, near/far planes and the antialiased mode.
"""

from __future__ import annotations

import math

import torch

KINDS = ("mixed", "behind", "near", "offscreen", "cover", "needle", "huge", "opacity", "empty", "single", "dense")
SIZES = ((16, 16), (33, 17), (40, 24), (47, 31), (64, 48), (20, 57), (70, 45), (5, 3), (48, 32), (31, 64))


def _rotation(axis_angle: torch.Tensor) -> torch.Tensor:
    angle = axis_angle.norm()
    if angle < 1e-12:
        return torch.eye(3, dtype=axis_angle.dtype)
    k = axis_angle / angle
    kx = torch.tensor([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]], dtype=axis_angle.dtype)
    return torch.eye(3, dtype=axis_angle.dtype) + torch.sin(angle) * kx + (1 - torch.cos(angle)) * kx @ kx


def make_scene(seed: int, dtype=torch.float64, features: int = 3, allow_feature_dims: bool = False) -> dict:
    """Keyword arguments for ``rasterize`` (backend interface names) plus ``kind``."""
    g = torch.Generator().manual_seed(1000 + seed)
    kind = KINDS[seed % len(KINDS)]

    def rand(*shape):
        return torch.rand(*shape, generator=g, dtype=torch.float64)

    def randn(*shape):
        return torch.randn(*shape, generator=g, dtype=torch.float64)

    width, height = SIZES[(seed * 7 + seed // len(KINDS)) % len(SIZES)]
    n_cams = 1 + (seed % 3)
    n = {"empty": 0, "single": 1, "dense": 150}.get(kind, 20 + int(rand(1) * 40))

    means = torch.stack([(rand(n) * 2 - 1) * 1.5, (rand(n) * 2 - 1) * 1.0, 1.5 + rand(n) * 4.5], -1)
    quats = randn(n, 4)
    scales = torch.exp(math.log(0.01) + rand(n, 3) * (math.log(0.3) - math.log(0.01)))
    opacities = torch.sigmoid(randn(n) * 2)
    near, far = 0.01, 1e10

    if kind == "behind":
        k = n // 2
        means[:k, 2] = -3 + rand(k) * 3.5  # behind the camera or just in front
        scales[:k] *= 3
    elif kind == "near":
        near = [0.01, 0.3, 1.0][seed % 3]
        means[:, 2] = -0.2 + rand(n) * 2.0  # many centres straddle the near plane
        means[:, :2] *= 0.3
        far = [1e10, 1.5][seed % 2]
    elif kind == "offscreen":
        means[:, :2] = (rand(n, 2) * 2 - 1) * 6.0
    elif kind == "cover":
        k = 3
        means[:k] = torch.tensor([0.0, 0.0, 3.0], dtype=torch.float64) + randn(k, 3) * 0.2
        scales[:k] = 1.5 + rand(k, 3) * 3
        opacities[:k] = 0.2 + 0.5 * rand(k)
    elif kind == "needle":
        long_axis = (rand(n) * 3).long().clamp(max=2)
        scales = 10 ** (-4 + rand(n, 3))  # 1e-4 .. 1e-3
        scales[torch.arange(n), long_axis] = 0.1 + rand(n) * 0.4
    elif kind == "huge":
        k = max(1, n // 4)
        scales[:k] = 10 + rand(k, 3) * 90
        opacities[:k] = 0.05 + 0.3 * rand(k)
    elif kind == "opacity":
        choices = torch.tensor([0.0, 1e-4, 0.0039, 0.004, 0.5, 0.99, 0.999, 0.9999, 1.0], dtype=torch.float64)
        opacities = choices[(rand(n) * len(choices)).long().clamp(max=len(choices) - 1)]
    elif kind == "dense":
        width, height = (40, 24) if seed % 2 else (33, 29)
        opacities = 0.5 + 0.5 * rand(n)
        scales *= 2

    viewmats = torch.eye(4, dtype=torch.float64).repeat(n_cams, 1, 1)
    Ks = torch.zeros(n_cams, 3, 3, dtype=torch.float64)
    for c in range(n_cams):
        if c > 0 or seed % 4 == 3:
            viewmats[c, :3, :3] = _rotation(randn(3) * 0.15)
            viewmats[c, :3, 3] = randn(3) * 0.3
        f = width * (0.7 + 0.6 * rand(1))
        Ks[c] = torch.tensor([[float(f), 0, width / 2 + float(randn(1)) * 2], [0, float(f) * (0.9 + 0.2 * float(rand(1))), height / 2 + float(randn(1)) * 2], [0, 0, 1]], dtype=torch.float64)

    sh_degree = [None, 0, 1, 2, 3][seed % 5]
    if sh_degree is None:
        d = features if not allow_feature_dims else [3, 1, 5][seed % 3]
        colors = rand(n, d)
    else:
        colors = randn(n, (sh_degree + 1) ** 2 + (seed % 2), 3) * 0.4  # sometimes more coefficients than used
        d = 3
    backgrounds = rand(n_cams, d) if seed % 3 != 1 else None
    scene = dict(
        means=means, quats=quats, scales=scales, opacities=opacities, colors=colors, viewmats=viewmats, Ks=Ks,
        width=width, height=height, sh_degree=sh_degree, backgrounds=backgrounds, near_plane=near,
        far_plane=far, eps2d=0.3, antialiased=bool(seed % 4 == 1),
    )
    for k, v in scene.items():
        if isinstance(v, torch.Tensor):
            scene[k] = v.to(dtype)
    scene["kind"] = kind
    return scene


DIFF_INPUTS = ("means", "quats", "scales", "opacities", "colors")


def backend_kwargs(scene: dict) -> dict:
    """The scene without ``kind`` (arguments of a backend's ``rasterize``)."""
    return {k: v for k, v in scene.items() if k != "kind"}


def cast(scene: dict, dtype=None, device=None) -> dict:
    out = {}
    for k, v in scene.items():
        out[k] = v.to(dtype=dtype or v.dtype, device=device) if isinstance(v, torch.Tensor) else v
    return out
