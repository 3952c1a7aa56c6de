"""The scene graph: what a prompt asks for, as editable JSON data (issue 15).

A :class:`SceneGraph` is the contract between the stages of the compositional generator::

    prompt --parse--> SceneGraph --layout--> Layout --instantiate/bake/light/collider--> World

It holds

* the **shell** (:class:`Shell`): the environment the objects stand in - an open terrain biome, a
  walled courtyard, a street canyon, a cave or tunnel, or the interior of a room of some kind - plus
  the terrain knobs of the legacy :class:`~spatial.generation.spec.SceneSpec` (relief, water, tree
  density, ...);
* the **object groups** (:class:`ObjectGroup`): one per noun the prompt names, with the canonical
  asset kind (``spatial.generation.assets.registry``), an exact count or a range, and the attributes
  bound to that noun (colour, material, size, state);
* the **relations** (:class:`Relation`) between groups, to the shell (``middle``, ``along`` the path)
  and to the viewer (``in_front`` of the spawn, ``far``);
* the **style** (:class:`Style`): time of day, weather, palette overrides, mood;
* the **report**: ``substitutions`` (an unknown noun replaced by the nearest kind, never silent),
  ``skipped`` nouns and free-text ``notes``.

``spatial generate --print-spec`` prints it; ``--spec FILE`` builds from it (a legacy flat
SceneSpec file is still accepted and becomes a preset graph). The same JSON sits in ``world.json``
under ``spec``. Every field is documented in ``docs/generate.md``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ValidationError
from .spec import COLOR_NAMES, INDOOR_SCENES, NATURE_SCENES, SCENE_TYPES, TIMES_OF_DAY, WEATHERS, SceneSpec, preset

GRAPH_VERSION = 2

# ------------------------------------------------------------------------------------------- shells
#: open terrain biomes (the legacy nature scene types) and the urban layouts
TERRAIN_SHELLS = NATURE_SCENES
URBAN_SHELLS = ("city_street", "plaza")
#: open-sky enclosures: stone walls all round
WALLED_SHELLS = ("courtyard", "cloister")
#: no sky: a rock (or timbered) tube
ENCLOSED_SHELLS = ("cave", "tunnel", "mine")
#: rooms (the legacy three plus the new kinds)
ROOM_SHELLS = INDOOR_SCENES + ("kitchen", "library", "bedroom", "bathroom", "classroom", "restaurant", "cafe", "shop", "church",
                               "hall", "museum", "subway_station", "garage", "attic")
SHELL_KINDS = TERRAIN_SHELLS + URBAN_SHELLS + WALLED_SHELLS + ENCLOSED_SHELLS + ROOM_SHELLS

#: the legacy scene type whose palette / terrain knobs a shell starts from
SHELL_BASE: dict[str, str] = {**{k: k for k in SCENE_TYPES}, "courtyard": "plaza", "cloister": "plaza", "cave": "canyon",
                              "tunnel": "canyon", "mine": "canyon", **{k: "office" for k in ROOM_SHELLS if k not in SCENE_TYPES}}
SHELL_BASE["warehouse"] = "warehouse"
SHELL_BASE["garage"] = "warehouse"
SHELL_BASE["subway_station"] = "warehouse"
SHELL_BASE["church"] = "warehouse"
SHELL_BASE["hall"] = "warehouse"

#: SceneSpec fields that belong to the shell (the rest - time, weather, palette, objects, seed - live elsewhere in the graph)
TERRAIN_KEYS = ("relief", "water", "vegetation_density", "tree_kind", "grass_density", "rock_density", "snow_cover", "counts", "extent_m")

RELATIONS = ("middle", "around", "along", "near", "behind", "in_front", "left_of", "right_of", "on", "inside", "far", "by_water",
             "on_hill")
#: relation targets that are not groups
SPECIAL_TARGETS = ("shell", "viewer", "path", "water", "hill", "wall")
MOODS = ("neutral", "cozy", "eerie", "serene", "busy", "abandoned", "romantic", "gloomy", "festive")
STATES = ("frozen", "snowy", "glowing", "lit", "ruined", "broken", "old", "abandoned", "blooming", "dead", "open", "closed", "rusty",
          "burning", "wet", "new", "ancient", "mossy", "empty", "full")
MATERIALS = ("wood", "stone", "metal", "glass", "fabric", "leather", "brick", "marble", "gold", "concrete", "plastic", "ice", "iron",
             "steel", "bronze", "silver", "copper", "crystal", "clay", "straw", "bamboo", "paper", "wooden", "velvet")
SIZES = {"tiny": 0.5, "small": 0.75, "little": 0.75, "short": 0.8, "big": 1.35, "large": 1.35, "tall": 1.35, "huge": 1.7,
         "giant": 1.9, "enormous": 1.9, "massive": 1.7, "towering": 1.7, "long": 1.25, "wide": 1.25, "high": 1.3}
MAX_COUNT = 60


def shell_family(kind: str) -> str:
    """``terrain`` | ``urban`` | ``walled`` | ``enclosed`` | ``room``."""
    if kind in TERRAIN_SHELLS:
        return "terrain"
    if kind in URBAN_SHELLS:
        return "urban"
    if kind in WALLED_SHELLS:
        return "walled"
    if kind in ENCLOSED_SHELLS:
        return "enclosed"
    if kind in ROOM_SHELLS:
        return "room"
    raise ValidationError(f"unknown shell kind {kind!r}; known: {', '.join(SHELL_KINDS)}")


def _rgb(v, what: str) -> tuple[float, float, float] | None:
    if v is None:
        return None
    if isinstance(v, str):
        if v not in COLOR_NAMES:
            raise ValidationError(f"{what}: unknown colour name {v!r}; known: {', '.join(sorted(COLOR_NAMES))}")
        return COLOR_NAMES[v]
    try:
        c = tuple(float(x) for x in v)
    except (TypeError, ValueError):
        raise ValidationError(f"{what}: a colour is a name or 3 numbers in [0, 1]; got {v!r}") from None
    if len(c) != 3 or not all(0.0 <= x <= 1.0 for x in c):
        raise ValidationError(f"{what}: a colour is 3 numbers in [0, 1]; got {v!r}")
    return c


def _check_keys(d: dict, known: set, what: str) -> None:
    if not isinstance(d, dict):
        raise ValidationError(f"{what} must be a JSON object, got {type(d).__name__}")
    unknown = sorted(set(d) - known)
    if unknown:
        raise ValidationError(f"{what}: unknown field(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")


# ------------------------------------------------------------------------------------------- parts
@dataclass
class Shell:
    """The environment: ``kind`` (one of :data:`SHELL_KINDS`) and the terrain knobs (:data:`TERRAIN_KEYS`)."""

    kind: str = "meadow"
    terrain: dict[str, Any] = field(default_factory=dict)

    @property
    def family(self) -> str:
        return shell_family(self.kind)

    @property
    def base(self) -> str:
        """The legacy scene type this shell's palette and terrain start from."""
        return SHELL_BASE[self.kind]

    @property
    def indoor(self) -> bool:
        """No sky: rooms and enclosed (cave-like) shells."""
        return self.family in ("room", "enclosed")

    def to_dict(self) -> dict:
        return {"kind": self.kind, "family": self.family, "terrain": {k: self.terrain[k] for k in sorted(self.terrain)}}

    @classmethod
    def from_dict(cls, d: dict) -> "Shell":
        _check_keys(d, {"kind", "family", "terrain"}, "graph.shell")
        kind = str(d.get("kind", "meadow"))
        shell_family(kind)
        terrain = dict(d.get("terrain") or {})
        _check_keys(terrain, set(TERRAIN_KEYS), "graph.shell.terrain")
        return cls(kind, terrain)


