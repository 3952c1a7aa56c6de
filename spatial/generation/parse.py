"""Prompt -> :class:`~spatial.generation.graph.SceneGraph` (the *parse* stage, see docs/generate.md).

Offline and deterministic, no language model; in four steps:

1. **Clauses and chunks.** The normalised prompt is cut at punctuation and at joining words
   ("and", "with", "while", verbs such as "stands") into noun chunks, and relation phrases
   ("in the middle of", "next to", "behind", "on top of", "by the lake", ...) are recognised
   between chunks (longest phrase first).
2. **Nouns -> kinds.** In each chunk the head noun is the longest phrase the asset registry knows
   (canonical names, synonyms, plurals: ``registry.lookup``) that ends the chunk; the words before
   it are its modifiers: the count ("three", "12", "a dozen", "a pair of", "some", "many"), colour,
   material, size and state, bound to that noun only ("a red barn and a white fence"). A head
   noun the registry does not know is matched to the nearest kind by the bundled sentence
   embedding (all-MiniLM-L6-v2, :class:`~spatial.generation.prompt.PromptEmbedder`) or, without it,
   by spelling; the substitution is reported (``graph.substitutions``), and a noun with no sensible
   match is reported in ``graph.skipped``.
3. **Shell and style.** Place nouns pick the shell (``cave``, ``kitchen``, ``courtyard``, ...; the
   legacy lexicon of :mod:`.prompt` for the open biomes, with its terrain knobs: relief, water,
   density, snow); time of day, weather, palette and mood words the style.
4. **Relations** attach to the chunk before the phrase (the subject) and the chunk after it (the
   target: a group, the water, a hill, the path, the walls, the viewer or the shell itself).
"""

from __future__ import annotations

import difflib
import re

from .graph import (MATERIALS, SIZES, SHELL_KINDS, STATES, TERRAIN_KEYS, Relation, SceneGraph, Shell, Style, shell_family)
from .presets import FURNISHING, furnish, registry_kind
from .prompt import PromptEmbedder, normalize_prompt, parse_prompt, prompt_seed
from .spec import COLOR_NAMES, SCENE_TYPES, preset

MAX_PROMPT_CHARS = 2000
#: words before a place word that do not fill it ("a stone courtyard" has no rocks in it)
NOT_FILLERS = frozenset("stone wooden wood brick marble glass metal concrete ice iron steel gold golden rock sand snow grass water "
                        "city town castle japanese zen rock english french roman greek".split())
#: (shell, kind) -> the kind the word means in that place ("stone walls" of a castle courtyard are castle walls)
CONTEXT_KINDS = {("courtyard", "stone_wall"): "castle_wall", ("courtyard", "stone_tower"): "castle_tower",
                 ("courtyard", "gate"): "castle_gate", ("cloister", "stone_wall"): "stone_wall"}
#: cosine an embedding substitution must reach (all-MiniLM-L6-v2 scale)
SUBSTITUTE_THRESHOLD = 0.42
#: a compound's nearest kind is refused when it is this much nearer the modifier than the head noun
MODIFIER_MARGIN = 0.1

# ------------------------------------------------------------------------------------------- lexicon
#: place words -> shell kind (multi-word first). Legacy biome words come from prompt.SCENE_CUES.
SHELL_CUES: dict[str, str] = {
    "cave": "cave", "caves": "cave", "cavern": "cave", "caverns": "cave", "grotto": "cave", "underground cave": "cave", "lair": "cave",
    "tunnel": "tunnel", "tunnels": "tunnel", "underpass": "tunnel", "mine": "mine", "mineshaft": "mine", "mine shaft": "mine",
    "gold mine": "mine", "coal mine": "mine", "mines": "mine",
    "courtyard": "courtyard", "castle courtyard": "courtyard", "bailey": "courtyard", "inner courtyard": "courtyard",
    "castle walls": "courtyard", "castle yard": "courtyard", "cloister": "cloister", "cloisters": "cloister", "monastery": "cloister",
    "abbey": "cloister", "convent": "cloister",
    "street": "city_street", "city street": "city_street", "street canyon": "city_street", "avenue": "city_street",
    "alley": "city_street", "alleyway": "city_street", "downtown": "city_street", "boulevard": "city_street",
    "plaza": "plaza", "piazza": "plaza", "town square": "plaza", "square": "plaza", "market square": "plaza", "marketplace": "plaza",
    "hill": "meadow", "hills": "meadow", "hilltop": "meadow", "hillside": "meadow", "moor": "meadow", "moorland": "meadow",
    "plain": "meadow", "plains": "meadow", "steppe": "meadow", "grassland": "meadow", "island": "beach", "oasis": "desert",
    "garden": "meadow", "zen garden": "meadow", "rock garden": "meadow", "park": "meadow", "orchard": "meadow", "farmland": "meadow",
    "living room": "living_room", "lounge": "living_room", "sitting room": "living_room", "apartment": "living_room",
    "office": "office", "workspace": "office", "cubicles": "office", "meeting room": "office", "conference room": "office",
    "warehouse": "warehouse", "depot": "warehouse", "factory": "warehouse", "storehouse": "warehouse", "hangar": "warehouse",
    "kitchen": "kitchen", "library": "library", "study": "library", "bedroom": "bedroom", "bathroom": "bathroom",
    "washroom": "bathroom", "restroom": "bathroom", "classroom": "classroom", "school": "classroom", "lecture hall": "classroom",
    "restaurant": "restaurant", "diner": "restaurant", "tavern": "restaurant", "pub": "restaurant", "inn": "restaurant",
    "dining room": "restaurant", "cafe": "cafe", "coffee shop": "cafe", "cafeteria": "cafe", "bistro": "cafe", "teahouse": "cafe",
    "tea house": "cafe", "shop": "shop", "store": "shop", "boutique": "shop", "bakery": "shop", "grocery": "shop",
    "grocery store": "shop", "bookstore": "shop", "supermarket": "shop", "pharmacy": "shop",
    "church": "church", "cathedral": "church", "chapel": "church", "temple interior": "church", "basilica": "church",
    "hall": "hall", "great hall": "hall", "ballroom": "hall", "throne room": "hall", "banquet hall": "hall", "palace": "hall",
    "museum": "museum", "gallery": "museum", "art gallery": "museum", "exhibition": "museum", "exhibit hall": "museum",
    "subway station": "subway_station", "subway": "subway_station", "metro station": "subway_station", "metro": "subway_station",
    "underground station": "subway_station", "train station": "subway_station", "station platform": "subway_station",
    "garage": "garage", "workshop": "garage", "car garage": "garage", "attic": "attic", "loft": "attic",
}
#: landscape words that are never objects (they describe the shell or the view)
LANDSCAPE_WORDS = frozenset(
    "scene view place area world land landscape countryside valley valleys ground floor sky skies horizon weather day night morning "
    "evening afternoon dusk dawn sunset sunrise noon midnight light lighting atmosphere mood air wind sun moon stars star clouds cloud "
    "fog mist haze rain snow snowfall storm blizzard season winter summer spring autumn fall middle center centre edge side distance "
    "background foreground front left right top bottom corner interior inside outside surroundings terrain wilderness nature "
    "garden gardens park field fields meadow meadows forest forests woods woodland jungle desert dunes beach coast shore seaside "
    "mountains mountain hills hillside lake pond river sea ocean swamp marsh canyon gorge village hamlet town city island "
    "setting environment space spot room rooms building inside outdoors indoors home way path trail road roads street streets "
    "shade sunlight moonlight glow colors colours color colour style vibe feeling time piece lots plenty bunch group row line "
    "cluster set kind sort type pair couple dozen dozens number handful collection variety campsite camp campground site farm "
    "farmyard ranch town downtown neighborhood neighbourhood district quarter suburb countryside outskirts scenery vista "
    "panorama storm thunderstorm lights aurora northern bloom blossom blossoms "
    # parts of things, not things: "a lighthouse with a red roof"
    "roof roofs window windows door doors chimney chimneys ceiling ceilings walls wall shutters porch balcony facade facades "
    "top tops base bottom side sides edge edges surface surfaces interior exterior entrance exit".split())
