"""The app's text box, Expand buttons and block tool in a real browser (headless chromium through Playwright).

Each test types or clicks as a user would in edit mode, then checks that the world changed (a new
version shown by the viewer), that the store holds it (a fresh store opened on the same folder, and
the page reloaded shows the same version), and that Undo takes it back.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from app_helpers import CHROMIUM_FLAGS, ServerThread, chromium_path, free_port, import_app
from conftest import artifacts_dir
from synthetic_worlds import ground_world

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # ~8 min on the shared 2-core machine

if chromium_path() is None:
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)
playwright = pytest.importorskip("playwright.sync_api")

ART = artifacts_dir("app_edit_text")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import os

    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    app = import_app()
    store = tmp_path_factory.mktemp("store")
    cfg = app.AppConfig(store=store, port=free_port(), make_default_world=False, viewer_height=480)
    state = app.AppState(cfg)
    state.library.add(ground_world(extent=40.0, splats=20000), "Meadow")
    with ServerThread(cfg, state) as srv:
        srv.state = state
        srv.store_dir = store
        yield srv
    state.close()


@pytest.fixture(scope="module")
def page(server):
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": 1280, "height": 760})
        context.route("**/*", lambda r: r.continue_() if (r.request.url.startswith(("data:", "blob:"))
                                                          or urlparse(r.request.url).hostname == "127.0.0.1") else r.abort())
        pg = context.new_page()
        pg.set_default_timeout(90_000)
        pg.goto(server.url + "/")
        wait_viewer(pg)
        pg.evaluate("window.spatialViewer.setMode('edit')")
        yield pg
        context.close()
        browser.close()


def wait_viewer(pg):
    pg.wait_for_function("window.__viewerLoaded === true || !!window.__viewerError", timeout=90_000)
    assert pg.evaluate("window.__viewerError || null") is None
    pg.wait_for_function("window.spatialViewer.info && window.spatialViewer.frames > 4", timeout=90_000)
    pg.evaluate("window.spatialViewer.setRealtime(false)")


def version(pg) -> int:
    return pg.evaluate("window.spatialViewer.info.version")


def store_head(server) -> tuple[int, int]:
    """(head version, splats) as another process reads the store."""
    import spatial

    st = spatial.Store(server.store_dir)
    try:
        h = st.open(st.list()[0].name)
        return h.version.num, h.state.n
    finally:
        st.close()


def wait_version(pg, old: int):
    pg.wait_for_function(f"window.spatialViewer.info.version !== {old}", timeout=120_000)


def changed_reloaded_undone(pg, server, act, name: str):
    v0 = version(pg)
    head0 = store_head(server)
    act()
    wait_version(pg, v0)
    v1 = version(pg)
    head1 = store_head(server)
    assert head1[0] == v1 and head1[1] != head0[1]
    pg.locator("canvas.sv-canvas").screenshot(path=str(ART / f"{name}.png"))
    pg.reload()
    wait_viewer(pg)
    pg.evaluate("window.spatialViewer.setMode('edit')")
    assert version(pg) == v1
    pg.locator('.sv-tools button[data-op="undo"]').click()
    wait_version(pg, v1)
    assert store_head(server) == head0


def test_text_box(page, server):
    def act():
        box = page.locator('.sv-tools input[data-k="text"]')
        box.fill("add a bench in front of me")
        box.press("Enter")

    changed_reloaded_undone(page, server, act, "text_box")


def test_text_box_refusal_shows_the_answer(page, server):
    v = version(page)
    page.locator('.sv-tools input[data-k="text"]').fill("add a dragon")
    page.locator('.sv-tools button[data-op="text"]').click()
    page.wait_for_function("document.querySelector('.sv-msg') && document.querySelector('.sv-msg').textContent.includes('Not done')")
    assert version(page) == v and store_head(server)[0] == v


def test_expand_button(page, server):
    changed_reloaded_undone(page, server, lambda: page.locator('.sv-tools button[data-op="expand"][data-side="north"]').click(), "expand")


def test_block_tool(page, server):
    def act():
        page.locator('.sv-tools select[data-k="block"]').select_option("cylinder")
        page.locator('.sv-tools input[data-k="bsize"]').fill("3 9 3")
        page.locator('.sv-tools button[data-op="block"]').click()

    changed_reloaded_undone(page, server, act, "block")


def test_four_expansions_stay_interactive(page, server):
    """Grow the meadow by four tiles with the buttons (N, E, S, W), reload: the viewer loads the grown world, keeps
    drawing frames, and the walker crosses the north seam (z = -20 m) on the extended collider."""
    for side in ("north", "east", "south", "west"):
        v = version(page)
        page.locator(f'.sv-tools button[data-op="expand"][data-side="{side}"]').click()
        wait_version(page, v)
    head = store_head(server)
    page.reload()
    wait_viewer(page)
    assert version(page) == head[0]
    import spatial

    st = spatial.Store(server.store_dir)
    try:
        tiles = st.open(st.list()[0].name).state.meta["metadata"]["tiles"]
    finally:
        st.close()
    assert len(tiles) == 5, tiles
    # interactive: frames keep coming in real time
    page.evaluate("window.spatialViewer.setRealtime(true)")
    f0 = page.evaluate("window.spatialViewer.frames")
    page.wait_for_function(f"window.spatialViewer.frames >= {f0 + 3}", timeout=60_000)
    page.evaluate("window.spatialViewer.setRealtime(false)")
    # walk north across the seam between the first tile and the new one
    page.evaluate("window.spatialViewer.setMode('walk')")
    page.evaluate("window.spatialViewer.setCamera({position: [0, 3, -16], yaw: 0, pitch: 0})")
    page.evaluate("window.spatialViewer.step(60)")  # land
    page.locator("canvas.sv-canvas").focus()
    page.keyboard.down("w")
    after = page.evaluate("window.spatialViewer.step(200)")
    page.keyboard.up("w")
    assert after["position"][2] < -24.0, f"the walker stopped at z = {after['position'][2]:.2f} (seam at -20)"
    assert after["grounded"]
    page.locator("canvas.sv-canvas").screenshot(path=str(ART / "four_expansions.png"))
