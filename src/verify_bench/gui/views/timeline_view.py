"""The timeline dock: items and incidents on a time axis, filtered to one incident or all items, with a
legend of what each mark means; selecting a row selects the item in the browser and back."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QStackedLayout, QToolButton, QVBoxLayout, QWidget

from ..models.timeline_model import TimelineModel
from ..session import CaseSession
from .timeline_canvas import INCIDENT, KIND_COLORS, KIND_LABELS, TimelineCanvas
from .visibility import ActiveWhileShown

HELP = ("Wheel or +/− zooms, drag pans, Shift+wheel scrolls, ↑/↓ move between items, F fits. Bars are as wide "
        "as a time's uncertainty (dashed: camera clock in an unknown zone); ◆ is the best time.")


class TimelineView(QWidget):
    item_requested = Signal(str)

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = TimelineModel(session, self)
        ActiveWhileShown(self, self.model)
        self.canvas = TimelineCanvas(self)  # parented now: a parentless widget in a stack would show as a window
        self.canvas.setToolTip("")
        self.incident = QComboBox(objectName="timeline_incident", toolTip="Show every item, or one incident's items")
        self.incident.currentIndexChanged.connect(self._on_incident)
        fit = QToolButton(text="Fit", toolTip="Show every best time and incident window (F)", autoRaise=True)
        fit.clicked.connect(self.canvas.fit)
        zoom_out = QToolButton(text="−", toolTip="Zoom out (−)", autoRaise=True)
        zoom_in = QToolButton(text="+", toolTip="Zoom in (+)", autoRaise=True)
        zoom_out.clicked.connect(lambda: self.canvas.zoom_by(0.5))
        zoom_in.clicked.connect(lambda: self.canvas.zoom_by(2))
        legend = " ".join(f"<span style='color:{KIND_COLORS[k].name()}'>■</span>&nbsp;{label}"
                          for k, label in KIND_LABELS.items())
        legend += f" <span style='color:{INCIDENT.name()}'>▼</span>&nbsp;incident ±6 h"
        self.legend = QLabel(legend, objectName="timeline_legend", textFormat=Qt.TextFormat.RichText, toolTip=HELP,
                             wordWrap=True)
        self.empty = QLabel(parent=self, objectName="timeline_empty", alignment=Qt.AlignmentFlag.AlignCenter,
                            wordWrap=True)
        top = QHBoxLayout()
        top.addWidget(QLabel("Show"))
        top.addWidget(self.incident)
        top.addWidget(fit)
        top.addWidget(zoom_out)
        top.addWidget(zoom_in)
        top.addWidget(self.legend, 1)
        self.stack = QStackedLayout()
        self.stack.addWidget(self.canvas)
        self.stack.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addLayout(self.stack, 1)
        self.canvas.item_clicked.connect(self.item_requested)
        self.model.changed.connect(self._on_changed)
        self._on_changed()

    def show_item(self, item_id: str | None) -> None:
        self.canvas.select(item_id)

    def _on_incident(self, index: int) -> None:
        ref = self.incident.itemData(index)
        if ref != self.model.incident_ref:
            self.canvas.fit_pending = True
            self.model.set_incident(ref)

    def _on_changed(self) -> None:
        self.incident.blockSignals(True)
        self.incident.clear()
        self.incident.addItem("All items", None)
        for incident_id, title in self.model.incidents:
            self.incident.addItem(f"Incident: {title}", incident_id)
        self.incident.setCurrentIndex(max(0, self.incident.findData(self.model.incident_ref)))
        self.incident.setEnabled(bool(self.model.incidents))
        self.incident.blockSignals(False)
        data = self.model.data
        self.canvas.set_data(data)
        if not self.model.loaded:
            self.empty.setText("Reading the times…")
        elif not data.rows:
            self.empty.setText("No items yet." if self.model.incident_ref is None else
                               "No items are linked to this incident yet.")
        elif data.start is None:
            self.empty.setText("No item says when it was recorded, and no incident has a time.")
        self.stack.setCurrentWidget(self.canvas if self.model.loaded and data.start is not None else self.empty)
