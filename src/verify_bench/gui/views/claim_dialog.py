"""The small form that records a location claim for an item: where, how sure, how known, which way."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
    QSpinBox, QWidget,
)

from ... import geo

METHOD_LABELS = {
    "landmark_match": "Landmark match", "satellite_comparison": "Satellite comparison",
    "file_metadata": "File metadata", "shadow_sun": "Shadows / sun", "witness": "Witness", "other": "Other",
}
POSITION_LABELS = {"camera": "Camera position (where it was filmed from)", "subject": "Subject position (what it shows)"}


class ClaimDialog(QDialog):
    """Asks for a claim's details; :meth:`claim_arguments` gives what :func:`geo.claim_location` takes."""

    def __init__(self, item_name: str, lat: float, lon: float, *, precision_m: float = 50.0,
                 accept_default: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Record a location claim")
        self.setObjectName("claim_dialog")
        self.coords = QLineEdit(geo.format_decimal(lat, lon), objectName="claim_coords",
                                toolTip="Decimal, DMS, MGRS, plus code, a map link or a geo: URI")
        self.error = QLabel(objectName="claim_error", wordWrap=True, styleSheet="color: #d0312d;")
        self.error.hide()
        self.method = QComboBox(objectName="claim_method")
        for key in geo.LOCATION_METHODS:
            self.method.addItem(METHOD_LABELS.get(key, key), key)
        self.method.setCurrentIndex(self.method.findData("landmark_match"))
        self.precision = QDoubleSpinBox(objectName="claim_precision", minimum=1, maximum=1_000_000, decimals=0,
                                        suffix=" m", value=round(precision_m),
                                        toolTip="How far from this point could the place be?")
        self.position = QComboBox(objectName="claim_position")
        for key in geo.POSITIONS:
            self.position.addItem(POSITION_LABELS.get(key, key), key)
        self.has_direction = QCheckBox("Viewing direction", objectName="claim_has_direction")
        self.direction = QSpinBox(objectName="claim_direction", minimum=0, maximum=359, suffix="° from north",
                                  enabled=False, wrapping=True)
        self.has_direction.toggled.connect(self.direction.setEnabled)
        direction = QHBoxLayout()
        direction.addWidget(self.has_direction)
        direction.addWidget(self.direction, 1)
        self.note = QLineEdit(objectName="claim_note", placeholderText="How you know: what matches what")
        self.accept_box = QCheckBox("Make this the accepted location", objectName="claim_accept",
                                    checked=accept_default)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Record claim")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        form = QFormLayout(self)
        form.addRow(QLabel(f"Where was <b>{item_name}</b> filmed?"))
        form.addRow("Coordinates", self.coords)
        form.addRow("", self.error)
        form.addRow("Method", self.method)
        form.addRow("Precision", self.precision)
        form.addRow("Position", self.position)
        form.addRow("", direction)
        form.addRow("Note", self.note)
        form.addRow("", self.accept_box)
        form.addRow(buttons)
        self.point: geo.ParsedPoint | None = None

    def accept(self) -> None:
        """Close only when the coordinates read; otherwise say what is wrong beside them."""
        try:
            self.point = geo.parse_point(self.coords.text())
        except geo.CoordinateError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        super().accept()

    def claim_arguments(self) -> dict[str, Any]:
        """Keyword arguments for :func:`geo.claim_location` (after the dialog was accepted)."""
        assert self.point is not None, "the dialog was not accepted"
        return {
            "point": self.point, "precision_m": self.precision.value(), "method": self.method.currentData(),
            "position": self.position.currentData(),
            "direction_deg": float(self.direction.value()) if self.has_direction.isChecked() else None,
            "note": self.note.text().strip() or None, "input_text": self.coords.text().strip(),
            "accept": self.accept_box.isChecked(),
        }
