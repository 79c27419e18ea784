"""The item browser: filter bar, thumbnail grid or table, empty states; reports current item and selection."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from ... import browse
from ..models.item_model import ItemIdRole, ItemListModel
from .filter_bar import FilterBar
from .item_grid import ItemGrid
from .item_table import ItemTable

EMPTY_CASE = "No items yet — drop files, folders or archives here, or press Ctrl+I to import."
EMPTY_FILTER = "No items match this filter. Press Esc in the filter box or click Clear to show every item."
LOADING = "Loading items…"


class ItemBrowser(QWidget):
    current_changed = Signal(object)    # item id or None
    selection_changed = Signal(list)    # item ids
    activated = Signal(str)             # item id (Enter or double-click)
    count_changed = Signal(int)
    mode_changed = Signal(bool)         # True: thumbnails, False: table

    def __init__(self, model: ItemListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.filter_bar = FilterBar(model.session.root)
        self.grid = ItemGrid()
        self.table = ItemTable()
        self.empty = QLabel(LOADING, alignment=Qt.AlignmentFlag.AlignCenter, objectName="empty_state")
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("QLabel { font-size: 15px; color: palette(placeholder-text); padding: 40px; }")
        self.stack = QStackedWidget()
        for w in (self.grid, self.table, self.empty):
            self.stack.addWidget(w)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.stack, 1)

        self.grid.setModel(model)
        self.table.setModel(model)
        self.table.apply_default_widths()
        self.table.horizontalHeader().setSortIndicator(2, Qt.SortOrder.AscendingOrder)
        self._mode: ItemGrid | ItemTable = self.grid
        self._current: str | None = None
        for view in (self.grid, self.table):
            view.selectionModel().currentChanged.connect(self._on_current)
            view.selectionModel().selectionChanged.connect(self._on_selection)
            view.activated.connect(self._on_activated)
            view.installEventFilter(self)
        self.filter_bar.filter_changed.connect(model.set_filter)
        self.filter_bar.text.installEventFilter(self)
        model.modelReset.connect(self._restore_current)
        model.reloaded.connect(self._update_empty)
        model.rowsInserted.connect(self._update_empty)

    # ---- modes ----------------------------------------------------------------------------
    @property
    def view(self) -> ItemGrid | ItemTable:
        return self._mode

    def show_grid(self, grid: bool) -> None:
        target = self.grid if grid else self.table
        if target is self._mode:
            return
        rows = self.selected_rows()
        self._mode = target
        self._select_rows(rows)
        self._update_empty()
        target.setFocus()
        self.mode_changed.emit(grid)

    def add_context_actions(self, actions: list[QAction]) -> None:
        for view in (self.grid, self.table):
            view.addActions(actions)

    # ---- selection ------------------------------------------------------------------------
    def selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self._mode.selectionModel().selectedIndexes()})

    def selected_ids(self) -> list[str]:
        return self.model.item_ids(self.selected_rows())

    @property
    def current_id(self) -> str | None:
        return self._current

    def select_item(self, item_id: str) -> bool:
        row = self.model.row_of(item_id)
        if row is None:
            return False
        self._select_rows([row])
        return True

    def _select_rows(self, rows: list[int]) -> None:
        view = self._mode
        selection = QItemSelection()
        last = self.model.columnCount() - 1 if view is self.table else 0
        for row in rows:
            selection.select(self.model.index(row, 0), self.model.index(row, last))
        sm = view.selectionModel()
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
        if rows:
            sm.setCurrentIndex(self.model.index(rows[-1], 0), QItemSelectionModel.SelectionFlag.NoUpdate)
            view.scrollTo(self.model.index(rows[-1], 0))
        sm.select(selection, flags)

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self.sender() is not self._mode.selectionModel():
            return
        item_id = current.data(ItemIdRole) if current.isValid() else None
        if item_id != self._current:
            self._current = item_id
            self.current_changed.emit(item_id)

    def _on_selection(self) -> None:
        if self.sender() is self._mode.selectionModel():
            self.selection_changed.emit(self.selected_ids())

    def _on_activated(self, index: QModelIndex) -> None:
        item_id = index.data(ItemIdRole)
        if item_id:
            self.activated.emit(item_id)

    def _restore_current(self) -> None:
        if self._current is not None and not self.select_item(self._current):
            self._current = None
            self.current_changed.emit(None)

    # ---- empty states ---------------------------------------------------------------------
    def _update_empty(self) -> None:
        count = self.model.rowCount()
        self.count_changed.emit(count)
        if count:
            self.stack.setCurrentWidget(self._mode)
            return
        self.empty.setText(EMPTY_CASE if self.model.filter == browse.ItemFilter() else EMPTY_FILTER)
        self.stack.setCurrentWidget(self.empty)

    # ---- keys -----------------------------------------------------------------------------
    def eventFilter(self, watched: object, event: object) -> bool:
        if isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress:
            if watched is self.filter_bar.text and event.key() == Qt.Key.Key_Escape:
                self.filter_bar.set_filter(browse.ItemFilter())
                self._mode.setFocus()
                return True
            if watched is self.filter_bar.text and event.key() == Qt.Key.Key_Down:
                self._mode.setFocus()
                return True
            if watched is self._mode and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                index = self._mode.currentIndex()
                if index.isValid():
                    self._on_activated(index)
                return True
        return super().eventFilter(watched, event)
