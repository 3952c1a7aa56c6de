"""The app in a real browser: Debian's chromium (headless, WebGL on SwiftShader) through Playwright.

One server (a tiny test world in a temporary store) and one page for the module. The order of the
tests is the order a user would go: look, walk, hit a wall, fall off an edge, edit (delete, reload,
undo, drop an object), refused uploads, create a world from a prompt, manage worlds in the Worlds tab
(thumbnails, history, rename, duplicate, delete with confirmation), download exports. Every request
the page makes is checked to stay on 127.0.0.1. Screenshots go to test-artifacts/app/.
"""

from __future__ import annotations

import math
from urllib.parse import urlparse

import pytest

from app_helpers import (
    CHROMIUM_FLAGS, LOWER_Y, RED_BOX_CENTER, REPO, WALL_FACE, ServerThread, chromium_path, free_port, import_app,
    make_test_world, non_background_fraction, red_pixels, yaw_towards,
)
from conftest import artifacts_dir

pytestmark = pytest.mark.browser

if chromium_path() is None:  # a user's machine without chromium; CI installs it (make system-deps)
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)
playwright = pytest.importorskip("playwright.sync_api")

ART = artifacts_dir("app")
OUTSIDE: list[str] = []  # requests that tried to leave 127.0.0.1
CONSOLE_ERRORS: list[str] = []


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import os

    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    app = import_app()
    store = tmp_path_factory.mktemp("store")
    cfg = app.AppConfig(store=store, port=free_port(), make_default_world=False, max_upload_mb=1.0, viewer_height=480)
    state = app.AppState(cfg)
    state.library.add(make_test_world(), "Test yard")
    with ServerThread(cfg, state) as srv:
        srv.state = state
        yield srv
    state.close()


@pytest.fixture(scope="module")
def page(server):
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": 1280, "height": 760}, accept_downloads=True)

        def guard(route):
            host = urlparse(route.request.url).hostname
            if route.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
                route.continue_()
            else:
                OUTSIDE.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        pg = context.new_page()
        pg.on("console", lambda m: CONSOLE_ERRORS.append(f"{m.text} ({m.location.get('url', '')})")
              if m.type == "error" and not _expected_refusal(m) else None)
        pg.on("pageerror", lambda e: CONSOLE_ERRORS.append(f"pageerror: {e}"))
        pg.set_default_timeout(90_000)
        pg.goto(server.url + "/")
        wait_viewer(pg)
        yield pg
        context.close()
        browser.close()


def _expected_refusal(msg) -> bool:
    """The browser logs the HTTP 400 of the deliberately oversized upload; that is the expected refusal."""
    return "status of 400" in msg.text and "/insert-mesh" in (msg.location or {}).get("url", "")


def poll_red(pg, cond, name, timeout_s: float = 20.0) -> int:
    """Red pixels of the canvas once ``cond(n)`` holds (Spark shows a reloaded mesh a few frames late)."""
    import time

    t0 = time.time()
    while True:
        n = red_pixels(canvas_png(pg, name, hide_overlays=True))
        if cond(n) or time.time() - t0 > timeout_s:
            return n


def wait_viewer(pg, frames: int = 8):
    pg.wait_for_function("window.__viewerLoaded === true || !!window.__viewerError", timeout=90_000)
    err = pg.evaluate("window.__viewerError || null")
    assert err is None, f"viewer failed to start: {err}"
    pg.wait_for_function(f"window.spatialViewer.info && window.spatialViewer.frames > {frames}", timeout=90_000)
    pg.evaluate("window.spatialViewer.setRealtime(false)")


def canvas_png(pg, name: str | None = None, hide_overlays: bool = False) -> bytes:
    if hide_overlays:
        pg.evaluate("""for (const s of ['.sv-minimap', '.sv-help', '.sv-hud', '.sv-cross', '.sv-modebar', '.sv-msg'])
                         document.querySelector(s).style.visibility = 'hidden'""")
    pg.evaluate("window.spatialViewer.waitFrames(3)")
    png = pg.locator("canvas.sv-canvas").screenshot()
    if hide_overlays:
        pg.evaluate("""for (const s of ['.sv-minimap', '.sv-help', '.sv-hud', '.sv-cross', '.sv-modebar', '.sv-msg'])
                         document.querySelector(s).style.visibility = ''""")
    if name:
        (ART / name).write_bytes(png)
    return png


