"""Block-out layouts (Marble's Chisel): boxes, planes and cylinders the generator dresses with assets.

A layout is JSON (``{"blocks": [...]}``) or a GLB whose mesh nodes are the blocks. A block:

``{"shape": "box"|"plane"|"cylinder", "position": [x, y, z], "size": [sx, sy, sz], "yaw_deg": a, "kind": "tower"}``

``position`` is the middle of the block's base (``y`` may be left out: the ground), ``size`` its
extent along its own axes (a cylinder may give ``radius`` and ``height`` instead), ``kind``
(optional) any word the asset registry knows. In a GLB the node name may carry the kind; the shape
is read from the mesh (a thin box is a plane, a round footprint a cylinder).

:func:`dress` turns a generated world and a layout into the dressed world: each block gets an asset
of the prompt's style whose footprint matches it (a box on the ground -> a building, or a rock /
crate when small; a vertical plane -> a wall; a horizontal plane -> a paved floor; a tall cylinder
-> a tower or a tree; a squat one -> a fountain, well or barrel), built by the registry and scaled
along each axis to the block's extent, so its footprint covers the block's (IoU >= 0.7, checked by
:func:`footprint_iou`). Whatever the generator had placed inside a block's footprint (trees, rocks)
is removed first; the ground stays. Dressed assets are solid (their collider parts join the world's
collider); the spawn is moved out of any block onto the ground.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import FormatError, ValidationError

MAX_BLOCKS = 200
#: a vertical plane is dressed by a wall at least this thick
WALL_MIN = 0.6
#: footprint scale factors tried for assets that do not fill their bounding box (round, irregular)
FIT_FACTORS = (1.0, 1.08, 1.16, 1.25)
SHAPES = ("box", "plane", "cylinder")
#: style words of the prompt -> kind candidates per role (first known to the registry wins)
ROLE_KINDS = {
    "building": {"urban": ("office_building", "house"), "medieval": ("house", "barn"), "forest": ("cabin", "house"),
                 "default": ("house", "cabin", "barn")},
    "small": {"default": ("crate", "rock")},
    "wall": {"medieval": ("castle_wall", "stone_wall", "wall"), "default": ("stone_wall", "wall", "castle_wall", "fence")},
    "tower": {"medieval": ("castle_tower", "stone_tower"), "default": ("stone_tower", "castle_tower", "silo", "lighthouse")},
    "tree": {"desert": ("palm_tree", "cactus"), "beach": ("palm_tree",), "snow": ("pine_tree",), "forest": ("pine_tree", "oak_tree"),
             "default": ("oak_tree", "pine_tree")},
    "round": {"medieval": ("well", "fountain"), "default": ("fountain", "well", "pond")},
    "small_round": {"default": ("tree_stump", "bush", "potted_plant")},
}


@dataclass
class Block:
    shape: str
    position: np.ndarray  # base centre (y may be nan: on the ground)
    size: np.ndarray  # (sx, sy, sz) along the block's axes
    yaw_deg: float = 0.0
    kind: str | None = None

    @property
    def role(self) -> str:
        sx, sy, sz = self.size
        if self.shape == "plane":
            return "floor" if sy <= 0.1 * max(sx, sz) else "wall"
        if self.shape == "cylinder":
            d = max(sx, sz)
            if sy > 1.8 * d:
                return "tower" if d >= 2.0 else "tree"
            return "round" if d >= 1.5 else "small_round"
        return "building" if (sy >= 2.5 and min(sx, sz) >= 3.0) else "small"

    def footprint(self, res: float = 0.1, pad: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        """Points (x, z) on a ``res`` grid covering the block's footprint (with ``pad``), and their cell area."""
        sx, _, sz = self.size
        if self.shape == "plane" and self.role == "wall":
            sx, sz = max(sx, WALL_MIN), max(sz, WALL_MIN)
        u = np.arange(-sx / 2 - pad, sx / 2 + pad + 1e-9, res)
        v = np.arange(-sz / 2 - pad, sz / 2 + pad + 1e-9, res)
        U, V = np.meshgrid(u, v)
        if self.shape == "cylinder":
            keep = (U / (sx / 2 + pad)) ** 2 + (V / (sz / 2 + pad)) ** 2 <= 1.0
            U, V = U[keep], V[keep]
        a = math.radians(self.yaw_deg)
        c, s = math.cos(a), math.sin(a)
        x = self.position[0] + c * U.ravel() + s * V.ravel()
        z = self.position[2] - s * U.ravel() + c * V.ravel()
        return np.stack([x, z], 1), np.full(x.size, res * res)


