"""``spatial render WORLD``: render a dataset (RGB, depth, labels, normals) along a trajectory."""

from __future__ import annotations

from ._store_args import add_store_arg, load_world_arg

import re


def _size(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"(\d+)x(\d+)", text)
    if not m:
        raise ValueError("size must look like 640x480")
    return int(m.group(1)), int(m.group(2))


def register(sub) -> None:
    p = sub.add_parser("render", help="render a dataset (rgb, depth, labels, normals) from a world",
                       description="Render a world along an orbit, a walk over its walkable ground, or the cameras in a "
                                   "file, into a nerfstudio-format dataset (transforms.json + images/depth/labels/normals).")
    p.add_argument("world", help="world folder, or NAME[@VERSION] of a world in the store")
    add_store_arg(p)
    p.add_argument("-o", "--output", required=True, help="output folder")
    p.add_argument("--trajectory", default="orbit", help="orbit, walk, or a transforms.json / camera JSON file")
    p.add_argument("--outputs", default="rgb,depth", help="comma list of rgb, depth, labels, normals")
    p.add_argument("--size", type=_size, default=(512, 384), help="WxH (default 512x384)")
    p.add_argument("--frames", type=int, default=60, help="number of frames for orbit/walk (default 60)")
    p.add_argument("--video", action="store_true", help="also write video.mp4 of the RGB frames")
    p.add_argument("--backend", default="auto", help="rasterizer backend (see spatial info --backends)")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..exporting.dataset import render_dataset

    path = render_dataset(load_world_arg(args), args.output, args.trajectory, [o.strip() for o in args.outputs.split(",") if o.strip()],
                          args.size, args.frames, args.video, args.backend)
    print(f"wrote {path}")
    return 0
