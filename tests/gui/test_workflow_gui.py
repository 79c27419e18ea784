"""The Workflow and History tabs and the choice of who acts: investigator refused a verdict, lead
approving, history showing the new signed events, a passphrase-protected profile unlocked by dialog."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog

from verify_bench import profiles, workflow
from verify_bench.case import Case
from verify_bench.gui.main_window import MainWindow
from verify_bench.gui.views.actor_dialog import PassphraseDialog, ProfileDialog

WindowAs = Callable[[str | None], MainWindow]


@pytest.fixture
def people(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """This test's own profiles: lena (lead) and ivan (investigator); nothing remembered."""
    monkeypatch.setenv(profiles.CONFIG_DIR_ENV, str(tmp_path / "config"))
    monkeypatch.delenv(profiles.PASSPHRASE_ENV, raising=False)
    profiles.create_profile("lena", role="lead")
    profiles.create_profile("ivan")


@pytest.fixture
def window_as(qtbot, people, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[WindowAs]:  # type: ignore[no-untyped-def]
    from verify_bench.gui.app import make_app

    made: list[MainWindow] = []

    def make(name: str | None) -> MainWindow:
        if name is None:
            monkeypatch.delenv("VERIFY_BENCH_ACTOR", raising=False)
        else:
            monkeypatch.setenv("VERIFY_BENCH_ACTOR", name)
        make_app()
        w = MainWindow(sample_path=tmp_path / "sample.vbcase")
        qtbot.addWidget(w)
        w.show()
        made.append(w)
        return w

    yield make
    for w in made:
        w.close()


def items_of(root: Path) -> list[str]:
    with Case.open(root) as case:
        return [r[0] for r in case.conn.execute("SELECT id FROM items ORDER BY imported_seq")]


def open_on(window: MainWindow, root: Path, item_id: str, qtbot):  # type: ignore[no-untyped-def]
    assert window.open_case(root)
    ws = window.workspace
    assert ws is not None
    qtbot.waitUntil(lambda: ws.model.loaded_once)
    ws.browser.select_item(item_id)
    ws.detail.tabs.setCurrentWidget(ws.detail.workflow)
    assert ws.detail.workflow.item_id == item_id
    return ws


def state_of(root: Path, item_id: str) -> str:
    with Case.open(root) as case:
        return workflow.item_status(case, item_id).state


def test_an_investigator_works_an_item_but_cannot_give_a_verdict(window_as, filled_case: Path, qtbot):
    item = items_of(filled_case)[0]
    window = window_as("ivan")
    ws = open_on(window, filled_case, item, qtbot)
    panel = ws.detail.workflow
    assert "an investigator" in panel.state_label.text() and "ivan" in window.actor_button.text()
    assert panel.buttons["in_progress"].text() == "Start work" and panel.buttons["in_progress"].isEnabled()

    panel.buttons["in_progress"].click()
    qtbot.waitUntil(lambda: state_of(filled_case, item) == "in_progress")
    qtbot.waitUntil(lambda: "In progress" in panel.state_label.text())

    combo, note = panel.check_results["location"], panel.check_notes["location"]
    note.setText("minaret and water tower line up")
    combo.setCurrentIndex(combo.findData("pass"))
    combo.activated.emit(combo.currentIndex())
    qtbot.waitUntil(lambda: panel.check_by["location"].text().startswith("ivan"))
    panel.new_comment.setPlainText("found the first upload on a local channel")
    panel.comment_button.click()
    qtbot.waitUntil(lambda: "first upload" in panel.thread.toPlainText())
    assert not panel.assign_button.isEnabled() and "Only a lead" in panel.assign_button.toolTip()
    panel.take_button.click()
    qtbot.waitUntil(lambda: panel.status is not None and panel.status.assignee == "ivan")

    panel.buttons["ready_for_review"].click()
    qtbot.waitUntil(lambda: panel.status is not None and panel.status.state == "ready_for_review")
    verified = panel.buttons["verified"]
    assert verified.isVisible() and not verified.isEnabled()
    assert "Only a lead" in verified.toolTip() and "investigator" in verified.toolTip()
    assert not panel.buttons["returned"].isEnabled()

    panel.request_state("verified")   # as if the button were forced: the core refuses it
    qtbot.waitUntil(lambda: "only a lead may" in panel.message.text())
    assert state_of(filled_case, item) == "ready_for_review"

    with Case.open(filled_case) as case:
        checks = {c.check: c for c in workflow.item_checks(case, item)}
        assert (checks["location"].result, checks["location"].note) == ("pass", "minaret and water tower line up")

    ws.detail.tabs.setCurrentWidget(ws.detail.history)
    history = ws.detail.history.table
    qtbot.waitUntil(lambda: history.rowCount() > 0 and history.entry(0).kind == "status.changed")
    qtbot.waitUntil(lambda: all(history.entry(r).signature for r in range(history.rowCount())))  # on a worker
    mine = [history.entry(r) for r in range(history.rowCount()) if history.entry(r).actor == "ivan"]
    assert [e.kind for e in mine] == ["status.changed", "item.assigned", "comment.added", "check.recorded",
                                      "status.changed"]
    assert all(e.signature == "valid" for e in mine)
    assert ws.detail.history.summary.text().startswith(f"{history.rowCount()} event(s), newest first")
    assert "signature problem" not in ws.detail.history.summary.text()
    assert history.item(0, 6).text() == "✓ valid"
    history.selectRow(0)
    history.copy_hash_action.trigger()
    assert QApplication.clipboard().text() == mine[0].hash and len(mine[0].hash) == 64


def test_a_lead_approves_in_the_tab_and_the_item_is_sealed(window_as, filled_case: Path, qtbot):
    item = items_of(filled_case)[1]
    with Case.open(filled_case, actor="ivan") as case:
        workflow.submit(case, [item], comment="ready")
    window = window_as("lena")
    ws = open_on(window, filled_case, item, qtbot)
    panel = ws.detail.workflow
    assert "a lead" in panel.state_label.text()
    assert panel.buttons["verified"].isEnabled() and panel.buttons["returned"].isEnabled()
    assert panel.assign_button.isEnabled()   # a lead assigns anyone
    panel.assignee.setEditText("ivan")
    panel.assign_button.click()
    qtbot.waitUntil(lambda: panel.status is not None and panel.status.assignee == "ivan")
    assert "assigned to <b>ivan</b>" in panel.state_label.text()

    panel.comment.setText("geolocated twice")
    panel.buttons["verified"].click()
    qtbot.waitUntil(lambda: panel.status is not None and panel.status.state == "verified")
    assert "sealed" in panel.state_label.text() and not panel.checks_box.isEnabled()
    assert not panel.take_button.isEnabled()
    reopen = panel.buttons["in_progress"]
    assert reopen.text() == "Reopen…" and reopen.isVisible()
    assert not panel.buttons["verified"].isVisible()

    reopen.click()   # no reason given: refused by the core, said in the tab
    qtbot.waitUntil(lambda: "needs a comment" in panel.message.text())
    assert state_of(filled_case, item) == "verified"

    with Case.open(filled_case) as case:
        last = workflow.item_history(case, item, check_signatures=True)[0]
    assert (last.actor, last.payload["to"], last.payload["comment"], last.signature) == (
        "lena", "verified", "geolocated twice", "valid")


def test_a_protected_profile_is_unlocked_by_dialog_and_signs_on_the_writer_thread(window_as, filled_case: Path, qtbot):
    profiles.create_profile("noor", passphrase="olive grove")
    profiles.remember_profile("noor")
    window = window_as(None)   # no $VERIFY_BENCH_ACTOR: the remembered profile, still locked
    assert window.signer is None and "noor (locked)" in window.actor_button.text()
    seen: list[str] = []

    def type_passphrase() -> None:
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, PassphraseDialog) and w.isVisible())
        if not seen:
            dialog.passphrase.setText("wrong words")
            dialog.accept()
            seen.append(dialog.error.text())
            assert dialog.isVisible() and dialog.passphrase.text() == ""
            QTimer.singleShot(50, type_passphrase)
            return
        dialog.passphrase.setText("olive grove")
        dialog.accept()

    QTimer.singleShot(50, type_passphrase)
    item = items_of(filled_case)[2]
    ws = open_on(window, filled_case, item, qtbot)
    assert seen == ["wrong passphrase for profile 'noor'"]
    assert window.signer is not None and window.signer.name == "noor"
    assert "Acting as noor" in window.actor_button.text()

    panel = ws.detail.workflow
    panel.new_comment.setPlainText("signed with a protected key")
    panel.comment_button.click()   # runs on the writer thread's own connection: it needs the unlocked signer
    qtbot.waitUntil(lambda: "protected key" in panel.thread.toPlainText())
    with Case.open(filled_case) as case:
        last = workflow.item_history(case, item, check_signatures=True)[0]
    assert (last.kind, last.actor, last.signature) == ("comment.added", "noor", "valid")


