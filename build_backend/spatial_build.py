"""spatial's build backend: scikit-build-core (C++/CUDA kernels) plus the browser viewer bundle.

Before a wheel, an sdist or an editable install is built, the viewer bundle (``app/viewer`` -> one ES module
``spatial/viewer_bundle/viewer.esm.js``, package data of ``spatial``) is built from its lock file:
``npm ci`` when ``node_modules`` is missing or older than ``package-lock.json``, then ``npm run build``.
Everything else is scikit-build-core's.

* From a source checkout, node and npm must be on PATH; without them the build stops with a message
  saying so (set ``SPATIAL_VIEWER_BUILD=skip`` to build a package without the viewer: the app then shows
  no 3D view and ``spatial export --engine threejs`` refuses).
* From an sdist (it carries the built bundle and has ``PKG-INFO`` at its root), nothing is rebuilt and node
  is not needed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from scikit_build_core import build as _skbuild
from scikit_build_core.build import *  # noqa: F401,F403  (the PEP 517/660 hooks not wrapped below)

VIEWER_DIR = Path("app/viewer")
BUNDLE = Path("spatial/viewer_bundle/viewer.esm.js")


class ViewerBuildError(RuntimeError):
    pass


def _newest_mtime(paths) -> float:
    return max((p.stat().st_mtime for p in paths if p.is_file()), default=0.0)


def build_viewer(root: Path = Path(".")) -> Path:
    """Build (or, in an sdist, check) ``spatial/viewer_bundle/viewer.esm.js``; return its path."""
    bundle = root / BUNDLE
    if (root / "PKG-INFO").is_file():  # an unpacked sdist: the bundle was built when the sdist was made
        if not bundle.is_file():
            raise ViewerBuildError(f"this sdist has no {BUNDLE}; build the sdist from a checkout with node and npm")
        return bundle
    if os.environ.get("SPATIAL_VIEWER_BUILD", "").lower() == "skip":
        print(f"spatial build: SPATIAL_VIEWER_BUILD=skip: the package is built without {BUNDLE}", flush=True)
        return bundle
    viewer = root / VIEWER_DIR
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        raise ViewerBuildError(
            "building spatial from a source checkout needs node and npm (node >= 18) on PATH: they build the "
            f"browser viewer bundle ({BUNDLE}) from {VIEWER_DIR / 'package-lock.json'}. Install them (Debian: "
            "apt-get install nodejs npm), or build from an sdist (it carries the bundle), or set "
            "SPATIAL_VIEWER_BUILD=skip to build a package without the 3D viewer.")
    lock = viewer / "package-lock.json"
    stamp = viewer / "node_modules" / ".package-lock.json"  # npm writes it on every install
    if not stamp.is_file() or stamp.stat().st_mtime < lock.stat().st_mtime:
        print("spatial build: npm ci in app/viewer", flush=True)
        _run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], viewer)
    sources = [*(viewer / "src").rglob("*"), lock, viewer / "package.json", root / "spatial/physics/controller_params.json"]
    if not bundle.is_file() or bundle.stat().st_mtime < _newest_mtime(sources):
        print(f"spatial build: npm run build (app/viewer -> {BUNDLE})", flush=True)
        _run([npm, "run", "-s", "build"], viewer)
    if not bundle.is_file():
        raise ViewerBuildError(f"npm run build in {VIEWER_DIR} did not write {BUNDLE}")
    return bundle


def _run(cmd: list[str], cwd: Path) -> None:
    r = subprocess.run(cmd, cwd=cwd)
    if r.returncode != 0:
        raise ViewerBuildError(f"npm {' '.join(cmd[1:])} failed in {cwd} (exit {r.returncode})")


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    build_viewer()
    return _skbuild.build_wheel(wheel_directory, config_settings, metadata_directory)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    build_viewer()
    return _skbuild.build_editable(wheel_directory, config_settings, metadata_directory)


def build_sdist(sdist_directory, config_settings=None):
    build_viewer()
    return _skbuild.build_sdist(sdist_directory, config_settings)
