"""Where an item came from: hashes (copyable), problems, every sighting with source URL and sidecar, its history."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QApplication, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QSplitter,
    QTreeView, QVBoxLayout, QWidget,
)

from ..formatting import EVENT_LABELS, human_size, short_time

_SIGHTING_COLUMNS = ("Seen at", "Source URL", "Recorded", "By", "Note")
_EVENT_COLUMNS = ("#", "When (UTC)", "Who", "What")


def _row(*cells: Any) -> list[QStandardItem]:
    items = [QStandardItem("" if c is None else str(c)) for c in cells]
    for item in items:
        item.setEditable(False)
    return items


class HashField(QWidget):
    """A read-only hash with a Copy button."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit(readOnly=True, objectName=f"hash_{name}")
        self.edit.setFont(QApplication.font("QPlainTextEdit"))
        self.button = QPushButton("Copy", objectName=f"copy_{name}", toolTip=f"Copy the {name.upper()} to the clipboard")
        self.button.clicked.connect(self.copy)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.button)

    def copy(self) -> None:
        QApplication.clipboard().setText(self.edit.text())


class ProvenancePanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sha256 = HashField("sha256")
        self.md5 = HashField("md5")
        self.facts = QLabel(wordWrap=True, textInteractionFlags=Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems = QLabel(wordWrap=True, objectName="item_problems",
                               textInteractionFlags=Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems.setStyleSheet("QLabel { color: #d0312d; }")
        form = QFormLayout()
        form.addRow("SHA-256", self.sha256)
        form.addRow("MD5", self.md5)
        form.addRow("Stored", self.facts)
        form.addRow("", self.problems)
        head = QGroupBox("Integrity")
        head.setLayout(form)

        self.sightings_model = QStandardItemModel(0, len(_SIGHTING_COLUMNS))
        self.sightings_model.setHorizontalHeaderLabels(list(_SIGHTING_COLUMNS))
        self.sightings = QTreeView(objectName="sightings", rootIsDecorated=False, alternatingRowColors=True)
        self.sightings.setModel(self.sightings_model)
        self.sightings.selectionModel().currentRowChanged.connect(self._show_sidecar)
        self.sidecar = QPlainTextEdit(readOnly=True, objectName="sidecar",
                                      placeholderText="Select a sighting to see its sidecar (e.g. yt-dlp .info.json)")
        self.events_model = QStandardItemModel(0, len(_EVENT_COLUMNS))
        self.events_model.setHorizontalHeaderLabels(list(_EVENT_COLUMNS))
        self.history = QTreeView(objectName="history", rootIsDecorated=False, alternatingRowColors=True)
        self.history.setModel(self.events_model)

        self.splitter = QSplitter(Qt.Orientation.Vertical, objectName="provenance_splitter")
        for title, widget in (("Sightings — every place these bytes were seen", self.sightings),
                              ("Sidecar", self.sidecar), ("History — this item's events", self.history)):
            box = QGroupBox(title)
            QVBoxLayout(box).addWidget(widget)
            self.splitter.addWidget(box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(head)
        layout.addWidget(self.splitter, 1)
        self._sidecars: list[Any] = []

    def show_item(self, details: dict[str, Any]) -> None:
        item = details["item"]
        for field, value in ((self.sha256, item["sha256"]), (self.md5, item["md5"])):
            field.edit.setText(value)
            field.edit.setCursorPosition(0)
        size = f"{item['width']} × {item['height']} px · " if item["width"] else ""
        self.facts.setText(f"{human_size(item['size'])} ({item['size']:,} bytes) · {size}{item['mime'] or item['media_type']}"
                           f"<br>{item['stored_path']}<br>Item {item['id']}")
        problems = details["problems"]
        self.problems.setText("<br>".join(f"⚠ {p['kind']} ({p['stage']}): {p['message']}" for p in problems))
        self.problems.setVisible(bool(problems))
        self.sightings_model.removeRows(0, self.sightings_model.rowCount())
        self._sidecars = []
        for s in details["sightings"]:
            place = s["original_path"] + (f"  [{s['archive_member']}]" if s["archive_member"] else "")
            self.sightings_model.appendRow(_row(place, s["source_url"], short_time(s["acquired_at"]),
                                                s["acquired_by"], s["note"]))
            self._sidecars.append(s["sidecar"])
        self.sightings.resizeColumnToContents(0)
        self.sidecar.clear()
        if details["sightings"]:
            self.sightings.setCurrentIndex(self.sightings_model.index(0, 0))
        self.events_model.removeRows(0, self.events_model.rowCount())
        for e in details["events"]:
            row = _row(e["seq"], short_time(e["at"]), e["actor"], EVENT_LABELS.get(e["kind"], e["kind"]))
            row[3].setToolTip(f"{e['kind']} · event hash {e['hash']}")
            self.events_model.appendRow(row)
        for column in range(3):
            self.history.resizeColumnToContents(column)

    def _show_sidecar(self) -> None:
        row = self.sightings.currentIndex().row()
        sidecar = self._sidecars[row] if 0 <= row < len(self._sidecars) else None
        self.sidecar.setPlainText(json.dumps(sidecar, indent=2, ensure_ascii=False) if sidecar else
                                  "No sidecar was found next to this file.")