def test_without_a_remembered_profile_the_chooser_creates_one_with_role_and_passphrase(window_as, qtbot):
    outcome: list[int] = []

    def create_in_dialog() -> None:
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ProfileDialog) and w.isVisible())
        assert {dialog.profiles.item(i).text().split()[0] for i in range(dialog.profiles.count())} == {"ivan", "lena"}
        dialog.new_name.setText("sara")
        dialog.new_role.setCurrentIndex(dialog.new_role.findData("lead"))
        dialog.new_passphrase.setText("first words")
        dialog.new_confirm.setText("other words")
        dialog.create_button.click()
        assert "differ" in dialog.error.text() and dialog.isVisible()
        dialog.new_confirm.setText("first words")
        dialog.create_button.click()
        outcome.append(dialog.result())

    QTimer.singleShot(50, create_in_dialog)
    window = window_as(None)   # nothing remembered, no $VERIFY_BENCH_ACTOR: asked at start-up
    qtbot.waitUntil(lambda: bool(outcome))
    assert outcome == [QDialog.DialogCode.Accepted]
    assert window.signer is not None and window.signer.name == "sara"
    made = profiles.load_profile("sara")
    assert made.role == "lead" and made.protected
    assert profiles.remembered_profile() == "sara"
    assert "Acting as sara · lead" in window.actor_button.text()


