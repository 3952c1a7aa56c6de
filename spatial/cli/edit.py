"""``spatial edit WORLD OPS.json``: apply edit operations to a stored world (one version per op)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ._store_args import add_store_arg, open_store

MAX_OPS_FILE_BYTES = 64 * 1024 * 1024


def register(sub) -> None:
    p = sub.add_parser("edit", help="apply edit operations (JSON) to a stored world",
                       description="Apply edit ops from a JSON file (one op, a list, or {\"ops\": [...]}; '-' reads "
                                   "stdin) to WORLD in the store. Each op becomes a version; the whole file is all "
                                   "or nothing. Schema: docs/edits.md.")
    p.add_argument("world")
    p.add_argument("ops", nargs="?", help="ops JSON file, or '-' for stdin (or give --text)")
    p.add_argument("--text", help="an edit sentence instead of an ops file (\"add a well in front of me\", \"make it night\"); "
                                  "it becomes one op (printed), or is refused with the reason and nothing changes")
    p.add_argument("--at", help="X,Y,Z: where the viewer stands for --text (default: the spawn)")
    p.add_argument("--facing", type=float, help="the viewer's yaw in degrees for --text (0 looks along -Z; default: the spawn's)")
    p.add_argument("--parent", default=None, help="version the edits are based on (default: the head); if the head "
                                                  "moved since, a single op is merged when it touches other splats")
    p.add_argument("--author", help="recorded author (default: $SPATIAL_AUTHOR or your login)")
    p.add_argument("--dry-run", action="store_true", help="validate and compute the edits, commit nothing")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")
    add_store_arg(p)
    p.set_defaults(func=run)


def _at(v):
    from ..errors import ValidationError

    if v is None:
        return None
    try:
        xs = [float(x) for x in v.split(",")]
    except ValueError:
        xs = []
    if len(xs) != 3:
        raise ValidationError(f"--at must be X,Y,Z, got {v!r}")
    return xs


def run_text(args) -> int:
    from ..edit.text import plan_text
    from ..store import ConflictError

    at = _at(args.at)
    with open_store(args) as st:
        h = st.open(args.world, version=args.parent, compact=False)
        tp = plan_text(h.state, args.text, at=at, facing=args.facing)
        if not tp.ok or args.dry_run:
            print(json.dumps(tp.to_dict(), indent=2) if args.json else tp.answer + ("" if not tp.ok else f"\nop: {json.dumps(tp.op)}"))
            return 0 if tp.ok else 2
        try:
            c = h.apply(tp.op, author=args.author)
        except ConflictError as e:
            print(f"spatial edit: conflict: {e}", file=sys.stderr)
            return 3
        h.close()
        if args.json:
            print(json.dumps({**tp.to_dict(), "commit": c.to_dict()}, indent=2))
        else:
            print(f"{tp.answer}\nop: {json.dumps(tp.op)}\nv{c.version.num}: {c.version.describe()}")
    return 0


def run(args) -> int:
    from ..edit import parse_ops
    from ..errors import ValidationError
    from ..store import ConflictError

    if args.text is not None:
        if args.ops is not None:
            raise ValidationError("give an ops file or --text, not both")
        return run_text(args)
    if args.ops is None:
        raise ValidationError("give an ops file (or '-' for stdin) or --text SENTENCE")

    if args.ops == "-":
        text = sys.stdin.read(MAX_OPS_FILE_BYTES + 1)
    else:
        path = Path(args.ops)
        if not path.is_file():
            raise ValidationError(f"{path}: no such ops file")
        if path.stat().st_size > MAX_OPS_FILE_BYTES:
            raise ValidationError(f"{path}: ops file is over {MAX_OPS_FILE_BYTES} bytes")
        text = path.read_text()
    ops = parse_ops(text)
    with open_store(args) as st:
        h = st.open(args.world, version=args.parent, compact=False)
        if args.dry_run:
            from ..edit.ops import EditContext, compute_delta

            state = h.state.share()
            ctx = EditContext(asset_roots=st.asset_roots, resolve_world=h._resolve_source)
            out = []
            for o in ops:
                d = compute_delta(state, o, ctx)
                d.apply_inplace(state, keep_inverse=False)
                out.append(d.summary())
            print(json.dumps(out, indent=2) if args.json else "\n".join(f"ok: {o['op']}: {s}" for o, s in zip(ops, out)))
            return 0
        try:
            commits = h.apply_many(ops, author=args.author) if len(ops) > 1 else [h.apply(ops[0], author=args.author)]
        except ConflictError as e:
            print(f"spatial edit: conflict: {e}", file=sys.stderr)
            return 3
        h.close()
        if args.json:
            print(json.dumps([c.to_dict() for c in commits], indent=2))
        else:
            for c in commits:
                merged = f" (merged over v{', v'.join(map(str, c.merged_over))})" if c.merged else ""
                print(f"v{c.version.num}: {c.version.describe()}{merged}")
    return 0
