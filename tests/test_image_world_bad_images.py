"""Bad input images are handled correctly or refused with a clear message naming the file."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from spatial.errors import FormatError, ValidationError
from spatial.image_world.photo import load_photo


def _scene(w=96, h=72):
    """A small structured RGB test picture (sky, ground, a box) with an asymmetric marker."""
    img = np.zeros((h, w, 3), np.uint8)
    img[: h // 2] = (120, 170, 230)
    img[h // 2:] = (90, 110, 60)
    img[h // 3: 2 * h // 3, w // 4: w // 2] = (150, 40, 30)
    img[:8, :8] = (255, 255, 0)  # top-left marker
    return img


def test_corrupt_and_truncated(tmp_path):
    p = tmp_path / "corrupt.jpg"
    p.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg" * 10)
    with pytest.raises(FormatError, match="corrupt.jpg"):
        load_photo(p)
    good = tmp_path / "good.png"
    Image.fromarray(_scene()).save(good)
    trunc = tmp_path / "truncated.png"
    trunc.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    with pytest.raises(FormatError, match="truncated.png"):
        load_photo(trunc)
    with pytest.raises(FormatError, match="missing"):
        load_photo(tmp_path / "nope.png")


def test_tiny_image_refused(tmp_path):
    p = tmp_path / "one.png"
    Image.new("RGB", (1, 1), (10, 20, 30)).save(p)
    with pytest.raises(FormatError, match="1x1"):
        load_photo(p)


def test_huge_image_refused_from_header(tmp_path):
    """20000x20000: refused from the header, before any pixel is decoded (memory stays bounded)."""
    import tracemalloc

    p = tmp_path / "huge.png"
    # a valid PNG header + IHDR claiming 20000x20000 (no pixel data needed to be refused)
    import struct
    import zlib

    ihdr = struct.pack(">IIBBBBB", 20000, 20000, 8, 2, 0, 0, 0)
    chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)  # noqa: E731
    p.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 100)) + chunk(b"IEND", b""))
    tracemalloc.start()
    with pytest.raises(FormatError, match="too large"):
        load_photo(p)
    # below PIL's own bomb guard but above spatial's limit: refused from the header with its size
    ihdr = struct.pack(">IIBBBBB", 12000, 10000, 8, 2, 0, 0, 0)
    p.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 100)) + chunk(b"IEND", b""))
    with pytest.raises(FormatError, match="12000x10000"):
        load_photo(p)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 50e6


def test_cmyk_greyscale_16bit(tmp_path):
    rgb = _scene()
    p = tmp_path / "cmyk.jpg"
    Image.fromarray(rgb).convert("CMYK").save(p, quality=95)
    out = load_photo(p).rgb
    assert out.shape == rgb.shape and np.abs(out.astype(int) - rgb).mean() < 12
    g = tmp_path / "grey.png"
    Image.fromarray(rgb).convert("L").save(g)
    out = load_photo(g).rgb
    assert out.shape == rgb.shape and (out[..., 0] == out[..., 1]).all()
    # 16-bit greyscale: scaled to 8 bits, not clipped to white
    grey16 = (np.asarray(Image.fromarray(rgb).convert("L")).astype(np.uint16) * 257)
    p16 = tmp_path / "grey16.png"
    Image.fromarray(grey16).save(p16)
    ph = load_photo(p16)
    assert Image.open(p16).mode.startswith("I")
    assert np.abs(ph.rgb[..., 0].astype(int) - grey16 // 257).max() <= 1
    # 16-bit arrays handed in directly
    arr = load_photo(rgb.astype(np.uint16) * 257).rgb
    assert np.abs(arr.astype(int) - rgb).max() <= 1


def test_exif_rotated(tmp_path):
    rgb = _scene()
    p = tmp_path / "rot.jpg"
    im = Image.fromarray(np.rot90(rgb, 1).copy())  # stored sideways ...
    exif = Image.Exif()
    exif[0x0112] = 6  # ... with "rotate 90 CW to display"
    im.save(p, exif=exif, quality=95)
    out = load_photo(p).rgb
    assert out.shape == rgb.shape  # upright again
    assert out[:8, :8].mean(axis=(0, 1))[2] < 100 and out[:8, :8].mean() > 150  # the yellow marker is top-left


def test_animated_uses_first_frame(tmp_path):
    a, b = _scene(), _scene()[::-1].copy()
    p = tmp_path / "anim.gif"
    Image.fromarray(a).save(p, save_all=True, append_images=[Image.fromarray(b)], duration=100, loop=0)
    ph = load_photo(p)
    assert ph.info["animated_frames"] == 2 and "first frame" in ph.info["note"]
    assert ph.rgb[:8, :8].mean() > 150  # frame 0 has the marker at the top


def test_transparent_png_and_large_photo_downscaled(tmp_path):
    rgba = np.dstack([_scene(), np.full((72, 96), 255, np.uint8)])
    rgba[:10, :10, 3] = 0
    p = tmp_path / "alpha.png"
    Image.fromarray(rgba).save(p)
    assert (load_photo(p).rgb[:5, :5] == 255).all()
    big = tmp_path / "big.png"
    Image.fromarray(np.repeat(np.repeat(_scene(), 20, 0), 20, 1)).save(big)  # 1920x1440
    ph = load_photo(big, max_side=512)
    assert max(ph.rgb.shape[:2]) == 512 and ph.original_size == (1920, 1440)


def test_bad_arrays_and_pipeline_errors(tmp_path):
    from spatial.image_world import image_to_world

    with pytest.raises(ValidationError):
        load_photo(np.zeros((10, 10, 5), np.uint8))
    with pytest.raises(ValidationError):
        load_photo(12345)
    with pytest.raises(FormatError, match="at least"):
        image_to_world(np.zeros((8, 8, 3), np.uint8))
    with pytest.raises(ValidationError, match="quality"):
        image_to_world(np.zeros((64, 64, 3), np.uint8), quality="ultra")
    # a flat grey picture still gives a (trivial) world instead of crashing
    w = image_to_world(np.full((48, 64, 3), 128, np.uint8), quality="draft", beyond=False, refine=False)
    assert len(w.splats) > 0


def test_cli_reports_a_bad_image_in_one_line_and_writes_nothing(tmp_path, capsys):
    """What the error classes are for: `spatial generate --image` on a corrupt file exits 1 with one line
    naming the file (no traceback) and leaves no output folder."""
    from spatial.cli import main as cli

    bad = tmp_path / "holiday.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg" * 10)
    out = tmp_path / "world"
    assert cli(["generate", "--image", str(bad), "-o", str(out)]) == 1
    err = capsys.readouterr().err.strip()
    assert "holiday.jpg" in err and "Traceback" not in err and len(err.splitlines()) == 1, err
    assert not out.exists()
