"""The three.js export: a static page that walks the world, served from its own folder only."""

import functools
import http.server
import json
import threading
from urllib.parse import urlparse

import pytest

from app_helpers import CHROMIUM_FLAGS, chromium_path, make_test_world, non_background_fraction
from conftest import artifacts_dir

playwright = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    from spatial.exporting import export

    out = tmp_path_factory.mktemp("web")
    manifest = json.loads(export(make_test_world(2000), "threejs", out).read_text())
    return out, manifest


def test_threejs_export_files(exported):
    out, manifest = exported
    kinds = {f["kind"] for f in manifest["files"]}
    assert {"splats", "collider", "web-page", "web-viewer", "web-collider"} <= kinds
    page = (out / "index.html").read_text()
    assert "./viewer.esm.js" in page and "http" not in page.split("<script")[1]


@pytest.mark.browser
def test_threejs_page_walks_the_world_offline(exported):
    if chromium_path() is None:
        pytest.skip("Debian's chromium is not installed")
    out, manifest = exported
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/index.html"
    outside, errors = [], []
    try:
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS)
            ctx = browser.new_context(viewport={"width": 800, "height": 600})

            def guard(route):
                u = route.request.url
                if u.startswith(("data:", "blob:")) or urlparse(u).hostname == "127.0.0.1":
                    route.continue_()
                else:
                    outside.append(u)
                    route.abort()

            ctx.route("**/*", guard)
            pg = ctx.new_page()
            pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            pg.on("pageerror", lambda e: errors.append(str(e)))
            pg.goto(url)
            pg.wait_for_function("window.spatialViewer && window.spatialViewer.info && window.spatialViewer.frames > 8", timeout=120_000)
            pg.evaluate("window.spatialViewer.setRealtime(false)")
            start = pg.evaluate("window.spatialViewer.getCamera()")
            after = pg.evaluate("window.spatialViewer.step(30, ['KeyW'])")
            pg.evaluate("window.spatialViewer.waitFrames(3)")
            png = pg.locator("canvas").first.screenshot()
            (artifacts_dir("export") / "threejs_page.png").write_bytes(png)
            browser.close()
    finally:
        httpd.shutdown()
    assert not outside, outside
    assert not errors, errors
    assert non_background_fraction(png) >= 0.3
    assert after["position"][2] < start["position"][2] - 1.0  # walked forward (-Z at yaw 0)
    assert after["grounded"]
