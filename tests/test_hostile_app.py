"""The running app under hostile and careless requests (issue 20): nothing accepted may break a world.

A real ``spatial app`` process is driven over HTTP with hypothesis-generated ops and selections (sizes
up to the limits and past them, extreme numbers, nesting), oversized and malformed bodies, requests
without the page's token or Origin, huge textures, lying mesh headers, fake videos, cross-site form
posts from a page on another origin in headless Chromium, and a second app process writing the same
store. Over every run: no 5xx, the server's peak RSS stays under :data:`RSS_BOUND_MB`, and afterwards
``spatial worlds check --deep`` is clean, every acknowledged edit is in the history, and a restarted
app edits and exports every world.
"""

from __future__ import annotations

import json
import threading

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("gradio")
httpx = pytest.importorskip("httpx")
hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from app_helpers import free_port, import_app, make_test_world  # noqa: E402
from hostile_helpers import AppProcess, fake_videos, page_client, textured_glb  # noqa: E402

import_app()
WORLDS = ("Hostile yard", "Second yard")
#: peak resident memory of the server process over the whole run (gradio + torch + two small worlds
#: take about 0.7 GB; an 8000 x 8000 texture decoded as float64, as before, alone added 3.7 GB)
RSS_BOUND_MB = 2000.0
OK = {200, 400, 403, 404, 409, 411, 413, 415, 422}
ACKED: list[tuple[str, int, str]] = []  # (world, version, op) of every edit the server acknowledged


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from spatial_app.library import open_library

    root = tmp_path_factory.mktemp("hostile")
    store = root / "store"
    lib = open_library(store)
    for i, name in enumerate(WORLDS):
        lib.add(make_test_world(splats=1500 + 500 * i), name)
    lib.close()
    proc = AppProcess(store, free_port()).wait()
    proc.store = store
    proc.client = page_client(proc.url)
    yield proc
    proc.client.close()
    proc.stop()


def _head(c, world: str) -> int:
    return c.get(f"/api/worlds/{world}").json()["version"]


def _record(world: str, r, what: str) -> None:
    assert r.status_code < 500, (what, r.status_code, r.text[:300])
    assert r.status_code in OK, (what, r.status_code, r.text[:300])
    if r.status_code == 200 and "commit" in r.json():
        ACKED.append((world, int(r.json()["commit"]["version"]["num"]), what))
    if r.status_code != 200:
        detail = r.json().get("detail", "") if r.headers.get("content-type", "").startswith("application/json") else r.text
        assert "/tmp/" not in str(detail) and "/home/" not in str(detail) and "\n" not in str(detail), detail