def cam(pg) -> dict:
    return pg.evaluate("window.spatialViewer.getCamera()")


def place(pg, eye, yaw, pitch=0.0):
    pg.evaluate("([p, y, t]) => window.spatialViewer.setCamera({position: p, yaw: y, pitch: t})", [list(eye), yaw, pitch])


def test_page_loads_and_shows_the_world(page):
    page.screenshot(path=str(ART / "01_loaded.png"))
    info = page.evaluate("window.spatialViewer.info")
    assert info["name"] == "Test yard"
    frac = non_background_fraction(canvas_png(page, "01_canvas.png"))
    assert frac >= 0.30, f"only {frac:.0%} of the canvas differs from the background"
    renderer = page.evaluate("""(() => { const gl = document.querySelector('canvas.sv-canvas').getContext('webgl2');
                                  return gl ? gl.getParameter(gl.RENDERER) : null })()""")
    assert renderer is not None
    # the walker runs on exactly the Python controller's parameters
    from spatial.physics import ControllerParams

    p = ControllerParams()
    params = page.evaluate("window.spatialViewer.params")
    assert params == pytest.approx({**p.to_dict(), "jump_speed": p.jump_speed})
    assert not CONSOLE_ERRORS, CONSOLE_ERRORS


def test_w_moves_forward_and_keys_stay_on_the_canvas(page):
    page.evaluate("window.spatialViewer.resetToSpawn()")
    start = cam(page)
    # Typing W in a text box must not reach the viewer.
    page.locator("#create-prompt textarea").click()
    page.keyboard.down("w")
    assert page.evaluate("window.spatialViewer.keys.has('KeyW')") is False
    page.keyboard.up("w")
    page.locator("#create-prompt textarea").fill("")
    # On the canvas it does; then a fixed number of simulation steps moves the camera forward (-Z at yaw 0).
    page.locator("canvas.sv-canvas").focus()
    page.keyboard.down("w")
    assert page.evaluate("window.spatialViewer.keys.has('KeyW')") is True
    after = page.evaluate("window.spatialViewer.step(30)")
    page.keyboard.up("w")
    assert page.evaluate("window.spatialViewer.keys.has('KeyW')") is False
    dz = after["position"][2] - start["position"][2]
    assert -1.8 < dz < -1.2, f"30 steps at 3 m/s should move ~1.5 m forward, moved {dz:.3f}"
    assert abs(after["position"][0] - start["position"][0]) < 1e-3
    assert after["grounded"]
    canvas_png(page, "02_walked.png")


def test_wall_stops_the_walker(page):
    place(page, (0.0, 1.6, 0.0), 0.0)
    page.evaluate("window.spatialViewer.step(5, [])")
    a = page.evaluate("window.spatialViewer.step(150, ['KeyW'])")
    b = page.evaluate("window.spatialViewer.step(60, ['KeyW'])")
    radius = page.evaluate("window.spatialViewer.params.radius")
    z = b["feet"][2]
    assert z >= WALL_FACE + radius - 0.03, f"walked into the wall: z={z:.3f}, face {WALL_FACE}"
    assert z <= WALL_FACE + radius + 0.15, f"stopped short of the wall: z={z:.3f}"
    assert abs(b["feet"][2] - a["feet"][2]) < 1e-3, "still moving after reaching the wall"
    canvas_png(page, "03_at_wall.png")


def test_walking_off_an_edge_lands_below(page):
    place(page, (3.5, 1.6, 0.0), -math.pi / 2)  # facing +X, toward the edge at x = 5
    page.evaluate("window.spatialViewer.step(5, [])")
    assert abs(cam(page)["feet"][1]) < 0.05
    page.evaluate("window.spatialViewer.step(90, ['KeyW'])")
    c = page.evaluate("window.spatialViewer.step(120, [])")
    assert c["feet"][0] > 5.5
    assert abs(c["feet"][1] - LOWER_Y) < 0.08, f"feet at y={c['feet'][1]:.3f}, lower ground at {LOWER_Y}"
    assert c["grounded"]
    canvas_png(page, "04_fell_below.png")


