"""media/resample.py redoes Pillow's 8-bit Lanczos resize: every output byte must be Pillow's."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from verify_bench.media.resample import resize_lanczos


def pillow(grey: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    return np.asarray(Image.fromarray(grey).resize(size, Image.Resampling.LANCZOS))


def pictures(width: int, height: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(width * 7919 + height)
    yy, xx = np.mgrid[0:height, 0:width]
    return {
        "noise": rng.integers(0, 256, (height, width), dtype=np.uint8),
        "gradient": ((xx + yy) % 256).astype(np.uint8),
        "white": np.full((height, width), 255, np.uint8),  # overshoot clipped at 255
        "black": np.zeros((height, width), np.uint8),
        "hard edges": (((xx // 3 + yy // 5) % 2) * 255).astype(np.uint8),  # ringing clipped at 0 and 255
    }


# Camera and phone pictures decoded at reduced size, panoramas, tiny and tall pictures (the vertical
# pass goes first when the height shrinks more than twice as much as the width), sizes equal to the
# target on one axis (that pass is skipped), and enlargements.
SIZES = [(512, 384), (384, 512), (1152, 494), (500, 375), (33, 32), (32, 32), (32, 200), (300, 1200),
         (1200, 90), (9, 8), (10, 8), (9, 9), (1, 1), (5, 700), (2048, 17), (4000, 17), (257, 256), (100, 3),
         (8, 9)]


@pytest.mark.parametrize("width,height", SIZES)
def test_every_byte_is_pillows(width: int, height: int) -> None:
    for name, grey in pictures(width, height).items():
        ours = resize_lanczos(grey, (32, 32), (9, 8))
        for size, got in zip([(32, 32), (9, 8)], ours):
            assert got.dtype == np.uint8
            np.testing.assert_array_equal(got, pillow(grey, size), err_msg=f"{name} {width}x{height} -> {size}")


def test_sizes_asked_together_or_alone_agree() -> None:
    grey = pictures(640, 480)["noise"]
    together = resize_lanczos(grey, (32, 32), (9, 8), (640, 20))
    for size, got in zip([(32, 32), (9, 8), (640, 20)], together):
        np.testing.assert_array_equal(got, resize_lanczos(grey, size)[0])
        np.testing.assert_array_equal(got, pillow(grey, size))


@settings(max_examples=60, deadline=None)
@given(
    width=st.integers(1, 700), height=st.integers(1, 700),
    out_w=st.integers(1, 40), out_h=st.integers(1, 40), seed=st.integers(0, 2**32 - 1),
)
def test_random_pictures_and_sizes(width: int, height: int, out_w: int, out_h: int, seed: int) -> None:
    grey = np.random.default_rng(seed).integers(0, 256, (height, width), dtype=np.uint8)
    np.testing.assert_array_equal(resize_lanczos(grey, (out_w, out_h))[0], pillow(grey, (out_w, out_h)))


def test_corpus_pictures_decoded_as_the_import_does(corpus: Path) -> None:
    folder = corpus / "exif-samples" / "jpg"
    checked = 0
    for path in sorted(folder.glob("*.jpg"))[:25]:
        try:
            with Image.open(path) as im:
                im.draft("RGB", (320, 256))
                grey = np.asarray(im.convert("L"))
        except OSError:
            continue  # the corpus holds broken files on purpose
        for size, got in zip([(32, 32), (9, 8)], resize_lanczos(grey, (32, 32), (9, 8))):
            np.testing.assert_array_equal(got, pillow(grey, size), err_msg=path.name)
        checked += 1
    assert checked >= 10


def test_long_pictures_are_left_to_pillow_and_never_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    import verify_bench.media.resample as resample

    def refuse(*args: object) -> None:
        raise AssertionError("weights computed for a picture over MAX_SIDE")

    monkeypatch.setattr(resample, "_weights", refuse)
    monkeypatch.setattr(resample, "_stacked", refuse)
    strip = pictures(resample.MAX_SIDE + 1, 40)["noise"]  # a panorama strip the decode could not reduce
    for size, got in zip([(32, 32), (9, 8)], resize_lanczos(strip, (32, 32), (9, 8))):
        np.testing.assert_array_equal(got, pillow(strip, size))
