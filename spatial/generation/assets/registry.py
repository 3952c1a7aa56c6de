"""The asset registry: one :class:`AssetKind` per kind of thing a prompt can name.

Every kind carries its metadata (canonical name, synonyms, category, typical size, placement rule,
indoor/outdoor, emissive + light colour, collider) and a builder ``(params, rng) -> list[Part]``.
Builders return parts in LOCAL coordinates: origin at the footprint centre, lowest point at y = 0,
+Y up, front facing +Z, sized to ``size * params["scale"]``; deterministic in ``rng``.

``params`` (all optional, unknown keys ignored): ``color`` (sRGB triple for the main material),
``material`` ("wood", "stone", "marble", "gold", ...), ``scale`` (float), ``state`` (words such as
"snowy", "frozen", "ruined", "old", "glowing", "dead", "open"), ``lit`` (night: lamps on).

Kinds are declared with the :func:`asset` decorator in the category modules (see ``_catalog``):
the decorator wraps the raw builder, which receives a normalised :class:`Params`, so every kind
honours scale, the generic states (:mod:`.states`) and the y = 0 rule the same way.

:func:`lookup` resolves words and phrases: canonical names, synonyms, case, hyphens and
underscores, leading articles and plurals (regular and irregular: shelves, benches, leaves,
people, cacti, torii, ...), trying the whole phrase first and then the phrase's last word.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ..mesh import Part

CATEGORIES = ("architecture", "nature", "urban", "interior", "vehicle", "prop")
PLACEMENTS = ("ground", "wall", "ceiling", "water", "table_top", "shelf", "hanging")


@dataclass(frozen=True)
class AssetKind:
    name: str
    category: str
    size: tuple[float, float, float]
    placement: str
    builder: Callable[[dict, np.random.Generator], list[Part]]
    synonyms: tuple[str, ...] = ()
    indoor: bool = False
    outdoor: bool = True
    emissive: bool = False
    light: tuple[float, float, float] | None = None
    collider: bool = True
    label: str = ""

    @property
    def label_name(self) -> str:
        return self.label or self.name


REGISTRY: dict[str, AssetKind] = {}
#: normalised phrase (canonical name with spaces, or synonym) -> canonical name
_INDEX: dict[str, str] = {}

# ---------------------------------------------------------------------------------------- params
#: params["material"] word -> (Part.material name known to materials.py, default sRGB colour)
MATERIALS: dict[str, tuple[str, tuple[float, float, float]]] = {
    "wood": ("wood", (0.52, 0.36, 0.22)), "wooden": ("wood", (0.52, 0.36, 0.22)), "oak": ("wood", (0.58, 0.42, 0.25)),
    "pine": ("wood", (0.72, 0.56, 0.36)), "bamboo": ("wood", (0.74, 0.68, 0.40)), "plank": ("planks", (0.55, 0.40, 0.25)),
    "stone": ("rock", (0.62, 0.60, 0.56)), "granite": ("rock", (0.55, 0.54, 0.53)), "sandstone": ("rock", (0.80, 0.66, 0.46)),
    "rock": ("rock", (0.50, 0.48, 0.45)), "marble": ("plaster", (0.93, 0.92, 0.89)), "concrete": ("concrete", (0.62, 0.62, 0.60)),
    "brick": ("brick", (0.62, 0.30, 0.22)), "clay": ("plain", (0.72, 0.42, 0.26)), "terracotta": ("plain", (0.76, 0.42, 0.26)),
    "metal": ("metal", (0.55, 0.56, 0.58)), "steel": ("metal", (0.62, 0.64, 0.67)), "iron": ("metal", (0.26, 0.26, 0.28)),
    "gold": ("metal", (0.86, 0.68, 0.24)), "golden": ("metal", (0.86, 0.68, 0.24)), "silver": ("metal", (0.80, 0.80, 0.83)),
    "bronze": ("metal", (0.58, 0.40, 0.20)), "copper": ("metal", (0.72, 0.45, 0.26)), "brass": ("metal", (0.78, 0.64, 0.30)),
    "rusty": ("metal", (0.50, 0.28, 0.16)), "glass": ("glass", (0.62, 0.76, 0.82)), "crystal": ("glass", (0.70, 0.82, 0.95)),
    "ice": ("glass", (0.76, 0.88, 0.96)), "fabric": ("fabric", (0.62, 0.56, 0.50)), "cloth": ("fabric", (0.62, 0.56, 0.50)),
    "velvet": ("fabric", (0.50, 0.10, 0.16)), "wool": ("fabric", (0.82, 0.78, 0.70)), "leather": ("fabric", (0.36, 0.20, 0.12)),
    "plastic": ("paint", (0.82, 0.82, 0.80)), "paper": ("plain", (0.95, 0.92, 0.84)), "straw": ("plain", (0.86, 0.74, 0.42)),
    "wicker": ("wood", (0.72, 0.56, 0.32)), "plaster": ("plaster", (0.88, 0.85, 0.78)), "jade": ("glass", (0.35, 0.65, 0.45)),
    "porcelain": ("paint", (0.95, 0.95, 0.96)), "ceramic": ("paint", (0.90, 0.88, 0.84)), "neon": ("emissive", (1.0, 0.3, 0.8)),
}


@dataclass
class Params:
    """Normalised builder parameters (what every raw builder receives)."""

    color: np.ndarray | None = None
    material: str | None = None
    scale: float = 1.0
    state: frozenset = frozenset()
    lit: bool = False
    raw: dict = field(default_factory=dict)

    def main(self, default_color, default_material: str = "plain") -> tuple[np.ndarray, str]:
        """(colour, Part material) of the main material: params override the kind's default."""
        mat, col = default_material, np.asarray(default_color, dtype=np.float64)
        if self.material is not None and self.material in MATERIALS:
            mat, c = MATERIALS[self.material]
            col = np.asarray(c, dtype=np.float64)
            if mat == "emissive" and not self.lit:
                mat = "paint"
        if self.color is not None:
            col = self.color
        return col, mat

    def col(self, default_color) -> np.ndarray:
        return self.main(default_color)[0]

    def has(self, *words: str) -> bool:
        return any(w in self.state for w in words)


