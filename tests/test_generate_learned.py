"""Learned path: the real diffusers loading code on a tiny randomly initialised Stable Diffusion
pipeline built here (no weights are downloaded)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from spatial.generation.learned import LearnedConfig, LearnedPathUnavailable, text_to_image


def _tiny_pipeline(folder):
    import torch
    from diffusers import AutoencoderKL, DDIMScheduler, StableDiffusionPipeline, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

    torch.manual_seed(0)
    unet = UNet2DConditionModel(block_out_channels=(8, 16), layers_per_block=1, sample_size=8, in_channels=4, out_channels=4,
                                down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"), up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"),
                                cross_attention_dim=16, attention_head_dim=2, norm_num_groups=4)
    vae = AutoencoderKL(block_out_channels=(8,), in_channels=3, out_channels=3, down_block_types=("DownEncoderBlock2D",),
                        up_block_types=("UpDecoderBlock2D",), latent_channels=4, norm_num_groups=4, sample_size=16)
    text = CLIPTextModel(CLIPTextConfig(bos_token_id=0, eos_token_id=2, hidden_size=16, intermediate_size=16, layer_norm_eps=1e-5,
                                        num_attention_heads=2, num_hidden_layers=1, pad_token_id=1, vocab_size=300))
    # a minimal byte-pair vocabulary written here (no hub access)
    tok_dir = folder / "_tok"
    tok_dir.mkdir()
    chars = [chr(c) for c in range(ord("a"), ord("z") + 1)]
    vocab = {"<|startoftext|>": 0, "<|endoftext|>": 1, "!": 2}
    for c in chars:
        vocab[c] = len(vocab)
        vocab[c + "</w>"] = len(vocab)
    (tok_dir / "vocab.json").write_text(json.dumps(vocab))
    (tok_dir / "merges.txt").write_text("#version: 0.2\n")
    tok = CLIPTokenizer(str(tok_dir / "vocab.json"), str(tok_dir / "merges.txt"), model_max_length=16)
    pipe = StableDiffusionPipeline(unet=unet, vae=vae, text_encoder=text, tokenizer=tok, scheduler=DDIMScheduler(clip_sample=False, steps_offset=1),
                                   safety_checker=None, feature_extractor=None, requires_safety_checker=False)
    pipe.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def tiny_sd(tmp_path_factory):
    pytest.importorskip("diffusers")
    return _tiny_pipeline(tmp_path_factory.mktemp("tiny_sd"))


def test_text_to_image_runs_offline(tiny_sd, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    cfg = LearnedConfig(model_dir=str(tiny_sd), steps=2, width=32, height=32, guidance_scale=1.0)
    a = text_to_image("a pine forest", seed=3, config=cfg)
    b = text_to_image("a pine forest", seed=3, config=cfg)
    assert a.shape == (32, 32, 3) and a.dtype == np.uint8
    assert np.array_equal(a, b)  # seeded
    c = text_to_image("a pine forest", seed=4, config=cfg)
    assert not np.array_equal(a, c)


def test_selected_by_environment(tiny_sd, monkeypatch):
    monkeypatch.setenv("SPATIAL_TEXT2IMAGE_MODEL", str(tiny_sd))
    img = text_to_image("desert", seed=1, config={"steps": 1, "width": 32, "height": 32, "guidance_scale": 1.0})
    assert img.shape == (32, 32, 3)


def test_missing_model_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.delenv("SPATIAL_TEXT2IMAGE_MODEL", raising=False)
    with pytest.raises(LearnedPathUnavailable, match="no text-to-image model"):
        text_to_image("x")
    with pytest.raises(LearnedPathUnavailable, match="model_index.json"):
        text_to_image("x", config={"model_dir": str(tmp_path)})


def test_generate_learned_end_to_end(tiny_sd):
    """text -> image (tiny random diffusion model) -> world (spatial.image_to_world), selected by configuration."""
    import spatial

    cfg = {"model_dir": str(tiny_sd), "steps": 1, "width": 64, "height": 64, "guidance_scale": 1.0}
    w = spatial.generate("a lake", seed=0, method="learned", learned=cfg, quality="draft", refine=False, preview=False)
    assert len(w.splats) > 1000 and w.collider is not None
