"""Benchmark: a 1024 px photo -> standard world (spatial.image_world), with a baseline in the same run.

Our figure: wall time of ``image_to_world(photo_1024, quality="standard")`` (load, depth, outpaint,
lift, procedural continuation, fit refinement, collider) and the input-view PSNR.
Baseline, measured in the same run on the same machine: ``spatial.generate`` text -> world at
"draft" quality for the same scene type (the generator the pipeline reuses), so the ratio says how
much an image costs relative to a prompt whatever the machine's load.

Run: ``.venv/bin/python benchmarks/bench_image_world.py [--size 1024] [--quality standard]``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=1024)
    ap.add_argument("--quality", default="standard")
    ap.add_argument("--scene", default="street")
    args = ap.parse_args()
    import os

    import torch
    from PIL import Image

    from image_world_scenes import photo
    from spatial.generation.spec import preset
    from spatial.generation.world_builder import build_world
    from spatial.image_world import image_to_world

    torch.set_num_threads(os.cpu_count() or 1)
    w, h = args.size, args.size * 3 // 4
    rgb, *_ = photo(args.scene, w, h, supersample=1, yaw_deg=20.0 if args.scene == "room" else 0.0)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"{args.scene}_{w}.jpg"
        Image.fromarray(rgb).save(path, quality=92)
        t0 = time.perf_counter()
        world = image_to_world(path, quality=args.quality, seed=0)
        ours = time.perf_counter() - t0
    st = {"street": "city_street", "room": "living_room", "hills": "meadow"}[args.scene]
    t0 = time.perf_counter()
    build_world(preset(st, seed=0), quality="draft", preview=True, refine=False)
    base = time.perf_counter() - t0
    tm = {k: round(v, 1) for k, v in world.timings.items()}
    print(f"image -> world: {w}x{h} photo ({args.scene}) -> {args.quality} world: {ours:.1f} s, "
          f"{len(world.splats):,} splats, input-view PSNR {world.metadata['input_view_psnr']:.2f} dB")
    print(f"  stages (s): {tm}")
    print(f"baseline: spatial.generate text -> draft world ({st}), same run: {base:.1f} s")
    print(f"ratio image->world / text->world draft: {ours / base:.2f}x")
    print(f"target <= 60 s: {'met' if ours <= 60 else 'NOT met'} (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
