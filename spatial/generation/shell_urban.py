"""Urban shells: the street canyon (``city_street``) and the ``plaza`` (layouts in :mod:`.urban`).

The site: the sidewalks and the roadway of the street (the kerb is 15 cm), or the paved square;
the facades are walls that signs hang on; the shell's own cars, trees, lamps, benches and
fountain are obstacles. A prompt that names cars, trees or a fountain replaces the shell's own.
"""

from __future__ import annotations

import numpy as np

from . import materials, urban
from .layout import Site
from .shells import Scene, stage_rng

OBSTACLE_RADIUS = {"tree": 1.4, "car": 2.4, "fountain": 3.6, "bench": 1.1, "streetlight": 0.5}


def build(graph, spec, tier: str) -> tuple[Scene, Site]:
    kinds = {g.kind for g in graph.groups}
    if "fountain" in kinds:
        spec.counts["fountains"] = 0
    if "car" in kinds:
        spec.counts["cars"] = 0
    if any(k.endswith("_tree") for k in kinds):
        spec.counts["trees"] = 0
    sc = Scene()
    pal = materials.palette(spec)
    rng = stage_rng(spec.seed, "urban")
    lit = spec.time_of_day in ("night", "sunset")
    street = graph.shell.kind == "city_street"
    lay = urban.city_street(spec, rng, pal, lit) if street else urban.plaza(spec, rng, pal, lit)
    sc.parts, sc.lights, sc.objects = lay.parts, lay.lights, lay.objects
    sc.spawn = np.array(lay.spawn, dtype=np.float64)
    sc.yaw_deg = lay.yaw_deg
    sc.walk_heading_deg = lay.yaw_deg
    if street:
        # a street canyon (buildings up to ~30 m on a 19 m street) is in shadow under a side sun: take the
        # early-afternoon sun from behind the spawn, 25 degrees off the street axis, so the roadway and the
        # right-hand facades are sunlit and only the left sidewalk lies in the buildings' shadow
        sc.sun_offset_deg, sc.sun_elevation_deg = 155.0, 62.0
    sc.ground_fn = lambda x, z: np.zeros_like(np.asarray(x, dtype=np.float64))
    obstacles = [(o["position"][0], o["position"][2], OBSTACLE_RADIUS[o["kind"]]) for o in sc.objects if o["kind"] in OBSTACLE_RADIUS]
    if street:
        L = spec.extent_m / 2
        xf = 9.5

        def ground(x, z):
            return np.where(np.abs(np.asarray(x, dtype=np.float64)) > 5.1, 0.15, 0.0) + 0.0 * np.asarray(z, dtype=np.float64)

        def usable(x, z):
            x, z = np.asarray(x, dtype=np.float64), np.asarray(z, dtype=np.float64)
            return (np.abs(x) < xf - 0.4) & (np.abs(z) < L - 6) & ~((np.abs(x) > 4.9) & (np.abs(x) < 5.3))

        walls = [((xf, -L + 6), (xf, L - 6), (-1.0, 0.0)), ((-xf, L - 6), (-xf, -L + 6), (1.0, 0.0))]
        site = Site(sc.spawn.copy(), sc.yaw_deg, sc.walk_heading_deg, (-xf, -L + 6, xf, L - 6), ground, usable,
                    anchors={"middle": (0.0, -12.0)}, walls=walls, obstacles=obstacles, corridor_half_width=1.0,
                    corridor_length=40.0, max_radius=L - 6)
    else:
        S = 30.0

        def ground(x, z):
            return np.zeros(np.broadcast(np.asarray(x), np.asarray(z)).shape)

        def usable(x, z):
            return (np.abs(np.asarray(x)) < S - 1) & (np.abs(np.asarray(z)) < S - 1)

        walls = [((-S, -S - 2), (S, -S - 2), (0.0, 1.0)), ((S + 2, -S), (S + 2, S), (-1.0, 0.0)), ((-S - 2, S), (-S - 2, -S), (1.0, 0.0))]
        site = Site(sc.spawn.copy(), sc.yaw_deg, sc.walk_heading_deg, (-S, -S, S, S), ground, usable, anchors={"middle": (0.0, -4.0)},
                    walls=walls, obstacles=obstacles, corridor_half_width=1.2, corridor_length=40.0, max_radius=45.0)
    return sc, site
