"""Start screen, creating and opening cases, recent cases, the sample case, remembered layout."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from verify_bench.gui import settings
from verify_bench.gui.views.browser import EMPTY_CASE
from verify_bench.verify import verify_case


def test_start_screen_offers_create_open_sample_and_recent(window):
    start = window.start
    assert window.stack.currentWidget() is start
    assert {b.text() for b in (start.new_button, start.open_button, start.sample_button)} == {
        "Create case…", "Open case…", "Open sample case"}
    assert "No recent cases yet" in start.recent.item(0).text()
    assert not window.close_action.isEnabled()


def test_creating_a_case_through_the_dialog_opens_an_empty_workspace(window, qtbot, tmp_path: Path, monkeypatch):
    target = tmp_path / "Strikes"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.new_action.trigger()
    ws = window.workspace
    assert ws is not None and (tmp_path / "Strikes.vbcase" / "case.sqlite").is_file()
    qtbot.waitUntil(lambda: ws.model.loaded_once)
    assert ws.browser.stack.currentWidget() is ws.browser.empty
    assert ws.browser.empty.text() == EMPTY_CASE
    assert window.windowTitle().startswith("Strikes")
    assert settings.recent_cases()[0] == (tmp_path / "Strikes.vbcase").resolve()


def test_opening_a_folder_that_is_not_a_case_says_so_on_the_start_screen(window, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    window.open_action.trigger()
    assert window.workspace is None
    assert "is not a case folder" in window.start.status.text()


def test_a_case_reopens_from_recent_with_its_layout_remembered(window, qtbot, filled_case: Path):
    assert window.open_case(filled_case)
    window.workspace.table_action.trigger()
    window.workspace.import_dock.show()
    window.close_case()
    entry = window.start.recent.item(0)
    assert "filled.vbcase" in entry.text()
    window.start.recent.itemActivated.emit(entry)
    ws = window.workspace
    assert ws is not None and ws.browser.view is ws.browser.table
    assert ws.table_action.isChecked()
    assert ws.import_dock.isVisibleTo(ws)


def test_open_sample_case_builds_the_demo_case_once_and_opens_it(window, qtbot):
    window.start.sample_button.click()
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=30_000)
    ws = window.workspace
    qtbot.waitUntil(lambda: ws.model.rowCount() >= 7, timeout=5000)
    assert window.windowTitle().startswith("Demo case")
    assert verify_case(window.sample_path).ok
    window.close_case()
    window.sample_action.trigger()  # already built: opens at once
    assert window.workspace is not None


def test_a_case_that_needs_an_upgrade_is_upgraded_off_the_gui_thread(window, qtbot, filled_case: Path, monkeypatch):
    from verify_bench import browse

    calls = iter([True])
    monkeypatch.setattr(browse, "needs_upgrade", lambda path: next(calls, False))
    assert window.open_case(filled_case)
    assert window.workspace is None and "Upgrading filled.vbcase" in window.start.status.text()
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=10_000)


def test_a_case_in_a_folder_named_with_uri_characters_opens_and_reads(window, qtbot, tmp_path: Path):
    """'#', '?' and '%' in a folder name must not end the SQLite URI early (read connections use URIs)."""
    import shutil

    from verify_bench import browse
    from verify_bench.case import Case
    from verify_bench.gui.session import read_connection

    root = tmp_path / "Strike #3? 100% sure" / "case.vbcase"
    root.parent.mkdir()
    Case.create(root, title="odd folder").close()
    assert browse.needs_upgrade(root) is False
    conn = read_connection(root)
    try:
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] >= 1
    finally:
        conn.close()
    decoy = tmp_path / "Strike "  # what 'file:…/Strike #3…' would have opened
    assert not decoy.exists()
    assert window.open_case(root)
    qtbot.waitUntil(lambda: window.workspace.model.loaded_once, timeout=10_000)
    window.close_case()
    shutil.rmtree(root.parent)
