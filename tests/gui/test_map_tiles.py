"""Tile layers on the map: MBTiles/PMTiles files and a tile server on 127.0.0.1 (cached; offline afterwards),
the layer manager (visibility, opacity, order, persistence), and reference layers with toggles."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.gui.test_map import RAFAH, _gps_template  # noqa: F401 - the session-scoped case fixture
from tests.tile_factory import colour_of, make_mbtiles, make_pmtiles, pyramid, tile_server
from verify_bench import geo
from verify_bench.geo.mercator import project
from verify_bench.gui import settings
from verify_bench.gui.settings import TileLayerSetting

ATLANTIC = (40.3, -32.7)


@pytest.fixture(autouse=True)
def _tile_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The tile cache goes to a temporary folder (platformdirs reads XDG_CACHE_HOME)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    return tmp_path / "xdg-cache"


@pytest.fixture
def ws(window, qtbot, _gps_template: Path, tmp_path: Path):  # type: ignore[no-untyped-def]  # noqa: F811
    root = tmp_path / "gps.vbcase"
    shutil.copytree(_gps_template, root)
    assert window.open_case(root)
    qtbot.waitUntil(lambda: window.workspace.model.rowCount() == 4, timeout=5000)
    window.workspace.map_dock.show()
    qtbot.waitUntil(lambda: window.workspace.map.model.settled, timeout=10_000)  # pins read, view fitted to them
    window.workspace.map.layers_button.setChecked(True)
    return window.workspace


def _centre_colour(ws) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    canvas = ws.map.canvas
    image = canvas.viewport().grab().toImage()
    c = image.pixelColor(canvas.viewport().rect().center())
    return c.red(), c.green(), c.blue()


def _show_tile_at(ws, qtbot, layer, z: int) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    """Centre the map on the open Atlantic (no pins, no places) at zoom ``z``, wait for that tile, say which."""
    canvas = ws.map.canvas
    canvas.centre_on(*ATLANTIC, zoom=z)
    x, y = project(*ATLANTIC)
    key = (z, int(x / 256 * 2**z), int(y / 256 * 2**z))
    canvas.viewport().repaint()
    qtbot.waitUntil(lambda: layer.image(key) is not False, timeout=10_000)
    canvas.viewport().repaint()
    return key


def test_an_mbtiles_layer_is_drawn_and_remembered(ws, qtbot, tmp_path: Path):
    path = make_mbtiles(tmp_path / "detail.mbtiles", pyramid(4), name="Detail", attribution="© Survey office")
    panel = ws.map.layers
    assert panel.add(TileLayerSetting("file", str(path)))
    layer = ws.map.tiles.layers[-1]
    assert panel.tile_list.item(0).text() == "Detail (MBTILES)" and panel.current_index() == 1
    key = _show_tile_at(ws, qtbot, layer, 4)
    assert _centre_colour(ws) == colour_of(*key)
    assert ws.map.attribution.text() == f"{geo.ATTRIBUTION} · © Survey office"
    # hidden: the basemap shows through; half opacity: a blend
    panel.tile_list.item(0).setCheckState(Qt.CheckState.Unchecked)
    ws.map.canvas.viewport().repaint()
    assert _centre_colour(ws) != colour_of(*key) and ws.map.attribution.text() == geo.ATTRIBUTION
    panel.tile_list.item(0).setCheckState(Qt.CheckState.Checked)
    panel.opacity.setValue(50)
    ws.map.canvas.viewport().repaint()
    assert _centre_colour(ws) != colour_of(*key)
    saved = settings.tile_layers()
    assert [(s.kind, s.source, s.opacity) for s in saved] == [("basemap", "", 1.0), ("file", str(path), 0.5)]
    assert panel.add(TileLayerSetting("file", str(path))) is False
    assert "already on the map" in panel.error.text()


def test_order_and_removal_and_a_broken_file_says_why(ws, qtbot, tmp_path: Path):
    a = make_mbtiles(tmp_path / "a.mbtiles", pyramid(2), name="A")
    b = make_pmtiles(tmp_path / "b.pmtiles", pyramid(2), metadata={"name": "B"})
    panel, tiles = ws.map.layers, ws.map.tiles
    assert panel.add(TileLayerSetting("file", str(a))) and panel.add(TileLayerSetting("file", str(b)))
    assert [panel.tile_list.item(r).text() for r in range(3)] == [
        "B (PMTILES)", "A (MBTILES)", "Natural Earth basemap (offline)"]
    assert not panel.up.isEnabled() and panel.down.isEnabled()
    panel.down.click()
    assert [layer.info.name for layer in tiles.layers[1:]] == ["B", "A"]
    assert [item.zValue() for item in ws.map.canvas.tile_items] == sorted(i.zValue() for i in ws.map.canvas.tile_items)
    panel.select_layer(0)
    assert not panel.remove.isEnabled() and not panel.down.isEnabled()  # the basemap stays, at the bottom
    panel.select_layer(2)
    panel.remove.click()
    assert [layer.info.name for layer in tiles.layers[1:]] == ["B"]
    junk = tmp_path / "junk.pmtiles"
    junk.write_bytes(b"PMTiles\x03" + b"\x00" * 50)
    assert not panel.add(TileLayerSetting("file", str(junk)))
    assert "junk.pmtiles" in panel.error.text() and not panel.error.isHidden()


def test_a_tile_server_is_fetched_once_then_served_from_the_cache_with_the_server_stopped(
        ws, qtbot, window, tmp_path: Path, _tile_cache: Path):
    tiles = pyramid(5)
    root = ws.session.root
    with tile_server(tiles) as server:
        dialog_ok = ws.map.layers.add(TileLayerSetting("xyz", server.template, name="Local tiles",
                                                       attribution="© Test tile server"))
        assert dialog_ok
        layer = ws.map.tiles.layers[-1]
        key = _show_tile_at(ws, qtbot, layer, 5)
        qtbot.waitUntil(lambda: ws.map.attribution.text().endswith("© Test tile server"), timeout=3000)
        assert _centre_colour(ws) == colour_of(*key)
        assert f"/{key[0]}/{key[1]}/{key[2]}.png" in server.requests
        server.stop()
    assert any(_tile_cache.rglob("*.tile"))
    window.close_case()
    assert window.open_case(root)
    ws = window.workspace
    ws.map_dock.show()
    qtbot.waitUntil(lambda: ws.map.model.settled, timeout=10_000)
    layer = ws.map.tiles.layers[-1]
    assert layer.title == "Local tiles (tile server)"
    key = _show_tile_at(ws, qtbot, layer, 5)
    assert _centre_colour(ws) == colour_of(*key)  # from the cache: the server is gone
    assert ws.map.offline.isHidden() and "© Test tile server" in ws.map.attribution.text()
    ws.map.canvas.centre_on(-33.86, 151.21, zoom=5)  # never viewed: not cached, and the server is gone
    ws.map.canvas.viewport().repaint()
    qtbot.waitUntil(lambda: not ws.map.offline.isHidden(), timeout=10_000)
    assert "offline" in layer.status and layer.error is None


def test_a_tile_server_template_is_checked_in_the_dialog(ws, qtbot):
    panel = ws.map.layers
    panel.add_server.click()
    dialog = panel.server_dialog
    dialog.template.setText("tiles.example.org/{z}/{x}/{y}.png")
    dialog.attribution.setText("© someone")
    dialog.buttons.accepted.emit()
    assert dialog.isVisible() and "starts with https" in dialog.error.text()
    dialog.template.setText("https://tiles.example.org/{z}/{x}/{y}.png")
    dialog.attribution.clear()
    dialog.buttons.accepted.emit()
    assert dialog.isVisible() and "attribution" in dialog.error.text()
    dialog.attribution.setText("© someone")
    dialog.buttons.accepted.emit()
    assert not dialog.isVisible()
    assert settings.tile_layers()[-1].source == "https://tiles.example.org/{z}/{x}/{y}.png"


def test_reference_layers_are_drawn_with_names_and_can_be_switched_off(ws, qtbot, tmp_path: Path):
    zone = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Evacuation zone", "date": "2024-05-06"},
         "geometry": {"type": "Polygon", "coordinates": [[[34.2, 31.25], [34.3, 31.25], [34.3, 31.35], [34.2, 31.35],
                                                          [34.2, 31.25]]]}},
        {"type": "Feature", "properties": {"name": "Wadi"},
         "geometry": {"type": "LineString", "coordinates": [[34.2, 31.3], [34.3, 31.31]]}},
        {"type": "Feature", "properties": {"name": "Shelter"},
         "geometry": {"type": "Point", "coordinates": [34.25, 31.3]}},
    ]}
    path = tmp_path / "zones.geojson"
    path.write_text(json.dumps(zone))
    ws.session.write(lambda case: geo.import_layer(case, path), name="Importing a layer")
    panel = ws.map.layers
    qtbot.waitUntil(lambda: panel.reference_list.count() == 1, timeout=5000)
    assert panel.reference_list.item(0).text() == "zones (3 features)"
    canvas = ws.map.canvas
    tips = sorted(i.toolTip() for i in canvas.reference)
    assert "zones: Evacuation zone · 2024-05-06" in tips and "zones: Wadi" in tips and "zones: Shelter" in tips
    canvas.centre_on(*RAFAH, zoom=12)
    assert all(i.isVisible() for i in canvas.reference)  # labels show from zoom 9
    panel.reference_list.item(0).setCheckState(Qt.CheckState.Unchecked)
    assert canvas.reference == []
    assert settings.hidden_reference_layers(ws.session.root) == {geo.list_layers(ws.session.case)[0].layer_id}
