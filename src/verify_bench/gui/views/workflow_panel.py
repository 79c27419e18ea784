"""The Workflow tab: an item's state and the changes the acting person may make, its five checks,
who it is assigned to, and its comment thread.

Every action calls a core function on the session's writer thread (one signed event each); the
core decides what is allowed. The tab only mirrors those rules to disable what would be refused,
with a tooltip saying why, and shows the core's message when something is refused anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...case import Case
from ...errors import ItemNotFound
from ...workflow import (
    CHECK_LABELS,
    CHECKS,
    STATE_LABELS,
    VERDICTS,
    add_comment,
    assign,
    change_state,
    item_checks,
    item_comments,
    item_status,
    list_people,
    record_check,
)
from ...workflow.status import ItemStatus
from ...workflow.vocabulary import TRANSITIONS
from ..formatting import short_time
from ..session import CaseSession
from .visibility import RefreshWhenShown

ERROR_STYLE = "color:#d0312d"
RESULT_MARKS = {"pass": "✓ pass", "fail": "✗ fail", "unknown": "? unknown"}
NOT_RECORDED = "— not recorded"
#: The targets offered as buttons, in the order they read; "in_progress" is "Start" or "Reopen".
TARGETS = ("in_progress", "ready_for_review", "returned", *VERDICTS)
STATE_COLORS = {"verified": "#2e7d32", "unverifiable": "#8d6e00", "false_or_misattributed": "#c62828",
                "returned": "#c25e00", "ready_for_review": "#1f5fa8"}


def button_text(to: str, state: str) -> str:
    if to == "in_progress":
        return "Reopen…" if state in VERDICTS else "Start work"
    return {"ready_for_review": "Submit for review", "returned": "Return…", "verified": "Verified",
            "unverifiable": "Unverifiable", "false_or_misattributed": "False / misattributed"}[to]


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class WorkflowPanel(QWidget):
    """One item's workflow, for the acting person."""

    refused = Signal(str)   # the core refused an action (message); also shown in the tab

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.item_id: str | None = None
        self.status: ItemStatus | None = None
        self.role = "investigator"

        # ---- state and transitions
        self.state_label = QLabel(objectName="workflow_state", textFormat=Qt.TextFormat.RichText, wordWrap=True)
        self.state_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.comment = QLineEdit(objectName="workflow_comment",
                                 placeholderText="Comment with the change (required to return or reopen)")
        self.buttons: dict[str, QPushButton] = {}
        flow = QHBoxLayout()
        verdicts = QHBoxLayout()
        self.verdict_label = QLabel("Verdict:")
        verdicts.addWidget(self.verdict_label)
        for to in TARGETS:
            button = QPushButton(button_text(to, "new"), objectName=f"to_{to}")
            button.clicked.connect(lambda _checked=False, t=to: self.request_state(t))
            self.buttons[to] = button
            (verdicts if to in VERDICTS else flow).addWidget(button)
        flow.addStretch(1)
        verdicts.addStretch(1)
        self.message = QLabel(objectName="workflow_message", wordWrap=True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        state_box = QGroupBox("Status")
        box = QVBoxLayout(state_box)
        box.addWidget(self.state_label)
        box.addWidget(self.comment)
        box.addLayout(flow)
        box.addLayout(verdicts)
        box.addWidget(self.message)

        # ---- checks
        self.check_results: dict[str, QComboBox] = {}
        self.check_notes: dict[str, QLineEdit] = {}
        self.check_by: dict[str, QLabel] = {}
        self.checks_box = QGroupBox("Checks")
        grid = QGridLayout(self.checks_box)
        grid.setColumnStretch(1, 1)
        grid.setVerticalSpacing(2)
        for n, check in enumerate(CHECKS):
            label = QLabel(f"<b>{CHECK_LABELS[check].split(' (')[0].capitalize()}</b>", toolTip=CHECK_LABELS[check])
            result = QComboBox(objectName=f"check_{check}")
            result.addItem(NOT_RECORDED, None)
            for value, text in RESULT_MARKS.items():
                result.addItem(text, value)
            result.activated.connect(lambda _index, c=check: self._record_check(c))
            note = QLineEdit(objectName=f"check_note_{check}", placeholderText="how you know")
            note.editingFinished.connect(lambda c=check: self._note_edited(c))
            by = QLabel(objectName=f"check_by_{check}", alignment=Qt.AlignmentFlag.AlignRight)
            by.setStyleSheet("color: gray")
            self.check_results[check], self.check_notes[check], self.check_by[check] = result, note, by
            row = 2 * n
            if n:
                grid.setRowMinimumHeight(row, 28)   # room above each check but the first
            grid.addWidget(label, row, 0, 1, 2, Qt.AlignmentFlag.AlignBottom)
            grid.addWidget(by, row, 2, Qt.AlignmentFlag.AlignBottom)
            grid.addWidget(result, row + 1, 0)
            grid.addWidget(note, row + 1, 1, 1, 2)

        # ---- assignment
        self.assignee = QComboBox(objectName="workflow_assignee", editable=True)
        self.assignee.lineEdit().setPlaceholderText("a person's name")
        self.assign_button = QPushButton("Assign", objectName="assign_button")
        self.assign_button.clicked.connect(lambda: self.assign_to(self.assignee.currentText().strip() or None))
        self.take_button = QPushButton("Assign to me", objectName="take_button")
        self.take_button.clicked.connect(lambda: self.assign_to(self.session.actor))
        self.unassign_button = QPushButton("Unassign", objectName="unassign_button")
        self.unassign_button.clicked.connect(lambda: self.assign_to(None))
        self.assign_box = QGroupBox("Assigned to")
        row_layout = QHBoxLayout(self.assign_box)
        row_layout.addWidget(self.assignee, 1)
        for b in (self.assign_button, self.take_button, self.unassign_button):
            row_layout.addWidget(b)

        # ---- comments
        self.thread = QTextBrowser(objectName="comment_thread", openLinks=False)
        self.thread.setMinimumHeight(120)
        self.new_comment = QPlainTextEdit(objectName="new_comment", placeholderText="Add a comment (Ctrl+Enter)")
        self.new_comment.setFixedHeight(60)
        self.comment_button = QPushButton("Add comment", objectName="add_comment")
        self.comment_button.clicked.connect(self.post_comment)
        shortcut = QShortcut(QKeySequence("Ctrl+Return"), self.new_comment, context=Qt.ShortcutContext.WidgetShortcut)
        shortcut.activated.connect(self.post_comment)
        comments_box = QGroupBox("Comments")
        cbox = QVBoxLayout(comments_box)
        cbox.addWidget(self.thread, 1)
        add_row = QHBoxLayout()
        add_row.addWidget(self.new_comment, 1)
        add_row.addWidget(self.comment_button, 0, Qt.AlignmentFlag.AlignBottom)
        cbox.addLayout(add_row)

        content = QWidget()
        column = QVBoxLayout(content)
        for w in (state_box, self.checks_box, self.assign_box):
            column.addWidget(w)
        column.addWidget(comments_box, 1)
        scroll = QScrollArea(widgetResizable=True, frameShape=QScrollArea.Shape.NoFrame,
                             horizontalScrollBarPolicy=Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        RefreshWhenShown(self, session.changed, self.refresh, stale=False)  # show_item() gives the first content
        self._say("")
        self.show_item(None)

    # ---- showing ------------------------------------------------------------------------------
    def show_item(self, item_id: str | None) -> None:
        if item_id != self.item_id:
            self.comment.clear()
            self.new_comment.clear()
            self._say("")
        self.item_id = item_id
        self.refresh()

    def refresh(self) -> None:
        case = self.session.case
        self.setEnabled(self.item_id is not None)
        if self.item_id is None:
            self.status = None
            self.state_label.setText("<i>No item selected</i>")
            for b in self.buttons.values():
                b.hide()
            self.verdict_label.hide()
            return
        try:
            self.status = status = item_status(case, self.item_id)
        except ItemNotFound:
            self.show_item(None)
            return
        self.role = self.session.acting_role()
        self._show_state(status)
        self._show_buttons(status)
        self._show_checks(status)
        self._show_assignment(status)
        self._show_comments()

    def _show_state(self, s: ItemStatus) -> None:
        color = STATE_COLORS.get(s.state)
        label = STATE_LABELS[s.state].capitalize()
        head = f"<span style='font-size:large; font-weight:bold{'; color:' + color if color else ''}'>{label}</span>"
        parts = [f"since {short_time(s.state_since)} UTC"]
        if s.sealed:
            parts.append("<b>sealed</b>: a lead reopens it, with a reason, before anything else changes")
        who = [f"assigned to <b>{_html(s.assignee)}</b>" if s.assignee else "assigned to nobody"]
        if s.submitted_by:
            who.append(f"submitted by {_html(s.submitted_by)} at {short_time(s.submitted_at)}")
        if s.reviewed_by:
            who.append(f"reviewed by {_html(s.reviewed_by)} at {short_time(s.reviewed_at)}")
        you = f"You are <b>{_html(self.session.actor)}</b>, {'a lead' if self.role == 'lead' else 'an investigator'}" \
              " in this case."
        self.state_label.setText(f"{head} &nbsp; {' · '.join(parts)}<br>{' · '.join(who)}<br>{you}")

    def _show_buttons(self, s: ItemStatus) -> None:
        any_verdict = False
        for to, button in self.buttons.items():
            rule = TRANSITIONS.get((s.state, to))
            button.setVisible(rule is not None)
            if rule is None:
                continue
            any_verdict |= to in VERDICTS
            button.setText(button_text(to, s.state))
            if rule.lead_only and self.role != "lead":
                button.setEnabled(False)
                button.setToolTip(f"Only a lead may move an item from {STATE_LABELS[s.state]} to"
                                  f" {STATE_LABELS[to]}; you ({self.session.actor}) are an investigator in this case.")
            else:
                button.setEnabled(True)
                why = " A comment saying why is required." if rule.comment_required else ""
                button.setToolTip(f"Move this item to {STATE_LABELS[to]} (recorded as a signed event).{why}")
        self.verdict_label.setVisible(any_verdict)

    def _show_checks(self, s: ItemStatus) -> None:
        sealed_tip = "Sealed: a lead reopens the item before its checks change" if s.sealed else ""
        for record in item_checks(self.session.case, s.item_id):
            combo, note, by = (self.check_results[record.check], self.check_notes[record.check],
                               self.check_by[record.check])
            combo.setCurrentIndex(max(0, combo.findData(record.result)))
            if not note.hasFocus():
                note.setText(record.note or "")
                note.setCursorPosition(0)
            note.setToolTip(record.note or "")
            by.setText(f"{record.actor}, {short_time(record.at)[:16]}" if record.actor else "not recorded")
            by.setToolTip(f"recorded by {record.actor} at {record.at}" if record.actor else "")
            combo.setToolTip(sealed_tip or CHECK_LABELS[record.check])
        self.checks_box.setEnabled(not s.sealed)
        self.checks_box.setToolTip(sealed_tip)

    def _show_assignment(self, s: ItemStatus) -> None:
        names = [p.name for p in list_people(self.session.case)]
        self.assignee.blockSignals(True)
        self.assignee.clear()
        self.assignee.addItems(names)
        self.assignee.setEditText(s.assignee or "")
        self.assignee.blockSignals(False)
        lead = self.role == "lead"
        mine_or_free = s.assignee in (None, self.session.actor)
        sealed = "Sealed: a lead reopens the item before it is reassigned." if s.sealed else ""
        self.assignee.setEnabled(lead and not s.sealed)
        self.assign_button.setEnabled(lead and not s.sealed)
        self.assign_button.setToolTip(sealed or ("Assign to the person named" if lead else
                                                 "Only a lead assigns items to others; you can assign it to yourself"))
        self.take_button.setEnabled(not s.sealed and s.assignee != self.session.actor and (lead or mine_or_free))
        self.take_button.setToolTip(sealed or (f"It is assigned to {s.assignee}; only a lead reassigns it"
                                               if not (lead or mine_or_free) else "Work on this item yourself"))
        self.unassign_button.setEnabled(not s.sealed and s.assignee is not None
                                        and (lead or s.assignee == self.session.actor))
        self.unassign_button.setToolTip(sealed or "Nobody works on it")

    def _show_comments(self) -> None:
        assert self.item_id is not None
        thread = item_comments(self.session.case, self.item_id)
        if not thread:
            self.thread.setHtml("<p style='color:gray'><i>No comments yet.</i></p>")
            return
        blocks = []
        for c in thread:
            context = "" if c.context == "comment" else \
                f" <span style='color:gray'>— moved it to {STATE_LABELS.get(c.context, c.context)}</span>"
            text = _html(c.text).replace("\n", "<br>")
            blocks.append(f"<p><b>{_html(c.actor)}</b> <span style='color:gray'>{short_time(c.at)} UTC</span>"
                          f"{context}<br>{text}</p>")
        self.thread.setHtml("".join(blocks))
        self.thread.verticalScrollBar().setValue(self.thread.verticalScrollBar().maximum())

    # ---- actions ------------------------------------------------------------------------------
    def request_state(self, to: str) -> None:
        """Move the item to ``to`` with the typed comment; the core refuses what the role or state forbids."""
        if self.item_id is None:
            return
        item, comment = self.item_id, self.comment.text().strip() or None
        self._write(lambda case: change_state(case, [item], to, comment=comment),  # type: ignore[arg-type]
                    name=f"Moving the item to {STATE_LABELS.get(to, to)}",
                    done=lambda _r: (self.comment.clear(), self._say(f"Now {STATE_LABELS[to]}.")))

    def record(self, check: str, result: str, note: str | None) -> None:
        if self.item_id is None:
            return
        item = self.item_id
        self._write(lambda case: record_check(case, item, check, result, note=note),  # type: ignore[arg-type]
                    name=f"Recording the check '{CHECK_LABELS[check]}'")

    def assign_to(self, name: str | None) -> None:
        if self.item_id is None:
            return
        item = self.item_id
        self._write(lambda case: assign(case, [item], name),
                    name=f"Assigning the item to {name}" if name else "Unassigning the item")

    def post_comment(self) -> None:
        text = self.new_comment.toPlainText().strip()
        if self.item_id is None or not text:
            return
        item = self.item_id
        self._write(lambda case: add_comment(case, item, text), name="Adding a comment",
                    done=lambda _r: self.new_comment.clear())

    def _record_check(self, check: str) -> None:
        result = self.check_results[check].currentData()
        if result is None:
            self._say("A recorded check cannot be cleared; choose pass, fail or unknown.", error=True)
            self.refresh()
            return
        self.record(check, result, self.check_notes[check].text().strip() or None)

    def _note_edited(self, check: str) -> None:
        if self.status is None or self.status.sealed:
            return
        result = self.check_results[check].currentData()
        note = self.check_notes[check].text().strip() or None
        saved = next((c for c in item_checks(self.session.case, self.status.item_id) if c.check == check), None)
        if saved is not None and note == saved.note:
            return
        if result is None:
            self._say(f"Choose a result for “{CHECK_LABELS[check]}” to record the note with it.", error=True)
            return
        self.record(check, result, note)

    def _write(self, fn: Callable[[Case], Any], *, name: str, done: Callable[[Any], None] | None = None) -> None:
        self._say("")

        def finished(result: Any) -> None:
            self.refresh()
            if done is not None:
                done(result)

        self.session.write(fn, name=name, on_done=finished, on_error=self._refused)

    def _refused(self, message: str) -> None:
        self._say(message, error=True)
        self.refresh()
        self.refused.emit(message)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else "")
        self.message.setText(text)
        self.message.setVisible(bool(text))
