"""The scene specification: a flat, versioned, JSON-serialisable set of knobs for the generator.

A :class:`SceneSpec` is what a prompt turns into (:mod:`spatial.generation.prompt`) and what the
world builder (:mod:`spatial.generation.world_builder`) consumes. It is deliberately flat, like
Infinigen's gin knobs: users print it (``spatial generate --print-spec``), edit the JSON and
regenerate with ``--spec FILE``. Every field is documented in ``docs/generate.md``.

Versioning: :data:`SPEC_VERSION` is written into every spec. Readers accept any version up to
their own and fill fields added later with the scene type's defaults.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from ..errors import ValidationError

SPEC_VERSION = 1

#: Scene types, grouped by the stage family that builds them.
NATURE_SCENES = (
    "conifer_forest", "broadleaf_forest", "meadow", "desert", "snowy_mountains",
    "beach", "lake", "canyon", "swamp", "village",
)
URBAN_SCENES = ("city_street", "plaza")
INDOOR_SCENES = ("living_room", "office", "warehouse")
SCENE_TYPES = NATURE_SCENES + URBAN_SCENES + INDOOR_SCENES

TIMES_OF_DAY = ("dawn", "day", "sunset", "night")
WEATHERS = ("clear", "fog", "overcast", "snow")
WATER_KINDS = ("none", "lake", "river", "sea", "pond", "swamp")
TREE_KINDS = ("none", "conifer", "broadleaf", "mixed", "palm", "cactus", "dead")
STRUCTURE_KINDS = ("house", "cabin", "tower", "building", "fountain", "bench", "streetlight", "car")
FURNITURE_KINDS = (
    "sofa", "armchair", "coffee_table", "table", "chair", "bookshelf", "lamp", "rug", "tv", "plant",
    "desk", "office_chair", "monitor", "cabinet", "rack", "crate", "pallet", "bed",
)

#: Named colours the lexicon understands (sRGB in [0, 1]).
COLOR_NAMES: dict[str, tuple[float, float, float]] = {
    "red": (0.72, 0.12, 0.10), "crimson": (0.62, 0.06, 0.12), "orange": (0.90, 0.45, 0.12),
    "yellow": (0.92, 0.80, 0.22), "green": (0.22, 0.55, 0.24), "blue": (0.16, 0.32, 0.72),
    "teal": (0.10, 0.50, 0.50), "purple": (0.45, 0.22, 0.60), "pink": (0.92, 0.55, 0.65),
    "white": (0.90, 0.90, 0.88), "black": (0.08, 0.08, 0.09), "grey": (0.50, 0.50, 0.50),
    "gray": (0.50, 0.50, 0.50), "brown": (0.45, 0.30, 0.18), "beige": (0.82, 0.74, 0.60),
}


@dataclass
class StructureSpec:
    """A group of man-made objects: ``count`` objects of ``kind`` (one of :data:`STRUCTURE_KINDS`
    or :data:`FURNITURE_KINDS`), optionally with a facade/body ``color`` (sRGB 0..1)."""

    kind: str
    count: int = 1
    color: tuple[float, float, float] | None = None

    def to_dict(self) -> dict:
        return {"kind": self.kind, "count": int(self.count), "color": None if self.color is None else [round(float(c), 4) for c in self.color]}

    @classmethod
    def from_dict(cls, d: dict) -> "StructureSpec":
        if not isinstance(d, dict) or "kind" not in d:
            raise ValidationError(f"structure entry must be an object with a 'kind', got {d!r}")
        col = d.get("color")
        if isinstance(col, str):
            if col not in COLOR_NAMES:
                raise ValidationError(f"unknown colour name {col!r}; known: {', '.join(sorted(COLOR_NAMES))}")
            col = COLOR_NAMES[col]
        return cls(str(d["kind"]), int(d.get("count", 1)), None if col is None else tuple(float(c) for c in col))


@dataclass
class SceneSpec:
    """All knobs of one generated world (see ``docs/generate.md`` for each field's meaning)."""

    scene_type: str = "meadow"
    time_of_day: str = "day"
    weather: str = "clear"
    #: terrain roughness/height, 0 (flat) .. 1 (mountainous)
    relief: float = 0.3
    #: kind of water body (``none``, ``lake``, ``river``, ``sea``, ``pond``, ``swamp``)
    water: str = "none"
    #: trees per area relative to the scene type's dense forest, 0 .. 1
    vegetation_density: float = 0.3
    tree_kind: str = "broadleaf"
    #: ground cover (grass clumps, flowers), 0 .. 1
    grass_density: float = 0.5
    #: boulders and stones, 0 .. 1
    rock_density: float = 0.2
    #: fraction of the ground covered in snow, 0 .. 1
    snow_cover: float = 0.0
    #: explicit objects (houses, furniture, ...) with counts and colours
    structures: list[StructureSpec] = field(default_factory=list)
    #: palette overrides, name -> sRGB (``ground``, ``foliage``, ``rock``, ``facade``, ``roof``, ``wall``, ``floor``, ``accent``)
    palette: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    #: explicit counts overriding densities (``trees``, ``rocks``, ``buildings``, ...)
    counts: dict[str, int] = field(default_factory=dict)
    #: side of the square world in metres (outdoor) - the sky dome lies beyond it
    extent_m: float = 200.0
    seed: int = 0
    version: int = SPEC_VERSION

    # ------------------------------------------------------------------ classification
    @property
    def family(self) -> str:
        """``nature``, ``urban`` or ``indoor``: which stage family builds this scene."""
        if self.scene_type in INDOOR_SCENES:
            return "indoor"
        if self.scene_type in URBAN_SCENES:
            return "urban"
        return "nature"

    @property
    def indoor(self) -> bool:
        return self.family == "indoor"

    # ------------------------------------------------------------------ validation
    def validate(self) -> "SceneSpec":
        """Check every field; raises :class:`ValidationError` naming the field and the allowed values."""

        def choice(name, allowed):
            v = getattr(self, name)
            if v not in allowed:
                raise ValidationError(f"spec.{name} must be one of {', '.join(allowed)}; got {v!r}")

        choice("scene_type", SCENE_TYPES)
        choice("time_of_day", TIMES_OF_DAY)
        choice("weather", WEATHERS)
        choice("water", WATER_KINDS)
        choice("tree_kind", TREE_KINDS)
        for name in ("relief", "vegetation_density", "grass_density", "rock_density", "snow_cover"):
            v = getattr(self, name)
            if not isinstance(v, (int, float)) or not (0.0 <= float(v) <= 1.0):
                raise ValidationError(f"spec.{name} must be a number in [0, 1]; got {v!r}")
        if not (40.0 <= float(self.extent_m) <= 1000.0):
            raise ValidationError(f"spec.extent_m must be in [40, 1000] metres; got {self.extent_m!r}")
        if not isinstance(self.seed, int) or not (0 <= self.seed < 2**63):
            raise ValidationError(f"spec.seed must be a non-negative integer; got {self.seed!r}")
        if self.version > SPEC_VERSION:
            raise ValidationError(f"spec version {self.version} is newer than this spatial supports ({SPEC_VERSION})")
        for s in self.structures:
            if s.kind not in STRUCTURE_KINDS + FURNITURE_KINDS:
                raise ValidationError(f"spec.structures: unknown kind {s.kind!r}; known: {', '.join(STRUCTURE_KINDS + FURNITURE_KINDS)}")
            if not (0 <= s.count <= 200):
                raise ValidationError(f"spec.structures: count for {s.kind} must be in [0, 200]; got {s.count}")
            if s.color is not None and (len(s.color) != 3 or not all(0.0 <= c <= 1.0 for c in s.color)):
                raise ValidationError(f"spec.structures: colour for {s.kind} must be 3 numbers in [0, 1]; got {s.color!r}")
        for k, c in self.palette.items():
            if len(c) != 3 or not all(0.0 <= float(x) <= 1.0 for x in c):
                raise ValidationError(f"spec.palette[{k!r}] must be 3 numbers in [0, 1]; got {c!r}")
        for k, n in self.counts.items():
            if not isinstance(n, int) or not (0 <= n <= 5000):
                raise ValidationError(f"spec.counts[{k!r}] must be an integer in [0, 5000]; got {n!r}")
        return self

    # ------------------------------------------------------------------ (de)serialisation
    def to_dict(self) -> dict:
        d = asdict(self)
        d["structures"] = [s.to_dict() for s in self.structures]
        d["palette"] = {k: [round(float(c), 4) for c in v] for k, v in sorted(self.palette.items())}
        d["counts"] = {k: int(v) for k, v in sorted(self.counts.items())}
        for k in ("relief", "vegetation_density", "grass_density", "rock_density", "snow_cover", "extent_m"):
            d[k] = round(float(d[k]), 4)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "SceneSpec":
        """Build from a dict (unknown keys are an error, missing keys take defaults)."""
        if not isinstance(d, dict):
            raise ValidationError(f"a scene spec must be a JSON object, got {type(d).__name__}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise ValidationError(f"unknown spec field(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        kw: dict[str, Any] = dict(d)
        if "structures" in kw:
            kw["structures"] = [StructureSpec.from_dict(s) for s in kw["structures"] or []]
        if "palette" in kw:
            kw["palette"] = {str(k): tuple(float(c) for c in (COLOR_NAMES[v] if isinstance(v, str) and v in COLOR_NAMES else v))
                             for k, v in (kw["palette"] or {}).items()}
        if "counts" in kw:
            kw["counts"] = {str(k): v for k, v in (kw["counts"] or {}).items()}
        try:
            spec = cls(**kw)
        except TypeError as e:
            raise ValidationError(f"bad scene spec: {e}") from None
        return spec.validate()

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)

    def save(self, path: "str | os.PathLike") -> Path:
        """Write the spec as JSON (atomically)."""
        from ..io.json_file import write_json

        return write_json(path, self.to_json())

    @classmethod
    def load(cls, path: "str | os.PathLike") -> "SceneSpec":
        """Read a spec JSON file; raises :class:`FormatError` naming the file on any problem."""
        from ..io.json_file import read_json

        return read_json(path, cls.from_dict)

    def structure_count(self, kind: str) -> int:
        return sum(s.count for s in self.structures if s.kind == kind)


#: Per scene type defaults (Infinigen's scene-type configs): the spec a bare scene-type name yields.
PRESETS: dict[str, dict[str, Any]] = {
    "conifer_forest": dict(relief=0.35, water="none", vegetation_density=0.75, tree_kind="conifer", grass_density=0.35, rock_density=0.3),
    "broadleaf_forest": dict(relief=0.3, water="none", vegetation_density=0.7, tree_kind="broadleaf", grass_density=0.5, rock_density=0.2),
    "meadow": dict(relief=0.25, water="none", vegetation_density=0.08, tree_kind="broadleaf", grass_density=0.9, rock_density=0.1),
    "desert": dict(relief=0.3, water="none", vegetation_density=0.06, tree_kind="cactus", grass_density=0.05, rock_density=0.25),
    "snowy_mountains": dict(relief=0.9, water="none", vegetation_density=0.2, tree_kind="conifer", grass_density=0.0, rock_density=0.4, snow_cover=1.0),
    "beach": dict(relief=0.15, water="sea", vegetation_density=0.12, tree_kind="palm", grass_density=0.15, rock_density=0.15),
    "lake": dict(relief=0.35, water="lake", vegetation_density=0.35, tree_kind="mixed", grass_density=0.6, rock_density=0.25),
    "canyon": dict(relief=0.8, water="none", vegetation_density=0.05, tree_kind="dead", grass_density=0.05, rock_density=0.5),
    "swamp": dict(relief=0.05, water="swamp", vegetation_density=0.45, tree_kind="dead", grass_density=0.8, rock_density=0.05),
    "village": dict(relief=0.15, water="none", vegetation_density=0.12, tree_kind="broadleaf", grass_density=0.7, rock_density=0.08,
                    structures=[StructureSpec("house", 5)]),
    "city_street": dict(relief=0.0, water="none", vegetation_density=0.3, tree_kind="broadleaf", grass_density=0.0, rock_density=0.0,
                        extent_m=160.0),
    "plaza": dict(relief=0.0, water="none", vegetation_density=0.3, tree_kind="broadleaf", grass_density=0.0, rock_density=0.0,
                  structures=[StructureSpec("fountain", 1)], extent_m=160.0),
    "living_room": dict(relief=0.0, water="none", vegetation_density=0.0, tree_kind="none", grass_density=0.0, rock_density=0.0,
                        extent_m=60.0),
    "office": dict(relief=0.0, water="none", vegetation_density=0.0, tree_kind="none", grass_density=0.0, rock_density=0.0,
                   extent_m=60.0),
    "warehouse": dict(relief=0.0, water="none", vegetation_density=0.0, tree_kind="none", grass_density=0.0, rock_density=0.0,
                      extent_m=80.0),
}


def preset(scene_type: str, **overrides: Any) -> SceneSpec:
    """The default spec of ``scene_type`` with ``overrides`` applied (validated)."""
    if scene_type not in PRESETS:
        raise ValidationError(f"unknown scene type {scene_type!r}; known: {', '.join(SCENE_TYPES)}")
    kw = dict(PRESETS[scene_type])
    kw["structures"] = [StructureSpec(s.kind, s.count, s.color) for s in kw.get("structures", [])]
    kw.update(overrides)
    return SceneSpec(scene_type=scene_type, **kw).validate()
