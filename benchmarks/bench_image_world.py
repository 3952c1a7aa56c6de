"""Benchmark: a 1024 px photo -> standard world (spatial.image_world), with a baseline in the same run.

Our figure: wall time of ``image_to_world(photo_1024, quality="standard")`` (load, depth, outpaint,
lift, procedural continuation, fit refinement, collider) and the input-view PSNR.
Baseline, measured in the same run on the same machine: ``spatial.generate`` text -> world at
"draft" quality for the same scene type (the generator the pipeline reuses), so the ratio says how
much an image costs relative to a prompt whatever the machine's load.

Real-photo section (``--real``, on by default): the classical default depth of scikit-image's
``motorcycle_left.png`` at the standard working size (640 px) against its Middlebury ground truth
(median-scaled AbsRel and delta<1.25), printed beside two weight-free baselines of the same run: a
constant depth and the row prior "farther towards the top of the image".

Run: ``.venv/bin/python benchmarks/bench_image_world.py [--size 1024] [--quality standard] [--no-real]``
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
    ap.add_argument("--no-real", action="store_true", help="skip the real-photo section")
    ap.add_argument("--no-speed", action="store_true", help="skip the 1024 px timing")
    args = ap.parse_args()
    if not args.no_real:
        real_photo_section()
    if args.no_speed:
        return 0
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


def real_photo_section() -> None:
    """Depth on the real photo with ground truth, beside the baselines of the same run."""
    import cv2

    from image_world_scenes import motorcycle
    from spatial.image_world.depth import estimate_depth
    from spatial.image_world.metrics import baseline_depths, depth_errors

    m = motorcycle()
    if m is None:
        print("real photos: scikit-image's motorcycle photo is not installed; skipped")
        return
    rgb, gt = m
    small = cv2.resize(rgb, (640, round(rgb.shape[0] * 640 / rgb.shape[1])), interpolation=cv2.INTER_AREA)
    t0 = time.perf_counter()
    d = estimate_depth(small, method="classical")
    dt = time.perf_counter() - t0
    pred = cv2.resize(d.depth, (gt.shape[1], gt.shape[0]), interpolation=cv2.INTER_NEAREST)
    rows = [("classical (ours)", depth_errors(pred, gt))] + [(k, depth_errors(v, gt)) for k, v in baseline_depths(gt.shape).items()]
    print(f"real photo: motorcycle_left.png (Middlebury 2014, 640 px working size), depth {dt:.2f} s, "
          f"focal {d.focal * gt.shape[1] / 640:.0f} px (true 995, {d.fov_source}), horizon source {d.info.get('horizon_source')}")
    print(f"  {'method':18s} {'AbsRel':>7s} {'d<1.25':>7s}   (median-scaled, {rows[0][1]['pixels']:,} pixels with ground truth)")
    for name, e in rows:
        print(f"  {name:18s} {e['abs_rel']:7.3f} {e['delta1']:7.3f}")
    ok = rows[0][1]["abs_rel"] <= 0.20 and rows[0][1]["delta1"] >= 0.70
    print(f"  target AbsRel <= 0.20 and d<1.25 >= 0.70: {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    raise SystemExit(main())
