"""The ``spatial`` command line: thin wrappers over the Python API.

Each subcommand lives in its own module under ``spatial/cli/`` and exposes
``register(subparsers)`` which adds its parser and sets ``func`` (args -> exit code).
Add new modules to :data:`COMMAND_MODULES`.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from ..errors import SpatialError

COMMAND_MODULES = [
    "info",
    "convert",
]


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__

    p = argparse.ArgumentParser(
        prog="spatial",
        description="spatial: build, fit, walk, edit and export Gaussian-splat worlds.",
    )
    p.add_argument("--version", action="version", version=f"spatial {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}").register(sub)
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
