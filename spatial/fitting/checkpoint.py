"""Checkpoints of a fit: ``state.npz`` (tensors) + ``state.json`` (step, config, history). No pickle.

The npz holds plain numeric arrays only and is read with ``allow_pickle=False``; the JSON holds
everything else. Both are written atomically; the JSON is written last and names the npz's
SHA-256, so a checkpoint is complete exactly when its JSON exists and matches.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from pathlib import Path

import numpy as np
import torch

from ..errors import FormatError
from ..io.atomic import atomic_write, atomic_write_bytes
from ..io.json_file import read_json, versioned

FORMAT = "spatial.fitting.checkpoint"
VERSION = 1
#: state.json holds the loss history of every step: long fits write megabytes
MAX_STATE_JSON_BYTES = 512 * 1024 * 1024


def save_checkpoint(folder: "str | os.PathLike", arrays: dict[str, torch.Tensor], meta: dict) -> Path:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    np.savez(buf, **{k: (v.detach().cpu().numpy() if isinstance(v, torch.Tensor) else np.asarray(v)) for k, v in arrays.items()})
    data = buf.getvalue()
    atomic_write_bytes(folder / "state.npz", data)
    meta = dict(meta, format=FORMAT, version=VERSION, npz_sha256=hashlib.sha256(data).hexdigest())
    with atomic_write(folder / "state.json", "w") as f:
        json.dump(meta, f, indent=1)
    return folder


def load_checkpoint(folder: "str | os.PathLike") -> tuple[dict[str, torch.Tensor], dict]:
    folder = Path(folder)
    jp, npz = folder / "state.json", folder / "state.npz"
    if not jp.is_file() or not npz.is_file():
        raise FormatError(folder, "not a fit checkpoint (state.json/state.npz missing)")
    meta = read_json(jp, versioned(FORMAT, VERSION, "checkpoint"), "state.json", MAX_STATE_JSON_BYTES)
    data = npz.read_bytes()
    if hashlib.sha256(data).hexdigest() != meta.get("npz_sha256"):
        raise FormatError(npz, "does not match its state.json (incomplete or modified checkpoint)")
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            arrays = {k: torch.from_numpy(np.array(z[k])) for k in z.files}
    except (ValueError, OSError) as e:
        raise FormatError(npz, f"cannot read: {e}") from None
    return arrays, meta
