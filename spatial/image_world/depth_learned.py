"""Learned monocular depth through ``transformers`` (Depth Anything, DPT, ZoeDepth, ...), aligned to metres.

Any ``AutoModelForDepthEstimation`` checkpoint works: a local folder (``save_pretrained`` layout)
or a hub id the machine can reach. spatial never downloads on its own: with ``HF_HUB_OFFLINE=1``
(or ``local_files_only=True``, the default for folders) a missing model fails with a clear
:class:`LearnedDepthUnavailable`.

Models predict *relative inverse depth* (Depth Anything, DPT/MiDaS: larger = nearer, unknown scale
and shift) or *metric depth* (``config.depth_estimation_type == "metric"``, ZoeDepth). Either way
the prediction is aligned to the classical estimate where that one is trustworthy - the ground
plane below the horizon, whose scale comes from the camera height:

* relative: least squares ``1 / z_ground = a * pred + b`` (scale and shift of inverse depth);
* metric: a single scale ``z = s * pred`` (median ratio).

The sky keeps the classical sky mask.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..errors import SpatialError

_MODELS: dict[str, tuple] = {}
#: the model ``method="auto"`` tries when none is configured: Depth Anything V2 Small (24.8M parameters,
#: relative inverse depth; about 1 s per photo on 2 CPU cores)
DEFAULT_MODEL = "depth-anything/Depth-Anything-V2-Small-hf"
#: hub host probed (2 s) before a download is attempted
HUB_HOST = ("huggingface.co", 443)
_AUTO: dict[str, tuple] = {}


class LearnedDepthUnavailable(SpatialError):
    """The learned depth model cannot be loaded (missing package, folder or weights)."""


def load_model(model: str, device: str = "cpu", local_only: bool | None = None):
    """(model, image processor) for a local folder or hub id, cached per (model, device).

    ``local_only`` (default: folders and ``HF_HUB_OFFLINE=1``) loads from disk only: a folder or the
    hub cache; otherwise a hub id is downloaded with huggingface_hub's progress bars."""
    key = f"{model}@{device}"
    if key in _MODELS:
        return _MODELS[key]
    try:
        from transformers import AutoImageProcessor, AutoModelForDepthEstimation
        from transformers.utils import logging as tlog
    except ImportError as e:
        raise LearnedDepthUnavailable(f"learned depth needs transformers (pip install 'spatial[learned]'): {e}") from None
    tlog.set_verbosity_error()
    local = Path(model).is_dir()
    if not local and Path(model).exists():
        raise LearnedDepthUnavailable(f"{model}: not a model folder (expected config.json and weights from save_pretrained)")
    try:
        offline = local or os.environ.get("HF_HUB_OFFLINE") == "1" if local_only is None else bool(local_only)
        net = AutoModelForDepthEstimation.from_pretrained(model, local_files_only=offline)
        proc = AutoImageProcessor.from_pretrained(model, local_files_only=offline)
    except (OSError, ValueError) as e:
        raise LearnedDepthUnavailable(f"cannot load depth model {model!r}: {str(e).splitlines()[0]}") from None
    net = net.to(device).eval()
    _MODELS[key] = (net, proc)
    return net, proc


def _hub_reachable(timeout: float = 2.0) -> bool:
    import socket
    import threading

    ok = [False]

    def probe():
        try:
            socket.create_connection(HUB_HOST, timeout=timeout).close()
            ok[0] = True
        except OSError:
            pass

    t = threading.Thread(target=probe, daemon=True)
    t.start()
    t.join(timeout + 0.5)  # name resolution is not covered by the socket timeout
    return ok[0]


def _in_hub_cache(model: str) -> bool:
    if Path(model).is_dir():
        return True
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return False
    try:
        return isinstance(try_to_load_from_cache(model, "config.json"), str)
    except Exception:  # noqa: BLE001 - a malformed id is simply not cached
        return False


