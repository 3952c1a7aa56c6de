"""``spatial info FILE``: what a splat file holds, in spatial's world frame."""

from __future__ import annotations

import json


def register(sub) -> None:
    p = sub.add_parser("info", help="describe a splat file (count, SH degree, bounds, value ranges, format)",
                       description="Describe a splat file: format and version, splat count, SH degree, bounding box "
                                   "in spatial's world frame (+Y up, metres), opacity and scale ranges.")
    p.add_argument("file", nargs="?", help="splat file (.ply, .compressed.ply, .splat, .spz, .glb, .gltf)")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")
    p.add_argument("--backends", action="store_true", help="list the rasterizer backends available here and exit")
    p.set_defaults(func=run)


def describe(path) -> dict:
    """Header facts plus statistics computed from a full decode."""
    from ..io.registry import inspect, load

    info = inspect(path)
    s = load(path)
    info["count"] = len(s)
    info["sh_degree"] = s.sh_degree
    lo, hi = s.bounds()
    info["bounds_min"] = [round(float(v), 6) + 0.0 for v in lo]  # + 0.0: no "-0.0"
    info["bounds_max"] = [round(float(v), 6) + 0.0 for v in hi]
    if len(s):
        op = s.opacities
        sc = s.scales
        info["opacity_range"] = [float(op.min()), float(op.max())]
        info["scale_range"] = [float(sc.min()), float(sc.max())]
    info["has_labels"] = s.labels is not None
    return info


def backends() -> dict:
    """{"available": {name: description}, "unavailable": {name: reason}, "build": compiled-module facts}."""
    from ..rendering import available_backends, unavailable_backends

    out = {"available": available_backends(), "unavailable": unavailable_backends()}
    try:
        from .. import _C

        out["build"] = _C.build_info()
    except ImportError as e:
        out["build"] = {"error": f"compiled kernels not built: {e}"}
    return out


def run(args) -> int:
    if args.backends:
        b = backends()
        if args.json:
            print(json.dumps(b, indent=2))
        else:
            for k, v in b["available"].items():
                print(f"{k:10s} yes  {v}")
            for k, v in b["unavailable"].items():
                print(f"{k:10s} no   {v}")
            build = ", ".join(f"{k}={v}" for k, v in b["build"].items())
            print(f"build      {build}")
        return 0
    if not args.file:
        print("spatial info: error: give a FILE (or --backends)")
        return 2
    info = describe(args.file)
    if args.json:
        print(json.dumps(info, indent=2))
        return 0
    for k, v in info.items():
        print(f"{k:14s} {v}")
    return 0