def test_the_137_mb_op_is_stored_and_the_world_stays_editable(app):
    c, w = app.client, WORLDS[0]
    n = c.get(f"/api/worlds/{w}").json()["counts"]["splats"]
    big = {"op": "recolor", "select": {"type": "ids", "ids": list(range(n)) * (300_000 // n + 1)}, "rgb": [0.2, 0.9, 0.2]}
    body = json.dumps({"op": big, "parent": _head(c, w)})
    assert len(body) > 1_370_000
    r = c.post(f"/api/worlds/{w}/edit", content=body, headers={"content-type": "application/json"})
    _record(w, r, "recolor")
    assert r.status_code == 200
    assert r.json()["commit"]["version"]["op"]["select"]["count"] > 300_000  # stored compactly
    r = c.post(f"/api/worlds/{w}/edit", json={"op": {"op": "opacity", "select": {"type": "ids", "ids": [1]}, "set": 0.5},
                                              "parent": _head(c, w)})
    _record(w, r, "opacity")
    assert r.status_code == 200


# ---------------------------------------------------------------------- generated ops
nums = st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=64), st.integers(-(2**70), 2**70),
                 st.sampled_from([0, 0.5, -1.5, 1e300, -1e30, 2**31, 2**63, 2**64, 1e5, 99999.0]))
small = st.floats(-6, 6, allow_nan=False)
vec3 = st.one_of(st.lists(small, min_size=3, max_size=3), st.lists(nums, min_size=0, max_size=5))
ids = st.one_of(st.lists(st.integers(-3, 2**64), max_size=40), st.integers(0, 6000).map(lambda n: list(range(n))),
                st.integers(1, 3).map(lambda k: [0] * (k * 100_000)))
label = st.one_of(st.text(max_size=8), st.text(min_size=190, max_size=260), st.integers(-5, 2**40),
                  st.sampled_from(["floor", "wall", "object"]))
leaf = st.one_of(
    st.just({"type": "all"}),
    st.builds(lambda a, b: {"type": "box", "min": a, "max": b}, vec3, vec3),
    st.builds(lambda c, r: {"type": "sphere", "center": c, "radius": r}, vec3, st.one_of(st.floats(0.1, 5), nums)),
    st.builds(lambda i: {"type": "ids", "ids": i}, ids),
    st.builds(lambda labs: {"type": "label", "labels": labs}, st.lists(label, min_size=0, max_size=4)),
    st.builds(lambda o, d: {"type": "ray", "origin": o, "direction": d, "radius": 0.5}, vec3, vec3),
    st.dictionaries(st.text(max_size=5), nums, max_size=3),
)
selection = st.recursive(leaf, lambda ch: st.one_of(
    st.builds(lambda of: {"type": "or", "of": of}, st.lists(ch, min_size=0, max_size=5)),
    st.builds(lambda of: {"type": "and", "of": of}, st.lists(ch, min_size=1, max_size=5)),
    st.builds(lambda of: {"type": "not", "of": of}, ch)), max_leaves=12)
op = st.one_of(
    st.builds(lambda s: {"op": "delete", "select": s}, selection),
    st.builds(lambda s, t, sc, p: {"op": "transform", "select": s, "translate": t, "scale": sc, "pivot": p},
              selection, vec3, st.one_of(st.floats(0.5, 2), nums), st.one_of(st.just("center"), vec3)),
    st.builds(lambda s, c: {"op": "recolor", "select": s, "rgb": c}, selection, st.lists(st.floats(0, 1), min_size=3, max_size=3)),
    st.builds(lambda s, v: {"op": "opacity", "select": s, "set": v}, selection, st.one_of(st.floats(0, 1), nums)),
    st.builds(lambda s, lab: {"op": "set_label", "select": s, "label": lab}, selection, label),
    st.builds(lambda s, t: {"op": "duplicate", "select": s, "translate": t}, selection, vec3),
    st.builds(lambda p, y: {"op": "set_spawn", "position": p, "yaw_deg": y}, vec3, nums),
    st.builds(lambda p: {"op": "insert_mesh", "path": p, "count": 50}, st.sampled_from(["/etc/passwd", "../../store.db",
                                                                                          "primitives/none.glb", "x" * 2000])),
    st.builds(lambda src: {"op": "compose", "source": src}, st.sampled_from([f"{WORLDS[1]}@{2**70}", f"{WORLDS[1]}@0",
                                                                              "nope", {"path": "/etc"}])),
    st.recursive(st.one_of(nums, st.text(max_size=5), st.none()), lambda ch: st.lists(ch, max_size=3) | st.dictionaries(
        st.text(max_size=4), ch, max_size=3), max_leaves=8),
)


@settings(max_examples=120, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(o=op, parent=st.one_of(st.none(), st.just("head"), nums), world=st.sampled_from(WORLDS))
def _generated(app, o, parent, world):
    c = app.client
    p = _head(c, world) if parent == "head" else parent
    body = json.dumps({"op": o, "parent": p}, allow_nan=True)
    r = c.post(f"/api/worlds/{world}/edit", content=body, headers={"content-type": "application/json"})
    _record(world, r, str(o.get("op") if isinstance(o, dict) else "junk"))


def test_generated_ops_and_selections_never_5xx(app):
    _generated(app)
    assert any(w for w in ACKED), "hypothesis produced no accepted edit at all"
    assert app.peak_rss_mb() < RSS_BOUND_MB


# ---------------------------------------------------------------------- bodies, tokens, origins
def test_bodies_content_types_tokens_and_origins(app):
    import socket

    c, w, url = app.client, WORLDS[0], app.url
    good = json.dumps({"op": {"op": "recolor", "select": {"type": "all"}, "rgb": [1, 0, 0]}, "parent": _head(c, w)})
    cases = {
        "oversized": (c.post(f"/api/worlds/{w}/edit", content=b"{" + b" " * (17 * 1024 * 1024) + b"}",
                             headers={"content-type": "application/json"}), 413),
        "deep nesting": (c.post(f"/api/worlds/{w}/edit", content=b"[" * 200_000, headers={"content-type": "application/json"}), 400),
        "deep op": (c.post(f"/api/worlds/{w}/edit", content=('{"op":' + '{"op":' * 5000 + "1" + "}" * 5001 + "}").encode(),
                           headers={"content-type": "application/json"}), 400),
        "text/plain": (c.post(f"/api/worlds/{w}/edit", content=good, headers={"content-type": "text/plain"}), 415),
        "form": (c.post(f"/api/worlds/{w}/edit", data={"op": "x"}), 415),
        "no token": (httpx.post(f"{url}/api/worlds/{w}/edit", content=good,
                                headers={"content-type": "application/json", "origin": url}), 403),
        "no origin": (httpx.post(f"{url}/api/worlds/{w}/edit", content=good, headers={
            "content-type": "application/json", "x-spatial-token": c.headers["x-spatial-token"]}, cookies=c.cookies), 403),
        "other origin": (c.post(f"/api/worlds/{w}/edit", content=good, headers={
            "content-type": "application/json", "origin": "http://evil.example"}), 403),
        "undo without a version": (c.post(f"/api/worlds/{w}/undo", json={}), 400),
        "redo without a body": (c.post(f"/api/worlds/{w}/redo", content=b"", headers={"content-type": "application/json"}), 400),
        "huge parent": (c.post(f"/api/worlds/{w}/undo", json={"parent": 2**80}), 400),
        "huge version": (c.get(f"/api/worlds/{w}?version={2**70}"), 404),
        "huge file version": (c.get(f"/files/{w}/{2**70}/splats.ply"), 404),
        "unknown world": (c.post("/api/worlds/%2Fetc%2Fpasswd/edit", content=good, headers={"content-type": "application/json"}), 404),
    }
    for what, (r, want) in cases.items():
        assert r.status_code == want, (what, r.status_code, r.text[:200])
        _record(w, r, what)
    # chunked body without a length, a request without a Host header
    for raw in (f"POST /api/worlds/x/edit HTTP/1.1\r\nHost: 127.0.0.1:{app.port}\r\nOrigin: {url}\r\n"
                "Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
                "GET /api/worlds HTTP/1.0\r\n\r\n"):
        with socket.create_connection(("127.0.0.1", app.port), timeout=30) as s:
            s.sendall(raw.encode())
            status = s.recv(200).split(b" ")[1]
        assert status in (b"403", b"411"), (raw[:30], status)
    assert app.peak_rss_mb() < RSS_BOUND_MB


# ---------------------------------------------------------------------- uploads
def test_huge_textures_lying_mesh_headers_and_fake_videos(app, tmp_path):
    from spatial_app.making import check_video
    from spatial_app.uploads import UploadRefused

    c, w = app.client, WORLDS[1]

    def up(name, data, size="0.5"):
        r = c.post(f"/api/worlds/{w}/insert-mesh", files={"file": (name, data, "application/octet-stream")},
                   data={"position": "[0, 0, 0]", "size": size, "parent": str(_head(c, w))})
        _record(w, r, f"upload {name}")
        return r

    glb = textured_glb(8000)
    assert len(glb) < 1_000_000
    r = up("huge-texture.glb", glb)  # refused from its image header, before anything decodes it
    assert r.status_code == 400 and "8000x8000" in r.json()["detail"], r.text[:300]
    r = up("big-texture.glb", textured_glb(3000))  # decoded, sampled at <= 2048 px a side
    assert r.status_code == 200, r.text[:300]
    assert app.peak_rss_mb() < RSS_BOUND_MB
    lying = {
        "ascii.ply": b"ply\nformat ascii 1.0\nelement vertex 2000000000\nproperty float x\nproperty float y\n"
                     b"property float z\nelement face 1\nproperty list uchar int vertex_indices\nend_header\n0 0 0\n",
        "count.stl": b"\0" * 80 + (10**9).to_bytes(4, "little") + b"\0" * 200,
        "empty.obj": b"# nothing here\n",
        "nan.obj": b"v nan 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n",
        "bad-size.glb": glb,
    }
    for name, data in lying.items():
        r = up(name, data, size="1e300" if name == "bad-size.glb" else "0.5")
        assert 400 <= r.status_code < 500, (name, r.status_code, r.text[:200])
    assert not any((app.store / "app-assets" / "uploads").glob("*.ply")), "a refused upload was left behind"
    for v in fake_videos(tmp_path):
        with pytest.raises(UploadRefused):
            check_video(str(v))
    assert app.peak_rss_mb() < RSS_BOUND_MB


# ---------------------------------------------------------------------- cross-site requests in a browser
def test_cross_site_form_posts_in_chromium(app, tmp_path):
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from app_helpers import CHROMIUM_FLAGS, chromium_path

    playwright = pytest.importorskip("playwright.sync_api")
    if chromium_path() is None:
        pytest.skip("chromium is not installed")
    c, w = app.client, WORLDS[0]
    before = len(c.get(f"/api/worlds/{w}/history").json())
    target = f"{app.url}/api/worlds/{w.replace(' ', '%20')}"
    (tmp_path / "evil.html").write_text(f"""<!doctype html><body>
<form id="f1" method="POST" action="{target}/edit" enctype="text/plain" target="sink">
<input name='{{"op":{{"op":"delete","select":{{"type":"all"}}}},"x":"' value='"}}'></form>
<form id="f2" method="POST" action="{target}/undo" enctype="application/x-www-form-urlencoded" target="sink">
<input name="parent" value="1"></form>
<iframe name="sink"></iframe>
<script>
fetch("{target}/edit", {{method: "POST", mode: "no-cors", credentials: "include",
  headers: {{"Content-Type": "text/plain"}}, body: JSON.stringify({{op: {{op: "delete", select: {{type: "all"}}}}}})}});
fetch("{target}/redo", {{method: "POST", mode: "no-cors", credentials: "include", body: "{{}}"}});
document.getElementById("f1").submit();
setTimeout(() => document.getElementById("f2").submit(), 400);
</script></body>""")

    class Quiet(SimpleHTTPRequestHandler):
        def __init__(self, *a, **k):
            super().__init__(*a, directory=str(tmp_path), **k)

        def log_message(self, *a):
            pass

    evil = ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=evil.serve_forever, daemon=True).start()
    try:
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS)
            ctx = browser.new_context()
            page = ctx.new_page()
            page.goto(app.url + "/api/session")  # the victim has the app open (its session cookie is set)
            statuses = []
            page.on("response", lambda r: statuses.append(r.status) if "/api/" in r.url else None)
            # another site ("localhost" is a different site from "127.0.0.1")
            page.goto(f"http://localhost:{evil.server_address[1]}/evil.html")
            page.wait_for_timeout(2500)
            browser.close()
    finally:
        evil.shutdown()
    assert len(c.get(f"/api/worlds/{w}/history").json()) == before, "a cross-site request changed the world"
    assert statuses and all(s == 403 for s in statuses if s != 200), statuses
    assert not any(s >= 500 for s in statuses)


