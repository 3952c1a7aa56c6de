"""Core data model: Splats, Camera, rotations, spherical harmonics."""

import math

import pytest
import torch

from conftest import random_splats
from spatial.core import sh as shm
from spatial.core.camera import Camera, stack_cameras
from spatial.core.rotation import axis_angle_to_rotmat, normalize_quat, quat_multiply, quat_to_rotmat, rotmat_to_quat
from spatial.core.splats import Splats
from spatial.errors import ValidationError


def test_quat_matrix_round_trip():
    q = normalize_quat(torch.randn(500, 4, dtype=torch.float64))
    q = torch.where(q[:, :1] < 0, -q, q)
    r = quat_to_rotmat(q)
    assert torch.allclose(r @ r.transpose(-1, -2), torch.eye(3, dtype=torch.float64).expand(500, 3, 3), atol=1e-12)
    assert torch.allclose(torch.det(r), torch.ones(500, dtype=torch.float64))
    assert torch.allclose(rotmat_to_quat(r), q, atol=1e-10)


def test_quat_multiply_composes_rotations():
    a, b = normalize_quat(torch.randn(2, 50, 4, dtype=torch.float64))
    assert torch.allclose(quat_to_rotmat(quat_multiply(a, b)), quat_to_rotmat(a) @ quat_to_rotmat(b), atol=1e-12)


def test_zero_quaternion_becomes_identity():
    q = normalize_quat(torch.tensor([[0.0, 0, 0, 0], [float("nan"), 0, 0, 0]]))
    assert torch.equal(q, torch.tensor([[1.0, 0, 0, 0], [1.0, 0, 0, 0]]))


def test_sh_rotation_matches_rotated_evaluation():
    torch.manual_seed(0)
    coeffs = torch.randn(7, 16, 3, dtype=torch.float64)
    rot = axis_angle_to_rotmat([0.3, -1.0, 0.5], 1.1)
    rotated = shm.rotate_sh(coeffs, rot)
    dirs = torch.nn.functional.normalize(torch.randn(7, 3, dtype=torch.float64), dim=-1)
    # colour of the rotated splat seen along d equals the original's along R^T d
    assert torch.allclose(shm.eval_sh(3, rotated, dirs), shm.eval_sh(3, coeffs, dirs @ rot), atol=1e-9)


@pytest.mark.parametrize("flips", [(-1, -1, 1), (-1, 1, -1), (1, -1, -1)])
def test_flip_signs_match_spz_table(flips):
    fx, fy, fz = flips
    expected = [1, fy, fz, fx, fx * fy, fy * fz, 1, fx * fz, 1, fy, fx * fy * fz, fy, fz, fx, fz, fx]
    assert shm.flip_signs(3, flips).tolist() == expected


def test_splats_shapes_are_validated():
    with pytest.raises(ValidationError, match="quats"):
        Splats(torch.zeros(3, 3), torch.zeros(2, 4), torch.zeros(3, 3), torch.zeros(3), torch.zeros(3, 1, 3))
    with pytest.raises(ValidationError, match="SH"):
        Splats(torch.zeros(3, 3), torch.zeros(3, 4), torch.zeros(3, 3), torch.zeros(3), torch.zeros(3, 5, 3))


def test_activated_accessors_and_from_activated():
    s = Splats.from_activated(torch.zeros(2, 3), scales=torch.tensor([[0.1, 0.2, 0.3]] * 2), opacities=torch.tensor([0.25, 0.75]), colors=torch.tensor([[1.0, 0, 0], [0, 0, 1]]))
    assert torch.allclose(s.scales, torch.tensor([[0.1, 0.2, 0.3]] * 2))
    assert torch.allclose(s.opacities, torch.tensor([0.25, 0.75]))
    assert torch.allclose(s.colors, torch.tensor([[1.0, 0, 0], [0, 0, 1]]), atol=1e-6)
    assert s.sh_degree == 0 and len(s) == 2


