"""Procedural assets: each function returns :class:`~spatial.generation.mesh.Part` lists in local
coordinates (origin at the footprint centre on the ground, +Y up), deterministic in its seed.

* :mod:`.plants` - trees (conifer, broadleaf, palm, cactus, dead), bushes, grass clumps, reeds
* :mod:`.rocks` - boulders and stones
* :mod:`.buildings` - houses, cabins, towers, city blocks with window facades, fountains, benches,
  street lights, cars
* :mod:`.furniture` - sofas, tables, chairs, shelves, lamps, desks, racks, crates, ...
"""

from .buildings import STRUCTURE_BUILDERS
from .furniture import FURNITURE_BUILDERS
from .plants import bush, grass_clump, tree
from .rocks import rock

__all__ = ["FURNITURE_BUILDERS", "STRUCTURE_BUILDERS", "bush", "grass_clump", "rock", "tree"]
