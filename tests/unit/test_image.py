"""analyze_image on generated pictures: reduced decode, orientation, formats, and hostile input."""

from __future__ import annotations

import io
import random
import struct
import zlib
from functools import lru_cache
from typing import Any

import imagehash
import numpy as np
import pillow_heif
import pytest

from tests.factory import pinned
from PIL import Image, ImageFile, ImageOps, features

from verify_bench.media import image as image_module
from verify_bench.media.analysis import Analysis
from verify_bench.media.hashing import PIPELINE, hamming
from verify_bench.media.image import analyze_image

from .test_hashing import scene

PROBLEM_KINDS = {"unsupported", "truncated", "corrupt", "decompression_bomb"}


def encode(img: Image.Image, fmt: str, **params: Any) -> bytes:
    if fmt == "HEIF":
        pillow_heif.register_heif_opener()
    buf = io.BytesIO()
    img.save(buf, fmt, **params)
    return buf.getvalue()


def thumb(analysis: Analysis) -> Image.Image:
    assert analysis.thumbnail_jpeg is not None
    img = Image.open(io.BytesIO(analysis.thumbnail_jpeg), formats=["JPEG"])
    img.load()
    return img


def mean_abs_diff(a: Image.Image, b: Image.Image) -> float:
    assert a.size == b.size
    return float(np.abs(np.asarray(a.convert("L"), float) - np.asarray(b.convert("L"), float)).mean())