@dataclass
class ObjectGroup:
    """``count`` instances of one asset ``kind``.

    ``asked`` is the noun as the prompt wrote it ("koi"); ``count_range`` is set for vague counts
    ("some" -> (3, 5)) and ``count`` is then the number drawn from it; ``named`` is False for the
    shell's own furnishing (filler). ``attributes``: ``color`` (sRGB 0..1), ``color_name``,
    ``material``, ``size`` (word) and ``scale`` (multiplier), ``state`` (list of words).
    """

    id: str
    kind: str
    count: int = 1
    asked: str = ""
    count_range: tuple[int, int] | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    named: bool = True

    def to_dict(self) -> dict:
        a = dict(self.attributes)
        if a.get("color") is not None:
            a["color"] = [round(float(c), 4) for c in a["color"]]
        return {"id": self.id, "kind": self.kind, "count": int(self.count), "asked": self.asked,
                "count_range": None if self.count_range is None else list(self.count_range), "attributes": dict(sorted(a.items())),
                "named": self.named}

    @classmethod
    def from_dict(cls, d: dict) -> "ObjectGroup":
        _check_keys(d, {"id", "kind", "count", "asked", "count_range", "attributes", "named"}, "graph.groups[]")
        if "kind" not in d:
            raise ValidationError(f"graph.groups[]: every group needs a 'kind'; got {d!r}")
        attrs = dict(d.get("attributes") or {})
        _check_keys(attrs, {"color", "color_name", "material", "size", "scale", "state"}, f"graph.groups[{d.get('id')}].attributes")
        if "color" in attrs:
            attrs["color"] = _rgb(attrs["color"], f"graph.groups[{d.get('id')}].attributes.color")
        if "state" in attrs:
            attrs["state"] = [str(s) for s in (attrs["state"] or [])]
        if "scale" in attrs:
            attrs["scale"] = float(attrs["scale"])
        cr = d.get("count_range")
        try:
            count = int(d.get("count", 1))
        except (TypeError, ValueError):
            raise ValidationError(f"graph.groups[{d.get('id')}].count must be an integer; got {d.get('count')!r}") from None
        return cls(str(d.get("id", "")), str(d["kind"]), count, str(d.get("asked", "")),
                   None if cr is None else (int(cr[0]), int(cr[1])), attrs, bool(d.get("named", True)))