def _look_at_red_box(pg):
    eye = (RED_BOX_CENTER[0], 1.6, RED_BOX_CENTER[2] + 3.5)
    place(pg, eye, yaw_towards((eye[0], eye[2]), (RED_BOX_CENTER[0], RED_BOX_CENTER[2])), -0.3)


def test_delete_selection_persists_and_undo_restores(page, server):
    _look_at_red_box(page)
    before = red_pixels(canvas_png(page, "05_before_delete.png", hide_overlays=True))
    assert before > 2000, f"the red crate should be in view ({before} red pixels)"
    v0 = page.evaluate("window.spatialViewer.info.version")
    page.evaluate("window.spatialViewer.setMode('edit')")
    page.evaluate("([c]) => window.spatialViewer.setSelection({shape: 'sphere', center: c, size: 0.95})", [list(RED_BOX_CENTER)])
    page.screenshot(path=str(ART / "05_selected.png"))
    info = page.evaluate("window.spatialViewer.runEdit('delete', {})")
    assert info["version"] == v0 + 1
    page.evaluate("window.spatialViewer.showSelection(false)")
    after = poll_red(page, lambda n: n < before * 0.05, "06_after_delete.png")
    assert after < before * 0.05, f"red pixels {before} -> {after}"
    page.screenshot(path=str(ART / "06_after_delete_page.png"))

    page.reload()
    wait_viewer(page)
    assert page.evaluate("window.spatialViewer.info.version") == v0 + 1
    _look_at_red_box(page)
    page.wait_for_function("window.spatialViewer.waitFrames(6).then(() => true)")
    png = canvas_png(page, "07_after_reload.png", hide_overlays=True)
    assert non_background_fraction(png) >= 0.30, "the reloaded world is not drawn"
    reloaded = red_pixels(png)
    assert reloaded < before * 0.05, "the deletion did not survive a reload"

    info = page.evaluate("window.spatialViewer.undo()")
    assert info["version"] == v0
    restored = poll_red(page, lambda n: n > before * 0.8, "08_after_undo.png")
    assert restored > before * 0.8, f"undo did not bring the crate back ({restored} vs {before})"
    # the store has both versions; the deletion is kept as an undone branch
    hist = {h.num: h for h in server.state.library.store.history("Test yard", all_versions=True)}
    assert hist[v0 + 1].op["op"] == "delete" and server.state.library.summary("Test yard").version == v0
    page.evaluate("window.spatialViewer.setMode('walk')")


def test_drop_object_from_the_toolbar(page, server):
    """Edit mode, select a spot on the floor, click Drop object: a box falls and rests on the floor."""
    place(page, (2.0, 1.6, 3.0), 0.0, -0.5)
    page.evaluate("window.spatialViewer.setMode('edit')")
    page.evaluate("window.spatialViewer.setSelection({shape: 'sphere', center: [2.0, 0.0, 1.0], size: 0.6})")
    v0 = page.evaluate("window.spatialViewer.info.version")
    page.locator(".sv-tools button[data-op=drop_object]").click()
    page.wait_for_function(f"window.spatialViewer.info.version > {v0}", timeout=60_000)
    page.evaluate("window.spatialViewer.showSelection(false)")
    canvas_png(page, "08b_dropped_box.png")
    w = server.state.library.load("Test yard")
    h = server.state.library.store.history("Test yard")[0]
    assert h.op["op"] == "insert_mesh" and "physics" in h.op["note"]
    lo = float(w.splats.means[-h.summary["added"]:, 1].min())  # the box's splats were appended
    assert abs(lo) < 0.05, f"the dropped box should rest on the floor (lowest splat at y={lo:.3f})"
    # undo it so the next tests see the plain test world
    page.evaluate("window.spatialViewer.undo()")
    page.evaluate("window.spatialViewer.setMode('walk')")


