"""The app's text box, expand buttons and block tool, through its HTTP API: each changes the world, the
change is in the store (a fresh library sees it), and undo takes it back."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("gradio")

from app_helpers import import_app  # noqa: E402
from synthetic_worlds import ground_world  # noqa: E402

app_pkg = import_app()


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from fastapi.testclient import TestClient

    store = tmp_path_factory.mktemp("store")
    cfg = app_pkg.AppConfig(store=store, port=7860, make_default_world=False)
    state = app_pkg.AppState(cfg)
    s = state.library.add(ground_world(extent=40.0, splats=20000), "meadow")
    with TestClient(app_pkg.create_app(cfg, state), base_url="http://127.0.0.1:7860") as c:
        c.headers.update({"origin": "http://127.0.0.1:7860", "x-spatial-token": c.get("/api/session").json()["token"]})
        c.world_id = s.id
        c.state = state
        c.store_dir = store
        yield c
    state.close()


def head(c) -> dict:
    return c.get(f"/api/worlds/{c.world_id}").json()


def reloaded_splats(c) -> int:
    """The head's splat count as a fresh store (another process) reads it."""
    import spatial

    st = spatial.Store(c.store_dir)
    try:
        return st.open(st.list()[0].name).state.n
    finally:
        st.close()


def roundtrip(c, path: str, body: dict) -> dict:
    before = head(c)
    n0 = reloaded_splats(c)
    r = c.post(f"/api/worlds/{c.world_id}/{path}", json={**body, "parent": before["version"]})
    assert r.status_code == 200, r.text
    info = r.json()
    assert info["version"] > before["version"]
    assert reloaded_splats(c) != n0
    u = c.post(f"/api/worlds/{c.world_id}/undo", json={"parent": info["version"]})
    assert u.status_code == 200 and u.json()["version"] == before["version"]
    assert reloaded_splats(c) == n0
    return info


def test_text_box_edit_is_a_version_and_undoes(client):
    info = roundtrip(client, "text", {"text": "add a bench in front of me", "position": [0, 0, 0], "yaw_deg": 90.0})
    t = info["text"]
    assert t["ok"] and t["op"]["op"] == "insert_asset" and t["answer"].startswith("Done: add 1 bench")
    assert t["op"]["placements"][0]["position"][0] < -2.0  # "in front of me" follows the sent yaw (90: -X)


def test_text_box_refusal_changes_nothing(client):
    v = head(client)["version"]
    r = client.post(f"/api/worlds/{client.world_id}/text", json={"text": "add a dragon", "parent": v})
    assert r.status_code == 200 and not r.json()["text"]["ok"] and "Nothing changed" in r.json()["text"]["answer"]
    assert head(client)["version"] == v
    assert client.post(f"/api/worlds/{client.world_id}/text", json={"text": "add a bench", "position": ["x", 0, 0]}).status_code == 400


def test_expand_button(client):
    info = roundtrip(client, "edit", {"op": {"op": "expand", "side": "west"}})
    assert info["commit"]["summary"]["added"] > 1000


def test_block_tool(client):
    info = roundtrip(client, "edit", {"op": {"op": "block", "shape": "cylinder", "position": [4, -8], "size": [3, 10, 3]}})
    assert info["commit"]["summary"]["collider_faces_added"] > 0
