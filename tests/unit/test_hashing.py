"""The pinned perceptual-hash pipeline: exact imagehash semantics, low-information flag, Hamming distance."""

from __future__ import annotations

import functools
import io

import imagehash
import numpy as np
import PIL
import pytest
from PIL import Image

from verify_bench.media.hashing import PIPELINE, fingerprint, hamming, hashes_for, is_low_information


@functools.lru_cache
def scene(w: int = 240, h: int = 180, seed: int = 0) -> Image.Image:
    """A smooth random picture with some structure (sums of waves), like a photo at low frequency.

    Drawn at up to 256 px and scaled up, so that camera-size pictures are quick to make. Cached:
    callers must not modify it.
    """
    rng = np.random.default_rng(seed)
    sw, sh = (w, h) if max(w, h) <= 256 else (max(2, w * 256 // max(w, h)), max(2, h * 256 // max(w, h)))
    yy, xx = np.mgrid[0:sh, 0:sw] / max(sw, sh)
    rgb = np.zeros((sh, sw, 3))
    for c in range(3):
        for _ in range(4):
            fx, fy, phase = rng.uniform(0.5, 4, 2).tolist() + [rng.uniform(0, 6.3)]
            rgb[..., c] += np.sin(2 * np.pi * (fx * xx + fy * yy) + phase)
    rgb = (rgb - rgb.min()) / (rgb.max() - rgb.min()) * 255
    small = Image.fromarray(rgb.astype(np.uint8), "RGB")
    return small if small.size == (w, h) else small.resize((w, h), Image.Resampling.BICUBIC)


@pytest.mark.parametrize(
    "img",
    [
        scene(),
        scene(640, 480, seed=1),
        scene(37, 211, seed=2),
        scene(seed=3).convert("L"),
        scene(seed=4).convert("P"),
        scene(seed=5).convert("RGBA"),
    ],
    ids=["rgb", "rgb-640", "narrow", "grey", "palette", "rgba"],
)
def test_hashes_equal_imagehash_exactly(img: Image.Image) -> None:
    hashes = {h.algo: h for h in hashes_for(img)}
    assert hashes["phash"].bits == str(imagehash.phash(img))
    assert hashes["dhash"].bits == str(imagehash.dhash(img))


def test_hash_shape_pipeline_and_frame_time() -> None:
    hashes = hashes_for(scene(), frame_ts=12.5)
    assert [h.algo for h in hashes] == ["phash", "dhash"]
    for h in hashes:
        assert len(h.bits) == 16 and int(h.bits, 16) >= 0 and h.bits == h.bits.lower()
        assert h.frame_ts == 12.5
        assert h.pipeline == PIPELINE
    assert hashes_for(scene())[0].frame_ts is None
    assert PIPELINE == f"vb2/pil{PIL.__version__.split('.')[0]}/ih4"


def test_fingerprint_agrees_with_the_separate_functions() -> None:
    for img in (scene(), Image.new("RGB", (50, 40), "navy")):
        hashes, flat = fingerprint(img, 1.0)
        assert hashes == hashes_for(img, 1.0)
        assert flat == is_low_information(img)


def test_near_duplicates_are_close_and_different_pictures_far() -> None:
    img = scene(800, 600, seed=7)
    buf = io.BytesIO()
    img.resize((400, 300), Image.Resampling.BICUBIC).save(buf, "JPEG", quality=70)
    copy = Image.open(buf)
    other = scene(800, 600, seed=8)
    a, b, c = hashes_for(img), hashes_for(copy), hashes_for(other)
    for i in range(2):
        assert hamming(a[i].bits, b[i].bits) <= 4
        assert hamming(a[i].bits, c[i].bits) >= 16


def test_flat_pictures_all_hash_alike_hence_the_flag() -> None:
    # imagehash #134: every single-colour picture gets the same hash, so a match between them means nothing.
    red, grey = Image.new("RGB", (64, 64), "red"), Image.new("RGB", (64, 64), (90, 90, 90))
    assert hashes_for(red) == hashes_for(grey)
    assert is_low_information(red) and is_low_information(grey)


def test_low_information_rule() -> None:
    rng = np.random.default_rng(0)
    black = Image.new("L", (320, 240), 0)
    faint = Image.fromarray((16 + rng.normal(0, 1.0, (240, 320))).clip(0, 255).astype(np.uint8))
    assert is_low_information(black)
    assert is_low_information(faint)  # sensor noise on a black frame averages out at 32x32
    ramp = Image.fromarray(np.tile(np.linspace(0, 255, 320), (240, 1)).astype(np.uint8))
    checker = Image.fromarray((np.indices((240, 320)).sum(axis=0) // 40 % 2 * 255).astype(np.uint8))
    assert not is_low_information(ramp)
    assert not is_low_information(checker)
    assert not is_low_information(scene())


def test_hamming() -> None:
    assert hamming("0000000000000000", "0000000000000000") == 0
    assert hamming("ffffffffffffffff", "0000000000000000") == 64
    assert hamming("8000000000000001", "0000000000000000") == 2
    assert hamming("00ff", "0f0f") == hamming("0f0f", "00ff") == 8
    with pytest.raises(ValueError):
        hamming("00", "0000")
