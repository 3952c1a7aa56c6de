"""Engine profiles: which splat files, collider node names and frame notes each target gets.

Every profile is data: the exporter walks it, no engine gets its own code path.
Frames: spatial's world frame is glTF's (right-handed, +Y up, metres). ``to_engine`` maps a
world point to the engine's own frame *as that engine's glTF importer does it*
(UnityGLTF/glTFast: x -> -x; Unreal Interchange glTF: (x, z, y) and x100 to centimetres;
Blender's glTF importer: (x, -z, y); Godot and three.js: unchanged).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

Vec3 = tuple[float, float, float]


@dataclass(frozen=True)
class SplatOutput:
    filename: str  # {name} is replaced by the scene name
    format: str  # registry format name
    options: dict = field(default_factory=dict)
    sh_degree: int | None = None  # force this SH degree (pad or truncate)
    note: str = ""


@dataclass(frozen=True)
class EngineProfile:
    name: str
    title: str
    splats: tuple[SplatOutput, ...]
    static_name: Callable[[str], str]  # node name of the whole static (concave) collider
    convex_name: Callable[[str, int], str]  # node name of convex piece i
    frame: str
    to_engine: Callable[[Vec3], Vec3]
    sidecar: bool = False  # write <name>_colliders.json listing convex nodes (Unity)
    web_page: bool = False
    convex: bool = True  # convex pieces unless the caller says otherwise
    usd: bool = False  # one OpenUSD stage (splats, collider, semantics, spawn, cameras) instead of GLBs (exporting/usd.py)


def _ident(p: Vec3) -> Vec3:
    return (p[0], p[1], p[2])


ENGINES: dict[str, EngineProfile] = {
    "unity": EngineProfile(
        name="unity",
        title="Unity (aras-p UnityGaussianSplatting + glTFast/UnityGLTF for meshes)",
        splats=(
            SplatOutput("{name}.ply", "ply", sh_degree=3, note="Inria PLY, float32, binary LE; SH degree 3 (the importer strides by 15 f_rest per channel)"),
            SplatOutput("{name}.spz", "spz", {"version": 2}, note="SPZ version 2: the only SPZ version the Unity importer reads"),
        ),
        static_name=lambda n: f"{n}_Collider",
        convex_name=lambda n, i: f"{n}_Convex_{i:02d}",
        frame="left-handed, +Y up, metres; glTF importers negate X",
        to_engine=lambda p: (-p[0], p[1], p[2]),
        sidecar=True,
    ),
    "unreal": EngineProfile(
        name="unreal",
        title="Unreal Engine 5 (Interchange glTF import; splats through an Inria-PLY plugin such as XV3DGS)",
        splats=(SplatOutput("{name}.ply", "ply", note="Inria PLY for Niagara-based splat plugins"),),
        static_name=lambda n: n,
        convex_name=lambda n, i: f"UCX_{n}_{i:02d}",
        frame="left-handed, +Z up, centimetres; the glTF importer maps (x, y, z) -> 100 * (x, z, y)",
        to_engine=lambda p: (100.0 * p[0], 100.0 * p[2], 100.0 * p[1]),
    ),
    "godot": EngineProfile(
        name="godot",
        title="Godot 4 (scene import suffixes; splats through a plugin such as godotGS)",
        splats=(
            SplatOutput("{name}.ply", "ply", note="Inria PLY"),
            SplatOutput("{name}.spz", "spz", {"version": 3}, note="SPZ v3 (gzip)"),
        ),
        static_name=lambda n: f"{n}-colonly",
        convex_name=lambda n, i: f"{n}_{i:02d}-convcolonly",
        frame="right-handed, +Y up, metres (same as glTF)",
        to_engine=_ident,
    ),
    "blender": EngineProfile(
        name="blender",
        title="Blender (glTF importer for meshes; 3DGS add-ons for the PLY)",
        splats=(SplatOutput("{name}.ply", "ply", note="Inria PLY for KIRI 3DGS Render / SplatForge"),),
        static_name=lambda n: f"{n}_Collider",
        convex_name=lambda n, i: f"{n}_Convex_{i:02d}",
        frame="right-handed, +Z up, metres; the glTF importer maps (x, y, z) -> (x, -z, y)",
        to_engine=lambda p: (p[0], -p[2], p[1]),
    ),
    "threejs": EngineProfile(
        name="threejs",
        title="three.js + Spark (static web page included)",
        splats=(SplatOutput("{name}.spz", "spz", {"version": 3}, note="SPZ v3, read by Spark"),),
        static_name=lambda n: f"{n}_Collider",
        convex_name=lambda n, i: f"{n}_Convex_{i:02d}",
        frame="right-handed, +Y up, metres (same as glTF)",
        to_engine=_ident,
        web_page=True,
    ),
    "generic": EngineProfile(
        name="generic",
        title="Generic (PLY + SPZ + glTF KHR_gaussian_splatting)",
        splats=(
            SplatOutput("{name}.ply", "ply", note="Inria 3DGS PLY (COLMAP/OpenCV frame, y down)"),
            SplatOutput("{name}.spz", "spz", {"version": 3}, note="Niantic SPZ v3"),
            SplatOutput("{name}.glb", "gltf", note="glTF 2.0 with KHR_gaussian_splatting (ratified semantics)"),
        ),
        static_name=lambda n: f"{n}_Collider",
        convex_name=lambda n, i: f"{n}_Convex_{i:02d}",
        frame="right-handed, +Y up, metres (same as glTF)",
        to_engine=_ident,
    ),
    "usd": EngineProfile(
        name="usd",
        title="OpenUSD (Isaac Sim / Omniverse, Houdini, usdview): ParticleField3DGaussianSplat + physics collider + semantics",
        splats=(),  # the splats are a ParticleField3DGaussianSplat layer referenced by world.usda
        static_name=lambda n: "Collider",
        convex_name=lambda n, i: f"Convex_{i:02d}",
        frame="right-handed, +Y up, metres (stage upAxis Y, metersPerUnit 1: same as glTF)",
        to_engine=_ident,
        convex=False,  # the static world collides as a triangle mesh (approximation none); --convex adds hull pieces
        usd=True,
    ),
}


def get_engine(name: str) -> EngineProfile:
    from ..errors import ValidationError

    try:
        return ENGINES[name.lower()]
    except KeyError:
        raise ValidationError(f"unknown engine {name!r}; choose one of: {', '.join(ENGINES)}") from None
