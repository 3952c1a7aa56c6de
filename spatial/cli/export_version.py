"""``spatial export-version WORLD VERSION -o FOLDER``: write a stored version as a World folder."""

from __future__ import annotations


def register(sub) -> None:
    from ._store_args import add_store_arg

    p = sub.add_parser("export-version", help="write a stored version of a world as a World folder",
                       description="Materialize VERSION ('head', a number, 'v12', a tag) of WORLD and write it as a "
                                   "World folder (world.json, splats, collider.glb, preview.png).")
    p.add_argument("world")
    p.add_argument("version")
    p.add_argument("-o", "--output", required=True, help="output World folder (replaced atomically)")
    p.add_argument("--format", choices=("ply", "spz", "glb"), default="ply", help="splat file format (default ply)")
    add_store_arg(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from ._store_args import open_store

    with open_store(args) as st:
        out = st.export(args.world, args.output, version=args.version, splat_format=args.format)
        print(f"wrote {args.world!r} version {args.version} to {out}")
    return 0
