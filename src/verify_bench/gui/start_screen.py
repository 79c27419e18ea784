"""The first screen: what a case is, the sample case to look around in, create or open a case, recent cases."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..case import DB_NAME, sqlite_file_uri
from . import settings

CASE_EXPLAINED = (
    "A <b>case</b> is a folder (<i>name</i>.vbcase) that keeps every photo and video you import exactly as "
    "received, together with everything you find out about them. Every change is recorded in a signed log, "
    "so anyone can later check that nothing was altered or lost.")
SAMPLE_HINT = ("New here? The sample case is a small invented incident — photos, a video, duplicates, a location "
               "claim, a fragment tag and an item awaiting review — to try every panel on.")
NO_RECENT = "No recent cases yet — open the sample case to look around, or create a case for your own files."


def case_title(root: Path) -> str | None:
    """The title a case was created with, read without opening the case for writing (None if unreadable)."""
    try:
        conn = sqlite3.connect(sqlite_file_uri(root / DB_NAME) + "?mode=ro", uri=True, timeout=0.2)
        try:
            row = conn.execute("SELECT payload FROM events WHERE seq = 1").fetchone()
        finally:
            conn.close()
        return str(json.loads(row[0]).get("title") or root.stem) if row else None
    except (sqlite3.Error, ValueError, AttributeError):
        return None


class StartScreen(QWidget):
    create_requested = Signal()
    open_requested = Signal()
    sample_requested = Signal()
    guide_requested = Signal()
    open_path = Signal(Path)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("start_screen")
        icon = QLabel(objectName="start_icon")
        icon.setPixmap(QApplication.windowIcon().pixmap(64, 64))
        title = QLabel("Verify Bench")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 2.2)
        font.setBold(True)
        title.setFont(font)
        heading = QHBoxLayout()
        heading.addWidget(icon)
        heading.addWidget(title, 1)
        self.explanation = QLabel(CASE_EXPLAINED, objectName="case_explained", wordWrap=True)
        self.sample_button = QPushButton("Open sample case", objectName="open_sample", default=True,
                                         toolTip="Open a small worked example built from the bundled photos and "
                                                 "video (built the first time, in your app data folder)")
        self.new_button = QPushButton("Create case…", objectName="new_case",
                                      toolTip="Choose where the new case folder goes, then import files into it "
                                              "(Ctrl+N)")
        self.open_button = QPushButton("Open case…", objectName="open_case",
                                       toolTip="Open an existing case folder, one ending in .vbcase (Ctrl+O)")
        self.sample_button.clicked.connect(self.sample_requested)
        self.new_button.clicked.connect(self.create_requested)
        self.open_button.clicked.connect(self.open_requested)
        hint = QLabel(SAMPLE_HINT, objectName="sample_hint", wordWrap=True)
        hint.setStyleSheet("color: palette(placeholder-text);")
        self.guide_link = QLabel("<a href='guide'>Read the user guide</a> (F1) · drop a .vbcase folder here to "
                                 "open it", objectName="guide_link")
        self.guide_link.linkActivated.connect(lambda _link: self.guide_requested.emit())
        self.status = QLabel(objectName="start_status", wordWrap=True)
        self.recent = QListWidget(objectName="recent_cases")
        self.recent.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.recent.customContextMenuRequested.connect(self._recent_menu)
        self.recent.itemActivated.connect(self._on_recent)
        self.recent.installEventFilter(self)
        self.recent.setSpacing(3)
        self.recent.setWordWrap(True)
        self.recent.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.recent.setMaximumHeight(300)
        buttons = QHBoxLayout()
        for b in (self.sample_button, self.new_button, self.open_button):
            b.setMinimumHeight(36)
            buttons.addWidget(b)
        buttons.addStretch(1)
        body = QWidget(objectName="start_body", minimumWidth=720, maximumWidth=860)
        column = QVBoxLayout(body)
        column.addLayout(heading)
        column.addWidget(self.explanation)
        column.addSpacing(16)
        column.addLayout(buttons)
        column.addWidget(hint)
        column.addWidget(self.guide_link)
        column.addWidget(self.status)
        column.addSpacing(20)
        column.addWidget(QLabel("<b>Recent cases</b> — Enter or double-click to open; Delete takes one off the list"))
        column.addWidget(self.recent)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(body, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        self.reload()

    def reload(self) -> None:
        self.recent.clear()
        for path in settings.recent_cases():
            present = (path / DB_NAME).is_file()
            title = case_title(path) if present else None
            name = title or path.name
            where = str(path) if present else f"{path} — missing (moved, renamed, or on a drive not connected)"
            entry = QListWidgetItem(f"{name}\n    {where}")
            entry.setData(Qt.ItemDataRole.UserRole, str(path))
            entry.setToolTip(str(path))
            if not present:
                entry.setForeground(self.palette().placeholderText())
            self.recent.addItem(entry)
        if not self.recent.count():
            placeholder = QListWidgetItem(NO_RECENT)
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.recent.addItem(placeholder)

    def set_busy(self, message: str) -> None:
        self.status.setText(message)
        for b in (self.new_button, self.open_button, self.sample_button):
            b.setEnabled(not message)

    def show_error(self, message: str) -> None:
        self.set_busy("")
        self.status.setText(f"<span style='color:#d0312d'>{message}</span>")

    def forget_selected(self) -> None:
        entry = self.recent.currentItem()
        path = entry.data(Qt.ItemDataRole.UserRole) if entry is not None else None
        if path:
            settings.forget_case(Path(path))
            self.reload()

    def eventFilter(self, watched: object, event: object) -> bool:
        if (watched is self.recent and isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress
                and event.key() == Qt.Key.Key_Delete):
            self.forget_selected()
            return True
        return super().eventFilter(watched, event)  # type: ignore[arg-type]

    def _recent_menu(self, pos: QPoint) -> None:
        entry = self.recent.itemAt(pos)
        if entry is None or not entry.data(Qt.ItemDataRole.UserRole):
            return
        menu = QMenu(self)
        menu.addAction("Open", lambda: self._on_recent(entry))
        menu.addAction("Remove from recent cases", self.forget_selected)
        self.recent.setCurrentItem(entry)
        menu.exec(self.recent.viewport().mapToGlobal(pos))

    def _on_recent(self, entry: QListWidgetItem) -> None:
        path = entry.data(Qt.ItemDataRole.UserRole)
        if not path:
            return
        if not (Path(path) / DB_NAME).is_file():
            self.show_error(f"{path} is not there any more. Reconnect its drive, or press Delete to take it off the "
                            "list.")
            return
        self.open_path.emit(Path(path))
