"""The thumbnail grid: uniform cells over column 0 of the item model, painted by a delegate."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel, QItemSelection, QItemSelectionModel, QModelIndex, QPersistentModelIndex, QPoint, QRect, QSize,
    Qt, Signal,
)
from PySide6.QtGui import QColor, QFont, QKeyEvent, QKeySequence, QMouseEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractScrollArea, QApplication, QRubberBand, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget,
)

from ..formatting import duration
from ..models.item_model import CellRole

THUMB = QSize(160, 120)
CELL = QSize(184, 160)
_BADGE_RED = QColor(200, 40, 40)
_BADGE_AMBER = QColor(200, 120, 0)


class ItemDelegate(QStyledItemDelegate):
    """Thumbnail, name, and badges: problems, sensitive, blurred, video length."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return CELL

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        cell = index.data(CellRole)
        if cell is None:
            return
        row, pixmap, blurred, sensitive = cell
        palette: QPalette = option.palette
        rect: QRect = option.rect.adjusted(3, 3, -3, -3)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.setBrush(palette.highlight())
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawRoundedRect(rect, 6, 6)
        if option.state & QStyle.StateFlag.State_HasFocus:
            painter.setPen(palette.color(QPalette.ColorRole.Highlight).lighter(130))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect, 6, 6)
        thumb_rect = QRect(rect.x() + (rect.width() - THUMB.width()) // 2, rect.y() + 4, THUMB.width(), THUMB.height())
        if pixmap is not None and not pixmap.isNull():
            size = pixmap.deviceIndependentSize().toSize().scaled(THUMB, Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(0, 0, size.width(), size.height())
            target.moveCenter(thumb_rect.center())
            painter.drawPixmap(target, pixmap)
        else:
            self._placeholder(painter, thumb_rect, palette, row.media_type, loading=pixmap is None)
        self._badges(painter, thumb_rect, row, blurred, sensitive)
        text_rect = QRect(rect.x() + 4, thumb_rect.bottom() + 4, rect.width() - 8, rect.bottom() - thumb_rect.bottom() - 4)
        painter.setPen(palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text))
        name = option.fontMetrics.elidedText(row.display_name, Qt.TextElideMode.ElideMiddle, text_rect.width())
        painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop), name)
        painter.restore()

    @staticmethod
    def _placeholder(painter: QPainter, rect: QRect, palette: QPalette, media_type: str, *, loading: bool) -> None:
        """A quiet frame with the kind of file: while the thumbnail loads, or when there is none."""
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        painter.setBrush(palette.color(QPalette.ColorRole.AlternateBase))
        box = rect.adjusted(24, 12, -24, -12)
        painter.drawRoundedRect(box, 4, 4)
        painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        label = {"image": "picture", "video": "video"}.get(media_type, "file")
        painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), "…" if loading else f"{label}\nno preview")

    def _badges(self, painter: QPainter, thumb: QRect, row: object, blurred: bool, sensitive: bool) -> None:
        font = QFont(painter.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        font.setBold(True)
        painter.setFont(font)
        if blurred:
            text = "Hidden" if sensitive else "Not opened yet"
            width = painter.fontMetrics().horizontalAdvance(text) + 12
            self._pill(painter, thumb.center().x() - width // 2, thumb.center().y() - 10, width, text,
                       QColor(0, 0, 0, 170))
        x = thumb.left() + 2
        if row.analysis in ("problems", "failed"):  # type: ignore[attr-defined]
            label = "FAILED" if row.analysis == "failed" else "PROBLEM"  # type: ignore[attr-defined]
            x += self._pill(painter, x, thumb.top() + 2, 0, label, _BADGE_RED) + 3
        if sensitive:
            self._pill(painter, x, thumb.top() + 2, 0, "SENSITIVE", _BADGE_AMBER)
        if row.duration:  # type: ignore[attr-defined]
            text = "▶ " + duration(row.duration)  # type: ignore[attr-defined]
            width = painter.fontMetrics().horizontalAdvance(text) + 10
            self._pill(painter, thumb.right() - width - 2, thumb.bottom() - 20, width, text, QColor(0, 0, 0, 170))

    @staticmethod
    def _pill(painter: QPainter, x: int, y: int, width: int, text: str, color: QColor) -> int:
        width = width or painter.fontMetrics().horizontalAdvance(text) + 10
        rect = QRect(x, y, width, painter.fontMetrics().height() + 4)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawRoundedRect(rect, 4, 4)
        painter.setPen(QColor(255, 255, 255))
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), text)
        return width