def resolve_auto(device: str = "cpu") -> tuple[str | None, str]:
    """The learned model ``method="auto"`` uses without a configured one: :data:`DEFAULT_MODEL` from the
    hub cache, else downloaded (progress bar) when the hub can be reached. Returns (model id or None,
    what happened); the answer is kept for the process."""
    key = f"{DEFAULT_MODEL}@{device}"
    if key in _AUTO:
        return _AUTO[key]
    try:
        if not _in_hub_cache(DEFAULT_MODEL):  # checked without importing transformers (seconds)
            raise LearnedDepthUnavailable("not cached")
        load_model(DEFAULT_MODEL, device, local_only=True)
        res = (DEFAULT_MODEL, f"{DEFAULT_MODEL} from the local cache")
    except LearnedDepthUnavailable:
        if os.environ.get("HF_HUB_OFFLINE") == "1":
            res = (None, f"{DEFAULT_MODEL} is not on disk and the hub is offline (HF_HUB_OFFLINE=1)")
        elif not _hub_reachable():
            res = (None, f"{DEFAULT_MODEL} is not on disk and {HUB_HOST[0]} cannot be reached")
        else:
            try:
                from huggingface_hub.utils import enable_progress_bars

                enable_progress_bars()
                load_model(DEFAULT_MODEL, device, local_only=False)
                res = (DEFAULT_MODEL, f"{DEFAULT_MODEL} downloaded")
            except (LearnedDepthUnavailable, ImportError) as e:
                res = (None, f"{DEFAULT_MODEL} could not be downloaded: {e}")
    _AUTO[key] = res
    return res


def predict_raw(rgb: np.ndarray, model: str, device: str = "cpu") -> tuple[np.ndarray, str]:
    """The model's raw prediction at the photo's size and its kind (``"relative"`` or ``"metric"``)."""
    import torch
    from PIL import Image

    net, proc = load_model(model, device)
    img = Image.fromarray(rgb)
    inputs = proc(images=img, return_tensors="pt")
    inputs = {k: v.to(device) for k, v in inputs.items()}
    with torch.no_grad():
        out = net(**inputs)
    try:
        pred = proc.post_process_depth_estimation(out, target_sizes=[(img.height, img.width)])[0]["predicted_depth"]
    except (AttributeError, NotImplementedError):
        pd = out.predicted_depth
        pred = torch.nn.functional.interpolate(pd[:, None], size=(img.height, img.width), mode="bicubic", align_corners=False)[0, 0]
    kind = str(getattr(net.config, "depth_estimation_type", None) or "relative")
    if kind not in ("relative", "metric"):
        kind = "relative"
    return pred.detach().float().cpu().numpy().astype(np.float64), kind


def align_to_reference(pred: np.ndarray, kind: str, ref_depth: np.ndarray, ref_mask: np.ndarray) -> tuple[np.ndarray, dict]:
    """Metric depth from a raw prediction, aligned to ``ref_depth`` on ``ref_mask`` pixels.

    Returns (depth [H,W], info). Falls back to the reference where the fit is degenerate."""
    m = ref_mask & np.isfinite(ref_depth) & (ref_depth > 0) & np.isfinite(pred)
    if m.sum() < 16:
        return ref_depth.copy(), {"alignment": "failed: too few reference pixels"}
    if kind == "metric":
        p = np.maximum(pred[m], 1e-6)
        s = float(np.median(ref_depth[m] / p))
        return np.maximum(pred, 1e-6) * s, {"alignment": "scale", "scale": s}
    inv_ref = 1.0 / ref_depth[m]
    A = np.stack([pred[m], np.ones(int(m.sum()))], 1)
    (a, b), *_ = np.linalg.lstsq(A, inv_ref, rcond=None)
    if not (a > 0):
        return ref_depth.copy(), {"alignment": "failed: prediction does not follow the ground plane", "a": float(a), "b": float(b)}
    inv = a * pred + b
    floor = float(inv_ref.min()) * 0.25
    depth = 1.0 / np.maximum(inv, floor)
    resid = np.abs(1.0 / np.maximum(A @ np.array([a, b]), 1e-9) - ref_depth[m]) / ref_depth[m]
    return depth, {"alignment": "inverse_affine", "a": float(a), "b": float(b), "ground_absrel": float(resid.mean())}
