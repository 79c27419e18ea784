"""Known lengths and measurements on the picture being tagged (core: :mod:`verify_bench.fragments.measuring`).

Mark a known length with the Known length tool (a ruler, a brick, a hand: two ends, the length, its
unit and what it is), then drag segments with the Measure tool: each is recorded with the scale it
used, and shown with it, because a length holds only on the scale's plane.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ...fragments import (
    ItemGeometry,
    Scale,
    delete_measurement,
    delete_scale,
    measure,
    measurements,
    scales,
    set_scale,
)
from ...fragments.geometry import stored_to_upright, upright_to_stored
from ...fragments.measuring import segment_pixels
from ...fragments.regions import number
from ..session import CaseSession
from .fragment_canvas import Overlay, Pt

UNITS = ("mm", "cm", "m", "in", "ft")


def shown(value: float) -> str:
    """A length to 3 significant digits, never in exponent form: the pixels drawn allow no more."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    return f"{value:.{max(0, 2 - math.floor(math.log10(abs(value))))}f}"


def describe(scale: Scale) -> str:
    return f"{scale.label}: {scale.length:g} {scale.unit} over {scale.pixels:.0f} px"


class ScaleDialog(QDialog):
    """Asks what the marked segment is and how long it really is."""

    def __init__(self, pixels: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Known length")
        self.length = QDoubleSpinBox(objectName="scale_length", decimals=3, minimum=0.001, maximum=1e6, value=1.0)
        self.unit = QComboBox(objectName="scale_unit", editable=True)
        self.unit.addItems(UNITS)
        self.unit.setCurrentText("cm")
        self.label = QLineEdit(objectName="scale_label", placeholderText="what it is: ruler, brick, hand…")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.label.textChanged.connect(self._update)
        form = QFormLayout(self)
        form.addRow(QLabel(f"The marked segment is {pixels:g} pixels long. Measurements hold only on the same "
                           "plane, roughly square to the camera.", wordWrap=True))
        row = QHBoxLayout()
        row.addWidget(self.length, 1)
        row.addWidget(self.unit)
        form.addRow("Real length", row)
        form.addRow("What it is", self.label)
        form.addRow(self.buttons)
        self._update()

    def _update(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.label.text().strip()))

    def values(self) -> tuple[float, str, str]:
        return self.length.value(), self.unit.currentText().strip(), self.label.text().strip()


