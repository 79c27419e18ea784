"""What the file says about itself: the normalised summary (disagreements highlighted) and raw tags by source."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView, QApplication, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSplitter, QTreeView,
    QVBoxLayout, QWidget,
)

from ..formatting import field_label

DISAGREE = QColor(230, 150, 30, 90)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _row(*cells: str) -> list[QStandardItem]:
    items = [QStandardItem(c) for c in cells]
    for item in items:
        item.setEditable(False)
    return items


class MetadataPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary_model = QStandardItemModel(0, 3)
        self.summary_model.setHorizontalHeaderLabels(["Field", "Value", "Source"])
        self.summary = QTreeView(objectName="metadata_summary", rootIsDecorated=False, alternatingRowColors=True)
        self.summary.setModel(self.summary_model)
        self.raw_model = QStandardItemModel(0, 2)
        self.raw_model.setHorizontalHeaderLabels(["Tag", "Value"])
        self.proxy = QSortFilterProxyModel(self, recursiveFilteringEnabled=True, filterKeyColumn=-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setSourceModel(self.raw_model)
        self.raw = QTreeView(objectName="metadata_raw", alternatingRowColors=True)
        self.raw.setModel(self.proxy)
        self.search = QLineEdit(placeholderText="Search tags and values", clearButtonEnabled=True)
        self.search.textChanged.connect(self._on_search)
        copy = QPushButton("Copy")
        copy.setToolTip("Copy the selected tags (Ctrl+C), or all shown tags when none is selected")
        copy.clicked.connect(self.copy_selected)
        for view in (self.summary, self.raw):
            view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
            QShortcut(QKeySequence.StandardKey.Copy, view, self.copy_selected,
                      context=Qt.ShortcutContext.WidgetShortcut)
        self.note = QLabel(wordWrap=True, objectName="disagreement_note")
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(QLabel("<b>Summary</b> — the value each field takes, and where it came from"))
        top_layout.addWidget(self.note)
        top_layout.addWidget(self.summary)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        search_row = QHBoxLayout()
        search_row.addWidget(QLabel("<b>Raw tags</b> by source"))
        search_row.addWidget(self.search, 1)
        search_row.addWidget(copy)
        bottom_layout.addLayout(search_row)
        bottom_layout.addWidget(self.raw)
        self.splitter = QSplitter(Qt.Orientation.Vertical, objectName="metadata_splitter")
        self.splitter.addWidget(top)
        self.splitter.addWidget(bottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.splitter)

    def show_item(self, details: dict[str, Any]) -> None:
        self._fill_summary(details)
        self._fill_raw(details["metadata"])

    def _fill_summary(self, details: dict[str, Any]) -> None:
        item = details["item"]
        conflicts = {d["field"]: d["values"] for d in item["disagreements"]}
        if "gps" in conflicts:
            conflicts.setdefault("gps_lat", conflicts["gps"])
            conflicts.setdefault("gps_lon", conflicts["gps"])
        self.summary_model.removeRows(0, self.summary_model.rowCount())
        by_field: dict[str, list[tuple[Any, str]]] = {}
        for f in details["fields"]:
            by_field.setdefault(f["field"], []).append((f["value"], f["source"]))
        for field, stated in by_field.items():
            value, source = stated[0]
            chosen = self._chosen(item, field)
            if chosen is not None:
                value, source = chosen, next((s for v, s in stated if v == chosen), source)
            row = _row(field_label(field), _text(value), source)
            if field in conflicts:
                for cell in row:
                    cell.setBackground(QBrush(DISAGREE))
                    cell.setToolTip("Sources disagree: " + "; ".join(f"{s} says {_text(v)}" for v, s in conflicts[field]))
                for other, other_source in stated:
                    row[0].appendRow(_row(f"  {other_source} says", _text(other), other_source))
            self.summary_model.appendRow(row)
        self.summary.expandAll()
        self.summary.resizeColumnToContents(0)
        self.summary.resizeColumnToContents(1)
        if conflicts:
            names = ", ".join(sorted(k for k in conflicts if k not in ("gps_lat", "gps_lon") or "gps" not in conflicts))
            self.note.setText(f"⚠ Sources disagree about: {names}. Highlighted below; expand a row to compare.")
        else:
            self.note.setText("Sources agree on every field they state." if by_field else "No normalised fields.")

    @staticmethod
    def _chosen(item: dict[str, Any], field: str) -> Any:
        column = {"make": "camera_make", "model": "camera_model"}.get(field, field)
        return item.get(column)

    def _fill_raw(self, metadata: dict[str, dict[str, str]]) -> None:
        self.raw_model.removeRows(0, self.raw_model.rowCount())
        for source, tags in metadata.items():
            group = _row(f"{source} ({len(tags)})", "")
            for key, value in tags.items():
                group[0].appendRow(_row(key, value))
            self.raw_model.appendRow(group)
        if not metadata:
            self.raw_model.appendRow(_row("No raw tags were read from this file.", ""))
        self.raw.expandAll()
        self.raw.resizeColumnToContents(0)

    def _on_search(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        self.raw.expandAll()

    def copy_selected(self) -> None:
        """Selected rows as ``tag<TAB>value`` lines; everything shown when nothing is selected."""
        view = self.summary if self.summary.hasFocus() else self.raw
        model = view.model()
        rows = sorted({(i.parent().row(), i.row(), i.parent()) for i in view.selectionModel().selectedRows()},
                      key=lambda t: (t[0], t[1]))
        lines = []
        if rows:
            for _pr, r, parent in rows:
                lines.append("\t".join(str(model.index(r, c, parent).data() or "") for c in range(model.columnCount())))
        else:
            for r in range(model.rowCount()):
                group = model.index(r, 0)
                lines.append(str(group.data()))
                for c in range(model.rowCount(group)):
                    lines.append("\t".join(str(model.index(c, k, group).data() or "") for k in range(model.columnCount())))
        QApplication.clipboard().setText("\n".join(lines))