STOP_WORDS = frozenset(
    "a an the this that these those my your our their its his her some any every each all of for to from at as is are was were be "
    "been being it they them there here very quite rather really so too also just only even still again which who whom whose where "
    "when while what how into onto over under up down out off about across through between among within without toward towards "
    "against upon per than then like full filled covered made lined dotted scattered standing sitting lying hanging built placed "
    "stands sits lies hangs rises grows grow growing rise flows flowing surrounded seen visible shown has have having had can could "
    "would will should may might must shall do does did not no nor yet but or and with by on in near beside behind next left right "
    "far away around along inside outside middle center centre top front back above below beneath underneath".split())
ADJECTIVES = frozenset(
    "cozy cosy quiet calm peaceful serene beautiful pretty lovely nice small big large huge tiny little tall short long wide narrow "
    "deep shallow high low old new ancient modern medieval gothic victorian rustic japanese chinese french italian english "
    "tropical arctic alpine misty foggy sunny rainy snowy frozen icy dark bright dim lit glowing shiny abandoned ruined broken "
    "empty busy crowded lonely lone wooden stone golden fresh lush green dense thick sparse vast open enclosed underground "
    "hidden secret magical mysterious spooky eerie haunted creepy colourful colorful vibrant warm cold hot dry wet muddy dusty "
    "rusty mossy overgrown wild gentle rolling steep rocky sandy grassy flowery blooming dead bare leafless clean dirty messy "
    "tidy elegant grand majestic humble simple fancy luxurious cheap cute charming romantic futuristic neon zen traditional "
    "classic typical ordinary huge giant massive enormous towering few several many numerous various different other another "
    "white-capped snow-capped snowcapped fluffy soft hard smooth rough round square curved straight twisted crooked distant nearby "
    "entire whole main central little-known famous local public private sunlit moonlit starry cloudless clear hazy gloomy "
    "overcast stormy windy breezy deep fresh freshly heavy light".split())
EXTRA_COLORS: dict[str, tuple[float, float, float]] = {
    "golden": (0.86, 0.68, 0.24), "gold": (0.86, 0.68, 0.24), "silver": (0.78, 0.78, 0.80), "dark": (0.15, 0.14, 0.13),
    "navy": (0.08, 0.12, 0.35), "violet": (0.50, 0.30, 0.70), "lilac": (0.72, 0.60, 0.85), "turquoise": (0.20, 0.70, 0.70),
    "cyan": (0.20, 0.75, 0.85), "magenta": (0.80, 0.15, 0.60), "maroon": (0.45, 0.08, 0.10), "ivory": (0.95, 0.93, 0.85),
    "cream": (0.93, 0.89, 0.78), "tan": (0.76, 0.62, 0.45), "olive": (0.45, 0.45, 0.18), "amber": (0.90, 0.60, 0.10),
    "scarlet": (0.80, 0.10, 0.08), "emerald": (0.10, 0.55, 0.30), "lime": (0.55, 0.80, 0.20), "indigo": (0.25, 0.18, 0.55),
    "bronze": (0.58, 0.40, 0.20), "copper": (0.72, 0.45, 0.26), "rust": (0.55, 0.25, 0.12), "silvery": (0.78, 0.78, 0.80),
}
COLORS = {**COLOR_NAMES, **EXTRA_COLORS}
#: colour words that are materials when they stand before a noun ("gold" statue)
STATE_ALIASES = {"glowing": "glowing", "luminous": "glowing", "shining": "glowing", "illuminated": "lit", "lit": "lit",
                 "lighted": "lit", "burning": "burning", "flickering": "lit", "frozen": "frozen", "icy": "frozen", "snowy": "snowy",
                 "snow covered": "snowy", "snow-covered": "snowy", "ruined": "ruined", "crumbling": "ruined", "broken": "broken",
                 "old": "old", "ancient": "ancient", "abandoned": "abandoned", "derelict": "abandoned", "blooming": "blooming",
                 "flowering": "blooming", "blossoming": "blooming", "dead": "dead", "withered": "dead", "open": "open", "closed": "closed",
                 "rusty": "rusty", "rusted": "rusty", "wet": "wet", "new": "new", "mossy": "mossy", "moss covered": "mossy", "empty": "empty",
                 "full": "full"}
MOOD_CUES = {"cozy": "cozy", "cosy": "cozy", "warm": "cozy", "homely": "cozy", "eerie": "eerie", "spooky": "eerie", "haunted": "eerie",
             "creepy": "eerie", "ominous": "eerie", "serene": "serene", "peaceful": "serene", "calm": "serene", "quiet": "serene",
             "tranquil": "serene", "zen": "serene", "busy": "busy", "bustling": "busy", "crowded": "busy", "abandoned": "abandoned",
             "derelict": "abandoned", "desolate": "abandoned", "romantic": "romantic", "gloomy": "gloomy", "dreary": "gloomy",
             "festive": "festive", "cheerful": "festive"}
