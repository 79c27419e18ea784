"""Battery 1: hostile still images — Pillow's own test and fuzzer files, the corpus's broken files,
and generated ones (truncations, empty, random, wrong extensions, IFD cycles, huge MakerNote
counts, PNG chunks with non-ASCII names, decompression bombs, broken HEIF boxes).

Each set is imported through the CLI. Figures: no crash of the import, no parse past the worker's
time limit, no lost input, exactly one terminal outcome per input (imported / imported with a
named problem / rejected with a reason).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.reliability._relia_hostile import hostile_images
from tests.reliability._relia_pillow import (
    PILLOW_VERSION,
    Unavailable,
    ci_subset,
    pillow_test_images,
)
from tests.reliability._relia_support import battery_import, census, new_case
from tests.reliability.conftest import FULL, full_or

TIME_LIMIT = 20.0


@pytest.fixture(scope="session")
def pillow_images() -> Path:
    try:
        return pillow_test_images()
    except Unavailable as exc:
        pytest.skip(str(exc))


def _record(record_figure: Callable[[str, str, object], None], label: str, figures: dict[str, object]) -> None:
    for name, value in figures.items():
        record_figure("hostile_images", f"{label}: {name}", value)


def test_pillow_test_images(pillow_images: Path, tmp_path: Path, record_figure):
    images = pillow_images / "images"
    chosen = sorted(p for p in images.rglob("*") if p.is_file()) if FULL else ci_subset(images)
    src = tmp_path / "in"
    src.mkdir()
    for p in chosen:  # flat, with the sub-folder in the name: no collisions
        shutil.copyfile(p, src / p.relative_to(images).as_posix().replace("/", "__"))
    assert (pillow_images / "LICENSE").is_file()
    root = new_case(tmp_path / "c.vbcase")
    _, _, figures = battery_import(root, src, time_limit=TIME_LIMIT)
    _record(record_figure, f"Pillow {PILLOW_VERSION} test images", figures)


def test_corpus_broken_files(corpus: Path, tmp_path: Path, record_figure):
    src = tmp_path / "in"
    src.mkdir()
    exif = corpus / "exif-samples" / "jpg"
    chosen = [*sorted((exif / "invalid").glob("*.jpg")), exif / "corrupted.jpg", *sorted((exif / "tests").glob("*"))]
    for p in chosen:
        if p.is_file():
            shutil.copyfile(p, src / p.relative_to(exif).as_posix().replace("/", "__"))
    root = new_case(tmp_path / "c.vbcase")
    _, _, figures = battery_import(root, src, time_limit=TIME_LIMIT)
    _record(record_figure, "corpus broken files", figures)


def test_generated_hostile_images(tmp_path: Path, record_figure):
    src = tmp_path / "in"
    src.mkdir()
    files = hostile_images(offsets_per_format=full_or(10, 60))
    for name, data in files.items():
        (src / name).write_bytes(data)
    root = new_case(tmp_path / "c.vbcase")
    summary, found, figures = battery_import(root, src, time_limit=TIME_LIMIT)
    _record(record_figure, "generated hostile stills", figures)

    def outcome(name: str) -> str:
        return found.outcomes[bytes(src / name)][0]

    # What each kind of file must become, beyond "some named outcome".
    assert outcome("base.jpg") == "imported:ok" or outcome("base.jpg").startswith("imported:problems:metadata")
    for name in ("bomb-png-100kx100k.png", "bomb-gif-64kx64k.gif", "bomb-jpeg-65kx65k.jpg"):
        assert "decompression_bomb" in outcome(name), (name, outcome(name))
    for name in files:
        if name.startswith("cut-"):
            assert outcome(name).split(":")[1] in ("problems", "failed"), (name, outcome(name))
        if name.startswith("empty"):
            assert outcome(name) == "imported:problems:truncated", (name, outcome(name))
        if name.startswith("random-") and name.endswith(".jpg"):  # named as a picture, but is not one
            assert outcome(name) == "imported:problems:unsupported", (name, outcome(name))
    assert outcome("png-named.jpg") == "imported:ok"  # sniffed by content, not trusted from the name
    assert census(root, summary["batch_id"]).classes()["imported:failed:timeout"] == 0, "a stills parse hung"


def test_regression_png_and_gif_cut_after_their_pixels_are_reported():
    """Found by this battery: Pillow decodes a PNG without its IEND chunk, or a GIF without its
    trailer, without a word. The file was cut short, and that is a finding to report."""
    from tests.factory import make_png
    from tests.reliability._relia_hostile import _gif_bytes
    from verify_bench.media.image import analyze_image

    png, gif = make_png((60, 40), seed=5), _gif_bytes()
    assert not analyze_image(png, "PNG").problems and not analyze_image(gif, "GIF").problems
    for data, fmt in ((png[:-12], "PNG"), (png[:-3], "PNG"), (gif[:-1], "GIF")):
        analysis = analyze_image(data, fmt)
        assert [p.kind for p in analysis.problems] == ["truncated"], (fmt, analysis.problems)
        assert analysis.thumbnail_jpeg is not None  # the picture itself decoded: nothing was repaired
