"""The *shell* stage: the environment the objects stand in, and its :class:`~.layout.Site`.

:func:`build_shell` dispatches on the graph's shell family:

* ``terrain`` - the ten open biomes (:mod:`.shell_terrain`): heightfield, water, far ring; the
  biome's own plants and rocks are added after the layout, around the placed objects;
* ``urban`` - the street canyon and the plaza (:mod:`.urban`);
* ``walled`` - a courtyard or cloister enclosed by walls (:mod:`.shell_walled`);
* ``enclosed`` - a cave, tunnel or mine: a rock tube with no sky (:mod:`.shell_cave`);
* ``room`` - the interior of a room of some kind (:mod:`.shell_room`).

Each returns a :class:`ShellBuild`: the :class:`Scene` so far (parts, lights, spawn, heading), the
site the layout solver places on, and a ``finish(layout)`` callback for what must come after the
layout (plants around the placed objects).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from . import materials
from .mesh import Part

EYE_HEIGHT = 1.65


def stage_rng(seed: int, stage: str) -> np.random.Generator:
    """The RNG stream of one stage: changing a stage never reshuffles the others."""
    return np.random.default_rng([seed & 0xFFFFFFFF, (seed >> 32) & 0xFFFFFFFF, zlib.crc32(stage.encode())])


@dataclass
class Scene:
    """Everything the stages produced before splatting."""

    parts: list[Part] = field(default_factory=list)
    spawn: np.ndarray = field(default_factory=lambda: np.zeros(3))
    yaw_deg: float = 0.0
    walk_heading_deg: float = 0.0
    lights: list[materials.PointLight] = field(default_factory=list)
    objects: list[dict] = field(default_factory=list)
    ground_fn: object = None  # (x, z) -> ground height, for particles
    water: object = None
    indoor: bool = False
    #: no sky dome at all (caves, tunnels): every view ends on rock
    enclosed: bool = False
    room: dict | None = None
    #: daytime sun placement chosen by the layout (None: the sky's default for the time of day)
    sun_offset_deg: float | None = None
    sun_elevation_deg: float | None = None
    timings: dict = field(default_factory=dict)
    #: how far the walk check walks (None: 30 m outdoors / across the room indoors)
    walk_target_m: float | None = None
    #: objects the shell itself built that are instances of asset kinds: [(layout.Instance, parts)]
    shell_instances: list = field(default_factory=list)


@dataclass
class ShellBuild:
    scene: Scene
    site: "object"
    finish: Callable = field(default=lambda layout: None)


def build_shell(graph, spec, tier: str, sky) -> ShellBuild:
    """The shell of ``graph`` (``spec`` is ``graph.spec()``: terrain knobs, palette, style)."""
    fam = graph.shell.family
    if fam == "terrain":
        from . import shell_terrain

        hill = 0.0
        for r in graph.relations:
            if r.relation == "on_hill":
                from .assets import registry

                g = graph.group(r.subject)
                k = registry.get(g.kind)
                # the hill's flat top holds the footprint of what stands on it
                hill = max(hill, 5.0, 0.55 * float(np.hypot(k.size[0], k.size[2])) * float(g.attributes.get("scale", 1.0)))
        sc, ctx = shell_terrain.build_nature(spec, tier, hill=hill)
        site = shell_terrain.site(sc, ctx)

        def finish(layout):
            excl = [(float(i.position[0]), float(i.position[2]), float(i.radius)) for i in layout.instances if i.support is None]
            # keep the line of sight from the spawn to every named object free of the biome's trees and bushes
            s = sc.spawn[[0, 2]]
            for i in layout.instances:
                if not i.named or i.support is not None:
                    continue
                p = i.position[[0, 2]]
                d = float(np.hypot(*(p - s)))
                for t in np.arange(4.0, max(d - i.radius, 4.0), 3.0):
                    q = s + (p - s) * (t / d)
                    excl.append((float(q[0]), float(q[1]), 0.8 + 0.35 * i.radius * t / d))
            shell_terrain.populate(sc, ctx, excl)

        return ShellBuild(sc, site, finish)
    if fam == "urban":
        from . import shell_urban

        sc, site = shell_urban.build(graph, spec, tier)
        return ShellBuild(sc, site)
    if fam == "walled":
        from . import shell_walled

        sc, site = shell_walled.build(graph, spec, tier)
        return ShellBuild(sc, site)
    if fam == "enclosed":
        from . import shell_cave

        sc, site = shell_cave.build(graph, spec, tier)
        return ShellBuild(sc, site)
    from . import shell_room

    sc, site = shell_room.build(graph, spec, tier, sky)
    return ShellBuild(sc, site, getattr(sc, "finish", lambda layout: None))
