"""spatial's web app: Gradio UI + FastAPI (viewer bundle, world files, REST edits) over the world store.

Start it with ``spatial app`` (see docs/app.md). The top layer of spatial: nothing in ``spatial``
imports this package except ``spatial/cli/app.py``, lazily.
"""

from .server import AppConfig, AppState, create_app, serve

__all__ = ["AppConfig", "AppState", "create_app", "serve"]
