"""The app's server without a browser: worlds and edits through spatial.Store, physics drops, file
confinement, auth, uploads, exports, walker parameters."""

from __future__ import annotations

import base64
import io
import re

import numpy as np
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("gradio")

from app_helpers import LOWER_Y, RED_BOX_CENTER, REPO, import_app, make_test_world  # noqa: E402

app_pkg = import_app()
WORLD = "Server yard"
RED_SPHERE = {"type": "sphere", "center": list(RED_BOX_CENTER), "radius": 0.9}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from fastapi.testclient import TestClient

    store = tmp_path_factory.mktemp("store")
    cfg = app_pkg.AppConfig(store=store, port=7860, make_default_world=False, max_upload_mb=0.5)
    state = app_pkg.AppState(cfg)
    s = state.library.add(make_test_world(splats=1500), WORLD)
    with TestClient(app_pkg.create_app(cfg, state), base_url="http://127.0.0.1:7860") as c:
        # what the page does: same-origin requests carrying the session's CSRF token
        c.headers.update({"origin": "http://127.0.0.1:7860", "x-spatial-token": c.get("/api/session").json()["token"]})
        c.world_id = s.id
        c.state = state
        c.store_dir = store
        yield c
    state.close()


def head(client) -> int:
    return client.get(f"/api/worlds/{client.world_id}").json()["version"]


def test_world_info_and_files(client):
    info = client.get(f"/api/worlds/{client.world_id}").json()
    assert info["name"] == WORLD and info["version"] == 0 and info["head"] == 0
    assert info["files"]["splats_format"] == "ply"
    r = client.get(info["files"]["splats"])
    assert r.status_code == 200 and r.content.startswith(b"ply")
    r = client.get(info["files"]["collider"])
    assert r.status_code == 200 and r.content[:4] == b"glTF"
    r = client.get(info["files"]["thumbnail"])
    assert r.status_code == 200 and r.content.startswith(b"\x89PNG")
    assert client.get("/viewer/viewer.esm.js").status_code == 200


def test_walker_parameters_are_controller_params():
    """The server sends ControllerParams as is; the viewer's defaults are the JSON the Python side writes,
    imported when the bundle is built (no copy of the values in the viewer's sources)."""
    from spatial.physics import ControllerParams
    from spatial.physics.params import PARAMS_JSON

    p = ControllerParams()
    expected = {**p.to_dict(), "jump_speed": p.jump_speed}
    assert app_pkg.server.controller_params() == expected
    js = (REPO / "app" / "viewer" / "src" / "controller.js").read_text()
    assert 'import PARAMS from "../../../spatial/physics/controller_params.json"' in js
    assert ControllerParams.from_json(PARAMS_JSON) == p
    assert not re.search(r"\b(radius|half_height|gravity|walk_speed)\s*:\s*[0-9]", js), "a hand copy of the walker defaults"


@pytest.mark.parametrize("path", [
    "/files/{id}/0/..%2F..%2Fstore.db", "/files/{id}/0/info.json", "/files/..%2F..%2Fetc/0/passwd",
    "/files/{id}/99/splats.ply", "/files/NO_SUCH_WORLD/0/splats.ply", "/viewer/..%2F..%2Fpyproject.toml",
    "/files/{id}/0/%2Fetc%2Fpasswd", "/files/{id}/0/export.spz",
])
def test_file_serving_is_confined(client, path):
    r = client.get(path.format(id=client.world_id))
    assert r.status_code in (400, 404), (path, r.status_code)
    assert b"[project]" not in r.content and b"root:" not in r.content and b"SQLite" not in r.content


def test_host_header_guard(client):
    assert client.get("/api/worlds", headers={"host": "evil.example:7860"}).status_code == 403


