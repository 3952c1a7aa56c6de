"""Render a preview of every scene type into docs/gallery/ (and write docs/gallery/README.md).

    .venv/bin/python benchmarks/make_gallery.py [--out docs/gallery] [--quality draft] [--only forest,desert]

Each entry is generated from its prompt with seed 1 through the public API (``spatial.generate``);
the PNG is the world's own preview (rendered by ``spatial.render`` from the spawn point).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

#: (file stem, scene type, prompt)
GALLERY = [
    ("conifer_forest", "conifer_forest", "a misty pine forest with a lake at sunset"),
    ("broadleaf_forest", "broadleaf_forest", "a dense oak forest on a sunny day"),
    ("meadow", "meadow", "a meadow of wildflowers with rolling hills at dawn"),
    ("desert", "desert", "a desert with sand dunes and cacti at noon"),
    ("snowy_mountains", "snowy_mountains", "snowy mountains with pine trees on a clear day"),
    ("beach", "beach", "a tropical beach with palm trees at sunset"),
    ("lake", "lake", "a calm lake surrounded by hills at dawn"),
    ("canyon", "canyon", "a red rock canyon at midday"),
    ("swamp", "swamp", "a foggy swamp with dead trees"),
    ("village", "village", "a village with three red houses"),
    ("city_street", "city_street", "a city street on a sunny afternoon"),
    ("city_street_night", "city_street", "a city street at night"),
    ("plaza", "plaza", "a town plaza with a fountain on an overcast day"),
    ("living_room", "living_room", "a cozy living room with a red sofa"),
    ("office", "office", "an open plan office"),
    ("warehouse", "warehouse", "a warehouse full of racks and crates"),
    ("forest_snowfall", "conifer_forest", "a pine forest while snow is falling"),
    ("lake_night", "lake", "a lake under the stars at night"),
]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(REPO / "docs" / "gallery"))
    ap.add_argument("--quality", default="draft")
    ap.add_argument("--only", default="", help="comma-separated stems")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    from PIL import Image

    from spatial.generation import generate

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    only = {s for s in args.only.split(",") if s}
    rows = []
    for stem, scene, prompt in GALLERY:
        if only and stem not in only:
            continue
        t = time.perf_counter()
        w = generate(prompt, seed=args.seed, quality=args.quality)
        dt = time.perf_counter() - t
        assert w.spec["scene_type"] == scene, (prompt, w.spec["scene_type"])
        Image.fromarray(w.preview).save(out / f"{stem}.png", optimize=True)
        rows.append((stem, scene, prompt, w.spec["time_of_day"], w.spec["weather"], len(w.splats), len(w.collider.faces), dt))
        print(f"{stem:18s} {scene:17s} {dt:6.1f} s  {len(w.splats):7d} splats  '{prompt}'", flush=True)
    if not only:
        lines = ["# Gallery", "",
                 "Previews rendered by `benchmarks/make_gallery.py` (`spatial.generate(prompt, seed=1, quality=\"draft\")`, "
                 "the world's own `preview.png`: `spatial.render` from the spawn point, 480x270). Regenerate with "
                 "`.venv/bin/python benchmarks/make_gallery.py`.", "",
                 "| preview | scene type | prompt | time of day | weather | splats | collider triangles |", "|---|---|---|---|---|---|---|"]
        for stem, scene, prompt, tod, wea, n, nf, dt in rows:
            lines.append(f"| ![{stem}]({stem}.png) | {scene} | {prompt} | {tod} | {wea} | {n:,} | {nf:,} |")
        (out / "README.md").write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
