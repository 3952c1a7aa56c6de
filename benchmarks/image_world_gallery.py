"""Gallery sheets of image -> world on real photos (docs/images/image_world/) and their figures.

For each photo of ``tests/image_world_scenes.py: REAL_PHOTOS`` (scikit-image's photos and two frames of
the fox capture): a world at the given quality, the five gallery views (input view, 1 m right, 2 m
forward, turn 90, turn 180; :mod:`spatial.image_world.views`) rendered at <= 320 px, the sheet saved
as a small palette PNG, and one markdown table row: the beyond scene, indoor/outdoor (photo vs
beyond), min alpha, largest flat filler excess over the photo's own, turn-180 CIELAB distance, time.

Run: ``.venv/bin/python benchmarks/image_world_gallery.py [--quality draft] [--out docs/images/image_world]``
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quality", default="draft")
    ap.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "docs" / "images" / "image_world"))
    ap.add_argument("--height", type=int, default=120, help="sheet tile height (pixels)")
    args = ap.parse_args()
    from PIL import Image

    from image_world_scenes import real_photos
    from spatial.generation.spec import INDOOR_SCENES
    from spatial.image_world import image_to_world
    from spatial.image_world.views import check_views, render_views, sheet

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    print("| photo | beyond | photo indoor | beyond indoor | min alpha | flat excess | turn-180 dE | time |")
    print("|---|---|---|---|---|---|---|---|")
    for name, path, indoor in real_photos():
        t0 = time.perf_counter()
        w = image_to_world(path, quality=args.quality, seed=0)
        dt = time.perf_counter() - t0
        views = render_views(w, size=320)
        c = check_views(views, views[0]["rgb"])
        img = Image.fromarray(sheet(views, args.height)).quantize(colors=192, method=Image.Quantize.MEDIANCUT)
        stem = name.replace("/", "_").rsplit(".", 1)[0]
        img.save(out / f"{stem}.png", optimize=True)
        u = w.metadata["understanding"]
        excess = max(f - c["flat"][0] for f in c["flat"])
        print(f"| {name} | {w.spec['scene_type']}{' (' + w.metadata['beyond']['shell'] + ' shell)' if (w.metadata.get('beyond') or {}).get('shell') else ''} "
              f"| {'indoor' if u['indoor'] else 'outdoor'} | {'indoor' if w.spec['scene_type'] in INDOOR_SCENES else 'outdoor'} "
              f"| {min(c['alpha']):.4f} | {excess:.1%} | {c['turn180_delta_e']:.1f} | {dt:.0f} s |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
