"""Helpers for the hostile-request suite: the app as a real process, a client that behaves like the page."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: growth limit the suite's servers run with (keeps hypothesis' duplicates cheap; docs/app.md#security)
MAX_WORLD_SPLATS = 60_000


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a process, MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


class AppProcess:
    """``spatial app`` on 127.0.0.1:``port`` serving ``store`` in a child process."""

    def __init__(self, store: Path, port: int, extra_env: dict | None = None):
        env = {**os.environ, "SPATIAL_APP_MAX_WORLD_SPLATS": str(MAX_WORLD_SPLATS), "GRADIO_ANALYTICS_ENABLED": "False",
               **(extra_env or {})}
        env.pop("SPATIAL_APP_AUTH", None)
        code = "import sys; from spatial.cli import main; sys.exit(main(sys.argv[1:]))"
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log = open(Path(store).parent / f"app-{port}.log", "w")
        self.proc = subprocess.Popen([sys.executable, "-c", code, "app", "--store", str(store), "--port", str(port),
                                      "--no-browser", "--max-upload-mb", "8"], cwd=REPO, env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT)

    def wait(self, timeout: float = 120.0) -> "AppProcess":
        import httpx

        t0 = time.time()
        while time.time() - t0 < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"app exited with {self.proc.returncode}: {Path(self.log.name).read_text()[-2000:]}")
            try:
                if httpx.get(self.url + "/api/worlds", timeout=5).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError("app did not start")

    def peak_rss_mb(self) -> float:
        return peak_rss_mb(self.proc.pid)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def page_client(url: str):
    """An httpx client that sends what the page sends: same Origin, the session cookie and its token."""
    import httpx

    c = httpx.Client(base_url=url, timeout=180)
    token = c.get("/api/session").json()["token"]
    c.headers.update({"origin": url, "x-spatial-token": token})
    return c


def fake_videos(folder: Path) -> list[Path]:
    """Files that pass a magic-byte check for .mp4 / .webm but hold no video."""
    folder.mkdir(parents=True, exist_ok=True)
    mp4 = folder / "clip.mp4"
    mp4.write_bytes(b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2" + os.urandom(4096))
    webm = folder / "clip.webm"
    webm.write_bytes(b"\x1a\x45\xdf\xa3" + os.urandom(4096))
    renamed = folder / "photo.mp4"
    renamed.write_bytes(b"\0\0\0\x14ftypqt  " + (REPO / "pyproject.toml").read_bytes())
    return [mp4, webm, renamed]


def textured_glb(side: int) -> bytes:
    """A box with a ``side`` x ``side`` texture (one colour: the PNG stays small)."""
    import numpy as np
    import trimesh
    from PIL import Image

    m = trimesh.creation.box((1, 1, 1))
    uv = np.random.default_rng(0).random((len(m.vertices), 2))
    img = Image.new("RGB", (side, side), (200, 40, 40))
    m.visual = trimesh.visual.TextureVisuals(uv=uv, image=img)
    return m.export(file_type="glb")