def test_wrong_type_and_oversized_uploads_are_refused(page, tmp_path):
    # Wrong type in the Create tab.
    page.get_by_text("From an image, photos or a video").click()
    bad = tmp_path / "notes.txt"
    bad.write_text("not an image")
    page.locator("#create-image input[type=file]").set_input_files(str(bad))
    status = page.locator("#create-status")
    status.get_by_text("refused").wait_for(state="visible", timeout=30_000)
    assert "not an accepted image type" in status.inner_text()
    page.screenshot(path=str(ART / "09_wrong_type_refused.png"))
    # Oversized mesh through the viewer's Insert mesh (limit 1 MB in this test).
    big = tmp_path / "big.glb"
    big.write_bytes(b"glTF" + b"\0" * (1024 * 1024 + 100))
    page.locator(".sv-tools input[data-k=mesh]").set_input_files(str(big))
    msg = page.locator(".sv-msg")
    msg.wait_for(state="visible", timeout=30_000)
    page.wait_for_function("document.querySelector('.sv-msg').textContent.includes('upload limit')", timeout=30_000)
    assert "upload limit" in msg.inner_text()
    page.screenshot(path=str(ART / "10_oversized_refused.png"))


def test_create_world_from_prompt(page):
    import spatial_app.making as making

    if not making.generator_available():
        pytest.fail("spatial.generate is not installed: text -> world cannot be tested")
    page.evaluate("""window.__progressSeen = [];
        new MutationObserver(() => {
          for (const e of document.querySelectorAll('.progress-text, .meta-text, .meta-text-center, .eta-bar, .progress-level'))
            if (e.textContent.trim()) window.__progressSeen.push(e.textContent.trim());
        }).observe(document.body, {subtree: true, childList: true, characterData: true});""")
    page.locator("#create-prompt textarea").fill("a small snowy clearing with pine trees")
    page.locator("#create-advanced").get_by_text("Advanced").click()
    budget = page.locator("#create-splats input")  # a small world: SwiftShader draws ~25k splats/s
    budget.wait_for(state="visible")
    # The accordion may (re)mount its content after opening, dropping a value typed too early: type it until
    # it survives a pause (under CPU load the mount can take a while).
    for _ in range(30):
        page.locator("#create-splats input").fill("10000")
        page.locator("#create-splats input").press("Tab")
        page.wait_for_timeout(700)
        if page.evaluate("document.querySelector('#create-splats input').value") == "10000":
            break
    page.wait_for_function("document.querySelector('#create-splats input').value === '10000'")
    page.locator("#create-button").click()
    page.locator("#create-status").get_by_text("Created").wait_for(state="visible", timeout=240_000)
    seen = page.evaluate("window.__progressSeen")
    assert seen, "no progress was shown while generating"
    page.wait_for_function("window.spatialViewer.info && window.spatialViewer.info.name.includes('snowy clearing')", timeout=120_000)
    page.evaluate("window.spatialViewer.setRealtime(false); window.spatialViewer.resetToSpawn()")
    frac = non_background_fraction(canvas_png(page, "11_created_canvas.png"))
    assert frac >= 0.30
    page.screenshot(path=str(ART / "11_created.png"))
    assert page.evaluate("window.spatialViewer.info.counts.splats") <= 10000
    page.locator("#tab-worlds-button, button[role=tab]:has-text('Worlds')").first.click()
    page.locator("#worlds-gallery").get_by_text("snowy clearing").first.wait_for(timeout=60_000)
    page.screenshot(path=str(ART / "12_gallery.png"))


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_create_world_from_fox_photos_and_refuse_a_fake_video(page, server, tmp_path):
    """Photos -> world from the app: a real upload of ten fox photos reconstructs a world (structure from
    motion + a draft fit) that is stored and that the viewer starts loading; a fake .mp4 (right magic bytes,
    no video) is refused on upload, before anything starts. Runs in its own page: the reconstructed world's
    large splats render very slowly in software (SwiftShader), which must not slow the other tests' page."""
    from urllib.parse import quote

    from hostile_helpers import fake_videos

    fox = sorted((REPO.parent / "shared" / "fixtures" / "fox" / "images").glob("*.jpg"))[:10]
    if len(fox) < 10:
        pytest.skip("the fox photos (../shared/fixtures/fox) are not here")
    ctx = page.context.browser.new_context(viewport={"width": 1280, "height": 760})
    try:
        pg = ctx.new_page()
        pg.set_default_timeout(90_000)
        served: list[tuple[str, int]] = []
        pg.on("response", lambda r: served.append((r.url, r.status)))
        pg.goto(server.url + "/")
        wait_viewer(pg)
        pg.get_by_text("From an image, photos or a video").click()
        status = pg.locator("#create-status")
        pg.locator("#create-photos input[type=file]").set_input_files(str(fake_videos(tmp_path)[0]))
        pg.wait_for_function("document.querySelector('#create-status').textContent.includes('not a video')", timeout=60_000)
        pg.locator("#create-photos input[type=file]").set_input_files([str(p) for p in fox])
        pg.wait_for_function("document.querySelector('#create-status').textContent.includes('10 file(s) accepted')",
                             timeout=60_000)
        pg.screenshot(path=str(ART / "12b_photos_accepted.png"))
        pg.locator("#create-prompt textarea").fill("")
        pg.locator("#create-button").click()
        status.get_by_text("Created").wait_for(state="visible", timeout=600_000)
        lib = server.state.library
        made = [s for s in lib.list() if lib.store.world(s.id).metadata.get("made_with", "").startswith("created from photos")]
        assert len(made) == 1 and made[0].n_splats > 1000, [(s.id, s.n_splats) for s in made]
        assert "reconstruct" in lib.store.world(made[0].id).metadata  # spatial.reconstruct's report came along
        want = f"/files/{quote(made[0].id, safe='')}/"
        for _ in range(300):  # the viewer opens the new world: it fetches its info and splats
            if any(want in u and u.endswith("splats.ply") and st == 200 for u, st in served):
                break
            pg.wait_for_timeout(1000)
        assert any(want in u and st == 200 for u, st in served), [u for u, _ in served if "/files/" in u][-5:]
    finally:
        ctx.close()


