"""One version number: ``verify_bench.__version__``, read by pyproject, the CLI, the app and the metadata."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from click.testing import CliRunner

from verify_bench import __version__
from verify_bench.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_version_is_a_release_number() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+([ab]|rc)?\d*", __version__)


def test_pyproject_takes_the_version_from_the_package() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"]
    assert "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "verify_bench.__version__"}


def test_installed_metadata_has_the_same_version() -> None:
    assert metadata.version("verify-bench") == __version__


def test_cli_version_prints_it() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"verify-bench, version {__version__}"


def test_installed_program_prints_it() -> None:
    out = subprocess.run([sys.executable, "-m", "verify_bench", "--version"], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    assert out.split()[-1] == __version__
