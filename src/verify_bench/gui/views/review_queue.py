"""The review queue (a dock): items by workflow state, oldest first, for a lead to approve or return.

Filters are the core's (:class:`~verify_bench.workflow.QueueFilter`): ready for review, assigned
to me, returned, in progress, unassigned, verdicts given; by incident and by age. Approve and
return act on every selected item at once through the core (all change, or none) on the writer
thread; a refusal shows the core's message. Enter or a double-click opens the item.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import (
    QKeySequence,
    QShortcut,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...case import Case
from ...geo.incidents import list_incidents
from ...workflow import (
    STATE_LABELS,
    VERDICTS,
    QueueEntry,
    QueueFilter,
    approve,
    list_people,
    queue_count,
    return_items,
    review_queue,
)
from ..formatting import short_time
from ..session import CaseSession
from .visibility import RefreshWhenShown

COLUMNS = ("Item", "State", "Waiting", "Assigned to", "Submitted by", "Checks", "Comments")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
LIMIT = 500
OPEN_STATES = ("new", "in_progress", "returned", "ready_for_review")
CHECK_MARKS = {"pass": "✓", "fail": "✗", "unknown": "?"}
ERROR_STYLE = "color:#d0312d"


@dataclass(frozen=True)
class Preset:
    label: str
    states: tuple[str, ...]
    mine: bool = False
    unassigned: bool = False


PRESETS = (
    Preset("Ready for review", ("ready_for_review",)),
    Preset("Assigned to me", OPEN_STATES, mine=True),
    Preset("Returned", ("returned",)),
    Preset("In progress", ("in_progress",)),
    Preset("Open and unassigned", OPEN_STATES, unassigned=True),
    Preset("Verdicts given", VERDICTS),
)
AGES = (("Any age", None), ("Waiting 1 day or more", 1), ("3 days or more", 3), ("7 days or more", 7))


def waiting(seconds: float) -> str:
    if seconds >= 86_400:
        return f"{seconds / 86_400:.1f} d"
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{max(0, int(seconds // 60))} min"


class ReviewQueue(QWidget):
    item_requested = Signal(str)   # open this item (select it in the library)

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.entries: list[QueueEntry] = []
        self.preset = QComboBox(objectName="queue_preset", toolTip="Which items to list")
        for p in PRESETS:
            self.preset.addItem(p.label, p)
        self.assignee = QComboBox(objectName="queue_assignee", toolTip="Only the items assigned to one person")
        self.incident = QComboBox(objectName="queue_incident", toolTip="Only the items of one incident")
        self.age = QComboBox(objectName="queue_age", toolTip="Only items in their state at least this long")
        for label, days in AGES:
            self.age.addItem(label, days)
        for combo in (self.preset, self.assignee, self.incident, self.age):
            combo.activated.connect(self.reload)

        self.model = QStandardItemModel(0, len(COLUMNS), self)
        self.model.setHorizontalHeaderLabels(list(COLUMNS))
        self.proxy = QSortFilterProxyModel(self, sortRole=SORT_ROLE)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView(objectName="queue_table", sortingEnabled=True, alternatingRowColors=True)
        self.table.setModel(self.proxy)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)   # oldest (longest waiting) first
        self.table.doubleClicked.connect(lambda index: self.open_row(index.row()))
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        open_key = QShortcut(QKeySequence(Qt.Key.Key_Return), self.table, context=Qt.ShortcutContext.WidgetShortcut)
        open_key.activated.connect(lambda: self.open_row(self.table.currentIndex().row()))
        self.empty = QLabel(objectName="queue_empty", alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self.empty.setStyleSheet("color: gray; padding: 16px")

        self.verdict = QComboBox(objectName="queue_verdict", toolTip="The verdict that Approve gives")
        for v in VERDICTS:
            self.verdict.addItem(STATE_LABELS[v], v)
        self.comment = QLineEdit(objectName="queue_comment", clearButtonEnabled=True,
                                 placeholderText="Comment (required to return; optional to approve)")
        self.approve_button = QPushButton("&Approve", objectName="queue_approve")
        self.approve_button.clicked.connect(self.approve_selected)
        self.return_button = QPushButton("Re&turn", objectName="queue_return")
        self.return_button.clicked.connect(self.return_selected)
        for keys, slot in (("Ctrl+Return", self.approve_selected), ("Ctrl+Shift+Return", self.return_selected)):
            QShortcut(QKeySequence(keys), self, context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
                      activated=slot)
        self.status = QLabel(objectName="queue_status", wordWrap=True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.count = QLabel(objectName="queue_count")

        filters = QHBoxLayout()
        for w in (self.preset, self.assignee, self.incident, self.age):
            filters.addWidget(w)
        filters.addStretch(1)
        filters.addWidget(self.count)
        actions = QHBoxLayout()
        actions.addWidget(QLabel("Verdict:"))
        actions.addWidget(self.verdict)
        actions.addWidget(self.approve_button)
        actions.addWidget(self.comment, 1)
        actions.addWidget(self.return_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addLayout(actions)
        layout.addWidget(self.status)
        RefreshWhenShown(self, session.changed, self._reread)  # read when first shown: a hidden dock costs nothing

    # ---- reading ------------------------------------------------------------------------------
    def current_filter(self) -> QueueFilter:
        preset: Preset = self.preset.currentData()
        days = self.age.currentData()
        assignee = self.session.actor if preset.mine else "" if preset.unassigned else self.assignee.currentData()
        self.assignee.setEnabled(not (preset.mine or preset.unassigned))
        return QueueFilter(states=preset.states, assignee=assignee, incident_id=self.incident.currentData(),  # type: ignore[arg-type]
                           min_age=timedelta(days=days) if days else None)

    def _fill_choices(self) -> None:
        """People and incidents of the case, keeping what was chosen."""
        chosen = self.assignee.currentData()
        self.assignee.clear()
        self.assignee.addItem("Any assignee", None)
        self.assignee.addItem("Unassigned", "")
        for person in list_people(self.session.case):
            self.assignee.addItem(person.name, person.name)
        self.assignee.setCurrentIndex(max(0, self.assignee.findData(chosen)))
        current = self.incident.currentData()
        self.incident.clear()
        self.incident.addItem("Any incident", None)
        for incident in list_incidents(self.session.case):
            self.incident.addItem(incident.title, incident.incident_id)
        self.incident.setCurrentIndex(max(0, self.incident.findData(current)))
        self.incident.setVisible(self.incident.count() > 1)

    def reload(self) -> None:
        selected = set(self.selected_ids())
        flt = self.current_filter()
        self.entries = review_queue(self.session.case, flt, limit=LIMIT)
        total = queue_count(self.session.case, flt)
        self.model.removeRows(0, self.model.rowCount())
        for e in self.entries:
            self.model.appendRow(self._row(e))
        self.proxy.sort(self.proxy.sortColumn(), self.proxy.sortOrder())
        selection = self.table.selectionModel()
        for row in range(self.proxy.rowCount()):
            if self.proxy.index(row, 0).data(ID_ROLE) in selected:
                selection.select(self.proxy.index(row, 0), selection.SelectionFlag.Select
                                 | selection.SelectionFlag.Rows)
        shown = len(self.entries)
        self.count.setText(f"{shown:,} of {total:,}" if total > shown else f"{total:,} item{'s' if total != 1 else ''}")
        self.empty.setText("" if shown else f"No items: {self.preset.currentText().lower()}"
                           + (" with these filters." if flt.incident_id or flt.min_age else "."))
        self.empty.setVisible(not shown)
        self._update_buttons()

    def _row(self, e: QueueEntry) -> list[QStandardItem]:
        checks = " ".join(f"{CHECK_MARKS[r]}" for r in e.checks.values()) or "—"
        cells = (
            (e.display_name, e.display_name.casefold()),
            (STATE_LABELS[e.state], e.state),
            (waiting(e.age_seconds), e.age_seconds),
            (e.assignee or "—", (e.assignee or "").casefold()),
            (e.submitted_by or "—", (e.submitted_by or "").casefold()),
            (checks, (e.checks_passed, len(e.checks))),
            (str(e.comments), e.comments),
        )
        row = []
        for text, key in cells:
            cell = QStandardItem(text)
            cell.setData(key if not isinstance(key, tuple) else key[0] * 10 + key[1], SORT_ROLE)
            cell.setData(e.item_id, ID_ROLE)
            row.append(cell)
        row[0].setToolTip(f"{e.display_name}\nSHA-256 {e.sha256}\n{e.media_type}")
        row[2].setToolTip(f"in this state since {short_time(e.state_since)} UTC")
        row[5].setToolTip(", ".join(f"{c}: {r}" for c, r in e.checks.items()) or "no check recorded")
        return row

    def selected_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.proxy.index(r, 0).data(ID_ROLE) for r in rows]

    def select_ids(self, item_ids: Sequence[str]) -> None:
        self.table.clearSelection()
        selection = self.table.selectionModel()
        for row in range(self.proxy.rowCount()):
            if self.proxy.index(row, 0).data(ID_ROLE) in item_ids:
                selection.select(self.proxy.index(row, 0),
                                 selection.SelectionFlag.Select | selection.SelectionFlag.Rows)

    def open_row(self, row: int) -> None:
        if row >= 0:
            self.item_requested.emit(self.proxy.index(row, 0).data(ID_ROLE))

    def _update_buttons(self) -> None:
        ids = set(self.selected_ids())
        lead = self.session.acting_role() == "lead"
        ready = bool(ids) and all(e.state == "ready_for_review" for e in self.entries if e.item_id in ids)
        n = len(ids)
        why = ("Only a lead approves or returns items; you are an investigator in this case" if not lead else
               "Select items ready for review" if not ready else "")
        self.approve_button.setEnabled(lead and ready)
        self.return_button.setEnabled(lead and ready)
        self.verdict.setEnabled(lead)
        self.approve_button.setToolTip(why or f"Give the {n} selected item(s) the chosen verdict (Ctrl+Enter)")
        self.return_button.setToolTip(why or f"Send the {n} selected item(s) back with the comment (Ctrl+Shift+Enter)")

    # ---- acting -------------------------------------------------------------------------------
    def approve_selected(self) -> None:
        ids, verdict = self.selected_ids(), self.verdict.currentData()
        if not ids or not self.approve_button.isEnabled():
            return
        comment = self.comment.text().strip() or None
        self._write(lambda case: approve(case, ids, verdict=verdict, comment=comment),
                    f"{len(ids)} item(s) now {STATE_LABELS[verdict]}.", name="Approving items")

    def return_selected(self) -> None:
        ids = self.selected_ids()
        if not ids or not self.return_button.isEnabled():
            return
        comment = self.comment.text().strip()
        if not comment:
            self._say("Say what is missing: returning items needs a comment.", error=True)
            self.comment.setFocus()
            return
        self._write(lambda case: return_items(case, ids, comment=comment), f"{len(ids)} item(s) returned.",
                    name="Returning items")

    def _write(self, fn: Callable[[Case], Any], done_text: str, *, name: str) -> None:
        self._say(f"{name}…")
        rows = [i.row() for i in self.table.selectionModel().selectedRows()]
        first = min(rows, default=0)

        def done(_result: object) -> None:
            self.comment.clear()
            self._say(done_text)
            if not self.selected_ids() and self.proxy.rowCount():   # on to the next item, for quick triage
                self.table.selectRow(min(first, self.proxy.rowCount() - 1))

        self.session.write(fn, name=name, on_done=done, on_error=lambda message: self._say(message, error=True))

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setStyleSheet(ERROR_STYLE if error else "")
        self.status.setText(text)

    def _reread(self) -> None:
        self._fill_choices()
        self.reload()
