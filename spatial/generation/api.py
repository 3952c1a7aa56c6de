"""``spatial.generate``: prompt (or spec) -> :class:`~spatial.world.World`."""

from __future__ import annotations

import os

from ..errors import ValidationError
from ..world import World
from .spec import SceneSpec

#: longer prompts are refused (one line); up to this size the parser reads the first 2000 characters and says so
MAX_PROMPT_BYTES = 100_000


def generate(prompt: str = "", seed: int | None = None, quality: str = "draft", splats: int | None = None,
             spec: "SceneSpec | dict | str | os.PathLike | None" = None, preview: bool = True, refine: bool | None = None,
             use_embedding: "bool | str" = "auto", progress: bool = False) -> World:
    """Generate a walkable splat world offline from text (the procedural generator).

    The public verb :func:`spatial.generate` (:mod:`spatial.creation`) calls this for text and adds the
    image -> world and text -> image -> world routes, which sit above this package.

    Args:
        prompt: text such as ``"a misty pine forest with a lake at sunset"``.
        seed: world seed; ``None`` derives it from the prompt (same prompt -> same world).
        quality: ``"draft"`` (~100k splats, seconds), ``"standard"`` (~500k, refined with
            :func:`spatial.fit`), ``"high"`` (~2M, refined longer).
        splats: explicit splat budget overriding the tier's.
        spec: a :class:`~spatial.generation.graph.SceneGraph` (or a legacy flat :class:`SceneSpec`),
            its dict or a JSON file; replaces the prompt reading (the prompt is then only recorded).
            ``seed`` given here overrides the graph's seed.
        preview: render ``World.preview`` from the spawn point.
        refine: force the fit refinement on/off (default: on for standard/high).
        use_embedding: ``"auto"``/``True``/``False``: may the parser use the bundled sentence embedding
            (unknown nouns -> nearest asset kind; biome when no place word is known); see :mod:`spatial.generation.parse`.
        progress: show a tqdm bar over the stages.

    Returns the :class:`~spatial.world.World` (call ``.save(folder)`` to write it).
    """
    from .pipeline import as_graph, build_world

    from .graph import SceneGraph
    from .parse import parse

    if spec is not None:
        if isinstance(spec, (SceneGraph, SceneSpec, dict)):
            g = as_graph(spec, prompt)
        elif isinstance(spec, (str, os.PathLike)):
            g = SceneGraph.load(spec)
        else:
            raise ValidationError(f"spec must be a SceneGraph, a SceneSpec, a dict or a path, got {type(spec).__name__}")
        if seed is not None:
            g.seed = int(seed)
    else:
        if not isinstance(prompt, str) or not prompt.strip():
            raise ValidationError("give a non-empty prompt or a spec")
        if len(prompt) > MAX_PROMPT_BYTES:
            raise ValidationError(f"prompt is {len(prompt)} characters; the limit is {MAX_PROMPT_BYTES}")
        g = parse(prompt, seed=seed, use_embedding=use_embedding)
    return build_world(g, quality=quality, splats=splats, prompt=prompt or g.prompt, preview=preview, refine=refine, progress=progress)
