"""Optional learned path: text -> image with a local ``diffusers`` pipeline, then image -> world.

The offline procedural generator stays the default. Users who have diffusion weights on disk
select this path by configuration::

    spatial.generate("a misty pine forest", method="learned", learned={"model_dir": "/models/sd-turbo"})
    # or: SPATIAL_TEXT2IMAGE_MODEL=/models/sd-turbo spatial generate ... --method learned

Weights are never downloaded: the pipeline is loaded with ``local_files_only=True`` and
``HF_HUB_OFFLINE=1``. The tests build a tiny randomly initialised Stable Diffusion pipeline in a
temporary folder and run this exact loading code on it.

This module is the text -> image stage (:func:`text_to_image`); the image -> world stage is
:func:`spatial.image_world.image_to_world`, and :func:`spatial.creation.generate_learned` chains the two
(it sits above both packages).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import settings
from ..core.colour import to_uint8
from ..errors import SpatialError, ValidationError

ENV_MODEL = "SPATIAL_TEXT2IMAGE_MODEL"


class LearnedPathUnavailable(SpatialError):
    """The learned path cannot run here (no diffusers, no local weights, or no image->world stage)."""


@dataclass
class LearnedConfig:
    """Settings of the learned text -> image stage."""

    model_dir: str | None = None  # local diffusers pipeline folder (model_index.json); default: $SPATIAL_TEXT2IMAGE_MODEL
    steps: int = 25
    guidance_scale: float = 7.0
    width: int = 768
    height: int = 432
    device: str = "cpu"
    negative_prompt: str = "blurry, text, watermark, people"

    @classmethod
    def from_any(cls, value) -> "LearnedConfig":
        if value is None:
            return cls()
        if isinstance(value, LearnedConfig):
            return value
        if isinstance(value, dict):
            try:
                return cls(**value)
            except TypeError as e:
                raise ValidationError(f"bad learned-path config: {e}") from None
        raise ValidationError(f"learned config must be a dict or LearnedConfig, got {type(value).__name__}")

    def resolved_model_dir(self) -> Path:
        d = self.model_dir or settings.get(ENV_MODEL)
        if not d:
            raise LearnedPathUnavailable(f"no text-to-image model configured: pass learned={{'model_dir': ...}} or set {ENV_MODEL}")
        p = Path(d)
        if not (p / "model_index.json").is_file():
            raise LearnedPathUnavailable(f"{p}: not a diffusers pipeline folder (no model_index.json)")
        return p


_PIPELINES: dict[tuple[str, str], object] = {}


def load_pipeline(cfg: LearnedConfig):
    """The diffusers pipeline in ``cfg.model_dir`` (cached per folder and device), offline."""
    model_dir = cfg.resolved_model_dir()
    key = (str(model_dir.resolve()), cfg.device)
    if key in _PIPELINES:
        return _PIPELINES[key]
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        from diffusers import DiffusionPipeline
        from diffusers.utils import logging as dlog
    except ImportError as e:
        raise LearnedPathUnavailable(f"the learned path needs diffusers (pip install 'spatial[learned]'): {e}") from None
    dlog.set_verbosity_error()
    pipe = DiffusionPipeline.from_pretrained(str(model_dir), local_files_only=True)
    pipe = pipe.to(cfg.device)
    if hasattr(pipe, "set_progress_bar_config"):
        pipe.set_progress_bar_config(disable=True)
    _PIPELINES[key] = pipe
    return pipe


def text_to_image(prompt: str, seed: int = 0, config=None) -> np.ndarray:
    """Generate an RGB uint8 image [H, W, 3] for ``prompt`` with the configured local pipeline."""
    import torch

    cfg = LearnedConfig.from_any(config)
    pipe = load_pipeline(cfg)
    gen = torch.Generator(device="cpu").manual_seed(int(seed))
    kwargs = dict(prompt=prompt, num_inference_steps=int(cfg.steps), guidance_scale=float(cfg.guidance_scale),
                  width=int(cfg.width), height=int(cfg.height), generator=gen, output_type="np")
    if cfg.negative_prompt and cfg.guidance_scale > 1:
        kwargs["negative_prompt"] = cfg.negative_prompt
    with torch.no_grad():
        out = pipe(**kwargs)
    img = np.asarray(out.images[0])
    if img.dtype != np.uint8:
        img = to_uint8(img)
    return img
