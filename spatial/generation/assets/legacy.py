"""The builders that predate the registry (plants, rocks, buildings, furniture) as registered kinds."""

from __future__ import annotations

import numpy as np

from . import buildings as B
from . import furniture as F
from . import plants as P
from .registry import asset
from .rocks import rock as _rock

BARK = np.array([0.33, 0.24, 0.17])
FOLIAGE = np.array([0.22, 0.42, 0.13])
CONIFER = np.array([0.11, 0.27, 0.13])
ROOF = np.array([0.45, 0.20, 0.15])


def _seed(rng) -> int:
    return int(rng.integers(0, 2**31))


def _remat(parts, p, main: str):
    """params["material"] replaces the builder's main material on the parts that use it."""
    if p.material:
        new = p.main((0.5, 0.5, 0.5), main)[1]
        for q in parts:
            if q.material == main:
                q.material = new
    return parts


def _snow(p) -> float:
    return 0.8 if p.has("snowy", "snow", "frozen") else 0.0


# ------------------------------------------------------------------ trees and plants
@asset("pine_tree", "nature", (3.0, 9.0, 3.0), synonyms="pine, conifer, fir, fir tree, spruce, evergreen, christmas tree, conifer tree, evergreen tree",
       collider=True)
def pine_tree(p, rng):
    return P.conifer(rng.uniform(7.5, 10.0), _seed(rng), p.col(CONIFER), BARK, _snow(p))


@asset("oak_tree", "nature", (6.0, 8.0, 6.0), synonyms="tree, oak, broadleaf tree, deciduous tree, shade tree, elm, elm tree, beech, trees")
def oak_tree(p, rng):
    if p.has("dead", "bare", "leafless", "winter"):
        return P.dead_tree(rng.uniform(6.5, 8.0), _seed(rng), BARK * 0.9)
    return P.broadleaf(rng.uniform(7.0, 9.0), _seed(rng), p.col(FOLIAGE), BARK, _snow(p))


@asset("palm_tree", "nature", (5.0, 8.0, 5.0), synonyms="palm, coconut palm, coconut tree, palms")
def palm_tree(p, rng):
    return P.palm(rng.uniform(6.5, 8.5), _seed(rng), p.col(np.array([0.25, 0.50, 0.18])), BARK * 1.3)


@asset("cactus", "nature", (1.5, 3.0, 1.5), synonyms="saguaro, saguaro cactus, cacti")
def cactus(p, rng):
    return P.cactus(rng.uniform(2.4, 3.4), _seed(rng), p.col((0.30, 0.45, 0.22)))


@asset("dead_tree", "nature", (4.0, 7.0, 4.0), synonyms="bare tree, leafless tree, snag, dead trees, withered tree, spooky tree")
def dead_tree(p, rng):
    return P.dead_tree(rng.uniform(5.5, 7.5), _seed(rng), p.col(BARK * 0.9))


@asset("bush", "nature", (1.8, 1.3, 1.8), synonyms="shrub, shrubs, shrubbery, undergrowth", collider=False)
def bush(p, rng):
    return P.bush(rng.uniform(1.5, 2.0), _seed(rng), p.col((0.20, 0.40, 0.14)), _snow(p))


@asset("tall_grass", "nature", (0.6, 0.8, 0.6), synonyms="grass, grass clump, tuft, tufts of grass, wild grass, weeds", collider=False)
def tall_grass(p, rng):
    return P.grass_clump(0.7, _seed(rng), p.col((0.36, 0.52, 0.18)), blades=24, lean=0.25, width=0.03)


