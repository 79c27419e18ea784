"""Clusters of look-alike items (from duplicate detection, when this build has it)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from ... import browse
from ..session import CaseSession
from .visibility import RefreshWhenShown

UNAVAILABLE = ("Duplicate detection is not available in this build yet.\n\n"
               "You can still compare any two items: select them in the library and press Ctrl+K.")
NONE_FOUND = ("No duplicates found in this case yet.\n\nFiles are compared as they are imported: copies, "
              "re-uploads, crops and stills from videos show up here in groups. To compare two items yourself, "
              "select them in the library and press Ctrl+K.")


class DuplicatesView(QWidget):
    compare_requested = Signal(str, str)

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.tree = QTreeWidget(objectName="duplicate_groups", alternatingRowColors=True)
        self.tree.setHeaderLabels(["Group / item", "Distance"])
        self.tree.setColumnWidth(0, 240)
        self.tree.setSelectionMode(QTreeWidget.SelectionMode.ExtendedSelection)
        self.tree.itemActivated.connect(self._on_activated)
        self.tree.itemSelectionChanged.connect(self._update_button)
        self.message = QLabel(wordWrap=True, alignment=Qt.AlignmentFlag.AlignCenter, objectName="duplicates_message")
        self.compare_button = QPushButton("Compare the two selected", enabled=False)
        self.compare_button.clicked.connect(self._compare_selected)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.message)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.compare_button)
        RefreshWhenShown(self, session.changed, self.reload)

    def reload(self) -> None:
        """Ask duplicate detection for clusters (on the writer thread: it refreshes its match cache)."""
        self.session.write(browse.duplicate_clusters, name="Finding duplicates", on_done=self._show, appends=False)

    def _show(self, clusters: list[browse.Cluster] | None) -> None:
        self.tree.clear()
        self.message.setText(UNAVAILABLE if clusters is None else "" if clusters else NONE_FOUND)
        self.message.setVisible(not clusters)
        self.tree.setVisible(bool(clusters))
        if not clusters:
            return
        ids = [m[0] for c in clusters for m in c.members]
        names = dict(self.session.case.conn.execute(
            f"SELECT id, display_name FROM items WHERE id IN ({','.join('?' * len(ids))})", ids))
        for n, cluster in enumerate(clusters, 1):
            group = QTreeWidgetItem([f"Group {n} — {len(cluster.members)} items", ""])
            group.setData(0, Qt.ItemDataRole.UserRole, [m[0] for m in cluster.members])
            for item_id, distance in cluster.members:
                member = QTreeWidgetItem([names.get(item_id, item_id), "" if distance is None else f"{distance:g}"])
                member.setData(0, Qt.ItemDataRole.UserRole, item_id)
                group.addChild(member)
            self.tree.addTopLevelItem(group)
        self.tree.expandAll()

    def _selected_items(self) -> list[str]:
        return [e.data(0, Qt.ItemDataRole.UserRole) for e in self.tree.selectedItems() if e.parent() is not None]

    def _update_button(self) -> None:
        self.compare_button.setEnabled(len(self._selected_items()) == 2)

    def _compare_selected(self) -> None:
        ids = self._selected_items()
        if len(ids) == 2:
            self.compare_requested.emit(ids[0], ids[1])

    def _on_activated(self, entry: QTreeWidgetItem) -> None:
        data = entry.data(0, Qt.ItemDataRole.UserRole)
        if isinstance(data, list) and len(data) >= 2:
            self.compare_requested.emit(data[0], data[1])
