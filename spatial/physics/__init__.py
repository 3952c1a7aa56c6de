"""spatial.physics: colliders for any world, a capsule character controller, walkable areas,
rigid bodies and ray picking.

Names resolve lazily; heavy dependencies (open3d, pybullet, coacd, scikit-image) are imported
inside the functions that need them, so ``import spatial.physics`` stays light.

* :func:`collider_from_splats` - static triangle collider from splats (voxel grid + flood fill +
  marching cubes + surface snapping + decimation); :func:`heightfield_from_splats` for 2.5D ground.
* :class:`CharacterController`, :class:`ControllerParams` - the walker (shared with the web viewer).
* :func:`walkable`, :func:`find_spawn` - walkability map, reachability, spawn selection.
* :func:`raycast`, :func:`pick_splat` - rays against the collider and against splats.
* :func:`drop_objects`, :func:`convex_decomposition` - rigid bodies with pybullet, CoACD hulls.
"""

from __future__ import annotations

import importlib

_LAZY = {
    "collider_from_splats": ("spatial.physics.collider", "collider_from_splats"),
    "ColliderReport": ("spatial.physics.collider", "ColliderReport"),
    "simplify_mesh": ("spatial.physics.collider", "simplify_mesh"),
    "heightfield_from_splats": ("spatial.physics.heightfield", "heightfield_from_splats"),
    "HeightField": ("spatial.physics.heightfield", "HeightField"),
    "CharacterController": ("spatial.physics.controller", "CharacterController"),
    "move_vector": ("spatial.physics.controller", "move_vector"),
    "ControllerParams": ("spatial.physics.params", "ControllerParams"),
    "walkable": ("spatial.physics.walkmap", "walkable"),
    "WalkableMap": ("spatial.physics.walkmap", "WalkableMap"),
    "find_spawn": ("spatial.physics.walkmap", "find_spawn"),
    "raycast": ("spatial.physics.rays", "raycast"),
    "RayHits": ("spatial.physics.rays", "RayHits"),
    "pick_splat": ("spatial.physics.rays", "pick_splat"),
    "SplatPick": ("spatial.physics.rays", "SplatPick"),
    "drop_objects": ("spatial.physics.rigid", "drop_objects"),
    "DropResult": ("spatial.physics.rigid", "DropResult"),
    "convex_decomposition": ("spatial.physics.convex", "convex_decomposition"),
    "PhysicsError": ("spatial.physics.errors", "PhysicsError"),
    "EmptyColliderError": ("spatial.physics.errors", "EmptyColliderError"),
    "NoSurfaceError": ("spatial.physics.errors", "NoSurfaceError"),
    "NoWalkableGroundError": ("spatial.physics.errors", "NoWalkableGroundError"),
}


def __getattr__(name: str):
    try:
        mod, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'spatial.physics' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(mod), attr)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


__all__ = sorted(_LAZY)