def crafted_png(width: int, height: int) -> bytes:
    """A valid PNG header declaring ``width`` x ``height`` RGB pixels, followed by almost no data."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def test_camera_size_jpeg() -> None:
    img = scene(2400, 1800)
    a = analyze_image(encode(img, "JPEG", quality=90), "JPEG")
    assert a.problems == []
    assert (a.media_type, a.format, a.width, a.height) == ("image", "JPEG", 2400, 1800)
    assert [h.algo for h in pinned(a.hashes)] == ["phash", "dhash"]
    assert all(h.frame_ts is None and h.pipeline == PIPELINE and len(h.bits) == 16 for h in pinned(a.hashes))
    assert not a.low_information
    t = thumb(a)
    assert (t.mode, t.size) == ("RGB", (320, 240))
    assert mean_abs_diff(t, img.resize((320, 240), Image.Resampling.BOX)) < 6


def test_reduced_decode_hashes_match_full_decode_imagehash() -> None:
    data = encode(scene(3000, 2000, seed=11), "JPEG", quality=92)
    a = analyze_image(data, "JPEG")
    full = Image.open(io.BytesIO(data))
    full.load()
    by_algo = {h.algo: h.bits for h in a.hashes}
    assert hamming(by_algo["phash"], str(imagehash.phash(full))) <= 2
    assert hamming(by_algo["dhash"], str(imagehash.dhash(full))) <= 2


def test_exif_orientation_is_applied() -> None:
    upright = scene(300, 400, seed=3)  # portrait, as the viewer should see it
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # landscape, as a phone sensor writes it
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to view"
    a = analyze_image(encode(stored, "JPEG", quality=95, exif=exif), "JPEG")
    assert (a.width, a.height) == (300, 400)
    t = thumb(a)
    assert t.size == (240, 320)
    assert mean_abs_diff(t, upright.resize((240, 320), Image.Resampling.BOX)) < 6
    plain = analyze_image(encode(upright, "JPEG", quality=95), "JPEG")
    assert all(hamming(x.bits, y.bits) <= 2 for x, y in zip(pinned(a.hashes), pinned(plain.hashes), strict=True))


@pytest.mark.parametrize("fmt", ["PNG", "GIF", "WEBP", "TIFF", "HEIF"])
def test_other_formats(fmt: str) -> None:
    img = scene(1000, 700, seed=5)
    a = analyze_image(encode(img, fmt), fmt)
    assert a.problems == []
    assert (a.format, a.width, a.height) == (fmt, 1000, 700)
    assert len(pinned(a.hashes)) == 2
    t = thumb(a)
    assert t.size == (320, 224)
    assert mean_abs_diff(t, img.resize(t.size, Image.Resampling.BOX)) < 12  # GIF's palette costs a little


@pytest.mark.skipif(not features.check("avif"), reason="Pillow built without AVIF")
def test_avif_is_decoded_as_heif_family_and_turned_upright() -> None:
    stored = scene(400, 300, seed=6)
    exif = Image.Exif()
    exif[0x0112] = 6
    a = analyze_image(encode(stored, "AVIF", exif=exif), "HEIF")  # the sniffer calls AVIF "HEIF"
    assert a.problems == []
    assert (a.width, a.height) == (300, 400)
    upright = stored.transpose(Image.Transpose.ROTATE_270)
    assert mean_abs_diff(thumb(a), upright.resize((240, 320), Image.Resampling.BOX)) < 8


def test_transparency_is_flattened_on_white() -> None:
    rgba = Image.new("RGBA", (200, 100), (0, 0, 0, 0))  # transparent black
    rgba.paste((200, 30, 30, 255), (0, 0, 100, 100))
    t = thumb(analyze_image(encode(rgba, "PNG"), "PNG"))
    assert t.getpixel((150, 50))[0] > 240 and t.getpixel((150, 50))[1] > 240  # white, not black
    assert t.getpixel((50, 50))[0] > 180


def test_sixteen_bit_grey_is_scaled_not_clipped() -> None:
    grey16 = Image.new("I;16", (64, 64), 32768)
    t = thumb(analyze_image(encode(grey16, "PNG"), "PNG"))
    assert 110 < t.convert("L").getpixel((32, 32)) < 145


def test_uniform_black_is_low_information() -> None:
    a = analyze_image(encode(Image.new("RGB", (640, 480)), "JPEG"), "JPEG")
    assert a.low_information and len(pinned(a.hashes)) == 2 and a.problems == []
    assert analyze_image(encode(Image.new("RGB", (64, 64), "teal"), "PNG"), "PNG").low_information


def test_empty_file_is_truncated() -> None:
    a = analyze_image(b"", "JPEG")
    assert [p.kind for p in a.problems] == ["truncated"]
    assert a.hashes == [] and a.thumbnail_jpeg is None


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF", "WEBP", "TIFF", "HEIF"])
def test_random_bytes_are_corrupt(fmt: str) -> None:
    data = random.Random(fmt).randbytes(5000)
    a = analyze_image(data, fmt)
    assert [p.kind for p in a.problems] == ["corrupt"]
    assert a.problems[0].stage == "decode"
    assert a.hashes == [] and a.thumbnail_jpeg is None


@lru_cache
def encoded_scene(fmt: str) -> bytes:
    return encode(scene(800, 600, seed=2), fmt)


@pytest.mark.parametrize("fraction", [0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99])
@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "TIFF"])
def test_truncated_files(fmt: str, fraction: float) -> None:
    data = encoded_scene(fmt)
    a = analyze_image(data[: int(len(data) * fraction)], fmt)
    assert [p.kind for p in a.problems] == ["truncated"], a.problems
    assert a.hashes == [] and a.thumbnail_jpeg is None


def test_truncated_jpeg_keeps_the_size_from_its_header() -> None:
    data = encoded_scene("JPEG")
    a = analyze_image(data[: len(data) // 2], "JPEG")
    assert (a.width, a.height) == (800, 600)


def test_png_content_is_decoded_as_png_only() -> None:
    png = encode(scene(200, 150), "PNG")
    assert analyze_image(png, "PNG").problems == []
    # Named .jpg or wrongly sniffed: only the JPEG plugin may run, and it refuses the data.
    a = analyze_image(png, "JPEG")
    assert [p.kind for p in a.problems] == ["corrupt"]
    assert a.hashes == []


@pytest.mark.parametrize("fmt", ["BMP", "EPS", "PSD", ""])
def test_formats_outside_the_allow_list_are_unsupported(fmt: str) -> None:
    a = analyze_image(encode(scene(20, 20), "BMP"), fmt)
    assert [p.kind for p in a.problems] == ["unsupported"]


def test_decompression_bomb_is_refused_before_decoding() -> None:
    saved = Image.MAX_IMAGE_PIXELS
    a = analyze_image(crafted_png(30_000, 30_000), "PNG")
    assert [p.kind for p in a.problems] == ["decompression_bomb"]
    assert a.hashes == [] and a.thumbnail_jpeg is None
    assert Image.MAX_IMAGE_PIXELS == saved  # Pillow's global limit is restored


def test_our_pixel_limit_applies(monkeypatch: pytest.MonkeyPatch) -> None:
    data = encode(scene(200, 200), "PNG")
    assert analyze_image(data, "PNG").problems == []
    monkeypatch.setattr(image_module, "MAX_PIXELS", 10_000)
    assert [p.kind for p in analyze_image(data, "PNG").problems] == ["decompression_bomb"]


def test_a_limit_above_pillows_default_lets_large_pictures_through(monkeypatch: pytest.MonkeyPatch) -> None:
    # Pillow's default would warn (here: refuse) above ~89.5 MP; our limit is the one that counts.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    a = analyze_image(encode(scene(200, 200), "PNG"), "PNG")
    assert a.problems == [] and len(pinned(a.hashes)) == 2


def test_mutated_files_never_raise() -> None:
    rng = random.Random(1234)
    sources = {fmt: encode(scene(160, 120, seed=9), fmt) for fmt in ("JPEG", "PNG", "GIF", "WEBP", "TIFF")}
    for _ in range(150):
        fmt = rng.choice(sorted(sources))
        data = bytearray(sources[fmt])
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        if rng.random() < 0.3:
            del data[rng.randrange(len(data)) :]
        a = analyze_image(bytes(data), fmt)
        assert {p.kind for p in a.problems} <= PROBLEM_KINDS
        # A picture that decoded although the file's end was cut off keeps its thumbnail (and says so).
        decoded = all("only its end was cut off" in p.message for p in a.problems)
        assert (a.thumbnail_jpeg is not None) == decoded


def test_truncated_images_are_never_repaired() -> None:
    analyze_image(encode(scene(100, 100), "JPEG")[:-500], "JPEG")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_orientation_transposes_match_pillow() -> None:
    base = scene(120, 90, seed=4)
    for orientation in range(1, 9):
        exif = Image.Exif()
        exif[0x0112] = orientation
        data = encode(base, "PNG", exif=exif)
        expected = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
        t = thumb(analyze_image(data, "PNG"))
        assert t.size == expected.size
        assert mean_abs_diff(t, expected) < 4, orientation
