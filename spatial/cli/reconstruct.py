"""``spatial reconstruct INPUT -o WORLD``: photos, a video, a COLMAP model or a transforms.json -> a world."""

from __future__ import annotations

import json


def register(sub) -> None:
    p = sub.add_parser(
        "reconstruct",
        help="reconstruct a splat world from photos, a video, a COLMAP model or a transforms.json",
        description="Reconstruct a Gaussian-splat world from a capture. INPUT is a folder of photos, a video file "
                    "(frames are picked by sharpness), a COLMAP project (sparse/0 + images) or a nerfstudio/instant-ngp "
                    "transforms.json (or its folder). Photos and videos go through structure from motion (pycolmap). "
                    "Every 8th view is held out and the final report gives its PSNR and SSIM.",
    )
    p.add_argument("input", help="photo folder, video file, COLMAP project folder or transforms.json")
    p.add_argument("-o", "--output", required=True, help="world folder to write (replaced atomically)")
    p.add_argument("--steps", type=int, default=3000, help="optimisation steps (default 3000)")
    p.add_argument("--resolution", type=int, default=512, help="longer image side in pixels used for fitting (default 512; 0 = full)")
    p.add_argument("--budget", type=int, default=None, help="maximum number of splats (exact count with --strategy mcmc)")
    p.add_argument("--strategy", choices=["default", "mcmc"], default="default", help="densification: 3DGS clone/split/prune or MCMC")
    p.add_argument("--sh-degree", type=int, default=3, choices=[0, 1, 2, 3], help="spherical-harmonics degree (default 3)")
    p.add_argument("--holdout", type=int, default=8, help="hold out every N-th view for evaluation (0 = none; default 8)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--backend", default="auto", help="rasterizer backend (auto, cpu, reference, cuda)")
    p.add_argument("--format", dest="splat_format", choices=["ply", "spz", "glb"], default="ply", help="splat file in the world")
    p.add_argument("--json", action="store_true", help="print the final report as JSON")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..fitting.reconstruct import reconstruct

    world = reconstruct(
        args.input, args.output, steps=args.steps, resolution=args.resolution or None, budget=args.budget,
        strategy=args.strategy, seed=args.seed, holdout=args.holdout, sh_degree=args.sh_degree,
        splat_format=args.splat_format, progress=not args.quiet, backend=args.backend,
    )
    rec = world.metadata["reconstruct"]
    report = {
        "world": str(args.output),
        "splats": len(world.splats),
        "views": rec["views"],
        "heldout_views": rec["heldout_views"],
        "heldout": rec["metrics_heldout"],
        "timings": rec["timings"],
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"wrote {args.output}: {report['splats']} splats from {rec['views']} views")
    m = rec["metrics_heldout"]
    if m:
        print(f"held-out views: {m['views']}  PSNR {m['psnr']:.2f} dB  SSIM {m['ssim']:.4f}" + (f"  LPIPS {m['lpips']:.4f}" if m.get("lpips") is not None else ""))
    t = rec["timings"]
    print(f"time: load/SfM {t['load_and_sfm_s']:.1f} s, fit {t['fit_s']:.1f} s ({t['it_per_s']:.2f} it/s)")
    return 0