def normalise_params(params: dict | None) -> Params:
    """Validate and normalise a params dict (bad values raise ValidationError-free ValueError)."""
    params = dict(params or {})
    color = params.get("color")
    if color is not None:
        c = np.asarray(color, dtype=np.float64).reshape(-1)
        if c.shape != (3,) or not np.all(np.isfinite(c)):
            raise ValueError(f"params['color'] must be an sRGB triple, got {color!r}")
        color = np.clip(c, 0.0, 1.0)
    mat = params.get("material")
    mat = str(mat).strip().lower() if mat else None
    scale = float(params.get("scale", 1.0) or 1.0)
    if not np.isfinite(scale) or scale <= 0:
        raise ValueError(f"params['scale'] must be a positive number, got {params.get('scale')!r}")
    st = params.get("state") or ()
    if isinstance(st, str):
        st = st.replace(",", " ").split()
    state = frozenset(str(s).strip().lower() for s in st)
    lit = bool(params.get("lit", False)) or bool(state & {"lit", "glowing", "glow", "illuminated", "burning", "on"})
    return Params(color, mat, scale, state, lit, params)


# ---------------------------------------------------------------------------------------- words
_IRREGULAR = {
    "shelves": "shelf", "leaves": "leaf", "loaves": "loaf", "knives": "knife", "wolves": "wolf", "calves": "calf",
    "halves": "half", "scarves": "scarf", "wives": "wife", "lives": "life", "thieves": "thief", "elves": "elf",
    "dwarves": "dwarf", "people": "person", "men": "man", "women": "woman", "children": "child", "feet": "foot",
    "teeth": "tooth", "geese": "goose", "mice": "mouse", "oxen": "ox", "cacti": "cactus", "fungi": "fungus",
    "torii": "torii", "sheep": "sheep", "deer": "deer", "fish": "fish", "bison": "bison", "aircraft": "aircraft",
    "series": "series", "species": "species", "dice": "die", "indices": "index", "vertices": "vertex",
    "bamboo": "bamboo", "bonsai": "bonsai", "koi": "koi", "furniture": "furniture", "ruins": "ruins", "stairs": "stairs",
    "steps": "steps", "lotuses": "lotus", "buses": "bus", "busses": "bus", "gases": "gas",
    "volcanoes": "volcano", "tomatoes": "tomato", "potatoes": "potato", "heroes": "hero", "torpedoes": "torpedo",
    "dominoes": "domino", "echoes": "echo", "cherries": "cherry", "canoes": "canoe", "shoes": "shoe", "hoes": "hoe",
    "oases": "oasis", "crises": "crisis", "axes": "axe", "vases": "vase", "cases": "case", "bases": "base",
    "houses": "house", "horses": "horse", "pies": "pie", "ties": "tie", "dies": "die", "lies": "lie",
    "movies": "movie", "cookies": "cookie", "hippies": "hippie", "zombies": "zombie", "stoves": "stove",
    "cloves": "clove", "groves": "grove", "alcoves": "alcove", "gloves": "glove", "eaves": "eaves",
}


