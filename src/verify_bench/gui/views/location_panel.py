"""The Location tab: an item's location claims beside the position its file states, the distances
between them (large disagreements flagged), accept/withdraw, and the chosen point in every format."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QApplication, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QTreeView, QVBoxLayout, QWidget,
)

from ... import geo
from ..formatting import short_time
from ..session import CaseSession
from .claim_dialog import METHOD_LABELS

COLUMNS = ("Position", "Method", "Precision", "Compared with file GPS", "By", "When", "Note")
FORMAT_LABELS = {"decimal": "Decimal", "dms": "DMS", "mgrs": "MGRS", "pluscode": "Plus code", "geo_uri": "geo: URI",
                 "openstreetmap": "OpenStreetMap", "google_maps": "Google Maps"}
RED = QColor("#d0312d")
CLAIM_ROLE = Qt.ItemDataRole.UserRole + 1   # claim id (claims only)
POINT_ROLE = Qt.ItemDataRole.UserRole + 2   # (lat, lon)


def distance_text(metres: float) -> str:
    return f"{metres / 1000:,.1f} km" if metres >= 10_000 else f"{metres:,.0f} m"


class CopyField(QWidget):
    """A read-only value with a Copy button."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit(readOnly=True, objectName=f"coord_{name}")
        self.button = QPushButton("Copy", objectName=f"copy_coord_{name}", toolTip="Copy to the clipboard")
        self.button.clicked.connect(lambda: QApplication.clipboard().setText(self.edit.text()))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.button)