@dataclass
class Relation:
    """``subject`` (a group id) stands in ``relation`` (one of :data:`RELATIONS`) to ``target``
    (a group id or one of :data:`SPECIAL_TARGETS`); ``phrase`` is the prompt's wording."""

    relation: str
    subject: str
    target: str = "shell"
    phrase: str = ""

    def to_dict(self) -> dict:
        return {"relation": self.relation, "subject": self.subject, "target": self.target, "phrase": self.phrase}

    @classmethod
    def from_dict(cls, d: dict) -> "Relation":
        _check_keys(d, {"relation", "subject", "target", "phrase"}, "graph.relations[]")
        return cls(str(d.get("relation")), str(d.get("subject")), str(d.get("target", "shell")), str(d.get("phrase", "")))


@dataclass
class Style:
    """Time of day, weather, palette overrides (name -> sRGB) and mood."""

    time_of_day: str = "day"
    weather: str = "clear"
    palette: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    mood: str = "neutral"

    def to_dict(self) -> dict:
        return {"time_of_day": self.time_of_day, "weather": self.weather, "mood": self.mood,
                "palette": {k: [round(float(c), 4) for c in v] for k, v in sorted(self.palette.items())}}

    @classmethod
    def from_dict(cls, d: dict) -> "Style":
        _check_keys(d, {"time_of_day", "weather", "palette", "mood"}, "graph.style")
        pal = {str(k): _rgb(v, f"graph.style.palette[{k}]") for k, v in (d.get("palette") or {}).items()}
        return cls(str(d.get("time_of_day", "day")), str(d.get("weather", "clear")), pal, str(d.get("mood", "neutral")))


