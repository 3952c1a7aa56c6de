"""Helpers for the app tests: a tiny test world with known geometry, a server in a thread, chromium."""

from __future__ import annotations

import math
import shutil
import socket
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM_FLAGS = ["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
                  "--disable-background-networking", "--disable-component-update", "--no-first-run",
                  "--disable-sync", "--disable-dev-shm-usage"]
BACKGROUND = (12, 15, 22)  # the viewer's clear colour (viewer.js BACKGROUND)

# Test world geometry (metres): upper floor top y = 0 over x, z in [-5, 5]; wall (front face z = WALL_FACE)
# across the north; lower ground top y = LOWER_Y east of the upper floor (x > 5); a red crate.
WALL_FACE = -3.85
LOWER_Y = -2.0
RED_BOX_CENTER = (-2.0, 0.5, -1.0)


def import_app():
    from spatial.cli.app import import_app as _imp

    return _imp()


def chromium_path() -> str | None:
    for c in ("/usr/bin/chromium", shutil.which("chromium") or ""):
        if c and Path(c).exists():
            return c
    return None


def make_test_world(splats: int = 2500):
    """Small world for the browser tests (about ``splats`` splats)."""
    import trimesh

    from spatial.core.splats import Splats
    from spatial.world import Spawn, World

    app = import_app()  # noqa: F841 - makes spatial_app importable
    from spatial_app.builders import colored_mesh_splats

    parts = []

    def box(ext, centre, color, label):
        m = trimesh.creation.box(extents=ext)
        m.apply_translation(centre)
        parts.append((m, color, label))

    box((10, 0.4, 10), (0, -0.2, 0), (0.35, 0.6, 0.3), "floor")
    box((10, 2.0, 0.3), (0, 1.0, -4.0), (0.8, 0.7, 0.55), "wall")
    box((8, 0.4, 14), (9.0, LOWER_Y - 0.2, 0), (0.45, 0.45, 0.7), "ground")
    box((1.0, 1.0, 1.0), RED_BOX_CENTER, (0.95, 0.08, 0.08), "object")
    area = sum(m.area for m, _, _ in parts)
    s = [colored_mesh_splats(m, max(150, int(splats * m.area / area)), c, label=lb, seed=i)
         for i, (m, c, lb) in enumerate(parts)]
    return World(splats=Splats.concat(s), collider=trimesh.util.concatenate([m for m, _, _ in parts]),
                 spawn=Spawn(position=(0.0, 0.0, 3.0), yaw_deg=0.0), name="Test yard")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerThread:
    """uvicorn serving the app on 127.0.0.1 in a daemon thread."""

    def __init__(self, config, state=None):
        import uvicorn

        from spatial_app.server import create_app

        self.config = config
        self.app = create_app(config, state)
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=config.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.config.port}"

    def __enter__(self):
        self.thread.start()
        t0 = time.time()
        while not self.server.started:
            if time.time() - t0 > 60:
                raise RuntimeError("server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(timeout=10)


def non_background_fraction(png_bytes: bytes, tol: int = 14) -> float:
    import io

    import numpy as np
    from PIL import Image

    a = np.asarray(Image.open(io.BytesIO(png_bytes)).convert("RGB")).astype(int)
    d = np.abs(a - np.array(BACKGROUND)).max(axis=2)
    return float((d > tol).mean())


def red_pixels(png_bytes: bytes) -> int:
    import io

    import numpy as np
    from PIL import Image

    a = np.asarray(Image.open(io.BytesIO(png_bytes)).convert("RGB")).astype(int)
    return int(((a[..., 0] > 150) & (a[..., 1] < 90) & (a[..., 2] < 90)).sum())


def yaw_towards(frm, to) -> float:
    """Viewer yaw (radians; 0 looks along -Z, positive turns left) looking from ``frm`` to ``to`` (x, z)."""
    dx, dz = to[0] - frm[0], to[1] - frm[1]
    return math.atan2(-dx, -dz)
