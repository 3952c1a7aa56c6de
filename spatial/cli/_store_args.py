"""Shared ``--store`` option of the store commands."""

from __future__ import annotations


def add_store_arg(p) -> None:
    p.add_argument("--store", metavar="DIR", default=None,
                   help="world store folder (default: $SPATIAL_STORE or the platform user data folder)")


def open_store(args):
    from ..store import Store

    return Store(args.store, author=getattr(args, "author", None) or None)


def load_world_arg(args, name_attr: str = "world"):
    """The World named by ``args.<name_attr>``: a world folder if one exists at that path, else a world
    in the store (``NAME`` or ``NAME@VERSION``)."""
    from pathlib import Path

    from ..world import World

    ref = getattr(args, name_attr)
    if Path(ref).is_dir():
        return World.load(ref)
    name, _, version = ref.partition("@")
    return open_store(args).world(name, version or None)
