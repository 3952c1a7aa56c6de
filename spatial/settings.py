"""Every ``SPATIAL_*`` environment variable in one table: its default, its type and what it does.

Values are read when asked for (not at import), so a test or a long-running process sees a change::

    from spatial import settings
    settings.get("SPATIAL_MAX_FILE_BYTES")     # int, 8 GiB unless the variable says otherwise

A set but unparsable number falls back to the default (a typo must not take the app down); an unknown name
is a programming error (KeyError). ``python -m spatial.settings`` prints the table (docs/settings.md is it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

__all__ = ["Setting", "SETTINGS", "get", "is_set", "markdown_table"]

GiB = 1024**3
MiB = 1024**2


@dataclass(frozen=True)
class Setting:
    name: str
    type: type  # int, float, str or bool ("1"/"true"/"yes"/"on" are true)
    default: object
    doc: str
    area: str  # who reads it: library, app, build, tests


_ALL = [
    # ---- library
    Setting("SPATIAL_STORE", str, None, "world store folder (default: the platform's per-user data folder, "
            "e.g. ~/.local/share/spatial/store); used by `spatial worlds`, `spatial edit`, `spatial app`", "library"),
    Setting("SPATIAL_AUTHOR", str, None, "author recorded on store versions (default: the login name)", "library"),
    Setting("SPATIAL_SNAPSHOT_EVERY", int, 100, "the store writes a full snapshot every this many versions "
            "(deltas in between)", "library"),
    Setting("SPATIAL_STORE_CACHE_BYTES", int, 2 * GiB, "memory for decoded snapshots per open store (LRU)", "library"),
    Setting("SPATIAL_MAX_IMPORT_BYTES", int, 4 * GiB, "largest world folder the store imports", "library"),
    Setting("SPATIAL_MAX_FILE_BYTES", int, 8 * GiB, "largest splat file any reader opens (hostile files)", "library"),
    Setting("SPATIAL_MAX_INSERT_SPLATS", int, 2_000_000, "most splats one edit may insert", "library"),
    Setting("SPATIAL_MAX_MESH_BYTES", int, 256 * MiB, "largest mesh file an insert_mesh edit reads", "library"),
    Setting("SPATIAL_MAX_MESH_FACES", int, 5_000_000, "most faces of a mesh an insert_mesh edit accepts", "library"),
    Setting("SPATIAL_MAX_WORLD_SPLATS", int, 50_000_000, "most splats a world may grow to by edits", "library"),
    Setting("SPATIAL_NUM_THREADS", int, 0, "threads of the C++ CPU rasterizer (0: all hardware threads)", "library"),
    Setting("SPATIAL_PROFILE", bool, False, "set: the C++ CPU rasterizer prints per-stage wall and CPU times to "
            "stderr", "library"),
    Setting("SPATIAL_NO_EMBEDDING", bool, False, "1: the prompt parser never loads the bundled sentence "
            "embedding (lexicon only)", "library"),
    Setting("SPATIAL_TEXT2IMAGE_MODEL", str, None, "local diffusers model folder for spatial.generate("
            "method='learned') (never downloaded)", "library"),
    Setting("SPATIAL_DEPTH_MODEL", str, None, "transformers depth model folder (or hub id when online) for "
            "image -> world", "library"),
    Setting("SPATIAL_VIEWER_BUNDLE", str, None, "a viewer.esm.js to use instead of the installed one "
            "(spatial.viewer_bundle) for `spatial export --engine threejs`", "library"),
    # ---- app
    Setting("SPATIAL_APP_AUTH", str, None, "USER:PASS for HTTP Basic auth of `spatial app` when --auth is not "
            "given", "app"),
    Setting("SPATIAL_APP_CACHE_MB", float, 2048.0, "size budget of <store>/app-cache (the files served to the "
            "browser)", "app"),
    Setting("SPATIAL_APP_MAX_UPLOAD_MB", float, 64.0, "largest upload the app accepts", "app"),
    Setting("SPATIAL_APP_MAX_JSON_MB", float, 16.0, "largest JSON body of an app API call", "app"),
    Setting("SPATIAL_APP_MAX_INSERT_SPLATS", int, 2_000_000, "most splats one app edit may insert", "app"),
    Setting("SPATIAL_APP_MAX_WORLD_SPLATS", int, 6_000_000, "most splats a world may grow to by app edits", "app"),
    Setting("SPATIAL_APP_MAX_MESH_FACES", int, 2_000_000, "most faces of a mesh uploaded to the app", "app"),
    # ---- build (read by build_backend/spatial_build.py and CMake, listed here for the docs)
    Setting("SPATIAL_CUDA", str, "auto", "build the CUDA kernels: auto (when nvcc is found), ON (required), OFF",
            "build"),
    Setting("SPATIAL_CUDA_ARCHITECTURES", str, "80", "CUDA architectures to compile for", "build"),
    Setting("SPATIAL_VIEWER_BUILD", str, "", "skip: build the package without the viewer bundle (no node/npm)",
            "build"),
    # ---- tests
    Setting("SPATIAL_REQUIRE_BACKENDS", str, "", "comma list of rasterizer backends whose parity tests must run "
            "(fail instead of skip), e.g. cpu in CI", "tests"),
    Setting("SPATIAL_FIXTURES", str, None, "fixture folder of the tests (default ../shared/fixtures beside the "
            "repository)", "tests"),
    Setting("SPATIAL_FUZZ_EXAMPLES", int, 60, "hypothesis examples per malformed-file fuzz test", "tests"),
]

SETTINGS: dict[str, Setting] = {s.name: s for s in _ALL}

_TRUE = {"1", "true", "yes", "on"}


def is_set(name: str) -> bool:
    SETTINGS[name]  # noqa: B018 - unknown names are errors
    return bool(os.environ.get(name, ""))


def get(name: str):
    """The typed value of ``name`` from the environment, else its default."""
    s = SETTINGS[name]
    raw = os.environ.get(name, "")
    if raw == "":
        return s.default
    if s.type is bool:
        return raw.strip().lower() in _TRUE
    if s.type in (int, float):
        try:
            return s.type(float(raw)) if s.type is int else float(raw)
        except ValueError:
            return s.default
    return raw


def markdown_table() -> str:
    def fmt(v):
        if v is None or v == "":
            return "(unset)"
        if isinstance(v, int) and not isinstance(v, bool) and v >= MiB and v % MiB == 0:
            return f"{v // GiB} GiB" if v % GiB == 0 else f"{v // MiB} MiB"
        return f"{v:,}" if isinstance(v, int) and not isinstance(v, bool) else str(v)

    rows = ["| variable | default | used by | what it does |", "|---|---|---|---|"]
    rows += [f"| `{s.name}` | {fmt(s.default)} | {s.area} | {s.doc} |" for s in _ALL]
    return "\n".join(rows)


if __name__ == "__main__":
    print(markdown_table())