def test_a_lead_promotes_someone_in_the_people_dialog_but_cannot_leave_the_case_leaderless(
        window_as, filled_case: Path, qtbot):
    item = items_of(filled_case)[0]
    for name in ("lena", "ivan"):   # lena joins first: she is the case's lead
        with Case.open(filled_case, actor=name) as case:
            workflow.add_comment(case, item, f"{name} was here")
    window = window_as("lena")
    ws = open_on(window, filled_case, item, qtbot)
    dialog = ws.show_people()
    rows = {dialog.tree.topLevelItem(i).data(0, 0x0100).name: dialog.tree.topLevelItem(i)
            for i in range(dialog.tree.topLevelItemCount())}
    assert {"lena", "ivan", "tester"} <= set(rows) and rows["lena"].text(1) == "lead"

    dialog.tree.setCurrentItem(rows["lena"])
    assert not dialog.lead_button.isEnabled() and dialog.investigator_button.isEnabled()
    dialog.investigator_button.click()
    qtbot.waitUntil(lambda: "only lead" in dialog.message.text())

    dialog.tree.setCurrentItem(rows["ivan"])
    dialog.lead_button.click()
    qtbot.waitUntil(lambda: "ivan is now a lead" in dialog.message.text())
    with Case.open(filled_case) as case:
        assert {p.name: p.role for p in workflow.list_people(case)}["ivan"] == "lead"
    qtbot.waitUntil(lambda: any(dialog.tree.topLevelItem(i).text(0) == "ivan" and dialog.tree.topLevelItem(i).text(1)
                                == "lead" for i in range(dialog.tree.topLevelItemCount())))
    dialog.close()
