"""``spatial convert IN OUT``: convert between splat formats (frames converted at the file boundary)."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("convert", help="convert a splat file to another format",
                       description="Convert a splat file. The input format is detected from its content; the output "
                                   "format comes from OUT's extension (.ply, .compressed.ply, .splat, .spz, .glb, "
                                   ".gltf) or --format. Frames are converted (every file holds its own axis "
                                   "convention), see docs/formats.md.")
    p.add_argument("input", help="splat file to read (3DGS PLY, compressed PLY, .splat, SPZ v1-4, glTF/GLB)")
    p.add_argument("output", help="file to write")
    p.add_argument("--format", choices=("ply", "compressed_ply", "splat", "spz", "gltf"),
                   help="output format name (default: from the extension)")
    p.add_argument("--spz-version", type=int, choices=(2, 3, 4), default=None, help="SPZ version to write (default 3)")
    p.add_argument("--sh-degree", type=int, choices=(0, 1, 2, 3), default=None, help="truncate or pad SH to this degree")
    p.add_argument("--ascii", action="store_true", help="write ASCII PLY instead of binary")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..io.registry import format_for_extension, load, save

    s = load(args.input)
    if args.sh_degree is not None:
        s = s.with_sh_degree(args.sh_degree)
    from ..errors import ValidationError

    opts = {}
    fmt = args.format or getattr(format_for_extension(args.output), "name", None)
    if args.spz_version is not None:
        if fmt != "spz":
            raise ValidationError(f"--spz-version applies to SPZ output, not {fmt or args.output!r}")
        opts["version"] = args.spz_version
    if args.ascii:
        if fmt != "ply":
            raise ValidationError(f"--ascii applies to PLY output, not {fmt or args.output!r}")
        opts["ascii"] = True
    save(s, args.output, format=fmt, **opts)
    print(f"wrote {len(s)} splats (SH degree {s.sh_degree}) to {args.output}")
    return 0
