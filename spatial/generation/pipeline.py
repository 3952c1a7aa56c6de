"""The compositional generator, stage by stage (issue 15)::

    parse  (parse.py)        prompt -> SceneGraph (shell, object groups, relations, style)
    graph  (graph.py)        the editable JSON data (--print-spec / --spec)
    shell  (shells.py)       the environment: terrain / street / walled yard / cave / room, and its Site
    layout (layout.py)       every group placed to satisfy its relations, route from the spawn checked
    instantiate (instantiate.py)  asset registry builds each instance, labelled with its kind
    bake + light (bake.py)   surface splats, materials, sun / sky / bounce / lamps and glowing objects
    collider (collider.py)   the exact collision mesh
    refine, preview          spatial.fit (standard/high) and a render from the spawn

:func:`build_world` runs them for a graph (or a legacy flat SceneSpec, which becomes its preset
graph). Every stage draws from its own RNG stream ``(seed, stage)``: same graph + seed -> same bytes.
"""

from __future__ import annotations

import time

from .. import __version__
from .._progress import StageProgress
from ..errors import ValidationError
from ..world import Spawn, World
from . import sky as sky_mod
from .bake import refine as refine_splats
from .bake import splat_scene
from .collider import make_collider
from .graph import SceneGraph
from .instantiate import instantiate
from .layout import solve
from .shells import EYE_HEIGHT, build_shell, stage_rng
from .spec import SceneSpec
from .surface_splats import TIERS
from .views import render_preview, spawn_camera

GENERATOR_NAME = "spatial.generation.procedural"
GENERATOR_VERSION = "2.0.0"


def as_graph(graph_or_spec, prompt: str = "") -> SceneGraph:
    """A validated copy of a :class:`SceneGraph`; a legacy :class:`SceneSpec` (or its dict) becomes its preset graph."""
    from .presets import furnish, graph_from_spec

    if isinstance(graph_or_spec, SceneGraph):
        return SceneGraph.from_dict(graph_or_spec.to_dict())
    if isinstance(graph_or_spec, SceneSpec):
        g = furnish(graph_from_spec(graph_or_spec, prompt))
        return g.validate()
    if isinstance(graph_or_spec, dict):
        return SceneGraph.from_dict(graph_or_spec)
    raise ValidationError(f"expected a SceneGraph, a SceneSpec or a dict, got {type(graph_or_spec).__name__}")


