"""Where bundled resources (sample media, later taxonomies and templates) live."""

from __future__ import annotations

import sys
from pathlib import Path

from .errors import VerifyBenchError


def project_dir() -> Path:
    """Where ``resources/`` and ``docs/`` live: the source checkout, or a packaged build's data folder."""
    bundled = getattr(sys, "_MEIPASS", None)  # set by a PyInstaller build (packaging/verify-bench.spec)
    return Path(bundled) if bundled else Path(__file__).resolve().parents[2]


def resources_dir() -> Path:
    """The project's ``resources/`` folder (source checkout, editable install or packaged build)."""
    candidate = project_dir() / "resources"
    if candidate.is_dir():
        return candidate
    raise VerifyBenchError(
        f"bundled resources not found at {candidate}; install Verify Bench from its source folder "
        "with 'pip install -e .'"
    )


def samples_dir() -> Path:
    return resources_dir() / "samples"


def user_guide_path() -> Path:
    """The local user guide (``docs/user-guide.md``; packaged builds carry it with its screenshots)."""
    guide = project_dir() / "docs" / "user-guide.md"
    if guide.is_file():
        return guide
    raise VerifyBenchError(f"the user guide is not at {guide}; it ships with the source and packaged builds")
