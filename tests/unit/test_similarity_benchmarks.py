"""The benchmark scripts' core functions still run (tiny sizes; the figures come from the scripts)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import dupes_quality  # noqa: E402
import dupes_scale  # noqa: E402


def test_scale_benchmark_finds_every_planted_pair_and_agrees_with_both_baselines():
    result = dupes_scale.run_one("uniform", 2000, 8, [1, 2], query_count=50)
    assert result["planted_recall"] == 1.0 and result["recall_vs_brute"] == 1.0
    assert result["extra_vs_brute"] == 0 and result["bktree_agrees"] is True


def test_quality_benchmark_scores_a_tiny_labelled_set():
    samples_dir = Path(__file__).resolve().parents[2] / "resources" / "samples"
    table = dupes_quality.evaluate_images([samples_dir / "DSCN0010.jpg", samples_dir / "landscape_6.jpg"], (8,))
    row = table["8"]
    assert row["precision"] >= 0.9 and row["recall"] >= 0.8
    assert {k for k in row if k.startswith("recall:")} == {f"recall:{t}" for t in dupes_quality.TRANSFORMS}


def test_quality_benchmark_builds_and_scores_videos(tmp_path: Path):
    corpus = tmp_path / "corpus"
    (corpus / "video").mkdir(parents=True)  # no corpus videos: generated pans only
    photo = Path(__file__).resolve().parents[2] / "resources" / "samples" / "DSCN0025.jpg"
    pytest.importorskip("av")
    original = dupes_quality.photo_paths
    dupes_quality.photo_paths = lambda _: [photo]  # type: ignore[assignment]
    try:
        table = dupes_quality.evaluate_videos(corpus, tmp_path, (8,), photos=1)
    finally:
        dupes_quality.photo_paths = original
    assert table["8"]["precision"] == 1.0 and table["8"]["recall:reencode"] == 1.0
