"""Rigid bodies with pybullet: drop or push splat groups onto a static world, write the result back
as splat transforms.

The world is one static concave triangle mesh (``GEOM_FORCE_CONCAVE_TRIMESH``, mass 0; pybullet's
dynamic meshes are convex hulls, so only the static world may be concave). Each moving object is a
group of splats whose collider is the convex hull of its opaque centres, or CoACD parts of its
reconstructed surface (``shape="coacd"``) for concave props. After the simulation each group gets
the rigid transform of its body, applied with :meth:`Splats.transform` (positions, rotations and
view-dependent colour rotate together).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ValidationError
from .errors import EmptyColliderError

__all__ = ["DropResult", "drop_objects"]


@dataclass
class DropResult:
    """``splats``: all splats with the moved groups transformed; per group: ``rotations`` [G,3,3] and
    ``translations`` [G,3] (new = R @ old + t), ``positions`` [G,3] final centres of mass, ``at_rest``
    [G] bool, ``fell_through`` [G] bool (ended below the world), ``seconds`` simulated."""

    splats: object
    rotations: np.ndarray
    translations: np.ndarray
    positions: np.ndarray
    at_rest: np.ndarray
    fell_through: np.ndarray
    seconds: float


def _group_index(g, n):
    import torch

    if isinstance(g, torch.Tensor):
        g = g.cpu().numpy()
    g = np.asarray(g)
    if g.dtype == bool:
        if g.shape != (n,):
            raise ValidationError(f"group mask must have shape [{n}], got {list(g.shape)}")
        return np.nonzero(g)[0]
    g = g.astype(np.int64).ravel()
    if len(g) and (g.min() < 0 or g.max() >= n):
        raise ValidationError("group indices out of range")
    return g


def drop_objects(collider, splats, groups, duration: float = 4.0, dt: float = 1 / 240, velocities=None,
                 angular_velocities=None, density: float = 500.0, friction: float = 0.8, restitution: float = 0.05,
                 shape: str = "hull", min_opacity: float = 0.1, gravity: float = 9.81) -> DropResult:
    """Simulate the splat ``groups`` (bool masks or index arrays) falling (or pushed with initial
    ``velocities`` [G,3] m/s and ``angular_velocities`` [G,3] rad/s) onto the static ``collider`` for
    up to ``duration`` seconds (stops early once every body sleeps)."""
    import pybullet as pb

    if collider is None or len(getattr(collider, "faces", [])) == 0:
        raise EmptyColliderError("drop_objects needs a static collider with triangles")
    if shape not in ("hull", "coacd"):
        raise ValidationError(f"shape must be 'hull' or 'coacd', got {shape!r}")
    if not (duration > 0 and 0 < dt <= 0.05):
        raise ValidationError("duration must be > 0 and dt in (0, 0.05]")
    n = len(splats)
    idx = [_group_index(g, n) for g in groups]
    G = len(idx)
    means = splats.means.detach().cpu().numpy().astype(np.float64)
    op = splats.opacities.detach().cpu().numpy()
    vel = np.zeros((G, 3)) if velocities is None else np.asarray(velocities, float).reshape(G, 3)
    ang = np.zeros((G, 3)) if angular_velocities is None else np.asarray(angular_velocities, float).reshape(G, 3)

    cid = pb.connect(pb.DIRECT)
    try:
        pb.setGravity(0, -gravity, 0, physicsClientId=cid)
        pb.setTimeStep(dt, physicsClientId=cid)
        for world in static_world_bodies(pb, cid, collider):
            pb.changeDynamics(world, -1, lateralFriction=friction, restitution=restitution, physicsClientId=cid)
        bodies, c0 = [], []
        for g, ii in enumerate(idx):
            pts = means[ii][np.isfinite(means[ii]).all(1) & (op[ii] >= min_opacity)]
            if len(pts) < 4:
                raise EmptyColliderError(f"group {g} has {len(pts)} opaque splats; need at least 4 for a collider")
            hulls = _object_hulls(splats[ii], pts, shape)
            centre = np.mean([h.center_mass for h in hulls], axis=0) if len(hulls) > 1 else hulls[0].center_mass
            volume = sum(float(abs(h.volume)) for h in hulls)
            if len(hulls) == 1:
                cs = pb.createCollisionShape(pb.GEOM_MESH, vertices=(hulls[0].vertices - centre).tolist(), physicsClientId=cid)
            else:
                cs = pb.createCollisionShapeArray([pb.GEOM_MESH] * len(hulls),
                                                  vertices=[(h.vertices - centre).tolist() for h in hulls],
                                                  physicsClientId=cid)
            body = pb.createMultiBody(max(density * volume, 1e-3), cs, basePosition=centre.tolist(), physicsClientId=cid)
            ext = float(np.ptp(pts, axis=0).min())
            pb.changeDynamics(body, -1, lateralFriction=friction, restitution=restitution,
                              ccdSweptSphereRadius=max(0.25 * ext, 0.01), physicsClientId=cid)
            pb.resetBaseVelocity(body, vel[g].tolist(), ang[g].tolist(), physicsClientId=cid)
            bodies.append(body)
            c0.append(centre)
        steps = int(round(duration / dt))
        still = np.zeros(G, int)
        need = int(0.5 / dt)
        for s in range(steps):
            pb.stepSimulation(physicsClientId=cid)
            if s % 8 == 0:
                for g, b in enumerate(bodies):
                    lv, av = pb.getBaseVelocity(b, physicsClientId=cid)
                    slow = np.linalg.norm(lv) < 0.02 and np.linalg.norm(av) < 0.05
                    still[g] = still[g] + 8 if slow else 0
                if (still >= need).all():
                    break
        simulated = (s + 1) * dt
        R = np.zeros((G, 3, 3))
        T = np.zeros((G, 3))
        pos = np.zeros((G, 3))
        for g, b in enumerate(bodies):
            p, q = pb.getBasePositionAndOrientation(b, physicsClientId=cid)
            R[g] = np.asarray(pb.getMatrixFromQuaternion(q)).reshape(3, 3)
            pos[g] = p
            T[g] = np.asarray(p) - R[g] @ c0[g]
    finally:
        pb.disconnect(cid)
    out = splats.clone()
    for g, ii in enumerate(idx):
        moved = splats[ii].transform(rotation=R[g], translation=T[g])
        for name in ("means", "quats", "log_scales", "sh"):
            getattr(out, name)[ii] = getattr(moved, name).to(getattr(out, name).dtype)
    floor = float(np.asarray(collider.bounds)[0, 1]) - 1.0
    return DropResult(out, R, T, pos, still >= need, pos[:, 1] < floor, simulated)


PYBULLET_MAX_TRIANGLES = 100_000  # pybullet refuses larger meshes in one createCollisionShape


def static_world_bodies(pb, cid, collider, chunk: int = 60_000) -> list:
    """Static (mass 0) concave triangle-mesh bodies for ``collider``, split into chunks of at most
    ``chunk`` triangles (pybullet rejects meshes above ~100k triangles)."""
    V = np.asarray(collider.vertices, np.float64)
    F = np.asarray(collider.faces, np.int64)
    bodies = []
    for s in range(0, len(F), min(chunk, PYBULLET_MAX_TRIANGLES)):
        f = F[s:s + chunk]
        used, inv = np.unique(f, return_inverse=True)
        shape = pb.createCollisionShape(pb.GEOM_MESH, vertices=V[used].tolist(), indices=inv.reshape(-1).tolist(),
                                        flags=pb.GEOM_FORCE_CONCAVE_TRIMESH, physicsClientId=cid)
        bodies.append(pb.createMultiBody(0, shape, physicsClientId=cid))
    return bodies


def _object_hulls(group_splats, pts, shape):
    from .convex import convex_decomposition, convex_hull_of_points

    if shape == "hull":
        return [convex_hull_of_points(pts)]
    from .collider import collider_from_splats

    ext = float(np.ptp(pts, axis=0).max())
    surf = collider_from_splats(group_splats, voxel=max(ext / 40, 0.01), budget=5000, fill_from_sky=True)
    parts = convex_decomposition(surf, max_hulls=16)
    return parts or [convex_hull_of_points(pts)]
