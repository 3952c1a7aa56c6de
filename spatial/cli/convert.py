"""``spatial convert IN OUT``: convert between splat formats (frames converted at the file boundary)."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("convert", help="convert a splat file to another format",
                       description="Convert a splat file. The output format comes from OUT's extension "
                                   "(.ply, .splat, .spz, .glb, .gltf) or --format.")
    p.add_argument("input")
    p.add_argument("output")
    p.add_argument("--format", help="output format name (default: from the extension)")
    p.add_argument("--spz-version", type=int, choices=(2, 3, 4), default=None, help="SPZ version to write (default 3)")
    p.add_argument("--sh-degree", type=int, choices=(0, 1, 2, 3), default=None, help="truncate or pad SH to this degree")
    p.add_argument("--ascii", action="store_true", help="write ASCII PLY instead of binary")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..io.registry import format_for_extension, load, save

    s = load(args.input)
    if args.sh_degree is not None:
        s = s.with_sh_degree(args.sh_degree)
    opts = {}
    fmt = args.format or getattr(format_for_extension(args.output), "name", None)
    if args.spz_version is not None:
        opts["version"] = args.spz_version
    if args.ascii:
        opts["ascii"] = True
    save(s, args.output, format=fmt, **opts)
    print(f"wrote {len(s)} splats (SH degree {s.sh_degree}) to {args.output}")
    return 0
