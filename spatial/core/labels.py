"""Semantic label ids shared by generators, edits, exports and renders.

Per-splat ``labels`` are int32 ids; a World carries the legend (id -> name). These are the
default ids every built-in generator uses; worlds may add their own above 63.
"""

DEFAULT_LEGEND: dict[int, str] = {
    0: "unlabeled",
    1: "ground",
    2: "water",
    3: "vegetation",
    4: "rock",
    5: "building",
    6: "furniture",
    7: "sky",
    8: "road",
    9: "wall",
    10: "floor",
    11: "ceiling",
    12: "object",
    13: "particles",
}

LABEL_IDS: dict[str, int] = {v: k for k, v in DEFAULT_LEGEND.items()}


def label_id(name: str) -> int:
    """Id of a default label name; raises KeyError for unknown names."""
    return LABEL_IDS[name]
