"""The Incidents dock: the case-level table of incidents with their structured facts, and one incident's detail.

Thin over the core: rows come from :func:`~verify_bench.workflow.incident_table` (the text and the
object-struck/warning filters are the core's :class:`~verify_bench.workflow.IncidentTableFilter`),
"Export CSV…" writes through :func:`~verify_bench.workflow.export_incidents_csv` with the filters and
the sort shown, and "New incident…" is :func:`~verify_bench.workflow.create_incident` on the
writer thread. Facts are recorded with ``verify-bench incident facts``.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...geo.incidents import Incident, find_incident
from ...workflow import (
    OBJECTS_STRUCK,
    WARNINGS,
    Figure,
    IncidentFacts,
    IncidentRow,
    IncidentTableFilter,
    create_incident,
    export_incidents_csv,
    incident_facts,
    incident_table,
)
from ...workflow.tabulation import SortKey
from ..formatting import short_time
from ..session import CaseSession
from .visibility import RefreshWhenShown

#: (header, core sort key or None when the core cannot sort the export by it)
COLUMNS: tuple[tuple[str, SortKey | None], ...] = (
    ("Time", "time"), ("Title", "title"), ("Object struck", "object_struck"), ("Killed", "killed"),
    ("(children)", "killed_children"), ("Injured", "injured"), ("(children)", "injured_children"),
    ("Warning", "warning"), ("Munition", None), ("Items", "items"),
)
NUMBER_COLUMNS = (3, 4, 5, 6, 9)
ID_ROLE = Qt.ItemDataRole.UserRole + 2
ERROR_STYLE = "color:#d0312d"
EMPTY_CASE = ("No incidents in this case yet. Create one with “New incident…”, or on the command line:\n"
              "verify-bench incident create CASE TITLE --time … --lat … --lon …")
EMPTY_FILTERED = "No incident matches these filters."


def label(value: str | None) -> str:
    """A vocabulary value in words: ``residential_building`` → ``Residential building``."""
    return value.replace("_", " ").capitalize() if value else ""


WARNING_LABELS = {"none": "No warning", "ineffective": "Ineffective warning", "effective": "Effective warning"}


def count(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


class IncidentsView(QWidget):
    item_requested = Signal(str)   # select this item in the library

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.rows: list[IncidentRow] = []
        self.search = QLineEdit(objectName="incidents_search", clearButtonEnabled=True,
                                placeholderText="Filter: title, description or munition")
        self.search.textChanged.connect(self.reload)
        self.object_struck = QComboBox(objectName="incidents_object", toolTip="Only incidents that struck this")
        self.object_struck.addItem("Any object struck", None)
        for value in OBJECTS_STRUCK:
            self.object_struck.addItem(label(value), value)
        self.warning = QComboBox(objectName="incidents_warning", toolTip="Only incidents with this warning")
        self.warning.addItem("Any warning", None)
        for value in WARNINGS:
            self.warning.addItem(WARNING_LABELS.get(value, label(value)), value)
        for combo in (self.object_struck, self.warning):
            combo.activated.connect(self.reload)
        self.count = QLabel(objectName="incidents_count")
        self.new_button = QPushButton("&New incident…", objectName="incidents_new",
                                      toolTip="Record an incident (a title now; facts with verify-bench incident facts)")
        self.new_button.clicked.connect(self.ask_new_incident)
        self.export_button = QPushButton("E&xport CSV…", objectName="incidents_export",
                                         toolTip="Save the incidents shown, with the filters and order shown, as CSV")
        self.export_button.clicked.connect(self.ask_export)

        self.model = QStandardItemModel(0, len(COLUMNS), self)
        self.model.setHorizontalHeaderLabels([c[0] for c in COLUMNS])
        for column, tip in ((0, "Local time at the place"), (4, "Children among the people killed"),
                            (6, "Children among the people injured"), (8, "Munition identified (the table does not sort by it)"),
                            (9, "Items showing the incident")):
            self.model.setHeaderData(column, Qt.Orientation.Horizontal, tip, Qt.ItemDataRole.ToolTipRole)
        self.table = QTableView(objectName="incidents_table", alternatingRowColors=True)
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(1, 210)
        # The core sorts (unknown values last, either way), so that the table and its CSV agree row for row.
        self.sort_column, self.sort_order = 0, Qt.SortOrder.AscendingOrder
        header = self.table.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(self.sort_column, self.sort_order)
        header.sortIndicatorChanged.connect(self._on_sort)
        self.table.selectionModel().currentRowChanged.connect(lambda current, _previous: self.show_detail())
        self.empty = QLabel(EMPTY_CASE, objectName="incidents_empty", alignment=Qt.AlignmentFlag.AlignCenter,
                            wordWrap=True)
        self.empty.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.empty.setStyleSheet("color: gray; padding: 16px")

        self.detail = QTextBrowser(objectName="incident_detail", openLinks=False)
        self.detail.anchorClicked.connect(self._on_link)
        self.items = QListWidget(objectName="incident_items",
                                 toolTip="Double-click (or Enter) to select the item in the library")
        self.items.itemActivated.connect(lambda entry: self.item_requested.emit(entry.data(ID_ROLE)))
        self.status = QLabel(objectName="incidents_status", wordWrap=True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.detail, 3)
        side_layout.addWidget(QLabel("Items showing it:"))
        side_layout.addWidget(self.items, 1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.empty)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, childrenCollapsible=False)
        self.splitter.addWidget(left)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([900, 400])
        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        for w in (self.object_struck, self.warning, self.count, self.new_button, self.export_button):
            filters.addWidget(w)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(filters)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.status)
        RefreshWhenShown(self, session.changed, self.reload)  # read when first shown: a hidden dock costs nothing

    # ---- reading ------------------------------------------------------------------------------
    def current_filter(self) -> IncidentTableFilter:
        return IncidentTableFilter(object_struck=self.object_struck.currentData(), warning=self.warning.currentData(),
                                   text=self.search.text().strip() or None)

    def current_sort(self) -> tuple[SortKey, bool]:
        """The core's sort key and direction for the column the table is sorted by (time if it has none)."""
        return COLUMNS[self.sort_column][1] or "time", self.sort_order == Qt.SortOrder.DescendingOrder

    def _on_sort(self, column: int, order: Qt.SortOrder) -> None:
        if COLUMNS[column][1] is None:          # the core does not sort by this column: keep the order shown
            header = self.table.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(self.sort_column, self.sort_order)
            header.blockSignals(False)
            return
        self.sort_column, self.sort_order = column, order
        self.reload()

    def reload(self) -> None:
        selected = self.current_id()
        flt = self.current_filter()
        sort, descending = self.current_sort()
        self.rows = incident_table(self.session.case, flt, sort=sort, descending=descending)
        self.model.removeRows(0, self.model.rowCount())
        for r in self.rows:
            self.model.appendRow(self._row(r))
        total = len(self.rows) if flt == IncidentTableFilter() else len(incident_table(self.session.case))
        shown = len(self.rows)
        self.count.setText(f"{shown:,} of {total:,}" if shown != total
                           else f"{total:,} incident{'s' if total != 1 else ''}")
        self.empty.setText(EMPTY_FILTERED if total else EMPTY_CASE)
        self.empty.setVisible(not shown)
        self.table.setVisible(bool(shown))
        self.export_button.setEnabled(bool(shown))
        for row in range(self.model.rowCount()):
            if self.model.index(row, 0).data(ID_ROLE) == selected:
                self.table.selectRow(row)
                break
        else:
            if self.model.rowCount():
                self.table.selectRow(0)
        self.show_detail()

    def _row(self, r: IncidentRow) -> list[QStandardItem]:
        cells = (short_time(r.time or r.window_start), r.title, label(r.object_struck), count(r.killed),
                 count(r.killed_children), count(r.injured), count(r.injured_children),
                 WARNING_LABELS.get(r.warning or "", label(r.warning)), r.munition or "", count(r.items))
        row = []
        for text in cells:
            cell = QStandardItem(text)
            cell.setData(r.incident_id, ID_ROLE)
            row.append(cell)
        for cell in (row[c] for c in NUMBER_COLUMNS):
            cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        row[1].setToolTip(r.description or r.title)
        for column, confidence in ((3, r.killed_confidence), (5, r.injured_confidence)):
            if confidence:
                row[column].setToolTip(f"{confidence} confidence")
        return row

    def current_id(self) -> str | None:
        index = self.table.currentIndex()
        return index.data(ID_ROLE) if index.isValid() else None

    def show_detail(self) -> None:
        incident_id = self.current_id() if self.rows else None
        self.items.clear()
        if incident_id is None:
            self.detail.setHtml("")
            return
        incident = find_incident(self.session.case, incident_id)
        facts = incident_facts(self.session.case, incident_id) or IncidentFacts()
        self.detail.setHtml(self._detail_html(incident, facts))
        for item_id in incident.item_ids:
            entry = QListWidgetItem(self._item_name(item_id))
            entry.setData(ID_ROLE, item_id)
            entry.setToolTip(item_id)
            self.items.addItem(entry)

    def _item_name(self, item_id: str) -> str:
        return str(self.session.case.find_item(item_id)["display_name"])

    def _detail_html(self, incident: Incident, facts: IncidentFacts) -> str:
        e = html.escape
        when = incident.time or "time unknown"
        window = (f"between {e(short_time(facts.window_start) or '?')} and {e(short_time(facts.window_end) or '?')} UTC"
                  if facts.window_start or facts.window_end else "not recorded")
        if incident.lat is not None and incident.lon is not None:
            place = f"{incident.lat:.5f}, {incident.lon:.5f}"
            place += f" ± {incident.precision_m:,.0f} m" if incident.precision_m else ""
            place += f" ({e(incident.zone)})" if incident.zone else ""
        else:
            place = "unknown"
        obj = label(facts.object_struck) or "not recorded"
        obj += f" — {e(facts.object_note)}" if facts.object_note else ""
        warning = WARNING_LABELS.get(facts.warning or "", label(facts.warning)) or "not recorded"
        warning += f" — {e(facts.warning_note)}" if facts.warning_note else ""
        munition = e(facts.munition) if facts.munition else "not identified"
        if facts.munition_fragments:
            munition += " — fragment tag" + ("s " if len(facts.munition_fragments) > 1 else " ") + ", ".join(
                f"<code>{e(f[:8])}</code>" for f in facts.munition_fragments)
        rows = [("Time", e(when)), ("Time window", window), ("Place", place), ("Object struck", obj),
                ("Killed", self._figure_html(facts.killed)), ("Injured", self._figure_html(facts.injured)),
                ("Warning given", warning), ("Munition", munition)]
        description = facts.description or incident.note
        table = "".join(f"<tr><th align='left' valign='top' style='padding-right:8px'>{k}</th><td>{v}</td></tr>"
                        for k, v in rows)
        return (f"<h3>{e(incident.title)}</h3>"
                + (f"<p>{e(description)}</p>" if description else "<p style='color:gray'>No description.</p>")
                + f"<table>{table}</table>")

    def _figure_html(self, fig: Figure) -> str:
        if fig.total is None and fig.children is None and not fig.sources:
            return "not recorded"
        text = count(fig.total) or "unknown"
        if fig.children is not None:
            text += f", of whom {fig.children:,} {'child' if fig.children == 1 else 'children'}"
        if fig.confidence:
            text += f" — {fig.confidence} confidence"
        sources = []
        for s in fig.sources:
            if s.item_id:
                sources.append(f"<a href='item:{s.item_id}'>{html.escape(self._item_name(s.item_id))}</a>")
            else:
                sources.append(html.escape(s.note or ""))
        return text + (f"<br><small>Sources: {'; '.join(sources)}</small>" if sources else "")

    def _on_link(self, url: QUrl) -> None:
        if url.scheme() == "item":
            self.item_requested.emit(url.path())

    # ---- acting -------------------------------------------------------------------------------
    def ask_export(self) -> None:
        default = self.session.root / "exports" / "incidents.csv"
        path, _ = QFileDialog.getSaveFileName(self, "Export incidents as CSV", str(default), "CSV (*.csv)")
        if path:
            self.export_csv(Path(path))

    def export_csv(self, path: Path) -> Path:
        """Write the incidents shown (filters and order as on screen) through the core."""
        sort, descending = self.current_sort()
        written = export_incidents_csv(self.session.case, path, self.current_filter(), sort=sort,
                                       descending=descending)
        self._say(f"Exported {self.model.rowCount():,} incident(s) to {written}")
        return written

    def ask_new_incident(self) -> None:
        title, ok = QInputDialog.getText(self, "New incident", "Title of the incident (e.g. “Strike on the market”):")
        if ok and title.strip():
            self.new_incident(title.strip())

    def new_incident(self, title: str) -> None:
        """Record an incident on the writer thread; it is selected once the table re-reads."""
        def done(incident_id: str) -> None:
            self._say(f"Incident '{title}' recorded. Record its facts with: "
                      f"verify-bench incident facts CASE {incident_id[:8]} --object-struck … --killed …")
            for row in range(self.model.rowCount()):
                if self.model.index(row, 0).data(ID_ROLE) == incident_id:
                    self.table.selectRow(row)

        self.session.write(lambda case: create_incident(case, title), name="Recording an incident", on_done=done,
                           on_error=lambda message: self._say(message, error=True))

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setStyleSheet(ERROR_STYLE if error else "")
        self.status.setText(text)

