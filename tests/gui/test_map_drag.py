"""Dragging a claim on the map: asked first, recorded as a new claim with the old one withdrawn, undoable."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMessageBox

from tests.gui.test_map import RAFAH, _gps_template  # noqa: F401 - the session-scoped case fixture
from verify_bench import geo
from verify_bench.geo.mercator import project
from verify_bench.gui.views.map_layers import CLAIM_KEY, Marker
from verify_bench.verify import verify_case


@pytest.fixture
def claimed(window, qtbot, _gps_template: Path, tmp_path: Path):  # type: ignore[no-untyped-def]  # noqa: F811
    root = tmp_path / "gps.vbcase"
    shutil.copytree(_gps_template, root)
    assert window.open_case(root)
    ws = window.workspace
    qtbot.waitUntil(lambda: ws.model.rowCount() == 4, timeout=5000)
    ws.map_dock.show()
    ws.resize(1200, 800)
    item_id = ws.session.case.conn.execute("SELECT id FROM items WHERE display_name = 'no_gps.jpg'").fetchone()[0]
    ws.session.write(lambda c: geo.claim_location(c, item_id, geo.ParsedPoint(*RAFAH, "decimal"), precision_m=30,
                                                  method="landmark_match", note="tower", accept=True), name="Claim")
    assert ws.browser.select_item(item_id)
    qtbot.waitUntil(lambda: ws.map.model.settled and ws.map.model.locations is not None
                    and len(ws.map.model.locations.claims) == 1, timeout=5000)  # read, and fitted to the pins once
    ws.map.canvas.centre_on(*RAFAH, zoom=16)
    return ws, item_id


def _drag_claim(ws, qtbot, by: QPoint) -> None:  # type: ignore[no-untyped-def]
    canvas = ws.map.canvas
    marker = next(m for m in canvas.overlay if isinstance(m, Marker) and m.data(CLAIM_KEY))
    start = canvas.mapFromScene(marker.pos())
    viewport = canvas.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(viewport, start + by / 2)
    qtbot.mouseMove(viewport, start + by)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=start + by)


def test_dragging_a_claim_asks_then_records_a_move_that_undo_reverses(claimed, qtbot):
    ws, item_id = claimed
    _drag_claim(ws, qtbot, QPoint(80, 0))
    box = ws.map.move_box
    assert box is not None and box.isVisible() and "Move this claim" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: len(geo.location_claims(ws.session.case, item_id=item_id)) == 2, timeout=5000)
    old, new = geo.location_claims(ws.session.case, item_id=item_id)
    assert old.withdrawn and new.accepted and (new.method, new.precision_m, new.note) == ("landmark_match", 30, "tower")
    assert new.lat == pytest.approx(RAFAH[0], abs=1e-4) and new.lon > RAFAH[1] + 0.0005  # moved east
    assert ws.undo_action.isEnabled() and "Move location claim" in ws.undo_action.text()
    ws.undo_action.trigger()
    qtbot.waitUntil(lambda: len(geo.location_claims(ws.session.case, item_id=item_id)) == 3, timeout=5000)
    back = geo.item_locations(ws.session.case, item_id).accepted
    assert back is not None and (back.lat, back.lon) == pytest.approx(RAFAH)
    assert back.input_text.startswith("moved back (undo) from claim")
    ws.redo_action.trigger()
    qtbot.waitUntil(lambda: len(geo.location_claims(ws.session.case, item_id=item_id)) == 4, timeout=5000)
    assert geo.item_locations(ws.session.case, item_id).accepted.lon == pytest.approx(new.lon)
    assert verify_case(ws.session.root).ok


def test_a_cancelled_drag_changes_nothing_and_puts_the_marker_back(claimed, qtbot):
    ws, item_id = claimed
    _drag_claim(ws, qtbot, QPoint(0, 60))
    ws.map.move_box.button(QMessageBox.StandardButton.Cancel).click()
    marker = next(m for m in ws.map.canvas.overlay if isinstance(m, Marker) and m.data(CLAIM_KEY))
    x, y = project(*RAFAH)
    assert (marker.pos().x(), marker.pos().y()) == pytest.approx((x, y))
    _drag_claim(ws, qtbot, QPoint(2, 1))  # a click, not a drag
    assert not ws.map.move_box.isVisible()
    assert len(geo.location_claims(ws.session.case, item_id=item_id)) == 1
    assert not ws.undo_action.isEnabled()
