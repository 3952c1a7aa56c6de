"""The Create tab's "Fill scene spec from prompt" button calls the prompt parser (issue 15): in a real
browser (Debian's chromium through Playwright, as tests/test_app_browser.py), the editable JSON it
fills is the scene graph of the prompt - shell, object groups with counts and colours, relations."""

from __future__ import annotations

import json

import pytest

from app_helpers import CHROMIUM_FLAGS, ServerThread, chromium_path, free_port, import_app, make_test_world

pytestmark = pytest.mark.browser

if chromium_path() is None:
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)
playwright = pytest.importorskip("playwright.sync_api")


def test_spec_for_prompt_is_the_scene_graph():
    import_app()
    from spatial_app.making import spec_for_prompt

    d = spec_for_prompt("two red tents by the lake at night", 3)
    assert d["type"] == "scene_graph" and d["seed"] == 3 and d["style"]["time_of_day"] == "night"
    tents = [g for g in d["groups"] if g["kind"] == "tent"]
    assert tents and tents[0]["count"] == 2 and tents[0]["attributes"]["color_name"] == "red"
    assert any(r["relation"] == "by_water" for r in d["relations"])


def test_fill_scene_spec_button(tmp_path):
    import os

    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    app = import_app()
    cfg = app.AppConfig(store=tmp_path / "store", port=free_port(), make_default_world=False, max_upload_mb=1.0, viewer_height=320)
    state = app.AppState(cfg)
    state.library.add(make_test_world(), "Test yard")
    try:
        with ServerThread(cfg, state) as srv, playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS)
            pg = browser.new_page(viewport={"width": 1280, "height": 760})
            pg.set_default_timeout(90_000)
            pg.goto(srv.url + "/")
            pg.locator("button[role=tab]:has-text('Create')").first.click()
            pg.locator("#create-prompt textarea").fill("a medieval castle courtyard with a well in the middle and three benches")
            pg.locator("#create-advanced").get_by_text("Advanced").click()
            pg.get_by_role("button", name="Fill scene spec from prompt").click()
            pg.wait_for_function("document.querySelector('#create-status') && "
                                 "document.querySelector('#create-status').textContent.includes('Scene spec filled')", timeout=180_000)
            text = pg.evaluate("""(() => { const c = document.querySelector('#create-spec .cm-content');
                                          return c ? c.innerText : document.querySelector('#create-spec').innerText; })()""")
            browser.close()
    finally:
        state.close()
    d = json.loads(text)
    assert d["type"] == "scene_graph" and d["shell"]["kind"] == "courtyard"
    well = next(g for g in d["groups"] if g["kind"] == "well")
    assert well["count"] == 1 and any(r["relation"] == "middle" and r["subject"] == well["id"] for r in d["relations"])
    benches = [g for g in d["groups"] if g["kind"] == "bench" and g["named"]]
    assert benches and benches[0]["count"] == 3
