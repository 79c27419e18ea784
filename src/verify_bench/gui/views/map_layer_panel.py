"""The map's layer manager: raster layers (basemap, MBTiles/PMTiles files, a tile server) with visibility,
opacity and order, and the case's reference layers (GeoJSON/KML) with visibility and import."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QListWidget,
    QListWidgetItem, QPushButton, QSlider, QSpinBox, QToolButton, QVBoxLayout, QWidget,
)

from ... import geo
from .. import settings
from ..models.map_model import MapModel
from ..models.tile_model import TileLayers
from ..session import CaseSession
from ..settings import TileLayerSetting

INDEX_ROLE = Qt.ItemDataRole.UserRole + 1
ERROR_STYLE = "color: #d0312d;"


class TileServerDialog(QDialog):
    """Asks for a tile server's URL template, its attribution (most servers require one) and name."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a tile server")
        self.template = QLineEdit(objectName="tile_server_url", placeholderText="https://tiles.example.org/{z}/{x}/{y}.png")
        self.attribution = QLineEdit(objectName="tile_server_attribution", placeholderText="© the imagery's owner")
        self.name = QLineEdit(objectName="tile_server_name", placeholderText="optional")
        self.max_zoom = QSpinBox(objectName="tile_server_max_zoom", minimum=0, maximum=24, value=19)
        self.error = QLabel(objectName="tile_server_error", wordWrap=True, styleSheet=ERROR_STYLE)
        self.error.hide()
        note = QLabel("Tiles are fetched only while this layer is shown, and kept in a disk cache so that they "
                      "stay visible offline. Use a server whose terms allow it.", wordWrap=True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add layer")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(note)
        form.addRow("URL template", self.template)
        form.addRow("Attribution", self.attribution)
        form.addRow("Name", self.name)
        form.addRow("Deepest zoom", self.max_zoom)
        form.addRow(self.error)
        form.addRow(self.buttons)
        self.setting: TileLayerSetting | None = None

    def accept(self) -> None:
        try:
            server = geo.TileServer(self.template.text(), attribution=self.attribution.text().strip(),
                                    name=self.name.text().strip(), max_zoom=self.max_zoom.value())
            if not server.attribution:
                raise geo.TileError("give the attribution the tile server asks for: it is shown on the map")
        except geo.TileError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.setting = TileLayerSetting("xyz", server.template, name=server.name, attribution=server.attribution,
                                        max_zoom=server.max_zoom)
        super().accept()


class LayerPanel(QWidget):
    def __init__(self, session: CaseSession, tiles: TileLayers, model: MapModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("map_layer_panel")
        self.session, self.tiles, self.model = session, tiles, model
        self.tile_list = QListWidget(objectName="map_tile_layers", maximumHeight=140)
        self.tile_list.itemChanged.connect(self._on_tile_checked)
        self.tile_list.currentRowChanged.connect(lambda _row: self._on_current())
        self.detail = QLabel(objectName="map_layer_detail", wordWrap=True)
        self.opacity = QSlider(Qt.Orientation.Horizontal, objectName="map_layer_opacity", minimum=0, maximum=100,
                               toolTip="Opacity of the selected layer")
        self.opacity.valueChanged.connect(self._on_opacity)
        self.add_file = QPushButton("Add file…", objectName="map_add_tile_file",
                                    toolTip="Add an MBTiles or PMTiles file of raster tiles (read, never changed)")
        self.add_server = QPushButton("Add server…", objectName="map_add_tile_server",
                                      toolTip="Add an XYZ tile server ({z}/{x}/{y} URL), cached on disk")
        self.up = QToolButton(text="▲", toolTip="Draw the selected layer above the one over it")
        self.down = QToolButton(text="▼", toolTip="Draw the selected layer below the one under it")
        self.remove = QToolButton(text="Remove", toolTip="Take the selected layer off the map (the file stays)")
        self.add_file.clicked.connect(self.choose_file)
        self.add_server.clicked.connect(self.choose_server)
        self.up.clicked.connect(lambda: self._move(+1))
        self.down.clicked.connect(lambda: self._move(-1))
        self.remove.clicked.connect(self._remove)
        self.error = QLabel(objectName="map_layer_error", wordWrap=True, styleSheet=ERROR_STYLE)
        self.error.hide()
        self.reference_list = QListWidget(objectName="map_reference_layers", maximumHeight=110)
        self.reference_list.itemChanged.connect(self._on_reference_checked)
        self.reference_empty = QLabel("<i>No reference layers in this case.</i>", objectName="map_reference_empty")
        self.import_layer = QPushButton("Import GeoJSON/KML…", objectName="map_import_layer",
                                        toolTip="Record a GeoJSON, KML or KMZ file of areas, lines and points "
                                                "in the case (an event)")
        self.import_layer.clicked.connect(self.choose_reference)

        tiles_box = QGroupBox("Map layers (top first)")
        box = QVBoxLayout(tiles_box)
        box.addWidget(self.tile_list)
        box.addWidget(self.detail)
        opacity = QHBoxLayout()
        opacity.addWidget(QLabel("Opacity"))
        opacity.addWidget(self.opacity, 1)
        box.addLayout(opacity)
        order = QHBoxLayout()
        for button in (self.up, self.down, self.remove):
            order.addWidget(button)
        order.addStretch(1)
        box.addLayout(order)
        adding = QHBoxLayout()
        adding.addWidget(self.add_file)
        adding.addWidget(self.add_server)
        box.addLayout(adding)
        box.addWidget(self.error)
        reference_box = QGroupBox("Reference layers")
        ref = QVBoxLayout(reference_box)
        ref.addWidget(self.reference_list)
        ref.addWidget(self.reference_empty)
        ref.addWidget(self.import_layer)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(tiles_box)
        layout.addWidget(reference_box)
        layout.addStretch(1)
        self.hidden = settings.hidden_reference_layers(session.root)
        tiles.layers_changed.connect(self.refresh)
        model.reference_changed.connect(self.refresh_reference)
        self.refresh()
        self.refresh_reference()

    # ---- raster layers ----------------------------------------------------------------------
    def refresh(self) -> None:
        current = self.current_index()
        self.tile_list.blockSignals(True)
        self.tile_list.clear()
        for index in reversed(range(len(self.tiles.layers))):
            layer = self.tiles.layers[index]
            row = QListWidgetItem(layer.title)
            row.setData(INDEX_ROLE, index)
            row.setFlags(row.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            row.setCheckState(Qt.CheckState.Checked if layer.setting.visible else Qt.CheckState.Unchecked)
            row.setToolTip(layer.status or layer.title)
            if layer.error:
                row.setForeground(Qt.GlobalColor.red)
            self.tile_list.addItem(row)
        self.tile_list.blockSignals(False)
        self.select_layer(current if current is not None else len(self.tiles.layers) - 1)

    def current_index(self) -> int | None:
        row = self.tile_list.currentItem()
        return row.data(INDEX_ROLE) if row is not None else None

    def select_layer(self, index: int) -> None:
        self.tile_list.setCurrentRow(len(self.tiles.layers) - 1 - max(0, min(index, len(self.tiles.layers) - 1)))

    def _on_current(self) -> None:
        index = self.current_index()
        layer = self.tiles.layers[index] if index is not None else None
        self.opacity.blockSignals(True)
        self.opacity.setValue(round((layer.setting.opacity if layer else 1.0) * 100))
        self.opacity.blockSignals(False)
        self.opacity.setEnabled(layer is not None)
        movable = index is not None and index > 0
        self.remove.setEnabled(movable)
        self.up.setEnabled(movable and index < len(self.tiles.layers) - 1)
        self.down.setEnabled(movable and index > 1)
        if layer is None:
            self.detail.clear()
            return
        where = layer.setting.source if layer.setting.kind != "basemap" else "bundled with the app, works offline"
        self.detail.setText(f"<small>{where}<br>{layer.status}</small>" if layer.status else f"<small>{where}</small>")
        self.detail.setStyleSheet(ERROR_STYLE if layer.error else "")

    def _on_tile_checked(self, row: QListWidgetItem) -> None:
        self.tiles.update(row.data(INDEX_ROLE), visible=row.checkState() == Qt.CheckState.Checked)

    def _on_opacity(self, value: int) -> None:
        index = self.current_index()
        if index is not None:
            self.tiles.update(index, opacity=value / 100)

    def _move(self, step: int) -> None:
        index = self.current_index()
        if index is not None:
            self.select_layer(self.tiles.move(index, step))

    def _remove(self) -> None:
        index = self.current_index()
        if index:
            self.tiles.remove(index)
            self.select_layer(index - 1)

    def add(self, setting: TileLayerSetting) -> bool:
        """Add a layer on top and select it; on failure say why under the buttons."""
        try:
            self.tiles.add(setting)
        except geo.TileError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return False
        self.error.hide()
        self.select_layer(len(self.tiles.layers) - 1)
        return True

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Add a tile file", "",
                                              "Raster tile files (*.mbtiles *.pmtiles);;All files (*)")
        if path:
            self.add(TileLayerSetting("file", str(Path(path).resolve())))

    def choose_server(self) -> None:
        self.server_dialog = TileServerDialog(self)
        self.server_dialog.accepted.connect(lambda: self.add(self.server_dialog.setting))  # type: ignore[arg-type]
        self.server_dialog.open()

    # ---- reference layers -------------------------------------------------------------------
    def refresh_reference(self) -> None:
        self.reference_list.blockSignals(True)
        self.reference_list.clear()
        for layer, features in self.model.reference:
            row = QListWidgetItem(f"{layer.name} ({len(features)} feature{'s' if len(features) != 1 else ''})")
            row.setData(INDEX_ROLE, layer.layer_id)
            row.setToolTip(f"{layer.source_name} · {layer.format.upper()}")
            row.setFlags(row.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            row.setCheckState(Qt.CheckState.Unchecked if layer.layer_id in self.hidden else Qt.CheckState.Checked)
            self.reference_list.addItem(row)
        self.reference_list.blockSignals(False)
        self.reference_empty.setVisible(not self.model.reference)
        self.reference_list.setVisible(bool(self.model.reference))

    def _on_reference_checked(self, row: QListWidgetItem) -> None:
        layer_id = row.data(INDEX_ROLE)
        if row.checkState() == Qt.CheckState.Checked:
            self.hidden.discard(layer_id)
        else:
            self.hidden.add(layer_id)
        settings.set_hidden_reference_layers(self.session.root, self.hidden)
        self.model.reference_changed.emit()

    def choose_reference(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import a reference layer", "",
                                              "Reference layers (*.geojson *.json *.kml *.kmz);;All files (*)")
        if path:
            self.session.write(lambda case: geo.import_layer(case, path), name="Importing the reference layer")
