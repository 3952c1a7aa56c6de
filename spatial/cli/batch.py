"""``spatial batch PROMPTS.txt|SPECS.jsonl -o DIR``: many worlds, resumable, on a process pool or Ray."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("batch", help="generate many worlds from a prompts file or a JSONL of specs",
                       description="Generate one world folder per prompt (text file, one per line) or per JSON object "
                                   "(JSONL with prompt/spec/seed/quality/name). Finished items are skipped on rerun; "
                                   "failures are reported per item.")
    p.add_argument("source", help="prompts .txt or specs .jsonl")
    p.add_argument("-o", "--output", required=True, help="output folder (one sub-folder per world)")
    p.add_argument("--workers", type=int, default=1, help="parallel worker processes (default 1)")
    p.add_argument("--ray", metavar="auto|local|ADDRESS", help="run on Ray: 'auto' joins a running cluster or starts a local one")
    p.add_argument("--seed", type=int, default=0, help="base seed: items without a seed get seed + line index")
    p.add_argument("--quality", default="draft", choices=("draft", "standard", "high"))
    p.add_argument("--splats", type=int, help="splat budget per world (default: the quality tier's)")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..batch import generate_many

    summary = generate_many(args.source, args.output, workers=args.workers, ray=args.ray, base_seed=args.seed, quality=args.quality,
                            splats=args.splats)
    print(summary.table())
    return 1 if summary.failed else 0
