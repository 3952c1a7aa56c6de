"""--auth from a file or the environment (the password stays out of `ps`), and CSRF checks under auth."""

from __future__ import annotations

import base64

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("gradio")

from app_helpers import import_app  # noqa: E402

app_pkg = import_app()


def test_auth_from_file_and_environment(tmp_path, monkeypatch):
    from spatial.errors import ValidationError
    from spatial_app.server import parse_auth

    f = tmp_path / "auth.txt"
    f.write_text("ann:s3cr:et\n")
    assert parse_auth(f"@{f}") == ("ann", "s3cr:et")
    monkeypatch.setenv("SPATIAL_APP_AUTH", "bob:pw")
    assert parse_auth(None) == ("bob", "pw")
    assert parse_auth("carl:x") == ("carl", "x")  # an explicit --auth wins
    monkeypatch.delenv("SPATIAL_APP_AUTH")
    assert parse_auth(None) is None
    for bad in ("no-colon", f"@{tmp_path / 'missing'}", ":pw", "user:"):
        with pytest.raises(ValidationError) as e:
            parse_auth(bad)
        assert str(tmp_path) not in str(e.value) or bad.startswith("@")


def test_a_signed_in_browser_still_needs_the_token_and_origin(tmp_path):
    """Basic auth credentials are sent by the browser automatically: they do not replace the CSRF checks."""
    from fastapi.testclient import TestClient

    from app_helpers import make_test_world

    cfg = app_pkg.AppConfig(store=tmp_path, port=7860, make_default_world=False, auth=("ann", "s3cret"))
    state = app_pkg.AppState(cfg)
    wid = state.library.add(make_test_world(splats=300), "Auth yard").id
    auth = {"authorization": "Basic " + base64.b64encode(b"ann:s3cret").decode()}
    body = {"op": {"op": "delete", "select": {"type": "all"}}, "parent": 0}
    with TestClient(app_pkg.create_app(cfg, state), base_url="http://127.0.0.1:7860") as c:
        assert c.post(f"/api/worlds/{wid}/edit", json=body, headers=auth).status_code == 403  # no Origin
        assert c.post(f"/api/worlds/{wid}/edit", json=body, headers={**auth, "origin": "http://127.0.0.1:7860"}).status_code == 403
        token = c.get("/api/session", headers=auth).json()["token"]
        ok = {**auth, "origin": "http://127.0.0.1:7860", "x-spatial-token": token}
        assert c.post(f"/api/worlds/{wid}/edit", json=body, headers={**ok, "origin": "http://localhost:9999"}).status_code == 403
        assert c.post(f"/api/worlds/{wid}/edit", json=body, headers={**ok, "authorization": "Basic eDp5"}).status_code == 401
        assert c.post(f"/api/worlds/{wid}/edit", json=body, headers=ok).status_code == 200
    state.close()
