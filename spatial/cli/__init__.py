"""The ``spatial`` command line: thin wrappers over the Python API.

Each subcommand lives in its own module under ``spatial/cli/`` and exposes
``register(subparsers)`` which adds its parser and sets ``func`` (args -> exit code).
Modules are discovered automatically; :data:`COMMAND_MODULES` only fixes the help order.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from ..errors import SpatialError

#: Preferred order in ``spatial --help``; every other module in this package with a ``register``
#: function is added after these, alphabetically (so a new command needs no edit here).
COMMAND_MODULES = [
    "app", "generate", "reconstruct", "info", "convert", "worlds", "edit", "checkout", "export-version",
    "collider", "export", "render", "batch",
]


def _command_modules() -> list[str]:
    import pkgutil

    found = {m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")}
    names = [n.replace("-", "_") for n in COMMAND_MODULES]
    return [n for n in names if n in found] + sorted(found - set(names))


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__

    p = argparse.ArgumentParser(
        prog="spatial",
        description="spatial: build, fit, walk, edit and export Gaussian-splat worlds.",
    )
    p.add_argument("--version", action="version", version=f"spatial {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for name in _command_modules():
        mod = importlib.import_module(f"{__name__}.{name}")
        if hasattr(mod, "register"):
            mod.register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except SpatialError as e:
        print(f"spatial {args.command}: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
