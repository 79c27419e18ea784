"""History: an item's events (the History tab) and the case's whole log (the History dock).

Each row is one event of the hash-chained log: when, who, what kind, what changed in words, the
event's hash (copyable: Ctrl+C or the context menu) and how its signature stands against the keys
the case records. Rows appear at once; signatures are checked on a worker thread (about 0.1 ms
each) and fill in. ``verify`` remains the full check (chain, projections, originals).
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ... import events as ev
from ...errors import VerifyBenchError
from ...workflow import (
    SIGNATURE_STATES,
    HistoryEntry,
    HistoryFilter,
    event_kinds,
    list_people,
    query_events,
    signature_state,
    signing_keys,
)
from ...workflow.history import entry
from ..formatting import short_time
from ..session import CaseSession
from ..workers import TaskContext
from .verify_dialog import VerifyDialog
from .visibility import RefreshWhenShown

COLUMNS = ("Time (UTC)", "Person", "Event", "Item", "What changed", "Hash", "Signature")
ITEM_COLUMN, SUMMARY_COLUMN, HASH_COLUMN, SIGNATURE_COLUMN = 3, 4, 5, 6
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
GOOD, BAD, GREY = QColor("#2e7d32"), QColor("#d0312d"), QColor("gray")
PAGE = 200
ITEM_LIMIT = 500


class HistoryTable(QTableWidget):
    """Events as rows; copy their hashes."""

    item_requested = Signal(str)       # double-click on an event about an item
    signatures_checked = Signal(object)  # {seq: signature state} for the rows shown

    def __init__(self, session: CaseSession, *, item_column: bool, parent: QWidget | None = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.session = session
        self._generation = 0   # results of a check started before the rows were replaced are dropped
        self.setHorizontalHeaderLabels(list(COLUMNS))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(SUMMARY_COLUMN, QHeaderView.ResizeMode.Stretch)
        for column, width in ((ITEM_COLUMN, 160), (HASH_COLUMN, 100)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.setColumnWidth(column, width)
        self.setColumnHidden(ITEM_COLUMN, not item_column)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.copy_hash_action = QAction("Copy event hash", self, shortcut=QKeySequence.StandardKey.Copy,
                                        shortcutContext=Qt.ShortcutContext.WidgetShortcut)
        self.copy_hash_action.triggered.connect(self.copy_hashes)
        self.copy_row_action = QAction("Copy rows as text", self)
        self.copy_row_action.triggered.connect(self.copy_rows)
        self.addActions([self.copy_hash_action, self.copy_row_action])
        self.cellDoubleClicked.connect(self._on_double_click)

    def show_events(self, events: list[ev.Event], *, append: bool = False,
                    names: dict[str, str] | None = None) -> None:
        """Show ``events`` at once, then their signatures as a worker checks them."""
        if not append:
            self._generation += 1
        self.set_entries([entry(e) for e in events], append=append, names=names)
        keys = signing_keys(self.session.case, events)
        generation = self._generation

        def check(ctx: TaskContext) -> dict[int, str]:
            return {e.seq: signature_state(e, keys) for e in events if not ctx.cancelled()}

        def done(states: dict[int, str]) -> None:
            if generation == self._generation:
                self.set_signatures(states)

        self.session.runner.run(check, name="Checking signatures", on_result=done)

    def set_signatures(self, states: dict[int, str]) -> None:
        for row in range(self.rowCount()):
            e = self.entry(row)
            if e is not None and e.seq in states:
                checked = dataclasses.replace(e, signature=states[e.seq])
                for column in range(self.columnCount()):
                    self.item(row, column).setData(ENTRY_ROLE, checked)
                self._show_signature(row, checked)
        self.signatures_checked.emit(states)

    def set_entries(self, entries: list[HistoryEntry], *, append: bool = False,
                    names: dict[str, str] | None = None) -> None:
        """Show ``entries`` (``names``: item id -> display name, for the Item column)."""
        start = self.rowCount() if append else 0
        self.setRowCount(start + len(entries))
        names = names or {}
        for n, e in enumerate(entries, start):
            item = names.get(e.item_id, e.item_id[:8]) if e.item_id else ""
            cells = (short_time(e.at), e.actor, e.kind, item, e.summary, e.hash[:10] + "…", "")
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(ENTRY_ROLE, e)
                self.setItem(n, column, cell)
            self.item(n, 0).setToolTip(f"{e.at} — event {e.seq}")
            self.item(n, SUMMARY_COLUMN).setToolTip(e.summary)
            self.item(n, HASH_COLUMN).setToolTip(e.hash)
            self._show_signature(n, e)

    def _show_signature(self, row: int, e: HistoryEntry) -> None:
        state = e.signature
        cell = self.item(row, SIGNATURE_COLUMN)
        cell.setText("✓ valid" if state == "valid" else state.replace("_", " ") if state else "checking…")
        cell.setToolTip(SIGNATURE_STATES.get(state, "being checked"))
        cell.setForeground(QBrush(GOOD if state == "valid" else BAD if state else GREY))

    def entry(self, row: int) -> HistoryEntry | None:
        cell = self.item(row, 0)
        return cell.data(ENTRY_ROLE) if cell is not None else None

    def selected_entries(self) -> list[HistoryEntry]:
        rows = sorted({i.row() for i in self.selectedIndexes()})
        return [e for r in rows if (e := self.entry(r)) is not None]

    def copy_hashes(self) -> None:
        QApplication.clipboard().setText("\n".join(e.hash for e in self.selected_entries()))

    def copy_rows(self) -> None:
        QApplication.clipboard().setText("\n".join(
            f"{e.seq}\t{e.at}\t{e.actor}\t{e.kind}\t{e.summary}\t{e.hash}\t{e.signature}"
            for e in self.selected_entries()))

    def _on_double_click(self, row: int, _column: int) -> None:
        e = self.entry(row)
        if e is not None and e.item_id:
            self.item_requested.emit(e.item_id)


class ItemHistoryPanel(QWidget):
    """The History tab of the item view: everything that happened to one item, newest first."""

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.item_id: str | None = None
        self.table = HistoryTable(session, item_column=False)
        self.table.setObjectName("item_history")
        self.table.signatures_checked.connect(self._on_checked)
        self.summary = QLabel(objectName="item_history_summary", wordWrap=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        RefreshWhenShown(self, session.changed, self.refresh, stale=False)  # show_item() gives the first content

    def show_item(self, item_id: str | None) -> None:
        self.item_id = item_id
        self.refresh()

    def refresh(self) -> None:
        if self.item_id is None:
            self.table.set_entries([])
            self.summary.setText("")
            return
        events = query_events(self.session.case, HistoryFilter(item_id=self.item_id), limit=ITEM_LIMIT,
                              newest_first=True)
        self.table.show_events(events)
        self._say(len(events), 0)

    def _on_checked(self, states: dict[int, str]) -> None:
        self._say(self.table.rowCount(), sum(1 for s in states.values() if s not in ("valid", "unsigned")))

    def _say(self, count: int, bad: int) -> None:
        more = f"the newest {ITEM_LIMIT:,} events" if count >= ITEM_LIMIT else f"{count} event(s)"
        self.summary.setText(
            f"{more}, newest first. Select rows and press Ctrl+C to copy their hashes."
            + (f" <b style='color:#d0312d'>{bad} signature problem(s)</b> — run Verify case." if bad else ""))


class CaseHistoryView(QWidget):
    """The History dock: the case's log, filtered by person, kind, item and time, paged newest first."""

    item_requested = Signal(str)

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.person = QComboBox(objectName="history_person", toolTip="Only events recorded by this person")
        self.kind = QComboBox(objectName="history_kind", toolTip="Only events of this kind")
        self.item = QLineEdit(objectName="history_item", placeholderText="item", clearButtonEnabled=True,
                              toolTip="Only events of one item: its id or SHA-256 prefix (Enter)")
        self.since = QLineEdit(objectName="history_since", placeholderText="since", clearButtonEnabled=True,
                               toolTip="Only events at or after this date or time, e.g. 2024-03-01 (UTC unless an"
                                       " offset is given; Enter)")
        self.until = QLineEdit(objectName="history_until", placeholderText="until", clearButtonEnabled=True,
                               toolTip="Only events up to this time; a bare date includes that whole day (Enter)")
        for w in (self.item, self.since, self.until):
            w.setMaximumWidth(170)
            w.returnPressed.connect(self.reload)
        self.person.activated.connect(self.reload)
        self.kind.activated.connect(self.reload)
        self.verify_button = QPushButton("Verify case…", objectName="verify_case",
                                         toolTip="Re-check the whole case: hash chain, signatures, current state, "
                                                 "every original re-hashed")
        self.verify_button.clicked.connect(self.verify)
        self.verify_dialog: VerifyDialog | None = None
        self.more = QPushButton("Older events", objectName="history_more")
        self.more.clicked.connect(self.load_more)
        self.status = QLabel(objectName="history_status", wordWrap=True)
        self.table = HistoryTable(session, item_column=True)
        self.table.setObjectName("case_history")
        self.table.item_requested.connect(self.item_requested)
        filters = QHBoxLayout()
        for w in (self.person, self.kind, self.item, self.since, self.until):
            filters.addWidget(w)
        filters.addStretch(1)
        filters.addWidget(self.verify_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.more)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self._oldest: int | None = None
        RefreshWhenShown(self, session.changed, self._reread)  # read when first shown: a hidden dock costs nothing

    def verify(self) -> VerifyDialog:
        """Run the integrity check in a window of its own (one at a time)."""
        if self.verify_dialog is None or not self.verify_dialog.isVisible():
            self.verify_dialog = VerifyDialog(self.session, self)
            self.verify_dialog.show()
        self.verify_dialog.raise_()
        self.verify_dialog.activateWindow()
        return self.verify_dialog

    def _fill_choices(self) -> None:
        for combo, everyone, values in ((self.person, "Everyone", [p.name for p in list_people(self.session.case)]),
                                        (self.kind, "Every kind", event_kinds(self.session.case))):
            current = combo.currentData()
            combo.clear()
            combo.addItem(everyone, None)
            for v in values:
                combo.addItem(v, v)
            combo.setCurrentIndex(max(0, combo.findData(current)))

    def filter(self) -> HistoryFilter:
        item_ref = self.item.text().strip()
        item_id = self.session.case.find_item(item_ref)["id"] if item_ref else None
        kind = self.kind.currentData()
        return HistoryFilter(actor=self.person.currentData(), kinds=(kind,) if kind else (), item_id=item_id,
                             since=self.since.text().strip() or None, until=self.until.text().strip() or None)

    def reload(self) -> None:
        self._oldest = None
        self.table.setRowCount(0)
        self.load_more()

    def load_more(self) -> None:
        try:
            page = query_events(self.session.case, self.filter(), limit=PAGE, before_seq=self._oldest,
                                newest_first=True)
        except VerifyBenchError as exc:
            self.status.setText(f"<span style='color:#d0312d'>{exc}</span>")
            return
        self.table.show_events(page, append=self._oldest is not None, names=self._names(page))
        if page:
            self._oldest = page[-1].seq
        self.more.setEnabled(len(page) == PAGE)
        shown = self.table.rowCount()
        self.status.setText(f"{shown:,} event(s) shown, newest first" + (" — more with “Older events”"
                                                                         if len(page) == PAGE else "")
                            if shown else "No event matches these filters.")

    def _names(self, page: list[ev.Event]) -> dict[str, str]:
        ids = list({e.item_id for e in page if e.item_id})
        if not ids:
            return {}
        return dict(self.session.case.conn.execute(
            f"SELECT id, display_name FROM items WHERE id IN ({', '.join('?' * len(ids))})", ids).fetchall())

    def _reread(self) -> None:
        self._fill_choices()
        self.reload()

