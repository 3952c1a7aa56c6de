"""Shared test helpers: fixture paths, artifact folder, small random splat sets."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch

REPO = Path(__file__).resolve().parents[1]


def fixtures_dir() -> Path:
    """``../shared/fixtures`` beside the repo (override with SPATIAL_FIXTURES)."""
    return Path(os.environ.get("SPATIAL_FIXTURES", REPO.parent / "shared" / "fixtures"))


def require_fixture(*parts: str) -> Path:
    """Path of a shared fixture; skip the test only when the shared folder is absent (a user's clone)."""
    root = fixtures_dir()
    if not root.is_dir():
        pytest.skip(f"shared fixtures folder {root} is absent")
    p = root.joinpath(*parts)
    assert p.exists(), f"fixture {p} is missing although {root} exists"
    return p


def artifacts_dir(name: str) -> Path:
    """Folder for test artifacts (screenshots, previews): test-artifacts/<name>."""
    p = REPO / "test-artifacts" / name
    p.mkdir(parents=True, exist_ok=True)
    return p


def random_splats(n: int = 100, sh_degree: int = 3, seed: int = 0, labels: bool = False, extent: float = 2.0):
    from spatial.core.splats import Splats

    g = torch.Generator().manual_seed(seed)
    k = (sh_degree + 1) ** 2
    return Splats(
        means=(torch.rand(n, 3, generator=g) * 2 - 1) * extent,
        quats=torch.randn(n, 4, generator=g),
        log_scales=torch.rand(n, 3, generator=g) * 3 - 5,
        logit_opacities=torch.randn(n, generator=g) * 2,
        sh=torch.randn(n, k, 3, generator=g) * 0.5,
        labels=torch.randint(0, 14, (n,), generator=g, dtype=torch.int32) if labels else None,
    )


@pytest.fixture
def rng():
    return torch.Generator().manual_seed(1234)


@pytest.fixture(autouse=True, scope="session")
def _private_default_store(tmp_path_factory):
    """Tests never touch the user's store: the default store folder points into a session temp dir."""
    old = os.environ.get("SPATIAL_STORE")
    os.environ["SPATIAL_STORE"] = str(tmp_path_factory.mktemp("default-store"))
    yield
    if old is None:
        os.environ.pop("SPATIAL_STORE", None)
    else:
        os.environ["SPATIAL_STORE"] = old
