"""The first screen: create a case, open one, reopen a recent one, or try the sample case."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget,
)

from . import settings


class StartScreen(QWidget):
    create_requested = Signal()
    open_requested = Signal()
    sample_requested = Signal()
    open_path = Signal(Path)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("start_screen")
        title = QLabel("Verify Bench")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 2.2)
        font.setBold(True)
        title.setFont(font)
        blurb = QLabel("Preserve, examine and re-check photos and videos as evidence. Every original is kept "
                       "byte for byte; every change is recorded in a log anyone can verify.", wordWrap=True)
        self.new_button = QPushButton("New case…", objectName="new_case", toolTip="Create an empty case (Ctrl+N)")
        self.open_button = QPushButton("Open case…", objectName="open_case", toolTip="Open a .vbcase folder (Ctrl+O)")
        self.sample_button = QPushButton("Open sample case", objectName="open_sample",
                                         toolTip="Build a small case from the bundled sample photos and video")
        self.new_button.clicked.connect(self.create_requested)
        self.open_button.clicked.connect(self.open_requested)
        self.sample_button.clicked.connect(self.sample_requested)
        self.status = QLabel(objectName="start_status", wordWrap=True)
        self.recent = QListWidget(objectName="recent_cases")
        self.recent.itemActivated.connect(self._on_recent)
        buttons = QHBoxLayout()
        for b in (self.new_button, self.open_button, self.sample_button):
            b.setMinimumHeight(36)
            buttons.addWidget(b)
        buttons.addStretch(1)
        column = QVBoxLayout()
        column.addWidget(title)
        column.addWidget(blurb)
        column.addSpacing(16)
        column.addLayout(buttons)
        column.addWidget(self.status)
        column.addSpacing(16)
        column.addWidget(QLabel("<b>Recent cases</b> (Enter or double-click to open)"))
        column.addWidget(self.recent, 1)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(column, 4)
        outer.addStretch(1)
        self.reload()

    def reload(self) -> None:
        self.recent.clear()
        for path in settings.recent_cases():
            present = (path / "case.sqlite").is_file()
            entry = QListWidgetItem(f"{path.name}    —    {path.parent}" + ("" if present else "    (missing)"))
            entry.setData(Qt.ItemDataRole.UserRole, str(path))
            if not present:
                entry.setFlags(entry.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            self.recent.addItem(entry)
        if not self.recent.count():
            placeholder = QListWidgetItem("No recent cases yet — create one, or open the sample case to look around.")
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.recent.addItem(placeholder)

    def set_busy(self, message: str) -> None:
        self.status.setText(message)
        for b in (self.new_button, self.open_button, self.sample_button):
            b.setEnabled(not message)

    def show_error(self, message: str) -> None:
        self.set_busy("")
        self.status.setText(f"<span style='color:#d0312d'>{message}</span>")

    def _on_recent(self, entry: QListWidgetItem) -> None:
        path = entry.data(Qt.ItemDataRole.UserRole)
        if path:
            self.open_path.emit(Path(path))
