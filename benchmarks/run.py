"""Run every benchmark in this folder (or the ones named) and print their output.

    python benchmarks/run.py            # all
    python benchmarks/run.py formats    # bench_formats.py only
    python benchmarks/run.py --list
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if "--list" in argv:
        for s in scripts:
            print(s.stem.removeprefix("bench_"))
        return 0
    wanted = [a for a in argv if not a.startswith("-")]
    if wanted:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in wanted]
    failed = 0
    for s in scripts:
        print(f"=== {s.name}", flush=True)
        t0 = time.perf_counter()
        rc = subprocess.call([sys.executable, str(s)])
        print(f"=== {s.name}: exit {rc} in {time.perf_counter() - t0:.1f} s", flush=True)
        failed += rc != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
