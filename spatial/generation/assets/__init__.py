"""Procedural assets: each function returns :class:`~spatial.generation.mesh.Part` lists in local
coordinates (origin at the footprint centre on the ground, +Y up), deterministic in its seed.

* :mod:`.plants` - trees (conifer, broadleaf, palm, cactus, dead), bushes, grass clumps, reeds
* :mod:`.rocks` - boulders and stones
* :mod:`.buildings` - houses, cabins, towers, city blocks with window facades, fountains, benches,
  street lights, cars
* :mod:`.furniture` - sofas, tables, chairs, shelves, lamps, desks, racks, crates, ...
* :mod:`.registry` - the asset library: every kind a prompt can name (:class:`AssetKind`: name,
  synonyms, category, size, placement, indoor/outdoor, emissive, collider, builder) with
  :func:`lookup`, :func:`get`, :func:`kinds` and :func:`build`; kinds are declared in the category
  modules listed in :mod:`._catalog`, shared shapes live in :mod:`.shapes`, generic states in :mod:`.states`.
"""

from .buildings import STRUCTURE_BUILDERS
from .furniture import FURNITURE_BUILDERS
from .plants import bush, grass_clump, tree
from .registry import REGISTRY, AssetKind, build, get, kinds, lookup
from .rocks import rock

__all__ = ["FURNITURE_BUILDERS", "REGISTRY", "STRUCTURE_BUILDERS", "AssetKind", "build", "bush", "get", "grass_clump", "kinds", "lookup",
           "rock", "tree"]
