"""Preset graphs: the legacy 15 scene types and every shell's own furnishing, as scene-graph data.

* :func:`graph_from_spec` turns a legacy flat :class:`~spatial.generation.spec.SceneSpec` (a scene
  type plus knobs and ``structures``) into a :class:`~spatial.generation.graph.SceneGraph`: the
  scene type becomes the shell, its structures become object groups. ``preset_graph("village")``
  is the village scene of before, built by the compositional pipeline.
* :data:`FURNISHING` lists what a shell brings without being asked (a kitchen has a stove, a
  fridge, counters...; a courtyard has its enclosing walls and a gate): filler groups
  (``named=False``) added by :func:`furnish`, skipping kinds the prompt already named and kinds
  the asset registry does not have (the set grows with the library).
"""

from __future__ import annotations

from .graph import SHELL_KINDS, TERRAIN_KEYS, SceneGraph, Shell, Style
from .spec import SCENE_TYPES, SceneSpec, preset

#: legacy structure / furniture kind -> registry kind
LEGACY_KINDS = {
    "house": "house", "cabin": "cabin", "tower": "stone_tower", "building": "office_building", "fountain": "fountain", "bench": "bench",
    "streetlight": "street_lamp", "car": "car", "sofa": "sofa", "armchair": "armchair", "coffee_table": "coffee_table", "table": "table",
    "chair": "chair", "bookshelf": "bookshelf", "lamp": "floor_lamp", "rug": "rug", "tv": "television", "plant": "potted_plant",
    "desk": "desk", "office_chair": "office_chair", "monitor": "monitor", "cabinet": "filing_cabinet", "rack": "pallet_rack",
    "crate": "crate", "pallet": "pallet", "bed": "bed",
}

#: shell kind -> [(kind phrase, count, relation or None)] of filler the shell brings.
#: Legacy rooms (living_room, office, warehouse) and urban layouts furnish themselves (indoor.py, urban.py).
FURNISHING: dict[str, list[tuple[str, int, str | None]]] = {
    "kitchen": [("stove", 1, "wall"), ("fridge", 1, "wall"), ("kitchen_counter", 2, "wall"), ("sink", 1, "wall"), ("dining_table", 1, None),
                ("chair", 4, None), ("pendant_lamp", 2, None), ("potted_plant", 1, None)],
    "library": [("bookshelf", 8, "wall"), ("reading_table", 2, None), ("chair", 4, None), ("reading_lamp", 2, None), ("armchair", 1, None),
                ("rug", 1, None)],
    "bedroom": [("bed", 1, "wall"), ("nightstand", 2, None), ("wardrobe", 1, "wall"), ("dresser", 1, "wall"), ("rug", 1, None),
                ("floor_lamp", 1, None), ("painting", 2, "wall")],
    "bathroom": [("bathtub", 1, "wall"), ("toilet", 1, "wall"), ("bathroom_sink", 1, "wall"), ("mirror", 1, "wall"), ("towel_rack", 1, "wall")],
    "classroom": [("school_desk", 12, None), ("chair", 12, None), ("blackboard", 1, "wall"), ("teacher_desk", 1, None), ("bookshelf", 2, "wall")],
    "restaurant": [("dining_table", 5, None), ("chair", 14, None), ("bar_counter", 1, "wall"), ("chandelier", 2, None), ("potted_plant", 2, None),
                   ("painting", 2, "wall")],
    "cafe": [("cafe_table", 5, None), ("chair", 10, None), ("bar_counter", 1, "wall"), ("pendant_lamp", 3, None), ("potted_plant", 2, None)],
    "shop": [("shop_shelf", 6, None), ("shop_counter", 1, None), ("cash_register", 1, None), ("pendant_lamp", 3, None)],
    "church": [("pew", 10, None), ("altar", 1, None), ("candle_stand", 4, None), ("chandelier", 2, None), ("column", 6, None)],
    "hall": [("column", 8, None), ("chandelier", 3, None), ("banner", 4, "wall"), ("bench", 4, None), ("long_table", 1, None)],
    "museum": [("painting", 8, "wall"), ("statue", 2, None), ("display_case", 3, None), ("bench", 2, None), ("pedestal", 2, None)],
    "subway_station": [("subway_platform", 1, None), ("rails", 1, None), ("bench", 4, None), ("column", 6, None), ("ceiling_light", 6, None),
                       ("ticket_machine", 2, "wall"), ("trash_can", 2, None)],
    "garage": [("car", 1, None), ("workbench", 1, "wall"), ("tool_rack", 1, "wall"), ("tire_stack", 2, None), ("shelf", 2, "wall"),
               ("ceiling_light", 2, None)],
    "attic": [("crate", 5, None), ("old_trunk", 2, None), ("rocking_chair", 1, None), ("rug", 1, None), ("cobweb", 2, None),
              ("hanging_bulb", 1, None)],
    "courtyard": [("barrel", 3, "wall"), ("cart", 1, None), ("crate", 2, "wall"), ("torch", 4, "wall"), ("banner", 2, "wall")],
    "cloister": [("well", 1, "middle"), ("bench", 2, None), ("potted_plant", 2, None)],
    "cave": [("stalagmite", 10, None), ("boulder", 6, None)],
    "tunnel": [("boulder", 4, None)],
    "mine": [("mine_cart", 2, None), ("rails", 1, None), ("lantern", 4, None), ("crate", 3, None), ("timber_support", 6, None)],
}