def test_edits_are_store_versions_with_concurrency_undo_redo(client):
    wid = client.world_id
    v0 = head(client)
    n0 = client.get(f"/api/worlds/{wid}").json()["counts"]["splats"]
    r = client.post(f"/api/worlds/{wid}/edit", json={"op": {"op": "delete", "select": RED_SPHERE}, "parent": v0})
    assert r.status_code == 200, r.text
    info = r.json()
    assert info["version"] == v0 + 1 and info["counts"]["splats"] < n0 and info["can_undo"]
    assert info["commit"]["summary"]["removed"] == n0 - info["counts"]["splats"]
    assert info["commit"]["summary"]["collider_faces_removed"] == 12  # the crate's box leaves the collider
    # the store itself (another process, e.g. `spatial worlds`) sees the version
    import spatial

    with spatial.Store(client.store_dir) as other:
        hist = other.history(wid)
        assert hist[0].num == v0 + 1 and hist[0].op["op"] == "delete" and hist[0].author
    # a stale edit touching the same splats is refused (409), one touching other splats is merged
    r = client.post(f"/api/worlds/{wid}/edit", json={"op": {"op": "delete", "select": RED_SPHERE}, "parent": v0})
    assert r.status_code == 409 and "based on version" in r.json()["detail"]
    far = {"op": "recolor", "select": {"type": "box", "min": [3, -1, 1], "max": [5, 1, 3]}, "rgb": [1, 1, 0]}
    r = client.post(f"/api/worlds/{wid}/edit", json={"op": far, "parent": v0})
    assert r.status_code == 200 and r.json()["commit"]["merged_over"] == [v0 + 1]
    # undo / redo, each based on the version shown
    v2 = r.json()["version"]
    assert client.post(f"/api/worlds/{wid}/undo", json={"parent": v0}).status_code == 409
    assert client.post(f"/api/worlds/{wid}/undo", json={"parent": v2}).json()["version"] == v0 + 1
    assert client.post(f"/api/worlds/{wid}/undo", json={"parent": v0 + 1}).json()["version"] == v0
    back = client.post(f"/api/worlds/{wid}/redo", json={"parent": v0}).json()
    assert back["version"] == v0 + 1 and back["counts"]["splats"] == info["counts"]["splats"]
    assert client.post(f"/api/worlds/{wid}/undo", json={"parent": v0 + 1}).json()["version"] == v0
    # history: who / when / what, the undone versions marked
    hist = client.get(f"/api/worlds/{wid}/history").json()
    assert {"version", "what", "author", "created", "current", "undone"} <= set(hist[0])
    by_v = {h["version"]: h for h in hist}
    assert by_v[v0]["current"] and by_v[v0 + 1]["undone"] and by_v[v0 + 1]["what"].startswith("delete")
    # bad ops change nothing
    bad = client.post(f"/api/worlds/{wid}/edit", json={"op": {"op": "explode", "select": RED_SPHERE}, "parent": v0})
    assert bad.status_code == 400 and "unknown op" in bad.json()["detail"]
    bad = client.post(f"/api/worlds/{wid}/edit", json={"op": {"op": "delete", "select": {"type": "sphere", "center": [0, 0]}}})
    assert bad.status_code == 400
    bad = client.post(f"/api/worlds/{wid}/edit", json={"op": {"op": "insert_mesh", "path": "/etc/passwd"}})
    assert bad.status_code == 400 and "outside the allowed asset folders" in bad.json()["detail"]
    assert head(client) == v0


def _new_splats(client, before: int):
    w = client.state.library.load(client.world_id)
    return w.splats.means[before:].numpy(), w