# ---------------------------------------------------------------------- two app processes on one store
@pytest.mark.slow
def test_two_app_processes_on_one_store(app):
    second = AppProcess(app.store, free_port()).wait()
    errors: list[str] = []
    try:
        def writer(url, k):
            c = page_client(url)
            try:
                for i in range(12):
                    w = WORLDS[i % 2]
                    o = {"op": "recolor", "select": {"type": "ids", "ids": [k * 50 + i]}, "rgb": [i / 12, 0.5, k / 4]}
                    for _ in range(6):
                        r = c.post(f"/api/worlds/{w}/edit", json={"op": o, "parent": _head(c, w)})
                        if r.status_code >= 500:
                            errors.append(f"{url} {r.status_code} {r.text[:200]}")
                        if r.status_code != 409:
                            break
                    _record(w, r, "recolor")
                    f = c.get(r.json()["files"]["splats"]) if r.status_code == 200 else None
                    if f is not None and f.status_code >= 500:
                        errors.append(f"file {f.status_code}")
            finally:
                c.close()

        ts = [threading.Thread(target=writer, args=(u, k)) for k, u in enumerate([app.url, second.url] * 2)]
        [t.start() for t in ts]
        [t.join() for t in ts]
    finally:
        second.stop()
    assert not errors, errors