class MeasurePanel(QWidget):
    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("measure_panel")
        self.session = session
        self.item_id: str | None = None
        self.frame_ts: float | None = None
        self.geometry: ItemGeometry | None = None
        self._scales: list[Scale] = []
        self.scale_box = QComboBox(objectName="scale_choice", toolTip="The known length new measurements use")
        self.scale_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.scale_box.setMinimumContentsLength(12)
        self.scale_box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.delete_scale_button = QPushButton("Delete", toolTip="Delete this known length (recorded as an event; "
                                               "measurements made with it keep their reference)")
        self.delete_scale_button.clicked.connect(self._delete_scale)
        self.list = QListWidget(objectName="measurements", maximumHeight=110)
        self.delete_measurement_button = QPushButton("Delete measurement")
        self.delete_measurement_button.clicked.connect(self._delete_measurement)
        self.hint = QLabel(wordWrap=True, objectName="measure_hint")
        self.hint.setStyleSheet("QLabel { color: palette(placeholder-text); }")
        top = QHBoxLayout()
        top.addWidget(self.scale_box, 1)
        top.addWidget(self.delete_scale_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Known length used for new measurements:"))
        layout.addLayout(top)
        layout.addWidget(self.hint)
        layout.addWidget(self.list)
        layout.addWidget(self.delete_measurement_button, 0, Qt.AlignmentFlag.AlignRight)

    # ---- context --------------------------------------------------------------------------
    def set_context(self, item_id: str, frame_ts: float | None, geometry: ItemGeometry) -> None:
        self.item_id, self.geometry = item_id, geometry
        self.frame_ts = None if frame_ts is None else number(frame_ts)
        self.refresh()

    def refresh(self) -> None:
        if self.item_id is None:
            return
        case = self.session.case
        chosen = self.scale_box.currentData()
        self._scales = [s for s in scales(case, self.item_id) if s.frame_ts == self.frame_ts]
        self.scale_box.clear()
        for s in self._scales:
            self.scale_box.addItem(describe(s), s.id)
        if chosen is not None and self.scale_box.findData(chosen) >= 0:
            self.scale_box.setCurrentIndex(self.scale_box.findData(chosen))
        elif self._scales:
            self.scale_box.setCurrentIndex(len(self._scales) - 1)   # the newest
        self.list.clear()
        for m in measurements(case, self.item_id):
            if m.frame_ts != self.frame_ts:
                continue
            ref = m.reference
            entry = QListWidgetItem(f"{shown(m.length)} {m.unit}{' — ' + m.label if m.label else ''}   "
                                    f"(by {ref['label']}: {ref['length']:g} {ref['unit']} over {ref['pixels']:.0f} px)")
            entry.setToolTip(f"{m.length} {m.unit} = {m.pixels} px / {ref['pixels']} px × {ref['length']} {ref['unit']}"
                             " — valid on the known length's plane only")
            entry.setData(Qt.ItemDataRole.UserRole, m.id)
            self.list.addItem(entry)
        has_scale = bool(self._scales)
        self.delete_scale_button.setEnabled(has_scale)
        self.delete_measurement_button.setEnabled(self.list.count() > 0)
        self.hint.setText("Drag with Measure (M) to measure on the same plane." if has_scale else
                          "No known length on this picture yet: mark one with Known length (K).")

    def current_scale(self) -> Scale | None:
        scale_id = self.scale_box.currentData()
        return next((s for s in self._scales if s.id == scale_id), None)

    # ---- drawing --------------------------------------------------------------------------
    def _stored(self, p: Pt) -> Pt:
        g = self.geometry
        assert g is not None
        return upright_to_stored(p, g.stored_width, g.stored_height, g.orientation)

    def _upright(self, p: Pt) -> Pt:
        g = self.geometry
        assert g is not None
        return stored_to_upright(p, g.stored_width, g.stored_height, g.orientation)

    def overlays(self) -> list[Overlay]:
        """The known lengths and measurements of this picture, to draw over it."""
        if self.item_id is None:
            return []
        found = [Overlay(f"scale:{s.id}", "segment", [self._upright(p) for p in s.points],
                         f"{s.label} = {s.length:g} {s.unit}", "scale") for s in self._scales]
        for m in measurements(self.session.case, self.item_id):
            if m.frame_ts == self.frame_ts:
                found.append(Overlay(f"measurement:{m.id}", "segment", [self._upright(p) for p in m.points],
                                     f"{shown(m.length)} {m.unit} (by {m.reference['label']})", "measurement"))
        return found

    def preview(self, a: Pt, b: Pt) -> str:
        """The live length of a segment being drawn (nothing recorded)."""
        scale = self.current_scale()
        if scale is None:
            return "no known length: mark one first (K)"
        return f"≈ {shown(scale.measure(self._stored(a), self._stored(b)))} {scale.unit} (by {scale.label})"

    # ---- recording ------------------------------------------------------------------------
    def add_scale(self, a: Pt, b: Pt, values: tuple[float, str, str] | None = None) -> None:
        """Record a known length; ``values`` (length, unit, what) skips the dialog."""
        if self.item_id is None:
            return
        if values is None:
            dialog = ScaleDialog(segment_pixels(self._stored(a), self._stored(b)), self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            values = dialog.values()
        length, unit, label = values
        item_id, frame = self.item_id, self.frame_ts
        self.session.write(lambda case: set_scale(case, item_id, a, b, length=length, unit=unit, label=label,
                                                  grid="upright", frame_ts=frame), name="Recording the known length")

    def add_measurement(self, a: Pt, b: Pt, fragment_id: str | None = None) -> bool:
        """Record a measurement by the chosen scale (linked to the selected tag on this picture, if any)."""
        scale = self.current_scale()
        if scale is None:
            self.hint.setText("Mark a known length first (K): a measurement needs one on the same picture.")
            return False
        self.session.write(lambda case: measure(case, scale.id, a, b, grid="upright", fragment_ref=fragment_id),
                           name="Recording the measurement")
        return True

    def _delete_scale(self) -> None:
        scale = self.current_scale()
        if scale is not None:
            self.session.write(lambda case: delete_scale(case, scale.id), name="Deleting the known length")

    def _delete_measurement(self) -> None:
        item = self.list.currentItem()
        if item is None:
            self.hint.setText("Select the measurement to delete in the list.")
        else:
            measurement_id = item.data(Qt.ItemDataRole.UserRole)
            self.session.write(lambda case: delete_measurement(case, measurement_id), name="Deleting the measurement")