@asset("reeds", "nature", (0.8, 1.6, 0.8), synonyms="reed, cattail, cattails, bulrush, rushes, bulrushes", collider=False)
def reeds(p, rng):
    parts = P.grass_clump(1.5, _seed(rng), p.col((0.40, 0.50, 0.22)), blades=18, lean=0.08, width=0.02)
    from .shapes import tube
    from ..mesh import cylinder
    for k in range(4):
        a = rng.uniform(0, 2 * np.pi)
        x, z = np.cos(a) * 0.1, np.sin(a) * 0.1
        h = rng.uniform(1.2, 1.6)
        parts.append(tube([[x, 0, z], [x, h, z]], 0.008, (0.35, 0.42, 0.2), P.VEG, 4, "grass"))
        parts.append(cylinder(0.025, 0.025, 0.18, (0.32, 0.2, 0.1), P.VEG, 6, "plain").transformed(translation=(x, h, z)))
    return parts


# ------------------------------------------------------------------ rocks
@asset("rock", "nature", (1.0, 0.6, 1.0), synonyms="stone, stones, pebble, small rock, rocks")
def rock(p, rng):
    col, mat = p.main((0.46, 0.44, 0.42), "rock")
    return _remat(_rock(rng.uniform(0.8, 1.2), _seed(rng), col, _snow(p)), p, "rock")


@asset("boulder", "nature", (3.0, 1.8, 3.0), synonyms="big rock, large rock, huge rock, boulders, big stone, giant rock")
def boulder(p, rng):
    col, mat = p.main((0.48, 0.46, 0.43), "rock")
    parts = _rock(rng.uniform(2.6, 3.2), _seed(rng), col, _snow(p))
    if rng.uniform() < 0.7:
        parts += [q.transformed(translation=(rng.uniform(1.0, 1.5), 0, rng.uniform(-0.8, 0.8))) for q in _rock(1.2, _seed(rng), col * 0.95, _snow(p))]
    return _remat(parts, p, "rock")


# ------------------------------------------------------------------ buildings and street
@asset("house", "architecture", (8.5, 8.0, 7.5), synonyms="home, cottage, houses, family house, farmhouse, villa, residence", emissive=True, light=(1.2, 0.9, 0.55))
def house(p, rng):
    return _remat(B.house(rng, p.col((0.86, 0.80, 0.68)), ROOF, p.lit), p, "plaster")


@asset("cabin", "architecture", (6.0, 5.5, 5.2), synonyms="log cabin, hut, shack, lodge, chalet, wooden hut", emissive=True, light=(1.2, 0.9, 0.55))
def cabin(p, rng):
    return _remat(B.cabin(rng, p.col((0.45, 0.30, 0.18)), None, p.lit), p, "plaster")


@asset("stone_tower", "architecture", (5.0, 18.0, 5.0), synonyms="round tower, watchtower, watch tower, turret, wizard tower, mage tower, keep",
       emissive=True, light=(1.2, 0.9, 0.55))
def stone_tower(p, rng):
    return _remat(B.tower(rng, p.col((0.78, 0.76, 0.72)), ROOF, p.lit), p, "plaster")


@asset("office_building", "architecture", (13.0, 18.0, 12.0), synonyms="building, apartment building, apartment block, skyscraper, high rise, "
       "highrise, tower block, city building, shop building, storefront, buildings", emissive=True, light=(1.2, 0.9, 0.55))
def office_building(p, rng):
    return _remat(B.city_building(rng, rng.uniform(11, 15), rng.uniform(10, 13), p.col((0.80, 0.74, 0.64)), p.lit), p, "plaster")


@asset("fountain", "urban", (6.5, 3.2, 6.5), synonyms="water fountain, plaza fountain, fountains")
def fountain(p, rng):
    return _remat(B.fountain(rng, p.col((0.72, 0.70, 0.66)), np.array([0.20, 0.38, 0.40]), p.lit), p, "concrete")


@asset("bench", "urban", (1.8, 0.95, 0.5), synonyms="park bench, bench seat, benches, garden bench")
def bench(p, rng):
    col, mat = p.main((0.50, 0.33, 0.18), "wood")
    return _remat(B.bench(rng, col), p, "wood")


@asset("street_lamp", "urban", (0.5, 5.2, 1.5), synonyms="streetlight, street light, lamppost, lamp post, street lamps, light pole, lamp posts",
       emissive=True, light=(2.5, 2.1, 1.5))
