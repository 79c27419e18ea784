"""Where bundled resources (sample media, later taxonomies and templates) live."""

from __future__ import annotations

from pathlib import Path

from .errors import VerifyBenchError


def resources_dir() -> Path:
    """The project's ``resources/`` folder (source checkout or editable install)."""
    candidate = Path(__file__).resolve().parents[2] / "resources"
    if candidate.is_dir():
        return candidate
    raise VerifyBenchError(
        f"bundled resources not found at {candidate}; install Verify Bench from its source folder "
        "with 'pip install -e .'"
    )


def samples_dir() -> Path:
    return resources_dir() / "samples"