# ---------------------------------------------------------------------- afterwards
def test_afterwards_store_is_clean_edits_are_kept_and_a_restart_edits_and_exports(app):
    from spatial.store import Store

    c = app.client
    r = c.post(f"/api/worlds/{WORLDS[0]}/edit", json={"op": {"op": "recolor", "select": {"type": "ids", "ids": [3]},
                                                              "rgb": [0, 0, 1]}, "parent": _head(c, WORLDS[0])})
    _record(WORLDS[0], r, "recolor")
    peak = app.peak_rss_mb()
    print(f"hostile run: server peak RSS {peak:.0f} MB, {len(ACKED)} acknowledged edits")
    assert peak < RSS_BOUND_MB, peak
    app.stop()
    with Store(app.store) as st:
        report = st.check(deep=True)
        assert report.clean, report.problems
        for world in WORLDS:
            nums = {v.num for v in st.history(world, all_versions=True)}
            missing = [(v, what) for w, v, what in ACKED if w == world and v not in nums]
            assert not missing, missing
    again = AppProcess(app.store, free_port()).wait()
    try:
        c2 = page_client(again.url)
        for world in WORLDS:
            # (hypothesis may have deleted every splat of a world: an insert always applies)
            r = c2.post(f"/api/worlds/{world}/insert", json={"primitive": "box", "size": 0.3, "color": [0, 0, 1],
                                                             "position": [0, 0, 0], "parent": _head(c2, world)})
            assert r.status_code == 200, r.text[:300]
            for fmt in ("ply", "spz"):
                e = c2.get(f"/api/worlds/{world}/export/{fmt}")
                assert e.status_code == 200 and len(e.content) > 1000, (world, fmt, e.status_code)
        c2.close()
    finally:
        again.stop()
    app.proc = again.proc  # the fixture's stop() is then a no-op
