"""Short per-engine import guides written next to the exported files (IMPORT.md)."""

from __future__ import annotations

GUIDES = {
    "unity": """# Importing into Unity

1. Splats: install aras-p/UnityGaussianSplatting, then *Tools > Gaussian Splats > Create GaussianSplatAsset*
   and pick `{name}.ply` (or `{name}.spz`, SPZ version 2). The PLY is in the 3DGS/COLMAP frame (y down): put the
   splat object under a parent rotated 180 degrees about X so +Y is up.
2. Colliders: import `{name}_collision.glb` with glTFast or UnityGLTF. Put a (non-convex) MeshCollider on
   `{static}` for the level; the `*_Convex_NN` nodes (<= 255 triangles each) can take convex MeshColliders.
   `{name}_colliders.json` lists which nodes are which.
3. Optional: `{name}_visual.glb` is a vertex-coloured mesh for LODs or platforms without splats.
4. Spawn: `manifest.json` gives the spawn point in Unity coordinates (`spawn.engine`).
""",
    "unreal": """# Importing into Unreal Engine 5

1. Colliders: import `{name}_collision.glb` (Interchange glTF). Enable *Import Collision According to Mesh Name*:
   the `UCX_{static}_NN` convex pieces become the collision of the static mesh `{static}`. For exact
   collision set the mesh's Collision Complexity to *Use Complex Collision As Simple*.
2. Splats: `{name}.ply` is an Inria 3DGS PLY for Niagara-based splat plugins (e.g. XV3DGS).
3. Optional: `{name}_visual.glb` is a vertex-coloured mesh for platforms without splat support.
4. Units: the glTF importer converts metres to centimetres and Y-up to Z-up; `manifest.json` has the spawn in
   Unreal coordinates (`spawn.engine`).
""",
    "godot": """# Importing into Godot 4

1. Colliders: drop `{name}_collision.glb` into the project. `{static}` (suffix `-colonly`) becomes a
   StaticBody3D with a concave trimesh shape; `*-convcolonly` nodes become convex shapes.
2. Splats: `{name}.ply` / `{name}.spz` with a splat plugin such as godotGS.
3. Optional: `{name}_visual.glb` is a vertex-coloured mesh.
4. Godot shares glTF's frame (+Y up, metres): `manifest.json` spawn coordinates apply as they are.
""",
    "blender": """# Importing into Blender

1. Meshes: *File > Import > glTF 2.0* for `{name}_visual.glb` (coloured mesh) and `{name}_collision.glb`.
2. Splats: `{name}.ply` with a 3DGS add-on (KIRI 3DGS Render, SplatForge).
3. Blender is Z-up; the glTF importer converts. `manifest.json` has the spawn in Blender coordinates.
""",
    "threejs": """# Using with three.js

Open `index.html` through any static web server (`python -m http.server` in this folder) to walk the world,
or load `{name}.spz` with Spark (`new SplatMesh({{ url: "{name}.spz" }})`) and `{name}_collision.glb` with GLTFLoader
for collision. three.js shares glTF's frame (+Y up, metres).
""",
    "generic": """# Generic export

* `{name}.ply`: Inria 3DGS PLY (COLMAP/OpenCV frame: x right, y down, z forward).
* `{name}.spz`: Niantic SPZ v3 (RUB frame, as the reference library stores it).
* `{name}.glb`: glTF 2.0 with `KHR_gaussian_splatting` (glTF frame, linear scale and opacity).
* `{name}_collision.glb`: static collider `{static}` plus convex pieces; `{name}_visual.glb`: coloured mesh.
* `manifest.json`: units, axes, spawn, labels legend and source prompt.
""",
    "usd": """# Opening the OpenUSD stage

`world.usda` (or `world.usdc`) is the stage; it references `{name}_splats.usdc`. Keep the files together.
Stage: upAxis Y, metersPerUnit 1, defaultPrim `/World`; a PhysicsScene with gravity -Y 9.81.

* `/World/Splats`: `UsdVol.ParticleField3DGaussianSplat` (OpenUSD >= 26.03). Per-splat label ids are the primvar
  `primvars:spatial:labelId`, the legend is in the prim's customData `spatial:labels`.
* `/World/Collision/{static}`: triangle-mesh collider (PhysicsCollisionAPI + PhysicsMeshCollisionAPI, approximation
  none), purpose guide. `/World/Collision/Convex/Convex_NN`: convex pieces (approximation convexHull), authored with
  `physics:collisionEnabled = false`: enable them instead of the static mesh for dynamic uses.
* `/World/VisualMesh`: a vertex-coloured mesh, invisible; make it visible where the splat prim is not drawn.
* `/World/Objects/*`: one prim per object with `UsdSemantics.LabelsAPI` (taxonomy `class`) and a guide `Bounds` cube.
* `/World/spawn`: the walker's spawn (feet position; looks along -Z turned by its rotateY). `/World/Cameras/*`: the
  world's cameras.

Isaac Sim: *File > Open* `world.usda` (or add it as a reference). Houdini: a Solaris *Reference* or *Sublayer* LOP.
See docs/export.md for what each tool reads.
""",
}


def guide(engine: str, name: str, static: str) -> str:
    return GUIDES[engine].format(name=name, static=static)