def _vec(v, n: int, what: str) -> np.ndarray:
    try:
        a = np.asarray(v, np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise ValidationError(f"{what} must be {n} numbers") from None
    if a.size != n or not np.isfinite(a).all():
        raise ValidationError(f"{what} must be {n} finite numbers, got {v!r}")
    return a


def parse_block(d: dict, i: int) -> Block:
    w = f"layout block {i}"
    if not isinstance(d, dict):
        raise ValidationError(f"{w} must be an object")
    extra = set(d) - {"shape", "position", "center", "size", "radius", "height", "yaw_deg", "kind"}
    if extra:
        raise ValidationError(f"{w}: unknown field(s) {sorted(extra)}")
    shape = d.get("shape", "box")
    if shape not in SHAPES:
        raise ValidationError(f"{w}.shape must be one of {', '.join(SHAPES)}, got {shape!r}")
    pos = d.get("position", d.get("center"))
    if pos is None:
        raise ValidationError(f"{w} needs a position [x, y, z] (or [x, z]: on the ground)")
    pos = np.asarray(pos, np.float64).reshape(-1)
    if pos.size == 2:
        pos = np.array([pos[0], np.nan, pos[1]])
    pos = np.asarray(pos, np.float64)
    if pos.size != 3 or not np.isfinite(pos[[0, 2]]).all():
        raise ValidationError(f"{w}.position must be [x, y, z] or [x, z]")
    if shape == "cylinder" and "size" not in d:
        r = float(d.get("radius", 1.0))
        size = np.array([2 * r, float(d.get("height", 3.0)), 2 * r])
    else:
        size = _vec(d.get("size"), 3, f"{w}.size")
    if shape == "plane":
        size = np.maximum(size, 0.0)
    if (size < 0).any() or size.max() <= 0 or size.max() > 500 or (shape != "plane" and (size <= 0).any()):
        raise ValidationError(f"{w}.size must be positive (at most 500 m), got {size.tolist()}")
    kind = d.get("kind")
    if kind is not None and (not isinstance(kind, str) or len(kind) > 60):
        raise ValidationError(f"{w}.kind must be a word")
    return Block(shape, pos, size, float(d.get("yaw_deg", 0.0)), kind)


def _blocks_from_glb(path: Path) -> list[Block]:
    import trimesh

    try:
        scene = trimesh.load(str(path), force="scene")
    except Exception as e:  # trimesh raises many kinds on bad files
        raise FormatError(path, f"not a readable GLB/mesh file: {e}") from None
    out = []
    for name in scene.graph.nodes_geometry:
        tf, geom = scene.graph[name]
        mesh = scene.geometry[geom].copy()
        mesh.apply_transform(tf)
        v = np.asarray(mesh.vertices, np.float64)
        if len(v) < 3:
            continue
        lo, hi = v.min(0), v.max(0)
        size = hi - lo
        shape = "box"
        if size.min() < 0.05 * size.max():
            shape = "plane"
        else:
            from scipy.spatial import ConvexHull

            try:
                area = ConvexHull(v[:, [0, 2]]).volume
                if area / max(size[0] * size[2], 1e-9) < 0.88:
                    shape = "cylinder"
            except Exception:
                pass
        out.append(Block(shape, np.array([(lo[0] + hi[0]) / 2, lo[1], (lo[2] + hi[2]) / 2]), size, 0.0,
                         str(name).split(".")[0].replace("kind:", "") or None))
    return out


def load_layout(layout) -> list[Block]:
    """Blocks from a dict/list, a JSON file or a GLB file."""
    if isinstance(layout, (str, os.PathLike)):
        path = Path(layout)
        if not path.is_file():
            raise FormatError(path, "layout file is missing")
        if path.stat().st_size > 64 * 1024 * 1024:
            raise FormatError(path, "layout file is over 64 MiB")
        if path.suffix.lower() in (".glb", ".gltf", ".obj", ".ply"):
            blocks = _blocks_from_glb(path)
        else:
            try:
                layout = json.loads(path.read_text())
            except (UnicodeDecodeError, json.JSONDecodeError) as e:
                raise FormatError(path, f"invalid JSON: {e}") from None
            blocks = None
        if blocks is not None:
            if not blocks:
                raise FormatError(path, "the file has no meshes to use as blocks")
            return blocks[:MAX_BLOCKS]
    if isinstance(layout, dict):
        layout = layout.get("blocks")
    if not isinstance(layout, list) or not layout:
        raise ValidationError("a layout is {\"blocks\": [...]} with at least one block")
    if len(layout) > MAX_BLOCKS:
        raise ValidationError(f"a layout may have at most {MAX_BLOCKS} blocks, got {len(layout)}")
    return [parse_block(b, i) for i, b in enumerate(layout)]


# ---------------------------------------------------------------------------------------- dressing
def _style(prompt: str, spec: dict) -> list[str]:
    p = (prompt or "").lower()
    st = str(spec.get("scene_type", ""))
    out = []
    if any(w in p for w in ("castle", "medieval", "fortress", "keep", "courtyard", "ruins")):
        out.append("medieval")
    if st in ("city_street", "plaza") or any(w in p for w in ("city", "street", "urban", "downtown")):
        out.append("urban")
    if st in ("conifer_forest", "broadleaf_forest") or "forest" in p:
        out.append("forest")
    if st == "desert" or "desert" in p:
        out.append("desert")
    if st == "beach" or "beach" in p:
        out.append("beach")
    if float(spec.get("snow_cover", 0) or 0) > 0.4:
        out.append("snow")
    if spec.get("scene_type") in ("living_room", "office", "warehouse"):
        out.append("indoor")
    return out + ["default"]


def choose_kind(block: Block, style: list[str]):
    """The registry kind that dresses ``block`` (its tag if it has one)."""
    from .assets import registry

    if block.kind:
        k = registry.lookup(block.kind)
        if k is None:
            raise ValidationError(f"layout: unknown kind {block.kind!r} on a {block.shape}")
        return k
    role = block.role
    if role == "floor":
        return None
    table = ROLE_KINDS[role]
    for s in style:
        for name in table.get(s, ()):
            if name in registry.REGISTRY:
                return registry.REGISTRY[name]
    for name in table["default"]:
        if name in registry.REGISTRY:
            return registry.REGISTRY[name]
    return None


def fitted_parts(block: Block, kind, seed: int, ground_y: float, palette: dict, factor: float = 1.0, parts=None):
    """Parts of the asset (or a plain slab) scaled along each axis to ``block`` and placed on it."""
    from ..core.labels import label_id
    from .assets import registry
    from .mesh import box, rot_y

    sx, sy, sz = (float(v) for v in block.size)
    if kind is None or block.role == "floor":
        col = palette.get("paving", np.array([0.62, 0.6, 0.56])) if block.role == "floor" else palette.get("wall", np.array([0.7, 0.68, 0.64]))
        lab = label_id("road") if block.role == "floor" else label_id("wall")
        thick = (max(sy, 0.08), 0.0) if block.role == "floor" else (sy, 0.0)
        size = (sx, thick[0], sz) if block.role == "floor" else (max(sx, 0.3), sy, max(sz, 0.3))
        parts = [box(size, col, lab, "paving" if block.role == "floor" else "brick", True, center=(0, size[1] / 2, 0))]
    elif parts is None:
        parts = registry.build(kind.name, {}, rng=np.random.default_rng(seed))
    v = np.concatenate([p.vertices for p in parts])
    lo, hi = v.min(0), v.max(0)
    ext = np.maximum(hi - lo, 1e-3)
    target = np.array([sx, sy, sz])
    if block.role == "wall":
        target = np.array([max(sx, WALL_MIN), sy, max(sz, WALL_MIN)])
    if block.role == "floor":
        target[1] = ext[1]
    s = target / ext * np.array([factor, 1.0, factor])
    mid = np.array([(lo[0] + hi[0]) / 2, lo[1], (lo[2] + hi[2]) / 2])
    pos = np.array([block.position[0], ground_y, block.position[2]])
    r = rot_y(math.radians(block.yaw_deg))
    out = []
    for p in parts:
        q = p.transformed(None, -mid, 1.0).transformed(None, (0, 0, 0), s).transformed(r, pos, 1.0)
        out.append(q)
    return out


def footprint_iou(block: Block, parts, res: float = 0.05) -> float:
    """IoU of the block's footprint and the parts' footprint (their triangles projected on the ground),
    both rasterized on a ``res`` grid."""
    from PIL import Image, ImageDraw

    poly = _footprint_polygon(block)
    allv = np.concatenate([poly] + [p.vertices[:, [0, 2]] for p in parts])
    lo = allv.min(0) - 2 * res
    n = np.ceil((allv.max(0) + 2 * res - lo) / res).astype(int)
    if n.prod() > 25_000_000:
        res = float(np.sqrt((allv.max(0) - lo).prod() / 25_000_000)) * 1.01
        n = np.ceil((allv.max(0) + 2 * res - lo) / res).astype(int)

    def px(xz):
        return [tuple(v) for v in ((xz - lo) / res).tolist()]

    a = Image.new("1", (int(n[0]), int(n[1])), 0)
    ImageDraw.Draw(a).polygon(px(poly), fill=1)
    b = Image.new("1", (int(n[0]), int(n[1])), 0)
    db = ImageDraw.Draw(b)
    for p in parts:
        for t in p.vertices[p.faces][:, :, [0, 2]]:
            db.polygon(px(t), fill=1)
    A, B = np.asarray(a, bool), np.asarray(b, bool)
    union = int((A | B).sum())
    return int((A & B).sum()) / union if union else 0.0


def dress(world, layout, prompt: str = "", seed: int | None = None, preview: bool = True):
    """The generated ``world`` with every block of ``layout`` dressed (see module doc). Returns a new World;
    ``world.metadata["blockout"]`` lists each block's kind and footprint IoU."""
    import torch
    import trimesh

    from ..core.labels import LABEL_IDS
    from ..core.splats import Splats
    from ..world import Spawn
    from . import materials
    from .spec import SceneSpec
    from .splat_parts import budget_factor, parts_to_rows

    blocks = load_layout(layout)
    spec_d = dict(world.spec or {})
    meta = {"spec": spec_d, "seed": world.seed, "spawn": world.spawn.to_dict(), "metadata": world.metadata,
            "generator": world.generator, "labels": {str(k): v for k, v in world.labels.items()}}
    style = _style(prompt or world.prompt, spec_d)
    try:
        pal = materials.palette(SceneSpec.from_dict(spec_d))
    except Exception:
        pal = {}
    seed = int(world.seed or 0) if seed is None else int(seed)
    sp = world.splats
    means = sp.means.detach().numpy().astype(np.float64)
    labels = sp.labels.numpy() if sp.labels is not None else np.zeros(len(sp), np.int32)
    legend = dict(world.labels)
    surface = [k for k, v in legend.items() if v in ("ground", "road", "floor", "water", "sky", "particles", "ceiling", "unlabeled")]
    ground_l = [k for k, v in legend.items() if v in ("ground", "road", "floor")] or [LABEL_IDS["ground"]]
    is_ground = np.isin(labels, ground_l)
    keep = np.ones(len(sp), bool)
    col = world.collider
    cv = np.asarray(col.vertices, np.float64) if col is not None else np.zeros((0, 3))
    cf = np.asarray(col.faces, np.int64) if col is not None else np.zeros((0, 3), np.int64)
    cen = cv[cf].mean(axis=1) if len(cf) else np.zeros((0, 3))
    keep_f = np.ones(len(cf), bool)
    all_parts, part_labels, report = [], [], []
    ground_pts = means[is_ground]
    if len(ground_pts):
        from scipy.spatial import cKDTree

        ground_tree = cKDTree(ground_pts[:, [0, 2]])
    else:
        ground_tree = None
    for i, b in enumerate(blocks):
        pts, _ = b.footprint(0.5, pad=0.3)
        # ground under the block: the lowest ground splats around it
        r = max(b.size[0], b.size[2]) / 2 + 1.0
        near = is_ground & (np.abs(means[:, 0] - b.position[0]) < r) & (np.abs(means[:, 2] - b.position[2]) < r)
        gy = float(np.quantile(means[near, 1], 0.2)) if near.sum() > 5 else (0.0 if not np.isfinite(b.position[1]) else b.position[1])
        if np.isfinite(b.position[1]):
            gy = float(b.position[1])
        # clear what the generator put there (objects only: the ground stays)
        from matplotlib.path import Path as MPath

        hull = _footprint_polygon(b, pad=0.3)
        inside = MPath(hull).contains_points(means[:, [0, 2]])
        keep &= ~(inside & ~np.isin(labels, surface))
        if len(cf):
            # object triangles only: those standing above the ground splats next to them (the terrain stays)
            f_in = np.flatnonzero(MPath(hull).contains_points(cen[:, [0, 2]]))
            if f_in.size and ground_tree is not None:
                _, nn = ground_tree.query(cen[f_in][:, [0, 2]], k=min(4, len(ground_pts)))
                g_here = np.median(ground_pts[np.atleast_2d(nn.T).T if nn.ndim == 1 else nn, 1], axis=-1)
                f_in = f_in[cen[f_in, 1] > g_here + 0.25]
            keep_f[f_in] = False
        kind, parts, iou = dress_block(b, style, seed + 101 * i, gy, pal)
        best = (iou, parts)
        name = kind.label_name if kind is not None else ("road" if b.role == "floor" else "wall")
        if name not in legend.values():
            legend[max([63] + list(legend)) + 1] = name
        lab = next(k for k, v in legend.items() if v == name)
        all_parts += parts
        part_labels += [lab] * len(parts)
        report.append({"block": i, "shape": b.shape, "role": b.role, "kind": kind.name if kind is not None else name,
                       "iou": round(best[0], 3)})
    budget = int(min(60_000, 4_000 * len(blocks)) * budget_factor(meta))
    rng = np.random.default_rng([seed & 0xFFFFFFFF, 4242])
    eye = np.asarray(world.spawn.position, np.float64) + [0, 1.65, 0]
    rows = parts_to_rows(all_parts, part_labels, budget, eye, rng, meta, seed, int(sp.sh.shape[1]), falloff=40.0, floor=0.2)
    new = Splats(*(torch.from_numpy(np.ascontiguousarray(rows[f])) for f in ("means", "quats", "log_scales", "logit_opacities", "sh")),
                 labels=torch.from_numpy(rows["labels"]))
    old = sp[torch.from_numpy(keep)]
    splats = Splats.concat([old.to(dtype=torch.float32), new])
    solid = [p for p in all_parts if p.collider]
    from .mesh import merge

    vs, fs = [cv], [cf[keep_f]]
    if solid:
        m = merge(solid)
        vs.append(m.vertices)
        fs.append(m.faces + len(cv))
    collider = trimesh.Trimesh(np.concatenate(vs), np.concatenate(fs), process=False) if sum(len(f) for f in fs) else None
    spawn = _free_spawn(world.spawn, blocks, means[is_ground])
    world.splats = splats
    world.collider = collider
    world.labels = legend
    world.spawn = Spawn(tuple(float(v) for v in spawn), world.spawn.yaw_deg)
    world.metadata = dict(world.metadata or {})
    world.metadata["blockout"] = report
    if preview:
        from .world_builder import render_preview

        world.preview = render_preview(world.splats, world.spawn.position, world.spawn.yaw_deg)
    return world


def dress_block(block: Block, style: list[str], seed: int, ground_y: float, palette: dict):
    """(kind or None, parts, footprint IoU): the asset chosen for ``block``, fitted to it on the ground at
    ``ground_y`` (the best of :data:`FIT_FACTORS` for assets that do not fill their box)."""
    kind = choose_kind(block, style)
    base = None if kind is None else _build(kind, seed)
    best = (-1.0, None)
    for f in (FIT_FACTORS if block.role not in ("floor", "wall") else (1.0,)):
        cand = fitted_parts(block, kind, seed, ground_y - 0.03, palette, f, base)
        iou = footprint_iou(block, cand)
        if iou > best[0]:
            best = (iou, cand)
        if iou >= 0.85:
            break
    return kind, best[1], best[0]


def _build(kind, seed: int):
    from .assets import registry

    return registry.build(kind.name, {}, rng=np.random.default_rng(seed))


def _footprint_polygon(b: Block, pad: float = 0.0) -> np.ndarray:
    sx, _, sz = b.size
    if b.shape == "plane" and b.role == "wall":
        sx, sz = max(sx, WALL_MIN), max(sz, WALL_MIN)
    if b.shape == "cylinder":
        a = np.linspace(0, 2 * math.pi, 24, endpoint=False)
        loc = np.stack([np.cos(a) * (sx / 2 + pad), np.sin(a) * (sz / 2 + pad)], 1)
    else:
        hx, hz = sx / 2 + pad, sz / 2 + pad
        loc = np.array([[-hx, -hz], [hx, -hz], [hx, hz], [-hx, hz]])
    t = math.radians(b.yaw_deg)
    c, s = math.cos(t), math.sin(t)
    return np.stack([b.position[0] + c * loc[:, 0] + s * loc[:, 1], b.position[2] - s * loc[:, 0] + c * loc[:, 1]], 1)


def _free_spawn(spawn, blocks: list[Block], ground_pts: np.ndarray) -> np.ndarray:
    """The spawn, or the nearest ground point outside every block's footprint when it stood in one."""
    from matplotlib.path import Path as MPath

    p = np.asarray(spawn.position, np.float64)
    polys = [MPath(_footprint_polygon(b, pad=0.8)) for b in blocks]

    def blocked(xz):
        return np.any([pp.contains_points(xz) for pp in polys], axis=0)

    if not blocked(p[[0, 2]][None])[0]:
        return p
    if len(ground_pts) == 0:
        return p
    d = np.hypot(ground_pts[:, 0] - p[0], ground_pts[:, 2] - p[2])
    order = np.argsort(d)[:20000]
    cand = ground_pts[order]
    ok = ~blocked(cand[:, [0, 2]])
    if not ok.any():
        return p
    return cand[np.argmax(ok)]
