"""``spatial.generate``, the public verb: a world from text, from a photo or panorama, or from text through a
learned text -> image model.

* text (default, ``method="procedural"``): :func:`spatial.generation.api.generate`, the offline generator;
* ``image=``: :func:`spatial.image_world.image_to_world` (the prompt then only steers the world beyond the
  photo);
* ``method="learned"``: :func:`spatial.generation.learned.text_to_image` (local diffusers weights), then
  image -> world.

This module sits above :mod:`spatial.generation` and :mod:`spatial.image_world`: image -> world continues
its worlds with the generator, so the generator must not call image -> world itself (docs/architecture.md).
"""

from __future__ import annotations

from .errors import ValidationError
from .world import World

__all__ = ["generate", "generate_learned"]


def generate(prompt: str = "", seed: int | None = None, quality: str = "draft", splats: int | None = None,
             spec=None, preview: bool = True, refine: bool | None = None, use_embedding: "bool | str" = "auto",
             progress: bool = False, method: str = "procedural", learned=None, image=None,
             image_options: dict | None = None, layout=None) -> World:
    """Generate a walkable splat world.

    Args:
        prompt, seed, quality, splats, spec, preview, refine, use_embedding, progress: as for
            :func:`spatial.generation.api.generate` (text -> world; ``quality`` ``"draft"`` ~100k splats in
            seconds, ``"standard"`` ~500k refined with :func:`spatial.fit`, ``"high"`` ~2M).
        method: ``"procedural"`` (default, offline, no weights) or ``"learned"``: text -> image with a
            local diffusers pipeline (``learned={"model_dir": ...}`` or ``$SPATIAL_TEXT2IMAGE_MODEL``),
            then image -> world.
        image: a photo (path or uint8 array) or a 2:1 equirectangular panorama: lift it into a world
            (:func:`spatial.image_world.image_to_world`). ``image_options`` passes its other arguments
            (``method``, ``model``, ``fov``, ...).
        layout: a block-out (``{"blocks": [...]}``, a JSON file or a GLB; docs/generate.md "Block-out"):
            every block is dressed with an asset of the prompt's style matching its footprint
            (:func:`spatial.generation.blockout.dress`), the rest is generated as usual.

    Returns the :class:`~spatial.world.World` (call ``.save(folder)`` to write it).
    """
    if image is not None:
        from .image_world import image_to_world

        return image_to_world(image, prompt=prompt or None, seed=0 if seed is None else int(seed), quality=quality,
                              preview=preview, refine=refine, progress=progress, **(image_options or {}))
    if method == "learned":
        return generate_learned(prompt, seed=0 if seed is None else int(seed), config=learned, quality=quality,
                                refine=refine, preview=preview, progress=progress)
    if method != "procedural":
        raise ValidationError(f"method must be 'procedural' or 'learned', got {method!r}")
    from .generation.api import generate as generate_from_text

    world = generate_from_text(prompt, seed=seed, quality=quality, splats=splats, spec=spec, preview=preview and layout is None,
                               refine=refine, use_embedding=use_embedding, progress=progress)
    if layout is not None:
        from .generation.blockout import dress

        world = dress(world, layout, prompt, preview=preview)
    return world


def generate_learned(prompt: str, seed: int = 0, config=None, **world_options) -> World:
    """Text -> image (:func:`spatial.generation.learned.text_to_image`, local diffusers weights) -> world
    (:func:`spatial.image_world.image_to_world`). Raises
    :class:`~spatial.generation.learned.LearnedPathUnavailable` naming what is missing."""
    from .generation.learned import text_to_image
    from .image_world import image_to_world

    img = text_to_image(prompt, seed, config)
    return image_to_world(img, seed=seed, prompt=prompt, **world_options)
