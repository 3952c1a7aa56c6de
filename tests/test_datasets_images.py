"""Photos and videos: EXIF orientation, unreadable files, mixed sizes, sharpness-filtered video frames."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from spatial.datasets import DatasetError, detect_input
from spatial.datasets.images import load_image, prepare_photos, sharpness, video_frames


def _textured(h, w, seed=0):
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 255, (h // 4, w // 4, 3), dtype=np.uint8)
    return np.asarray(Image.fromarray(small).resize((w, h), Image.Resampling.NEAREST))


def test_exif_orientation_is_applied(tmp_path):
    img = _textured(40, 60)
    im = Image.fromarray(img)
    exif = im.getexif()
    exif[0x0112] = 6  # rotate 90 CW on display
    im.save(tmp_path / "o.jpg", exif=exif, quality=95)
    out = load_image(tmp_path / "o.jpg")
    assert out.shape == (60, 40, 3)
    # the displayed image is the stored one rotated 90 degrees clockwise
    ref = np.rot90(np.asarray(Image.open(tmp_path / "o.jpg").convert("RGB")), k=-1)
    assert np.abs(out.astype(int) - ref.astype(int)).mean() < 1


def test_rgba_gives_alpha(tmp_path):
    a = np.zeros((10, 12, 4), np.uint8)
    a[..., 3] = 128
    Image.fromarray(a, "RGBA").save(tmp_path / "a.png")
    rgb, alpha = load_image(tmp_path / "a.png", with_alpha=True)
    assert rgb.shape == (10, 12, 3) and alpha.shape == (10, 12) and alpha.max() == pytest.approx(128 / 255)


def test_unreadable_and_missing(tmp_path):
    (tmp_path / "bad.jpg").write_bytes(b"\xff\xd8 nope")
    with pytest.raises(DatasetError, match="bad.jpg.*cannot read"):
        load_image(tmp_path / "bad.jpg")
    with pytest.raises(DatasetError, match="missing"):
        load_image(tmp_path / "none.jpg")
    # prepare_photos stops at the first bad photo, naming it
    Image.fromarray(_textured(20, 20)).save(tmp_path / "good.png")
    with pytest.raises(DatasetError, match="bad.jpg"):
        prepare_photos(tmp_path, tmp_path / "out")


def test_mixed_sizes_and_size_limit(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    Image.fromarray(_textured(300, 400)).save(src / "a.png")
    Image.fromarray(_textured(200, 120, 1)).save(src / "b.jpg")
    out = prepare_photos(src, tmp_path / "out", max_side=160)
    sizes = sorted(Image.open(p).size for p in out)
    assert sizes == [(96, 160), (160, 120)]
    assert detect_input(src) == "photos"


def test_empty_folder(tmp_path):
    with pytest.raises(DatasetError, match="no images found"):
        prepare_photos(tmp_path, tmp_path / "out")


def test_video_frames_prefer_sharp(tmp_path):
    import cv2

    path = tmp_path / "clip.avi"
    w, h = 64, 48
    vw = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (w, h))
    assert vw.isOpened()
    sharp_ids = set()
    for i in range(40):
        img = _textured(h, w, seed=i // 4)
        if i % 4 != 1:  # three of every four frames are blurred
            img = cv2.GaussianBlur(img, (9, 9), 3)
        else:
            sharp_ids.add(i)
        vw.write(cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
    vw.release()
    frames = video_frames(path, n=10, candidates_per_window=4)
    assert len(frames) == 10
    s = [sharpness(f) for f in frames]
    blurred = sharpness(cv2.GaussianBlur(_textured(h, w, 0), (9, 9), 3))
    assert min(s) > 2 * blurred
    assert detect_input(path) == "video"


def test_bad_video(tmp_path):
    (tmp_path / "x.mp4").write_bytes(b"nope")
    with pytest.raises(DatasetError, match="x.mp4"):
        video_frames(tmp_path / "x.mp4")
