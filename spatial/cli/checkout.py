"""``spatial checkout WORLD VERSION``: make a version (number, vN, tag, head~N) the world's head."""

from __future__ import annotations

import json

from ._store_args import add_store_arg, open_store


def register(sub) -> None:
    p = sub.add_parser("checkout", help="make a stored version the head of its world",
                       description="Make VERSION (a number, 'v12', a tag, or 'head~N') the head of WORLD. Later "
                                   "edits branch from it; newer versions stay in `spatial worlds history --all`.")
    p.add_argument("world")
    p.add_argument("version")
    p.add_argument("--author", help="recorded author")
    p.add_argument("--json", action="store_true")
    add_store_arg(p)
    p.set_defaults(func=run)


def run(args) -> int:
    with open_store(args) as st:
        h = st.open(args.world, compact=False)
        v = h.checkout(args.version, author=args.author)
        print(json.dumps(v.to_dict(), indent=2) if args.json else f"{args.world!r} is now at v{v.num} ({v.n_splats} splats)")
    return 0
