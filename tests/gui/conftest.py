"""GUI tests: offscreen Qt, isolated settings, a fresh window per test, and no leaked threads."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt is imported anywhere

import shutil  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QSettings, QStandardPaths  # noqa: E402

from tests.factory import make_jpeg  # noqa: E402
from verify_bench.case import Case  # noqa: E402
from verify_bench.ingest.pipeline import ImportOptions, run_import  # noqa: E402

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
#: Where GUI tests save the pictures they take: docs/screenshots when VB_UPDATE_SCREENSHOTS=1 (to refresh
#: the docs), else a temporary folder, so that a test run never changes tracked files.
SCREENSHOTS = (Path(__file__).resolve().parents[2] / "docs" / "screenshots"
               if os.environ.get("VB_UPDATE_SCREENSHOTS") == "1"
               else Path(tempfile.gettempdir()) / "verify-bench-test-screenshots")
FAST = ImportOptions(workers=1, time_limit=60)


def camera_exif(seed: int) -> bytes:
    """EXIF naming a camera and a time, as a phone would write it."""
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "TestCam"          # Make
    exif[0x0110] = f"Model {seed}"    # Model
    exif[0x0132] = f"2024:03:0{seed + 1} 10:1{seed}:00"  # DateTime
    return exif.tobytes()


@pytest.fixture(autouse=True)
def _isolated_qsettings(tmp_path: Path) -> Iterator[None]:
    """Every test gets its own empty settings (recent cases, layout, saved filters)."""
    QStandardPaths.setTestModeEnabled(True)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for fmt in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    yield


@pytest.fixture(autouse=True)
def _no_leaked_threads() -> Iterator[None]:
    before = {t.ident for t in threading.enumerate()}
    yield
    leaked = [t for t in threading.enumerate() if t.ident not in before and t.is_alive()
              and not isinstance(t, threading._DummyThread)]  # noqa: SLF001 - Qt pool threads seen by Python
    assert not leaked, f"threads left running: {leaked}"


@pytest.fixture
def fast_imports(monkeypatch: pytest.MonkeyPatch) -> None:
    """Imports started from the GUI use one worker process (quicker to start in tests)."""
    from verify_bench.gui import import_job

    original = import_job.ImportQueue.__init__

    def init(self, session, options=None):  # type: ignore[no-untyped-def]
        original(self, session, options or FAST)

    monkeypatch.setattr(import_job.ImportQueue, "__init__", init)


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    """Four small JPEGs and one truncated JPEG in a folder."""
    folder = tmp_path / "photos"
    folder.mkdir()
    for seed in range(4):
        (folder / f"photo_{seed}.jpg").write_bytes(make_jpeg(seed=seed))
    broken = make_jpeg(seed=9)
    (folder / "broken.jpg").write_bytes(broken[: len(broken) // 3])
    return folder


@pytest.fixture(scope="session")
def _template_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A case with six imported photos (one truncated), built once per run."""
    src = tmp_path_factory.mktemp("template_src")
    for seed in range(5):
        (src / f"img_{seed}.jpg").write_bytes(make_jpeg(seed=seed, size=(320 + seed * 16, 240), exif=camera_exif(seed)))
    (src / "img_0_copy.jpg").write_bytes(make_jpeg(seed=0, size=(320 + 0, 240), subsampling=2))
    root = tmp_path_factory.mktemp("template") / "template.vbcase"
    with Case.create(root, actor="tester") as case:
        run_import(case, [src], options=FAST)
    return root


@pytest.fixture
def filled_case(_template_case: Path, tmp_path: Path) -> Path:
    """A private copy of the template case."""
    target = tmp_path / "filled.vbcase"
    shutil.copytree(_template_case, target)
    return target


@pytest.fixture
def window(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    from verify_bench.gui.app import make_app
    from verify_bench.gui.main_window import MainWindow

    make_app()
    w = MainWindow(sample_path=tmp_path / "sample.vbcase")
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    return CORPUS