def street_lamp(p, rng):
    return B.streetlight(rng, p.col((0.18, 0.19, 0.20)), p.lit)


@asset("car", "vehicle", (1.8, 1.6, 4.3), synonyms="automobile, sedan, parked car, cars, vehicle, taxi, cab", emissive=True, light=(1.0, 0.95, 0.8))
def car(p, rng):
    return _remat(B.car(rng, p.col((0.60, 0.10, 0.10)), p.lit), p, "paint")


# ------------------------------------------------------------------ furniture
def _furn(name, category, size, synonyms, default_mat="wood", emissive=False, light=None, placement="ground", collider=True, outdoor=False,
          label=""):
    fn = F.FURNITURE_BUILDERS[name]

    def raw(p, rng):
        col = None if p.color is None and p.material is None else p.main((0.5, 0.5, 0.5), default_mat)[0]
        return _remat(fn(rng, col, p.lit), p, default_mat)

    raw.__name__ = name
    raw.__doc__ = fn.__doc__
    asset(name if name not in _RENAME else _RENAME[name], category, size, placement, synonyms, True, outdoor, emissive, light, collider,
          label)(raw)


_RENAME = {"lamp": "floor_lamp", "plant": "potted_plant", "cabinet": "filing_cabinet", "rack": "pallet_rack", "tv": "television"}

_furn("sofa", "interior", (2.2, 0.95, 0.95), "couch, settee, sofas, loveseat, divan", "fabric")
_furn("armchair", "interior", (0.9, 0.95, 0.9), "arm chair, easy chair, recliner, lounge chair, wingback chair", "fabric")
_furn("coffee_table", "interior", (1.2, 0.45, 0.6), "low table, side table, tea table")
_furn("table", "interior", (1.6, 0.75, 0.9), "dining table, wooden table, kitchen table, tables, dinner table, work table")
_furn("chair", "interior", (0.45, 0.95, 0.45), "dining chair, wooden chair, chairs, seat, kitchen chair")
_furn("bookshelf", "interior", (1.2, 2.0, 0.35), "bookshelves, bookcase, book shelf, book case, shelves, shelf, shelving, library shelf")
_furn("lamp", "interior", (0.55, 1.7, 0.55), "lamp, standing lamp, floor lamps", emissive=True, light=(1.6, 1.25, 0.8))
_furn("rug", "interior", (2.6, 0.03, 1.8), "carpet, mat, area rug, persian rug, rugs", "carpet", collider=False)
_furn("tv", "interior", (1.6, 1.4, 0.45), "tv, tv set, tv stand, flat screen, screen", emissive=True, light=(0.3, 0.4, 0.6))
_furn("plant", "interior", (0.7, 1.3, 0.7), "houseplant, house plant, pot plant, plant pot, plant, plants, flowerpot, flower pot, potted plants")
_furn("desk", "interior", (1.6, 0.75, 0.8), "office desk, writing desk, work desk, desks, computer desk")
_furn("office_chair", "interior", (0.6, 1.15, 0.6), "swivel chair, desk chair, computer chair", "fabric")
_furn("monitor", "interior", (0.65, 0.6, 0.2), "computer, computer screen, pc, display, computer monitor", placement="table_top",
      emissive=True, light=(0.3, 0.35, 0.45))
_furn("cabinet", "interior", (0.9, 1.2, 0.5), "file cabinet, filing cabinets, metal cabinet, cabinet, cabinets", "metal")
_furn("rack", "interior", (2.7, 4.5, 1.1), "warehouse rack, storage rack, pallet racks, racking, industrial shelving", "metal")
_furn("pallet", "prop", (1.2, 0.15, 1.0), "pallets, wooden pallet, skid", outdoor=True)
_furn("bed", "interior", (1.6, 1.0, 2.1), "double bed, beds, single bed, queen bed, mattress", "fabric")
