"""Text -> world: an offline, deterministic procedural generator (see docs/generate.md).

``spatial.generate(prompt, seed=None, quality="draft")`` reads the prompt into a
:class:`~spatial.generate.spec.SceneSpec` (:mod:`.prompt`), builds the scene in stages
(:mod:`.world_builder`) and returns a :class:`~spatial.world.World` with splats, per-splat
labels, the exact procedural collider, a spawn point, metadata and a preview image.
"""

from .api import generate
from .spec import SCENE_TYPES, TIMES_OF_DAY, WEATHERS, SceneSpec, StructureSpec, preset

__all__ = ["SCENE_TYPES", "TIMES_OF_DAY", "WEATHERS", "SceneSpec", "StructureSpec", "generate", "preset"]


# ``spatial.generate`` is both this package and the function :func:`generate` (lazy export of
# ``spatial``). Importing a submodule (``import spatial.generate.spec``) binds the *package* to
# ``spatial.generate``; making the package callable keeps ``spatial.generate(...)`` working either way.
def _make_callable() -> None:
    import sys
    import types

    class _CallableModule(types.ModuleType):
        def __call__(self, *args, **kwargs):
            return generate(*args, **kwargs)

    sys.modules[__name__].__class__ = _CallableModule


_make_callable()
