"""Smoke test of an installed spatial (a wheel in a fresh venv outside the source tree): ``spatial app``
starts, headless Chromium shows the viewer drawing the default world, and W walks forward.

Run by ``.ci/run`` after ``pip install dist/spatial-*.whl[app]`` into a fresh venv::

    python tests/smoke_installed_app.py /path/to/venv

The browser is driven from the interpreter running this script (it needs Playwright, the ``test`` extra);
the app runs from the venv given, from a working folder outside the checkout, so it can only find what the
wheel installed (the package, ``spatial_app``, the viewer bundle). Not collected by pytest (no ``test_``
prefix): it needs a built wheel. Screenshots go to test-artifacts/installed/.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from app_helpers import CHROMIUM_FLAGS, chromium_path, free_port, non_background_fraction  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def check(cond: bool, msg: str) -> None:
    if not cond:
        raise SystemExit(f"SMOKE FAILED: {msg}")
    print(f"ok: {msg}", flush=True)


def installed_paths(venv: Path, cwd: Path) -> dict:
    code = ("import json, spatial, spatial_app, spatial.viewer_bundle as v;"
            "print(json.dumps({'spatial': spatial.__file__, 'app': spatial_app.__file__, 'bundle': str(v.bundle_path()),"
            "'version': spatial.__version__}))")
    r = subprocess.run([str(venv / "bin" / "python"), "-c", code], cwd=cwd, capture_output=True, text=True,
                       env=clean_env(), timeout=120)
    check(r.returncode == 0, f"the installed package imports ({r.stderr.strip()[-300:]})")
    return json.loads(r.stdout)


def clean_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV") and not k.startswith("SPATIAL_")}
    env["GRADIO_ANALYTICS_ENABLED"] = "False"
    return env


def wait_http(url: str, proc: subprocess.Popen, timeout: float) -> None:
    t0 = time.time()
    while time.time() - t0 < timeout:
        if proc.poll() is not None:
            raise SystemExit(f"SMOKE FAILED: spatial app exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1.0)
    raise SystemExit(f"SMOKE FAILED: {url} did not answer within {timeout:.0f} s")


def drive(url: str, art: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 760})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.set_default_timeout(120_000)
        page.goto(url + "/")
        page.wait_for_function("window.__viewerLoaded === true || !!window.__viewerError", timeout=180_000)
        err = page.evaluate("window.__viewerError || null")
        check(err is None, f"the viewer started (error: {err})")
        page.wait_for_function("window.spatialViewer.info && window.spatialViewer.frames > 8", timeout=120_000)
        page.evaluate("window.spatialViewer.setRealtime(false)")
        page.evaluate("window.spatialViewer.waitFrames(3)")
        png = page.locator("canvas.sv-canvas").screenshot()
        (art / "01_default_world.png").write_bytes(png)
        frac = non_background_fraction(png)
        check(frac >= 0.25, f"the viewer draws the world ({frac:.0%} of the canvas differs from the background)")

        page.evaluate("window.spatialViewer.resetToSpawn()")
        start = page.evaluate("window.spatialViewer.getCamera()")
        page.locator("canvas.sv-canvas").focus()
        page.keyboard.down("w")
        after = page.evaluate("window.spatialViewer.step(30)")
        page.keyboard.up("w")
        (art / "02_walked.png").write_bytes(page.locator("canvas.sv-canvas").screenshot())
        dx = after["position"][0] - start["position"][0]
        dz = after["position"][2] - start["position"][2]
        yaw = start.get("yaw", 0.0)
        forward = -math.sin(yaw) * dx - math.cos(yaw) * dz  # yaw 0 looks along -Z, positive turns left
        check(forward > 0.5, f"W walks forward ({forward:.2f} m in 30 steps, yaw {yaw:.2f})")
        check(not errors, f"no page errors {errors}")
        browser.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("venv", type=Path, help="virtualenv with the spatial wheel installed (with the app extra)")
    ap.add_argument("--timeout", type=float, default=600, help="seconds to wait for the app to start (it makes the default world first)")
    args = ap.parse_args()
    if chromium_path() is None:
        raise SystemExit("SMOKE FAILED: Debian's chromium is not installed (apt-get install chromium)")
    venv = args.venv.resolve()
    art = REPO / "test-artifacts" / "installed"
    art.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="spatial-smoke-") as tmp:
        cwd = Path(tmp)
        paths = installed_paths(venv, cwd)
        for key in ("spatial", "app", "bundle"):
            check(Path(paths[key]).is_relative_to(venv) and not Path(paths[key]).is_relative_to(REPO),
                  f"{key} comes from the venv: {paths[key]}")
        port = free_port()
        log = open(art / "server.log", "w")
        proc = subprocess.Popen([str(venv / "bin" / "spatial"), "app", "--store", str(cwd / "store"), "--port", str(port),
                                 "--no-browser"], cwd=cwd, env=clean_env(), stdout=log, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            wait_http(url + "/api/controller", proc, args.timeout)
            with urllib.request.urlopen(url + "/viewer/viewer.esm.js", timeout=30) as r:
                size = len(r.read())
            check(size > 1_000_000, f"the app serves the viewer bundle from package data ({size / 1e6:.1f} MB)")
            drive(url, art)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()
    print(f"installed app smoke test passed (spatial {paths['version']}); screenshots in {art}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
