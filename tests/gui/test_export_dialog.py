"""The export dialog: Ctrl+E from the workspace, scope from the selection, progress, result, errors, cancel."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.gui.conftest import SCREENSHOTS
from verify_bench.gui.views.export_dialog import ExportDialog
from verify_bench.reports.check import check_export
from verify_bench.reports.export import REPORT_EXPORTED



@pytest.fixture
def ws(window, qtbot, filled_case: Path):  # type: ignore[no-untyped-def]
    assert window.open_case(filled_case)
    qtbot.waitUntil(lambda: window.workspace.model.rowCount() == 6, timeout=5000)
    return window.workspace


def _exports(ws) -> int:  # type: ignore[no-untyped-def]
    return ws.session.case.conn.execute("SELECT count(*) FROM events WHERE kind = ?", (REPORT_EXPORTED,)).fetchone()[0]


def test_ctrl_e_exports_the_selection_and_offers_the_folder(ws, qtbot, tmp_path: Path, monkeypatch):
    action = ws.export_report_action
    assert action in ws.menus()["File"] and action.shortcut().toString() == "Ctrl+E"
    qtbot.keyClick(ws.browser.grid, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(ws.browser.grid, Qt.Key.Key_End, Qt.KeyboardModifier.ShiftModifier)
    ids = ws.browser.selected_ids()
    assert ids
    action.trigger()
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ExportDialog) and w.isVisible())
    assert dialog.scope_selected.isChecked() and dialog.selected_ids == ids
    dialog.folder.setText(str(tmp_path / "out"))
    dialog.formats["csv"].setChecked(True)
    dialog.originals.setChecked(True)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result is not None or dialog.error.isVisible(), timeout=60_000)
    assert dialog.result is not None, dialog.error.text()
    assert dialog.result.item_count == len(ids)
    assert dialog.result.manifest_sha256 in dialog.status.text()
    assert dialog.open_button.isVisible() and dialog.cancel_button.text() == "Close"
    assert check_export(dialog.result.path).ok
    qtbot.waitUntil(lambda: _exports(ws) == 1)
    opened: list[str] = []
    monkeypatch.setattr("verify_bench.gui.views.export_dialog.QDesktopServices.openUrl",
                        lambda url: opened.append(url.toLocalFile()))
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert opened == [str(dialog.result.path)]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SCREENSHOTS / "report-export-dialog.png"))
    dialog.close()


def test_errors_are_shown_and_nothing_is_recorded(ws, qtbot, tmp_path: Path):
    dialog = ExportDialog(ws.session, [])
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.scope_selected.isEnabled() and dialog.scope_whole.isChecked()
    dialog.folder.setText(str(tmp_path / "out"))
    dialog.scope_states.setChecked(True)      # no item is verified in this case
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.error.isVisible, timeout=30_000)
    assert "nothing to report" in dialog.error.text()
    assert dialog.export_button.isEnabled() and _exports(ws) == 0
    for box in dialog.state_boxes.values():
        box.setChecked(False)
    dialog.scope_states.setChecked(True)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert "Tick at least one state" in dialog.error.text()


def test_cancel_stops_the_export(ws, qtbot, tmp_path: Path, monkeypatch):
    from verify_bench.gui.views import export_dialog

    real = export_dialog.export_report

    def after_cancel(case, scope, folder, options, *, progress, cancel):  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + 10
        while not cancel() and time.monotonic() < deadline:   # the click lands before the real work starts
            time.sleep(0.01)
        return real(case, scope, folder, options, progress=progress, cancel=cancel)

    monkeypatch.setattr(export_dialog, "export_report", after_cancel)
    dialog = ExportDialog(ws.session, [])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.folder.setText(str(tmp_path / "out"))
    dialog.originals.setChecked(True)
    dialog.start()
    assert dialog.running and not dialog.export_button.isEnabled()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.running, timeout=30_000)
    assert "cancelled" in dialog.error.text()
    assert _exports(ws) == 0
    assert not [p for p in (tmp_path / "out").iterdir()]
