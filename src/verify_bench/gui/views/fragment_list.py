"""Every tag in the case, filtered: find each photo of the same kind of fragment; open one at its region.

Filters are the core's :class:`~verify_bench.fragments.FragmentFilter`: category, component, confidence,
incident, and one search box over designation, manufacturer, markings, codes and note. Crops load off the GUI
thread. Double-click (or Enter) opens the item in the tagging tab with that tag selected.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QComboBox, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QStackedWidget, QTreeWidget, QTreeWidgetItem,
    QVBoxLayout, QWidget,
)

from ...fragments import CONFIDENCES, Fragment, FragmentError, FragmentFilter, case_taxonomy, export_fragments, list_fragments
from ...geo.incidents import list_incidents
from ..session import CaseSession
from .visibility import RefreshWhenShown

ICON = QSize(56, 56)
COLUMNS = ("Item", "Kind", "Designation", "Markings and codes", "Confidence")
EMPTY_CASE = ("No tags in this case yet.\nSelect a photo or video and choose Item ▸ Tag fragments… (Ctrl+T) "
              "to mark the remnants seen in it.")
EMPTY_FILTER = "No tag matches these filters."


class FragmentListPanel(QWidget):
    open_requested = Signal(str, str)   # item id, fragment id

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fragment_list")
        self.session = session
        self.fragments: list[Fragment] = []
        self._icons: dict[str, QImage] = {}
        self.category = QComboBox(objectName="filter_category")
        self.component = QComboBox(objectName="filter_component")
        self.confidence = QComboBox(objectName="filter_confidence")
        self.confidence.addItem("any confidence", "")
        for c in CONFIDENCES:
            self.confidence.addItem(c, c)
        self.incident = QComboBox(objectName="filter_incident", toolTip="Only tags on items linked to this incident")
        self.search = QLineEdit(objectName="filter_text", clearButtonEnabled=True,
                                placeholderText="Designation, markings, CAGE, NSN, lot, serial…")
        self.tree = QTreeWidget(objectName="fragment_tree", rootIsDecorated=False, uniformRowHeights=True, wordWrap=True,
                                alternatingRowColors=True, iconSize=ICON)
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setColumnWidth(0, 190)
        self.tree.setColumnWidth(1, 150)
        self.tree.itemActivated.connect(self._on_activated)
        self.empty = QLabel(EMPTY_CASE, alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True, objectName="fragment_empty")
        self.empty.setStyleSheet("QLabel { color: palette(placeholder-text); padding: 18px; }")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.tree)
        self.stack.addWidget(self.empty)
        self.count = QLabel(objectName="fragment_count")
        clear = QPushButton("Clear filters")
        clear.clicked.connect(self.clear_filters)
        self.export_button = QPushButton("Export…", toolTip="Write the listed tags as CSV or JSON, with item hashes "
                                                            "and region coordinates")
        self.export_button.clicked.connect(self.export)
        top = QHBoxLayout()
        for w in (self.category, self.component, self.confidence):
            top.addWidget(w, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(clear)
        bottom.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        middle = QHBoxLayout()
        middle.addWidget(self.search, 2)
        middle.addWidget(self.incident, 1)
        layout.addLayout(middle)
        layout.addWidget(self.stack, 1)
        layout.addLayout(bottom)
        self._typing = QTimer(self, singleShot=True, interval=250)
        self._typing.timeout.connect(self.refresh)
        self.search.textChanged.connect(self._typing.start)
        self._fill_vocabulary()
        for box in (self.category, self.component, self.confidence, self.incident):
            box.currentIndexChanged.connect(self.refresh)
        RefreshWhenShown(self, session.changed, self._reread)  # read when first shown: a hidden dock costs nothing

    def _fill_vocabulary(self) -> None:
        tax = case_taxonomy(self.session.case)
        for box, label, terms in ((self.category, "any category", tax.categories),
                                  (self.component, "any component", tax.components)):
            chosen = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem(label, "")
            for t in terms:
                box.addItem(t.label, t.id)
            box.setCurrentIndex(max(0, box.findData(chosen)))
            box.blockSignals(False)
        chosen = self.incident.currentData()
        self.incident.blockSignals(True)
        self.incident.clear()
        incidents = list_incidents(self.session.case)
        self.incident.addItem("any incident" if incidents else "no incidents recorded", "")
        for incident in incidents:
            self.incident.addItem(incident.title + (f" ({incident.time[:10]})" if incident.time else ""),
                                  incident.incident_id)
        self.incident.setCurrentIndex(max(0, self.incident.findData(chosen)))
        self.incident.setEnabled(bool(incidents))
        self.incident.blockSignals(False)

    def _reread(self) -> None:
        self._fill_vocabulary()
        self.refresh()

    # ---- filtering ------------------------------------------------------------------------
    def current_filter(self) -> FragmentFilter:
        return FragmentFilter(category=self.category.currentData() or None,
                              component=self.component.currentData() or None,
                              confidence=self.confidence.currentData() or None,
                              incident=self.incident.currentData() or None,
                              text=self.search.text().strip() or None)

    def show_filter(self, flt: FragmentFilter) -> None:
        """Show the tags matching ``flt`` (category/component ids, confidence, text)."""
        for box, value in ((self.category, flt.category), (self.component, flt.component),
                           (self.confidence, flt.confidence), (self.incident, flt.incident)):
            box.blockSignals(True)
            index = box.findData(value or "")
            if index < 0 and value:   # a term typed outside the taxonomy
                box.addItem(value, value)
                index = box.count() - 1
            box.setCurrentIndex(max(0, index))
            box.blockSignals(False)
        self.search.blockSignals(True)
        self.search.setText(flt.text or "")
        self.search.blockSignals(False)
        self.refresh()

    def clear_filters(self) -> None:
        self.show_filter(FragmentFilter())

    def refresh(self) -> None:
        flt = self.current_filter()
        try:
            self.fragments = list_fragments(self.session.case, flt)
        except FragmentError as exc:
            self.fragments = []
            self.count.setText(str(exc))
        tax = case_taxonomy(self.session.case)
        self.tree.clear()
        for f in self.fragments:
            codes = " · ".join(f"{name.upper() if name != 'manufactured' else 'made'} {value}" for name, value in (
                ("cage", f.cage), ("nsn", f.nsn), ("lot", f.lot), ("serial", f.serial), ("manufactured", f.manufactured))
                if value)
            markings = " ⏎ ".join(line for line in (f.markings or "").splitlines() if line.strip())
            where = f"{f.item_name}" + (f"\nat {f.frame_ts:g} s" if f.frame_ts is not None else "")
            kind = "\n".join(p for p in (tax.label("category", f.category), tax.label("component", f.component)) if p)
            row = QTreeWidgetItem([where, kind, f.designation or "", " · ".join(p for p in (markings, codes) if p),
                                   f.confidence or ""])
            row.setData(0, Qt.ItemDataRole.UserRole, (f.item_id, f.id, _icon_key(f)))
            row.setToolTip(3, f.markings or "")
            if _icon_key(f) in self._icons:
                row.setIcon(0, QIcon(QPixmap.fromImage(self._icons[_icon_key(f)])))
            self.tree.addTopLevelItem(row)
        filtered = flt != FragmentFilter()
        n = len(self.fragments)
        self.count.setText(f"{n} tag{'s' if n != 1 else ''}{' match' if filtered else ' in the case'}")
        self.empty.setText(EMPTY_FILTER if filtered else EMPTY_CASE)
        self.stack.setCurrentWidget(self.tree if self.fragments else self.empty)
        self.export_button.setEnabled(bool(self.fragments))
        self._load_icons()

    def _load_icons(self) -> None:
        paths = {_icon_key(f): f.crop for f in self.fragments if _icon_key(f) not in self._icons}

        def load(ctx: Any) -> dict[str, QImage]:
            return {fid: QImage(str(p)).scaled(ICON, Qt.AspectRatioMode.KeepAspectRatio,
                                               Qt.TransformationMode.SmoothTransformation)
                    for fid, p in paths.items() if p.is_file()}
        if paths:
            self.session.runner.run(load, name="Loading crops", on_result=self._on_icons)

    def _on_icons(self, icons: dict[str, QImage]) -> None:
        self._icons.update({k: v for k, v in icons.items() if not v.isNull()})
        for i in range(self.tree.topLevelItemCount()):
            row = self.tree.topLevelItem(i)
            icon = self._icons.get(row.data(0, Qt.ItemDataRole.UserRole)[2])
            if icon is not None:
                row.setIcon(0, QIcon(QPixmap.fromImage(icon)))

    def _on_activated(self, row: QTreeWidgetItem) -> None:
        item_id, fragment_id, _key = row.data(0, Qt.ItemDataRole.UserRole)
        self.open_requested.emit(item_id, fragment_id)

    # ---- export ---------------------------------------------------------------------------
    def export(self, path: str | None = None) -> None:
        """Write the listed tags (CSV or JSON by the file's extension) on the writer thread."""
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Export fragments", str(self.session.root / "exports"),
                                                  "CSV (*.csv);;JSON (*.json)")
            if not path:
                return
        target = Path(path)
        fmt = "json" if target.suffix.lower() == ".json" else "csv"
        flt = self.current_filter()
        self.count.setText("Exporting…")
        self.session.write(lambda case: export_fragments(case, list_fragments(case, flt), fmt, path=target),  # type: ignore[arg-type]
                           name="Exporting fragments", appends=False,
                           on_done=lambda written: self.count.setText(f"Exported {len(self.fragments)} tags to {written}"))


def _icon_key(f: Fragment) -> str:
    """A crop changes when its tag's region or frame does: key icons by the tag's last change."""
    return f"{f.id}:{f.updated_seq}"
