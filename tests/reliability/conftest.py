"""The reliability battery's shared pieces: a figure recorder and the full-run switch.

Every test in this folder runs a representative subset in CI. `scripts/reliability.py` sets
`VB_RELIABILITY_FULL=1` for the full battery and `VB_FIGURES_DIR` to collect figures: each
`record_figure(section, name, value)` call appends one JSON line to `<VB_FIGURES_DIR>/<section>.jsonl`,
which the runner turns into `docs/reliability.md`. Without `VB_FIGURES_DIR` figures are dropped.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

FULL = os.environ.get("VB_RELIABILITY_FULL") == "1"


def full_or(ci: int, full: int) -> int:
    """How many cases to run: a few in CI, all of them in the full battery."""
    return full if FULL else ci


@pytest.fixture
def record_figure() -> Callable[[str, str, object], None]:
    target = os.environ.get("VB_FIGURES_DIR")

    def record(section: str, name: str, value: object) -> None:
        if not target:
            return
        folder = Path(target)
        folder.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"section": section, "name": name, "value": value, "full": FULL,
                           "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}, ensure_ascii=False)
        with open(folder / f"{section}.jsonl", "a", encoding="utf-8") as fh:
            fh.write(line + "\n")

    return record


@pytest.fixture(scope="session")
def relib_built(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """One case built through the CLI (two imports and a lead's and an investigator's work), shared read-only:
    tests that damage or move it work on ``tests.reliability._relib_cases.copy_case`` copies."""
    from ._relib_cases import build_case

    return build_case(tmp_path_factory.mktemp("relib-base"))
