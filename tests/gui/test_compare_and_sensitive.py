"""Comparing two items; marking items sensitive (an event, undoable) and the blur it brings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel

from verify_bench import browse
from verify_bench.gui import settings
from verify_bench.gui.models.item_model import BlurredRole
from verify_bench.gui.views.duplicates_view import UNAVAILABLE
from verify_bench.verify import verify_case


@pytest.fixture
def ws(window, qtbot, filled_case: Path):  # type: ignore[no-untyped-def]
    assert window.open_case(filled_case)
    qtbot.waitUntil(lambda: window.workspace.model.rowCount() == 6, timeout=5000)
    return window.workspace


def _id(ws, name: str) -> str:  # type: ignore[no-untyped-def]
    return ws.session.case.conn.execute("SELECT id FROM items WHERE display_name = ?", (name,)).fetchone()[0]


def _select(ws, *names: str) -> None:  # type: ignore[no-untyped-def]
    view = ws.browser.view
    selection = QItemSelection()
    for name in names:
        index = ws.model.index(ws.model.row_of(_id(ws, name)), 0)
        selection.select(index, index)
    view.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)


def test_compare_two_selected_items_follows_zoom_and_offers_overlay_and_flicker(ws, qtbot):
    _select(ws, "img_0.jpg", "img_0_copy.jpg")
    assert ws.compare_action.isEnabled()
    ws.compare_action.trigger()
    view = ws.tabs.currentWidget()
    assert view.objectName() == "compare_view"
    a, b = view.viewers
    qtbot.waitUntil(lambda: a.has_image and b.has_image, timeout=5000)
    a.set_zoom(a.zoom * 3)
    assert b.zoom / b._fit_zoom() == pytest.approx(a.zoom / a._fit_zoom(), rel=1e-3)  # noqa: SLF001
    assert "distance" in view.evidence.text()  # perceptual hash distance of the pair
    view.modes.button(1).setChecked(True)
    assert view.stack.currentWidget() is view.overlay
    view.modes.button(2).setChecked(True)
    assert view._flicker.isActive()  # noqa: SLF001
    ws.tabs.tabCloseRequested.emit(ws.tabs.indexOf(view))
    assert ws.tabs.count() == 1


def test_match_decisions_need_duplicate_detection(ws, qtbot):
    view = ws.compare(_id(ws, "img_1.jpg"), _id(ws, "img_2.jpg"))
    available = browse.duplicate_detection_available(ws.session.case)
    assert view.confirm.isEnabled() == available
    if available:
        view.confirm.click()
        qtbot.waitUntil(lambda: "confirmed" in view.evidence.text(), timeout=5000)
        assert verify_case(ws.session.root).ok


def test_the_duplicates_view_lists_groups_or_says_why_not(ws, qtbot):
    ws.duplicates_dock.show()
    view = ws.duplicates
    if browse.duplicate_detection_available(ws.session.case):
        qtbot.waitUntil(lambda: view.tree.topLevelItemCount() > 0, timeout=10_000)  # img_0 and its re-encoding
    else:
        qtbot.waitUntil(lambda: view.message.text() == UNAVAILABLE, timeout=5000)


def test_marking_sensitive_is_an_event_blurs_the_item_and_undo_records_the_reverse(ws, qtbot):
    _select(ws, "img_1.jpg", "img_2.jpg")
    ws.sensitive_action.trigger()
    ids = {_id(ws, "img_1.jpg"), _id(ws, "img_2.jpg")}
    qtbot.waitUntil(lambda: ws.session.sensitive == ids, timeout=5000)
    row = ws.model.row_of(_id(ws, "img_1.jpg"))
    assert ws.model.index(row, 0).data(BlurredRole) is True
    flagged = ws.session.case.conn.execute(
        "SELECT item_id, payload FROM events WHERE kind = 'item.flagged' ORDER BY seq").fetchall()
    assert {r[0] for r in flagged} == ids
    assert all(json.loads(r[1]) == {"flag": "sensitive", "value": True} for r in flagged)

    ws.browser.select_item(_id(ws, "img_1.jpg"))
    qtbot.waitUntil(lambda: ws.detail.preview.banner.isVisibleTo(ws.detail.preview), timeout=5000)
    assert ws.detail.sensitive.isChecked()
    ws.detail.preview.reveal_button.click()
    assert not ws.detail.preview.banner.isVisibleTo(ws.detail.preview)

    ws.undo_action.trigger()
    qtbot.waitUntil(lambda: ws.session.sensitive == set(), timeout=5000)
    kinds = ws.session.case.conn.execute(
        "SELECT count(*) FROM events WHERE kind = 'item.flagged'").fetchone()[0]
    assert kinds == 4  # two marks, two compensating events; nothing deleted
    assert verify_case(ws.session.root).ok


def test_blur_all_until_opened_hides_thumbnails_of_unopened_items(ws, qtbot):
    ws.blur_all_action.trigger()
    assert settings.blur_policy(ws.session.root).all_until_opened
    other = ws.model.row_of(_id(ws, "img_3.jpg"))
    assert ws.model.index(other, 0).data(BlurredRole) is True
    ws.browser.select_item(_id(ws, "img_3.jpg"))
    qtbot.waitUntil(lambda: ws.detail.item_id == _id(ws, "img_3.jpg"))
    assert ws.model.index(other, 0).data(BlurredRole) is False