def _open_tab(pg, name):
    pg.locator(f"button[role=tab]:has-text('{name}')").first.click()


def _gallery_captions(pg) -> list[str]:
    return pg.evaluate("""[...document.querySelectorAll('#worlds-gallery .caption-label, #worlds-gallery figcaption')]
                          .map(e => e.textContent.trim())""")


def _pick_in_gallery(pg, name):
    pg.locator("#worlds-gallery").get_by_text(name).first.click()
    pg.locator("#worlds-name textarea, #worlds-name input").first.wait_for()
    pg.wait_for_function(f"""(document.querySelector('#worlds-name textarea') || document.querySelector('#worlds-name input'))
                             .value === {name!r}""", timeout=30_000)


def test_worlds_tab_gallery_history_rename_duplicate_delete(page, server):
    _open_tab(page, "Worlds")
    gal = page.locator("#worlds-gallery")
    gal.get_by_text("Test yard").first.wait_for(timeout=30_000)
    # every world has a thumbnail that loaded (the store's rendered preview)
    page.wait_for_function("""[...document.querySelectorAll('#worlds-gallery img')].length >= 2 &&
        [...document.querySelectorAll('#worlds-gallery img')].every(i => i.complete && i.naturalWidth > 0)""", timeout=30_000)
    # history of the test world: who, when, what; the undone delete is marked
    _pick_in_gallery(page, "Test yard")
    hist = page.locator("#worlds-history")
    hist.get_by_text("delete").first.wait_for(timeout=30_000)
    text = hist.inner_text()
    assert "undone" in text and "current" in text and "created" in text
    assert server.state.library.store.author in text
    page.screenshot(path=str(ART / "13_worlds_history.png"))
    # duplicate, then rename the copy
    n_before = len(server.state.library.list())
    page.locator("#worlds-duplicate").click()
    page.locator("#worlds-status").get_by_text("Duplicated as").wait_for(timeout=30_000)
    assert len(server.state.library.list()) == n_before + 1
    gal.get_by_text("Test yard copy").first.wait_for(timeout=30_000)
    name_box = page.locator("#worlds-name textarea, #worlds-name input").first
    name_box.fill("Yard two")
    page.locator("#worlds-rename").click()
    page.locator("#worlds-status").get_by_text("Renamed to").wait_for(timeout=30_000)
    gal.get_by_text("Yard two").first.wait_for(timeout=30_000)
    assert "Yard two" in server.state.library.store and "Test yard copy" not in server.state.library.store
    page.screenshot(path=str(ART / "14_worlds_renamed.png"))
    # delete asks first; Cancel keeps the world, Yes deletes it
    page.locator("#worlds-delete").click()
    confirm = page.locator("#worlds-confirm-delete")
    confirm.wait_for(state="visible", timeout=30_000)
    assert "Yard two" in page.locator("#worlds-confirm").inner_text()
    page.screenshot(path=str(ART / "15_worlds_confirm_delete.png"))
    page.locator("#worlds-cancel-delete").click()
    confirm.wait_for(state="hidden", timeout=30_000)
    assert "Yard two" in server.state.library.store
    page.locator("#worlds-delete").click()
    confirm.wait_for(state="visible", timeout=30_000)
    confirm.click()
    page.locator("#worlds-status").get_by_text("Deleted").wait_for(timeout=30_000)
    assert "Yard two" not in server.state.library.store
    page.wait_for_function("![...document.querySelectorAll('#worlds-gallery')].some(g => g.textContent.includes('Yard two'))",
                           timeout=30_000)
    page.screenshot(path=str(ART / "16_worlds_deleted.png"))


