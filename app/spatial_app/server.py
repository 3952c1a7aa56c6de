"""The spatial app's web server: FastAPI serving the viewer bundle, world files and a small REST API,
with the Gradio UI mounted at ``/``.

Routes (all same-origin; nothing is fetched from anywhere else):

* ``/viewer/viewer.esm.js``: the viewer bundle (``app/viewer/dist``, built by ``npm run build``)
* ``/files/{world}/{version}/{name}``: a world version's files (splats, collider GLB, preview,
  thumbnail); names are whitelisted and resolved inside the store
* ``GET /api/controller``: walker parameters (spatial.physics' ControllerParams)
* ``GET /api/worlds``, ``GET /api/worlds/{world}``: world list and one world's info for the viewer
* ``POST /api/worlds/{world}/edit | undo | redo | insert-mesh``: edits, each saved as a new version
* ``GET /api/worlds/{world}/export/{fmt}``: downloads (ply, spz, splat, glb splats; collider GLB)

Security: binds 127.0.0.1 unless told otherwise; optional HTTP Basic auth over everything (constant
time compare); a Host-header check against DNS rebinding on loopback; uploads limited by size and type.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import secrets
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles

from spatial.errors import SpatialError, ValidationError

from .library import NotFound, open_library

log = logging.getLogger("spatial.app")

APP_DIR = Path(__file__).resolve().parents[1]  # app/
DEFAULT_VIEWER_DIST = APP_DIR / "viewer" / "dist"
SERVED_NAMES = {"splats.ply", "splats.spz", "splats.glb", "collider.glb", "preview.png", "world.json"}
EXPORTS = {  # fmt -> (registry format or None, file extension, what it is)
    "ply": ("ply", ".ply", "3DGS PLY (Inria layout; every 3DGS tool reads it)"),
    "spz": ("spz", ".spz", "SPZ (Niantic's compressed splats, ~10x smaller)"),
    "splat": ("splat", ".splat", ".splat (antimatter15; colour only)"),
    "glb": ("glb", ".glb", "glTF KHR_gaussian_splatting"),
    "collider": (None, ".collider.glb", "collider mesh (GLB triangles)"),
}


@dataclass
class AppConfig:
    store: Path
    host: str = "127.0.0.1"
    port: int = 7860
    auth: tuple[str, str] | None = None
    max_upload_mb: float = float(os.environ.get("SPATIAL_APP_MAX_UPLOAD_MB", 64))
    viewer_dist: Path = field(default_factory=lambda: Path(os.environ.get("SPATIAL_VIEWER_DIST", DEFAULT_VIEWER_DIST)))
    make_default_world: bool = True
    viewer_height: int = 620


def parse_auth(text: str | None) -> tuple[str, str] | None:
    if not text:
        return None
    user, sep, pw = text.partition(":")
    if not sep or not user or not pw:
        raise ValidationError("--auth must be USER:PASS")
    return user, pw


def controller_params() -> dict:
    """Walker parameters for the browser, from spatial.physics.ControllerParams when installed."""
    from .controller_params import browser_params

    return browser_params()


class AppState:
    """Everything the routes and the UI share: config, library, per-world locks, info cache."""

    def __init__(self, config: AppConfig):
        self.config = config
        self.library = open_library(config.store)
        self.cache_dir = Path(config.store).resolve() / ".cache"
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        self._info_cache: dict[tuple[str, int], dict] = {}

    def lock(self, world_id: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(world_id, threading.Lock())

    # ------------------------------------------------------------------ world info for the viewer
    def world_info(self, world_id: str, version: int | None = None) -> dict:
        s = self.library.summary(world_id)
        v = s.version if version is None else int(version)
        key = (world_id, v)
        base = self._info_cache.get(key)
        if base is None:
            base = self._version_info(world_id, v)
            self._info_cache[key] = base
        out = dict(base)
        out.update(s.to_dict())
        out["version"] = v
        return out

    def _version_info(self, world_id: str, v: int) -> dict:
        folder = self.library.version_folder(world_id, v)
        meta = json.loads((folder / "world.json").read_text())
        files = meta.get("files") or {}
        splat_name = files.get("splats") or "splats.ply"
        fmt = splat_name.rsplit(".", 1)[-1]
        url = f"/files/{world_id}/{v}/"
        if fmt not in ("ply", "spz"):
            splat_url, fmt = url + "viewer.ply", "ply"  # converted on first request (Spark reads PLY/SPZ)
        else:
            splat_url = url + splat_name
        bounds = None
        if files.get("collider"):
            from spatial.world import load_mesh

            m = load_mesh(folder / files["collider"])
            lo, hi = m.bounds
            bounds = {"min": [float(x) for x in lo], "max": [float(x) for x in hi]}
        else:
            from spatial.io.registry import load

            s = load(folder / splat_name)
            if len(s):
                lo, hi = s.bounds()
                bounds = {"min": [float(x) for x in lo], "max": [float(x) for x in hi]}
        return {
            "spawn": meta.get("spawn") or {"position": [0, 0, 0], "yaw_deg": 0},
            "counts": meta.get("counts") or {},
            "prompt": meta.get("prompt", ""),
            "generator": meta.get("generator") or {},
            "bounds": bounds,
            "files": {
                "splats": splat_url,
                "splats_format": fmt,
                "collider": url + files["collider"] if files.get("collider") else None,
                "thumbnail": url + "thumb.png",
            },
        }

    def file_path(self, world_id: str, version: int, name: str) -> Path:
        folder = self.library.version_folder(world_id, version)
        if name == "thumb.png":
            from .thumbnails import thumbnail_path

            return thumbnail_path(self.cache_dir / "thumbs", world_id, int(version), folder,
                                  lambda: self.library.load(world_id, version))
        if name == "viewer.ply":
            return self._converted(world_id, int(version), folder)
        if name not in SERVED_NAMES:
            raise NotFound(f"no file {name!r}")
        p = (folder / name).resolve()
        if not p.is_relative_to(folder) or not p.is_file():
            raise NotFound(f"no file {name!r}")
        return p

    def _converted(self, world_id: str, version: int, folder: Path) -> Path:
        from spatial.io.registry import load, save

        out = self.cache_dir / "viewer" / f"{world_id}-v{version:04d}.ply"
        if not out.is_file():
            out.parent.mkdir(parents=True, exist_ok=True)
            meta = json.loads((folder / "world.json").read_text())
            save(load(folder / (meta.get("files") or {}).get("splats", "splats.ply")), out)
        return out

    # ------------------------------------------------------------------ edits
    def edit(self, world_id: str, op: str, selection: dict, params: dict, base_version: int | None, mesh=None) -> dict:
        from .editing import apply_edit

        with self.lock(world_id):
            s = self.library.summary(world_id)
            if base_version is not None and int(base_version) != s.version:
                raise ValidationError(f"the world changed meanwhile (now version {s.version}); reload and try again")
            world = self.library.load(world_id)
            new = apply_edit(world, op, selection, params, mesh=mesh)
            what = op.replace("_", " ")
            if op == "insert_primitive":
                what = f"insert {params.get('primitive', 'box')}"
            c = selection.get("center", [0, 0, 0]) if isinstance(selection, dict) else [0, 0, 0]
            msg = f"{what} at ({c[0]:.1f}, {c[1]:.1f}, {c[2]:.1f})"
            self.library.commit(world_id, new, msg, base_version=s.version)
        return self.world_info(world_id)

    def undo(self, world_id: str) -> dict:
        with self.lock(world_id):
            self.library.undo(world_id)
        return self.world_info(world_id)

    def redo(self, world_id: str) -> dict:
        with self.lock(world_id):
            self.library.redo(world_id)
        return self.world_info(world_id)

    # ------------------------------------------------------------------ exports
    def available_exports(self) -> dict[str, str]:
        from spatial.io.registry import FORMATS, _ensure_loaded

        _ensure_loaded()
        out = {}
        for k, (fmt, _, desc) in EXPORTS.items():
            if fmt is None or (fmt in FORMATS and FORMATS[fmt].write is not None):
                out[k] = desc
        return out

    def export(self, world_id: str, fmt: str, version: int | None = None) -> tuple[Path, str]:
        """(file path, download name) of a world version in format ``fmt``."""
        if fmt not in self.available_exports():
            raise ValidationError(f"export format {fmt!r} is not available; available: {', '.join(self.available_exports())}")
        s = self.library.summary(world_id)
        v = s.version if version is None else int(version)
        ext = EXPORTS[fmt][1]
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in s.name.lower()).strip("-") or "world"
        name = f"{safe}-v{v}{ext}"
        out = self.cache_dir / "exports" / f"{world_id}-v{v:04d}{ext}"
        if out.is_file():
            return out, name
        out.parent.mkdir(parents=True, exist_ok=True)
        folder = self.library.version_folder(world_id, v)
        if fmt == "collider":
            src = folder / "collider.glb"
            if not src.is_file():
                raise ValidationError("this world has no collider")
            from spatial.io.atomic import atomic_write

            with atomic_write(out) as f:
                f.write(src.read_bytes())
        else:
            from spatial.io.registry import load, save

            meta = json.loads((folder / "world.json").read_text())
            save(load(folder / (meta.get("files") or {}).get("splats", "splats.ply")), out, format=EXPORTS[fmt][0])
        return out, name

    # ------------------------------------------------------------------ first run
    def ensure_default_world(self) -> None:
        if self.library.list():
            return
        from .making import default_world

        log.info("empty store: making the default world")
        w = default_world()
        self.library.add(w, w.name, message="default world")


# ---------------------------------------------------------------------- FastAPI app
def _loopback(host: str) -> bool:
    return host in ("127.0.0.1", "localhost", "::1")


def create_app(config: AppConfig, state: AppState | None = None):
    """Build the FastAPI app (REST + files + viewer bundle) with the Gradio UI mounted at ``/``."""
    import gradio as gr

    from .ui import CSS, build_ui

    state = state or AppState(config)
    if config.make_default_world:
        state.ensure_default_world()
    app = FastAPI(title="spatial", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.spatial = state

    allowed_hosts = {f"{h}:{config.port}" for h in ("127.0.0.1", "localhost", "[::1]")} | {"127.0.0.1", "localhost", "[::1]"}

    @app.middleware("http")
    async def guard(request: Request, call_next):
        # DNS-rebinding guard: on loopback only loopback Host headers are served.
        if _loopback(config.host):
            host = (request.headers.get("host") or "").lower()
            if host and host not in allowed_hosts:
                return PlainTextResponse("forbidden host", status_code=403)
        if config.auth is not None:
            ok = False
            h = request.headers.get("authorization", "")
            if h.lower().startswith("basic "):
                try:
                    user, _, pw = base64.b64decode(h[6:]).decode("utf-8").partition(":")
                    ok = secrets.compare_digest(user.encode(), config.auth[0].encode()) & secrets.compare_digest(
                        pw.encode(), config.auth[1].encode())
                except (ValueError, UnicodeDecodeError):
                    ok = False
            if not ok:
                return PlainTextResponse("authentication required", status_code=401,
                                         headers={"WWW-Authenticate": 'Basic realm="spatial", charset="UTF-8"'})
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    @app.exception_handler(NotFound)
    async def _nf(request, exc):
        return JSONResponse({"detail": str(exc)}, status_code=404)

    @app.exception_handler(SpatialError)
    async def _bad(request, exc):
        return JSONResponse({"detail": str(exc)}, status_code=400)

    dist = Path(config.viewer_dist)
    if (dist / "viewer.esm.js").is_file():
        app.mount("/viewer", StaticFiles(directory=dist), name="viewer")
    else:
        log.warning("viewer bundle missing: %s (run `make node`, or `npm ci && npm run build` in app/viewer)", dist)

        @app.get("/viewer/viewer.esm.js")
        def _no_bundle():
            msg = ("throw new Error('spatial viewer bundle is not built: run `make node` "
                   "(npm ci && npm run build in app/viewer)');")
            return PlainTextResponse(msg, media_type="application/javascript")

    @app.get("/api/controller")
    def get_controller():
        return controller_params()

    @app.get("/api/worlds")
    def list_worlds():
        return [s.to_dict() for s in state.library.list()]

    @app.get("/api/worlds/{world_id}")
    def get_world(world_id: str, version: int | None = None):
        return state.world_info(world_id, version)

    @app.get("/files/{world_id}/{version}/{name}")
    def get_file(world_id: str, version: int, name: str):
        p = state.file_path(world_id, version, name)
        media = {"png": "image/png", "json": "application/json", "glb": "model/gltf-binary"}.get(name.rsplit(".", 1)[-1],
                                                                                                 "application/octet-stream")
        return FileResponse(p, media_type=media, headers={"Cache-Control": "private, max-age=31536000, immutable"})

    async def _json(request: Request) -> dict:
        try:
            body = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise HTTPException(400, "request body must be JSON") from None
        if not isinstance(body, dict):
            raise HTTPException(400, "request body must be a JSON object")
        return body

    @app.post("/api/worlds/{world_id}/edit")
    async def post_edit(world_id: str, request: Request):
        body = await _json(request)
        from starlette.concurrency import run_in_threadpool

        return await run_in_threadpool(state.edit, world_id, str(body.get("op", "")), body.get("selection") or {},
                                       body.get("params") or {}, body.get("base_version"))

    @app.post("/api/worlds/{world_id}/undo")
    def post_undo(world_id: str):
        return state.undo(world_id)

    @app.post("/api/worlds/{world_id}/redo")
    def post_redo(world_id: str):
        return state.redo(world_id)

    @app.post("/api/worlds/{world_id}/insert-mesh")
    def post_insert_mesh(world_id: str, file: UploadFile = File(...), position: str = Form("[0,0,0]"),
                         size: float = Form(1.0), base_version: int | None = Form(None)):
        from spatial.world import load_mesh

        from .uploads import MESH, UploadRefused, check_upload

        suffix = Path(file.filename or "upload").suffix.lower()[:8]
        limit = config.max_upload_mb * 1024 * 1024
        with tempfile.TemporaryDirectory(prefix="spatial-upload-") as tmp:
            dst = Path(tmp) / f"mesh{suffix}"
            n = 0
            with open(dst, "wb") as f:
                while chunk := file.file.read(1 << 20):
                    n += len(chunk)
                    if n > limit:
                        raise UploadRefused(f"refused {file.filename!r}: over the {config.max_upload_mb:g} MB upload limit")
                    f.write(chunk)
            check_upload(dst, MESH, config.max_upload_mb, name=file.filename)
            mesh = load_mesh(dst)
        try:
            pos = [float(v) for v in json.loads(position)]
        except (ValueError, TypeError):
            raise ValidationError("position must be a JSON list of 3 numbers") from None
        sel = {"shape": "sphere", "center": pos, "size": size}
        return state.edit(world_id, "insert_mesh", sel, {}, base_version, mesh=mesh)

    @app.get("/api/worlds/{world_id}/export/{fmt}")
    def get_export(world_id: str, fmt: str, version: int | None = None):
        p, name = state.export(world_id, fmt, version)
        return FileResponse(p, filename=name, media_type="application/octet-stream")

    blocks = build_ui(state)
    app = gr.mount_gradio_app(
        app, blocks, path="/", ssr_mode=False, max_file_size=f"{int(config.max_upload_mb)}mb",
        allowed_paths=[], show_error=True, footer_links=[], css=CSS,
    )
    return app


def serve(config: AppConfig, open_browser: bool = False) -> None:
    """Run the app with uvicorn until interrupted."""
    import uvicorn

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    app = create_app(config)
    url = f"http://{'127.0.0.1' if config.host in ('0.0.0.0', '::') else config.host}:{config.port}/"
    print(f"spatial app: {url}  (store: {config.store}; Ctrl+C to stop)", flush=True)
    if open_browser:
        import webbrowser

        threading.Timer(1.5, lambda: webbrowser.open(url)).start()
    uvicorn.run(app, host=config.host, port=config.port, log_level="warning")