def build_world(graph_or_spec, quality: str = "draft", splats: int | None = None, prompt: str = "", analysis: dict | None = None,
                preview: bool = True, refine: bool | None = None, progress: bool = False) -> World:
    """Run every stage for a graph (or a legacy spec) and return the :class:`~spatial.world.World` (not yet saved)."""
    graph = as_graph(graph_or_spec, prompt)
    prompt = prompt or graph.prompt
    spec = graph.spec()
    if quality not in TIERS:
        raise ValidationError(f"quality must be one of {', '.join(TIERS)}; got {quality!r}")
    budget = int(splats) if splats is not None else TIERS[quality]
    if not (10_000 <= budget <= 20_000_000):
        raise ValidationError(f"splats must be between 10000 and 20000000; got {budget}")
    timings: dict[str, float] = {}
    t_all = time.perf_counter()
    bar = StageProgress(progress, 7, "generate")

    bar.step("shell")
    t0 = time.perf_counter()
    indoor_sky = sky_mod.make_sky(spec.time_of_day, spec.weather, spec.seed, 0.0, indoor=True)
    shell = build_shell(graph, spec, quality, indoor_sky)
    sc, site = shell.scene, shell.site
    if sc.indoor:
        sky = indoor_sky
    else:
        sky = sky_mod.make_sky(spec.time_of_day, spec.weather, spec.seed, sc.yaw_deg, sun_offset_deg=sc.sun_offset_deg,
                               sun_elevation_deg=sc.sun_elevation_deg)
    timings["shell"] = time.perf_counter() - t0

    bar.step("layout")
    t0 = time.perf_counter()
    layout = solve(graph, site, stage_rng(spec.seed, "layout_solver"))
    shell.finish(layout)
    timings["layout"] = time.perf_counter() - t0

    bar.step("instantiate")
    t0 = time.perf_counter()
    inst = instantiate(graph, layout, sc.shell_instances, site, spec.seed)
    sc.parts += inst.parts
    sc.lights += inst.lights
    timings["instantiate"] = time.perf_counter() - t0
    timings.update({f"shell.{k}": v for k, v in sc.timings.items()})

    bar.step("collider")
    t0 = time.perf_counter()
    collider = make_collider(sc.parts)
    timings["collider"] = time.perf_counter() - t0

    bar.step("bake")
    t0 = time.perf_counter()
    sp, st = splat_scene(spec, sc, sky, budget, quality)
    timings.update({f"bake.{k}": v for k, v in st.items()})
    timings["bake_total"] = time.perf_counter() - t0

    refine_info = None
    do_refine = (quality != "draft") if refine is None else bool(refine)
    if do_refine:
        bar.step("refine")
        t0 = time.perf_counter()
        sp, refine_info = refine_splats(spec, sc, sky, sp, budget, quality)
        timings["refine"] = time.perf_counter() - t0

    img = None
    if preview:
        bar.step("preview")
        t0 = time.perf_counter()
        img = render_preview(sp, sc.spawn, sc.yaw_deg, sky=sky if not sc.enclosed else None)
        timings["preview"] = time.perf_counter() - t0
    bar.close()
    timings["total"] = time.perf_counter() - t_all

    family = {"terrain": "nature", "urban": "urban", "walled": "walled", "enclosed": "enclosed", "room": "indoor"}[graph.shell.family]
    report = {"substitutions": list(graph.substitutions), "skipped": list(graph.skipped), "notes": list(graph.notes),
              "unsatisfied_relations": layout.unsatisfied, "unreachable_groups": layout.unreachable,
              "short_groups": [{"group": k, "placed": v, "asked": graph.group(k).count} for k, v in layout.short.items()]}
    objects = list(sc.objects) + [{"kind": r["kind"], "position": r["position"], "color": r["color"]} for r in inst.records if r["group"]]
    world = World(
        splats=sp,
        collider=collider,
        spawn=Spawn(tuple(float(v) for v in sc.spawn), float(sc.yaw_deg)),
        name=(prompt[:60] or graph.shell.kind),
        prompt=prompt,
        spec=graph.to_dict(),
        seed=spec.seed,
        generator={"name": GENERATOR_NAME, "version": GENERATOR_VERSION, "spatial": __version__, "quality": quality, "budget": budget},
        labels=inst.legend,
        cameras=[spawn_camera(sc.spawn, sc.yaw_deg, 480, 270)],
        metadata={
            # deterministic: no wall-clock time in a generated world (same prompt + seed -> same bytes)
            "created": None,
            "scene_family": family,
            "shell": graph.shell.kind,
            "walk_heading_deg": round(float(sc.walk_heading_deg), 3),
            "walk_target_m": sc.walk_target_m,
            "room": sc.room,
            "eye_height": EYE_HEIGHT,
            "objects": objects,
            "scene": {"instances": inst.records, "groups": [g.to_dict() for g in graph.groups],
                      "relations": [r.to_dict() for r in graph.relations], "legend": {str(k): v for k, v in sorted(inst.legend.items())}},
            "substitutions": list(graph.substitutions),
            "report": report,
            "water": None if sc.water is None else sc.water.to_dict(),
            "sky": None if sc.enclosed else sky.to_dict(),
            "prompt_analysis": analysis,
            "refine": refine_info,
        },
        preview=img,
    )
    world.timings = timings  # not saved (wall-clock), for benchmarks and the CLI
    world.layout, world.site = layout, site  # not saved: for the acceptance checks
    return world