class LocationPanel(QWidget):
    map_requested = Signal()  # "Show on map": the window shows the map dock

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.item_id: str | None = None
        self.locations: geo.ItemLocations | None = None
        self.summary = QLabel(objectName="location_summary", wordWrap=True, textFormat=Qt.TextFormat.RichText)
        self.model = QStandardItemModel(0, len(COLUMNS))
        self.model.setHorizontalHeaderLabels(list(COLUMNS))
        self.tree = QTreeView(objectName="location_claims", rootIsDecorated=False, alternatingRowColors=True)
        self.tree.setModel(self.model)
        self.tree.selectionModel().currentRowChanged.connect(self._on_current)
        self.accept_button = QPushButton("Accept", objectName="accept_claim",
                                         toolTip="Make the selected claim the item's accepted location (an event)")
        self.withdraw_button = QPushButton("Withdraw", objectName="withdraw_claim",
                                           toolTip="Withdraw the selected claim: it stays on record, marked")
        self.map_button = QPushButton("Show on map", objectName="show_on_map",
                                      toolTip="Open the map; place a new claim there with Set location")
        self.accept_button.clicked.connect(self.accept_current)
        self.withdraw_button.clicked.connect(self.withdraw_current)
        self.map_button.clicked.connect(self.map_requested)
        buttons = QHBoxLayout()
        for button in (self.accept_button, self.withdraw_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.map_button)
        claims = QGroupBox("Claims and the file's own position")
        box = QVBoxLayout(claims)
        box.addWidget(self.summary)
        box.addWidget(self.tree, 1)
        box.addLayout(buttons)
        self.formats = {key: CopyField(key) for key in FORMAT_LABELS}
        self.formats_box = QGroupBox("Selected position in every format")
        form = QFormLayout(self.formats_box)
        for key, label in FORMAT_LABELS.items():
            form.addRow(label, self.formats[key])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(claims, 1)
        layout.addWidget(self.formats_box)

    def show_item(self, item_id: str) -> None:
        keep = self.current_claim_id() if item_id == self.item_id else None
        self.item_id = item_id
        self.locations = found = geo.item_locations(self.session.case, item_id)
        self.model.removeRows(0, self.model.rowCount())
        for claim in found.claims:
            self.model.appendRow(self._claim_row(claim, found))
        for stated in found.metadata:
            extra = f" · altitude {stated.alt:g} m" if stated.alt is not None else ""
            extra += f" · facing {stated.direction_deg:g}°" if stated.direction_deg is not None else ""
            self.model.appendRow(_row((f"File GPS ({stated.source})", "stated by the file", "", extra.strip(" ·"),
                                       "", "", ""), point=(stated.lat, stated.lon)))
        self.summary.setText(self._summary(found))
        for column in range(len(COLUMNS) - 1):
            self.tree.resizeColumnToContents(column)
        rows = [r for r in range(self.model.rowCount()) if keep and self.model.item(r, 0).data(CLAIM_ROLE) == keep]
        accepted = [r for r in range(len(found.claims)) if found.claims[r].accepted]
        start = (rows or accepted or [0])[0]
        if self.model.rowCount():
            self.tree.setCurrentIndex(self.model.index(start, 0))
        self._on_current()

    def _claim_row(self, claim: geo.LocationClaim, found: geo.ItemLocations) -> list[QStandardItem]:
        state = "withdrawn" if claim.withdrawn else "✓ accepted" if claim.accepted else "claim"
        compared = [c for c in found.comparisons if c.claim_id == claim.claim_id]
        distances = ", ".join(f"{'⚠ ' if c.flagged else ''}{distance_text(c.distance_m)} from {c.source}"
                              for c in compared) or ("—" if found.metadata else "no file GPS")
        direction = f" · facing {claim.direction_deg:g}°" if claim.direction_deg is not None else ""
        row = _row((f"{claim.position} · {state}", METHOD_LABELS.get(claim.method, claim.method) + direction,
                    f"±{claim.precision_m:,.0f} m", distances, claim.actor, short_time(claim.at), claim.note),
                   point=(claim.lat, claim.lon), claim_id=claim.claim_id)
        if any(c.flagged for c in compared):
            for cell in row:
                cell.setForeground(QBrush(RED))
            row[3].setToolTip(f"Further from the file's GPS than the claim's precision + {geo.DISAGREEMENT_SLACK_M:g} m")
        if claim.withdrawn:
            for cell in row:
                cell.setForeground(QBrush(QColor("#8c8c8c")))
        return row

    @staticmethod
    def _summary(found: geo.ItemLocations) -> str:
        if not found.claims and not found.metadata:
            return "<i>No location yet. Open the map, choose Set location and click where this was filmed.</i>"
        accepted = found.accepted
        text = (f"Accepted: <b>{geo.format_decimal(accepted.lat, accepted.lon, digits=5)}</b> "
                f"±{accepted.precision_m:,.0f} m" if accepted else "No accepted location")
        if found.flagged:
            text += " · <span style='color:#d0312d'><b>⚠ a claim disagrees with the file's GPS</b></span>"
        return text

    def current_claim_id(self) -> str | None:
        index = self.tree.currentIndex()
        return self.model.item(index.row(), 0).data(CLAIM_ROLE) if index.isValid() else None

    def _on_current(self) -> None:
        index = self.tree.currentIndex()
        at = self.model.item(index.row(), 0).data(POINT_ROLE) if index.isValid() else None
        self.formats_box.setEnabled(at is not None)
        for key, text in (geo.all_formats(*at) if at else {}).items():
            self.formats[key].edit.setText(text)
            self.formats[key].edit.setCursorPosition(0)
        if at is None:
            for field in self.formats.values():
                field.edit.clear()
        claim = next((c for c in (self.locations.claims if self.locations else [])
                      if c.claim_id == self.current_claim_id()), None)
        self.accept_button.setEnabled(claim is not None and not claim.withdrawn and not claim.accepted)
        self.withdraw_button.setEnabled(claim is not None and not claim.withdrawn)

    def accept_current(self) -> None:
        claim_id = self.current_claim_id()
        if claim_id:
            self.session.write(lambda case: geo.accept_location(case, claim_id), name="Accepting the location")

    def withdraw_current(self) -> None:
        claim_id = self.current_claim_id()
        if claim_id:
            self.session.write(lambda case: geo.withdraw_location(case, claim_id), name="Withdrawing the claim")


def _row(cells: tuple[object, ...], *, point: tuple[float, float], claim_id: str | None = None) -> list[QStandardItem]:
    items = [QStandardItem("" if c is None else str(c)) for c in cells]
    for item in items:
        item.setEditable(False)
    items[0].setData(point, POINT_ROLE)
    items[0].setData(claim_id, CLAIM_ROLE)
    return items
