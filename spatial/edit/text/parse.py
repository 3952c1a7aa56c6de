"""Reading an edit sentence: what to do (intent), to which kind of thing, how many, where, how.

``parse_sentence("put three barrels next to the cart")`` ->
``Intent(action="add", noun="barrels", kind="barrel", count=3, relation="next_to", target="cart")``.

Actions: ``add`` (add, place, put, plant, build, ...), ``remove`` (remove, delete, get rid of, cut
down, ...), ``change`` (make/paint/colour/turn THE X COLOUR|MATERIAL|bigger|smaller, turn the X
on/off), ``style`` (make it night, add fog, make it snow, ...), ``more`` / ``fewer`` (density) and
``unknown``. Nouns resolve through the asset registry (names, synonyms, plurals, multiword);
numbers through the generator's number words; colours through its colour names; materials through
the registry's material words.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

STYLE_TIME = {"night": "night", "nighttime": "night", "midnight": "night", "dark": "night", "evening": "sunset", "sunset": "sunset",
              "dusk": "sunset", "dawn": "dawn", "sunrise": "dawn", "morning": "dawn", "day": "day", "daytime": "day", "noon": "day",
              "midday": "day", "daylight": "day", "sunny": "day", "bright": "day"}
STYLE_WEATHER = {"fog": "fog", "foggy": "fog", "mist": "fog", "misty": "fog", "haze": "fog", "hazy": "fog", "snow": "snow",
                 "snowy": "snow", "snowing": "snow", "winter": "snow", "wintry": "snow", "blizzard": "snow", "overcast": "overcast",
                 "cloudy": "overcast", "grey": "overcast", "gray": "overcast", "gloomy": "overcast", "clear": "clear", "sunny": "clear",
                 "rain": "overcast", "rainy": "overcast", "raining": "overcast", "storm": "overcast", "stormy": "overcast",
                 "drizzle": "overcast"}
ADD_VERBS = ("add", "place", "put", "plant", "build", "spawn", "create", "insert", "drop", "set up", "erect", "install", "grow",
             "make a", "make an", "make some", "give me", "i want", "there should be", "bring", "stick", "position")
REMOVE_VERBS = ("remove", "delete", "get rid of", "take away", "take out", "erase", "destroy", "eliminate", "clear away",
                "cut down", "chop down", "knock down", "demolish", "tear down", "throw away", "hide")
CHANGE_VERBS = ("make", "paint", "color", "colour", "recolor", "recolour", "turn", "change", "dye", "tint", "scale", "resize",
                "enlarge", "grow", "shrink", "switch", "light", "set", "double the size of", "double", "halve the size of", "halve",
                "scale up", "scale down")
#: verbs that are a size change by themselves
SIZE_VERBS = {"shrink": 0.67, "enlarge": 1.5, "grow": 1.5, "double the size of": 2.0, "double": 2.0, "halve the size of": 0.5,
              "halve": 0.5, "scale up": 1.5, "scale down": 0.67}
#: words for "whatever gives light here" (every emissive kind in the world)
LIGHT_WORDS = ("lights", "light", "lighting", "lamps", "lamp", "lanterns", "lantern")
MOVE_VERBS = ("move", "rotate", "push", "pull", "shift", "carry", "swap", "replace", "rename", "open", "close")
BIGGER = {"bigger": 1.5, "larger": 1.5, "taller": 1.4, "huge": 2.0, "huger": 2.0, "enormous": 2.2, "giant": 2.2, "bigger still": 1.5,
          "twice as big": 2.0, "twice as large": 2.0, "twice the size": 2.0, "double the size": 2.0, "double": 2.0, "wider": 1.4,
          "smaller": 0.67, "tiny": 0.5, "tinier": 0.5, "shorter": 0.7, "little": 0.7, "half the size": 0.5, "half as big": 0.5,
          "miniature": 0.4, "thinner": 0.8}
COUNT_PHRASES = {"a dozen": 12, "dozen": 12, "a pair of": 2, "a couple of": 2, "couple of": 2, "a couple": 2, "a few": 3, "few": 3,
                 "some": 3, "several": 4, "many": 8, "lots of": 8, "a lot of": 8, "a bunch of": 5, "loads of": 8, "a row of": 5,
                 "a line of": 5, "a group of": 4, "a cluster of": 4, "plenty of": 8}
#: relation phrase (longest first at match time) -> relation name
RELATIONS = {
    "in front of me": "front_me", "in front of us": "front_me", "ahead of me": "front_me", "before me": "front_me",
    "ahead": "front_me", "here": "front_me", "right here": "front_me", "near me": "front_me", "next to me": "near_me",
    "beside me": "near_me", "by me": "near_me", "behind me": "behind_me", "to my left": "left_me", "on my left": "left_me",
    "to my right": "right_me", "on my right": "right_me", "on the left": "left", "to the left": "left", "at the left": "left",
    "on the right": "right", "to the right": "right", "at the right": "right", "left of": "left_of", "right of": "right_of",
    "to the left of": "left_of", "to the right of": "right_of", "on the left of": "left_of", "on the right of": "right_of",
    "next to": "next_to", "beside": "next_to", "besides": "next_to", "near": "next_to", "nearby": "next_to", "by": "next_to",
    "close to": "next_to", "alongside": "next_to", "around": "around", "surrounding": "around", "encircling": "around",
    "in a circle around": "around", "in front of": "front_of", "behind": "behind", "in back of": "behind",
    "along": "along", "lining": "along", "on both sides of": "along", "on either side of": "along",
    "on top of": "on", "on": "on", "onto": "on", "upon": "on", "in the distance": "far", "far away": "far", "far off": "far",
    "in the middle": "middle", "in the centre": "middle", "in the center": "middle", "at the end of": "far",
    "nearest": "nearest", "closest": "nearest", "farthest": "farthest", "furthest": "farthest",
    "biggest": "biggest", "largest": "biggest", "tallest": "biggest", "smallest": "smallest",
}
PATH_WORDS = ("path", "road", "trail", "street", "walkway", "way", "track", "lane", "avenue", "sidewalk", "pavement")
STOP = {"the", "a", "an", "some", "of", "to", "please", "and", "then", "it", "them", "there", "this", "that", "those", "these", "all",
        "every", "each", "my", "me", "us", "our", "more", "fewer", "less", "into", "in", "with", "at", "can", "you", "could", "would",
        "let", "lets", "let's", "i", "want", "be", "is", "are", "should", "very", "really", "new", "another", "other", "one"}


@dataclass
class Intent:
    action: str = "unknown"  # add remove change style more fewer unknown
    sentence: str = ""
    noun: str | None = None
    asked: str | None = None  # the noun phrase asked for, when the kind used is a nearest match ("cherry trees" -> oak_tree)
    kind: str | None = None  # canonical asset kind
    plural: bool = False
    count: int | None = None
    all: bool = False
    color: tuple | None = None
    color_word: str | None = None
    material: str | None = None
    scale: float | None = None
    lit: bool | None = None
    state: list = field(default_factory=list)
    relation: str | None = None
    target: str | None = None  # noun of the relation's object, or "path"
    target_kind: str | None = None
    qualifier: str | None = None  # left/right/nearest/farthest/biggest/smallest (which one)
    time_of_day: str | None = None
    weather: str | None = None
    problems: list = field(default_factory=list)
    lights: bool = False  # "the lights": every emissive kind in the world

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in (None, [], False) or k == "action"}


def _norm(s: str) -> str:
    s = s.lower().replace("’", "'")
    s = re.sub(r"[^a-z0-9' ,.-]+", " ", s)
    s = re.sub(r"[,.!?;:]+", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def _has(text: str, phrase: str) -> int:
    m = re.search(r"(?<![a-z])" + re.escape(phrase) + r"(?![a-z])", text)
    return m.start() if m else -1


def _starts(text: str, phrases) -> str | None:
    for p in sorted(phrases, key=len, reverse=True):
        if re.match(re.escape(p) + r"(?![a-z])", text):
            return p
    return None


def _number_words() -> dict[str, int]:
    from ...generation.prompt import NUMBER_WORDS

    return dict(NUMBER_WORDS)


def _colors() -> dict:
    from ...generation.spec import COLOR_NAMES

    extra = {"golden": (0.86, 0.68, 0.24), "silver": (0.80, 0.80, 0.83), "navy": (0.08, 0.12, 0.35), "cyan": (0.15, 0.70, 0.80),
             "magenta": (0.80, 0.15, 0.60), "violet": (0.50, 0.30, 0.75), "lime": (0.55, 0.80, 0.20), "turquoise": (0.20, 0.70, 0.65),
             "maroon": (0.45, 0.08, 0.10), "olive": (0.45, 0.45, 0.15), "cream": (0.95, 0.90, 0.78), "tan": (0.78, 0.65, 0.48),
             "gold": (0.86, 0.68, 0.24), "dark": None}
    out = dict(COLOR_NAMES)
    out.update({k: v for k, v in extra.items() if v is not None})
    return out


def _materials() -> dict:
    from ...generation.assets.registry import MATERIALS

    return {k: v for k, v in MATERIALS.items() if k not in ("gold", "golden", "silver", "neon")}


def find_kind(words: list[str]):
    """(kind, start, end) of the longest run of ``words`` the registry resolves to a kind, else None."""
    from ...generation.assets.registry import _INDEX, REGISTRY, _phrase_forms

    best = None
    for n in (4, 3, 2, 1):
        for i in range(0, len(words) - n + 1):
            span = words[i:i + n]
            if span[0] in STOP or span[-1] in STOP:
                continue
            phrase = " ".join(span)
            for form in _phrase_forms(phrase):
                for cand in (form, form.replace(" ", "")):
                    if cand in _INDEX:
                        k = REGISTRY[_INDEX[cand]]
                        if best is None:
                            best = (k, i, i + n)
                        break
                else:
                    continue
                break
        if best is not None:
            return best
    return None


def _kind_by_word_part(words: list[str]):
    """(kind, start, end) of a word that is the last part of kind names ("tower" -> castle_tower), when no
    kind has that name or synonym; the alphabetically first such kind."""
    from ...generation.assets.registry import REGISTRY, singulars

    for i in range(len(words) - 1, -1, -1):
        w = words[i]
        if w in STOP or len(w) < 3:
            continue
        for form in singulars(w):
            hits = sorted(k for k in REGISTRY if k.split("_")[-1] == form)
            if hits:
                return REGISTRY[hits[0]], i, i + 1
    return None


def _is_plural(word: str) -> bool:
    from ...generation.assets.registry import singulars

    s = singulars(word)
    return len(s) > 1 and s[-1] != word


def _count_before(words: list[str], i: int) -> int | None:
    nums = _number_words()
    pre = " ".join(words[max(0, i - 3):i])
    for ph, n in sorted(COUNT_PHRASES.items(), key=lambda kv: -len(kv[0])):
        if pre.endswith(ph):
            return n
    for j in range(i - 1, max(-1, i - 4), -1):
        w = words[j]
        if w.isdigit():
            return int(w)
        if w in nums:
            return int(nums[w])
        if w in ("a", "an", "one", "another", "single"):
            return 1
    return None


def _relation(text: str) -> tuple[str | None, int, int]:
    best = (None, -1, -1)
    text = re.sub(r"\b(on|off|up)$", lambda m: " " * len(m.group(0)), text)  # "turn the lamps on": a switch, not a place
    for ph in sorted(RELATIONS, key=len, reverse=True):
        p = _has(text, ph)
        if p >= 0 and (best[0] is None or p < best[1] or (p == best[1] and len(ph) > best[2] - best[1])):
            if best[0] is not None and p >= best[1]:
                continue
            best = (RELATIONS[ph], p, p + len(ph))
    return best


#: change verbs that also place a thing when the sentence names no change ("set a table by the door")
PLACE_VERBS = ("set", "stand", "light")
_MODAL = r"(?:should|must|needs? to|has to|have to|ought to|could|would|will|shall|can)"
_DET = r"(?:the|that|this|those|these|all the|every|each|my)"
_REPHRASE = (
    # "the campfire should be bigger", "i want the houses blue", "the benches need to be red" -> "make the ... "
    (re.compile(rf"^(?:i want|i'd like|i would like|i need|we want|we need)\s+({_DET}\s+.+)$"),
     r"make \1"),
    (re.compile(rf"^({_DET}\s+.+?)\s+{_MODAL}\s+(?:be|become|get|look|turn|go)\s+(.+)$"),
     r"make \1 \2"),
    (re.compile(rf"^({_DET}\s+.+?)\s+(?:is|are)\s+too\s+(?:small|short|little|tiny)$"), r"make \1 bigger"),
    (re.compile(rf"^({_DET}\s+.+?)\s+(?:is|are)\s+too\s+(?:big|large|tall|huge)$"), r"make \1 smaller"),
    # "take that rug away", "throw the crates out", "clear the rocks away" -> "remove ..."
    (re.compile(r"^(?:take|get|throw|clear|put|cart|haul)\s+(.+?)\s+(?:away|out|out of here|out of the way)$"), r"remove \1"),
    # "let it rain", "start raining", "make it rain": weather words as verbs
    (re.compile(r"^(?:let it|make it|start|start to|begin to|begin)\s+(rain|raining|snow|snowing|drizzle|storm)\b.*$"), r"make it \1"),
    # "i'd like a bench ...", "we need two lamps ...": a wish for a thing is an add
    (re.compile(r"^(?:i'd like|i would like|i need|we need|we want|i'd love|how about|what about|there should be|there needs to be)\s+"
                r"((?:a|an|some|one|two|three|four|five|six|seven|eight|nine|ten|a couple of|a few|several|\d+)\b.*)$"), r"add \1"),
)


def _rephrase(t: str) -> str:
    """Rewrite other ways of saying an edit into the imperative forms read below (one pass, first rule that fits)."""
    for rx, rep in _REPHRASE:
        m = rx.match(t)
        if m:
            return m.expand(rep)
    return t


def _only_style_words(words: list[str]) -> bool:
    """A sentence naming a time of day or weather and no thing ("a rainy evening please", "foggy morning"): a style edit."""
    if not any(w in STYLE_TIME or (w in STYLE_WEATHER and w not in ("grey", "gray", "clear")) for w in words):
        return False
    return find_kind(words) is None and _kind_by_word_part(words) is None


def parse_sentence(sentence: str) -> Intent:
    """Read one edit sentence (see module doc); never raises on words it does not know."""
    if not isinstance(sentence, str):
        return Intent(problems=["the edit must be a sentence"])
    text = _norm(sentence)[:400]
    it = Intent(sentence=text)
    if not text:
        it.problems.append("the sentence is empty")
        return it
    # ---- verb class
    t = re.sub(r"^(please|can you|could you|would you|now|and|then|also|i'd like to|i would like to|i want to|i need to|we need to|we want to|let's|lets)\s+", "", text)
    t = re.sub(r"^(please)\s+", "", t)
    t = _rephrase(t)
    clear_m = re.match(r"^(clear|remove|stop|get rid of|take away|no more|lift)\s+(the\s+)?(fog|mist|haze|snow|snowfall|clouds|rain)\b", t)
    style_m = re.match(r"^(make|turn|set|change|switch)\s+(it|the (world|scene|sky|weather|time|lighting|light))\s+(to\s+|into\s+)?(.*)$", t)
    add_style = re.match(r"^(add|bring|bring in|give it|give me|let it|start|more)\s+(some\s+)?(fog|mist|haze|snow|clouds|snowfall|snowing)\b", t)
    words = t.split()
    verb = None
    if t.startswith(("more ", "add more ", "put more ", "plant more ", "increase the number of ", "increase ")):
        it.action = "more"
    elif t.startswith(("fewer ", "less ", "remove some ", "reduce the number of ", "thin out ", "reduce ", "decrease ", "delete some ")):
        it.action = "fewer"
    elif clear_m or style_m or add_style or re.match(r"^(let it snow|it should be|it's|it is|go to|switch to)\b", t) or \
            re.fullmatch(r"(night|nighttime|day|daytime|sunset|dawn|fog|foggy|snow|snowy|winter|overcast|sunny|clear sky)( time)?", t) or \
            _only_style_words(words):
        it.action = "style"
    else:
        verb = _starts(t, REMOVE_VERBS)
        if verb:
            it.action = "remove"
        else:
            verb = _starts(t, ADD_VERBS)
            if verb and not (verb in ("make a", "make an", "make some") and re.search(r"\b(bigger|smaller|blue|red)\b", t)):
                it.action = "add"
            else:
                v = _starts(t, CHANGE_VERBS)
                if v:
                    it.action, verb = "change", v
                elif _starts(t, MOVE_VERBS):
                    it.action = "unsupported"
                    it.problems.append(f"'{words[0]}' edits (moving, rotating, replacing) are not something I can do from text yet; "
                                       "use the move tool")
    if it.action == "style":
        for w in words:
            if w in STYLE_TIME and it.time_of_day is None and not (w in ("sunny", "bright") and "night" in words):
                it.time_of_day = STYLE_TIME[w]
            if w in STYLE_WEATHER and it.weather is None and w not in ("dark",):
                it.weather = STYLE_WEATHER[w]
        if re.search(r"\b(no|remove|without|stop|clear|lift|get rid of)\b.*\b(fog|mist|haze|snow|clouds|rain)\b|\bclear (the )?(sky|weather)\b", t):
            it.weather = "clear"
        if it.time_of_day == "day" and it.weather is None and "sunny" in words:
            it.weather = "clear"
        if it.weather in ("overcast",) and it.time_of_day is None and "dark" in words:
            it.time_of_day = "night"
        if it.time_of_day is None and it.weather is None:
            it.problems.append("I understood a change of style but not to what (try night, day, sunset, dawn, fog, snow, "
                               "overcast or clear)")
        return it
    # ---- noun, count, relation
    if verb:  # the verb's words are not nouns ("plant cherry trees", "light the lamps")
        t_body = t[len(verb):].strip()
    else:
        t_body = t
    if it.action in ("more", "fewer"):
        t_body = re.sub(r"^(add more|put more|plant more|more|fewer|less|remove some|delete some|reduce the number of|increase the number of|"
                        r"thin out|reduce|decrease|increase)\s+", "", t)
    t = re.sub(r"^(on|off|up|out)\s+", "", t_body)  # "switch on the lamps"
    rel, r0, r1 = _relation(t)
    head = t[:r0] if r0 >= 0 else t
    tail = t[r1:] if r0 >= 0 else ""
    hw = head.split()
    found = find_kind(hw)
    if found is None and rel in ("nearest", "farthest", "biggest", "smallest"):
        found = find_kind(tail.split())
        if found is not None:
            k, i, j = found
            it.qualifier, rel = rel, None
            hw, tail = tail.split(), ""
            found = (k, i, j)
    if found is None and it.action in ("change", "remove") and any(w in LIGHT_WORDS for w in hw):
        it.noun, it.lights = "lights", True
        it.plural = True
        it.all = True
        found = ("lights", 0, 0)
    if found is None:
        found = _kind_by_word_part(hw)
        if found is not None:
            it.asked = " ".join(hw[found[1]:found[2]])
    if found is None:
        it.noun = next((w for w in reversed(hw) if w not in STOP and w not in (verb or "").split()), None)
        it.problems.append(f"I do not know a thing called '{it.noun}'" if it.noun else "I could not find what to change")
        return it
    kind, i, j = found
    if kind == "lights":
        i = j = len(hw)
        kind = None
    else:
        it.kind = kind.name
        it.noun = " ".join(hw[i:j])
    # the whole noun phrase: words right before the kind that are not counts, colours, materials or states
    known = set(_colors()) | set(_materials()) | set(_number_words()) | set(STOP) | set(BIGGER) | {
        "glowing", "lit", "frozen", "snowy", "ruined", "old", "broken", "abandoned", "blooming", "dead", "rusty", "open", "big",
        "large", "small", "tall", "few", "several", "many", "dozen", "pair", "couple", "lots", "bunch", "row", "line", "group"}
    k0 = i
    while k0 > 0 and hw[k0 - 1] not in known and not hw[k0 - 1].isdigit():
        k0 -= 1
    if k0 < i:
        it.asked = " ".join(hw[k0:j])
    if it.lights:
        it.asked = None
    if kind is not None:
        it.plural = _is_plural(hw[j - 1])
    it.count = _count_before(hw, i)
    pre = hw[max(0, i - 3):i]
    it.all = any(w in ("all", "every", "each") for w in pre) or (it.plural and it.count is None)
    # adjectives in front of the noun: colour, material, state
    colors, mats = _colors(), _materials()
    for w in hw[max(0, i - 4):i]:
        if w in colors and it.color is None:
            it.color, it.color_word = tuple(colors[w]), w
        elif w in mats and it.material is None:
            it.material = w
        elif w in ("glowing", "lit", "frozen", "snowy", "ruined", "old", "broken", "abandoned", "blooming", "dead", "rusty", "open"):
            it.state.append(w)
    # ---- relation
    if rel in ("left", "right", "nearest", "farthest", "biggest", "smallest") and it.action != "add":
        it.qualifier = rel
    elif rel is not None:
        it.relation = rel
        tw = tail.split()
        if any(w in PATH_WORDS for w in tw):
            it.target = "path"
        else:
            tk = find_kind(tw)
            if tk is not None:
                it.target_kind = tk[0].name
                it.target = " ".join(tw[tk[1]:tk[2]])
            elif rel in ("next_to", "front_of", "behind", "around", "left_of", "right_of", "on"):
                tgt = next((w for w in tw if w not in STOP), None)
                if tgt in ("water", "lake", "pond", "river", "sea", "shore", "beach"):
                    it.target = "water"
                elif tgt in ("me", "us", "you"):
                    it.relation = {"next_to": "near_me", "front_of": "front_me", "behind": "behind_me"}.get(rel, "near_me")
                else:
                    it.problems.append(f"I do not know what '{tgt}' is, so I cannot place things {rel.replace('_', ' ')} it")
        if rel in ("left", "right") and it.action == "add":
            it.relation = {"left": "left_me", "right": "right_me"}[rel]
    # ---- change details (words after the noun)
    rest = hw[j:] + tail.split()
    if it.action == "change":
        after = " ".join(hw[j:])
        if verb in SIZE_VERBS:
            it.scale = SIZE_VERBS[verb]
        for ph, s in sorted(BIGGER.items(), key=lambda kv: -len(kv[0])):
            if it.scale is None and _has(after, ph) >= 0:
                it.scale = s
                break
        # a colour or material in front of the noun picks the things ("the red car"); after it, it is the change
        it.color = it.color_word = it.material = None
        for w in rest:
            if w in colors and it.color is None:
                it.color, it.color_word = tuple(colors[w]), w
            elif w in mats and it.material is None:
                it.material = w
        on = re.search(r"\b(turn|switch|light|set)\b.*\b(on|up)\b|^light (up )?the\b|\b(lit|glow|glowing|shine)\b", text)
        off = re.search(r"\b(turn|switch)\b.*\boff\b|\b(out|unlit)\b", text)
        if off:
            it.lit = False
        elif on:
            it.lit = True
        if it.scale is None and it.color is None and it.material is None and it.lit is None and verb in PLACE_VERBS \
                and (it.count is not None or it.relation is not None):
            it.action = "add"  # "set two trash cans next to the table", "stand a lamp behind me": a placement
            it.all = False
            it.count = it.count or 1
        elif it.scale is None and it.color is None and it.material is None and it.lit is None:
            it.problems.append(f"I understood a change to the {it.noun} but not what to change (a colour, a material, "
                               "bigger/smaller, on/off)")
    elif it.action == "add":
        for w in rest:
            if w in colors and it.color is None:
                it.color, it.color_word = tuple(colors[w]), w
    return it
