"""Compatibility names for the generator's stages (the pipeline itself is :mod:`.pipeline`).

``build_world(spec_or_graph, ...)`` runs the compositional pipeline for a scene graph or a legacy
flat :class:`~spatial.generation.spec.SceneSpec`; the camera helpers live in :mod:`.views`, the
collider in :mod:`.collider`, the bake in :mod:`.bake`, the shells in :mod:`.shells` and friends.
"""

from __future__ import annotations

from .bake import SKY_SPLATS, SNOW_SPLATS, splat_scene
from .collider import make_collider
from .pipeline import GENERATOR_NAME, GENERATOR_VERSION, build_world
from .shells import EYE_HEIGHT, Scene, stage_rng
from .views import frustum_cull, render_preview, spawn_camera

__all__ = ["EYE_HEIGHT", "GENERATOR_NAME", "GENERATOR_VERSION", "SKY_SPLATS", "SNOW_SPLATS", "Scene", "build_world", "frustum_cull",
           "make_collider", "render_preview", "spawn_camera", "splat_scene", "stage_rng"]
