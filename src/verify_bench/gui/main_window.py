"""The window: a shell that shows the start screen or a case's workspace, and owns the menus."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QFileDialog, QLabel, QMainWindow, QMessageBox, QStackedWidget, QToolButton, QWidget

from .. import __version__, browse
from ..case import ACTOR_ENV, DB_NAME, Case
from ..demo import build_demo_case
from ..errors import VerifyBenchError
from ..resources import project_dir, user_guide_path
from ..profiles import PASSPHRASE_ENV, Signer, find_profile, remember_profile, remembered_profile, signer_for, unlock
from . import settings
from .session import CaseSession
from .help_viewer import HelpViewer
from .start_screen import StartScreen
from .views.actor_dialog import PassphraseDialog, ProfileDialog
from .workers import TaskRunner
from .workspace import Workspace

GEOMETRY_KEY = "layout/window"
SHORTCUTS = """<table>
<tr><td>F1 / Ctrl+/</td><td>user guide / these shortcuts</td></tr>
<tr><td>Ctrl+N / Ctrl+O</td><td>create a case / open a case</td></tr>
<tr><td>Ctrl+I, Ctrl+Shift+I</td><td>import files / a folder (or drop them on the window)</td></tr>
<tr><td>Ctrl+F, Esc</td><td>filter the items / clear the filter</td></tr>
<tr><td>Arrows, Enter</td><td>move through items, open the selected one</td></tr>
<tr><td>Ctrl+1 / Ctrl+2</td><td>thumbnails / table</td></tr>
<tr><td>Ctrl+C</td><td>copy the SHA-256 of the selected items (tags in the metadata panel)</td></tr>
<tr><td>+ / − / 0 / 1</td><td>zoom in / out / fit / actual pixels</td></tr>
<tr><td>, and .</td><td>step through a video's keyframes</td></tr>
<tr><td>Space, &lt; and &gt;</td><td>play or pause a video; previous / next single frame</td></tr>
<tr><td>Ctrl+T, Ctrl+Shift+F</td><td>tag fragments in the selected item / the case's fragments</td></tr>
<tr><td>V R P O K M, Ctrl+S</td><td>while tagging: select, rectangle, polygon, point, known length, measure; save the tag</td></tr>
<tr><td>Ctrl+K</td><td>compare the two selected items</td></tr>
<tr><td>Ctrl+M</td><td>show or hide the map; on the map: drag to pan, wheel or + / − to zoom, Ctrl+click to place a location</td></tr>
<tr><td>Ctrl+Shift+T</td><td>show or hide the timeline</td></tr>
<tr><td>Ctrl+E</td><td>export a chain-of-custody report</td></tr>
<tr><td>Ctrl+Shift+R</td><td>review queue; in it: Enter opens the item, Ctrl+Enter approves, Ctrl+Shift+Enter returns</td></tr>
<tr><td>Ctrl+Shift+L</td><td>the case's history (event log)</td></tr>
<tr><td>Ctrl+Enter</td><td>in the Workflow tab's comment box: add the comment</td></tr>
<tr><td>Ctrl+Shift+H, R / Ctrl+R</td><td>mark sensitive (blurred) / reveal</td></tr>
<tr><td>Ctrl+Z / Ctrl+Shift+Z</td><td>undo / redo a mark (recorded as a new event)</td></tr>
</table>"""


ABOUT = """<h3>Verify Bench {version}</h3>
<p>An evidence workbench for photos and videos: preserve the originals, examine them, and keep a
signed log of every change that anyone can re-check.</p>
<p>Free software under the GNU General Public License, version 3 or later.<br>
It uses Qt for Python (LGPL-3.0), FFmpeg and other libraries: see Third-party licences.</p>"""


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
        self.signer: Signer | None = None     # who acts and signs; chosen at start-up, remembered
        self._locked_profile: str | None = None   # remembered, passphrase-protected: unlocked on first use
        self._asking = False                      # the profile chooser is open
        self.actor_button = QToolButton(objectName="actor_button", autoRaise=True,
                                        toolTip="Who is acting: every event you record is signed with this "
                                                "profile's key. Click to switch profile.")
        self.actor_button.clicked.connect(self.choose_actor)
        self.statusBar().addPermanentWidget(self.actor_button)
        self.start.create_requested.connect(self.create_case_dialog)
        self.start.open_requested.connect(self.open_case_dialog)
        self.start.sample_requested.connect(self.open_sample)
        self.start.open_path.connect(self.open_case)
        self.start.guide_requested.connect(self.show_user_guide)
        self._app_actions()
        self._rebuild_menus()
        self._initial_actor()
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

        self.new_action = action("&Create case…", self.create_case_dialog, QKeySequence.StandardKey.New)
        self.open_action = action("&Open case…", self.open_case_dialog, QKeySequence.StandardKey.Open)
        self.sample_action = action("Open &sample case", self.open_sample)
        self.close_action = action("&Close case", self.close_case, QKeySequence.StandardKey.Close)
        self.profile_action = action("Switch &profile…", self.choose_actor)
        self.quit_action = action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.guide_action = action("&User guide", self.show_user_guide, QKeySequence.StandardKey.HelpContents)
        self.shortcuts_action = action("&Keyboard shortcuts", self._show_shortcuts, "Ctrl+/")
        self.licences_action = action("&Third-party licences", self.show_licences)
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
        file_menu.addAction(self.profile_action)
        file_menu.addActions([self.close_action, self.quit_action])
        self.close_action.setEnabled(self.workspace is not None)
        help_menu = bar.addMenu("&Help")
        help_menu.addActions([self.guide_action, self.shortcuts_action])
        help_menu.addSeparator()
        help_menu.addActions([self.licences_action, self.about_action])

    # ---- cases ----------------------------------------------------------------------------
    def create_case_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Create a case", str(Path.home() / "New case.vbcase"),
                                              "Verify Bench case (*.vbcase)")
        if path:
            self.create_case(Path(path))

    def create_case(self, path: Path) -> bool:
        path = path if path.suffix == ".vbcase" else path.with_name(path.name + ".vbcase")
        if not self.ensure_signer():
            return False
        try:
            Case.create(path, title=path.stem, signer=self.signer).close()
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
        if not self.ensure_signer():
            self.start.show_error("Choose who you are (File ▸ Switch profile…) before opening a case.")
            return False
        if browse.needs_upgrade(path):
            self._upgrade_then_open(Path(path))
            return True
        try:
            session = CaseSession(Path(path), signer=self.signer)
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
        session.changed.connect(self._show_actor)   # a lead may change this person's role
        self._show_actor()
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
        self._show_actor()
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

    # ---- who is acting ---------------------------------------------------------------------
    def _initial_actor(self) -> None:
        """``$VERIFY_BENCH_ACTOR``, else the profile remembered from last time, else ask once the window shows."""
        name = os.environ.get(ACTOR_ENV, "").strip() or remembered_profile()
        if not name:
            QTimer.singleShot(0, self.choose_actor)
            return
        try:
            profile = find_profile(name)
            if profile is not None and profile.protected:
                self._locked_profile = profile.name
                self.signer = unlock(name) if os.environ.get(PASSPHRASE_ENV) else None
            else:
                self.signer = signer_for(name)  # a name new to this computer gets an investigator profile
        except VerifyBenchError as exc:
            self.start.show_error(str(exc))
        self._show_actor()

    def ensure_signer(self) -> bool:
        """An unlocked key to sign with: asks for the passphrase or a profile if there is none yet
        (not while a profile dialog is already open: the caller then reports that nobody is chosen)."""
        if self.signer is None and self._asking:
            return False
        if self.signer is None and self._locked_profile is not None:
            dialog = PassphraseDialog(self._locked_profile, self)
            if dialog.exec() and dialog.signer is not None:
                self.signer = dialog.signer
        if self.signer is None:
            self._run_profile_dialog()
        self._show_actor()
        return self.signer is not None

    def choose_actor(self) -> None:
        """Choose (or create) the profile that acts; an open case is reopened as that person."""
        if self._asking:
            return
        if not self._run_profile_dialog() or self.workspace is None:
            self._show_actor()
            return
        self.open_case(self.workspace.session.root)

    def _run_profile_dialog(self) -> bool:
        current = self.signer.name if self.signer else self._locked_profile
        dialog = ProfileDialog(current, self)
        self._asking = True
        try:
            accepted = dialog.exec() and dialog.signer is not None
        finally:
            self._asking = False
        if not accepted or dialog.signer is None:
            return False
        self.signer, self._locked_profile = dialog.signer, None
        try:
            remember_profile(dialog.signer.name)
        except VerifyBenchError as exc:
            self.statusBar().showMessage(f"Could not remember the profile for next time: {exc}", 10_000)
        self._show_actor()
        return True

    def _show_actor(self) -> None:
        if self.signer is None:
            name = self._locked_profile
            self.actor_button.setText(f"{name} (locked)" if name else "No profile chosen")
            return
        role = self.workspace.session.acting_role() if self.workspace else self.signer.profile.role
        where = " in this case" if self.workspace else ""
        self.actor_button.setText(f"Acting as {self.signer.name} · {role}{where}")

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

    def show_user_guide(self) -> HelpViewer | None:
        """The local user guide in a window of its own (docs/user-guide.md, bundled in packaged builds)."""
        try:
            guide = user_guide_path()
        except VerifyBenchError as exc:
            self._error("Cannot show the user guide", str(exc))
            return None
        viewer = HelpViewer("Verify Bench user guide", self)
        viewer.show_markdown(guide)
        viewer.show()
        return viewer

    def show_licences(self) -> HelpViewer | None:
        path = project_dir() / "THIRD-PARTY-LICENSES"
        if not path.is_file():
            self._error("Cannot show the licences", f"{path} is missing from this installation")
            return None
        viewer = HelpViewer("Third-party licences", self)
        viewer.show_text(path)
        viewer.show()
        return viewer

    def _show_about(self) -> None:
        box = QMessageBox(QMessageBox.Icon.NoIcon, "About Verify Bench", ABOUT.format(version=__version__),
                          QMessageBox.StandardButton.Close, self, objectName="about_box")
        box.setIconPixmap(self.windowIcon().pixmap(96, 96))
        box.addButton("Third-party licences…", QMessageBox.ButtonRole.ActionRole).clicked.connect(self.show_licences)
        box.exec()

    def closeEvent(self, event: QCloseEvent) -> None:
        settings.save_bytes(GEOMETRY_KEY, self.saveGeometry())
        self.close_case()
        self.runner.shutdown()
        event.accept()