def test_export_tab_downloads(page, server, tmp_path):
    """Download the world shown in the viewer (the one created from the prompt) from the Export tab."""
    info = page.evaluate("window.spatialViewer.info")
    n, stem = info["counts"]["splats"], info["name"].lower().replace(" ", "-")
    _open_tab(page, "Export")
    from spatial.io.registry import load

    for label, suffix, check in [("PLY", ".ply", b"ply"), ("SPZ", ".spz", None), ("COLLIDER", ".collider.glb", b"glTF")]:
        page.locator("#export-format").get_by_text(label, exact=False).first.click()
        page.locator("#export-button").click()
        page.locator("#export-status").get_by_text("Ready").wait_for(timeout=60_000)
        link = page.locator(f"#export-file a[download$='{suffix}']").first
        link.wait_for(timeout=30_000)
        with page.expect_download(timeout=30_000) as dl:
            link.click()
        path = tmp_path / dl.value.suggested_filename
        dl.value.save_as(path)
        assert path.name == f"{stem}-v{info['version']}{suffix}"
        data = path.read_bytes()
        if check:
            assert data.startswith(check)
        if suffix in (".ply", ".spz"):
            assert len(load(path)) == n
    page.screenshot(path=str(ART / "17_export.png"))


def test_viewer_without_editing_hides_edit_controls(page):
    """``createViewer(el, {edit: false})`` (the static export page): no Edit button, no edit help, E does nothing."""
    out = page.evaluate("""async () => {
        const m = await import('/viewer/viewer.esm.js');
        const div = document.createElement('div');
        div.style.cssText = 'width:200px;height:150px;position:fixed;left:-400px;top:0';
        document.body.appendChild(div);
        const v = await m.createViewer(div, {edit: false, exposeGlobal: false, controller: {walk_speed: 2.5}});
        const res = {modes: [...div.querySelectorAll('.sv-modebar button[data-mode]')].map(b => b.dataset.mode),
                     help: div.querySelector('.sv-help').textContent, tools: !!div.querySelector('.sv-tools'),
                     walk: v.params.walk_speed, radius: v.params.radius};
        v.canvas.dispatchEvent(new KeyboardEvent('keydown', {code: 'KeyE', bubbles: true}));
        res.mode = v.mode;
        v.dispose(); div.remove();
        return res; }""")
    assert out["modes"] == ["walk", "fly"] and not out["tools"]
    assert "edit" not in out["help"].lower() and "W A S D" in out["help"]
    assert out["mode"] == "walk"
    assert out["walk"] == 2.5 and out["radius"] == 0.3  # opts.controller over the defaults


def test_no_request_left_localhost_and_no_console_errors(page):
    assert not OUTSIDE, f"requests left 127.0.0.1: {OUTSIDE}"
    assert not CONSOLE_ERRORS, CONSOLE_ERRORS
