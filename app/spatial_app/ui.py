"""The Gradio UI: viewer (a ``gr.HTML`` hosting the viewer bundle) + Create, Worlds, Export tabs.

Python -> viewer: the HTML component's value is a JSON command ``{"open": world_id, "nonce": n}``
that the viewer's ``watch('value')`` acts on. Viewer -> Python: after an edit the viewer calls
``trigger('change')`` and the Worlds panel refreshes. Edits themselves go straight to the REST API
(``server.py``), which applies them through the store (each one a new version).

Every world operation here (list, thumbnails, history, rename, duplicate, delete, checkout) is a
call on the app's :class:`~spatial_app.library.Library`, i.e. on ``spatial.Store``.
"""

from __future__ import annotations

import json
import logging
import os
import uuid

import gradio as gr

from spatial.errors import ValidationError

from .making import QUALITIES, Unavailable, check_video, from_image, from_photos, from_prompt, spec_for_prompt
from .security import public_message
from .uploads import IMAGE, PHOTOS, VIDEO_EXT, UploadRefused, check_upload

log = logging.getLogger("spatial.app")

VIEWER_JS = r"""
const host = element.querySelector('.spatial-viewer-host');
window.__viewerLoaded = false;
const cmdOf = () => { try { return JSON.parse(props.value || '{}') } catch (e) { return {} } };
let lastNonce = null;
import('/viewer/viewer.esm.js').then(async (m) => {
  const v = await m.createViewer(host, { api: '' });
  v.on('change', () => trigger('change'));
  const run = async () => {
    const cmd = cmdOf();
    if (!cmd.open || cmd.nonce === lastNonce) return;
    lastNonce = cmd.nonce;
    await v.open(cmd.open, { version: cmd.version || null });
  };
  watch('value', () => { run().catch((e) => console.warn('spatial viewer:', e)); });
  await run();
  window.__viewerLoaded = true;
}).catch((e) => { window.__viewerError = String(e && e.stack || e); console.error('spatial viewer failed to start:', e); });
"""

CSS = """
#spatial-viewer { padding: 0 !important; }
.spatial-viewer-host { width: 100%; }
#create-status, #worlds-status { min-height: 1.5em; }
.refused { color: #c0392b; font-weight: 600; }
"""

HELP_MD = """
**Walk**: click the viewer, then W A S D; drag (or click to capture the mouse) to look; **Shift** runs,
**Space** jumps, **F** toggles fly mode (Space up, C down), **R** goes back to the spawn point, **H** hides the help.

**Edit**: press **E** (or the Edit button), click the world to select a sphere or box around the point
(or "ray": the splat under the cursor and its neighbours), then Delete / Move / Rotate / Scale / Recolour,
insert a primitive or a mesh, drop an object (it falls with rigid-body physics and comes to rest), or
drop the selection. Every change is a new version of the world in the store; **Ctrl+Z / Ctrl+Y** (or
Undo / Redo) step through them, and the Worlds tab lists who changed what when.
Keys typed into text boxes never reach the viewer.
"""


def _cmd(world_id: str | None) -> str:
    return json.dumps({"open": world_id, "nonce": uuid.uuid4().hex[:8]}) if world_id else "{}"


def _refused(msg: str) -> str:
    return f"<span class='refused'>⚠ {msg}</span>"


HISTORY_HEADERS = ["v", "what", "who", "when", "state"]


def _when(iso: str) -> str:
    return iso.replace("T", " ")[:19] + " UTC" if iso else ""


