"""Browsing a case: grid and table, filters and saved filters, keyboard, the detail panels."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from verify_bench.gui.views.browser import EMPTY_FILTER


@pytest.fixture
def ws(window, qtbot, filled_case: Path):  # type: ignore[no-untyped-def]
    assert window.open_case(filled_case)
    qtbot.waitUntil(lambda: window.workspace.model.rowCount() == 6, timeout=5000)
    return window.workspace


def _names(ws) -> list[str]:  # type: ignore[no-untyped-def]
    return [ws.model.item_row(i).display_name for i in range(ws.model.rowCount())]


def _select(ws, qtbot, name: str) -> str:  # type: ignore[no-untyped-def]
    item_id = ws.session.case.conn.execute("SELECT id FROM items WHERE display_name = ?", (name,)).fetchone()[0]
    assert ws.browser.select_item(item_id)
    qtbot.waitUntil(lambda: ws.detail.item_id == item_id)
    return item_id


def test_selecting_an_item_shows_its_hashes_metadata_and_history(ws, qtbot):
    item_id = _select(ws, qtbot, "img_2.jpg")
    item = ws.session.case.find_item(item_id)
    provenance = ws.detail.provenance
    assert provenance.sha256.edit.text() == item["sha256"]
    assert provenance.md5.edit.text() == item["md5"]
    provenance.sha256.button.click()
    assert QApplication.clipboard().text() == item["sha256"]
    assert provenance.sightings_model.rowCount() == 1
    assert provenance.sightings_model.item(0, 0).text().endswith("img_2.jpg")
    assert provenance.events_model.rowCount() == 3  # imported, sighted, analysed

    summary = ws.detail.metadata.summary_model
    fields = {summary.item(r, 0).text(): summary.item(r, 1).text() for r in range(summary.rowCount())}
    assert fields["Camera make"] == "TestCam" and fields["Camera model"] == "Model 2"
    raw = ws.detail.metadata
    raw.search.setText("Model")
    proxy = raw.proxy
    shown = [proxy.index(c, 0, proxy.index(r, 0)).data() for r in range(proxy.rowCount())
             for c in range(proxy.rowCount(proxy.index(r, 0)))]
    assert shown and all("Model" in s for s in shown)
    raw.raw.selectAll()
    raw.copy_selected()
    assert "Model 2" in QApplication.clipboard().text()
    qtbot.waitUntil(lambda: ws.detail.preview.viewer.has_image, timeout=5000)


def test_text_filter_narrows_the_list_and_escape_brings_everything_back(ws, qtbot):
    bar = ws.browser.filter_bar
    ws.filter_action.trigger()
    qtbot.keyClicks(bar.text, "img_3")
    qtbot.waitUntil(lambda: ws.model.rowCount() == 1, timeout=3000)
    assert _names(ws) == ["img_3.jpg"]
    qtbot.keyClicks(bar.text, "-nothing")
    qtbot.waitUntil(lambda: ws.model.rowCount() == 0, timeout=3000)
    assert ws.browser.stack.currentWidget() is ws.browser.empty and ws.browser.empty.text() == EMPTY_FILTER
    qtbot.keyClick(bar.text, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: ws.model.rowCount() == 6, timeout=3000)


def test_camera_filter_and_saved_filters(ws, qtbot, monkeypatch):
    bar = ws.browser.filter_bar
    bar.text.setText("Model 4")
    qtbot.waitUntil(lambda: ws.model.rowCount() == 1, timeout=3000)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Model four", True))
    bar.save_current()
    bar.set_filter(type(bar.current())())
    qtbot.waitUntil(lambda: ws.model.rowCount() == 6, timeout=3000)
    index = bar.saved.findText("Model four")
    assert index > 0
    bar.saved.setCurrentIndex(index)
    bar.saved.activated.emit(index)
    qtbot.waitUntil(lambda: ws.model.rowCount() == 1, timeout=3000)
    bar.combos["status"].setCurrentIndex(bar.combos["status"].findData("failed"))
    qtbot.waitUntil(lambda: ws.model.rowCount() == 0, timeout=3000)
    assert bar.delete.isEnabled()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    bar.delete.click()
    assert bar.saved.findText("Model four") == -1 and not bar.delete.isEnabled()


def test_the_table_sorts_by_size_when_its_header_is_clicked(ws, qtbot):
    ws.table_action.trigger()
    assert ws.browser.view is ws.browser.table
    size_column = 4
    ws.browser.table.sortByColumn(size_column, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: ws.model.sort_key == "size" and ws.model.descending)
    qtbot.waitUntil(lambda: [ws.model.item_row(i).size for i in range(6)] ==
                    sorted((ws.model.item_row(i).size for i in range(6)), reverse=True), timeout=3000)


def test_arrow_keys_move_through_items_and_enter_opens_the_preview(ws, qtbot):
    grid = ws.browser.grid
    grid.setFocus()
    first = _select(ws, qtbot, _names(ws)[0])
    qtbot.keyClick(grid, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: ws.detail.item_id not in (None, first))
    ws.detail_dock.hide()
    qtbot.keyClick(grid, Qt.Key.Key_Return)
    assert ws.detail_dock.isVisible()
    assert ws.detail.tabs.currentWidget() is ws.detail.preview


def test_ctrl_c_in_the_browser_copies_the_selected_hashes(ws, qtbot):
    item_id = _select(ws, qtbot, "img_1.jpg")
    ws.browser.grid.setFocus()
    qtbot.keyClick(ws.browser.grid, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == ws.session.case.find_item(item_id)["sha256"]


def test_the_image_viewer_zooms_with_plus_minus_and_zero(ws, qtbot):
    _select(ws, qtbot, "img_4.jpg")
    viewer = ws.detail.preview.viewer
    qtbot.waitUntil(lambda: viewer.has_image, timeout=5000)
    viewer.setFocus()
    fit = viewer.zoom
    qtbot.keyClick(viewer, Qt.Key.Key_Plus)
    assert viewer.zoom == pytest.approx(fit * 1.25)
    qtbot.keyClick(viewer, Qt.Key.Key_1)
    assert viewer.zoom == pytest.approx(1.0)
    qtbot.keyClick(viewer, Qt.Key.Key_0)
    assert viewer.zoom == pytest.approx(fit)


def test_the_grid_selects_with_click_shift_and_ctrl_a_and_enables_bulk_actions(ws, qtbot):
    grid = ws.browser.grid
    qtbot.waitUntil(lambda: grid.visualRect(ws.model.index(0, 0)).isValid())
    first = grid.visualRect(ws.model.index(0, 0)).center()
    third = grid.visualRect(ws.model.index(2, 0)).center()
    qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=first)
    assert ws.browser.selected_rows() == [0]
    assert not ws.compare_action.isEnabled()
    qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, pos=third)
    assert ws.browser.selected_rows() == [0, 1, 2]
    qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, pos=third)
    assert ws.browser.selected_rows() == [0, 1]
    assert ws.compare_action.isEnabled() and ws.sensitive_action.isEnabled()
    qtbot.keyClick(grid, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert ws.browser.selected_rows() == list(range(6))
    qtbot.keyClick(grid, Qt.Key.Key_End)
    assert ws.browser.selected_rows() == [5]
    assert grid.indexAt(grid.visualRect(ws.model.index(5, 0)).center()).row() == 5


def test_dragging_a_rubber_band_selects_the_cells_it_touches_and_ctrl_adds(ws, qtbot):
    grid = ws.browser.grid
    grid.resize(3 * 184 + 40, 600)  # three columns: items 0-2 on the first row, 3-5 on the second
    qtbot.waitUntil(lambda: grid.columns() == 3)
    rect = lambda n: grid.visualRect(ws.model.index(n, 0))  # noqa: E731
    vp = grid.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=rect(0).center())
    QTest.mouseMove(vp, rect(4).center())
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=rect(4).center())
    assert ws.browser.selected_rows() == [0, 1, 3, 4]
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, pos=rect(2).center())
    QTest.mouseMove(vp, rect(5).center())
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, pos=rect(5).center())
    assert ws.browser.selected_rows() == [0, 1, 2, 3, 4, 5]


def test_switching_to_the_table_keeps_the_selection(ws, qtbot):
    item_id = _select(ws, qtbot, "img_3.jpg")
    ws.table_action.trigger()
    assert ws.browser.selected_ids() == [item_id]
    ws.grid_action.trigger()
    assert ws.browser.selected_ids() == [item_id]
