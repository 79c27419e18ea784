"""The timeline dock: items by best time with their candidates, incident windows, zoom/pan, selection both ways."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt

from verify_bench import chrono, geo
from verify_bench.gui.models.timeline_model import TimeScale
from verify_bench.gui.views.timeline_canvas import AXIS_H, NAME_W, ROW_H


def test_time_scale_maps_zooms_about_a_point_and_picks_round_ticks():
    start = datetime(2024, 5, 6, tzinfo=UTC)
    scale = TimeScale(start, 60.0)
    assert scale.x(start + timedelta(hours=1)) == 60
    assert scale.time(30) == start + timedelta(minutes=30)
    anchor = scale.time(200)
    scale.zoom(4, 200)
    assert scale.seconds_per_px == 15 and scale.time(200) == anchor
    ticks, fmt = scale.ticks(800)
    assert fmt == "%H:%M" and all(t.minute % 30 == 0 and t.second == 0 for t in ticks)  # 30 min = 120 px
    scale.fit(start, start + timedelta(days=30), 1000)
    assert scale.x(start) > 0 and scale.x(start + timedelta(days=30)) < 1000
    ticks, fmt = scale.ticks(1000)
    assert fmt == "%d %b" and ticks[0].hour == 0
    scale.fit(start, start + timedelta(days=2 * 365), 1000)
    ticks, fmt = scale.ticks(1000)
    assert fmt == "%b %Y" and [t.month for t in ticks[:3]] == [4, 7, 10] and all(t.day == 1 for t in ticks)
    scale.fit(start, start + timedelta(days=12 * 365), 1000)
    ticks, fmt = scale.ticks(1000)
    assert fmt == "%Y" and all((t.month, t.day) == (1, 1) for t in ticks)
    scale.pan(100)
    assert scale.x(start) < 100


@pytest.fixture
def ws(window, qtbot, filled_case: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    assert window.open_case(filled_case)
    ws = window.workspace
    qtbot.waitUntil(lambda: ws.model.rowCount() == 6, timeout=5000)
    ids = [r[0] for r in ws.session.case.conn.execute("SELECT id FROM items ORDER BY display_name")]

    def record(case):  # type: ignore[no-untyped-def]
        incident = geo.record_incident(case, "Strike on the port", time="2024-03-03T10:30:00+00:00")
        geo.link_items(case, incident.incident_id, ids[:3])
        chrono.claim_time(case, ids[0], "2024-03-03T10:05:00Z", precision_s=300, method="witness")

    ws.session.write(record, name="Incident and a time claim")
    ws.timeline_action.trigger()
    qtbot.waitUntil(lambda: bool(ws.timeline.model.data.incidents) and ws.timeline.model.data.rows[0].best is not None,
                    timeout=5000)
    return ws


def test_the_dock_toggles_from_the_view_menu_and_shows_items_by_best_time(ws, qtbot):
    assert ws.timeline_dock.isVisible() and ws.timeline_action.shortcut().toString() == "Ctrl+Shift+T"
    assert ws.timeline_action in ws.menus()["View"]
    data = ws.timeline.model.data
    assert len(data.rows) == 6 and data.incidents[0].title == "Strike on the port"
    bests = [r.best.middle for r in data.rows if r.best]
    assert bests == sorted(bests)
    canvas = ws.timeline.canvas
    x = canvas.scale.x(data.incidents[0].time)
    assert 0 < x < canvas.viewport().width() - NAME_W  # fitted: the incident is in view
    assert ws.timeline.stack.currentWidget() is canvas
    ws.timeline.incident.setCurrentIndex(1)
    qtbot.waitUntil(lambda: len(ws.timeline.model.data.rows) == 3, timeout=5000)
    image = canvas.viewport().grab().toImage()
    assert not image.isNull()
    ws.timeline_action.trigger()
    assert not ws.timeline_dock.isVisible()


def test_clicking_a_row_selects_the_item_and_the_browser_selection_follows(ws, qtbot):
    canvas = ws.timeline.canvas
    row = ws.timeline.model.data.rows[2]
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(NAME_W + 40, AXIS_H + 2 * ROW_H + 5))
    qtbot.waitUntil(lambda: ws.detail.item_id == row.item_id, timeout=5000)
    assert canvas.selected == row.item_id
    other = ws.timeline.model.data.rows[4].item_id
    assert ws.browser.select_item(other)
    qtbot.waitUntil(lambda: canvas.selected == other)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Up)
    qtbot.waitUntil(lambda: ws.detail.item_id == ws.timeline.model.data.rows[3].item_id, timeout=5000)


def test_wheel_zooms_drag_pans_and_tooltips_name_the_sources(ws, qtbot):
    canvas = ws.timeline.canvas
    before = canvas.scale.seconds_per_px
    qtbot.keyClick(canvas, Qt.Key.Key_Plus)
    assert canvas.scale.seconds_per_px == pytest.approx(before / 2)
    start = canvas.scale.start
    viewport = canvas.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=QPoint(NAME_W + 300, AXIS_H + 5))
    qtbot.mouseMove(viewport, QPoint(NAME_W + 250, AXIS_H + 5))
    qtbot.mouseMove(viewport, QPoint(NAME_W + 200, AXIS_H + 5))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=QPoint(NAME_W + 200, AXIS_H + 5))
    assert canvas.scale.start > start  # dragged left: later times come into view
    qtbot.keyClick(canvas, Qt.Key.Key_F)
    n, claimed = next((n, r) for n, r in enumerate(ws.timeline.model.data.rows) if r.best and r.best.kind == "claim")
    x = NAME_W + int(canvas.scale.x(claimed.best.middle))
    tip = canvas.tip_at(QPoint(x, AXIS_H + n * ROW_H + ROW_H // 2))
    assert claimed.display_name in tip and "time claim (claim " in tip and "±5 min" in tip


def test_an_empty_case_says_so(window, qtbot, tmp_path: Path):
    from verify_bench.case import Case

    root = tmp_path / "empty.vbcase"
    Case.create(root).close()
    assert window.open_case(root)
    view = window.workspace.timeline
    assert not view.model.active  # hidden: nothing is read
    window.workspace.timeline_dock.show()
    qtbot.waitUntil(lambda: view.model.loaded, timeout=5000)
    assert view.stack.currentWidget() is view.empty and view.empty.text() == "No items yet."


def test_the_timeline_dock_comes_back_with_the_saved_layout(ws, qtbot, window):
    root = ws.session.root
    ws.save_layout()
    window.close_case()
    assert window.open_case(root)
    window.workspace.restore_layout()
    assert window.workspace.timeline_dock.isVisible()