def test_drop_object_falls_and_rests_on_the_surface(client):
    wid = client.world_id
    v, n = head(client), client.get(f"/api/worlds/{wid}").json()["counts"]["splats"]
    # released 1.5 m above the upper floor (top y = 0)
    r = client.post(f"/api/worlds/{wid}/insert", json={"primitive": "box", "size": 0.3, "color": [0, 0, 1],
                                                       "position": [1.0, 0.0, 1.0], "drop": True, "parent": v})
    assert r.status_code == 200, r.text
    op = r.json()["commit"]["version"]["op"]
    assert op["op"] == "insert_mesh" and "rotate" in op and "physics" in op["note"]
    pts, w = _new_splats(client, n)
    assert len(pts) == r.json()["commit"]["summary"]["added"] > 300
    assert abs(pts[:, 1].min() - 0.0) < 0.03 and abs(pts[:, 1].max() - 0.6) < 0.05, "the box rests on the floor"
    # released above the edge of the lower ground: it falls 3.5 m and lands there
    v, n = r.json()["version"], len(w.splats)
    r = client.post(f"/api/worlds/{wid}/insert", json={"primitive": "sphere", "size": 0.25, "color": [1, 1, 0],
                                                       "position": [9.0, 0.0, 2.0], "drop": True, "parent": v})
    assert r.status_code == 200, r.text
    pts, w = _new_splats(client, n)
    assert abs(pts[:, 1].min() - LOWER_Y) < 0.05
    # the collider got the object's triangles at rest: a walker could stand on the box
    faces = r.json()["counts"]["collider_faces"]
    assert faces > 48
    # no ground below: refused, nothing changes
    r = client.post(f"/api/worlds/{wid}/insert", json={"primitive": "box", "size": 0.3, "position": [40, 0, 40],
                                                       "drop": True, "parent": r.json()["version"]})
    assert r.status_code == 400 and "fell through" in r.json()["detail"]


def test_drop_selection_lets_a_lifted_crate_fall_back(client):
    wid = client.world_id
    v = head(client)
    lifted = [RED_BOX_CENTER[0], RED_BOX_CENTER[1] + 2.0, RED_BOX_CENTER[2]]
    # make sure the crate is there (earlier tests undo their delete), then lift it 2 m and tilt it
    r = client.post(f"/api/worlds/{wid}/edit", json={"parent": v, "op": {
        "op": "transform", "select": RED_SPHERE, "translate": [0, 2.0, 0], "rotate": {"axis": [1, 0, 0], "degrees": 25}}})
    assert r.status_code == 200, r.text
    sel = {"type": "sphere", "center": lifted, "radius": 1.0}
    r = client.post(f"/api/worlds/{wid}/drop", json={"select": sel, "parent": r.json()["version"]})
    assert r.status_code == 200, r.text
    op = r.json()["commit"]["version"]["op"]
    assert op["op"] == "transform" and op["pivot"] == "origin"
    w = client.state.library.load(wid)
    m = w.splats.means.numpy()
    red = (w.splats.colors.numpy()[:, 0] > 0.7) & (w.splats.colors.numpy()[:, 1] < 0.3)
    assert red.sum() > 100
    assert abs(m[red, 1].min()) < 0.05, "the crate came to rest on the floor"


def test_insert_mesh_upload_and_limits(client):
    import trimesh

    wid = client.world_id
    v = head(client)
    glb = trimesh.creation.icosphere(subdivisions=2, radius=1.0).export(file_type="glb")
    r = client.post(f"/api/worlds/{wid}/insert-mesh", files={"file": ("ball.glb", glb, "model/gltf-binary")},
                    data={"position": "[1, 0, 1]", "size": "0.5", "parent": str(v)})
    assert r.status_code == 200, r.text
    assert r.json()["version"] > v and r.json()["commit"]["version"]["op"]["note"] == "insert mesh ball.glb"
    r = client.post(f"/api/worlds/{wid}/insert-mesh", files={"file": ("evil.exe", b"MZ" + b"\0" * 100, "application/octet-stream")},
                    data={"position": "[0,0,0]"})
    assert r.status_code == 400 and "not an accepted mesh type" in r.json()["detail"]
    r = client.post(f"/api/worlds/{wid}/insert-mesh", files={"file": ("fake.glb", b"PK\3\4" + b"\0" * 100, "model/gltf-binary")},
                    data={"position": "[0,0,0]"})
    assert r.status_code == 400 and "content is not a .glb" in r.json()["detail"]
    big = b"glTF" + b"\0" * (600 * 1024)
    r = client.post(f"/api/worlds/{wid}/insert-mesh", files={"file": ("big.glb", big, "model/gltf-binary")},
                    data={"position": "[0,0,0]"})
    assert r.status_code == 400 and "upload limit" in r.json()["detail"]


