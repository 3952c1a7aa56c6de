"""Contact sheets of every asset kind: each cell is one kind, splatted and rendered from a 3/4 view.

    .venv/bin/python benchmarks/asset_sheet.py [--out docs/assets] [--only well,torii] [--cell 240x135] [--budget 30000]

Each kind is built with seed 0 (``spatial.generation.assets.registry.build``), sampled into surface
splats (``surface_splats.sample_parts``), shaded with a simple sun + sky (procedural albedo from
``materials.albedo``, emissive parts unshaded), set on a ground disc and rendered with
``spatial.render`` (backend "cpu") from the front-right at a distance that frames the kind (>= 6 m).
Kinds with light-emitting parts are drawn lit against a dusk sky so their glow shows. Writes
``sheet_NN.png`` (6 x 5 cells of 240 x 135, 256-colour octree-quantised PNG, about 200 KB) and an index ``README.md`` listing every kind by
category with its synonyms and the sheet that shows it.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from spatial.core.camera import Camera  # noqa: E402
from spatial.core.labels import label_id  # noqa: E402
from spatial.generation.assets import registry as R  # noqa: E402
from spatial.generation.materials import albedo  # noqa: E402
from spatial.generation.mesh import Part  # noqa: E402
from spatial.generation.surface_splats import THICKNESS, basis_quats, make_splats, sample_parts  # noqa: E402

SUN = np.array([0.45, 0.75, 0.5]) / np.linalg.norm([0.45, 0.75, 0.5])
DAY_SKY, DUSK_SKY = np.array([0.62, 0.74, 0.88]), np.array([0.16, 0.18, 0.28])
GROUND = np.array([0.42, 0.45, 0.36])


def _ground(radius: float) -> Part:
    a = np.linspace(0, 2 * math.pi, 40, endpoint=False)
    v = np.concatenate([[[0, -0.005, 0]], np.stack([np.cos(a) * radius, np.full(40, -0.005), np.sin(a) * radius], -1)])
    i = np.arange(40)
    return Part(v, np.stack([np.zeros(40, dtype=np.int64), 1 + (i + 1) % 40, 1 + i], -1), GROUND, label_id("ground"), "terrain")


#: (kind, params) pairs shown on states.png: what params do to a kind
STATE_DEMOS = [("castle_wall", {"state": ["ruined"]}), ("house", {"state": ["snowy"]}), ("pond", {"state": ["frozen"]}),
               ("oak_tree", {"state": ["dead"]}), ("oak_tree", {"state": ["autumn"]}), ("castle_gate", {"state": ["open"]}),
               ("barn", {"color": (0.2, 0.3, 0.6), "state": ["old"]}), ("well", {"material": "wood"}), ("statue", {"material": "bronze"}),
               ("fence", {"state": ["broken"]}), ("crystals", {"color": (0.7, 0.3, 0.95), "lit": True}), ("bench", {"scale": 1.5, "material": "metal"})]


def render_kind(kind: R.AssetKind, width: int, height: int, budget: int, seed: int = 0, params: dict | None = None) -> np.ndarray:
    """[H, W, 3] float image of one kind (built with ``params``; by default lit when it emits light)."""
    from spatial import render

    params = {"lit": kind.emissive and kind.category != "vehicle"} if params is None else params
    lit = bool(params.get("lit"))
    parts = R.build(kind.name, params, seed)
    v = np.concatenate([p.vertices for p in parts])
    lo, hi = v.min(0), v.max(0)
    center = (lo + hi) / 2
    radius = 0.5 * float(np.linalg.norm(hi - lo))
    fov = 40.0
    # at least 6 m as seen in a 480 x 270 preview: the same pixels per metre at this cell width
    dist = max(6.0 * width / 480, radius / math.sin(math.radians(fov / 2) * 0.92))
    az, el = math.radians(35), math.radians(18 if hi[1] - lo[1] > 0.5 else 40)
    eye = center + dist * np.array([math.sin(az) * math.cos(el), math.sin(el), math.cos(az) * math.cos(el)])
    eye[1] = max(eye[1], 0.4)
    ground = _ground(max(radius * 3, 4.0))
    rng = np.random.default_rng(seed)
    smp = sample_parts(parts + [ground], budget, eye, rng)
    mats = [p.material for p in parts] + [ground.material]
    mat = np.array(mats)[smp.part]
    nrm = smp.normals.copy()
    flip = ((eye - smp.points) * nrm).sum(1) < 0
    nrm[flip] *= -1
    col = np.empty_like(smp.base_color)
    for m in np.unique(mat):
        sel = mat == m
        col[sel] = albedo(m, smp.base_color[sel], smp.points[sel], nrm[sel], 7)
    lin = col**2.2
    sun = np.clip(nrm @ SUN, 0, None)
    sky = 0.5 + 0.25 * nrm[:, 1]
    k = 0.35 if lit else 1.0
    light = (k * (0.95 * sun + 0.45 * sky) + (0.08 if lit else 0.0)) * (0.35 + 0.65 * smp.ao)
    lin = lin * light[:, None]
    emis = mat == "emissive"
    lin[emis] = col[emis] ** 2.2 * 1.1
    rgb = np.clip(lin, 0, 1) ** (1 / 2.2)
    quats = basis_quats(smp.normals, smp.tangents)
    thick = np.maximum(THICKNESS * np.minimum(smp.sigma_u, smp.sigma_v), 0.002)
    splats = make_splats(smp.points, quats, np.stack([smp.sigma_u, smp.sigma_v, thick], -1), rgb, np.full(len(rgb), 0.985), smp.label)
    cam = Camera.look_at(eye, center, width, height, fov)
    out = render(splats, cam, background=(DUSK_SKY if lit else DAY_SKY).tolist(), backend="cpu")
    return out.rgb[0].clamp(0, 1).numpy()


def make_sheets(out_dir: Path, names: list, cell=(240, 135), cols: int = 6, rows: int = 5, budget: int = 30000, stem: str = "sheet") -> list[Path]:
    """Contact sheets of ``names`` (kind names, or (kind, params) pairs captioned with the params)."""
    from PIL import Image, ImageDraw

    out_dir.mkdir(parents=True, exist_ok=True)
    per = cols * rows
    paths = []
    w, h = cell
    label_h = 14
    for s in range(0, len(names), per):
        chunk = names[s:s + per]
        n_rows = min(rows, (len(chunk) + cols - 1) // cols) if stem != "sheet" else rows
        sheet = Image.new("RGB", (cols * w, n_rows * (h + label_h)), (24, 24, 26))
        draw = ImageDraw.Draw(sheet)
        for i, entry in enumerate(chunk):
            name, params = (entry, None) if isinstance(entry, str) else entry
            kind = R.get(name)
            img = (render_kind(kind, w, h, budget, params=params) * 255).astype(np.uint8)
            x, y = (i % cols) * w, (i // cols) * (h + label_h)
            sheet.paste(Image.fromarray(img), (x, y))
            caption = f"{name} ({kind.category})" if params is None else f"{name} " + " ".join(
                f"{k}={'+'.join(v) if isinstance(v, list) else (tuple(round(c, 2) for c in v) if isinstance(v, tuple) else v)}" for k, v in params.items())
            draw.text((x + 3, y + h + 1), caption, fill=(235, 235, 235))
        path = out_dir / (f"{stem}_{s // per + 1:02d}.png" if stem == "sheet" else f"{stem}.png")
        tmp = path.with_suffix(".tmp.png")
        sheet.quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(tmp, optimize=True)
        tmp.replace(path)
        paths.append(path)
        print(f"{path}  {len(chunk)} kinds  {path.stat().st_size // 1024} KB", flush=True)
    return paths


def write_index(out_dir: Path, names: list[str], per: int) -> Path:
    sheet_of = {n: i // per + 1 for i, n in enumerate(names)}
    cats = ", ".join(f"{c} {len(R.kinds(c))}" for c in R.CATEGORIES)
    lines = ["# Asset library", "",
             f"{len(R.REGISTRY)} kinds ({cats}) in `spatial/generation/assets/`, one registry entry per kind of thing a prompt",
             "can name. Regenerate these sheets and this index with `.venv/bin/python benchmarks/asset_sheet.py` (CPU, a few minutes).",
             "", "## Using the registry", "", "```python",
             "from spatial.generation.assets import registry as R", "",
             "kind = R.lookup(\"tall wooden bookshelves\")   # -> AssetKind 'bookshelf' (case, plurals, synonyms, modifiers)",
             "R.get(\"well\")                                 # canonical name; KeyError suggests close names",
             "R.kinds(\"interior\", indoor=True)              # filter by category / indoor / outdoor",
             "parts = R.build(\"barn\", {\"color\": (0.8, 0.1, 0.1), \"scale\": 1.2, \"state\": [\"old\"], \"lit\": False}, rng=3)",
             "```", "",
             "* **AssetKind**: `name`, `category`, `size` (typical width x height x depth in metres; footprints for layout),",
             "  `placement` (ground, wall, ceiling, water, table_top, shelf, hanging), `indoor` / `outdoor`, `emissive` + `light`",
             "  (linear RGB of the point light it casts when lit), `collider` (its solid parts go into the world collider), `label`,",
             "  `synonyms` and `builder(params, rng) -> list[Part]`.",
             "* **Builders** return parts in local coordinates: origin at the footprint centre, lowest point at y = 0, +Y up,",
             "  front facing +Z, sized to `size * scale`, deterministic per rng. Parts keep coarse labels (building, vegetation,",
             "  furniture, object, rock, water); light-emitting parts use material `emissive`, and only when `lit` (or a state",
             "  such as `glowing`).",
             "* **Placement**: `ground` kinds stand on y = 0; `wall` kinds have their back at the smallest z (push min z against",
             "  the wall, front +Z into the room); `ceiling` and `hanging` kinds have their top at y = size y (hang the top from",
             "  the ceiling or a line); `table_top` kinds stand on a support's top; `water` kinds have y = 0 at their lowest point:",
             "  boats, lily pads and icebergs go at the water surface less a draft, piers stand on the bed or the shore.",
             "* **params** (all optional): `color` (sRGB of the main material), `material` (wood, stone, marble, gold, brick,",
             "  metal, glass, ice, ... mapped to a material and default colour), `scale`, `state` (words: snowy, frozen, old,",
             "  abandoned, ruined, broken, dead, autumn, glowing, open, ... the generic ones act on every kind, builders handle the",
             "  specific ones: an open gate or barn door, a broken fence, a fallen column, red/green traffic light) and `lit`.",
             "* **Adding a kind**: write `f(p, rng) -> list[Part]` in the category module and decorate it with",
             "  `@asset(name, category, size, placement, synonyms=\"a, b, c\", ...)`; shared shapes (frustum, torus, arch, arched",
             "  wall, band, extrude, loft, tube, stairs, crown, petals, panel, blobs, noisy box) are in `assets/shapes.py`.",
             "  `tests/test_generate_assets.py` checks every kind (builds, determinism, bounds vs size, collider and light",
             "  promises, every synonym and plural).", "",
             "[states.png](states.png) shows what params do (ruined, snowy, frozen, dead, autumn, open, colour + old, material,",
             "broken, glowing colour, scale).", "",
             "Sheets show seed 0 from the front-right at 6 m or more, in cells of 240 x 135 (half of a 480 x 270 preview, with",
             "the camera at the same pixels per metre); light-emitting kinds are drawn lit against a dusk sky.", ""]
    for cat in R.CATEGORIES:
        ks = R.kinds(cat)
        if not ks:
            continue
        lines += [f"## {cat} ({len(ks)})", "", "| kind | synonyms | size (m) | placement | in/out | light | solid | sheet |",
                  "|---|---|---|---|---|---|---|---|"]
        for k in ks:
            io = "/".join(x for x, f in (("in", k.indoor), ("out", k.outdoor)) if f)
            light = "yes " + ",".join(f"{c:g}" for c in k.light) if k.emissive else ""
            sh = f"[{sheet_of[k.name]:02d}](sheet_{sheet_of[k.name]:02d}.png)" if k.name in sheet_of else ""
            size = " x ".join(f"{c:g}" for c in k.size)
            lines.append(f"| `{k.name}` | {', '.join(k.synonyms)} | {size} | {k.placement} | {io} | {light} | "
                         f"{'yes' if k.collider else ''} | {sh} |")
        lines.append("")
    path = out_dir / "README.md"
    tmp = path.with_suffix(".md.tmp")
    tmp.write_text("\n".join(lines) + "\n")
    tmp.replace(path)
    return path


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=str(REPO / "docs" / "assets"))
    ap.add_argument("--only", default="", help="comma-separated kinds (writes sheets for these only, no index)")
    ap.add_argument("--cell", default="240x135")
    ap.add_argument("--budget", type=int, default=30000)
    ap.add_argument("--index-only", action="store_true", help="rewrite README.md only (no rendering)")
    args = ap.parse_args(argv)
    w, h = (int(x) for x in args.cell.split("x"))
    order = [k.name for cat in R.CATEGORIES for k in R.kinds(cat)]
    names = [n.strip() for n in args.only.split(",") if n.strip()] or order
    for n in names:
        R.get(n)
    t0 = time.perf_counter()
    out = Path(args.out)
    if args.index_only:
        write_index(out, order, 30)
        return 0
    make_sheets(out, names, (w, h), budget=args.budget)
    if not args.only:
        make_sheets(out, STATE_DEMOS, (w, h), budget=args.budget, stem="states")
        write_index(out, names, 30)
    print(f"{len(names)} kinds in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
