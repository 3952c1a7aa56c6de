"""``spatial worlds ...``: list, show, import, rename, duplicate, remove and check stored worlds."""

from __future__ import annotations

import json
import sys

from ._store_args import add_store_arg, open_store


def register(sub) -> None:
    p = sub.add_parser("worlds", help="manage the world store (list, show, history, import, check, ...)",
                       description="Manage versioned worlds in the store (SQLite + content-addressed objects; "
                                   "see docs/store.md).")
    ws = p.add_subparsers(dest="worlds_command", metavar="ACTION")

    def cmd(name, help_, func):
        c = ws.add_parser(name, help=help_, description=help_)
        add_store_arg(c)
        c.add_argument("--json", action="store_true", help="print machine-readable JSON")
        c.set_defaults(func=func)
        return c

    cmd("list", "list the worlds in the store", _list)
    c = cmd("show", "details of one world (head, versions, tags, size)", _show)
    c.add_argument("world")
    c = cmd("history", "versions of a world, newest first (who, when, what)", _history)
    c.add_argument("world")
    c.add_argument("--all", action="store_true", help="every version, including branches left by undo + edit")
    c.add_argument("--events", action="store_true", help="the event log (edits, undo, redo, checkout, tags)")
    c = cmd("import", "add a World folder or a splat file to the store", _import)
    c.add_argument("path")
    c.add_argument("--name", help="world name (default: the world's own name)")
    c.add_argument("--author", help="recorded author (default: $SPATIAL_AUTHOR or your login)")
    c = cmd("rename", "rename a world", _rename)
    c.add_argument("world")
    c.add_argument("new_name")
    c = cmd("duplicate", "copy a world (at its head or --version) under a new name", _duplicate)
    c.add_argument("world")
    c.add_argument("new_name")
    c.add_argument("--version", default=None)
    c = cmd("rm", "delete a world and its history", _rm)
    c.add_argument("world")
    c.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    c = cmd("check", "verify every committed version (database + object hashes); exit 1 if dirty", _check)
    c.add_argument("--deep", action="store_true", help="also materialize every world's head")
    c.add_argument("--repair", action="store_true",
                   help="first rewrite deltas an older spatial stored over today's limits (keeps every version)")
    c = cmd("tag", "name a version of a world", _tag)
    c.add_argument("world")
    c.add_argument("tag")
    c.add_argument("version", nargs="?", default=None)
    c = cmd("undo", "move a world's head back one version", _undo)
    c.add_argument("world")
    c = cmd("redo", "re-apply the last undone version", _redo)
    c.add_argument("world")
    c = cmd("compact", "write a snapshot for a world's head now", _compact)
    c.add_argument("world")
    c = cmd("gc", "remove unreferenced objects and temporary files", _gc)
    c.add_argument("--grace", type=float, default=3600.0, help="only remove files older than this many seconds")
    # the store verbs that were top-level commands in 0.1: `spatial worlds edit|checkout|export-version`, with the
    # same arguments; `spatial edit`, `spatial checkout` and `spatial export-version` stay as aliases
    from . import checkout, edit, export_version

    for verb in (edit, checkout, export_version):
        verb.register(ws)
    p.set_defaults(func=lambda a: (p.print_help(), 2)[1])


def _out(args, obj, text: str) -> None:
    print(json.dumps(obj, indent=2) if args.json else text)


def _list(args) -> int:
    with open_store(args) as st:
        infos = st.list()
        rows = [f"{i.name:24s} v{i.head:<5d} {i.versions:5d} versions {i.n_splats:10d} splats  updated {i.updated}"
                for i in infos]
        _out(args, [i.to_dict() for i in infos], "\n".join(rows) if rows else f"(no worlds in {st.path})")
    return 0


def _show(args) -> int:
    with open_store(args) as st:
        i = st.info(args.world)
        text = "\n".join(f"{k:12s} {v}" for k, v in i.to_dict().items())
        _out(args, i.to_dict(), text)
    return 0


def _history(args) -> int:
    with open_store(args) as st:
        if args.events:
            ev = st.events(args.world)
            _out(args, [e.to_dict() for e in ev],
                 "\n".join(f"{e.at}  {e.author:12s} {e.action:9s} v{e.version}  {json.dumps(e.detail) if e.detail else ''}"
                           for e in ev))
            return 0
        hist = st.history(args.world, all_versions=args.all)
        lines = []
        for v in hist:
            mark = "*" if v.is_head else " "
            tags = f" [{', '.join(v.tags)}]" if v.tags else ""
            lines.append(f"{mark} v{v.num:<5d} {v.created}  {v.author:12s} {v.n_splats:9d} splats  {v.describe()}{tags}")
        _out(args, [v.to_dict() for v in hist], "\n".join(lines))
    return 0


def _import(args) -> int:
    with open_store(args) as st:
        h = st.import_world(args.path, name=args.name, author=args.author)
        v = h.version
        _out(args, v.to_dict(), f"imported {args.path} as {v.world!r} (v{v.num}, {v.n_splats} splats, "
                                f"{v.n_faces} collider faces)")
    return 0


def _rename(args) -> int:
    with open_store(args) as st:
        st.rename(args.world, args.new_name)
        _out(args, {"renamed": args.world, "to": args.new_name}, f"renamed {args.world!r} to {args.new_name!r}")
    return 0


def _duplicate(args) -> int:
    with open_store(args) as st:
        h = st.duplicate(args.world, args.new_name, version=args.version)
        _out(args, h.version.to_dict(), f"duplicated {args.world!r} as {args.new_name!r}")
    return 0


def _rm(args) -> int:
    if not args.yes and sys.stdin.isatty():
        if input(f"delete world {args.world!r} and its whole history? [y/N] ").strip().lower() not in ("y", "yes"):
            print("aborted")
            return 1
    with open_store(args) as st:
        st.delete(args.world)
        _out(args, {"deleted": args.world}, f"deleted {args.world!r}")
    return 0


def _check(args) -> int:
    with open_store(args) as st:
        if getattr(args, "repair", False):
            for line in st.repair():
                if not args.json:
                    print(f"repaired {line}")
        r = st.check(deep=args.deep)
        _out(args, r.to_dict(), str(r))
        return 0 if r.clean else 1


def _tag(args) -> int:
    with open_store(args) as st:
        h = st.open(args.world, compact=False)
        v = h.tag(args.tag, args.version)
        _out(args, v.to_dict(), f"tagged v{v.num} of {args.world!r} as {args.tag!r}")
    return 0


def _undo(args) -> int:
    with open_store(args) as st:
        h = st.open(args.world, compact=False)
        v = h.undo()
        _out(args, v.to_dict(), f"{args.world!r} is now at v{v.num}")
    return 0


def _redo(args) -> int:
    with open_store(args) as st:
        h = st.open(args.world, compact=False)
        v = h.redo()
        _out(args, v.to_dict(), f"{args.world!r} is now at v{v.num}")
    return 0


def _compact(args) -> int:
    with open_store(args) as st:
        h = st.open(args.world, compact=False)
        done = h.compact(force=True)
        _out(args, {"snapshot_written": done}, "snapshot written" if done else "head already has a snapshot")
    return 0


def _gc(args) -> int:
    with open_store(args) as st:
        r = st.gc(grace_s=args.grace)
        _out(args, r, ", ".join(f"{k}: {v}" for k, v in r.items()))
    return 0