def build_ui(state) -> gr.Blocks:
    lib = state.library
    cfg = state.config

    def gallery_items():
        items, ids = [], []
        for s in lib.list():
            try:
                thumb = str(state.files.thumbnail(s.id, s.version))
            except Exception as e:  # noqa: BLE001 - a broken world must not hide the others
                log.warning("thumbnail for %s failed: %s", s.id, e)
                continue
            items.append((thumb, f"{s.name} · v{s.version}"))
            ids.append(s.id)
        return items, ids

    def history_rows(world_id):
        if not world_id:
            return []
        try:
            rows = lib.history_rows(world_id)
        except Exception:  # noqa: BLE001 - deleted meanwhile
            return []
        return [[r["version"], r["what"], r["author"], _when(r["created"]),
                 "current" if r["current"] else ("undone" if r["undone"] else "")] for r in rows]

    def details(world_id):
        if not world_id:
            return "", [], "No world selected."
        try:
            s = lib.summary(world_id)
        except Exception:  # noqa: BLE001
            return "", [], "That world no longer exists."
        return (s.name, history_rows(world_id),
                f"**{s.name}**: version {s.version} ({s.versions} versions, {s.n_splats:,} splats)")

    def first_world():
        ws = lib.list()
        return ws[0].id if ws else None

    def export_choices():
        out = []
        try:
            out += [(f"{k.upper()}: {d}", k) for k, d in state.available_exports().items()]
        except Exception:  # noqa: BLE001
            pass
        try:
            from spatial.exporting import ENGINES

            out += [(f"{p.title} (zip)", f"engine:{k}") for k, p in ENGINES.items()]
        except ImportError:
            pass
        return out

    # delete_cache: gradio's copies of downloads and uploads go after an hour (checked every 10 minutes)
    with gr.Blocks(title="spatial: world builder", fill_width=True, delete_cache=(600, 3600)) as demo:
        current = gr.State(None)  # world id shown in the viewer
        gallery_ids = gr.State([])
        picked = gr.State(None)  # world id picked in the gallery
        gr.Markdown("## spatial · make a world, walk through it, edit it")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=480):
                viewer = gr.HTML(
                    value="{}",
                    html_template=f"<div class='spatial-viewer-host' style='height:{cfg.viewer_height}px'></div>",
                    js_on_load=VIEWER_JS,
                    elem_id="spatial-viewer",
                    padding=False,
                    apply_default_css=False,
                )
            with gr.Column(scale=2, min_width=340):
                with gr.Tabs():
                    with gr.Tab("Create", id="create", elem_id="tab-create"):
                        prompt = gr.Textbox(label="Prompt", lines=2, elem_id="create-prompt",
                                            placeholder="e.g. a misty pine forest with a wooden cabin by a lake")
                        with gr.Row():
                            quality = gr.Radio(list(QUALITIES), value="draft", label="Quality", elem_id="create-quality")
                            seed = gr.Number(value=0, precision=0, label="Seed", minimum=0, maximum=2**31 - 1, elem_id="create-seed")
                        with gr.Accordion("Advanced: splat budget, scene spec", open=False, elem_id="create-advanced"):
                            splats = gr.Number(value=0, precision=0, minimum=0, maximum=5_000_000, elem_id="create-splats",
                                               label="Splat budget (0 = the quality tier's)")
                            spec_btn = gr.Button("Fill scene spec from prompt", size="sm")
                            spec = gr.Code(language="json", label="Scene spec (JSON, editable)", lines=8, elem_id="create-spec")
                        with gr.Accordion("From an image, photos or a video", open=False):
                            image = gr.File(label="Image (png, jpg, webp)", file_count="single", elem_id="create-image")
                            photos = gr.File(label="Photos or a video", file_count="multiple", elem_id="create-photos")
                        create_btn = gr.Button("Create world", variant="primary", elem_id="create-button")
                        create_status = gr.Markdown(elem_id="create-status")
                    with gr.Tab("Worlds", id="worlds", elem_id="tab-worlds") as worlds_tab:
                        gallery = gr.Gallery(label="Your worlds", columns=2, height=300, allow_preview=False,
                                             object_fit="cover", elem_id="worlds-gallery")
                        worlds_status = gr.Markdown(elem_id="worlds-status")
                        name = gr.Textbox(label="Name", elem_id="worlds-name")
                        with gr.Row():
                            open_btn = gr.Button("Open", size="sm", elem_id="worlds-open")
                            rename_btn = gr.Button("Rename", size="sm", elem_id="worlds-rename")
                            dup_btn = gr.Button("Duplicate", size="sm", elem_id="worlds-duplicate")
                            del_btn = gr.Button("Delete…", size="sm", variant="stop", elem_id="worlds-delete")
                        with gr.Row(visible=False, elem_id="worlds-confirm") as confirm_row:
                            confirm_md = gr.Markdown()
                            confirm_btn = gr.Button("Yes, delete it", variant="stop", size="sm", elem_id="worlds-confirm-delete")
                            cancel_btn = gr.Button("Cancel", size="sm", elem_id="worlds-cancel-delete")
                        history = gr.Dataframe(headers=HISTORY_HEADERS, datatype=["number", "str", "str", "str", "str"],
                                               interactive=False, label="Version history (newest first)",
                                               elem_id="worlds-history", wrap=True,
                                               column_widths=["9%", "45%", "14%", "20%", "12%"])
                        with gr.Row():
                            restore_v = gr.Number(label="Version", precision=0, minimum=0, scale=1, elem_id="worlds-version")
                            restore_btn = gr.Button("Make this version current", size="sm", scale=1, elem_id="worlds-checkout")
                    with gr.Tab("Export", id="export", elem_id="tab-export"):
                        gr.Markdown("Download the world shown in the viewer (its current version).")
                        choices = export_choices()
                        fmt = gr.Radio(choices, value=choices[0][1] if choices else None, label="Format or engine preset",
                                       elem_id="export-format")
                        export_btn = gr.Button("Prepare download", elem_id="export-button")
                        download = gr.File(label="Download", interactive=False, elem_id="export-file")
                        export_status = gr.Markdown(elem_id="export-status")
                    with gr.Tab("Help", id="help"):
                        gr.Markdown(HELP_MD)

        # -------------------------------------------------------------- startup
        def on_load():
            wid = first_world()
            items, ids = gallery_items()
            n, hist, st = details(wid)
            return _cmd(wid), wid, items, ids, wid, n, hist, st

        demo.load(on_load, outputs=[viewer, current, gallery, gallery_ids, picked, name, history, worlds_status])

        # -------------------------------------------------------------- create
        def fill_spec(p, sd):
            try:
                s = spec_for_prompt(p or "", int(sd or 0))
            except Exception as e:  # noqa: BLE001
                return gr.update(), _refused(str(e))
            if s is None:
                return gr.update(), _refused("the scene-spec builder (spatial.generate) is not available in this build")
            return json.dumps(s, indent=2, default=str), "Scene spec filled from the prompt: edit it, then Create."

        spec_btn.click(fill_spec, [prompt, seed], [spec, create_status])

        def check_image(f):
            if not f:
                return gr.update(), ""
            try:
                check_upload(f, IMAGE, cfg.max_upload_mb)
            except UploadRefused as e:
                return None, _refused(str(e))
            return gr.update(), "Image accepted."

        def check_photos(fs):
            if not fs:
                return gr.update(), ""
            try:
                for f in fs:
                    check_upload(f, PHOTOS, cfg.max_upload_mb)
                    if os.path.splitext(str(f))[1].lower() in VIDEO_EXT:
                        check_video(f)  # a renamed non-video is refused before anything starts
            except UploadRefused as e:
                return None, _refused(str(e))
            return gr.update(), f"{len(fs)} file(s) accepted."

        image.upload(check_image, image, [image, create_status])
        photos.upload(check_photos, photos, [photos, create_status])

        def create(p, q, sd, budget, spec_text, img, phs, cur, progress=gr.Progress(track_tqdm=True)):
            progress(0.02, desc="Reading the request")
            try:
                spec_obj = json.loads(spec_text) if spec_text and spec_text.strip() else None
            except json.JSONDecodeError as e:
                raise gr.Error(f"the scene spec is not valid JSON: {e}") from None
            try:
                if phs:
                    for f in phs:
                        check_upload(f, PHOTOS, cfg.max_upload_mb)
                        if os.path.splitext(str(f))[1].lower() in VIDEO_EXT:
                            check_video(f)
                    progress(0.1, desc="Reconstructing from photos/video")
                    world, how = from_photos(list(phs), quality=q), "photos"
                elif img:
                    check_upload(img, IMAGE, cfg.max_upload_mb)
                    progress(0.1, desc="Lifting the image to 3D")
                    world, how = from_image(img, seed=int(sd or 0), quality=q, prompt=p or ""), "image"
                else:
                    progress(0.1, desc=f"Generating ({q})")
                    world, how = from_prompt(p or "", seed=int(sd or 0), quality=q, spec=spec_obj,
                                             splats=int(budget) if budget else None), "prompt"
            except (UploadRefused, Unavailable, ValidationError) as e:
                return (gr.update(), cur, _refused(public_message(e))) + (gr.update(),) * 3
            except Exception as e:  # noqa: BLE001
                raise gr.Error(f"could not make the world: {public_message(e)}") from None
            progress(0.85, desc="Saving to the store")
            title = (p or "").strip() or (world.name if world.name != "world" else "") or f"{how} world"
            s = lib.add(world, title, message=f"created from {how}" + (f": {p.strip()[:80]}" if p else ""))
            progress(0.95, desc="Opening in the viewer")
            items, ids = gallery_items()
            msg = f"Created **{s.name}** ({len(world.splats):,} splats). It is open in the viewer."
            return _cmd(s.id), s.id, msg, items, ids, s.id

        create_btn.click(
            create, [prompt, quality, seed, splats, spec, image, photos, current],
            [viewer, current, create_status, gallery, gallery_ids, picked],
        )

        # -------------------------------------------------------------- worlds
        def refresh(wid):
            items, ids = gallery_items()
            n, hist, st = details(wid)
            return items, ids, n, hist, st

        def on_viewer_change(cur, wid):
            # the viewer saved an edit: refresh the gallery and the picked world's history
            items, ids = gallery_items()
            return items, ids, history_rows(wid or cur)

        viewer.change(on_viewer_change, [current, picked], [gallery, gallery_ids, history])
        worlds_tab.select(refresh, [picked], [gallery, gallery_ids, name, history, worlds_status])

        def pick(ids, evt: gr.SelectData):
            wid = ids[evt.index] if evt is not None and 0 <= evt.index < len(ids) else None
            n, hist, st = details(wid)
            return wid, n, hist, st

        gallery.select(pick, [gallery_ids], [picked, name, history, worlds_status])

        def do_open(wid):
            if not wid:
                return gr.update(), gr.update(), "Pick a world in the gallery first."
            return _cmd(wid), wid, f"Opened **{wid}** in the viewer."

        open_btn.click(do_open, [picked], [viewer, current, worlds_status])

        def do_rename(wid, new_name, cur):
            if not wid:
                return (gr.update(),) * 7 + ("Pick a world first.",)
            try:
                s = lib.rename(wid, new_name)
            except Exception as e:  # noqa: BLE001
                return (gr.update(),) * 7 + (_refused(str(e)),)
            items, ids = gallery_items()
            view = _cmd(s.id) if cur == wid else gr.update()
            return (items, ids, s.id, s.name, history_rows(s.id), view, s.id if cur == wid else cur,
                    f"Renamed to **{s.name}**.")

        rename_btn.click(do_rename, [picked, name, current],
                         [gallery, gallery_ids, picked, name, history, viewer, current, worlds_status])

        def do_dup(wid):
            if not wid:
                return (gr.update(),) * 5 + ("Pick a world first.",)
            try:
                s = lib.duplicate(wid)
            except Exception as e:  # noqa: BLE001
                return (gr.update(),) * 5 + (_refused(str(e)),)
            items, ids = gallery_items()
            return items, ids, s.id, s.name, history_rows(s.id), f"Duplicated as **{s.name}**."

        dup_btn.click(do_dup, [picked], [gallery, gallery_ids, picked, name, history, worlds_status])

        # the confirmation is server-side state: a delete call without the ask step deletes nothing
        pending_delete = gr.State(None)

        def ask_delete(wid):
            if not wid:
                return gr.update(visible=False), "", "Pick a world first.", None
            return gr.update(visible=True), f"Delete **{wid}** and all its versions?", "", wid

        del_btn.click(ask_delete, [picked], [confirm_row, confirm_md, worlds_status, pending_delete])
        cancel_btn.click(lambda: (gr.update(visible=False), "Kept.", None), None, [confirm_row, worlds_status, pending_delete])

        def do_delete(wid, cur, pending):
            if not wid or wid != pending:
                return (gr.update(visible=False),) + (gr.update(),) * 5 + ("Nothing deleted: confirm first.",
                                                                            gr.update(), gr.update(), None)
            try:
                lib.delete(wid)
            except Exception as e:  # noqa: BLE001
                return (gr.update(visible=False),) + (gr.update(),) * 5 + (_refused(str(e)), gr.update(), gr.update(), None)
            items, ids = gallery_items()
            new_cur = cur if cur != wid else first_world()
            view = _cmd(new_cur) if cur == wid else gr.update()
            return gr.update(visible=False), items, ids, None, "", [], f"Deleted **{wid}**.", view, new_cur, None

        confirm_btn.click(do_delete, [picked, current, pending_delete],
                          [confirm_row, gallery, gallery_ids, picked, name, history, worlds_status, viewer, current,
                           pending_delete])

        def do_checkout(wid, v, cur):
            if not wid or v is None:
                return gr.update(), gr.update(), gr.update(), "Pick a world and a version."
            try:
                lib.checkout(wid, int(v))
            except Exception as e:  # noqa: BLE001
                return gr.update(), gr.update(), gr.update(), _refused(str(e))
            return (history_rows(wid), _cmd(wid), wid,
                    f"Version {int(v)} is current again (the later versions stay in the history).")

        restore_btn.click(do_checkout, [picked, restore_v, current], [history, viewer, current, worlds_status])

        def pick_version(evt: gr.SelectData):
            try:
                row = evt.row_value if evt is not None else None
                return int(row[0]) if row else gr.update()
            except (TypeError, ValueError, AttributeError):
                return gr.update()

        history.select(pick_version, None, [restore_v])

        # -------------------------------------------------------------- export
        def do_export(wid, f):
            if not wid:
                return None, "Open a world first."
            try:
                if f and f.startswith("engine:"):
                    path, fname = state.files.engine_export(wid, f.split(":", 1)[1])
                else:
                    path, fname = state.export(wid, f)
            except Exception as e:  # noqa: BLE001
                return None, _refused(str(e))
            # Gradio serves files from its cache under their file name: copy under the download name.
            import shutil
            import tempfile
            from pathlib import Path

            import threading

            d = Path(tempfile.mkdtemp(prefix="spatial-export-"))
            try:
                os.link(path, d / fname)  # no second copy of the bytes on disk
            except OSError:
                shutil.copyfile(path, d / fname)
            # gradio copies the file into its own cache when this returns; the temp folder then goes
            threading.Timer(120.0, shutil.rmtree, [d], {"ignore_errors": True}).start()
            return str(d / fname), f"Ready: **{fname}** ({path.stat().st_size / 1e6:.2f} MB)"

        export_btn.click(do_export, [current, fmt], [download, export_status])

    return demo
