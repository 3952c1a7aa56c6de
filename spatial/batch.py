"""Batch world creation: many prompts or specs -> many world folders, on a process pool or on Ray.

    spatial.batch.generate_many("prompts.txt", "out/", workers=2)
    spatial batch prompts.txt -o out/ --workers 2 [--ray auto|ADDRESS]

* Input: a text file (one prompt per line; blank lines and ``#`` comments skipped) or JSONL (one object per line
  with ``prompt`` and/or ``spec``, optional ``seed``, ``quality``, ``name``, ``splats``), or a list of such dicts.
* Resumable: an item whose folder already holds a finished world with the same item key is skipped.
* Deterministic: an item without a seed gets ``base_seed + line index``; the same input gives the same worlds
  on any backend (pool or Ray) because each item is generated independently from its own seed.
* Failures are isolated: a bad line or a failing item is reported and the rest go on.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .errors import ValidationError
from .io.atomic import remove_stale

MAX_ITEMS = 100_000


@dataclass
class BatchItem:
    index: int
    name: str
    prompt: str = ""
    seed: int = 0
    quality: str = "draft"
    spec: dict | None = None
    splats: int | None = None  # splat budget override (None: the quality tier's)
    error: str | None = None  # set when the input line itself was bad

    @property
    def key(self) -> str:
        blob = json.dumps({"prompt": self.prompt, "seed": self.seed, "quality": self.quality, "spec": self.spec,
                           "splats": self.splats}, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


@dataclass
class BatchResult:
    index: int
    name: str
    status: str  # done | skipped | failed
    seconds: float = 0.0
    splats: int = 0
    error: str = ""
    path: str = ""


@dataclass
class BatchSummary:
    results: list[BatchResult] = field(default_factory=list)

    @property
    def failed(self) -> list[BatchResult]:
        return [r for r in self.results if r.status == "failed"]

    def table(self) -> str:
        rows = [f"{'#':>4}  {'name':30s} {'status':8s} {'time':>7s} {'splats':>9s}  error"]
        for r in sorted(self.results, key=lambda r: r.index):
            rows.append(f"{r.index:>4}  {r.name[:30]:30s} {r.status:8s} {r.seconds:7.1f} {r.splats:9d}  {r.error[:60]}")
        n = {s: sum(r.status == s for r in self.results) for s in ("done", "skipped", "failed")}
        rows.append(f"done {n['done']}, skipped {n['skipped']}, failed {n['failed']} of {len(self.results)}")
        return "\n".join(rows)


def _slug(text: str, index: int) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "world"
    return f"{index:04d}-{s}"


def read_items(source: "str | os.PathLike | Iterable[dict | str]", base_seed: int = 0, quality: str = "draft",
               splats: int | None = None) -> list[BatchItem]:
    """Parse a prompts file, a JSONL file or an iterable into items (bad lines become items with ``error``)."""
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            raise ValidationError(f"{path}: no such file")
        if path.stat().st_size > 64 * 1024 * 1024:
            raise ValidationError(f"{path}: batch file is larger than 64 MiB")
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        jsonl = path.suffix.lower() in (".jsonl", ".ndjson")
        raw: list[Any] = []
        for ln in lines:
            if not ln.strip() or ln.lstrip().startswith("#"):
                continue
            if jsonl:
                try:
                    raw.append(json.loads(ln))
                except json.JSONDecodeError as e:
                    raw.append(ValueError(f"malformed JSON line: {e.msg} at column {e.colno}"))
            else:
                raw.append(ln.strip())
        if not raw:
            raise ValidationError(f"{path}: no prompts in the file")
    else:
        raw = list(source)
        if not raw:
            raise ValidationError("no items to generate")
    if len(raw) > MAX_ITEMS:
        raise ValidationError(f"{len(raw)} items is over the limit of {MAX_ITEMS}")
    items = []
    for i, r in enumerate(raw):
        if isinstance(r, Exception):
            items.append(BatchItem(i, f"{i:04d}-invalid", error=str(r)))
            continue
        if isinstance(r, str):
            r = {"prompt": r}
        if not isinstance(r, dict) or not (r.get("prompt") or r.get("spec")):
            items.append(BatchItem(i, f"{i:04d}-invalid", error="each item needs a 'prompt' or a 'spec'"))
            continue
        try:
            seed = int(r.get("seed", base_seed + i))
            q = str(r.get("quality", quality))
            if q not in ("draft", "standard", "high"):
                raise ValueError(f"unknown quality {q!r}")
            spec = r.get("spec")
            if spec is not None and not isinstance(spec, dict):
                raise ValueError("'spec' must be an object")
            budget = r.get("splats", splats)
            budget = None if budget is None else int(budget)
            if budget is not None and not 1 <= budget <= 20_000_000:
                raise ValueError(f"splat budget {budget} out of range")
            prompt = str(r.get("prompt", ""))
            name = str(r.get("name") or _slug(prompt or "spec", i))
            if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}", name):
                raise ValueError(f"bad item name {name!r}")
            items.append(BatchItem(i, name, prompt, seed, q, spec, budget))
        except (TypeError, ValueError) as e:
            items.append(BatchItem(i, f"{i:04d}-invalid", error=str(e)))
    names = [it.name for it in items]
    if len(set(names)) != len(names):
        raise ValidationError("item names must be unique")
    return items


def _finished(folder: Path, key: str) -> bool:
    meta = folder / "world.json"
    if not meta.is_file():
        return False
    try:
        return json.loads(meta.read_text()).get("metadata", {}).get("batch_key") == key
    except (OSError, json.JSONDecodeError):
        return False


def run_item(item: dict, out_dir: str, threads: int = 1) -> dict:
    """Generate one item into ``out_dir/name`` (runs in a worker process or a Ray task)."""
    import torch

    from .generation import generate

    torch.set_num_threads(max(1, threads))
    it = BatchItem(**item)
    t0 = time.perf_counter()
    folder = Path(out_dir) / it.name
    try:
        world = generate(prompt=it.prompt or None, seed=it.seed, quality=it.quality, spec=it.spec, splats=it.splats)
        world.name = it.name
        world.metadata = {**world.metadata, "batch_key": it.key}
        world.save(folder)
        return asdict(BatchResult(it.index, it.name, "done", time.perf_counter() - t0, len(world.splats), path=str(folder)))
    except Exception as e:  # isolate the failure to this item
        return asdict(BatchResult(it.index, it.name, "failed", time.perf_counter() - t0, error=f"{type(e).__name__}: {e}"))


def generate_many(source, out_dir: "str | os.PathLike", workers: int = 1, ray: str | None = None, base_seed: int = 0,
                  quality: str = "draft", splats: int | None = None, progress: bool = True) -> BatchSummary:
    """Generate every item of ``source`` into ``out_dir``; see the module docstring."""
    from tqdm import tqdm

    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as e:
        raise ValidationError(f"output folder {out} is not writable: {e.strerror or e}") from None
    items = read_items(source, base_seed, quality, splats)
    summary = BatchSummary()
    todo = []
    for it in items:
        if it.error:
            summary.results.append(BatchResult(it.index, it.name, "failed", error=it.error))
        elif _finished(out / it.name, it.key):
            summary.results.append(BatchResult(it.index, it.name, "skipped", path=str(out / it.name)))
        else:
            remove_stale(out / it.name)  # temp folders of a killed earlier run of this item
            todo.append(asdict(it))
    bar = tqdm(total=len(todo), desc="worlds", unit="world", disable=not progress)
    threads = max(1, (os.cpu_count() or 1) // max(1, workers))
    if ray:
        results = _run_ray(todo, str(out), workers, ray, threads, bar)
    elif workers <= 1:
        results = []
        for it in todo:
            results.append(run_item(it, str(out), threads))
            bar.update(1)
    else:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor, as_completed

        results = []
        with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn")) as pool:
            futs = [pool.submit(run_item, it, str(out), threads) for it in todo]
            for f in as_completed(futs):
                results.append(f.result())
                bar.update(1)
    bar.close()
    summary.results += [BatchResult(**r) for r in results]
    log = out / "batch.jsonl"
    with open(log, "a", encoding="utf-8") as f:
        for r in sorted(summary.results, key=lambda r: r.index):
            f.write(json.dumps(asdict(r)) + "\n")
    return summary


def _run_ray(todo: list[dict], out: str, workers: int, address: str, threads: int, bar) -> list[dict]:
    try:
        import ray
    except ImportError:
        raise ValidationError("Ray is not installed: pip install 'spatial[ray]'") from None
    started = False
    if not ray.is_initialized():
        kwargs = {"include_dashboard": False, "log_to_driver": False, "configure_logging": False}
        if address == "local":
            ray.init(num_cpus=max(1, workers), **kwargs)
        elif address == "auto":
            try:  # join a running cluster, else start a local one
                ray.init(address="auto", **kwargs)
            except ConnectionError:
                ray.init(num_cpus=max(1, workers), **kwargs)
        else:
            ray.init(address=address, **kwargs)
        started = True
    try:
        task = ray.remote(num_cpus=1)(run_item)
        pending = [task.remote(it, out, threads) for it in todo]
        results = []
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            results += ray.get(done)
            bar.update(len(done))
        return results
    finally:
        if started:
            ray.shutdown()
