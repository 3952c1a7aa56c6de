"""Capsule character controller (kinematic): collide-and-slide, autostep, slope limit, gravity,
jump and ground snapping, against a static triangle collider.

Design (after Bullet's ``btKinematicCharacterController``; the pitfalls it avoids are in docs/physics.md),
per frame:

1. **step up**: when grounded, raise the capsule by ``step_height`` (less if a ceiling is closer:
   exact upward sweep of the top sphere);
2. **horizontal**: move in sub-steps of at most ``radius/2`` (no tunnelling through thin walls),
   after each pushing the capsule out of penetrated triangles *horizontally only* (so a round
   capsule bottom cannot ride up the edge of a block), solving all contact planes together
   (sliding along walls and into corners);
3. **step down**: exact downward sweep of the bottom sphere by the raise + ``snap_to_ground``
   (+ the fall this frame). The landing counts as walkable when the most upward-facing triangle
   supporting the sphere has a slope within ``max_slope_deg`` (the triangle's own normal, not the
   edge contact normal, so stair noses are walkable and 50 degree faces are not). A raised move that
   lands higher on non-walkable ground is redone without the step up: steep slopes are refused.
4. **recover**: a final push-out along full contact normals; if the capsule would still overlap
   the world, the frame is undone (the walker never ends inside geometry).

Airborne frames apply gravity, sweep vertically (landing or bumping the head) and slide down
non-walkable slopes (the blocked fall is projected onto the slope plane).

Queries are exact (segment-triangle distances, sphere sweeps against faces, edges and vertices)
and vectorized with numpy over the triangles near the capsule, found with a column hash
(:class:`~.trigrid.TriangleGrid`). Positions are the capsule's lowest point ("feet"); resting on
flat ground the feet are ``offset`` above it, as with Rapier.
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import ValidationError
from .capsule import kernels
from .errors import EmptyColliderError
from .params import ControllerParams
from .trigrid import TriangleGrid

__all__ = ["CharacterController", "move_vector"]

_Y = np.array([0.0, 1.0, 0.0])


def _mesh_arrays(collider):
    if isinstance(collider, tuple) and len(collider) == 2:
        return np.asarray(collider[0], float), np.asarray(collider[1], np.int64)
    if hasattr(collider, "vertices") and hasattr(collider, "faces"):
        return np.asarray(collider.vertices, float), np.asarray(collider.faces, np.int64)
    raise ValidationError("collider must be a trimesh.Trimesh or a (vertices, faces) pair")


def move_vector(move, yaw_deg: float | None = None) -> np.ndarray:
    """World-space horizontal direction [3] (length <= 1) for a 2D move input ``(x, z)``.

    With ``yaw_deg`` None the input is in world axes (X, Z). Otherwise it is camera-relative:
    ``x`` = strafe right, ``z`` = forward, for a camera with that yaw (0 looks along -Z,
    positive turns left, as in docs/conventions.md)."""
    mx, mz = (float(v) for v in move)
    if not (math.isfinite(mx) and math.isfinite(mz)):
        raise ValidationError(f"move input must be finite, got {move!r}")
    if yaw_deg is None:
        v = np.array([mx, 0.0, mz])
    else:
        a = math.radians(yaw_deg)
        fwd = np.array([-math.sin(a), 0.0, -math.cos(a)])
        right = np.array([math.cos(a), 0.0, -math.sin(a)])
        v = mx * right + mz * fwd
    n = float(np.hypot(v[0], v[2]))
    return v / n if n > 1 else v


def _progress(p, p0, delta) -> float:
    """Horizontal distance moved along the desired direction."""
    n = math.hypot(delta[0], delta[2])
    return ((p[0] - p0[0]) * delta[0] + (p[2] - p0[2]) * delta[2]) / n if n > 0 else 0.0


class CharacterController:
    """A walking capsule in a static triangle world.

    >>> cc = CharacterController(collider_mesh, ControllerParams(), position=(0, 0, 0))
    >>> for _ in range(60):
    ...     feet = cc.step(1 / 60, move=(0, 1), yaw_deg=0.0)   # walk forward (-Z) for one second

    ``collider`` is a ``trimesh.Trimesh`` or a ``(vertices, faces)`` pair (world frame, +Y up).
    """

    MAX_DT = 1.0 / 30.0

    def __init__(self, collider, params: ControllerParams | None = None, position=(0.0, 0.0, 0.0), cell: float = 1.0,
                 prefer_compiled: bool = True):
        self.params = params or ControllerParams()
        v, f = _mesh_arrays(collider)
        self.grid = collider if isinstance(collider, TriangleGrid) else TriangleGrid(v, f, cell=cell)
        if len(self.grid) == 0:
            raise EmptyColliderError("the collider has no (non-degenerate) triangles: nothing to walk on")
        self._cache_lo = self._cache_hi = None
        self._cache = None
        self._V, self._N = self.grid.all.verts, self.grid.all.n
        self._seg, self._swp, self.compiled = kernels(prefer_compiled)
        self._kw = {} if self.compiled else {"_grid": self.grid}
        self.teleport(position)

    # ------------------------------------------------------------------ state
    def teleport(self, position) -> None:
        """Put the feet at ``position`` (no collision check), standing still."""
        p = np.asarray(position, float).reshape(3)
        if not np.isfinite(p).all():
            raise ValidationError(f"position must be 3 finite numbers, got {position!r}")
        self.position = p.copy()
        self.vy = 0.0
        self.grounded = False
        self._ground_y = -math.inf

    @property
    def centre(self) -> np.ndarray:
        """Capsule centre (Rapier collider translation)."""
        P = self.params
        return self.position + _Y * (P.radius + P.half_height)

    @property
    def eye(self) -> np.ndarray:
        return self.position + _Y * self.params.eye_height

    # ------------------------------------------------------------------ public step
    def step(self, dt: float, move=(0.0, 0.0), jump: bool = False, yaw_deg: float | None = None, run: bool = False) -> np.ndarray:
        """Advance by ``dt`` seconds with a move input (see :func:`move_vector`) and return the feet position.

        ``jump`` starts a jump when grounded; ``run`` uses ``run_speed`` instead of ``walk_speed``.
        Frames longer than 1/30 s are split."""
        if not (math.isfinite(dt) and dt >= 0):
            raise ValidationError(f"dt must be a finite number >= 0, got {dt!r}")
        P = self.params
        vel = move_vector(move, yaw_deg) * (P.run_speed if run else P.walk_speed)
        n = max(1, math.ceil(dt / self.MAX_DT - 1e-9))
        for i in range(n):
            self._advance(dt / n, vel, jump and i == 0)
        return self.position.copy()

    # ------------------------------------------------------------------ queries
    def _batch(self, p, reach_h: float, down: float, up: float):
        """Candidate triangle ids for this frame (a cached grid query around the capsule)."""
        P = self.params
        R = P.radius + P.offset
        lo = np.array([p[0] - R - reach_h, p[1] - down - 0.01, p[2] - R - reach_h])
        hi = np.array([p[0] + R + reach_h, p[1] + P.height + P.offset + up + 0.01, p[2] + R + reach_h])
        if self._cache is None or (lo < self._cache_lo).any() or (hi > self._cache_hi).any():
            m = np.array([1.0, 1.0, 1.0])
            self._cache_lo, self._cache_hi = lo - m, hi + m
            self._cache = self.grid.query_ids(self._cache_lo, self._cache_hi)
            n = max(len(self._cache), 1)
            self._out_d, self._out_n, self._out_i = np.zeros(n), np.zeros((n, 3)), np.zeros(n, np.int64)
        return self._cache

    def _contacts(self, p, ids):
        """Distances [k] and normals [k,3] of the triangles within R of the capsule axis."""
        P = self.params
        R = P.radius + P.offset
        k = self._seg(p[0], p[1] + P.radius, p[2], 2 * P.half_height, R, ids, self._V, self._N,
                      self._out_d, self._out_n, self._out_i, **self._kw)
        return self._out_d[:k], self._out_n[:k]

    def _sweep(self, p, sign: float, dist: float, ids, radius: float | None = None):
        """Travel (<= dist) before the bottom (sign -1) or top (sign +1) sphere touches, the support
        normal y (most upward triangle among those touched) and the contact normal. A small
        ``radius`` turns it into a ray along the capsule axis."""
        P = self.params
        R = P.radius + P.offset if radius is None else radius
        if len(ids) == 0 or dist <= 0:
            return math.inf, 1.0, None
        cy = p[1] + (P.radius if sign < 0 else P.radius + 2 * P.half_height)
        t, sup, nx, ny, nz = self._swp(p[0], cy, p[2], R, sign, dist, ids, self._V, self._N, **self._kw)
        if not math.isfinite(t):
            return math.inf, 1.0, None
        return t, sup, np.array([nx, ny, nz])

    def _depenetrate(self, p, b, horizontal: bool, iters: int = 4):
        """Push ``p`` out of penetrated triangles; returns (p, deepest remaining penetration)."""
        P = self.params
        R = P.radius + P.offset
        worst = 0.0
        for it in range(iters + 1):
            d, n = self._contacts(p, b)
            if len(d) == 0:
                return p, 0.0
            pen = R - d
            m = pen > 1e-7
            if horizontal:
                n = n * np.array([1.0, 0.0, 1.0])
                m &= (n * n).sum(1) > 0.04
            if not m.any():
                return p, 0.0
            worst = float(pen[m].max())
            if it == iters:
                break
            idx = np.nonzero(m)[0]
            idx = idx[np.argsort(-pen[idx], kind="stable")[:8]]  # deepest first: no sideways drift
            N, pe = n[idx], pen[idx]
            n2 = (N * N).sum(1)
            disp = np.zeros(3)
            for _ in range(4):
                for i in range(len(idx)):
                    deficit = pe[i] - float(N[i] @ disp)
                    if deficit > 1e-9:
                        disp += N[i] * (deficit / n2[i])
            ln = float(np.linalg.norm(disp))
            if ln > R:
                disp *= R / ln
            p = p + disp
        return p, worst

    def _slide(self, p, delta, b):
        """Horizontal collide-and-slide of ``delta`` (y ignored) in sub-steps <= radius/2."""
        dist = math.hypot(delta[0], delta[2])
        if dist < 1e-12:
            p, _ = self._depenetrate(p, b, horizontal=True, iters=2)
            return p
        n = max(1, math.ceil(dist / (0.5 * self.params.radius)))
        d = np.array([delta[0], 0.0, delta[2]]) / n
        for _ in range(n):
            p, _ = self._depenetrate(p + d, b, horizontal=True)
        return p

    # ------------------------------------------------------------------ one frame
    def _advance(self, dt: float, vel, jump: bool) -> None:
        P = self.params
        p0 = self.position
        walk_y = P.min_walkable_normal_y
        delta = vel * dt
        reach = math.hypot(delta[0], delta[2]) + 0.02
        if jump and self.grounded:
            self.vy = P.jump_speed
            self.grounded = False
        if not self.grounded:
            self.vy = max(self.vy - P.gravity * dt, -P.max_fall_speed) if not jump else self.vy
        fall = max(-self.vy * dt, 0.0)
        rise = max(self.vy * dt, 0.0)
        b = self._batch(p0, reach, P.step_height + P.snap_to_ground + fall + 0.05, P.step_height + rise + 0.05)

        if self.grounded:
            ground_y = self._ground_y
            p, grounded = self._ground_move(p0, delta, b, walk_y)
            want = math.hypot(delta[0], delta[2])
            if p is None or (want > 1e-9 and _progress(p, p0, delta) < want - 1e-4):
                # stepped onto non-walkable ground, or the raised capsule was blocked (e.g. by a low
                # lintel): try the move without the step up and keep whichever got further
                self._ground_y, g_up = ground_y, self._ground_y
                q, gq = self._flat_move(p0, delta, b, walk_y)
                if p is None or _progress(q, p0, delta) > _progress(p, p0, delta) + 1e-6:
                    p, grounded = q, gq
                else:
                    self._ground_y = g_up
            self.vy = 0.0 if grounded else min(self.vy, 0.0)
        else:
            p, grounded = self._air_move(p0, delta * P.air_control, b, walk_y, dt)
        p, pen = self._depenetrate(p, b, horizontal=False)
        if pen > P.offset + 1e-3 or not np.isfinite(p).all():
            p, grounded, self.vy = p0.copy(), self.grounded, 0.0
        self.position = p
        self.grounded = grounded

    def _ground_move(self, p0, delta, b, walk_y):
        P = self.params
        up, _, _ = self._sweep(p0, +1.0, P.step_height, b)
        u = P.step_height if not math.isfinite(up) else max(up - 1e-6, 0.0)
        p = self._slide(p0 + _Y * u, delta, b)
        t, ny, nrm = self._sweep(p, -1.0, u + P.snap_to_ground, b)
        if not math.isfinite(t):  # walked off a ledge: keep the height, start falling
            return p - _Y * u, False
        land = p - _Y * t
        walkable = ny >= walk_y - 1e-9
        contact_y = land[1] + P.radius - (P.radius + P.offset) * nrm[1]
        if land[1] <= p0[1] + 1e-3:
            if walkable:
                self._ground_y = contact_y
            return land, walkable
        # gained height: a step or a slope. Refuse non-walkable ground, and supports higher than
        # step_height above the ground we stood on (a capsule resting on the edge of a too-high
        # block must not use that edge as the base of its next step).
        if not walkable:
            # rounded step noses (reconstructed colliders): the sphere rests on a steep chamfer while
            # the ground under the capsule axis, within a radius below the contact, is walkable
            c = land + _Y * P.radius
            tr, nyr, _ = self._sweep(land, -1.0, P.radius + P.offset + P.radius, b, radius=1e-3)
            walkable = math.isfinite(tr) and nyr >= walk_y - 1e-9 and (c[1] - tr) >= contact_y - P.radius
        if walkable and contact_y <= self._ground_y + P.step_height + 1e-3:
            self._ground_y = contact_y
            return land, True
        return None, False

    def _flat_move(self, p0, delta, b, walk_y):
        P = self.params
        p = self._slide(p0, delta, b)
        t, ny, nrm = self._sweep(p, -1.0, P.snap_to_ground, b)
        if not math.isfinite(t):
            return p, False
        p = p - _Y * t
        if ny >= walk_y - 1e-9:
            self._set_ground(p, nrm)
            return p, True
        return p, False

    def _set_ground(self, feet, nrm) -> None:
        P = self.params
        self._ground_y = feet[1] + P.radius - (P.radius + P.offset) * nrm[1]

    def _air_move(self, p0, delta, b, walk_y, dt):
        p = self._slide(p0, delta, b)
        dy = self.vy * dt
        if dy > 0:
            t, _, _ = self._sweep(p, +1.0, dy, b)
            if math.isfinite(t):
                self.vy = 0.0
                return p + _Y * t, False
            return p + _Y * dy, False
        drop = -dy
        for _ in range(3):  # land, or slide down a steep slope (the blocked fall projected on it)
            t, ny, nrm = self._sweep(p, -1.0, drop, b)
            if not math.isfinite(t):
                return p - _Y * drop, False
            p = p - _Y * t
            if ny >= walk_y - 1e-9:
                self.vy = 0.0
                self._set_ground(p, nrm)
                return p, True
            rem = drop - t
            if rem < 1e-6 or nrm is None:
                return p, False
            v = np.array([0.0, -rem, 0.0])
            v -= (v @ nrm) * nrm
            self.vy *= max(1.0 - nrm[1] ** 2, 0.0)
            p = self._slide(p, v, b)
            drop = max(-v[1], 0.0)
        return p, False
