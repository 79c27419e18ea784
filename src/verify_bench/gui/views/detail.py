"""The selected item: header, then Preview, Metadata, Provenance, Location, Workflow and History tabs."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from ... import queries
from ...errors import ItemNotFound
from ..formatting import STATUS_LABELS, human_size, short_time
from ..session import CaseSession
from .history_panel import ItemHistoryPanel
from .location_panel import LocationPanel
from .metadata_panel import MetadataPanel
from .preview import PreviewPanel
from .provenance_panel import ProvenancePanel
from .workflow_panel import WorkflowPanel


class DetailView(QWidget):
    sensitive_requested = Signal(list, bool)  # item ids, value: the window records it (with undo)
    tag_requested = Signal(str)               # item id: open the fragment tagging tab

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.title = QLabel(objectName="detail_title", textFormat=Qt.TextFormat.RichText, wordWrap=True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sensitive = QCheckBox("Sensitive", objectName="sensitive_toggle",
                                   toolTip="Mark graphic content: it is blurred until revealed (recorded as an event)")
        self.sensitive.clicked.connect(self._on_sensitive_clicked)
        self.preview = PreviewPanel(session)
        self.metadata = MetadataPanel()
        self.provenance = ProvenancePanel()
        self.location = LocationPanel(session)
        self.tabs = QTabWidget(objectName="detail_tabs", documentMode=True)
        self.tabs.addTab(self.preview, "&Preview")
        self.tabs.addTab(self.metadata, "&Metadata")
        self.tabs.addTab(self.provenance, "Pro&venance")
        self.tabs.addTab(self.location, "&Location")
        self.workflow = WorkflowPanel(session)
        self.history = ItemHistoryPanel(session)
        self.tabs.addTab(self.workflow, "&Workflow")
        self.tabs.addTab(self.history, "Histor&y")
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.sensitive)
        self.tag_button = QPushButton("Tag fragments…", objectName="tag_fragments_button",
                                      toolTip="Mark and describe munition remnants in this picture (Ctrl+T)")
        self.tag_button.clicked.connect(lambda: self.item_id and self.tag_requested.emit(self.item_id))
        header.addWidget(self.tag_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(header)
        layout.addWidget(self.tabs, 1)
        self.item_id: str | None = None
        self.details: dict[str, Any] | None = None
        session.changed.connect(self._on_case_changed)
        session.flags_changed.connect(self._update_sensitive)
        self.show_item(None)

    def show_item(self, item_id: str | None) -> None:
        self.item_id = item_id
        if item_id is None:
            self.details = None
            self.title.setText("<i>No item selected</i>")
            self.sensitive.setEnabled(False)
            self.tag_button.setEnabled(False)
            self.preview.clear("Select an item to see it here.")
            self.workflow.show_item(None)
            self.history.show_item(None)
            for tab in range(1, self.tabs.count()):
                self.tabs.setTabEnabled(tab, False)
            return
        try:
            self.details = queries.item_details(self.session.case, item_id)
        except ItemNotFound:
            self.show_item(None)
            return
        self.session.mark_opened(item_id)
        item = self.details["item"]
        status = STATUS_LABELS.get(item["analysis"], item["analysis"])
        taken = short_time(item["taken_at"] or item["creation_time"]) or "time unknown"
        warn = " style='color:#d0312d'" if item["analysis"] in ("problems", "failed") else ""
        self.title.setText(f"<b>{item['display_name']}</b><br>{item['media_type']} · {human_size(item['size'])} · "
                           f"taken {taken} · <span{warn}>{status}</span>")
        for tab in range(1, self.tabs.count()):
            self.tabs.setTabEnabled(tab, True)
        self.sensitive.setEnabled(True)
        self.tag_button.setEnabled(item["media_type"] in ("image", "video") and item["analysis"] != "failed")
        self._update_sensitive()
        self.preview.show_item(self.details)
        self.metadata.show_item(self.details)
        self.provenance.show_item(self.details)
        self.location.show_item(item_id)
        self.workflow.show_item(item_id)
        self.history.show_item(item_id)

    def _on_case_changed(self) -> None:
        """Re-read when the shown item may have changed (e.g. analysed while an import runs)."""
        if self.details is not None and self.item_id is not None:
            head = self.details["events"][-1]["seq"] if self.details["events"] else 0
            newest = self.session.case.conn.execute(
                "SELECT max(seq) FROM events WHERE item_id = ?", (self.item_id,)).fetchone()[0] or 0
            if newest != head:
                self.show_item(self.item_id)

    def _update_sensitive(self) -> None:
        if self.item_id is not None:
            self.sensitive.setChecked(self.item_id in self.session.sensitive)

    def _on_sensitive_clicked(self, checked: bool) -> None:
        if self.item_id is not None:
            self.sensitive_requested.emit([self.item_id], checked)
