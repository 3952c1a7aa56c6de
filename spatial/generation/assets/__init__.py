"""Procedural assets: each function returns :class:`~spatial.generation.mesh.Part` lists in local
coordinates (origin at the footprint centre on the ground, +Y up), deterministic in its seed.

* :mod:`.plants` - trees (conifer, broadleaf, palm, cactus, dead), bushes, grass clumps, reeds
* :mod:`.rocks` - boulders and stones
* :mod:`.buildings` - houses, cabins, towers, city blocks with window facades, fountains, benches,
  street lights, cars
* :mod:`.furniture` - sofas, tables, chairs, shelves, lamps, desks, racks, crates, ...
* :mod:`.registry` - the asset library: every kind a prompt can name (:class:`AssetKind`: name,
  synonyms, category, size, placement, indoor/outdoor, emissive, collider, builder) with
  :func:`lookup`, :func:`get`, :func:`kinds` and :func:`build` (240 kinds; index and contact sheets in
  ``docs/assets/``). Kinds are declared with ``@asset`` in the category modules (:mod:`._catalog` lists
  them): :mod:`.legacy` (the builders above), :mod:`.arch_castle`, :mod:`.arch_asian`, :mod:`.arch_rural`,
  :mod:`.nature_trees`, :mod:`.nature_flowers`, :mod:`.nature_terrain`, :mod:`.nature_animals`,
  :mod:`.urban_street`, :mod:`.urban_transit`, :mod:`.interior_kitchen_bath`, :mod:`.interior_living`,
  :mod:`.interior_public`, :mod:`.vehicles`, :mod:`.props`. Shared shapes live in :mod:`.shapes`,
  generic states (snowy, frozen, old, ruined, dead, autumn) in :mod:`.states`.
"""

from .buildings import STRUCTURE_BUILDERS
from .furniture import FURNITURE_BUILDERS
from .plants import bush, grass_clump, tree
from .registry import REGISTRY, AssetKind, build, get, kinds, lookup
from .rocks import rock

__all__ = ["FURNITURE_BUILDERS", "REGISTRY", "STRUCTURE_BUILDERS", "AssetKind", "build", "bush", "get", "grass_clump", "kinds", "lookup",
           "rock", "tree"]