def registry_kind(phrase: str):
    """Registry kind for a phrase (None when the library does not have it)."""
    from .assets import registry

    return registry.REGISTRY.get(phrase) or registry.lookup(phrase.replace("_", " "))


def furnish(graph: SceneGraph) -> SceneGraph:
    """Add the shell's filler groups (not already named, present in the registry); returns ``graph``."""
    have = {g.kind for g in graph.groups}
    for phrase, count, rel in FURNISHING.get(graph.shell.kind, []):
        k = registry_kind(phrase)
        if k is None or k.name in have:
            continue
        if graph.shell.indoor and not k.indoor and graph.shell.family == "room":
            continue
        g = graph.add_group(k.name, count, phrase, named=False)
        have.add(k.name)
        if rel == "wall":
            from .graph import Relation

            graph.relations.append(Relation("along", g.id, "wall", "(furnishing)"))
        elif rel == "middle":
            from .graph import Relation

            graph.relations.append(Relation("middle", g.id, "shell", "(furnishing)"))
    return graph


def graph_from_spec(spec: SceneSpec, prompt: str = "") -> SceneGraph:
    """The graph of a legacy flat spec: scene type -> shell, structures -> named groups."""
    spec.validate()
    d = spec.to_dict()
    terrain = {k: d[k] for k in TERRAIN_KEYS}
    g = SceneGraph(Shell(spec.scene_type, terrain), [], [], Style(spec.time_of_day, spec.weather, dict(spec.palette)), int(spec.seed), prompt)
    for s in spec.structures:
        kind = LEGACY_KINDS.get(s.kind, s.kind)
        k = registry_kind(kind)
        if k is None:
            g.skipped.append({"asked": s.kind, "reason": "no such kind in the asset library"})
            continue
        g.add_group(k.name, s.count, s.kind, named=True, color=s.color)
    return g.validate()


def preset_graph(kind: str, seed: int = 0, **style) -> SceneGraph:
    """The default graph of a shell kind (a legacy scene type or a new shell), furnished."""
    from ..errors import ValidationError

    if kind in SCENE_TYPES:
        sp = preset(kind, seed=seed, **style)
        return furnish(graph_from_spec(sp))
    if kind not in SHELL_KINDS:
        raise ValidationError(f"unknown shell {kind!r}; known: {', '.join(SHELL_KINDS)}")
    g = SceneGraph(Shell(kind, {}), seed=seed, style=Style(**style))
    return furnish(g).validate()
