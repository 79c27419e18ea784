"""The item list as a Qt model: lazily paged from SQLite, ordered and filtered off the GUI thread.

The model holds only the ordered row ids of the current list (8 bytes an item); rows are
fetched by primary key a page at a time as views ask for them, and thumbnails come from a
:class:`ThumbnailCache`. A new filter or sort, or events appended to the case, start a
background query; its result replaces the order (as an insertion when the list only grew).
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QModelRoleDataSpan, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from ... import browse
from ..formatting import STATUS_LABELS, duration, human_size, short_time
from ..session import CaseSession, read_connection
from ..workers import TaskContext
from .thumbnails import ThumbnailCache

PAGE = 200
MAX_PAGES = 64

COLUMNS: tuple[tuple[browse.SortKey, str], ...] = (
    ("name", "Name"), ("taken", "Taken"), ("imported", "Imported"), ("type", "Type"), ("size", "Size"),
    ("camera", "Camera"), ("gps", "GPS"), ("status", "Status"), ("duplicates", "Duplicates"),
)
ItemIdRole = Qt.ItemDataRole.UserRole + 1
ItemRowRole = Qt.ItemDataRole.UserRole + 2
BlurredRole = Qt.ItemDataRole.UserRole + 3
SensitiveRole = Qt.ItemDataRole.UserRole + 4
#: What a grid cell paints, in one call: ``(ItemRow, QPixmap | None, blurred, sensitive)``. Not
#: DecorationRole: only the grid asks, so the table loads no thumbnails. The pixmap is None while
#: loading and null when the item has none.
CellRole = Qt.ItemDataRole.UserRole + 5
_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole,
                    Qt.ItemDataRole.TextAlignmentRole, ItemIdRole, ItemRowRole, BlurredRole, SensitiveRole, CellRole})
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_PROBLEM = QColor(208, 49, 45)

Index = QModelIndex | QPersistentModelIndex


class ItemListModel(QAbstractTableModel):
    loading = Signal(bool)   # a query is running / finished
    reloaded = Signal()      # a new order was applied

    def __init__(self, session: CaseSession, thumbnails: ThumbnailCache) -> None:
        super().__init__(session)
        self.session = session
        self.thumbnails = thumbnails
        self.filter = browse.ItemFilter()
        self.sort_key: browse.SortKey = "imported"
        self.descending = False
        self._order = array("q")
        self._pages: OrderedDict[int, list[browse.ItemRow | None]] = OrderedDict()
        self._generation = 0
        self._waiting_thumbs: dict[str, int] = {}
        self.loaded_once = False
        thumbnails.ready.connect(self._on_thumbnail)
        session.changed.connect(self.refresh)
        session.flags_changed.connect(self._on_flags_changed)

    # ---- queries --------------------------------------------------------------------------
    def set_filter(self, flt: browse.ItemFilter) -> None:
        if flt != self.filter:
            self.filter = flt
            self.refresh()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sort_key = COLUMNS[column][0]
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.refresh()

    def refresh(self) -> None:
        """Re-run the list query in the background (stale answers are dropped)."""
        self._generation += 1
        generation, flt, key, desc, root = self._generation, self.filter, self.sort_key, self.descending, self.session.root

        def query(ctx: TaskContext) -> tuple[int, array]:
            conn = read_connection(root)
            try:
                return generation, browse.item_order(conn, flt, sort=key, descending=desc)
            finally:
                conn.close()

        self.loading.emit(True)
        self.session.runner.run(query, name="Listing items", on_result=self._on_order,
                                on_error=lambda message, exc: self.loading.emit(False))

    def _on_order(self, result: tuple[int, array]) -> None:
        generation, order = result
        if generation != self._generation:
            return
        old, n_old, n_new = self._order, len(self._order), len(order)
        grew = n_new > n_old and n_old > 0
        if grew and order[:n_old] == old:
            self.beginInsertRows(QModelIndex(), n_old, n_new - 1)
            self._order = order
            self.endInsertRows()
        elif grew and order[n_new - n_old:] == old:
            self.beginInsertRows(QModelIndex(), 0, n_new - n_old - 1)
            self._order = order
            self.endInsertRows()
        elif order != old or not self.loaded_once:
            self.beginResetModel()
            self._order = order
            self._pages.clear()
            self.endResetModel()
        self._pages.clear()
        self._emit_all_changed()
        self.loaded_once = True
        self.loading.emit(False)
        self.reloaded.emit()

    # ---- rows -----------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._order)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def item_row(self, row: int) -> browse.ItemRow | None:
        """The list row at ``row``, fetching its page by primary key when needed."""
        if not 0 <= row < len(self._order):
            return None
        page_no = row // PAGE
        page = self._pages.get(page_no)
        if page is None:
            ids = self._order[page_no * PAGE:(page_no + 1) * PAGE]
            found = browse.fetch_rows(self.session.case.conn, ids)
            page = [found.get(rid) for rid in ids]
            self._pages[page_no] = page
            while len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        return page[row - page_no * PAGE]

    def row_of(self, item_id: str) -> int | None:
        rowid = browse.rowid_of(self.session.case.conn, item_id)
        try:
            return self._order.index(rowid) if rowid is not None else None
        except ValueError:
            return None

    def item_ids(self, rows: list[int]) -> list[str]:
        return [r.id for r in (self.item_row(i) for i in rows) if r is not None]

    # ---- data -----------------------------------------------------------------------------
    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][1]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ROLES:  # views ask for many roles per cell; answer the others cheaply
            return None
        row = self.item_row(index.row()) if index.isValid() else None
        if row is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell_text(row, COLUMNS[index.column()][0])
        if role == CellRole:
            blurred = self.session.is_blurred(row.id)
            pending = row.analysis == "pending"
            pixmap = self.thumbnails.pixmap(row.sha256, blurred, retry_missing=pending)
            if pixmap is None or (pending and pixmap.isNull()):
                self._waiting_thumbs[row.sha256] = index.row()
            return row, pixmap, blurred, row.id in self.session.sensitive
        if role == ItemIdRole:
            return row.id
        if role == ItemRowRole:
            return row
        if role == BlurredRole:
            return self.session.is_blurred(row.id)
        if role == SensitiveRole:
            return row.id in self.session.sensitive
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and COLUMNS[index.column()][0] == "size":
            return _RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and COLUMNS[index.column()][0] == "status" and \
                row.analysis in ("problems", "failed"):
            return _PROBLEM
        return None

    def multiData(self, index: Index, span: QModelRoleDataSpan) -> None:
        """All the roles a table cell paints with, in one call (a call per role costs ~3x the time)."""
        row = self.item_row(index.row()) if index.isValid() else None
        if row is None:
            return
        key = COLUMNS[index.column()][0]
        for k in range(len(span)):
            entry = span[k]
            role = entry.role()
            if role == _DISPLAY:
                entry.setData(self.cell_text(row, key))
            elif role == _ALIGN and key == "size":
                entry.setData(_RIGHT)
            elif role == _FOREGROUND and key == "status" and row.analysis in ("problems", "failed"):
                entry.setData(_PROBLEM)

    def cell_text(self, row: browse.ItemRow, key: str) -> str:
        match key:
            case "name":
                return row.display_name
            case "taken":
                return short_time(row.taken)
            case "imported":
                return short_time(row.imported_at)
            case "type":
                return row.media_type + (f" {duration(row.duration)}" if row.duration else "")
            case "size":
                return human_size(row.size)
            case "camera":
                return row.camera
            case "gps":
                return "Yes" if row.has_gps else ""
            case "status":
                return STATUS_LABELS.get(row.analysis, row.analysis)
            case _:
                return f"{row.duplicates} look-alike{'s' if row.duplicates != 1 else ''}" if row.duplicates else ""

    def _tooltip(self, row: browse.ItemRow) -> str:
        size = f"{row.width} × {row.height} px, " if row.width else ""
        return f"{row.display_name}\n{size}{human_size(row.size)}\nSHA-256 {row.sha256[:16]}…\nStatus: " \
               f"{STATUS_LABELS.get(row.analysis, row.analysis)}"

    def _on_thumbnail(self, sha: str) -> None:
        row = self._waiting_thumbs.pop(sha, None)
        if row is not None and row < len(self._order):
            index = self.index(row, 0)
            self.dataChanged.emit(index, index, [CellRole])

    def _on_flags_changed(self) -> None:
        self._emit_all_changed()

    def _emit_all_changed(self) -> None:
        if self._order:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._order) - 1, len(COLUMNS) - 1))
