"""Physics benchmark: collider extraction from a 1M-splat world and the character controller step.

Run: ``.venv/bin/python benchmarks/bench_physics.py [--splats 1000000] [--skip-poisson]``

Prints, all measured in this run on this machine:
* collider_from_splats on a 1M-splat world (64 m hilly terrain + room, stairs, ramps, walls;
  surface-aligned flat Gaussians + 3% floaters): seconds, triangles, mean surface distance both ways;
  baseline: Open3D screened Poisson reconstruction (depth 9) of the same splat centres and normals;
* CharacterController.step (numba kernels) vs a pybullet capsule collide-and-slide baseline
  (getClosestPoints depenetration + rayTest ground snap, the usual design; docs/physics.md) on the same
  reconstructed collider and the same random inputs;
* drop_objects: 20 boxes for up to 4 s simulated.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))


def bench_world(n_splats: int, seed: int = 0):
    import trimesh

    from spatial.physics.scenes import course, hills, splats_from_mesh

    terrain = hills(size=64.0, resolution=129, amplitude=1.5, seed=seed).mesh
    base = float(np.asarray(terrain.vertices)[:, 1].max())
    parts = [terrain]
    for s in course().solids[1:]:  # room, stairs, block, ramps, thin wall standing on a plinth above the hills
        m = s.copy()
        m.apply_translation([0, base, 0])
        parts.append(m)
    parts.append(__import__("spatial.physics.scenes", fromlist=["box"]).box((-22, 0, -22), (26, base, 12)))
    mesh = trimesh.util.concatenate(parts)
    keep = (mesh.face_normals[:, 1] > -0.5)
    gt = mesh.submesh([np.nonzero(keep)[0]], append=True)
    return gt, splats_from_mesh(gt, n_splats, seed=seed, floaters=0.03)


def surface_error(gt, mesh, n=100_000):
    import open3d as o3d
    import trimesh

    def scene(m):
        rs = o3d.t.geometry.RaycastingScene()
        rs.add_triangles(o3d.core.Tensor(np.asarray(m.vertices, np.float32)), o3d.core.Tensor(np.asarray(m.faces, np.uint32)))
        return rs

    a, _ = trimesh.sample.sample_surface(gt, n, seed=1)
    b, _ = trimesh.sample.sample_surface(mesh, n, seed=2)
    d1 = scene(mesh).compute_distance(o3d.core.Tensor(a.astype(np.float32))).numpy()
    d2 = scene(gt).compute_distance(o3d.core.Tensor(b.astype(np.float32))).numpy()
    return float(d1.mean()), float(d2.mean())


def poisson_baseline(splats, depth: int = 9):
    import open3d as o3d
    import trimesh

    from spatial.core.rotation import quat_to_rotmat

    op = splats.opacities.numpy()
    keep = op >= 0.3
    pts = splats.means.numpy()[keep].astype(np.float64)
    sc = splats.scales.numpy()[keep]
    R = quat_to_rotmat(splats.quats[keep]).numpy()
    nrm = np.take_along_axis(R, sc.argmin(1)[:, None, None].repeat(3, 1), 2)[..., 0]
    nrm[nrm[:, 1] < 0] *= -1  # orient up (the only orientation available without cameras)
    pc = o3d.geometry.PointCloud(o3d.utility.Vector3dVector(pts))
    pc.normals = o3d.utility.Vector3dVector(nrm.astype(np.float64))
    t = time.perf_counter()
    m, dens = o3d.geometry.TriangleMesh.create_from_point_cloud_poisson(pc, depth=depth)
    dens = np.asarray(dens)
    m.remove_vertices_by_mask(dens < np.quantile(dens, 0.05))
    el = time.perf_counter() - t
    return trimesh.Trimesh(np.asarray(m.vertices), np.asarray(m.triangles), process=False), el


class PybulletWalker:
    """Baseline: capsule collide-and-slide with pybullet getClosestPoints."""

    def __init__(self, mesh, params, position):
        import pybullet as pb

        self.pb = pb
        self.cid = pb.connect(pb.DIRECT)
        self.P = params
        from spatial.physics.rigid import static_world_bodies

        self.worlds = static_world_bodies(pb, self.cid, mesh)
        cap = pb.createCollisionShape(pb.GEOM_CAPSULE, radius=params.radius + params.offset, height=2 * params.half_height,
                                      physicsClientId=self.cid)
        # pybullet capsules run along local Z: rotate to +Y
        self.q = pb.getQuaternionFromEuler([math.pi / 2, 0, 0])
        self.body = pb.createMultiBody(0, cap, basePosition=[0, 0, 0], baseOrientation=self.q, physicsClientId=self.cid)
        self.pos = np.asarray(position, float)
        self.vy = 0.0
        self.grounded = False

    def _centre(self, p):
        return p + [0, self.P.radius + self.P.half_height, 0]

    def _push(self, p, horizontal):
        pb = self.pb
        for _ in range(4):
            pb.resetBasePositionAndOrientation(self.body, self._centre(p).tolist(), self.q, physicsClientId=self.cid)
            cps = [c for w in self.worlds for c in pb.getClosestPoints(self.body, w, 0.0, physicsClientId=self.cid)]
            if not cps:
                return p
            disp = np.zeros(3)
            for c in cps:
                n, d = -np.asarray(c[7]), c[8]  # normal on B points from B to A
                if d >= 0:
                    continue
                if horizontal:
                    n = n * [1, 0, 1]
                    if n @ n < 0.04:
                        continue
                disp += n * (-d) / max(n @ n, 1e-9)
            if not disp.any():
                return p
            p = p + disp
        return p

    def step(self, dt, vel):
        pb, P = self.pb, self.P
        p = self.pos.copy()
        p = p + [0, P.step_height if self.grounded else 0.0, 0]
        delta = vel * dt
        n = max(1, math.ceil(np.linalg.norm(delta) / (0.5 * P.radius)))
        for _ in range(n):
            p = self._push(p + delta / n, horizontal=True)
        if not self.grounded:
            self.vy -= P.gravity * dt
        drop = (P.step_height + P.snap_to_ground if self.grounded else 0.0) + max(-self.vy * dt, 0)
        start = p + [0, P.radius, 0]
        hit = pb.rayTest(start.tolist(), (start - [0, drop + P.radius + P.offset, 0]).tolist(), physicsClientId=self.cid)[0]
        if hit[0] >= 0:
            ground = hit[3][1]
            p[1] = max(ground + P.offset, p[1] - drop)
            self.grounded, self.vy = True, 0.0
        else:
            p[1] -= drop - (P.step_height if self.grounded else 0.0)
            self.grounded = False
        self.pos = self._push(p, horizontal=False)
        return self.pos


def walk_inputs(n, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        if i % 45 == 0:
            a = rng.uniform(0, 2 * np.pi)
            v = np.array([math.cos(a), 0.0, math.sin(a)])
        out.append(v)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--splats", type=int, default=1_000_000)
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--skip-poisson", action="store_true")
    args = ap.parse_args(argv)

    from spatial.physics import CharacterController, ControllerParams, collider_from_splats, drop_objects, find_spawn

    print(f"machine: {os.cpu_count()} cpus, load average {os.getloadavg()[0]:.1f}")
    t = time.perf_counter()
    gt, splats = bench_world(args.splats)
    print(f"world: {len(splats):,} splats on {gt.area:.0f} m^2 of ground truth ({time.perf_counter() - t:.1f} s to build)")

    t = time.perf_counter()
    col = collider_from_splats(splats, budget=200_000)
    t_ours = time.perf_counter() - t
    e1, e2 = surface_error(gt, col)
    rep = col.metadata["spatial_collider"]
    print(f"collider_from_splats: {t_ours:.1f} s, {len(col.faces):,} triangles, voxel {rep['voxel']:.3f} m, "
          f"mean distance GT->collider {100 * e1:.1f} cm, collider->GT {100 * e2:.1f} cm; stages {rep['seconds']}")
    if not args.skip_poisson:
        pm, t_p = poisson_baseline(splats)
        p1, p2 = surface_error(gt, pm)
        print(f"baseline Open3D Poisson depth 9: {t_p:.1f} s, {len(pm.faces):,} triangles (before any decimation), "
              f"GT->mesh {100 * p1:.1f} cm, mesh->GT {100 * p2:.1f} cm")
        print(f"ratio: Poisson time / ours = {t_p / t_ours:.2f}x; Poisson mesh->GT error / ours = {p2 / max(e2, 1e-9):.1f}x")

    P = ControllerParams()
    spawn = find_spawn(col)
    start = np.asarray(spawn.position) + [0, 0.05, 0]
    inputs = walk_inputs(args.steps)
    cc = CharacterController(col, P, position=start)
    cc.step(1 / 60)  # JIT load
    t = time.perf_counter()
    for v in inputs:
        cc.step(1 / 60, (v[0] * 1.0, v[2] * 1.0))
    t_cc = (time.perf_counter() - t) / len(inputs)
    t = time.perf_counter()
    bw = PybulletWalker(col, P, start)
    t_build = time.perf_counter() - t
    t = time.perf_counter()
    for v in inputs:
        bw.step(1 / 60, v * P.walk_speed)
    t_pb = (time.perf_counter() - t) / len(inputs)
    print(f"controller step: ours {1e3 * t_cc:.3f} ms, pybullet baseline {1e3 * t_pb:.3f} ms "
          f"(+{t_build:.2f} s to load the 200k-triangle world); ratio baseline/ours = {t_pb / t_cc:.2f}x")

    from spatial.physics.scenes import box, concat_objects, splats_from_mesh

    rng = np.random.default_rng(1)
    objs = []
    for i in range(20):
        x, z = spawn.position[0] + rng.uniform(-6, 6), spawn.position[2] + rng.uniform(-6, 6)
        objs.append(splats_from_mesh(box((x, spawn.position[1] + 2 + i * 0.3, z), (x + 0.4, spawn.position[1] + 2.5 + i * 0.3, z + 0.5)), 300, seed=i))
    allsp, masks = concat_objects(objs)
    t = time.perf_counter()
    r = drop_objects(col, allsp, masks, duration=4.0)
    print(f"drop_objects: 20 boxes, {r.seconds:.2f} s simulated in {time.perf_counter() - t:.2f} s; "
          f"{int(r.at_rest.sum())} at rest, {int(r.fell_through.sum())} fell through")
    return 0


if __name__ == "__main__":
    sys.exit(main())