NUMBERS = {"one": 1, "single": 1, "lone": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
           "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "twenty": 20, "both": 2, "twin": 2}
#: vague quantities -> (lo, hi)
VAGUE = {"some": (3, 5), "few": (2, 4), "a few": (2, 4), "several": (3, 6), "many": (8, 12), "lots of": (8, 12), "lot of": (8, 12),
         "numerous": (8, 12), "plenty of": (8, 12), "dozens of": (20, 30), "countless": (15, 25), "a couple of": (2, 2), "couple of": (2, 2),
         "a handful of": (3, 5), "handful of": (3, 5), "a row of": (5, 8), "row of": (5, 8), "rows of": (8, 12), "a line of": (5, 8),
         "a group of": (3, 6), "group of": (3, 6), "a cluster of": (3, 6), "cluster of": (3, 6), "a circle of": (6, 8), "a ring of": (6, 8),
         "a field of": (15, 25), "field of": (15, 25), "fields of": (15, 25), "a forest of": (20, 30), "a grove of": (6, 10),
         "a stack of": (3, 5), "a pile of": (3, 6), "a set of": (3, 5), "a bunch of": (3, 6), "rows": (8, 12), "a collection of": (4, 6),
         "an array of": (4, 6), "a variety of": (4, 6), "a number of": (3, 6)}
EXACT_PHRASES = {"a dozen": 12, "dozen": 12, "a pair of": 2, "pair of": 2, "a couple": 2, "a single": 1, "half a dozen": 6,
                 "a half dozen": 6, "a trio of": 3, "trio of": 3}

#: relation phrases (longest first when matching); value: (relation, default target when none follows)
RELATION_PHRASES: dict[str, tuple[str, str]] = {
    "in the middle of": ("middle", "shell"), "in the middle": ("middle", "shell"), "in the center of": ("middle", "shell"),
    "in the centre of": ("middle", "shell"), "in the center": ("middle", "shell"), "in the centre": ("middle", "shell"),
    "at the center of": ("middle", "shell"), "at the centre of": ("middle", "shell"), "at the center": ("middle", "shell"),
    "at the centre": ("middle", "shell"), "in the heart of": ("middle", "shell"), "centered in": ("middle", "shell"),
    "all around": ("around", "viewer"), "all round": ("around", "viewer"), "around": ("around", "viewer"), "surrounding": ("around", "viewer"),
    "encircling": ("around", "viewer"), "circling": ("around", "viewer"), "ringed by": ("around_rev", "viewer"),
    "surrounded by": ("around_rev", "viewer"), "along": ("along", "path"), "alongside": ("along", "path"), "lining": ("along", "path"),
    "lined with": ("along_rev", "path"), "along the side of": ("along", "path"),
    "next to": ("near", "viewer"), "near": ("near", "viewer"), "nearby": ("near", "viewer"), "beside": ("near", "viewer"),
    "besides": ("near", "viewer"), "close to": ("near", "viewer"), "by": ("near", "viewer"), "at the foot of": ("near", "viewer"),
    "under": ("near", "viewer"), "underneath": ("near", "viewer"), "beneath": ("near", "viewer"), "below": ("near", "viewer"),
    "against": ("near", "wall"), "across from": ("near", "viewer"), "opposite": ("near", "viewer"), "facing": ("near", "viewer"),
    "at the edge of": ("near", "viewer"), "on the edge of": ("near", "viewer"), "over": ("near", "viewer"), "across": ("near", "viewer"),
    "above": ("near", "viewer"), "overlooking": ("near", "viewer"), "between": ("near", "viewer"), "among": ("near", "viewer"), "amongst": ("near", "viewer"), "amid": ("near", "viewer"),
    "amidst": ("near", "viewer"), "in between": ("near", "viewer"),
    "behind": ("behind", "viewer"), "in back of": ("behind", "viewer"), "beyond": ("behind", "viewer"),
    "in front of": ("in_front", "viewer"), "before": ("in_front", "viewer"), "ahead of": ("in_front", "viewer"), "ahead": ("in_front", "viewer"),
    "to the left of": ("left_of", "viewer"), "on the left of": ("left_of", "viewer"), "left of": ("left_of", "viewer"),
    "on the left": ("left_of", "viewer"), "to the left": ("left_of", "viewer"), "on the left side of": ("left_of", "viewer"),
    "to the right of": ("right_of", "viewer"), "on the right of": ("right_of", "viewer"), "right of": ("right_of", "viewer"),
    "on the right": ("right_of", "viewer"), "to the right": ("right_of", "viewer"), "on the right side of": ("right_of", "viewer"),
    "on top of": ("on", "viewer"), "on": ("on", "viewer"), "upon": ("on", "viewer"), "atop": ("on", "viewer"),
    "resting on": ("on", "viewer"), "sitting on": ("on", "viewer"), "standing on": ("on", "viewer"),
    "inside": ("inside", "shell"), "within": ("inside", "shell"), "in": ("inside", "shell"), "inside of": ("inside", "shell"),
    "far away": ("far", "viewer"), "far off": ("far", "viewer"), "in the distance": ("far", "viewer"), "far from": ("far", "viewer"),
    "on the horizon": ("far", "viewer"), "in the far distance": ("far", "viewer"), "far": ("far", "viewer"), "distant": ("far", "viewer"),
}
WATER_WORDS = {"lake": "lake", "lakeside": "lake", "lakeshore": "lake", "pond": "pond", "river": "river", "riverbank": "river",
               "stream": "river", "creek": "river", "brook": "river", "sea": "sea", "ocean": "sea", "shore": "sea", "water": "lake",
               "waterfront": "lake", "canal": "river", "bay": "sea", "beach": "sea", "coast": "sea", "seashore": "sea"}
HILL_WORDS = ("hill", "hilltop", "hillside", "hills", "mound", "knoll", "ridge", "cliff top", "clifftop")
PATH_WORDS = ("path", "paths", "road", "road side", "roadside", "trail", "walkway", "street", "streets", "sidewalk", "pavement",
              "track", "lane", "footpath", "way", "aisle", "corridor", "platform edge", "avenue", "promenade", "boardwalk", "tracks")
WALL_WORDS = ("wall", "walls", "far wall", "back wall", "side wall")
VIEWER_WORDS = ("me", "you", "us", "viewer", "the viewer", "camera", "spawn", "the camera", "the spawn")
PRONOUNS = ("it", "them", "this", "that", "one", "each", "one another", "each other")
#: words that end a noun chunk (besides relation phrases and punctuation)
BREAK_WORDS = frozenset("and with while where which that who or but plus featuring including has have having is are stands stand at during "
                        "sits sit lies lie hangs hang grows grow rises rise flows flow as from to into toward towards through for "
                        "face faces overlook overlooks overlooking watch watches border borders line lines cross crosses crossing "
                        "span spans spanning lead leads leading stretch stretches stretching sit sat stood lay leaning leans "
                        "there here where".split())
#: a verb-ish word after which what follows is the chunk's continuation ("filled with", "covered in")
CONTAINERS = ("full of", "filled with", "covered in", "covered with", "dotted with", "lined with", "made of", "made from", "decorated with",
              "littered with", "strewn with", "crowded with", "packed with", "stacked with")


def _words_re(phrases) -> list[list[str]]:
    return sorted((p.split() for p in phrases), key=lambda w: -len(w))


_REL = _words_re(RELATION_PHRASES)
_SHELL = _words_re(SHELL_CUES)
_VAGUE = _words_re(VAGUE)
_EXACT = _words_re(EXACT_PHRASES)


def _match_at(words: list[str], i: int, table: list[list[str]]) -> list[str] | None:
    for p in table:
        if words[i:i + len(p)] == p:
            return p
    return None


# ------------------------------------------------------------------------------------------- nouns
def _index():
    from .assets import registry

    return registry


def _lookup_exact(phrase: str):
    """Registry kind for exactly this phrase (plural forms of its last word allowed), else None."""
    reg = _index()
    idx = reg._INDEX
    words = phrase.split()
    for s in reg.singulars(words[-1]):
        cand = " ".join(words[:-1] + [s])
        for c in (cand, cand.replace(" ", "")):
            if c in idx:
                return reg.REGISTRY[idx[c]]
    return None


class KindMatcher:
    """Nearest asset kind for an unknown noun: sentence embedding when available, spelling otherwise."""

    def __init__(self, use_embedding: "bool | str" = "auto"):
        self.use_embedding = use_embedding
        self._emb = None
        self._names: list[str] = []

    def _embedder(self):
        if self.use_embedding is False:
            return None
        if self._emb is None:
            emb = PromptEmbedder.shared()
            self._emb = emb if emb.available() else False
        return self._emb or None

    @staticmethod
    def _text(k) -> str:
        return k.name.replace("_", " ") + (", " + ", ".join(k.synonyms[:3]) if k.synonyms else "")

    def similarity(self, phrase: str, kind) -> float:
        """Cosine (embedding) or spelling ratio between ``phrase`` and one kind."""
        emb = self._embedder()
        if emb is not None:
            e = emb.embed([phrase, self._text(kind)])
            return float(e[1] @ e[0])
        return max(difflib.SequenceMatcher(None, phrase, n).ratio() for n in [kind.name.replace("_", " "), *kind.synonyms])

    def modifier_driven(self, phrase: str, kind) -> bool:
        """True when ``kind`` matches a compound ``phrase`` ("fire escape") through its modifier ("fire" ->
        campfire) rather than its head noun ("escape"): a compound names a kind of its head, so such a
        match names the wrong thing."""
        words = phrase.split()
        if len(words) < 2:
            return False
        head, modifier = _singular(words[-1]), " ".join(words[:-1])
        names = {t for n in (kind.name, *kind.synonyms) for t in n.replace("_", " ").split()}
        if head in names or words[-1] in names:  # "picnic table" -> picnic_table names its head
            return False
        return self.similarity(modifier, kind) - self.similarity(head, kind) > MODIFIER_MARGIN

    def nearest(self, phrase: str, indoor: bool | None) -> tuple[object | None, float, str]:
        """(kind, score, method) for ``phrase``; kind None when nothing is close enough."""
        reg = _index()
        kinds = [k for k in reg.REGISTRY.values() if indoor is None or (k.indoor if indoor else k.outdoor)] or list(reg.REGISTRY.values())
        emb = self._embedder()
        if emb is not None:
            import torch

            texts = [self._text(k) for k in kinds]
            e = emb.embed([phrase] + texts)
            sims = (e[1:] @ e[0]).tolist()
            j = max(range(len(sims)), key=lambda i: sims[i])
            del torch
            if sims[j] >= SUBSTITUTE_THRESHOLD:
                return kinds[j], float(sims[j]), "embedding"
            return None, float(sims[j]), "embedding"
        names = {k.name.replace("_", " "): k for k in kinds}
        for k in kinds:
            for s in k.synonyms:
                names.setdefault(s, k)
        close = difflib.get_close_matches(phrase, list(names), n=1, cutoff=0.75)
        if close:
            return names[close[0]], difflib.SequenceMatcher(None, phrase, close[0]).ratio(), "spelling"
        return None, 0.0, "spelling"


# ------------------------------------------------------------------------------------------- chunks
class _Chunk:
    def __init__(self, words: list[str], clause: int):
        self.words = words
        self.clause = clause
        self.group = None  # ObjectGroup
        self.special = None  # "water" | "hill" | "path" | "wall" | "viewer" | "shell" | "pronoun"
        self.water = None


def _split(text: str) -> list[tuple[str, object]]:
    """Sequence of ("chunk", words) / ("rel", (relation, default, phrase)) / ("break", None) items."""
    out: list[tuple[str, object]] = []
    clauses = re.split(r"[,.;:!?()\[\]\"]+| - ", text)
    for ci, clause in enumerate(clauses):
        words = normalize_prompt(clause).split()
        cur: list[str] = []
        i = 0
        while i < len(words):
            w = words[i]
            c = _match_at(words, i, _words_re(CONTAINERS))
            if c is not None:
                # "a room full of books": the container continues the chunk as a new chunk without a relation
                if cur:
                    out.append(("chunk", (cur, ci)))
                out.append(("contains", None))
                cur = []
                i += len(c)
                continue
            r = _match_at(words, i, _REL)
            # "on" and "in" are only relations between chunks; "by" before a water word is by_water
            if r is not None and not (r == ["far"] and i + 1 < len(words) and words[i + 1] == "away"):
                rel, default = RELATION_PHRASES[" ".join(r)]
                if cur:
                    out.append(("chunk", (cur, ci)))
                out.append(("rel", (rel, default, " ".join(r))))
                cur = []
                i += len(r)
                continue
            if w == "of":
                # "a pair of", "a field of": quantity words stay in the chunk; "a statue of a horse": what
                # follows "of" only describes the noun before it and is dropped up to the next break
                if _match_at(cur + ["of"], 0, _VAGUE) or _match_at(cur + ["of"], 0, _EXACT) or \
                        any(" ".join(cur[k:] + ["of"]) in VAGUE or " ".join(cur[k:] + ["of"]) in EXACT_PHRASES for k in range(len(cur))):
                    cur.append(w)
                    i += 1
                    continue
                if cur:
                    out.append(("chunk", (cur, ci)))
                    cur = []
                i += 1
                while i < len(words) and words[i] not in BREAK_WORDS and _match_at(words, i, _REL) is None:
                    i += 1
                continue
            if cur and len(w) > 4 and w.endswith(("ing", "ed")) and w not in ADJECTIVES and w not in STATE_ALIASES and \
                    _lookup_exact(cur[-1]) is not None and _lookup_exact(" ".join(cur[-1:] + [w])) is None:
                # "a bridge crossing a river", "a boat tied to the pier": the participle ends the noun chunk
                out.append(("chunk", (cur, ci)))
                out.append(("break", w))
                cur = []
                i += 1
                continue
            if w in BREAK_WORDS:
                if cur:
                    out.append(("chunk", (cur, ci)))
                out.append(("break", w))
                cur = []
                i += 1
                continue
            cur.append(w)
            i += 1
        if cur:
            out.append(("chunk", (cur, ci)))
        out.append(("clause", None))
    return out


def _quantity(words: list[str]) -> tuple[int | None, tuple[int, int] | None, list[str]]:
    """(exact count, range, remaining words) from the chunk's leading quantity words."""
    exact, rng = None, None
    i = 0
    while i < len(words):
        w = words[i]
        e = _match_at(words, i, _EXACT)
        if e is not None:
            exact = EXACT_PHRASES[" ".join(e)]
            i += len(e)
            continue
        v = _match_at(words, i, _VAGUE)
        if v is not None:
            rng = VAGUE[" ".join(v)]
            i += len(v)
            continue
        if w.isdigit():
            exact = min(int(w), 10_000)
            i += 1
            continue
        if w in NUMBERS:
            exact = NUMBERS[w]
            i += 1
            continue
        if w in ("a", "an"):
            exact = 1 if exact is None else exact
            i += 1
            continue
        if w in ("the", "this", "that", "these", "those", "its", "their", "his", "her", "my", "our", "your", "of", "there", "are", "is"):
            i += 1
            continue
        break
    return exact, rng, words[i:]


def _head(words: list[str]):
    """(kind, head phrase, modifier words) - the longest registry phrase ending the chunk."""
    for end in range(len(words), 0, -1):
        if end < len(words) and words[end - 1] not in words[-1:]:
            pass
        for start in range(0, end):
            phrase = " ".join(words[start:end])
            k = _lookup_exact(phrase)
            if k is not None and start < end - 1 and words[start] in COLORS and _lookup_exact(" ".join(words[start + 1:end])) is not None:
                continue  # "red barn": the colour is an attribute of "barn", not part of the name ("stone lantern", "giant mushroom" are names)
            if k is not None and not (start == end - 1 and words[start] in MATERIALS and end < len(words)):
                # a trailing non-noun after the match ("trees tall", "cars parked") is allowed only if it is an
                # adjective, a participle or an adverb
                if end < len(words) and not all(x in ADJECTIVES or x in COLORS or _postmodifier(x) for x in words[end:]):
                    continue
                return k, phrase, words[:start]
    return None, None, words


def _first_chunk_head(words: list[str]) -> str:
    """The words of the prompt's first noun chunk (before any break or relation word)."""
    out = []
    for w in words:
        if w in BREAK_WORDS or w in ("in", "on", "at", "by", "near", "of", "under"):
            break
        if w not in ("a", "an", "the"):
            out.append(w)
    return " ".join(out[-1:])


def _postmodifier(w: str) -> bool:
    return (len(w) > 4 and w.endswith(("ed", "ing", "ly"))) or w in ("everywhere", "nearby", "outside", "inside", "here", "there", "too",
                                                                      "galore", "aplenty", "abound", "around", "about", "overhead")


def _is_attribute(w: str) -> bool:
    return w in COLORS or w in MATERIALS or w in SIZES or w in STATE_ALIASES or w in ("wooden", "golden")


def _attributes(mods: list[str]) -> dict:
    a: dict = {}
    state = []
    j = 0
    while j < len(mods):
        w = mods[j]
        two = " ".join(mods[j:j + 2])
        if two in STATE_ALIASES:
            state.append(STATE_ALIASES[two])
            j += 2
            continue
        if w in ("light", "dark", "pale", "bright", "deep") and j + 1 < len(mods) and mods[j + 1] in COLORS:
            base = COLORS[mods[j + 1]]
            f = {"light": 1.35, "pale": 1.4, "bright": 1.15, "dark": 0.55, "deep": 0.7}[w]
            a["color"] = tuple(min(1.0, c * f) for c in base)
            a["color_name"] = f"{w} {mods[j + 1]}"
            j += 2
            continue
        if w in COLORS and w not in ("gold", "silver", "bronze", "copper") and w not in ("dark",):
            a["color"] = COLORS[w]
            a["color_name"] = w
        elif w in MATERIALS or w in ("gold", "silver", "bronze", "copper", "oak", "pine", "granite", "sandstone", "brass", "iron",
                                     "bamboo", "wicker", "terracotta", "porcelain", "ceramic", "jade", "neon"):
            a["material"] = "wood" if w == "wooden" else w
        elif w in SIZES:
            a["size"] = w
            a["scale"] = SIZES[w]
        elif w in STATE_ALIASES:
            state.append(STATE_ALIASES[w])
        j += 1
    if state:
        a["state"] = sorted(set(state))
    return a


# ------------------------------------------------------------------------------------------- main entry
def parse(prompt: str, seed: int | None = None, use_embedding: "bool | str" = "auto") -> SceneGraph:
    """Read ``prompt`` into a validated :class:`SceneGraph` (never raises on odd text: what could not
    be used is reported in ``skipped`` / ``notes``). Empty prompts raise ValidationError."""
    from ..errors import ValidationError

    if not isinstance(prompt, str) or not prompt.strip():
        raise ValidationError("give a non-empty prompt or a spec")
    notes: list[str] = []
    if len(prompt) > MAX_PROMPT_CHARS:
        notes.append(f"prompt is {len(prompt)} characters; only the first {MAX_PROMPT_CHARS} were read")
        prompt_used = prompt[:MAX_PROMPT_CHARS].rsplit(None, 1)[0]  # never a cut word
    else:
        prompt_used = prompt
    text = normalize_prompt(prompt_used)
    words = text.split()

    # ---- shell: explicit place words beat the legacy biome lexicon
    shell_kind, shell_pos = None, -1
    cues: list[tuple[str, int, bool]] = []  # (shell kind, position, the word is also an asset kind)
    i = 0
    while i < len(words):
        m = _match_at(words, i, _SHELL)
        if m is not None:
            k = SHELL_CUES[" ".join(m)]
            cues.append((k, i, _lookup_exact(" ".join(m)) is not None))
            prev = words[i - 1] if i else ""
            # "mine" after "of" ("a friend of mine") is a pronoun; "store" / "study" as verbs rarely start a chunk
            if not (m == ["mine"] and prev in ("of",)):
                # rooms and enclosures win over open layouts; the first strong cue wins among equals
                rank = {"room": 3, "enclosed": 3, "walled": 2, "urban": 1, "terrain": 0}[shell_family(k)]
                cur = -1 if shell_kind is None else {"room": 3, "enclosed": 3, "walled": 2, "urban": 1, "terrain": 0}[shell_family(shell_kind)]
                if rank > cur:
                    shell_kind, shell_pos = k, i
            i += len(m)
            continue
        i += 1
    if shell_kind is not None and len(cues) > 1:
        # a place word that is also an object ("a village with a church") is the place only when nothing else is
        plain = [c for c in cues if not c[2]]
        if plain and cues[[c[0] for c in cues].index(shell_kind)][2]:
            rank = {"room": 3, "enclosed": 3, "walled": 2, "urban": 1, "terrain": 0}
            shell_kind = max(plain, key=lambda c: (rank[shell_family(c[0])], -c[1]))[0]
    legacy, an = parse_prompt(prompt_used, seed=seed, use_embedding=False)
    if shell_kind is not None and _index().lookup(shell_kind.replace("_", " ")) is not None and \
            sum(1 for c in cues if c[0] == shell_kind) == len(cues) and legacy.scene_type != shell_kind and \
            an.sources.get("scene_type") == "lexicon" and _first_chunk_head(words) != shell_kind.replace("_", " "):
        shell_kind = None  # "a lighthouse with a church": an object, the biome decides the shell
    if shell_kind is None:
        shell_kind = legacy.scene_type
        if an.sources.get("scene_type") == "default" and use_embedding is not False:
            # the lexicon was silent: let the embedding choose among the biomes (legacy behaviour)
            legacy2, an2 = parse_prompt(prompt_used, seed=seed, use_embedding=use_embedding)
            legacy, an = legacy2, an2
            shell_kind = legacy.scene_type
    base = preset(shell_kind if shell_kind in SCENE_TYPES else {"courtyard": "plaza", "cloister": "plaza"}.get(shell_kind, "canyon")
                  if shell_family(shell_kind) != "room" else "office")
    terrain = {}
    if shell_family(shell_kind) in ("terrain", "urban") and legacy.scene_type == shell_kind:
        d = legacy.to_dict()
        terrain = {k: d[k] for k in TERRAIN_KEYS}
    elif shell_family(shell_kind) in ("terrain", "urban"):
        d = preset(shell_kind).to_dict()
        terrain = {k: d[k] for k in TERRAIN_KEYS}
    del base
    if terrain and shell_family(shell_kind) == "terrain":
        wl = set(words)
        if "deep" in wl and any(a == "deep" and b in ("snow", "fresh", "powder", "water", "valley", "blue") for a, b in zip(words, words[1:])) \
                and not (wl & {"dense", "thick", "lush", "overgrown", "jungle"}):
            terrain["vegetation_density"] = preset(shell_kind).vegetation_density  # "deep snow" is not a deep forest
        if wl & {"valley", "peaks", "peak", "vista", "panorama", "view", "views", "summits", "range"}:
            # a view asked for: open ground around the spawn so the far terrain shows
            terrain["vegetation_density"] = min(float(terrain.get("vegetation_density", 0.3)), 0.1)
    # (the legacy reader's facade colour belongs to the coloured noun's group now)
    style = Style(legacy.time_of_day, legacy.weather, {k: v for k, v in legacy.palette.items() if k != "facade"}, "neutral")
    if shell_family(shell_kind) in ("room", "enclosed") and an.sources.get("time_of_day") != "lexicon":
        style.time_of_day = "day"
    if shell_family(shell_kind) in ("room", "enclosed"):
        style.weather = "clear" if style.weather == "snow" else style.weather
    for w in words:
        if w in MOOD_CUES:
            style.mood = MOOD_CUES[w]
            break
    graph = SceneGraph(Shell(shell_kind, terrain), [], [], style, prompt_seed(prompt) if seed is None else int(seed), prompt)
    graph.notes = notes
    if an.sources.get("scene_type") == "embedding":
        graph.notes.append(f"shell {shell_kind} chosen by the text embedding (no place word recognised)")

    # ---- chunks -> groups and relations
    matcher = KindMatcher(use_embedding)
    items = _split(prompt_used)
    chunks: list[_Chunk] = []
    seq: list = []
    for kind, val in items:
        if kind == "chunk":
            ch = _Chunk(val[0], val[1])
            chunks.append(ch)
            seq.append(ch)
        else:
            seq.append((kind, val))
    indoor = shell_family(shell_kind) in ("room", "enclosed")
    groups_by_key: dict = {}
    for ch in chunks:
        _resolve_chunk(ch, graph, matcher, indoor, groups_by_key)

    # ---- relations: (subject chunk) rel (target chunk)
    last_group = None
    clause_groups: list = []
    for idx, it in enumerate(seq):
        if isinstance(it, _Chunk):
            if it.group is not None:
                last_group = it.group
                clause_groups.append(it.group)
            continue
        kind, val = it
        if kind == "clause":
            clause_groups = []
            continue
        if kind != "rel":
            continue
        rel, default, phrase = val
        # target: the next chunk (before the clause ends)
        nxt = seq[idx + 1] if idx + 1 < len(seq) else None
        tgt_chunk = nxt if isinstance(nxt, _Chunk) else None
        subj = None
        prev = seq[idx - 1] if idx > 0 else None
        if isinstance(prev, _Chunk) and prev.group is not None:
            subj = prev.group
        elif isinstance(prev, _Chunk) and prev.special in ("shell",):
            subj = None
        if subj is None and tgt_chunk is not None and tgt_chunk.group is not None and rel in ("on", "inside", "near", "far"):
            # "on the table, a vase": the subject follows the target
            continue
        if subj is None:
            # no group right before the phrase ("a lighthouse with a red roof by the sea"): the clause's last group
            if isinstance(prev, _Chunk) and prev.special in (None, "shell") and clause_groups:
                subj = clause_groups[-1]
            else:
                subj = last_group if last_group is not None and prev is not None and not isinstance(prev, _Chunk) else None
        if subj is None:
            continue
        target = default
        if tgt_chunk is not None:
            if tgt_chunk.group is not None:
                target = tgt_chunk.group.id
            elif tgt_chunk.special == "pronoun":
                # "it": the last other group of the clause, else the prompt's first group (its topic)
                before = graph.groups[:graph.groups.index(subj)] if subj in graph.groups else []
                inside = [g for g in clause_groups if g is not subj]
                prior = [g for g in before if g.named]
                target = inside[-1].id if inside else (prior[0].id if prior else default)
            elif tgt_chunk.special is not None:
                target = tgt_chunk.special
        if rel in ("around_rev", "along_rev"):
            # "a lake surrounded by trees": the target chunk's group is the real subject
            if tgt_chunk is not None and tgt_chunk.group is not None:
                real = tgt_chunk.group
                graph.relations.append(Relation(rel[:-4], real.id, subj.id, phrase))
            continue
        if target == "water":
            # "on the lake" / "in the pond" / "along the river": at the water (water kinds float on it anyway)
            rel = "by_water" if rel in ("near", "along", "inside", "on", "middle") else rel
        if target == "hill":
            rel = "on_hill" if rel in ("on", "inside", "near") else rel
        if rel == "on" and target in ("viewer", "shell", "path", "wall"):
            # "on the ground / on the floor / on the path"
            rel, target = ("along", "path") if target == "path" else (None, None)
        if target == "shell" and rel not in ("middle", "inside", "around"):
            rel = None  # "under a blue sky", "near the village": the shell is everywhere
        if rel == "inside" and target in ("shell", "viewer", "path", "wall"):
            rel = None  # "a well in the courtyard": the shell already holds it
        if rel == "far" and target not in ("viewer", "shell"):
            rel, target = "far", "viewer"
        if rel == "middle" and target == "viewer":
            target = "shell"
        if rel is None:
            continue
        if target == subj.id:
            continue
        if any(r.subject == subj.id and r.relation == rel and r.target == target for r in graph.relations):
            continue
        graph.relations.append(Relation(rel, subj.id, target, phrase))

    # ---- shell adjustments the relations need
    t = graph.shell.terrain
    if any(r.target == "water" for r in graph.relations) and graph.shell.family == "terrain":
        if t.get("water", "none") == "none":
            water = next((c.water for c in chunks if c.water), "lake")
            t["water"] = "pond" if water == "pond" else ("river" if water == "river" else ("sea" if water == "sea" and shell_kind == "beach" else "lake"))
    if any(r.relation == "on_hill" for r in graph.relations) and graph.shell.family != "terrain":
        graph.notes.append("'on a hill' needs open terrain; the hill relation was dropped")
        graph.relations = [r for r in graph.relations if r.relation != "on_hill"]
    if graph.shell.family != "terrain":
        dropped = [r for r in graph.relations if r.relation == "by_water"]
        if dropped:
            graph.relations = [r for r in graph.relations if r.relation != "by_water"]
            graph.notes.append("no open water in this shell: 'by the water' placed the objects near the spawn instead")
    # exact tree counts replace the biome's scattered trees
    for g in graph.groups:
        if g.named and g.count_range is None and g.kind.endswith("tree") and graph.shell.family == "terrain":
            t.setdefault("counts", {})["trees"] = 0
    # named kinds the shell furnishes anyway take the furnishing's count and place when the prompt gave none
    furn = {(registry_kind(p).name if registry_kind(p) else None): (c, r) for p, c, r in FURNISHING.get(shell_kind, [])}
    for g in graph.groups:
        if g.kind in furn and g.count_range is not None:
            c, r = furn[g.kind]
            g.count, g.count_range = max(c, g.count), None
            if r == "wall" and not graph.relations_of(g.id):
                graph.relations.append(Relation("along", g.id, "wall", "(shell)"))
    furnish(graph)
    if not [g for g in graph.groups if g.named] and graph.skipped and not any(s.get("asked") for s in graph.substitutions):
        graph.notes.append("no object in the prompt could be matched; built the shell alone")
    return graph.validate()


def spec_from_prompt(prompt: str, seed: int | None = None, use_embedding: "bool | str" = "auto") -> dict:
    """The scene graph of ``prompt`` as a JSON-ready dict (what ``--print-spec`` prints; the app's
    "Fill scene spec from prompt" button shows it for editing)."""
    return parse(prompt, seed=seed, use_embedding=use_embedding).to_dict()


def _resolve_chunk(ch: _Chunk, graph: SceneGraph, matcher: KindMatcher, indoor: bool, groups_by_key: dict) -> None:
    exact, rng_count, rest = _quantity(ch.words)
    # trailing descriptions move in front of the noun: "a crystal cavern glowing purple", "cars parked"
    k = len(rest)
    while k > 1 and (rest[k - 1] in ADJECTIVES or rest[k - 1] in COLORS or _postmodifier(rest[k - 1])) and rest[k - 1] not in LANDSCAPE_WORDS:
        k -= 1
    if k < len(rest) and _lookup_exact(" ".join(rest)) is None:
        rest = rest[k:] + rest[:k]
    if not rest:
        return
    phrase = " ".join(rest)
    # special targets
    if phrase in PRONOUNS or rest[-1] in PRONOUNS and len(rest) == 1:
        ch.special = "pronoun"
        return
    if phrase in VIEWER_WORDS or rest[-1] in ("me", "us", "you", "viewer", "camera"):
        ch.special = "viewer"
        return
    last = rest[-1]
    if last in WATER_WORDS and _lookup_exact(phrase) is None or phrase in WATER_WORDS:
        ch.special, ch.water = "water", WATER_WORDS.get(last, "lake")
        return
    if last in HILL_WORDS or phrase in HILL_WORDS:
        ch.special = "hill"
        return
    if phrase in PATH_WORDS or last in PATH_WORDS and _lookup_exact(phrase) is None:
        ch.special = "path"
        return
    if last in WALL_WORDS and (indoor or graph.shell.family in ("walled", "room")) and _lookup_exact(phrase) is None:
        ch.special = "wall"
        return
    kind, head, mods = _head(rest)
    shell_words = " ".join(rest)
    if kind is None or (head in SHELL_CUES and SHELL_CUES[head] == graph.shell.kind and kind.name not in {"fountain"}):
        if any(" ".join(rest[s:]) in SHELL_CUES for s in range(len(rest))) or last in LANDSCAPE_WORDS or last in ADJECTIVES:
            ch.special = "shell"
            # a thing named before the place word fills the place: "a crystal cavern", "a sunflower field", "a mushroom forest"
            mods = [w for w in rest[:-1] if w not in ADJECTIVES and w not in COLORS and w not in NOT_FILLERS and not w.isdigit()]
            if " ".join(rest[-2:]) in SHELL_CUES or " ".join(rest[-3:]) in SHELL_CUES or \
                    last in ("forest", "forests", "woods", "woodland", "jungle", "wood"):
                mods = []  # "a subway station" names the place; a pine forest's trees are the biome's own
            k2 = _lookup_exact(mods[-1]) if mods and len(mods[-1]) > 2 else None
            if k2 is not None and (graph.shell.indoor or k2.category == "nature"):
                key = (k2.name, "filler-of-place")
                if key not in groups_by_key:
                    import numpy as np

                    r = np.random.default_rng([graph.seed & 0xFFFFFFFF, len(graph.groups)])
                    grp = graph.add_group(k2.name, int(r.integers(6, 11)), f"{mods[-1]} {last}", named=True, **_attributes(rest[:-1]))
                    grp.count_range = (6, 10)
                    groups_by_key[key] = grp
                ch.group = groups_by_key[key]
            return
        if kind is None:
            # an unknown noun: nearest kind or skipped
            cand = [w for w in rest if w not in STOP_WORDS and w not in ADJECTIVES and w not in COLORS and w not in MATERIALS
                    and w not in STATE_ALIASES and w not in SIZES and not w.isdigit()]
            if not cand or cand[-1] in LANDSCAPE_WORDS or cand[-1] in MOOD_CUES:
                return
            noun = " ".join(cand[-2:]) if len(cand) >= 2 else cand[-1]
            if len(noun) < 3:
                return
            k, score, method = matcher.nearest(noun, None if graph.shell.family != "room" else True)
            if k is None:
                graph.skipped.append({"asked": noun, "reason": f"no asset kind is close enough (best {method} score {score:.2f})"})
                return
            if matcher.modifier_driven(noun, k):
                graph.skipped.append({"asked": noun, "reason": f"the nearest kind ({k.name}) matches '{' '.join(noun.split()[:-1])}', "
                                                                f"not '{noun.split()[-1]}'"})
                return
            graph.substitutions.append({"asked": noun, "used": k.name, "method": method, "score": round(score, 3)})
            kind, head, mods = k, noun, [w for w in rest if w not in cand]
    del shell_words
    ctx = CONTEXT_KINDS.get((graph.shell.kind, kind.name))
    if ctx is not None and _index().REGISTRY.get(ctx) is not None:
        kind = _index().REGISTRY[ctx]
    # unknown words right before the head form a compound ("cherry trees", "koi pond", "reading lamps"):
    # the compound is the asked noun; the nearest kind to it wins over the bare head when it is close
    unknown = []
    for w in reversed(mods):
        if w in STOP_WORDS or w in ADJECTIVES or w in COLORS or w in MATERIALS or w in STATE_ALIASES or w in SIZES or w.isdigit() \
                or w in MOOD_CUES or w in NUMBERS or w in LANDSCAPE_WORDS or _lookup_exact(w) is not None:
            break
        unknown.insert(0, w)
    if unknown and _lookup_exact(" ".join(unknown + head.split())) is None:
        compound = " ".join(unknown[-1:] + [_singular(x) for x in head.split()])
        k2, score, method = matcher.nearest(compound, None if graph.shell.family != "room" else True)
        # the head noun's own kind wins unless the compound is clearly nearer something else
        if k2 is not None and k2.name != kind.name and matcher.similarity(compound, kind) >= score - 0.05:
            k2, score, method = kind, matcher.similarity(compound, kind), method
        used = k2 if k2 is not None else kind
        graph.substitutions.append({"asked": compound, "used": used.name, "method": method if k2 is not None else "head noun",
                                    "score": round(score, 3)})
        kind, mods = used, mods[:len(mods) - len(unknown)]
    attrs = _attributes(mods)
    plural = head.split()[-1] != _singular(head.split()[-1])
    if exact is None and rng_count is None:
        if plural:
            rng_count = (3, 5)
        else:
            exact = 1
    if exact is not None and exact > 60:
        graph.notes.append(f"{exact} {head}: at most 60 of one kind are placed")
        exact = 60
    key = (kind.name, _singular(head.split()[-1]), attrs.get("color_name"), attrs.get("material"), attrs.get("size"),
           tuple(attrs.get("state", ())))
    definite = ch.words[0] in ("the", "this", "that", "these", "those", "its", "their")
    if key in groups_by_key:
        g = groups_by_key[key]
        if definite or (exact is None and rng_count is None):
            ch.group = g
            return
        if exact is not None and g.count_range is None and exact != g.count:
            graph.notes.append(f"contradictory counts for {head}: {g.count} and {exact}; kept {g.count}")
            ch.group = g
            return
        if exact is not None and g.count_range is not None:
            g.count, g.count_range = exact, None
            ch.group = g
            return
        ch.group = g
        return
    if definite and exact in (None, 1) and rng_count is None:
        # "the well" referring back to a group of the same kind with other attributes
        prior = [g for g in graph.groups if g.kind == kind.name and g.named]
        if prior and not attrs:
            ch.group = prior[-1]
            return
    if rng_count is not None:
        lo, hi = rng_count
        import numpy as np

        r = np.random.default_rng([graph.seed & 0xFFFFFFFF, len(graph.groups)])
        count = int(r.integers(lo, hi + 1))
    else:
        count = int(exact)
    g = graph.add_group(kind.name, count, head, named=True, **attrs)
    g.count_range = rng_count
    groups_by_key[key] = g
    ch.group = g


def _singular(word: str) -> str:
    reg = _index()
    s = reg.singulars(word)
    return s[-1] if len(s) > 1 and word not in ("glass", "grass", "moss", "cactus", "bus", "gas", "ruins", "stairs", "steps",
                                                  "koi", "sheep", "deer", "fish", "bamboo", "reeds", "rails", "tracks") else word


__all__ = ["parse", "spec_from_prompt", "KindMatcher", "SHELL_CUES", "RELATION_PHRASES", "SHELL_KINDS", "STATES"]
