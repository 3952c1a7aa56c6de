"""The spatial app's web server: FastAPI serving the viewer bundle, world files and a small REST API,
with the Gradio UI mounted at ``/``.

Routes (all same-origin; nothing is fetched from anywhere else). ``{world}`` is the world's store
name (URL-encoded), ``parent`` the version the browser shows (optimistic concurrency):

* ``/viewer/viewer.esm.js``: the viewer bundle (package data of ``spatial.viewer_bundle``, built from ``app/viewer``)
* ``/files/{world}/{version}/{name}``: a version's splats.ply, collider.glb, preview.png, written
  from the store into the app's cache (:mod:`.worldfiles`)
* ``GET /api/controller``: walker parameters, ``{**ControllerParams().to_dict(), "jump_speed": ...}``
* ``GET /api/worlds``, ``GET /api/worlds/{world}[?version=]``, ``GET /api/worlds/{world}/history``
* ``POST /api/worlds/{world}/edit`` ``{"op": <spatial edit op>, "parent": v}``
* ``POST /api/worlds/{world}/insert`` ``{"primitive", "size", "color", "position", "drop", "parent"}``
* ``POST /api/worlds/{world}/drop`` ``{"select": <selection>, "parent": v}``
* ``POST /api/worlds/{world}/insert-mesh`` (multipart: file, position, size, drop, parent)
* ``POST /api/worlds/{world}/undo | redo`` ``{"parent": v}`` (required: the version shown)
* ``GET /api/worlds/{world}/export/{fmt}[?version=]``: downloads (ply, spz, splat, glb, collider)
* ``GET /api/session``: the page's CSRF token (``X-Spatial-Token`` on every state-changing call)

Errors: bad input 400, unknown world/version/file 404, a conflicting concurrent change 409, a body
over its limit 413, a non-JSON body 415; every message one line without server paths.
Security (docs/app.md#security): binds 127.0.0.1 unless told otherwise; optional HTTP Basic auth over
everything (constant time compare); Host check against DNS rebinding; Origin check and per-session
token against cross-site requests (:mod:`.security`); body, upload and growth limits; per-world
locks; edit ops may only read files from the app's asset folder.
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

from spatial import settings
from spatial.edit import Limits
from spatial.errors import SpatialError, ValidationError
from spatial.store import ConflictError, WorldNotFoundError
from spatial.viewer_bundle import bundle_path as viewer_bundle_path

from . import security as sec
from .library import Library, open_library
from .worldfiles import DEFAULT_CACHE_MB, VIEWER_FILES, WorldFiles

log = logging.getLogger("spatial.app")

COMPACT_EVERY_S = 15.0


def app_limits() -> Limits:
    """Growth limits of edits made through the app: small enough that a 2-core, 24 GB machine stays
    responsive (``SPATIAL_APP_MAX_WORLD_SPLATS``, ``SPATIAL_APP_MAX_INSERT_SPLATS``)."""
    return Limits(max_insert_splats=settings.get("SPATIAL_APP_MAX_INSERT_SPLATS"),
                  max_world_splats=settings.get("SPATIAL_APP_MAX_WORLD_SPLATS"),
                  max_mesh_bytes=int(settings.get("SPATIAL_APP_MAX_UPLOAD_MB") * 1024 * 1024),
                  max_mesh_faces=settings.get("SPATIAL_APP_MAX_MESH_FACES"))


@dataclass
class AppConfig:
    store: Path
    host: str = "127.0.0.1"
    port: int = 7860
    auth: tuple[str, str] | None = None
    max_upload_mb: float = settings.get("SPATIAL_APP_MAX_UPLOAD_MB")
    max_json_mb: float = settings.get("SPATIAL_APP_MAX_JSON_MB")  # body of a JSON API call
    cache_mb: float = DEFAULT_CACHE_MB  # budget of <store>/app-cache (env SPATIAL_APP_CACHE_MB)
    viewer_bundle: Path | None = field(default_factory=viewer_bundle_path)  # viewer.esm.js (package data)
    make_default_world: bool = True
    viewer_height: int = 620
    author: str | None = None  # recorded on every change; default: the --auth user, else the store's


def parse_auth(text: str | None) -> tuple[str, str] | None:
    """``USER:PASS``, or ``@FILE`` (a file holding ``USER:PASS``, so the password is not in ``ps``);
    with no text, ``$SPATIAL_APP_AUTH`` (``USER:PASS``) if set, else no auth."""
    if not text:
        text = settings.get("SPATIAL_APP_AUTH") or None
        if not text:
            return None
    if text.startswith("@"):
        try:
            text = Path(text[1:]).expanduser().read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as e:
            raise ValidationError(f"--auth @FILE: cannot read the file: {e.strerror or e}") from None
    user, sep, pw = text.partition(":")
    if not sep or not user or not pw:
        raise ValidationError("--auth must be USER:PASS, @FILE (holding USER:PASS) or $SPATIAL_APP_AUTH")
    return user, pw


def controller_params() -> dict:
    """Walker parameters for the browser: exactly ``spatial.physics.ControllerParams`` plus the derived
    take-off speed (the viewer's ``DEFAULT_PARAMS`` use the same names)."""
    from spatial.physics import ControllerParams

    p = ControllerParams()
    return {**p.to_dict(), "jump_speed": p.jump_speed}


class AppState:
    """Everything the routes and the UI share: config, library (the store), version files, edit locks."""

    def __init__(self, config: AppConfig):
        self.config = config
        root = Path(config.store).expanduser().resolve()
        self.assets_dir = root / "app-assets"  # the only folder edit ops may read meshes from
        self.assets_dir.mkdir(parents=True, exist_ok=True)
        author = config.author or (config.auth[0] if config.auth else None)
        self.library: Library = open_library(root, asset_roots=[self.assets_dir], author=author, limits=app_limits())
        self.files = WorldFiles(self.library, root / "app-cache", max_mb=config.cache_mb)
        self._stop = threading.Event()
        self._compactor: threading.Thread | None = None

    # ------------------------------------------------------------------ viewer info
    def world_info(self, world_id: str, version: int | None = None) -> dict:
        return self.files.info(world_id, version)

    def history(self, world_id: str) -> list[dict]:
        return self.library.history_rows(world_id)

    # ------------------------------------------------------------------ edits
    def _ctx(self):
        from spatial.edit import EditContext

        return EditContext(asset_roots=[self.assets_dir])

    def edit(self, world_id: str, op, parent: int | None) -> dict:
        """Apply an op from the browser (JSON, docs/edits.md) as a new version."""
        if not isinstance(op, dict):
            raise ValidationError("'op' must be an edit op object (docs/edits.md)")
        c = self.library.apply(world_id, op, parent=parent)
        return {**self.world_info(world_id), "commit": c.to_dict()}

    def _head_state(self, world_id: str, parent: int | None):
        h = self.library.handle(world_id)
        head = h.head.num
        if parent is not None and int(parent) != head:
            raise ConflictError(world_id, int(parent), head, "the world changed meanwhile")
        return h.state, head

    def insert(self, world_id: str, mesh_path: Path, position, size, drop: bool, parent: int | None, note: str) -> dict:
        from .editing import drop_insert_op, insert_op

        with self.library.world_lock(world_id):  # the op is computed on the head and applied on it
            state, head = self._head_state(world_id, parent)
            op = insert_op(self.assets_dir, mesh_path, position, size, note, seed=state.n)
            if drop:
                op = drop_insert_op(state, self._ctx(), op)
            return self.edit(world_id, op, head)

    def insert_primitive(self, world_id: str, body: dict) -> dict:
        from .editing import primitive_asset

        kind = str(body.get("primitive", "box"))
        path = primitive_asset(self.assets_dir, kind, body.get("color", [0.8, 0.3, 0.3]))
        drop = bool(body.get("drop", False))
        return self.insert(world_id, path, body.get("position"), body.get("size", 0.5), drop, body.get("parent"),
                           f"{'drop' if drop else 'insert'} {kind}")

    def edit_text(self, world_id: str, body: dict) -> dict:
        """An edit sentence from the text box (docs/edits.md "Text edits"), read against the head with the
        walker's feet ``position`` and view ``yaw_deg``: one version, or a one-line refusal that changes nothing."""
        import math

        from spatial.edit.text import plan_text

        from .editing import _vec3

        sentence = body.get("text")
        if not isinstance(sentence, str) or not sentence.strip():
            raise ValidationError("type an edit, e.g. 'add a well in front of me'")
        at = None if body.get("position") is None else _vec3(body["position"], "position")
        facing = body.get("yaw_deg")
        if facing is not None:
            if isinstance(facing, bool) or not isinstance(facing, (int, float)) or not math.isfinite(facing):
                raise ValidationError("yaw_deg must be a number")
            facing = float(facing)
        with self.library.world_lock(world_id):
            state, head = self._head_state(world_id, _parent(body.get("parent")))
            tp = plan_text(state, sentence, at=at, facing=facing)
            if not tp.ok:
                return {**self.world_info(world_id), "text": tp.to_dict()}
            return {**self.edit(world_id, tp.op, head), "text": tp.to_dict()}

    def drop_selection(self, world_id: str, select, parent: int | None) -> dict:
        from .editing import drop_selection_op

        with self.library.world_lock(world_id):
            state, head = self._head_state(world_id, parent)
            op = drop_selection_op(state, select)
            return self.edit(world_id, op, head)

    def undo(self, world_id: str, parent: int | None) -> dict:
        if parent is None:
            raise ValidationError("undo needs 'parent': the version it undoes (the one the page shows)")
        self.library.undo(world_id, parent)
        return self.world_info(world_id)

    def redo(self, world_id: str, parent: int | None) -> dict:
        if parent is None:
            raise ValidationError("redo needs 'parent': the version it redoes from (the one the page shows)")
        self.library.redo(world_id, parent)
        return self.world_info(world_id)

    # ------------------------------------------------------------------ exports
    def available_exports(self) -> dict[str, str]:
        return self.files.available_exports()

    def export(self, world_id: str, fmt: str, version: int | None = None) -> tuple[Path, str]:
        return self.files.export(world_id, fmt, version)

    # ------------------------------------------------------------------ first run, housekeeping
    def ensure_default_world(self) -> None:
        if self.library.list():
            return
        from .making import default_world

        log.info("empty store: making the default world")
        w = default_world()
        self.library.add(w, w.name, message="default world")

    def start_compactor(self) -> None:
        """Compact long delta chains while nobody is editing (docs/store.md)."""
        if self._compactor is not None:
            return

        def loop():
            while not self._stop.wait(COMPACT_EVERY_S):
                try:
                    self.library.compact_idle()
                except Exception as e:  # noqa: BLE001 - housekeeping must never take the app down
                    log.warning("compaction failed: %s", e)

        self._compactor = threading.Thread(target=loop, name="spatial-compact", daemon=True)
        self._compactor.start()

    def close(self) -> None:
        self._stop.set()
        self.library.close()


# ---------------------------------------------------------------------- FastAPI app
def _loopback(host: str) -> bool:
    return host in ("127.0.0.1", "localhost", "::1")


def _parent(v) -> int | None:
    if v is None or v == "":
        return None
    if isinstance(v, str) and v.strip().isdigit() and len(v.strip()) < 20:
        v = int(v.strip())
    if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < 2**63:
        raise ValidationError("parent must be a version number")
    return v


def create_app(config: AppConfig, state: AppState | None = None):
    """Build the FastAPI app (REST + files + viewer bundle) with the Gradio UI mounted at ``/``."""
    import gradio as gr
    from starlette.concurrency import run_in_threadpool

    from .ui import CSS, build_ui

    state = state or AppState(config)
    if config.make_default_world:
        state.ensure_default_world()
    state.start_compactor()
    app = FastAPI(title="spatial", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.spatial = state

    allowed_hosts = sec.loopback_hosts(config.port) if _loopback(config.host) else None
    tokens = sec.Tokens()
    json_limit = int(config.max_json_mb * 1024 * 1024)
    upload_limit = int((config.max_upload_mb + 1) * 1024 * 1024)

    def body_limit(path: str) -> int:
        if path.startswith("/api/"):
            return upload_limit if path.endswith("/insert-mesh") else json_limit
        return 16 * upload_limit  # the UI's uploads (several photos at once; gradio checks each file)

    @app.middleware("http")
    async def guard(request: Request, call_next):
        # DNS-rebinding guard: on loopback only loopback Host headers are served; no Host, no service.
        host = request.headers.get("host") or ""
        if not sec.host_allowed(host, allowed_hosts):
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
        path = request.url.path
        if request.method not in sec.SAFE_METHODS:
            if not sec.same_origin(request.headers, host):
                return JSONResponse({"detail": "cross-site request refused (Origin must be this server)"}, status_code=403)
            length = request.headers.get("content-length")
            if length is None:
                if request.headers.get("transfer-encoding"):
                    return JSONResponse({"detail": "send a Content-Length"}, status_code=411)
            elif not length.isdigit() or int(length) > body_limit(path):
                return JSONResponse({"detail": f"request body over the limit of {body_limit(path) // (1024 * 1024)} MB"},
                                    status_code=413)
            if path.startswith("/api/") and not tokens.valid(request.cookies.get(sec.SESSION_COOKIE),
                                                              request.headers.get(sec.TOKEN_HEADER)):
                return JSONResponse({"detail": "missing or wrong X-Spatial-Token (GET /api/session)"}, status_code=403)
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    def _err(status: int, exc, **extra):
        return JSONResponse({"detail": sec.public_message(exc), **extra}, status_code=status)

    @app.exception_handler(WorldNotFoundError)
    async def _nf(request, exc):
        return _err(404, exc)

    @app.exception_handler(ConflictError)
    async def _conflict(request, exc):
        return _err(409, exc, expected=exc.expected, actual=exc.actual)

    @app.exception_handler(SpatialError)
    async def _bad(request, exc):
        return _err(400, exc)

    @app.exception_handler(RecursionError)
    async def _deep(request, exc):
        return _err(400, "the request is nested too deeply")

    @app.exception_handler(MemoryError)
    async def _mem(request, exc):
        return _err(413, "the request needs more memory than this server allows")

    @app.exception_handler(OverflowError)
    async def _overflow(request, exc):
        return _err(400, f"a number in the request is out of range ({exc})")

    bundle = config.viewer_bundle
    if bundle is not None and Path(bundle).is_file():

        @app.get("/viewer/viewer.esm.js")
        def _bundle():
            return FileResponse(bundle, media_type="text/javascript")
    else:
        log.warning("viewer bundle missing: %s (this install was built without node/npm; reinstall spatial with "
                    "node and npm on PATH, or run `npm ci && npm run build` in app/viewer of a checkout)", bundle)

        @app.get("/viewer/viewer.esm.js")
        def _no_bundle():
            msg = ("throw new Error('spatial viewer bundle is not built: reinstall spatial with node and npm on PATH "
                   "(or npm ci && npm run build in app/viewer)');")
            return PlainTextResponse(msg, media_type="application/javascript")

    @app.get("/api/session")
    def get_session(request: Request):
        """The page's CSRF token (and its session cookie, HttpOnly, SameSite=Strict)."""
        sid = request.cookies.get(sec.SESSION_COOKIE)
        if not sid or len(sid) > 100:
            sid = tokens.new_session()
        r = JSONResponse({"token": tokens.token(sid)}, headers={"Cache-Control": "no-store"})
        r.set_cookie(sec.SESSION_COOKIE, sid, httponly=True, samesite="strict", path="/")
        return r

    @app.get("/api/controller")
    def get_controller():
        return controller_params()

    @app.get("/api/worlds")
    def list_worlds():
        return [s.to_dict() for s in state.library.list()]

    @app.get("/api/worlds/{world_id}")
    def get_world(world_id: str, version: int | None = None):
        return state.world_info(world_id, version)

    @app.get("/api/worlds/{world_id}/history")
    def get_history(world_id: str):
        return state.history(world_id)

    def _send(produce, media_type: str, headers: dict | None = None):
        """Stream a cache file from a descriptor opened here: the cache may prune or another app process
        may replace the file meanwhile, and an open file outlives its name (no 500 for a race)."""
        from urllib.parse import quote

        from starlette.background import BackgroundTask
        from starlette.responses import StreamingResponse

        for attempt in range(3):
            p, name = produce()
            try:
                f = open(p, "rb")
                break
            except FileNotFoundError:
                if attempt == 2:
                    raise WorldNotFoundError("the file went away while it was being prepared; try again") from None
        size = os.fstat(f.fileno()).st_size
        h = {"Content-Length": str(size), **(headers or {})}
        if name:
            h["Content-Disposition"] = f"attachment; filename*=utf-8''{quote(name)}"
        return StreamingResponse(iter(lambda: f.read(1 << 20), b""), media_type=media_type, headers=h,
                                 background=BackgroundTask(f.close))

    @app.get("/files/{world_id}/{version}/{name}")
    def get_file(world_id: str, version: int, name: str):
        return _send(lambda: (state.files.file(world_id, version, name), None), VIEWER_FILES.get(name, "application/octet-stream"),
                     headers={"Cache-Control": "private, max-age=31536000, immutable"})

    async def _json(request: Request) -> dict:
        if not sec.is_json(request.headers.get("content-type")):
            raise HTTPException(415, "send the request as Content-Type: application/json")
        data = await request.body()
        if len(data) > json_limit:
            raise HTTPException(413, f"request body over the limit of {config.max_json_mb:g} MB")
        try:
            body = json.loads(data)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise HTTPException(400, "request body must be JSON") from None
        except RecursionError:
            raise HTTPException(400, "the request JSON is nested too deeply") from None
        if not isinstance(body, dict):
            raise HTTPException(400, "request body must be a JSON object")
        return body

    @app.post("/api/worlds/{world_id}/edit")
    async def post_edit(world_id: str, request: Request):
        body = await _json(request)
        return await run_in_threadpool(state.edit, world_id, body.get("op"), _parent(body.get("parent")))

    @app.post("/api/worlds/{world_id}/insert")
    async def post_insert(world_id: str, request: Request):
        body = await _json(request)
        body["parent"] = _parent(body.get("parent"))
        return await run_in_threadpool(state.insert_primitive, world_id, body)

    @app.post("/api/worlds/{world_id}/text")
    async def post_text(world_id: str, request: Request):
        body = await _json(request)
        return await run_in_threadpool(state.edit_text, world_id, body)

    @app.post("/api/worlds/{world_id}/drop")
    async def post_drop(world_id: str, request: Request):
        body = await _json(request)
        return await run_in_threadpool(state.drop_selection, world_id, body.get("select"), _parent(body.get("parent")))

    @app.post("/api/worlds/{world_id}/undo")
    async def post_undo(world_id: str, request: Request):
        body = await _json(request)
        return await run_in_threadpool(state.undo, world_id, _parent(body.get("parent")))

    @app.post("/api/worlds/{world_id}/redo")
    async def post_redo(world_id: str, request: Request):
        body = await _json(request)
        return await run_in_threadpool(state.redo, world_id, _parent(body.get("parent")))

    @app.post("/api/worlds/{world_id}/insert-mesh")
    def post_insert_mesh(world_id: str, file: UploadFile = File(...), position: str = Form("[0,0,0]"),
                         size: float = Form(1.0), drop: bool = Form(False), parent: str = Form("")):
        from .editing import store_upload
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
            try:
                pos = json.loads(position)
            except (ValueError, RecursionError):
                raise ValidationError("position must be a JSON list of 3 numbers") from None
            asset, new = store_upload(state.assets_dir, dst, suffix)
        name = Path(file.filename or "mesh").name[:60]
        try:
            return state.insert(world_id, asset, pos, size, drop, _parent(parent), f"{'drop' if drop else 'insert'} mesh {name}")
        except BaseException:
            if new:  # a failed upload leaves nothing behind (an asset an earlier version uses stays)
                asset.unlink(missing_ok=True)
            raise

    @app.get("/api/worlds/{world_id}/export/{fmt}")
    def get_export(world_id: str, fmt: str, version: int | None = None):
        return _send(lambda: state.export(world_id, fmt, version), "application/octet-stream")

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
    state = AppState(config)
    app = create_app(config, state)
    url = f"http://{'127.0.0.1' if config.host in ('0.0.0.0', '::') else config.host}:{config.port}/"
    print(f"spatial app: {url}  (store: {state.library.root}; Ctrl+C to stop)", flush=True)
    if open_browser:
        import webbrowser

        threading.Timer(1.5, lambda: webbrowser.open(url)).start()
    try:
        uvicorn.run(app, host=config.host, port=config.port, log_level="warning")
    finally:
        state.close()
