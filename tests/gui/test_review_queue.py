"""The review queue dock: what it lists, bulk approve, return with a required comment, opening an
item, and what an investigator may not do there."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from verify_bench import profiles, workflow
from verify_bench.case import Case
from verify_bench.gui.main_window import MainWindow
from verify_bench.gui.views.review_queue import ID_ROLE, PRESETS


@pytest.fixture
def submitted(filled_case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[str]]:
    """Three items submitted by ivan (assigned to him), one returned earlier; lena is the lead."""
    monkeypatch.setenv(profiles.CONFIG_DIR_ENV, str(tmp_path / "config"))
    monkeypatch.delenv(profiles.PASSPHRASE_ENV, raising=False)
    profiles.create_profile("lena", role="lead")
    with Case.open(filled_case) as case:
        ids = [r[0] for r in case.conn.execute("SELECT id FROM items ORDER BY imported_seq")]
    with Case.open(filled_case, actor="lena") as case:
        workflow.add_comment(case, ids[0], "lena joins the case as its lead")
    with Case.open(filled_case, actor="ivan") as case:
        workflow.assign(case, ids[:3], "ivan")
        workflow.record_check(case, ids[0], "source", "pass")
        workflow.submit(case, ids[:4])
    with Case.open(filled_case, actor="lena") as case:
        workflow.return_items(case, [ids[3]], comment="who filmed it?")
    return filled_case, ids


@pytest.fixture
def window_as(qtbot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator:  # type: ignore[no-untyped-def,type-arg]
    from verify_bench.gui.app import make_app

    made: list[MainWindow] = []

    def make(name: str, root: Path) -> MainWindow:
        monkeypatch.setenv("VERIFY_BENCH_ACTOR", name)
        make_app()
        w = MainWindow(sample_path=tmp_path / "sample.vbcase")
        qtbot.addWidget(w)
        w.show()
        made.append(w)
        assert w.open_case(root)
        qtbot.waitUntil(lambda: w.workspace is not None and w.workspace.model.loaded_once)
        w.workspace.queue_action.trigger()
        return w

    yield make
    for w in made:
        w.close()


def listed(queue) -> list[str]:  # type: ignore[no-untyped-def]
    """The item ids in the rows shown, in their displayed order."""
    return [queue.proxy.index(r, 0).data(ID_ROLE) for r in range(queue.proxy.rowCount())]


def test_a_lead_approves_several_and_returns_one_with_a_comment(window_as, submitted, qtbot):
    root, ids = submitted
    window = window_as("lena", root)
    ws = window.workspace
    queue = ws.review_queue
    assert ws.queue_dock.isVisible() and window.workspace.queue_action.shortcut().toString() == "Ctrl+Shift+R"
    assert sorted(listed(queue)) == sorted(ids[:3]) and queue.count.text() == "3 items"
    assert not queue.approve_button.isEnabled()   # nothing selected yet
    for person, expected in (("", []), ("ivan", sorted(ids[:3])), (None, sorted(ids[:3]))):
        queue.assignee.setCurrentIndex(queue.assignee.findData(person))
        queue.assignee.activated.emit(queue.assignee.currentIndex())
        assert sorted(listed(queue)) == expected, person

    queue.select_ids(ids[:2])
    assert queue.approve_button.isEnabled() and queue.return_button.isEnabled()
    queue.verdict.setCurrentIndex(queue.verdict.findData("unverifiable"))
    queue.approve_button.click()
    qtbot.waitUntil(lambda: listed(queue) == [ids[2]])
    assert queue.selected_ids() == [ids[2]]   # the next one is selected: triage goes on from the keyboard
    with Case.open(root) as case:
        assert [workflow.item_status(case, i).state for i in ids[:3]] == [
            "unverifiable", "unverifiable", "ready_for_review"]
        assert {workflow.item_status(case, i).reviewed_by for i in ids[:2]} == {"lena"}

    queue.select_ids([ids[2]])
    queue.return_button.click()   # no comment: refused before anything is written
    assert "needs a comment" in queue.status.text() and listed(queue) == [ids[2]]
    queue.comment.setText("find the earliest upload")
    queue.return_button.click()
    qtbot.waitUntil(lambda: listed(queue) == [])
    assert queue.empty.isVisible() and "No items" in queue.empty.text()
    with Case.open(root) as case:
        thread = workflow.item_comments(case, ids[2])
    assert (thread[-1].actor, thread[-1].text, thread[-1].context) == ("lena", "find the earliest upload", "returned")

    queue.preset.setCurrentIndex([p.label for p in PRESETS].index("Returned"))
    queue.preset.activated.emit(queue.preset.currentIndex())
    assert sorted(listed(queue)) == sorted([ids[2], ids[3]])

    # the history dock shows the decisions, newest first, with their item names
    ws.history_action.trigger()
    history = ws.history_view.table
    qtbot.waitUntil(lambda: history.rowCount() > 0 and history.entry(0).signature != "")
    newest = history.entry(0)
    assert (newest.actor, newest.kind, newest.payload["to"], newest.signature) == (
        "lena", "status.changed", "returned", "valid")
    ws.history_view.person.setCurrentIndex(ws.history_view.person.findData("lena"))
    ws.history_view.person.activated.emit(ws.history_view.person.currentIndex())
    assert {history.entry(r).actor for r in range(history.rowCount())} == {"lena"}


def test_opening_a_queue_row_selects_the_item_and_shows_its_workflow(window_as, submitted, qtbot):
    root, ids = submitted
    window = window_as("lena", root)
    ws = window.workspace
    queue = ws.review_queue
    row = next(r for r in range(queue.proxy.rowCount()) if queue.proxy.index(r, 0).data(ID_ROLE) == ids[1])
    queue.open_row(row)
    assert ws.browser.selected_ids() == [ids[1]]
    assert ws.detail.item_id == ids[1] and ws.detail.tabs.currentWidget() is ws.detail.workflow


def test_an_investigator_sees_their_own_queue_but_cannot_approve(window_as, submitted, qtbot):
    root, ids = submitted
    window = window_as("ivan", root)
    queue = window.workspace.review_queue
    queue.select_ids(ids[:1])
    assert not queue.approve_button.isEnabled() and "Only a lead" in queue.approve_button.toolTip()
    queue.preset.setCurrentIndex([p.label for p in PRESETS].index("Assigned to me"))
    queue.preset.activated.emit(queue.preset.currentIndex())
    assert sorted(listed(queue)) == sorted(ids[:3])
    queue.approve_selected()   # the shortcut path while disabled: nothing is written
    with Case.open(root) as case:
        assert workflow.item_status(case, ids[0]).state == "ready_for_review"

