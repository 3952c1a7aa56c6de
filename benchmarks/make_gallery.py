"""Render the gallery of the compositional generator into docs/gallery/ (and write docs/gallery/README.md).

    .venv/bin/python benchmarks/make_gallery.py [--out docs/gallery] [--quality draft] [--only p001,p044]

30 prompts of the issue-15 suite (``benchmarks/prompts/suite.jsonl``), chosen for variety: the
issue's table of bad outputs, counts, colours, relations, interiors, caves, night and weather, long
prompts. Each is generated with seed 1 through the public API (``spatial.generate``); the PNG is
the world's own preview (``spatial.render`` from the spawn point, 480x270) and the README lists the
scene-graph summary (shell, style, object groups, relations) and what the parser substituted or
skipped.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

#: suite ids in the gallery (30)
GALLERY = ["p001", "p002", "p003", "p004", "p005", "p006", "p007", "p008", "p009",  # the table
           "p010", "p011", "p016", "p020", "p035", "p037", "p044", "p045", "p046", "p054",
           "p056", "p065", "p069", "p071", "p076", "p081", "p083", "p092", "p098", "p099", "p100"]


def _table(out: Path) -> dict:
    """The gallery's rows so far: summary.json, or the README table of an earlier full run."""
    if (out / "summary.json").is_file():
        return json.loads((out / "summary.json").read_text())
    table = {}
    readme = out / "README.md"
    if readme.is_file():
        for line in readme.read_text().splitlines():
            if line.startswith("| ![p"):
                cells = [c.strip() for c in line.strip("|").split(" | ")]
                cid = cells[0][2:cells[0].index("]")]
                table[cid] = [cid, cells[1], cells[2], "" if cells[3] == "-" else cells[3], "" if cells[4] == "-" else cells[4],
                              int(cells[5]), 0, 0.0]
    return table


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(REPO / "docs" / "gallery"))
    ap.add_argument("--quality", default="draft")
    ap.add_argument("--only", default="", help="comma-separated suite ids")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    from PIL import Image

    from spatial.generation import generate
    from spatial.generation.graph import SceneGraph

    cases = {json.loads(line)["id"]: json.loads(line) for line in (REPO / "benchmarks" / "prompts" / "suite.jsonl").read_text().splitlines()}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    only = {s for s in args.only.split(",") if s}
    rows = []
    for cid in GALLERY:
        if only and cid not in only:
            continue
        prompt = cases[cid]["prompt"]
        t = time.perf_counter()
        w = generate(prompt, seed=args.seed, quality=args.quality)
        dt = time.perf_counter() - t
        g = SceneGraph.from_dict(w.spec)
        Image.fromarray(w.preview).save(out / f"{cid}.png", optimize=True)
        subs = ", ".join(f"{s['asked']} -> {s['used']}" for s in g.substitutions)
        skipped = ", ".join(s["asked"] for s in g.skipped)
        n = len(w.metadata["scene"]["instances"])
        rows.append((cid, prompt, g.summary(), subs, skipped, n, len(w.splats), dt))
        print(f"{cid} {dt:6.1f} s  {n:3d} objects  {g.summary()}   '{prompt}'", flush=True)
        # one row per entry in summary.json, so a partial run (--only) updates its rows and the README
        table = _table(out)
        table[cid] = list(rows[-1])
        (out / "summary.json").write_text(json.dumps(table, indent=1) + "\n")
    table = _table(out)
    rows = [tuple(table[c]) for c in GALLERY if c in table]
    if rows:
        lines = ["# Gallery", "",
                 "30 prompts of the issue-15 suite (`benchmarks/prompts/suite.jsonl`), rendered by `benchmarks/make_gallery.py` "
                 "(`spatial.generate(prompt, seed=1, quality=\"draft\")`; the world's own `preview.png`: `spatial.render` from the spawn "
                 "point, 480x270). The summary is the scene graph the prompt was read into (`spatial generate PROMPT --print-spec` "
                 "prints it in full): shell, time of day / weather, the named object groups with counts and attributes, and the "
                 "relations (group ids in prompt order). Regenerate with `.venv/bin/python benchmarks/make_gallery.py`.", "",
                 "| preview | prompt | scene graph | substituted | skipped | objects |", "|---|---|---|---|---|---|"]
        for cid, prompt, summ, subs, skipped, n, ns, dt in rows:
            lines.append(f"| ![{cid}]({cid}.png) | {prompt} | {summ} | {subs or '-'} | {skipped or '-'} | {n} |")
        (out / "README.md").write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
