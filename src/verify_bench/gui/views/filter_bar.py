"""The filter bar above the item browser: text, type, taken dates, GPS, status, duplicates, saved filters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QSignalBlocker, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDateEdit, QHBoxLayout, QInputDialog, QLabel, QLineEdit, QMessageBox, QToolButton,
    QVBoxLayout, QWidget,
)

from ... import browse
from .. import settings

_CHOICES: dict[str, list[tuple[str, Any]]] = {
    "media_type": [("Any type", None), ("Images", "image"), ("Videos", "video"), ("Other files", "other")],
    "status": [("Any status", None), ("OK", "ok"), ("Problems", "problems"), ("Failed", "failed"),
               ("Analysing", "pending")],
    "has_gps": [("GPS: any", None), ("With GPS", True), ("Without GPS", False)],
    "has_duplicates": [("Duplicates: any", None), ("In a duplicate group", True), ("Not in a group", False)],
    "sensitive": [("Sensitive: any", None), ("Sensitive only", True), ("Not sensitive", False)],
}


class FilterBar(QWidget):
    filter_changed = Signal(object)  # browse.ItemFilter

    def __init__(self, root: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.root = root
        self.text = QLineEdit(placeholderText="Filter by name, camera, path, URL or hash prefix  (Ctrl+F)")
        self.text.setClearButtonEnabled(True)
        self.text.setMinimumWidth(220)
        self.combos: dict[str, QComboBox] = {}
        for name, choices in _CHOICES.items():
            combo = QComboBox(objectName=f"filter_{name}")
            for label, value in choices:
                combo.addItem(label, value)
            combo.currentIndexChanged.connect(self._emit)
            self.combos[name] = combo
        self.use_dates = QCheckBox("Taken")
        self.date_from = QDateEdit(calendarPopup=True, displayFormat="yyyy-MM-dd", date=QDate(2000, 1, 1))
        self.date_to = QDateEdit(calendarPopup=True, displayFormat="yyyy-MM-dd", date=QDate.currentDate())
        for w in (self.date_from, self.date_to):
            w.setEnabled(False)
            w.dateChanged.connect(self._emit)
        self.use_dates.toggled.connect(self._on_dates_toggled)
        self.saved = QComboBox(objectName="saved_filters", toolTip="Saved filters")
        self.saved.activated.connect(self._on_saved_chosen)
        save = QToolButton(text="Save…", toolTip="Save this filter under a name")
        save.clicked.connect(self.save_current)
        self.delete = QToolButton(text="Delete", objectName="delete_filter", enabled=False,
                                  toolTip="Delete the chosen saved filter (the items are not touched)")
        self.delete.clicked.connect(self.delete_chosen)
        clear = QToolButton(text="Clear", toolTip="Show every item")
        clear.clicked.connect(lambda: self.set_filter(browse.ItemFilter()))
        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self._emit)
        self.text.textChanged.connect(lambda: self._debounce.start())
        self.text.returnPressed.connect(self._emit)

        first = QHBoxLayout()
        first.addWidget(self.text, 1)
        for w in (self.saved, save, self.delete, clear):
            first.addWidget(w)
        second = QHBoxLayout()
        for combo in self.combos.values():
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            second.addWidget(combo)
        for w in (self.use_dates, self.date_from, QLabel("to"), self.date_to):
            second.addWidget(w)
        second.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(4)
        layout.addLayout(first)
        layout.addLayout(second)
        self._reload_saved()

    def current(self) -> browse.ItemFilter:
        values = {name: combo.currentData() for name, combo in self.combos.items()}
        dates = self.use_dates.isChecked()
        return browse.ItemFilter(
            text=self.text.text().strip(),
            taken_from=self.date_from.date().toString("yyyy-MM-dd") if dates else None,
            taken_to=self.date_to.date().toString("yyyy-MM-dd") if dates else None,
            **values,
        )

    def set_filter(self, flt: browse.ItemFilter) -> None:
        with QSignalBlocker(self.text), QSignalBlocker(self.use_dates):
            self.text.setText(flt.text)
            for name, combo in self.combos.items():
                with QSignalBlocker(combo):
                    combo.setCurrentIndex(max(0, combo.findData(getattr(flt, name))))
            self.use_dates.setChecked(bool(flt.taken_from or flt.taken_to))
            for edit, value in ((self.date_from, flt.taken_from), (self.date_to, flt.taken_to)):
                with QSignalBlocker(edit):
                    edit.setEnabled(self.use_dates.isChecked())
                    if value:
                        edit.setDate(QDate.fromString(value, "yyyy-MM-dd"))
        self._emit()

    def focus_text(self) -> None:
        self.text.setFocus()
        self.text.selectAll()

    def save_current(self) -> None:
        name, ok = QInputDialog.getText(self, "Save filter", "Name for this filter:")
        if ok and name.strip():
            settings.save_filter(self.root, name, self.current())
            self._reload_saved()

    def delete_chosen(self) -> None:
        name = self.saved.currentData()
        if name is None:
            return
        answer = QMessageBox.question(self, "Delete saved filter", f"Delete the saved filter “{name}”?")
        if answer == QMessageBox.StandardButton.Yes:
            settings.delete_filter(self.root, name)
            self._reload_saved()

    def _reload_saved(self) -> None:
        self._filters = settings.saved_filters(self.root)
        self.saved.clear()
        self.saved.addItem("Saved filters…" if self._filters else "No saved filters", None)
        for name in self._filters:
            self.saved.addItem(name, name)
        self.delete.setEnabled(False)

    def _on_saved_chosen(self, index: int) -> None:
        name = self.saved.itemData(index)
        self.delete.setEnabled(name in self._filters)
        if name in self._filters:
            self.set_filter(self._filters[name])

    def _on_dates_toggled(self, on: bool) -> None:
        self.date_from.setEnabled(on)
        self.date_to.setEnabled(on)
        self._emit()

    def _emit(self) -> None:
        self._debounce.stop()
        self.filter_changed.emit(self.current())
