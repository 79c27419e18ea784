"""The window: a shell that shows the start screen or a case's workspace, and owns the menus."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QFileDialog, QLabel, QMainWindow, QMessageBox, QStackedWidget, QWidget

from .. import __version__, browse
from ..case import DB_NAME, Case
from ..demo import build_demo_case
from ..errors import VerifyBenchError
from . import settings
from .session import CaseSession
from .start_screen import StartScreen
from .workers import TaskRunner
from .workspace import Workspace

GEOMETRY_KEY = "layout/window"
SHORTCUTS = """<table>
<tr><td>Ctrl+N / Ctrl+O</td><td>new case / open case</td></tr>
<tr><td>Ctrl+I, Ctrl+Shift+I</td><td>import files / a folder (or drop them on the window)</td></tr>
<tr><td>Ctrl+F, Esc</td><td>filter the items / clear the filter</td></tr>
<tr><td>Arrows, Enter</td><td>move through items, open the selected one</td></tr>
<tr><td>Ctrl+1 / Ctrl+2</td><td>thumbnails / table</td></tr>
<tr><td>Ctrl+C</td><td>copy the SHA-256 of the selected items (tags in the metadata panel)</td></tr>
<tr><td>+ / − / 0 / 1</td><td>zoom in / out / fit / actual pixels</td></tr>
<tr><td>, and .</td><td>step through a video's keyframes</td></tr>
<tr><td>Ctrl+K</td><td>compare the two selected items</td></tr>
<tr><td>Ctrl+M</td><td>show or hide the map; on the map: drag to pan, wheel or + / − to zoom, Ctrl+click to place a location</td></tr>
<tr><td>Ctrl+Shift+H, R / Ctrl+R</td><td>mark sensitive (blurred) / reveal</td></tr>
<tr><td>Ctrl+Z / Ctrl+Shift+Z</td><td>undo / redo a mark (recorded as a new event)</td></tr>
</table>"""


def default_sample_path() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base) / "sample.vbcase"


class MainWindow(QMainWindow):
    def __init__(self, *, sample_path: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("main_window")
        self.setWindowTitle("Verify Bench")
        self.setAcceptDrops(True)
        self.sample_path = sample_path or default_sample_path()
        self.runner = TaskRunner(self, threads=1)
        self.start = StartScreen()
        self.workspace: Workspace | None = None
        self.stack = QStackedWidget()
        self.stack.addWidget(self.start)
        self.setCentralWidget(self.stack)
        self.status = QLabel(minimumWidth=140, alignment=Qt.AlignmentFlag.AlignRight)
        self.statusBar().addPermanentWidget(self.status)
        self.start.create_requested.connect(self.create_case_dialog)
        self.start.open_requested.connect(self.open_case_dialog)
        self.start.sample_requested.connect(self.open_sample)
        self.start.open_path.connect(self.open_case)
        self._app_actions()
        self._rebuild_menus()
        geometry = settings.load_bytes(GEOMETRY_KEY)
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1400, 900)

    # ---- menus ----------------------------------------------------------------------------
    def _app_actions(self) -> None:
        def action(text: str, slot: object, shortcut: QKeySequence | str | None = None) -> QAction:
            a = QAction(text, self)
            if shortcut is not None:
                a.setShortcut(QKeySequence(shortcut))
            a.triggered.connect(slot)
            return a

        self.new_action = action("&New case…", self.create_case_dialog, QKeySequence.StandardKey.New)
        self.open_action = action("&Open case…", self.open_case_dialog, QKeySequence.StandardKey.Open)
        self.sample_action = action("Open &sample case", self.open_sample)
        self.close_action = action("&Close case", self.close_case, QKeySequence.StandardKey.Close)
        self.quit_action = action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.shortcuts_action = action("&Keyboard shortcuts", self._show_shortcuts, QKeySequence.StandardKey.HelpContents)
        self.about_action = action("&About Verify Bench", self._show_about)

    def _rebuild_menus(self) -> None:
        bar = self.menuBar()
        bar.clear()
        extra = self.workspace.menus() if self.workspace else {}
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.new_action, self.open_action, self.sample_action])
        recent = file_menu.addMenu("Open &recent")
        for path in settings.recent_cases():
            recent.addAction(str(path), lambda p=path: self.open_case(p))
        recent.setEnabled(not recent.isEmpty())
        file_menu.addSeparator()
        for name in ("File", "Edit", "Item", "View"):
            menu = file_menu if name == "File" else bar.addMenu("&" + name) if extra.get(name) else None
            for a in extra.get(name, []):
                menu.addSeparator() if a is None else menu.addAction(a)  # type: ignore[union-attr]
        file_menu.addSeparator()
        file_menu.addActions([self.close_action, self.quit_action])
        self.close_action.setEnabled(self.workspace is not None)
        help_menu = bar.addMenu("&Help")
        help_menu.addActions([self.shortcuts_action, self.about_action])

    # ---- cases ----------------------------------------------------------------------------
    def create_case_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Create a case", str(Path.home() / "New case.vbcase"),
                                              "Verify Bench case (*.vbcase)")
        if path:
            self.create_case(Path(path))

    def create_case(self, path: Path) -> bool:
        path = path if path.suffix == ".vbcase" else path.with_name(path.name + ".vbcase")
        try:
            Case.create(path, title=path.stem).close()
        except VerifyBenchError as exc:
            self._error("Cannot create the case", str(exc))
            return False
        return self.open_case(path)

    def open_case_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open a case folder (.vbcase)")
        if folder:
            self.open_case(Path(folder))

    def open_case(self, path: Path) -> bool:
        """Open a case; one that needs a schema upgrade is upgraded on a worker thread first."""
        self.close_case()
        if browse.needs_upgrade(path):
            self._upgrade_then_open(Path(path))
            return True
        try:
            session = CaseSession(Path(path))
        except VerifyBenchError as exc:
            self._error("Cannot open the case", str(exc))
            return False
        settings.remember_case(session.root)
        self.workspace = Workspace(session)
        self.workspace.browser.count_changed.connect(self._on_count)
        self.stack.addWidget(self.workspace)
        self.stack.setCurrentWidget(self.workspace)
        self.workspace.restore_layout()
        self.setWindowTitle(f"{session.title} — Verify Bench")
        self._rebuild_menus()
        self.workspace.browser.view.setFocus()
        return True

    def close_case(self) -> None:
        if self.workspace is None:
            return
        self.workspace.save_layout()
        self.workspace.shutdown()
        self.stack.removeWidget(self.workspace)
        self.workspace.deleteLater()
        self.workspace = None
        self.setWindowTitle("Verify Bench")
        self.status.clear()
        self.start.reload()
        self.start.set_busy("")
        self.stack.setCurrentWidget(self.start)
        self._rebuild_menus()

    def _upgrade_then_open(self, path: Path) -> None:
        self.start.set_busy(f"Upgrading {path.name} to this version of Verify Bench (a backup is kept next to it)…")

        def upgrade(ctx: object) -> Path:
            Case.open(path).close()
            return path

        self.runner.run(upgrade, name=f"Upgrading {path.name}", on_result=self.open_case,
                        on_error=lambda message, exc: self.start.show_error(message))

    def open_sample(self) -> None:
        """Open the sample case, building it from the bundled media the first time."""
        target = self.sample_path
        if (target / DB_NAME).is_file():
            self.open_case(target)
            return
        self.close_case()
        building = target.with_name(f".{target.name}-{uuid.uuid4().hex[:8]}")
        self.start.set_busy("Building the sample case from the bundled photos and video…")

        def build(ctx: object) -> Path:
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                build_demo_case(building)
                os.replace(building, target)  # only a complete case gets the name
            finally:
                shutil.rmtree(building, ignore_errors=True)
            return target

        self.runner.run(build, name="Building the sample case", on_result=self.open_case,
                        on_error=lambda message, exc: self.start.show_error(message))

    def _error(self, title: str, message: str) -> None:
        if self.workspace is None:
            self.start.show_error(f"{title}: {message}")
        else:
            QMessageBox.warning(self, title, message)

    def _on_count(self, count: int) -> None:
        self.status.setText(f"{count:,} item{'s' if count != 1 else ''}")

    # ---- drag and drop --------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and all(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls()]
        event.acceptProposedAction()
        self.handle_dropped(paths)

    def handle_dropped(self, paths: list[Path]) -> None:
        """Drop on a case: import. Drop a case folder on the start screen: open it."""
        if self.workspace is not None:
            self.workspace.import_paths(paths)
        elif len(paths) == 1 and (paths[0] / DB_NAME).is_file():
            self.open_case(paths[0])
        else:
            self.start.show_error("Open or create a case first, then drop files on it to import them.")

    # ---- help and closing -----------------------------------------------------------------
    def _show_shortcuts(self) -> None:
        QMessageBox.information(self, "Keyboard shortcuts", SHORTCUTS)

    def _show_about(self) -> None:
        QMessageBox.about(self, "About Verify Bench",
                          f"Verify Bench {__version__}<br>An evidence workbench for photos and videos.<br>GPL-3.0-or-later")

    def closeEvent(self, event: QCloseEvent) -> None:
        settings.save_bytes(GEOMETRY_KEY, self.saveGeometry())
        self.close_case()
        self.runner.shutdown()
        event.accept()