def test_exports(client):
    wid = client.world_id
    avail = client.state.available_exports()
    assert {"ply", "spz", "collider"} <= set(avail)
    n = client.get(f"/api/worlds/{wid}").json()["counts"]["splats"]
    from spatial.io.registry import load

    for fmt in avail:
        r = client.get(f"/api/worlds/{wid}/export/{fmt}")
        assert r.status_code == 200, (fmt, r.text)
        assert "attachment" in r.headers["content-disposition"]
        if fmt in ("ply", "spz"):
            p = client.store_dir / f"t.{fmt}"
            p.write_bytes(r.content)
            assert len(load(p)) == n
    assert client.get(f"/api/worlds/{wid}/export/exe").status_code == 400
    r = client.get(f"/api/worlds/{wid}/export/ply?version=0")
    assert r.status_code == 200 and "-v0.ply" in r.headers["content-disposition"]


def test_versions_survive_a_restart_and_checkout(client):
    """A second app on the same store (a restart) sees every version; checkout makes an old one current."""
    wid = client.world_id
    hv = head(client)
    cfg = app_pkg.AppConfig(store=client.store_dir, port=7860, make_default_world=False)
    other = app_pkg.AppState(cfg)
    try:
        assert other.library.summary(wid).version == hv
        assert [h["version"] for h in other.history(wid)] == [h["version"] for h in client.state.history(wid)]
        assert len(other.library.load(wid, 0).splats) == len(client.state.library.load(wid, 0).splats)
    finally:
        other.close()
    client.state.library.checkout(wid, 0)
    info = client.get(f"/api/worlds/{wid}").json()
    assert info["version"] == 0
    assert any(h["version"] == hv and h["undone"] for h in client.state.history(wid))


def test_library_rename_duplicate_delete_and_compaction(client):
    lib = client.state.library
    s = lib.duplicate(client.world_id)
    assert s.name == f"{WORLD} copy" and s.id != client.world_id
    assert lib.rename(s.id, "  Renamed, yard! ").name == "Renamed yard"
    assert client.get("/api/worlds/Renamed%20yard").json()["version"] == 0
    with pytest.raises(Exception):
        lib.rename("Renamed yard", "   ")
    with pytest.raises(Exception):
        lib.rename("Renamed yard", WORLD)  # taken
    # compaction when idle: a long delta chain gets a snapshot
    lib.store.snapshot_every = 2
    for i in range(3):
        v = lib.summary("Renamed yard").version
        lib.apply("Renamed yard", {"op": "recolor", "select": RED_SPHERE, "rgb": [0, i / 3, 0]}, parent=v)
    assert lib.compact_idle(idle_s=0.0) >= 1
    lib.store.snapshot_every = 100
    lib.delete("Renamed yard")
    assert all(w.id != "Renamed yard" for w in lib.list())
    assert client.get("/api/worlds/Renamed%20yard").status_code == 404


def test_auth_required_when_configured(tmp_path):
    from fastapi.testclient import TestClient

    cfg = app_pkg.AppConfig(store=tmp_path, port=7860, make_default_world=False, auth=("ann", "s3cret"))
    state = app_pkg.AppState(cfg)
    with TestClient(app_pkg.create_app(cfg, state), base_url="http://127.0.0.1:7860") as c:
        assert c.get("/").status_code == 401
        assert c.get("/api/worlds").status_code == 401
        assert c.get("/viewer/viewer.esm.js").status_code == 401
        bad = base64.b64encode(b"ann:wrong").decode()
        assert c.get("/api/worlds", headers={"authorization": f"Basic {bad}"}).status_code == 401
        good = base64.b64encode(b"ann:s3cret").decode()
        assert c.get("/api/worlds", headers={"authorization": f"Basic {good}"}).status_code == 200
    assert state.library.store.author == "ann"  # changes are recorded as the signed-in user
    state.close()
    with pytest.raises(Exception):
        app_pkg.server.parse_auth("no-colon")


