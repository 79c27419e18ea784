"""Real photos from the shared corpus: re-uploads are found, different photos are not confused."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import dupes_quality  # noqa: E402

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
pytestmark = pytest.mark.corpus


@pytest.fixture
def photos() -> list[Path]:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    return dupes_quality.photo_paths(CORPUS)[::4]  # a dozen distinct scenes keep the test quick


def test_default_threshold_meets_the_quality_goals_on_corpus_photos(photos: list[Path]):
    row = dupes_quality.evaluate_images(photos, (8,))["8"]
    assert row["precision"] >= 0.98, row
    assert row["recall"] >= 0.90, row
    for transform in ("resize", "recompress", "greyscale", "blur", "mirror", "logo"):
        assert row[f"recall:{transform}"] == 1.0, (transform, row)
