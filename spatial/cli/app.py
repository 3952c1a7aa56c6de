"""``spatial app``: start the web app (Gradio UI + walkable, editable viewer) on a world store."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path


def import_app():
    """Import the app package (``spatial_app``, installed from ``app/spatial_app`` with the package)."""
    return importlib.import_module("spatial_app")


def default_store() -> Path:
    """The same store ``spatial worlds`` and ``spatial edit`` use: ``$SPATIAL_STORE``, else the platform's
    per-user data folder (e.g. ``~/.local/share/spatial/store``)."""
    from spatial.store import default_store_dir

    return default_store_dir()


def register(sub) -> None:
    p = sub.add_parser(
        "app", help="start the web app: create, walk through, edit and export worlds in the browser",
        description="Start the spatial web app (Gradio UI + three.js/Spark viewer with a Rapier walker) on a world store. "
                    "On first run it makes a default world. Binds 127.0.0.1 unless --host says otherwise.")
    p.add_argument("--store", type=Path, default=None, help="world store folder (default: $SPATIAL_STORE, else the platform data folder, "
                   "as for `spatial worlds`)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    p.add_argument("--auth", default=None, metavar="USER:PASS|@FILE",
                   help="require HTTP Basic auth for every request: USER:PASS, or @FILE naming a file that holds "
                        "USER:PASS (keeps the password out of `ps`); default $SPATIAL_APP_AUTH if set")
    p.add_argument("--max-upload-mb", type=float, default=None, help="largest accepted upload in MB (default 64)")
    p.add_argument("--cache-mb", type=float, default=None,
                   help="size budget of <store>/app-cache, the files served to the browser (default 2048; "
                        "least recently used versions are dropped and rewritten when asked for again)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser tab")
    p.set_defaults(func=run)


def run(args) -> int:
    app = import_app()
    from spatial_app.server import parse_auth

    store = args.store or default_store()
    cfg = app.AppConfig(store=store, host=args.host, port=args.port, auth=parse_auth(args.auth))
    if args.max_upload_mb:
        cfg.max_upload_mb = float(args.max_upload_mb)
    if args.cache_mb is not None:
        cfg.cache_mb = float(args.cache_mb)
    if args.host not in ("127.0.0.1", "localhost", "::1") and cfg.auth is None:
        print(f"warning: serving on {args.host} without --auth: anyone who can reach this port can edit and delete worlds",
              file=sys.stderr)
    app.serve(cfg, open_browser=not args.no_browser)
    return 0
