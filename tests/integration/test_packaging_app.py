"""The packaged app (packaging/build.sh): runs only when a build exists, or builds one with VB_BUILD_APP=1.

A build takes minutes and needs PyInstaller, so by default this test uses dist/verify-bench when it is
there and skips otherwise.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from verify_bench import __version__

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dist" / "verify-bench" / ("verify-bench.exe" if sys.platform == "win32" else "verify-bench")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def app() -> Path:
    if os.environ.get("VB_BUILD_APP") == "1":
        if shutil.which("bash") is None:
            pytest.skip("packaging/build.sh needs bash")
        subprocess.run(["bash", str(ROOT / "packaging" / "build.sh")], check=True, timeout=3600,
                       env={**os.environ, "PYTHON": os.environ.get("PYTHON", sys.executable)})
    if not APP.is_file():
        pytest.skip("no packaged build in dist/ (run packaging/build.sh, or set VB_BUILD_APP=1)")
    return APP


def test_built_app_reports_this_version(app: Path) -> None:
    out = subprocess.run([str(app), "--version"], capture_output=True, text=True, timeout=120, check=True).stdout
    assert out.strip() == f"verify-bench, version {__version__}"


def test_built_app_smoke_run_then_its_cli_verifies_the_case(app: Path, tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run([str(app), "--smoke", "--work", str(tmp_path)], capture_output=True, text=True, check=False,
                         timeout=600, env=env)
    lines = dict(line.split("=", 1) for line in run.stdout.splitlines() if "=" in line and " " not in line)
    assert run.returncode == 0, run.stdout + run.stderr
    assert lines["smoke"] == "passed" and lines["version"] == __version__
    assert int(lines["sample_items"]) >= 7
    assert "Traceback" not in run.stderr
    case = Path(lines["case"])
    verify = subprocess.run([str(app), "verify", str(case), "--json"], capture_output=True, text=True, check=False,
                            timeout=300, env={**env, "VERIFY_BENCH_CONFIG_DIR": str(tmp_path / "config")})
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert json.loads(verify.stdout)["ok"] is True


def test_built_app_bundles_the_guide_licences_and_no_unused_qt(app: Path) -> None:
    internal = app.parent / "_internal"
    assert (internal / "docs" / "user-guide.md").is_file()
    assert (internal / "THIRD-PARTY-LICENSES").is_file()
    assert (internal / "resources" / "samples" / "ATTRIBUTION.md").is_file()
    names = {p.name for p in internal.rglob("*")}
    for unused in ("QtNetwork", "QtQml", "QtQuick", "QtSql", "QtPdf", "cv2"):
        assert not any(n.startswith((unused, f"libQt6{unused[2:]}")) for n in names), unused
    assert "libgtk-3.so.0" not in names
