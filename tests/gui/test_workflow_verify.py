"""Verify case from the History dock: progress, then the result said plainly — intact, or what is wrong."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from verify_bench.case import Case


def open_history(window, qtbot, root: Path):  # type: ignore[no-untyped-def]
    assert window.open_case(root)
    ws = window.workspace
    qtbot.waitUntil(lambda: ws.model.loaded_once)
    ws.history_action.trigger()
    return ws


def test_an_intact_case_is_said_to_be_intact(window, qtbot, filled_case: Path):
    ws = open_history(window, qtbot, filled_case)
    assert ws.history_view.table.rowCount() > 0
    ws.verify_action.trigger()
    dialog = ws.history_view.verify_dialog
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=30_000)
    assert "The case is intact" in dialog.verdict.text()
    assert dialog.report.originals_checked == 6 and dialog.report.head_hash in dialog.verdict.text()
    assert dialog.close_button.isVisible() and not dialog.cancel_button.isVisible()
    dialog.close_button.click()


def test_a_changed_original_is_named(window, qtbot, filled_case: Path):
    with Case.open(filled_case) as case:
        stored = filled_case / case.conn.execute("SELECT stored_path FROM items LIMIT 1").fetchone()[0]
    os.chmod(stored, stat.S_IWUSR | stat.S_IRUSR)
    stored.write_bytes(stored.read_bytes()[:-1] + b"\x00")
    ws = open_history(window, qtbot, filled_case)
    dialog = ws.history_view.verify()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=30_000)
    assert "1 problem(s) found" in dialog.verdict.text()
    codes = [dialog.findings.topLevelItem(i).text(1) for i in range(dialog.findings.topLevelItemCount())]
    assert codes == ["original_altered"]
    dialog.close()


def test_the_history_tab_flags_an_event_whose_signature_was_broken(window, qtbot, filled_case: Path):
    import sqlite3

    with Case.open(filled_case) as case:
        item, seq = case.conn.execute(
            "SELECT item_id, max(seq) FROM events WHERE item_id IS NOT NULL").fetchone()
    conn = sqlite3.connect(filled_case / "case.sqlite")
    conn.execute("DROP TRIGGER IF EXISTS events_refuse_update")
    conn.execute("UPDATE events SET signature = CASE WHEN signature LIKE '00%' THEN '11' ELSE '00' END"
                 " || substr(signature, 3) WHERE seq = ?", (seq,))
    conn.commit()
    conn.close()
    assert window.open_case(filled_case)
    ws = window.workspace
    qtbot.waitUntil(lambda: ws.model.loaded_once)
    ws.browser.select_item(item)
    ws.detail.tabs.setCurrentWidget(ws.detail.history)
    history = ws.detail.history
    qtbot.waitUntil(lambda: "signature problem" in history.summary.text())
    assert "1 signature problem(s)" in history.summary.text()
    assert history.table.entry(0).seq == seq and history.table.item(0, 6).text() == "invalid"
