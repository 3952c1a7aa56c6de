"""A self-contained static web page that walks an exported world (``--engine threejs``).

The page is the app's viewer bundle (three.js + Spark + Rapier in one ES module, shipped as package data
of :mod:`spatial.viewer_bundle`) plus the world's SPZ splats and collider GLB; it makes no request outside its
own folder. The walker uses the same parameters as the Python character controller.
"""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path

from .. import settings
from ..errors import SpatialError
from ..viewer_bundle import bundle_path

VIEWER_ENV = "SPATIAL_VIEWER_BUNDLE"


def viewer_bundle() -> Path:
    """Path of the viewer bundle: ``$SPATIAL_VIEWER_BUNDLE`` when set, else the installed package data."""
    env = settings.get(VIEWER_ENV)
    path = Path(env) if env else bundle_path()
    if path is not None and path.is_file():
        return path
    raise SpatialError(
        "the web viewer bundle is not part of this install (it was built without node/npm): reinstall spatial "
        f"with node and npm on PATH, or point {VIEWER_ENV} at a viewer.esm.js"
    )


PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>html,body{{margin:0;height:100%;background:#0c0f16}}#world{{position:fixed;inset:0}}</style>
</head>
<body>
<div id="world"></div>
<script type="module">
import {{ createViewer }} from "./viewer.esm.js";
const world = {world_json};
const viewer = await createViewer(document.getElementById("world"), {{ api: "", edit: false, controller: world.controller }});
await viewer.load(world.info);
</script>
</body>
</html>
"""


def write_web_page(world, out_dir: Path, scene: str) -> list[dict]:
    """Write ``index.html`` + ``viewer.esm.js`` (+ ``world.json``) next to ``<scene>.spz`` and the collider."""
    from ..io.atomic import atomic_write_bytes
    from ..physics.params import ControllerParams

    bundle = viewer_bundle()
    shutil.copyfile(bundle, out_dir / "viewer.esm.js")
    has_collider = world.collider is not None and len(world.collider.faces) > 0
    if has_collider:  # the walker collides with the exact static mesh only (not the convex approximations)
        atomic_write_bytes(out_dir / "collider.glb", world.collider.export(file_type="glb"))
    lo, hi = world.splats.bounds()
    if world.collider is not None and len(world.collider.faces):
        clo, chi = world.collider.bounds
        lo, hi = clo.tolist(), chi.tolist()
    else:
        lo, hi = lo.tolist(), hi.tolist()
    params = ControllerParams()
    info = {
        "id": scene,
        "name": world.name,
        "version": 1,
        "spawn": world.spawn.to_dict(),
        "bounds": {"min": [float(v) for v in lo], "max": [float(v) for v in hi]},
        "files": {
            "splats": f"{scene}.spz",
            "splats_format": "spz",
            "collider": "collider.glb" if has_collider else None,
        },
        "splats": len(world.splats),
    }
    data = {"info": info, "controller": {**params.to_dict(), "jump_speed": params.jump_speed}}
    text = json.dumps(data).replace("</", "<\\/")
    atomic_write_bytes(out_dir / "index.html", PAGE.format(title=html.escape(world.name or scene), world_json=text).encode())
    atomic_write_bytes(out_dir / "world.json", json.dumps(data, indent=2).encode())
    return [
        {"path": "index.html", "kind": "web-page", "note": "serve this folder over HTTP and open index.html"},
        {"path": "viewer.esm.js", "kind": "web-viewer", "note": "three.js + Spark + Rapier bundle"},
        {"path": "world.json", "kind": "web-world", "note": "what index.html loads"},
    ] + ([{"path": "collider.glb", "kind": "web-collider", "note": "static collider the walker uses"}] if has_collider else [])
