"""``spatial expand WORLD --side north|south|east|west|all [--prompt ...]``: grow a stored world (one version)."""

from __future__ import annotations

import json
import sys

from ._store_args import add_store_arg, open_store


def register(sub) -> None:
    p = sub.add_parser("expand", help="grow a stored world past its edge (a tile outdoors, a room indoors)",
                       description="Outdoor worlds gain the next tile on SIDE (north = -Z, south = +Z, east = +X, west = -X) "
                                   "with terrain continuous across the seam and the same biome (or the one --prompt names); "
                                   "interiors gain an adjoining room through a door. Each expansion is one version "
                                   "(spatial worlds undo takes it back). See docs/edits.md.")
    p.add_argument("world")
    p.add_argument("--side", default="north", choices=["north", "south", "east", "west", "all"])
    p.add_argument("--prompt", help="what the new part is like (a biome, e.g. 'a snowy pine forest'; indoors a room kind, e.g. "
                   "'a kitchen'); default: the same as the world")
    p.add_argument("--author", help="recorded author (default: $SPATIAL_AUTHOR or your login)")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")
    add_store_arg(p)
    p.set_defaults(func=run)


def run(args) -> int:
    import time

    from ..store import ConflictError

    op = {"op": "expand", "side": args.side}
    if args.prompt:
        op["prompt"] = args.prompt
    with open_store(args) as st:
        h = st.open(args.world, compact=False)
        t0 = time.perf_counter()
        try:
            c = h.apply(op, author=args.author)
        except ConflictError as e:
            print(f"spatial expand: conflict: {e}", file=sys.stderr)
            return 3
        dt = time.perf_counter() - t0
        h.close()
        if args.json:
            print(json.dumps({**c.to_dict(), "seconds": round(dt, 3)}, indent=2))
        else:
            print(f"v{c.version.num}: {c.version.describe()} ({dt:.1f} s)")
    return 0