def normalise_phrase(word: str) -> str:
    w = re.sub(r"[_\-/]+", " ", str(word).strip().lower())
    w = re.sub(r"[^a-z0-9' ]+", "", w)
    w = re.sub(r"\s+", " ", w).strip()
    while True:
        w2 = re.sub(r"^(a few|a couple of|a pair of|a|an|the|some|many|several|few|one|two|three|four|five|six|\d+) ", "", w)
        if w2 == w:
            return w
        w = w2


def singulars(word: str) -> list[str]:
    """Candidate singular forms of one (lower-case) word, most likely first; the word itself first."""
    out = [word]
    if word in _IRREGULAR:
        return [word, _IRREGULAR[word]]
    if len(word) <= 3 or not word.endswith("s") or word.endswith("ss") or word.endswith("us") or word.endswith("is"):
        return out
    if word.endswith("ies"):
        out.append(word[:-3] + "y")
    if word.endswith("ves"):
        out += [word[:-3] + "f", word[:-3] + "fe"]
    if re.search(r"(ch|sh|ss|x|z|o|us)es$", word):
        out.append(word[:-2])
    out.append(word[:-1])
    return out


def _phrase_forms(phrase: str) -> list[str]:
    words = phrase.split(" ")
    return [" ".join(words[:-1] + [s]) for s in singulars(words[-1])]


