"""Everything shown while a case is open: library, compare and fragment-tagging tabs,
detail/import/duplicates/map/review queue/history/fragments docks, actions.

A nested QMainWindow so that its docks and toolbar save and restore as one layout.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QUndoStack
from PySide6.QtWidgets import QApplication, QDockWidget, QFileDialog, QMainWindow, QSplitter, QTabWidget, QWidget

from . import settings
from .import_job import ImportQueue
from .models.item_model import ItemListModel
from .models.thumbnails import ThumbnailCache
from .session import CaseSession
from .undo import SetSensitive
from .views.browser import ItemBrowser
from .views.compare_view import CompareView
from .views.detail import DetailView
from .views.duplicates_view import DuplicatesView
from .views.export_dialog import ExportDialog
from .views.fragment_list import FragmentListPanel
from .views.fragment_view import FragmentTagView
from .views.history_panel import CaseHistoryView
from .views.import_panel import ImportPanel
from .views.incidents_view import IncidentsView
from .views.item_grid import THUMB
from .views.map_view import MapView
from .views.people_dialog import PeopleDialog
from .views.timeline_view import TimelineView
from .views.review_queue import ReviewQueue

STATE_KEY = "layout/workspace"
UPDATING = "Updating the list…"


class Workspace(QMainWindow):
    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("workspace")
        self.session = session
        self.undo_stack = QUndoStack(self)
        dpr = QApplication.primaryScreen().devicePixelRatio() if QApplication.primaryScreen() else 1.0
        self.thumbnails = ThumbnailCache(session.root, THUMB, dpr, self)
        self.model = ItemListModel(session, self.thumbnails)
        self.browser = ItemBrowser(self.model)
        self.detail = DetailView(session)
        self.imports = ImportQueue(session)
        self.import_panel = ImportPanel(self.imports)
        self.duplicates = DuplicatesView(session)
        self.map = MapView(session, undo_stack=self.undo_stack)
        self.timeline = TimelineView(session)
        self.tabs = QTabWidget(objectName="workspace_tabs", documentMode=True, tabsClosable=True)
        self.tabs.addTab(self.browser, "Library")
        self.tabs.tabBar().setTabButton(0, self.tabs.tabBar().ButtonPosition.RightSide, None)
        self.tabs.tabCloseRequested.connect(self._close_tab)
        self.setCentralWidget(self.tabs)
        self.detail_dock = self._dock("Item", "detail_dock", self.detail, Qt.DockWidgetArea.RightDockWidgetArea)
        self.import_dock = self._dock("Import", "import_dock", self.import_panel, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.duplicates_dock = self._dock("Duplicates", "duplicates_dock", self.duplicates,
                                          Qt.DockWidgetArea.LeftDockWidgetArea)
        self.map_dock = self._dock("Map", "map_dock", self.map, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.duplicates_dock.hide()
        self.map_dock.hide()
        self.timeline_dock = self._dock("Timeline", "timeline_dock", self.timeline,
                                        Qt.DockWidgetArea.BottomDockWidgetArea)
        self.timeline_dock.hide()
        self.fragment_list = FragmentListPanel(session)
        self.fragments_dock = self._dock("Fragments", "fragments_dock", self.fragment_list,
                                         Qt.DockWidgetArea.LeftDockWidgetArea)
        self.fragments_dock.hide()
        self.fragment_list.open_requested.connect(self.tag_fragments)
        self.review_queue = ReviewQueue(session)
        self.queue_dock = self._dock("Review queue", "queue_dock", self.review_queue,
                                     Qt.DockWidgetArea.BottomDockWidgetArea)
        self.history_view = CaseHistoryView(session)
        self.history_dock = self._dock("History", "history_dock", self.history_view,
                                       Qt.DockWidgetArea.BottomDockWidgetArea)
        self.queue_dock.hide()
        self.history_dock.hide()
        self.review_queue.item_requested.connect(self.open_for_review)
        self.history_view.item_requested.connect(self.show_item)
        self.incidents = IncidentsView(session)
        self.incidents_dock = self._dock("Incidents", "incidents_dock", self.incidents,
                                         Qt.DockWidgetArea.BottomDockWidgetArea)
        self.incidents_dock.hide()
        self.incidents.item_requested.connect(self.show_item)
        self.import_dock.hide()
        self.resizeDocks([self.detail_dock], [520], Qt.Orientation.Horizontal)
        self._make_actions()

        self.browser.current_changed.connect(self.detail.show_item)
        self.browser.current_changed.connect(self.map.show_item)
        self.map.item_requested.connect(self.show_item)
        self.browser.current_changed.connect(self.timeline.show_item)
        self.timeline.item_requested.connect(self.show_item)
        self.detail.location.map_requested.connect(lambda: (self.map_dock.show(), self.map_dock.raise_()))
        self.browser.activated.connect(self._on_activated)
        self.browser.selection_changed.connect(self._update_actions)
        self.browser.mode_changed.connect(lambda grid: (self.grid_action if grid else self.table_action).setChecked(True))
        self.detail.sensitive_requested.connect(self.set_sensitive)
        self.detail.tag_requested.connect(self.tag_fragments)
        self.import_panel.show_item.connect(self.show_item)
        self.imports.started.connect(lambda _inputs: self.import_dock.show())
        self.duplicates.compare_requested.connect(self.compare)
        self.session.write_failed.connect(lambda message: self.statusBar().showMessage(message, 10_000))
        self.model.loading.connect(self._on_loading)
        self._update_actions()

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self, objectName=name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    # ---- actions --------------------------------------------------------------------------
    def _action(self, text: str, slot: object, shortcut: QKeySequence | str | None = None, *,
                tip: str = "", checkable: bool = False) -> QAction:
        action = QAction(text, self, checkable=checkable, toolTip=tip or text.replace("&", "").rstrip("…"))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _make_actions(self) -> None:
        self.import_files_action = self._action("&Import files…", self.import_files, "Ctrl+I",
                                                tip="Import files or archives (Ctrl+I) — or drop them on the window")
        self.import_folder_action = self._action("Import &folder…", self.import_folder, "Ctrl+Shift+I")
        self.export_report_action = self._action(
            "&Export report…", self.export_report, "Ctrl+E",
            tip="Export a chain-of-custody report (HTML, PDF, JSON, CSV) with a manifest anyone can re-check (Ctrl+E)")
        self.filter_action = self._action("&Filter…", self.browser.filter_bar.focus_text, QKeySequence.StandardKey.Find)
        self.grid_action = self._action("&Thumbnails", lambda: self.browser.show_grid(True), "Ctrl+1", checkable=True)
        self.table_action = self._action("T&able", lambda: self.browser.show_grid(False), "Ctrl+2", checkable=True)
        group = QActionGroup(self)
        for a in (self.grid_action, self.table_action):
            group.addAction(a)
        self.grid_action.setChecked(True)
        self.sensitive_action = self._action("Toggle &sensitive", self.toggle_sensitive, "Ctrl+Shift+H",
                                             tip="Mark the selected items sensitive (blurred), or clear the mark")
        self.reveal_action = self._action("&Reveal", self.reveal_selected, "Ctrl+R",
                                          tip="Show the selected blurred items for this session")
        self.compare_action = self._action("&Compare two items", self.compare_selected, "Ctrl+K",
                                           tip="Compare the two selected items side by side (Ctrl+K)")
        self.tag_action = self._action("Tag &fragments…", self.tag_fragments_selected, "Ctrl+T",
                                       tip="Mark and describe munition remnants in the selected photo or video (Ctrl+T)")
        self.fragments_action = self.fragments_dock.toggleViewAction()
        self.fragments_action.setShortcut(QKeySequence("Ctrl+Shift+F"))
        self.fragments_action.setToolTip("Every tag in the case, filtered by kind, designation or code (Ctrl+Shift+F)")
        self.copy_hash_action = self._action("Copy SHA-&256", self.copy_sha256, QKeySequence.StandardKey.Copy)
        self.copy_hash_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.browser.addAction(self.copy_hash_action)
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        self.blur_sensitive_action = self._action("Blur &sensitive items", self._on_blur_toggled, checkable=True)
        self.blur_all_action = self._action("Blur &all items until opened", self._on_blur_toggled, checkable=True)
        self.blur_sensitive_action.setChecked(self.session.blur.sensitive)
        self.blur_all_action.setChecked(self.session.blur.all_until_opened)
        self.browser.add_context_actions([self.sensitive_action, self.reveal_action, self.compare_action,
                                          self.copy_hash_action])
        self.map_action = self.map_dock.toggleViewAction()
        self.map_action.setShortcut(QKeySequence("Ctrl+M"))
        self.map_action.setToolTip("Show or hide the map (Ctrl+M)")
        self.timeline_action = self.timeline_dock.toggleViewAction()
        self.timeline_action.setShortcut(QKeySequence("Ctrl+Shift+T"))
        self.timeline_action.setToolTip("Show or hide the timeline of items and incidents (Ctrl+Shift+T)")
        self.queue_action = self.queue_dock.toggleViewAction()
        self.queue_action.setShortcut(QKeySequence("Ctrl+Shift+R"))
        self.queue_action.setToolTip("Items ready for review, assigned to you, returned… (Ctrl+Shift+R)")
        self.history_action = self.history_dock.toggleViewAction()
        self.history_action.setShortcut(QKeySequence("Ctrl+Shift+L"))
        self.history_action.setToolTip("The case's event log: who did what, when (Ctrl+Shift+L)")
        self.incidents_action = self.incidents_dock.toggleViewAction()
        self.incidents_action.setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.incidents_action.setToolTip("The case's incidents with their facts: sort, filter, export CSV (Ctrl+Shift+N)")
        self.verify_action = self._action("&Verify case…", self.history_view.verify,
                                          tip="Re-check the hash chain, signatures, current state and every original")
        self.people_action = self._action("&People…", self.show_people,
                                          tip="Who works on this case, their roles and keys (a lead changes roles)")
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("main_toolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.setIconSize(QSize(18, 18))
        for a in (self.import_files_action, None, self.grid_action, self.table_action, None, self.map_action,
                  self.timeline_action, self.queue_action, self.compare_action, self.sensitive_action, self.undo_action):
            toolbar.addSeparator() if a is None else toolbar.addAction(a)

    def menus(self) -> dict[str, list[QAction | None]]:
        """Entries this workspace adds to the window's menus (None is a separator)."""
        return {
            "File": [self.import_files_action, self.import_folder_action, None, self.export_report_action,
                     self.verify_action, self.people_action],
            "Edit": [self.undo_action, self.redo_action, None, self.copy_hash_action, self.filter_action],
            "Item": [self.compare_action, self.sensitive_action, self.reveal_action, None, self.tag_action],
            "View": [self.grid_action, self.table_action, None, self.blur_sensitive_action, self.blur_all_action, None,
                     self.detail_dock.toggleViewAction(), self.import_dock.toggleViewAction(),
                     self.duplicates_dock.toggleViewAction(), self.map_action, self.timeline_action, self.fragments_action,
                     self.queue_action, self.history_action, self.incidents_action],
        }

    def _update_actions(self) -> None:
        selected = len(self.browser.selected_ids())
        self.compare_action.setEnabled(selected == 2)
        self.tag_action.setEnabled(selected == 1)
        for a in (self.sensitive_action, self.reveal_action, self.copy_hash_action):
            a.setEnabled(selected > 0)

    # ---- commands -------------------------------------------------------------------------
    def import_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Import files or archives")
        if paths:
            self.import_paths(paths)

    def import_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import a folder")
        if folder:
            self.import_paths([folder])

    def export_report(self) -> ExportDialog:
        """Open the export dialog for the current selection (modeless: the case stays usable meanwhile)."""
        dialog = ExportDialog(self.session, self.browser.selected_ids(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def import_paths(self, paths: list[str | Path]) -> None:
        self.imports.add(paths)

    def show_item(self, item_id: str) -> None:
        self.tabs.setCurrentWidget(self.browser)
        if not self.browser.select_item(item_id):
            self.detail.show_item(item_id)

    def set_sensitive(self, item_ids: list[str], value: bool) -> None:
        command = SetSensitive(self.session, item_ids, value)
        if command.items:
            self.undo_stack.push(command)
        else:
            self.detail._update_sensitive()  # noqa: SLF001 - nothing to record; put the checkbox back

    def toggle_sensitive(self) -> None:
        ids = self.browser.selected_ids()
        if ids:
            self.set_sensitive(ids, not all(i in self.session.sensitive for i in ids))

    def reveal_selected(self) -> None:
        for item_id in self.browser.selected_ids():
            self.session.reveal(item_id)

    def copy_sha256(self) -> None:
        found = (self.model.item_row(r) for r in self.browser.selected_rows())
        rows = [r.sha256 for r in found if r is not None]
        QApplication.clipboard().setText("\n".join(rows))
        self.statusBar().showMessage(f"Copied {len(rows)} SHA-256 hash{'es' if len(rows) != 1 else ''}", 4000)

    def compare_selected(self) -> None:
        ids = self.browser.selected_ids()
        if len(ids) == 2:
            self.compare(ids[0], ids[1])

    def show_people(self) -> PeopleDialog:
        dialog = PeopleDialog(self.session, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def open_for_review(self, item_id: str) -> None:
        """Select the item in the library and show its Workflow tab."""
        self.show_item(item_id)
        self.detail_dock.show()
        self.detail_dock.raise_()
        self.detail.tabs.setCurrentWidget(self.detail.workflow)

    def compare(self, item_a: str, item_b: str) -> CompareView:
        view = CompareView(self.session, item_a, item_b)
        index = self.tabs.addTab(view, view.title)
        self.tabs.setCurrentIndex(index)
        return view

    def tag_fragments_selected(self) -> None:
        ids = self.browser.selected_ids()
        if len(ids) == 1:
            self.tag_fragments(ids[0])

    def tag_fragments(self, item_id: str, fragment_id: str | None = None) -> FragmentTagView:
        """The item's fragment tagging tab (reused when open), with ``fragment_id`` selected."""
        view = next((w for i in range(self.tabs.count()) if isinstance(w := self.tabs.widget(i), FragmentTagView)
                     and w.item_id == item_id), None)
        if view is None:
            view = FragmentTagView(self.session, item_id, self.undo_stack)
            view.same_kind_requested.connect(
                lambda flt: (self.fragment_list.show_filter(flt), self.fragments_dock.show(), self.fragments_dock.raise_()))
            self.tabs.addTab(view, view.title)
        self.tabs.setCurrentWidget(view)
        if fragment_id is not None:
            view.select_fragment(fragment_id)
        return view

    def _close_tab(self, index: int) -> None:
        widget = self.tabs.widget(index)
        if widget is not self.browser:
            self.tabs.removeTab(index)
            widget.deleteLater()

    def _on_activated(self, item_id: str) -> None:
        self.detail_dock.show()
        self.detail_dock.raise_()
        self.detail.tabs.setCurrentWidget(self.detail.preview)
        self.detail.preview.viewer.setFocus()

    def _on_loading(self, busy: bool) -> None:
        bar = self.statusBar()
        if busy:
            bar.showMessage(UPDATING)
        elif bar.currentMessage() == UPDATING:
            bar.clearMessage()

    def _on_blur_toggled(self) -> None:
        self.session.set_blur_policy(settings.BlurPolicy(
            sensitive=self.blur_sensitive_action.isChecked(), all_until_opened=self.blur_all_action.isChecked()))

    # ---- layout ---------------------------------------------------------------------------
    def _splitters(self) -> list[QSplitter]:
        return [s for s in self.findChildren(QSplitter) if s.objectName()]

    def restore_layout(self) -> None:
        state = settings.load_bytes(STATE_KEY)
        if state is not None:
            self.restoreState(state)
        for splitter in self._splitters():
            saved = settings.load_bytes(f"layout/splitter/{splitter.objectName()}")
            if saved is not None:
                splitter.restoreState(saved)
        self.browser.show_grid(settings.settings().value("layout/grid", True, type=bool))

    def save_layout(self) -> None:
        settings.save_bytes(STATE_KEY, self.saveState())
        for splitter in self._splitters():
            settings.save_bytes(f"layout/splitter/{splitter.objectName()}", splitter.saveState())
        settings.settings().setValue("layout/grid", self.browser.view is self.browser.grid)

    def shutdown(self) -> None:
        """Stop background work (cancelling an import: what is done stays recorded) and close the case."""
        self.imports.cancel()
        self.detail.preview.video.stop(wait=5.0)
        self.thumbnails.shutdown()
        self.session.close()
