"""Regenerate the small sample files in assets/ (all made by spatial itself).

    .venv/bin/python assets/make_assets.py
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    import numpy as np
    from PIL import Image

    import spatial
    from spatial.core.camera import Camera

    world = spatial.generate(prompt="a sunny alpine meadow with pine trees and rocks by a small lake", seed=1,
                             quality="draft", splats=10_000)
    spatial.save(world.splats, HERE / "sample_meadow.ply")
    spatial.save(world.splats, HERE / "sample_meadow.spz")
    # A photo-like render for trying image -> world.
    big = spatial.generate(prompt="a sunny alpine meadow with pine trees and rocks by a small lake", seed=1, quality="draft")
    x, y, z = big.spawn.position
    cam = Camera.look_at((x, y + 1.6, z), (x, y + 1.4, z - 10.0), 640, 480, 60.0)
    img = spatial.render(big.splats, cam, background=(0.6, 0.75, 0.95)).rgb[0].clamp(0, 1).numpy()
    Image.fromarray((img * 255 + 0.5).astype(np.uint8)).save(HERE / "sample_photo.jpg", quality=88)
    for p in sorted(HERE.rglob("*")):
        if p.is_file() and p.suffix != ".py":
            print(f"{p.relative_to(HERE)}: {p.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
