"""PNG outputs of a fit: the training curve and side-by-side image comparisons."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..core.colour import to_uint8


def side_by_side(images: list, labels: list[str] | None = None, gap: int = 4) -> np.ndarray:
    """Images of equal height side by side with an optional caption strip above each."""
    ims = [to_uint8(i) for i in images]
    h = max(i.shape[0] for i in ims)
    ims = [np.pad(i, ((0, h - i.shape[0]), (0, 0), (0, 0)), constant_values=255) for i in ims]
    parts = []
    for k, im in enumerate(ims):
        if labels:
            from PIL import Image, ImageDraw

            strip = Image.new("RGB", (im.shape[1], 16), (255, 255, 255))
            ImageDraw.Draw(strip).text((3, 2), labels[k], fill=(0, 0, 0))
            im = np.concatenate([np.asarray(strip), im], 0)
        parts.append(im)
        if k < len(ims) - 1:
            parts.append(np.full((im.shape[0], gap, 3), 255, np.uint8))
    return np.concatenate(parts, 1)


def save_png(path: "str | os.PathLike", image: np.ndarray) -> Path:
    from PIL import Image

    from ..io.atomic import atomic_write

    path = Path(path)
    with atomic_write(path) as f:
        Image.fromarray(to_uint8(image)).save(f, format="PNG")
    return path


def training_curve(history: list[dict], eval_history: list[dict], path: "str | os.PathLike", title: str = "fit") -> Path:
    """Loss, training PSNR, held-out PSNR and splat count against the step, as a PNG."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from ..io.atomic import atomic_write

    steps = [h["step"] for h in history]
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
    axes[0].plot(steps, [h["loss"] for h in history], lw=1)
    axes[0].set_yscale("log")
    axes[0].set_title("loss (L1 + D-SSIM)")
    axes[1].plot(steps, [h["psnr"] for h in history], lw=1, label="train view")
    if eval_history:
        axes[1].plot([e["step"] for e in eval_history], [e["psnr"] for e in eval_history], "o-", label="held-out")
    axes[1].set_title("PSNR (dB)")
    axes[1].legend()
    axes[2].plot(steps, [h["splats"] for h in history], lw=1)
    axes[2].set_title("splats")
    for a in axes:
        a.set_xlabel("step")
        a.grid(alpha=0.3)
    fig.suptitle(title)
    fig.tight_layout()
    path = Path(path)
    with atomic_write(path) as f:
        fig.savefig(f, format="png", dpi=90)
    plt.close(fig)
    return path