def test_first_run_makes_a_default_world(tmp_path, monkeypatch):
    import spatial_app.making as making

    # the built-in world (the generator's default world is exercised by the browser tests and `make run`)
    monkeypatch.setattr(making, "generator_available", lambda: False)
    cfg = app_pkg.AppConfig(store=tmp_path, port=7860)
    state = app_pkg.AppState(cfg)
    state.ensure_default_world()
    worlds = state.library.list()
    assert len(worlds) == 1 and worlds[0].name == "Courtyard"
    w = state.library.load(worlds[0].id)
    assert len(w.splats) > 1000 and w.collider is not None and len(w.collider.faces) > 0
    state.close()


def test_cli_registers_app():
    from spatial.cli import build_parser

    args = build_parser().parse_args(["app", "--store", "x", "--port", "7999", "--auth", "a:b", "--no-browser"])
    assert args.port == 7999 and args.host == "127.0.0.1" and args.auth == "a:b" and args.no_browser


def test_clean_name():
    from spatial_app.library import clean_name

    assert clean_name("a small snowy clearing, with pine trees!") == "a small snowy clearing with pine trees"
    assert clean_name("../../etc/passwd") == "etc passwd"
    with pytest.raises(Exception):
        clean_name("!!!")


def test_uploads_check_type_and_content(tmp_path):
    from PIL import Image
    from spatial_app.uploads import IMAGE, UploadRefused, check_upload

    ok = tmp_path / "a.png"
    Image.fromarray(np.zeros((4, 4, 3), np.uint8)).save(ok)
    assert check_upload(ok, IMAGE) == ok
    fake = tmp_path / "b.png"
    fake.write_bytes(b"GIF89a" + b"\0" * 50)
    with pytest.raises(UploadRefused, match="content is not"):
        check_upload(fake, IMAGE)
    with pytest.raises(UploadRefused, match="not an accepted image type"):
        check_upload(fake, IMAGE, name="b.svg")
    buf = io.BytesIO()
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (300, 300, 3), dtype=np.uint8)).save(buf, format="PNG")
    big = tmp_path / "big.png"
    big.write_bytes(buf.getvalue())
    with pytest.raises(UploadRefused, match="upload limit"):
        check_upload(big, IMAGE, max_mb=0.01)


def test_app_cache_keeps_to_its_budget(tmp_path):
    """<store>/app-cache holds its budget (only the entry just written may exceed it), an edit writes no
    files, writing a world's version drops its older versions, and a dropped version is rewritten from
    the store when it is asked for again."""
    cfg = app_pkg.AppConfig(store=tmp_path / "store", make_default_world=False, cache_mb=0.0)
    state = app_pkg.AppState(cfg)
    try:
        ids = [state.library.add(make_test_world(splats=300), f"cache world {i}").id for i in range(3)]
        files = state.files
        first = files.folder(ids[0], 0)
        assert (first / "splats.ply").is_file()
        thumb = files.thumbnail(ids[0], 0)
        assert thumb.is_file() and not first.exists()  # over budget: only the newest entry stays
        second = files.folder(ids[1], 0)
        assert second.is_dir() and not thumb.exists()
        assert files.folder(ids[0], 0) == first and (first / "splats.ply").is_file()  # rewritten on demand
        files.max_bytes = 1 << 40
        files.folder(ids[2], 0)
        assert first.is_dir() and files.size_bytes() > 0  # under budget: nothing goes
        before = sorted(p.name for p in files.cache_dir.iterdir())
        r = state.edit(ids[0], {"op": "recolor", "select": {"type": "ids", "ids": [0, 1]}, "rgb": [1, 0, 0]}, 0)
        assert r["version"] == 1 and r["counts"]["splats"] > 0
        assert sorted(p.name for p in files.cache_dir.iterdir()) == before  # the edit wrote no files
        newer = files.folder(ids[0], 1)
        assert newer.is_dir() and not first.exists()  # v0 of that world is history now
    finally:
        state.close()
