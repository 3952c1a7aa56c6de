"""Cross-format chains keep positions and covariances (spatial's world frame) within the summed bounds."""

from __future__ import annotations

import pytest
import torch
from formats_util import BOUNDS, SPZ_SH1, assert_within, covariance_tolerance

from conftest import random_splats
from spatial.io import load, save

STEPS = {
    "ply": ("a.ply", {}, "ply"),
    "ply-ascii": ("b.ply", {"ascii": True}, "ply"),
    "spz2": ("c.spz", {"version": 2}, "spz-v2"),
    "spz3": ("d.spz", {"version": 3}, "spz"),
    "spz4": ("e.spz", {"version": 4}, "spz"),
    "glb": ("f.glb", {}, "gltf"),
    "gltf": ("g.gltf", {}, "gltf"),
    "splat": ("h.splat", {}, "splat"),
    "cply": ("i.compressed.ply", {}, "compressed_ply"),
}
CHAINS = [
    ["ply", "spz3", "glb", "splat", "ply"],
    ["glb", "cply", "spz2", "ply", "glb"],
    ["ply-ascii", "spz4", "cply", "splat", "gltf"],
    ["splat", "ply", "gltf", "spz3", "cply"],
    ["spz4", "spz2", "spz3", "glb", "ply-ascii"],
]


def _chunk_bound(s, bits: int = 10) -> float:
    """Worst per-axis compressed-PLY position error for a set (one chunk spanning everything)."""
    rng = (s.means.amax(0) - s.means.amin(0)).max()
    return float(rng) / (2 ** bits - 1) / 2


@pytest.mark.parametrize("chain", CHAINS, ids=["-".join(c) for c in CHAINS])
def test_chain_keeps_positions_and_covariances(tmp_path, chain):
    orig = random_splats(600, 3, seed=len(chain) + sum(map(len, chain)))
    cur = orig
    pos_tol, angle, dlog = 0.0, 0.0, 0.0
    for step in chain:
        name, opts, key = STEPS[step]
        p = tmp_path / name
        save(cur, p, **opts)
        nxt = load(p)
        b = BOUNDS[key]
        # each hop stays within that format's own bound
        assert_within(cur, nxt, b, sh1=SPZ_SH1 if key.startswith("spz") else None, label=f"{chain}:{step}")
        if b.chunk_position:
            pos_tol += _chunk_bound(cur)
            dlog += float((cur.log_scales.amax(0) - cur.log_scales.amin(0)).max()) / 1023 / 2
        else:
            pos_tol += b.position + 1e-6
            dlog += b.log_scale
        angle += b.rotation
        cur = nxt
    assert len(cur) == len(orig)
    dpos = (cur.means - orig.means).abs().max()
    assert dpos <= pos_tol + 1e-6, f"position drift {dpos:.3g} > {pos_tol:.3g}"
    tol = covariance_tolerance(orig, cur, angle, dlog)
    dcov = (cur.covariances().double() - orig.covariances().double()).abs().amax((1, 2))
    assert (dcov <= tol).all(), f"covariance drift ratio {(dcov / tol).max():.3g}"
    # opacity: sum of per-hop bounds
    op_tol = sum(BOUNDS[STEPS[s][2]].opacity for s in chain)
    assert (cur.opacities - orig.opacities).abs().max() <= op_tol + 1e-6


def test_chain_in_world_frame_not_file_frame(tmp_path):
    """A splat at +Y (up in spatial) stays up through every file frame (RDF, RUB, glTF)."""
    s = random_splats(1, 0)
    s.means[:] = torch.tensor([[1.0, 2.0, 3.0]])
    for step in ["ply", "spz3", "glb", "splat", "cply", "spz2"]:
        name, opts, _ = STEPS[step]
        save(s, tmp_path / name, **opts)
        got = load(tmp_path / name)
        assert torch.allclose(got.means, s.means, atol=2e-3), step
