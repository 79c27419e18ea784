"""Shared fixtures: a fresh case, small generated media, and the shared corpus (skipped when absent)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from verify_bench.case import Case

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    return CORPUS


@pytest.fixture(autouse=True, scope="session")
def _config_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Profiles and their keys live in a temporary config folder, never in the user's real one."""
    path = tmp_path_factory.mktemp("config")
    before = os.environ.get("VERIFY_BENCH_CONFIG_DIR")
    os.environ["VERIFY_BENCH_CONFIG_DIR"] = str(path)
    yield path
    if before is None:
        os.environ.pop("VERIFY_BENCH_CONFIG_DIR", None)
    else:
        os.environ["VERIFY_BENCH_CONFIG_DIR"] = before


@pytest.fixture(autouse=True)
def _actor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VERIFY_BENCH_ACTOR", "tester")


@pytest.fixture
def case(tmp_path: Path):
    c = Case.create(tmp_path / "test.vbcase")
    yield c
    c.close()
