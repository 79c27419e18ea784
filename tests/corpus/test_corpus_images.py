"""analyze_image on the shared corpus of real camera files (skipped when ../shared/corpus is absent)."""

from __future__ import annotations

import functools
import io
from pathlib import Path

import imagehash
import numpy as np
import pytest

from tests.factory import pinned
from PIL import Image, ImageOps

from verify_bench.media.analysis import Analysis
from verify_bench.media.hashing import hamming
from verify_bench.media.image import analyze_image, thumbnail_size
from verify_bench.media.sniff import sniff

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
SAMPLES = CORPUS / "exif-samples"
pytestmark = [pytest.mark.corpus, pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not present")]

IMAGES = sorted(p for p in SAMPLES.rglob("*") if p.suffix.lower() in {".jpg", ".jpeg", ".tiff", ".heic", ".heif"})
HASHABLE = [p for p in IMAGES if p.suffix.lower() in {".jpg", ".jpeg", ".tiff"}]
ORIENTATION = SAMPLES / "jpg" / "orientation"
#: The reduced-size decode may move a hash this many bits from imagehash on the full-size picture.
MAX_DISTANCE = 2


def _id(p: Path) -> str:
    return str(p.relative_to(SAMPLES))


@functools.cache
def analyse(path: Path) -> Analysis:
    """Cached across tests (HEIC decodes are slow); callers must not modify the result."""
    data = path.read_bytes()
    fmt = sniff(data[:256]).format
    assert fmt is not None, path
    return analyze_image(data, fmt)


def thumbnail(a: Analysis) -> np.ndarray:
    assert a.thumbnail_jpeg is not None
    return np.asarray(Image.open(io.BytesIO(a.thumbnail_jpeg)).convert("L"), dtype=float)


@pytest.mark.parametrize("path", IMAGES, ids=_id)
def test_every_corpus_image_is_analysed(path: Path) -> None:
    a = analyse(path)
    assert a.problems == [], a.problems
    assert a.width and a.height and len(pinned(a.hashes)) == 2
    t = Image.open(io.BytesIO(a.thumbnail_jpeg or b""))
    assert t.mode == "RGB" and max(t.size) <= 320
    assert t.size == thumbnail_size(a.width, a.height)


@pytest.mark.parametrize("path", HASHABLE, ids=_id)
def test_hashes_match_imagehash_on_the_full_picture(path: Path) -> None:
    try:
        full = ImageOps.exif_transpose(Image.open(path))
        full.load()
    except Exception as exc:  # noqa: BLE001 - the reference decoder may refuse what we refuse
        pytest.skip(f"unreadable by plain Pillow: {exc}")
    hashes = {h.algo: h.bits for h in analyse(path).hashes}
    assert hamming(hashes["phash"], str(imagehash.phash(full))) <= MAX_DISTANCE
    assert hamming(hashes["dhash"], str(imagehash.dhash(full))) <= MAX_DISTANCE


def correlation(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a - a.mean(), b - b.mean()
    return float((a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum()))


@pytest.mark.parametrize("scene", ["landscape", "portrait"])
def test_all_eight_orientations_come_out_upright(scene: str) -> None:
    # The eight files of a scene are not pixel-identical: orientation 1 is brighter and each shows its
    # own number. Hence a correlation (a wrong turn or flip scores below 0.6) and, for the hashes, the
    # distance imagehash itself finds between the full-size upright pictures (up to 4 bits).
    reference = analyse(ORIENTATION / f"{scene}_1.jpg")
    ref_thumb = thumbnail(reference)
    assert (ref_thumb.shape[1] > ref_thumb.shape[0]) == (scene == "landscape")
    for n in range(2, 9):
        a = analyse(ORIENTATION / f"{scene}_{n}.jpg")
        assert (a.width, a.height) == (reference.width, reference.height), n
        t = thumbnail(a)
        assert t.shape == ref_thumb.shape, n
        assert correlation(t, ref_thumb) > 0.9, n
        assert correlation(t[:, ::-1], ref_thumb) < 0.6 and correlation(t[::-1], ref_thumb) < 0.6
        for mine, ref in zip(pinned(a.hashes), pinned(reference.hashes), strict=True):
            assert hamming(mine.bits, ref.bits) <= 4, (n, mine.algo)


def test_orientations_hash_like_imagehash_on_the_upright_full_pictures() -> None:
    for path in sorted(ORIENTATION.glob("*.jpg")):
        full = ImageOps.exif_transpose(Image.open(path))
        hashes = {h.algo: h.bits for h in analyse(path).hashes}
        assert hashes["phash"] == str(imagehash.phash(full)), path.name
        assert hamming(hashes["dhash"], str(imagehash.dhash(full))) <= 1, path.name


def test_low_information_flags_only_the_flat_picture() -> None:
    flagged = {_id(p) for p in IMAGES if analyse(p).low_information}
    assert flagged == {"jpg/tests/67-0_length_string.jpg"}  # a uniform grey 4032x2012 frame


def test_hostile_and_broken_files_never_raise() -> None:
    broken = sorted((SAMPLES / "jpg" / "invalid").glob("*.jpg")) + [SAMPLES / "jpg" / "corrupted.jpg"]
    for path in broken:
        data = path.read_bytes()
        for cut in (len(data), len(data) // 2, 100):
            a = analyze_image(data[:cut], "JPEG")
            assert {p.kind for p in a.problems} <= {"truncated", "corrupt"}
            assert (a.thumbnail_jpeg is None) == bool(a.problems)