# ---------------------------------------------------------------------------------------- registry
def register(kind: AssetKind) -> AssetKind:
    """Add ``kind`` (raises ValueError on a bad field or a name/synonym already taken by another kind)."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", kind.name):
        raise ValueError(f"asset name must be snake_case, got {kind.name!r}")
    if kind.category not in CATEGORIES:
        raise ValueError(f"{kind.name}: category {kind.category!r} not in {CATEGORIES}")
    if kind.placement not in PLACEMENTS:
        raise ValueError(f"{kind.name}: placement {kind.placement!r} not in {PLACEMENTS}")
    if len(kind.size) != 3 or min(kind.size) <= 0:
        raise ValueError(f"{kind.name}: size must be three positive numbers")
    if kind.name in REGISTRY:
        raise ValueError(f"asset kind {kind.name!r} registered twice")
    phrases = [kind.name.replace("_", " ")] + [normalise_phrase(s) for s in kind.synonyms]
    for ph in phrases:
        owner = _INDEX.get(ph)
        if owner is not None and owner != kind.name:
            raise ValueError(f"{kind.name}: synonym {ph!r} already means {owner!r}")
    REGISTRY[kind.name] = kind
    for ph in phrases:
        _INDEX[ph] = kind.name
    return kind


def get(name: str) -> AssetKind:
    """The kind called ``name`` (canonical); KeyError naming close matches otherwise."""
    if name in REGISTRY:
        return REGISTRY[name]
    close = difflib.get_close_matches(str(name), list(REGISTRY), n=4, cutoff=0.6)
    raise KeyError(f"unknown asset kind {name!r}" + (f"; did you mean {', '.join(close)}?" if close else ""))


def lookup(word: str) -> AssetKind | None:
    """Kind meant by a word or phrase (canonical name, synonym, plural, any case); None if none.

    Tries the whole phrase and its plural-stripped forms, then shorter tails of the phrase
    ("tall wooden bookshelves" -> "bookshelf"), so modifiers in front of a known noun are skipped.
    """
    phrase = normalise_phrase(word)
    if not phrase:
        return None
    words = phrase.split(" ")
    for start in range(len(words)):
        tail = " ".join(words[start:])
        for form in _phrase_forms(tail):
            for cand in (form, form.replace(" ", "")):
                if cand in _INDEX:
                    return REGISTRY[_INDEX[cand]]
    return None


def kinds(category: str | None = None, indoor: bool | None = None, outdoor: bool | None = None) -> list[AssetKind]:
    """Registered kinds (sorted by name), filtered by category and indoor/outdoor when given."""
    out = [k for k in REGISTRY.values() if (category is None or k.category == category)
           and (indoor is None or k.indoor == indoor) and (outdoor is None or k.outdoor == outdoor)]
    return sorted(out, key=lambda k: k.name)


def synonym_index() -> dict[str, str]:
    """Copy of the phrase -> canonical name table (for parsers and docs)."""
    return dict(_INDEX)


def build(name: str, params: dict | None = None, rng: np.random.Generator | int = 0) -> list[Part]:
    """Parts of one instance of kind ``name`` (canonical, or any word :func:`lookup` resolves)."""
    kind = REGISTRY.get(name) or lookup(name)
    if kind is None:
        get(name)  # raises KeyError with suggestions
    if not isinstance(rng, np.random.Generator):
        rng = np.random.default_rng(int(rng) & 0x7FFFFFFFFFFFFFFF)
    return kind.builder(params or {}, rng)


# ---------------------------------------------------------------------------------------- declaring
def _wrap(raw: Callable[[Params, np.random.Generator], list[Part]], category: str) -> Callable[[dict, np.random.Generator], list[Part]]:
    from .states import apply_states

    def builder(params: dict | None, rng: np.random.Generator) -> list[Part]:
        p = normalise_params(params)
        parts = [q for q in raw(p, rng) if len(q.faces)]
        if not parts:
            raise RuntimeError(f"builder {raw.__name__} returned no geometry")
        parts = apply_states(parts, p, category, rng)
        for q in parts:
            q.color = np.clip(q.color, 0.0, 1.0)
        y0 = min(float(q.vertices[:, 1].min()) for q in parts)
        return [q.transformed(translation=(0.0, -y0 * p.scale, 0.0), scale=p.scale) for q in parts]

    builder.__name__ = raw.__name__
    builder.__doc__ = raw.__doc__
    return builder


def asset(name: str, category: str, size, placement: str = "ground", synonyms: str | tuple = (), indoor: bool = False,
          outdoor: bool = True, emissive: bool = False, light=None, collider: bool = True, label: str = ""):
    """Decorator registering a raw builder ``f(p: Params, rng) -> list[Part]`` as kind ``name``.
    ``synonyms`` may be a comma-separated string."""
    if isinstance(synonyms, str):
        synonyms = tuple(s.strip() for s in synonyms.split(",") if s.strip())

    def deco(raw):
        register(AssetKind(name, category, tuple(float(v) for v in size), placement, _wrap(raw, category), tuple(synonyms),
                           indoor, outdoor, emissive, None if light is None else tuple(float(v) for v in light), collider, label))
        return raw

    return deco


from . import _catalog  # noqa: E402,F401  (registers every kind; modules import the names above)