class ItemGrid(QAbstractScrollArea):
    """A grid of uniform cells over a list model, laid out arithmetically.

    QListView lays out every item when the model resets (two Python calls per item: over a
    second for 100,000 items); here the layout is ``row = index // columns`` and only the visible
    cells ever touch the model. Selection, keyboard and mouse behave like an item view's.
    """

    activated = Signal(QModelIndex)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("item_grid")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.verticalScrollBar().setSingleStep(CELL.height() // 4)
        self.verticalScrollBar().valueChanged.connect(self.viewport().update)
        self.viewport().setAutoFillBackground(True)
        self.viewport().setBackgroundRole(QPalette.ColorRole.Base)
        self.delegate = ItemDelegate(self)
        self._model: QAbstractItemModel | None = None
        self._selection: QItemSelectionModel | None = None
        self._anchor = 0
        self._band = QRubberBand(QRubberBand.Shape.Rectangle, self.viewport())
        self._band_origin: QPoint | None = None  # in content coordinates (scroll offset included)
        self._band_base = QItemSelection()  # what was selected before a Ctrl-drag started

    # ---- model and selection ---------------------------------------------------------------
    def setModel(self, model: QAbstractItemModel) -> None:
        self._model = model
        self._selection = QItemSelectionModel(model, self)
        self._selection.selectionChanged.connect(self.viewport().update)
        self._selection.currentChanged.connect(self.viewport().update)
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.layoutChanged):
            signal.connect(self._relayout)
        model.dataChanged.connect(self._on_data_changed)
        self._relayout()

    def model(self) -> QAbstractItemModel | None:
        return self._model

    def selectionModel(self) -> QItemSelectionModel:
        assert self._selection is not None
        return self._selection

    def currentIndex(self) -> QModelIndex:
        return self._selection.currentIndex() if self._selection else QModelIndex()

    # ---- geometry --------------------------------------------------------------------------
    def _count(self) -> int:
        return self._model.rowCount() if self._model is not None else 0

    def columns(self) -> int:
        return max(1, self.viewport().width() // CELL.width())

    def _relayout(self) -> None:
        rows = -(-self._count() // self.columns())
        bar = self.verticalScrollBar()
        bar.setPageStep(self.viewport().height())
        bar.setRange(0, max(0, rows * CELL.height() - self.viewport().height()))
        self.viewport().update()

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._relayout()

    def visualRect(self, index: QModelIndex) -> QRect:
        if not index.isValid():
            return QRect()
        cols = self.columns()
        row, col = divmod(index.row(), cols)
        return QRect(col * CELL.width(), row * CELL.height() - self.verticalScrollBar().value(),
                     CELL.width(), CELL.height())

    def indexAt(self, point: QPoint) -> QModelIndex:
        cols = self.columns()
        col = point.x() // CELL.width()
        row = (point.y() + self.verticalScrollBar().value()) // CELL.height()
        n = row * cols + col
        if self._model is None or col >= cols or not 0 <= n < self._count():
            return QModelIndex()
        return self._model.index(n, 0)

    def rows_in(self, rect: QRect) -> list[tuple[int, int]]:
        """Contiguous (first, last) row runs whose cells intersect ``rect`` (content coordinates)."""
        cols, count = self.columns(), self._count()
        top, bottom = max(0, rect.top() // CELL.height()), rect.bottom() // CELL.height()
        left = max(0, rect.left() // CELL.width())
        right = min(cols - 1, rect.right() // CELL.width())
        if right < left or count == 0:
            return []
        runs = []
        for row in range(top, bottom + 1):
            first, last = row * cols + left, min(count - 1, row * cols + right)
            if first <= last:
                runs.append((first, last))
        return runs

    def scrollTo(self, index: QModelIndex) -> None:
        rect = self.visualRect(index)
        bar = self.verticalScrollBar()
        if rect.top() < 0:
            bar.setValue(bar.value() + rect.top())
        elif rect.bottom() > self.viewport().height():
            bar.setValue(bar.value() + rect.bottom() - self.viewport().height() + 1)

    # ---- painting --------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        if self._model is None or self._selection is None:
            return
        painter = QPainter(self.viewport())
        cols, top = self.columns(), self.verticalScrollBar().value()
        first_row = top // CELL.height()
        last_row = (top + self.viewport().height()) // CELL.height()
        option = QStyleOptionViewItem()
        option.initFrom(self.viewport())
        option.palette = self.palette()
        current = self.currentIndex().row()
        exposed = event.rect()
        for n in range(first_row * cols, min(self._count(), (last_row + 1) * cols)):
            index = self._model.index(n, 0)
            option.rect = self.visualRect(index)
            if not option.rect.intersects(exposed):
                continue
            option.state = QStyle.StateFlag.State_Enabled
            if self._selection.isSelected(index):
                option.state |= QStyle.StateFlag.State_Selected
            if n == current and self.hasFocus():
                option.state |= QStyle.StateFlag.State_HasFocus
            self.delegate.paint(painter, option, index)
        painter.end()

    def _on_data_changed(self, top_left: QModelIndex, bottom_right: QModelIndex) -> None:
        if top_left.row() == bottom_right.row():
            self.viewport().update(self.visualRect(top_left))
        else:
            self.viewport().update()

    # ---- mouse and keyboard ----------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus()
        point = event.position().toPoint()
        mods = event.modifiers()
        if event.button() == Qt.MouseButton.LeftButton and self._model is not None:
            # a drag from here becomes a rubber band; Ctrl keeps what was selected
            self._band_origin = point + QPoint(0, self.verticalScrollBar().value())
            ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
            self._band_base = QItemSelection(self.selectionModel().selection()) if ctrl else QItemSelection()
        index = self.indexAt(point)
        if not index.isValid():
            if self._model is not None and not mods & Qt.KeyboardModifier.ControlModifier:
                self.selectionModel().clearSelection()
            return super().mousePressEvent(event)
        if event.button() == Qt.MouseButton.RightButton and self.selectionModel().isSelected(index):
            return  # keep the selection for the context menu
        self._move_to(index.row(), extend=bool(mods & Qt.KeyboardModifier.ShiftModifier),
                      toggle=bool(mods & Qt.KeyboardModifier.ControlModifier))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._band_origin is None or not event.buttons() & Qt.MouseButton.LeftButton:
            return super().mouseMoveEvent(event)
        offset = self.verticalScrollBar().value()
        here = event.position().toPoint() + QPoint(0, offset)
        if not self._band.isVisible() and (here - self._band_origin).manhattanLength() < QApplication.startDragDistance():
            return
        content = QRect(self._band_origin, here).normalized()
        self._band.setGeometry(content.translated(0, -offset))
        self._band.show()
        selection = QItemSelection(self._band_base)
        for first, last in self.rows_in(content):
            selection.select(self._model.index(first, 0), self._model.index(last, 0))
        self.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        if event.position().y() > self.viewport().height():  # drag past the edge scrolls
            self.verticalScrollBar().setValue(offset + CELL.height() // 4)
        elif event.position().y() < 0:
            self.verticalScrollBar().setValue(offset - CELL.height() // 4)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._band.hide()
        self._band_origin = None
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        if index.isValid():
            self.activated.emit(index)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        count, cols = self._count(), self.columns()
        if not count:
            return super().keyPressEvent(event)
        current = max(0, self.currentIndex().row())
        page = max(1, self.viewport().height() // CELL.height()) * cols
        moves = {Qt.Key.Key_Left: current - 1, Qt.Key.Key_Right: current + 1, Qt.Key.Key_Up: current - cols,
                 Qt.Key.Key_Down: current + cols, Qt.Key.Key_PageUp: current - page,
                 Qt.Key.Key_PageDown: current + page, Qt.Key.Key_Home: 0, Qt.Key.Key_End: count - 1}
        key = Qt.Key(event.key())
        if key in moves:
            self._move_to(max(0, min(count - 1, moves[key])),
                          extend=bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier))
        elif event.matches(QKeySequence.StandardKey.SelectAll):
            self.selectionModel().select(QItemSelection(self._model.index(0, 0), self._model.index(count - 1, 0)),
                                         QItemSelectionModel.SelectionFlag.ClearAndSelect)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated.emit(self.currentIndex())
        else:
            super().keyPressEvent(event)

    def _move_to(self, row: int, *, extend: bool = False, toggle: bool = False) -> None:
        assert self._model is not None
        index = self._model.index(row, 0)
        sm = self.selectionModel()
        sm.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
        Flag = QItemSelectionModel.SelectionFlag
        if extend:
            low, high = sorted((self._anchor, row))
            sm.select(QItemSelection(self._model.index(low, 0), self._model.index(high, 0)),
                      Flag.Select if toggle else Flag.ClearAndSelect)
        else:
            self._anchor = row
            sm.select(index, Flag.Toggle if toggle else Flag.ClearAndSelect)
        self.scrollTo(index)

    def focusInEvent(self, event: object) -> None:
        super().focusInEvent(event)  # type: ignore[arg-type]
        self.viewport().update()

    def focusOutEvent(self, event: object) -> None:
        super().focusOutEvent(event)  # type: ignore[arg-type]
        self.viewport().update()
