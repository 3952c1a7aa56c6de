"""Dataset rendering: nerfstudio layout, depth vs collider geometry, labels vs world labels."""

import json

import numpy as np
import pytest
import torch
import trimesh
from PIL import Image

from spatial.core.labels import LABEL_IDS
from spatial.core.splats import Splats
from spatial.core.rotation import rotmat_to_quat
from spatial.exporting.dataset import render_dataset
from spatial.errors import ValidationError
from spatial.world import Spawn, World


def _surface_splats(mesh: trimesh.Trimesh, n: int, label: int, color, seed: int) -> Splats:
    pts, face = trimesh.sample.sample_surface(mesh, n, seed=seed)
    normals = mesh.face_normals[face]
    t1 = np.cross(normals, [0.0, 1.0, 0.0])
    bad = np.linalg.norm(t1, axis=1) < 1e-6
    t1[bad] = np.cross(normals[bad], [1.0, 0.0, 0.0])
    t1 /= np.linalg.norm(t1, axis=1, keepdims=True)
    t2 = np.cross(normals, t1)
    rot = torch.tensor(np.stack([t1, t2, normals], -1))  # columns: tangent, bitangent, normal
    spacing = np.sqrt(mesh.area / n)
    scales = torch.tensor([[spacing * 0.9, spacing * 0.9, 0.002]]).expand(n, 3)
    return Splats.from_activated(torch.tensor(pts, dtype=torch.float32), rotmat_to_quat(rot).float(), scales,
                                 torch.full((n,), 0.99), torch.tensor([color] * n), labels=torch.full((n,), label))


def _world():
    floor = trimesh.creation.box((12, 0.2, 12), trimesh.transformations.translation_matrix([0, -0.1, 0]))
    wall = trimesh.creation.box((12, 4, 0.2), trimesh.transformations.translation_matrix([0, 2, -4]))
    top_floor = trimesh.Trimesh(floor.vertices, floor.faces[floor.face_normals[:, 1] > 0.9])
    front_wall = trimesh.Trimesh(wall.vertices, wall.faces[wall.face_normals[:, 2] > 0.9])
    s = Splats.concat([
        _surface_splats(top_floor, 12000, LABEL_IDS["ground"], (0.4, 0.6, 0.3), 1),
        _surface_splats(front_wall, 8000, LABEL_IDS["building"], (0.8, 0.3, 0.2), 2),
    ])
    return World(splats=s, collider=trimesh.util.concatenate([floor, wall]), spawn=Spawn((0.0, 0.0, 2.0), 0.0), name="box")


def test_render_dataset_depth_and_labels_agree_with_geometry(tmp_path):
    world = _world()
    path = render_dataset(world, tmp_path, "walk", ("rgb", "depth", "labels", "normals"), size=(96, 72), frames=3, progress=False)
    meta = json.loads(path.read_text())
    assert len(meta["frames"]) == 3 and meta["w"] == 96
    from spatial.datasets.nerfstudio import load_nerfstudio  # our own loader reads it back

    ds = load_nerfstudio(path)
    assert len(ds.views) == 3 and ds.views[0].image.shape == (72, 96, 3)
    ray = trimesh.ray.ray_triangle.RayMeshIntersector(world.collider)
    for fr, view in zip(meta["frames"], ds.views):
        cam = view.camera  # as the loader maps it: must be the camera we rendered from (world frame is +Y up)
        depth = np.asarray(Image.open(tmp_path / fr["depth_file_path"]), dtype=np.float64) / 1000.0
        labels = np.asarray(Image.open(tmp_path / fr["labels_file_path"]))
        ii, jj = np.mgrid[4:72:8, 4:96:8]
        dirs_cam = np.stack([(jj + 0.5 - cam.cx) / cam.fx, (ii + 0.5 - cam.cy) / cam.fy, np.ones_like(ii, dtype=float)], -1).reshape(-1, 3)
        c2w = cam.camtoworld.double().numpy()
        dirs = dirs_cam @ c2w[:3, :3].T
        origins = np.repeat(c2w[None, :3, 3], len(dirs), 0)
        loc, idx_ray, tri = ray.intersects_location(origins, dirs / np.linalg.norm(dirs, axis=1, keepdims=True), multiple_hits=False)
        z_true = ((loc - origins[idx_ray]) @ c2w[:3, 2])
        z_img = depth[ii.ravel()[idx_ray], jj.ravel()[idx_ray]]
        ok = z_img > 0
        assert ok.mean() > 0.9
        rel = np.abs(z_img[ok] - z_true[ok]) / z_true[ok]
        assert np.median(rel) <= 0.02, np.median(rel)
        hit_wall = loc[:, 1] > 0.05
        expect = np.where(hit_wall, LABEL_IDS["building"], LABEL_IDS["ground"])
        got = labels[ii.ravel()[idx_ray], jj.ravel()[idx_ray]]
        assert (got == expect).mean() > 0.95


def test_render_dataset_bad_inputs(tmp_path):
    world = _world()
    with pytest.raises(ValidationError, match="unknown outputs"):
        render_dataset(world, tmp_path, "orbit", ("rgb", "albedo"))
    with pytest.raises(ValidationError, match="trajectory"):
        render_dataset(world, tmp_path, "spiral", ("rgb",))
    world.splats.labels = None
    with pytest.raises(ValidationError, match="labels"):
        render_dataset(world, tmp_path, "orbit", ("labels",), frames=1, size=(16, 16))


def test_render_cli_writes_video(tmp_path):
    from spatial.cli import main

    _world().save(tmp_path / "w")
    assert main(["render", str(tmp_path / "w"), "-o", str(tmp_path / "d"), "--trajectory", "orbit", "--frames", "6",
                 "--size", "64x48", "--outputs", "rgb", "--video"]) == 0
    import imageio.v3 as iio

    frames = iio.imread(tmp_path / "d" / "video.mp4")
    assert frames.shape[0] == 6 and frames.shape[1:3] == (48, 64)