# ------------------------------------------------------------------------------------------- graph
@dataclass
class SceneGraph:
    """A whole scene request (see the module docstring). Build one with
    :func:`spatial.generation.parse.parse` or :meth:`from_dict`; :meth:`validate` checks it."""

    shell: Shell = field(default_factory=Shell)
    groups: list[ObjectGroup] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    style: Style = field(default_factory=Style)
    seed: int = 0
    prompt: str = ""
    substitutions: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    version: int = GRAPH_VERSION

    # ------------------------------------------------------------------ access
    def group(self, gid: str) -> ObjectGroup:
        for g in self.groups:
            if g.id == gid:
                return g
        raise KeyError(gid)

    def relations_of(self, gid: str) -> list[Relation]:
        return [r for r in self.relations if r.subject == gid]

    def next_id(self) -> str:
        used = {g.id for g in self.groups}
        k = len(self.groups) + 1
        while f"g{k}" in used:
            k += 1
        return f"g{k}"

    def add_group(self, kind: str, count: int = 1, asked: str = "", named: bool = True, **attributes) -> ObjectGroup:
        """Append a group with a fresh id (used by the parser, presets and text edits)."""
        g = ObjectGroup(self.next_id(), kind, int(count), asked or kind, None, {k: v for k, v in attributes.items() if v is not None}, named)
        self.groups.append(g)
        return g

    def spec(self) -> SceneSpec:
        """The legacy flat spec of the shell's base scene type with this graph's terrain knobs and style
        (what the terrain, sky and palette stages read)."""
        kw = {k: v for k, v in self.shell.terrain.items() if k in TERRAIN_KEYS}
        if "counts" in kw:
            kw["counts"] = {str(k): int(v) for k, v in kw["counts"].items()}
        sp = preset(self.shell.base, **kw)
        sp.structures = []
        sp.time_of_day, sp.weather = self.style.time_of_day, self.style.weather
        sp.palette = dict(self.style.palette)
        sp.seed = int(self.seed)
        return sp.validate()

    # ------------------------------------------------------------------ validation
    def validate(self) -> "SceneGraph":
        """Check every field; raises :class:`ValidationError` naming the field and the allowed values."""
        shell_family(self.shell.kind)
        if self.style.time_of_day not in TIMES_OF_DAY:
            raise ValidationError(f"graph.style.time_of_day must be one of {', '.join(TIMES_OF_DAY)}; got {self.style.time_of_day!r}")
        if self.style.weather not in WEATHERS:
            raise ValidationError(f"graph.style.weather must be one of {', '.join(WEATHERS)}; got {self.style.weather!r}")
        if self.style.mood not in MOODS:
            raise ValidationError(f"graph.style.mood must be one of {', '.join(MOODS)}; got {self.style.mood!r}")
        if not isinstance(self.seed, int) or not (0 <= self.seed < 2**63):
            raise ValidationError(f"graph.seed must be a non-negative integer; got {self.seed!r}")
        if self.version > GRAPH_VERSION:
            raise ValidationError(f"graph version {self.version} is newer than this spatial supports ({GRAPH_VERSION})")
        from .assets import registry

        ids = set()
        for g in self.groups:
            if not g.id or g.id in ids or g.id in SPECIAL_TARGETS:
                raise ValidationError(f"graph.groups: ids must be unique, non-empty and not one of {SPECIAL_TARGETS}; got {g.id!r}")
            ids.add(g.id)
            if g.kind not in registry.REGISTRY:
                try:
                    registry.get(g.kind)
                except KeyError as e:
                    raise ValidationError(f"graph.groups[{g.id}]: unknown kind {g.kind!r} ({e.args[0] if e.args else ''})") from None
            if not (0 <= g.count <= MAX_COUNT):
                raise ValidationError(f"graph.groups[{g.id}].count must be in [0, {MAX_COUNT}]; got {g.count}")
            if g.count_range is not None and not (0 <= g.count_range[0] <= g.count_range[1] <= MAX_COUNT):
                raise ValidationError(f"graph.groups[{g.id}].count_range must be [lo, hi] with 0 <= lo <= hi <= {MAX_COUNT}")
            sc = g.attributes.get("scale", 1.0)
            if not (0.2 <= float(sc) <= 4.0):
                raise ValidationError(f"graph.groups[{g.id}].attributes.scale must be in [0.2, 4]; got {sc}")
        for r in self.relations:
            if r.relation not in RELATIONS:
                raise ValidationError(f"graph.relations: unknown relation {r.relation!r}; known: {', '.join(RELATIONS)}")
            if r.subject not in ids:
                raise ValidationError(f"graph.relations: subject {r.subject!r} is not a group id")
            if r.target not in ids and r.target not in SPECIAL_TARGETS:
                raise ValidationError(f"graph.relations: target {r.target!r} is neither a group id nor one of {', '.join(SPECIAL_TARGETS)}")
            if r.target == r.subject:
                raise ValidationError(f"graph.relations: {r.subject} cannot be {r.relation} itself")
        self.spec()  # terrain knobs
        return self

    # ------------------------------------------------------------------ (de)serialisation
    def to_dict(self) -> dict:
        return {"type": "scene_graph", "version": self.version, "prompt": self.prompt, "seed": int(self.seed),
                "shell": self.shell.to_dict(), "style": self.style.to_dict(), "groups": [g.to_dict() for g in self.groups],
                "relations": [r.to_dict() for r in self.relations], "substitutions": list(self.substitutions),
                "skipped": list(self.skipped), "notes": list(self.notes)}

    @classmethod
    def from_dict(cls, d: dict) -> "SceneGraph":
        """A graph from its JSON dict; a legacy flat :class:`SceneSpec` dict becomes its preset graph."""
        if not isinstance(d, dict):
            raise ValidationError(f"a scene graph must be a JSON object, got {type(d).__name__}")
        if d.get("type") != "scene_graph" and "scene_type" in d:
            from .presets import graph_from_spec

            return graph_from_spec(SceneSpec.from_dict(d))
        _check_keys(d, {"type", "version", "prompt", "seed", "shell", "style", "groups", "relations", "substitutions", "skipped", "notes"},
                    "graph")
        try:
            g = cls(Shell.from_dict(d.get("shell") or {}), [ObjectGroup.from_dict(x) for x in d.get("groups") or []],
                    [Relation.from_dict(x) for x in d.get("relations") or []], Style.from_dict(d.get("style") or {}),
                    int(d.get("seed", 0)), str(d.get("prompt", "")), list(d.get("substitutions") or []), list(d.get("skipped") or []),
                    [str(n) for n in d.get("notes") or []], int(d.get("version", GRAPH_VERSION)))
        except (TypeError, ValueError) as e:
            raise ValidationError(f"bad scene graph: {e}") from None
        return g.validate()

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    def save(self, path: "str | os.PathLike") -> Path:
        from ..io.json_file import write_json

        return write_json(path, self.to_json())

    @classmethod
    def load(cls, path: "str | os.PathLike") -> "SceneGraph":
        """Read a graph (or legacy spec) JSON file; raises :class:`FormatError` naming the file on any problem."""
        from ..io.json_file import read_json

        return read_json(path, cls.from_dict)

    def summary(self) -> str:
        """One line: shell, style and groups ("courtyard, day/clear: 1 well, 4 castle_wall (stone)")."""
        gs = []
        for g in self.groups:
            if not g.named:
                continue
            a = g.attributes
            extra = ", ".join(str(x) for x in [a.get("color_name"), a.get("material"), a.get("size"), *(a.get("state") or [])] if x)
            gs.append(f"{g.count} {g.kind}" + (f" ({extra})" if extra else ""))
        rel = [f"{r.subject} {r.relation} {r.target}" for r in self.relations]
        return (f"{self.shell.kind}, {self.style.time_of_day}/{self.style.weather}: " + (", ".join(gs) or "no named objects")
                + (f"; relations: {', '.join(rel)}" if rel else ""))
