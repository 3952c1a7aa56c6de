"""The app's server without a browser: REST edits and versions, file confinement, auth, uploads, library."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("gradio")

from app_helpers import RED_BOX_CENTER, import_app, make_test_world  # noqa: E402

app_pkg = import_app()


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from fastapi.testclient import TestClient

    store = tmp_path_factory.mktemp("store")
    cfg = app_pkg.AppConfig(store=store, port=7860, make_default_world=False, max_upload_mb=0.5)
    state = app_pkg.AppState(cfg)
    s = state.library.add(make_test_world(splats=1500), "Server yard")
    with TestClient(app_pkg.create_app(cfg, state), base_url="http://127.0.0.1:7860") as c:
        c.world_id = s.id
        c.state = state
        yield c


def test_world_info_and_files(client):
    info = client.get(f"/api/worlds/{client.world_id}").json()
    assert info["name"] == "Server yard" and info["version"] == 1
    assert info["files"]["splats_format"] == "ply"
    r = client.get(info["files"]["splats"])
    assert r.status_code == 200 and r.content.startswith(b"ply")
    r = client.get(info["files"]["collider"])
    assert r.status_code == 200 and r.content[:4] == b"glTF"
    r = client.get(info["files"]["thumbnail"])
    assert r.status_code == 200 and r.content.startswith(b"\x89PNG")
    assert client.get("/viewer/viewer.esm.js").status_code == 200
    p = client.get("/api/controller").json()
    assert "source" in p


@pytest.mark.parametrize("path", [
    "/files/{id}/1/..%2F..%2Findex.json", "/files/{id}/1/index.json", "/files/..%2F..%2Fetc/1/passwd",
    "/files/{id}/99/splats.ply", "/files/NOT_AN_ID/1/splats.ply", "/viewer/..%2F..%2Fpyproject.toml",
    "/files/{id}/1/%2Fetc%2Fpasswd",
])
def test_file_serving_is_confined(client, path):
    r = client.get(path.format(id=client.world_id))
    assert r.status_code in (400, 404), (path, r.status_code)
    assert b"[project]" not in r.content and b"root:" not in r.content


def test_host_header_guard(client):
    r = client.get("/api/worlds", headers={"host": "evil.example:7860"})
    assert r.status_code == 403


def test_edits_make_versions_and_undo_redo(client):
    wid = client.world_id
    n0 = client.get(f"/api/worlds/{wid}").json()["counts"]["splats"]
    sel = {"shape": "box", "center": list(RED_BOX_CENTER), "size": 0.6}
    r = client.post(f"/api/worlds/{wid}/edit", json={"op": "delete", "selection": sel, "base_version": 1})
    assert r.status_code == 200, r.text
    info = r.json()
    assert info["version"] == 2 and info["counts"]["splats"] < n0 and info["can_undo"]
    # a stale edit is refused
    r = client.post(f"/api/worlds/{wid}/edit", json={"op": "delete", "selection": sel, "base_version": 1})
    assert r.status_code == 400 and "changed meanwhile" in r.json()["detail"]
    r = client.post(f"/api/worlds/{wid}/edit", json={"op": "insert_primitive", "selection": sel,
                                                     "params": {"primitive": "sphere", "size": 0.4, "color": [0, 0, 1]}})
    assert r.json()["version"] == 3 and r.json()["counts"]["splats"] > info["counts"]["splats"]
    assert client.post(f"/api/worlds/{wid}/undo").json()["version"] == 2
    assert client.post(f"/api/worlds/{wid}/undo").json()["version"] == 1
    assert client.post(f"/api/worlds/{wid}/redo").json()["version"] == 2
    bad = client.post(f"/api/worlds/{wid}/edit", json={"op": "explode", "selection": sel})
    assert bad.status_code == 400 and "unknown edit" in bad.json()["detail"]
    bad = client.post(f"/api/worlds/{wid}/edit", json={"op": "delete", "selection": {"center": [0, 0]}})
    assert bad.status_code == 400


def test_insert_mesh_upload_and_limits(client):
    import trimesh

    wid = client.world_id
    v = client.get(f"/api/worlds/{wid}").json()["version"]
    glb = trimesh.creation.icosphere(subdivisions=2, radius=1.0).export(file_type="glb")
    r = client.post(f"/api/worlds/{wid}/insert-mesh", files={"file": ("ball.glb", glb, "model/gltf-binary")},
                    data={"position": "[1, 0, 1]", "size": "0.5", "base_version": str(v)})
    assert r.status_code == 200, r.text
    assert r.json()["version"] > v and r.json()["versions"][-1]["message"].startswith("insert mesh")
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
    assert "ply" in avail and "collider" in avail
    for fmt in avail:
        r = client.get(f"/api/worlds/{wid}/export/{fmt}")
        assert r.status_code == 200, (fmt, r.text)
        assert "attachment" in r.headers["content-disposition"]
        if fmt == "ply":
            from spatial.io.registry import load

            p = client.state.cache_dir / "t.ply"
            p.write_bytes(r.content)
            assert len(load(p)) == client.get(f"/api/worlds/{wid}").json()["counts"]["splats"]
    assert client.get(f"/api/worlds/{wid}/export/exe").status_code == 400


def test_library_rename_duplicate_delete(client):
    lib = client.state.library
    s = lib.duplicate(client.world_id)
    assert s.name == "Server yard (copy)" and s.id != client.world_id
    assert lib.rename(s.id, "  Renamed   yard ").name == "Renamed yard"
    with pytest.raises(Exception):
        lib.rename(s.id, "   ")
    lib.delete(s.id)
    assert all(w.id != s.id for w in lib.list())
    assert client.get(f"/api/worlds/{s.id}").status_code == 404


def test_auth_required_when_configured(tmp_path):
    from fastapi.testclient import TestClient

    cfg = app_pkg.AppConfig(store=tmp_path, port=7860, make_default_world=False, auth=("ann", "s3cret"))
    with TestClient(app_pkg.create_app(cfg), base_url="http://127.0.0.1:7860") as c:
        assert c.get("/").status_code == 401
        assert c.get("/api/worlds").status_code == 401
        assert c.get("/viewer/viewer.esm.js").status_code == 401
        bad = base64.b64encode(b"ann:wrong").decode()
        assert c.get("/api/worlds", headers={"authorization": f"Basic {bad}"}).status_code == 401
        good = base64.b64encode(b"ann:s3cret").decode()
        assert c.get("/api/worlds", headers={"authorization": f"Basic {good}"}).status_code == 200
    with pytest.raises(Exception):
        app_pkg.server.parse_auth("no-colon")


def test_first_run_makes_a_default_world(tmp_path):
    cfg = app_pkg.AppConfig(store=tmp_path, port=7860)
    state = app_pkg.AppState(cfg)
    state.ensure_default_world()
    worlds = state.library.list()
    assert len(worlds) == 1
    w = state.library.load(worlds[0].id)
    assert len(w.splats) > 1000 and w.collider is not None and len(w.collider.faces) > 0


def test_cli_registers_app():
    from spatial.cli import build_parser

    args = build_parser().parse_args(["app", "--store", "x", "--port", "7999", "--auth", "a:b", "--no-browser"])
    assert args.port == 7999 and args.host == "127.0.0.1" and args.auth == "a:b" and args.no_browser


def test_uploads_check_type_and_content(tmp_path):
    from spatial_app.uploads import IMAGE, UploadRefused, check_upload

    from PIL import Image

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
