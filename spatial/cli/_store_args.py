"""Shared ``--store`` option of the store commands."""

from __future__ import annotations


def add_store_arg(p) -> None:
    p.add_argument("--store", metavar="DIR", default=None,
                   help="world store folder (default: $SPATIAL_STORE or the platform user data folder)")


def open_store(args):
    from ..store import Store

    return Store(args.store, author=getattr(args, "author", None) or None)