def test_index_mask_concat_and_degree_padding():
    a, b = random_splats(10, 3, seed=1, labels=True), random_splats(5, 0, seed=2)
    c = Splats.concat([a, b])
    assert len(c) == 15 and c.sh_degree == 3 and c.labels.shape == (15,)
    assert torch.equal(c.sh[10:, 1:], torch.zeros(5, 15, 3))
    m = c[c.means[:, 0] > 0]
    assert len(m) == int((c.means[:, 0] > 0).sum())
    assert len(c[3]) == 1 and len(c[-1]) == 1
    with pytest.raises(ValidationError):
        c[torch.ones(4, dtype=torch.bool)]
    assert len(Splats.concat([])) == 0


def test_transform_rotates_covariance_and_view_dependent_colour():
    s = random_splats(50, 3, seed=3).to(dtype=torch.float64)
    rot = axis_angle_to_rotmat([1.0, 2.0, -0.5], 0.7)
    t = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64)
    out = s.transform(rot, t, scale=2.0)
    assert torch.allclose(out.means, 2.0 * s.means @ rot.T + t, atol=1e-9)
    assert torch.allclose(out.covariances(), 4.0 * rot @ s.covariances() @ rot.T, atol=1e-9)
    cam = torch.tensor([0.3, 5.0, -4.0], dtype=torch.float64)
    d_new = torch.nn.functional.normalize(out.means - cam, dim=-1)
    d_old = d_new @ rot  # the same view direction expressed in the original frame
    assert torch.allclose(shm.eval_sh(3, out.sh, d_new), shm.eval_sh(3, s.sh, d_old), atol=1e-9)
    with pytest.raises(ValidationError):
        s.transform(torch.diag(torch.tensor([1.0, 1.0, -1.0])))
    with pytest.raises(ValidationError):
        s.transform(scale=0.0)


def test_mirror_is_rotation_by_180_degrees():
    s = random_splats(30, 3, seed=4).to(dtype=torch.float64)
    rot = torch.diag(torch.tensor([-1.0, -1.0, 1.0], dtype=torch.float64))  # 180 deg about z
    a, b = s.mirror((-1, -1, 1)), s.transform(rot)
    assert torch.allclose(a.means, b.means)
    assert torch.allclose(a.covariances(), b.covariances(), atol=1e-9)
    assert torch.allclose(a.sh, b.sh, atol=1e-9)


def test_bounds_ignore_non_finite_and_empty():
    s = random_splats(4, 0)
    s.means[0] = float("nan")
    lo, hi = s.bounds()
    assert torch.isfinite(lo).all() and torch.isfinite(hi).all()
    lo, hi = Splats.empty().bounds()
    assert lo.tolist() == [0, 0, 0]


def test_camera_look_at_projects_target_to_principal_point():
    cam = Camera.look_at([3.0, 2.0, 5.0], [0.0, 0.5, 0.0], 320, 240, fov_y_deg=60)
    x = cam.viewmat @ torch.tensor([0.0, 0.5, 0.0, 1.0])
    uv = cam.K @ x[:3] / x[2]
    assert x[2] > 0 and torch.allclose(uv[:2], torch.tensor([160.0, 120.0]), atol=1e-3)
    assert torch.allclose(cam.position, torch.tensor([3.0, 2.0, 5.0]), atol=1e-5)
    assert math.isclose(cam.fov_y, 60.0, rel_tol=1e-6)
    # world up (+Y) appears upward in the image (smaller v)
    above = cam.viewmat @ torch.tensor([0.0, 1.5, 0.0, 1.0])
    assert (cam.K @ above[:3] / above[2])[1] < 120


def test_camera_batch_and_serialization():
    cams = Camera.orbit([0, 0, 0], 4.0, 6, width=64, height=48)
    v, k, w, h = stack_cameras(cams)
    assert v.shape == (6, 4, 4) and k.shape == (6, 3, 3) and (w, h) == (64, 48)
    assert Camera.from_dict(cams[2].to_dict()).viewmat.allclose(cams[2].viewmat)
    with pytest.raises(ValidationError):
        stack_cameras([cams[0], cams[0].resized(32, 32)])
    with pytest.raises(ValidationError):
        Camera.from_dict({"fx": 1})
