"""Shared fixtures: a fresh case, small generated media, and the shared corpus (skipped when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from verify_bench.case import Case

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    return CORPUS


@pytest.fixture(autouse=True)
def _actor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VERIFY_BENCH_ACTOR", "tester")


@pytest.fixture
def case(tmp_path: Path):
    c = Case.create(tmp_path / "test.vbcase")
    yield c
    c.close()
