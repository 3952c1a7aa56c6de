"""Text -> world: an offline, deterministic procedural generator (see docs/generate.md).

``spatial.generate(prompt, seed=None, quality="draft")`` reads the prompt into a
:class:`~spatial.generation.spec.SceneSpec` (:mod:`.prompt`), builds the scene in stages
(:mod:`.world_builder`) and returns a :class:`~spatial.world.World` with splats, per-splat
labels, the exact procedural collider, a spawn point, metadata and a preview image.
"""

from .api import generate
from .spec import SCENE_TYPES, TIMES_OF_DAY, WEATHERS, SceneSpec, StructureSpec, preset

__all__ = ["SCENE_TYPES", "TIMES_OF_DAY", "WEATHERS", "SceneSpec", "StructureSpec", "generate", "preset"]

