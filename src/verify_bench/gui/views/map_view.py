"""The map dock: offline basemap with item and incident pins, the selected item's claims, a coordinate
search box, a "set location" mode that records a claim where the map is clicked, claims moved by
dragging (asked, recorded, undoable), and a layer manager for raster tiles and reference layers."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QUndoStack
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QMessageBox, QSplitter, QToolButton, QVBoxLayout, QWidget

from ... import geo
from ...geo.mercator import metres_per_unit, scale_for_zoom
from ..models.map_model import MapModel
from ..models.tile_model import TileLayers
from ..session import CaseSession
from .claim_dialog import ClaimDialog
from .map_canvas import MapCanvas
from .map_edits import MoveClaim
from .map_layer_panel import LayerPanel
from .map_layers import REFERENCE_COLORS, overlay_items, point, reference_items, wedge_reach
from .visibility import ActiveWhileShown

SEARCH_HINT = "Go to coordinates: decimal, DMS, MGRS, plus code, map link or geo: URI"
SEARCH_TIP = ("Coordinates in any form, then Enter: 31.5017, 34.4668 · 31°30'06\"N 34°28'00\"E · "
              "36R XV 39298 86130 · 8G3PGF28+MPM · a Google Maps or OpenStreetMap link · geo:31.5,34.4")


class MapView(QWidget):
    item_requested = Signal(str)  # a pin was clicked: select that item

    def __init__(self, session: CaseSession, parent: QWidget | None = None, *,
                 undo_stack: QUndoStack | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.undo_stack = undo_stack
        self.model = MapModel(session, self)
        ActiveWhileShown(self, self.model)
        self.tiles = TileLayers(session.runner, parent=self)
        self.canvas = MapCanvas()
        self.layers = LayerPanel(session, self.tiles, self.model)
        self.layers.hide()
        self.search = QLineEdit(objectName="map_search", placeholderText=SEARCH_HINT, clearButtonEnabled=True,
                                toolTip=SEARCH_TIP)
        self.search.returnPressed.connect(self.go_to_text)
        self.search.textEdited.connect(lambda _text: self.search_error.hide())
        self.search_error = QLabel(objectName="map_search_error", wordWrap=True, styleSheet="color: #d0312d;")
        self.search_error.hide()
        self.set_location = self._button("Set location", "Click on the map to place a location claim for the "
                                         "selected item (or Ctrl+click at any time)", checkable=True)
        self.set_location.toggled.connect(self._on_placing)
        self.focus_item = self._button("Zoom to item", "Show the selected item's claims and file GPS")
        self.focus_item.clicked.connect(self.zoom_to_item)
        zoom_out, zoom_in = self._button("−", "Zoom out (−)"), self._button("+", "Zoom in (+)")
        zoom_out.clicked.connect(lambda: self.canvas.zoom_by(-1))
        zoom_in.clicked.connect(lambda: self.canvas.zoom_by(1))
        fit = self._button("All pins", "Show every pin")
        fit.clicked.connect(self.fit_pins)
        self.layers_button = self._button("Layers", "Tile layers (MBTiles, PMTiles, a tile server) and reference "
                                          "layers: show, hide, order, add", checkable=True)
        self.layers_button.toggled.connect(self.layers.setVisible)
        self.pointer = QLabel(objectName="map_pointer")
        self.attribution = QLabel(geo.ATTRIBUTION, objectName="map_attribution", wordWrap=True,
                                  alignment=Qt.AlignmentFlag.AlignRight)
        self.offline = QLabel("offline: cached tiles only", objectName="map_offline", styleSheet="color: #8c6d00;",
                              toolTip="The tile server cannot be reached; the map shows the basemap and the tiles "
                                      "cached on disk, and tries again in a while")
        self.offline.hide()
        top = QHBoxLayout()
        for button in (self.set_location, self.focus_item, fit, self.layers_button):
            top.addWidget(button)
        top.addStretch(1)
        top.addWidget(zoom_out)
        top.addWidget(zoom_in)
        bottom = QHBoxLayout()
        bottom.addWidget(self.pointer, 1)
        bottom.addWidget(self.offline)
        bottom.addWidget(self.attribution, 1)
        self.splitter = QSplitter(objectName="map_splitter", childrenCollapsible=False)
        self.splitter.addWidget(self.canvas)
        self.splitter.addWidget(self.layers)
        self.splitter.setStretchFactor(0, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 2)
        layout.addWidget(self.search)
        layout.addWidget(self.search_error)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(bottom)
        self.claim_dialog: ClaimDialog | None = None
        self.canvas.place_clicked.connect(self.place_claim)
        self.canvas.pin_clicked.connect(self.item_requested)
        self.canvas.pointer_moved.connect(self._on_pointer)
        self.model.pins_changed.connect(self._on_pins_changed)
        self.model.selection_changed.connect(self._on_selection_changed)
        self.model.reference_changed.connect(self._on_reference_changed)
        self.canvas.claim_dragged.connect(self.confirm_move)
        self.tiles.layers_changed.connect(self._on_tiles_changed)
        self.tiles.tile_ready.connect(self._on_tile_ready)
        self.move_box: QMessageBox | None = None
        self._status = QTimer(self, singleShot=True, interval=250)   # attribution/offline, not on every tile
        self._status.timeout.connect(self._update_status)
        self._fitted = False
        self._on_pins_changed()
        self._on_selection_changed()
        self._on_reference_changed()
        self._on_tiles_changed()

    def _button(self, text: str, tip: str, *, checkable: bool = False) -> QToolButton:
        return QToolButton(text=text, toolTip=tip, checkable=checkable, autoRaise=True)

    def show_item(self, item_id: str | None) -> None:
        self.model.set_item(item_id)

    def _on_placing(self, on: bool) -> None:
        self.canvas.set_placing(on)
        self.pointer.setText("Click where the selected item was filmed" if on else "")

    def _on_pointer(self, lat: float, lon: float) -> None:
        hint = " — click to place the claim here" if self.canvas.placing else ""
        self.pointer.setText(geo.format_decimal(lat, lon, digits=5) + hint)

    # ---- where the map looks ------------------------------------------------------------------
    def fit_pins(self) -> None:
        if self.model.pins:
            self.canvas.fit(_bounds([point(p.lat, p.lon) for p in self.model.pins]), max_zoom=12)

    def zoom_to_item(self) -> None:
        """Fit the selected item's claim circles and file positions."""
        found = self.model.locations
        if found is None:
            return
        points = [point(m.lat, m.lon) for m in found.metadata] + [
            point(lat, lon) for c in found.claims for lat, lon in geo.circle(c.lat, c.lon, c.precision_m, segments=8)
            + (geo.view_wedge(c.lat, c.lon, c.direction_deg, reach_m=wedge_reach(c.precision_m), segments=2)
               if c.direction_deg is not None and not c.withdrawn else [])]
        if points:
            self.canvas.fit(_bounds(points))

    def go_to_text(self) -> None:
        """Centre on the coordinates typed in the search box, or say what is wrong with them."""
        text = self.search.text()
        try:
            found = geo.parse_point(text, near=self.canvas.centre())
        except geo.CoordinateError as exc:
            self.search_error.setText(str(exc))
            self.search_error.show()
            return
        self.search_error.hide()
        self.canvas.mark(found.lat, found.lon, text.strip() if len(text.strip()) <= 40 else found.format)
        self.canvas.centre_on(found.lat, found.lon, zoom=max(self.canvas.zoom, _zoom_for_radius(found)))

    def _on_pins_changed(self) -> None:
        self.canvas.set_pins(self.model.pins, self.model.item_id)
        if not self._fitted and self.model.pins:
            self._fitted = True
            self.fit_pins()

    def _on_selection_changed(self) -> None:
        found = self.model.locations
        self.canvas.set_selection(self.model.item_id, overlay_items(found) if found else [])
        self.set_location.setEnabled(self.model.item_id is not None)
        self.focus_item.setEnabled(bool(found and (found.claims or found.metadata)))
        if found and not self.set_location.isChecked():
            points = [point(c.lat, c.lon) for c in found.claims] + [point(m.lat, m.lon) for m in found.metadata]
            visible = self.canvas.mapToScene(self.canvas.viewport().rect()).boundingRect()
            if points and not any(visible.contains(p) for p in points):
                self.canvas.centerOn(_bounds(points).center())

    # ---- placing a claim ----------------------------------------------------------------------
    def place_claim(self, lat: float, lon: float) -> None:
        """Ask for the claim's details at a clicked point; record it when the dialog is accepted."""
        item_id = self.model.item_id
        if item_id is None:
            self.search_error.setText("Select an item first: the claim says where that item was filmed.")
            self.search_error.show()
            return
        name = self.session.case.find_item(item_id)["display_name"]
        precision = max(5.0, round(metres_per_unit(lat) * 8 / scale_for_zoom(self.canvas.zoom), -1))  # ≈ 8 px
        found = self.model.locations
        self.claim_dialog = ClaimDialog(name, lat, lon, precision_m=precision,
                                        accept_default=found is None or found.accepted is None, parent=self)
        self.claim_dialog.accepted.connect(lambda: self._record(item_id))
        self.claim_dialog.open()

    def _record(self, item_id: str) -> None:
        assert self.claim_dialog is not None
        args = self.claim_dialog.claim_arguments()
        self.set_location.setChecked(False)
        self.session.write(lambda case: geo.claim_location(case, item_id, args.pop("point"), **args),
                           name="Recording the location claim")


    # ---- moving a claim by dragging --------------------------------------------------------------
    def confirm_move(self, claim_id: str, lat: float, lon: float) -> None:
        """Ask before a dragged claim is recorded at its new place; put the marker back otherwise."""
        claim = next((c for c in (self.model.locations.claims if self.model.locations else [])
                      if c.claim_id == claim_id), None)
        if claim is None:
            self._on_selection_changed()
            return
        moved = geo.distance_m(claim.lat, claim.lon, lat, lon)
        self.move_box = QMessageBox(QMessageBox.Icon.Question, "Move the location claim?",
                                    f"Move this claim {_distance(moved)} to {geo.format_decimal(lat, lon, digits=5)}?",
                                    QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        self.move_box.setObjectName("move_claim_box")
        self.move_box.setInformativeText("Claims are never edited: this records a new claim at the new place, with "
                                         "the same method, precision and note, and withdraws this one. Undo "
                                         "(Ctrl+Z) moves it back the same way.")
        self.move_box.button(QMessageBox.StandardButton.Yes).setText("Move claim")
        self.move_box.finished.connect(lambda result: self._moved(claim, lat, lon, result))
        self.move_box.open()

    def _moved(self, claim: geo.LocationClaim, lat: float, lon: float, result: int) -> None:
        if result != QMessageBox.StandardButton.Yes:
            self._on_selection_changed()  # the marker goes back to where the claim is
            return
        command = MoveClaim(self.session, claim, lat, lon)
        if self.undo_stack is not None:
            self.undo_stack.push(command)
        else:
            command.redo()

    # ---- layers ---------------------------------------------------------------------------------
    def _on_tiles_changed(self) -> None:
        self.canvas.set_tile_layers(self.tiles)
        self._update_status()

    def _on_tile_ready(self) -> None:
        self.canvas.viewport().update()
        if not self._status.isActive():
            self._status.start()

    def _update_status(self) -> None:
        self.attribution.setText(self.tiles.attribution())
        offline = [layer for layer in self.tiles.layers if layer.setting.visible and "offline" in layer.status]
        self.offline.setVisible(bool(offline))

    def _on_reference_changed(self) -> None:
        items = []
        for n, (layer, features) in enumerate(self.model.reference):
            if layer.layer_id not in self.layers.hidden:
                items += reference_items(features, QColor(REFERENCE_COLORS[n % len(REFERENCE_COLORS)]), layer.name)
        self.canvas.set_reference(items)


def _distance(metres: float) -> str:
    return f"{metres / 1000:,.1f} km" if metres >= 10_000 else f"{metres:,.0f} m"


def _bounds(points: list[QPointF]) -> QRectF:
    xs, ys = [p.x() for p in points], [p.y() for p in points]
    return QRectF(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))


def _zoom_for_radius(found: geo.ParsedPoint) -> float:
    """Close enough to see the point's own precision (an MGRS square, a plus-code cell), else street level."""
    radius = found.precision_m or 50.0
    return max(3.0, min(17.0, 17.0 - max(0.0, math.log2(radius / 50.0))))
