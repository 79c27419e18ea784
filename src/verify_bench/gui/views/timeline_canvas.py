"""The timeline surface: one row per item, its candidate times as bars as wide as their uncertainty, the
best time as a diamond, upload and file times as bounds, and incidents as shaded windows across all rows.

Wheel or +/− zooms about the pointer, dragging pans, a click selects the item (the browser follows),
Up/Down move between items, F fits everything.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor, QFont, QFontMetrics, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen, QPolygonF, QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QAbstractScrollArea, QToolTip, QWidget

from ... import chrono
from ..models.timeline_model import TimeScale

NAME_W = 190
AXIS_H = 40
ROW_H = 24
KIND_COLORS = {
    "claim": QColor("#1e8449"), "taken_at": QColor("#2f6fb3"), "creation_time": QColor("#6c3483"),
    "gps_time": QColor("#b7950b"), "upload": QColor("#d35400"), "file_modified": QColor("#7f8c8d"),
}
KIND_LABELS = {
    "claim": "time claim", "taken_at": "camera clock", "creation_time": "video creation", "gps_time": "GPS time",
    "upload": "upload (no later than)", "file_modified": "file saved (no later than)",
}
INCIDENT = QColor("#c0392b")
SELECTED = QColor("#fdebd0")
FLAGGED = QColor("#d0312d")


class TimelineCanvas(QAbstractScrollArea):
    item_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timeline_canvas")
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.viewport().setMouseTracking(True)
        self.data = chrono.TimelineData([], [], None, None)
        self.scale = TimeScale(datetime.now(UTC), 60.0)
        self.selected: str | None = None
        self._press: QPoint | None = None
        self._dragged = False
        self.fit_pending = True   # fit the next data that has times (first load, another incident)
        self._font = QFont()
        self._font.setPointSizeF(8.5)

    # ---- content ------------------------------------------------------------------------------
    def set_data(self, data: chrono.TimelineData) -> None:
        self.data = data
        self._update_scrollbar()
        if self.fit_pending and data.start is not None:
            self.fit()
        self.viewport().update()

    def fit(self) -> None:
        """Show every best time and incident window (else every candidate) across the width."""
        if self.data.start is not None and self.data.end is not None:
            self.fit_pending = False
            self.scale.fit(self.data.start, self.data.end, self._plot_width())
            self.viewport().update()

    def select(self, item_id: str | None) -> None:
        """Highlight an item's row and scroll it into view."""
        self.selected = item_id
        row = self.row_of(item_id)
        if row is not None:
            bar = self.verticalScrollBar()
            visible = max(1, (self.viewport().height() - AXIS_H) // ROW_H)
            if row < bar.value() or row >= bar.value() + visible:
                bar.setValue(max(0, row - visible // 2))
            best = self.data.rows[row].best
            if best is not None and not (0 <= self.scale.x(best.middle) <= self._plot_width()):
                self.scale.pan(self.scale.x(best.middle) - self._plot_width() / 2)
        self.viewport().update()

    def row_of(self, item_id: str | None) -> int | None:
        return next((i for i, r in enumerate(self.data.rows) if r.item_id == item_id), None)

    def zoom_by(self, factor: float, about_x: float | None = None) -> None:
        self.scale.zoom(factor, self._plot_width() / 2 if about_x is None else about_x)
        self.viewport().update()

    def _plot_width(self) -> float:
        return max(1.0, self.viewport().width() - NAME_W)

    def _update_scrollbar(self) -> None:
        visible = max(1, (self.viewport().height() - AXIS_H) // ROW_H)
        bar = self.verticalScrollBar()
        bar.setRange(0, max(0, len(self.data.rows) - visible))
        bar.setPageStep(visible)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_scrollbar()
        if self.fit_pending:
            self.fit()

    # ---- painting -----------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self.viewport())
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setFont(self._font)
        w, h = self.viewport().width(), self.viewport().height()
        pal = self.palette()
        p.fillRect(0, 0, w, h, pal.base())
        first = self.verticalScrollBar().value()
        rows = self.data.rows[first:first + (h - AXIS_H) // ROW_H + 1]
        p.save()
        p.setClipRect(QRectF(NAME_W, 0, w - NAME_W, h))
        p.translate(NAME_W, 0)
        self._paint_incidents(p, h)
        for n, row in enumerate(rows):
            self._paint_row(p, row, AXIS_H + n * ROW_H)
        p.restore()
        self._paint_axis(p, w)
        self._paint_incident_titles(p)
        self._paint_names(p, rows, h)

    def _paint_axis(self, p: QPainter, w: int) -> None:
        p.fillRect(QRectF(0, 0, w, AXIS_H), self.palette().window())
        ticks, fmt = self.scale.ticks(self._plot_width())
        p.setPen(self.palette().text().color())
        for tick in ticks:
            x = NAME_W + self.scale.x(tick)
            p.drawLine(QPointF(x, AXIS_H - 8), QPointF(x, AXIS_H))
            midnight = (tick.hour, tick.minute, tick.second) == (0, 0, 0) and "%H" in fmt and "%d" not in fmt
            label = tick.strftime("%d %b" if midnight else fmt)  # the day, at 00:00
            if x + 3 + p.fontMetrics().horizontalAdvance(label) <= w:  # no label cut off at the edge
                p.drawText(QPointF(x + 3, AXIS_H - 5), label)
        p.drawText(QRectF(6, AXIS_H - 19, NAME_W - 12, 16), Qt.AlignmentFlag.AlignLeft, "Times in UTC")
        p.setPen(QPen(self.palette().mid().color()))
        p.drawLine(0, AXIS_H, w, AXIS_H)

    def _paint_incidents(self, p: QPainter, h: int) -> None:
        for span in self.data.incidents:
            x0, x1, x = (self.scale.x(t) for t in (span.earliest, span.latest, span.time))
            band = QColor(INCIDENT)
            band.setAlpha(28)
            p.fillRect(QRectF(x0, AXIS_H, x1 - x0, h - AXIS_H), band)
            p.setPen(QPen(INCIDENT, 1.5))
            p.drawLine(QPointF(x, AXIS_H), QPointF(x, h))

    def _paint_incident_titles(self, p: QPainter) -> None:
        """Each incident's title at the top of the axis, over its line."""
        metrics = QFontMetrics(self._font)
        p.save()
        p.setClipRect(QRectF(NAME_W, 0, self._plot_width(), AXIS_H))
        for span in self.data.incidents:
            x = NAME_W + self.scale.x(span.time)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(INCIDENT)
            p.drawPolygon(QPolygonF([QPointF(x - 5, 4), QPointF(x + 5, 4), QPointF(x, 11)]))
            p.setPen(INCIDENT)
            title = metrics.elidedText(span.title, Qt.TextElideMode.ElideRight, 240)
            width = metrics.horizontalAdvance(title)
            right_side = x + 7 + width <= NAME_W + self._plot_width()  # else left of the line, not cut off
            p.drawText(QPointF(x + 7 if right_side else x - 7 - width, 13), title)
        p.restore()

    def _paint_row(self, p: QPainter, row: chrono.TimelineRow, y: int) -> None:
        if row.item_id == self.selected:
            p.fillRect(QRectF(-NAME_W, y, self.viewport().width(), ROW_H), SELECTED)
        middle = y + ROW_H / 2
        p.setPen(QPen(self.palette().mid().color(), 0.5, Qt.PenStyle.DotLine))
        p.drawLine(QPointF(0, middle), QPointF(self._plot_width(), middle))
        for cand in row.candidates:
            color = KIND_COLORS.get(cand.kind, QColor("#555"))
            x0, x1 = self.scale.x(cand.earliest), self.scale.x(cand.latest)
            if cand.kind in ("upload", "file_modified"):
                p.setPen(QPen(color, 2))
                p.drawLine(QPointF(x1, middle - 7), QPointF(x1, middle + 7))
                p.setBrush(color)
                flag = [QPointF(x1, middle - 7), QPointF(x1 - 6, middle - 7), QPointF(x1, middle - 2)]
                p.drawPolygon(QPolygonF(flag))
                continue
            fill = QColor(color)
            fill.setAlpha(90 if cand.zone_known else 45)
            p.setPen(QPen(color, 1, Qt.PenStyle.SolidLine if cand.zone_known else Qt.PenStyle.DashLine))
            p.setBrush(fill)
            p.drawRoundedRect(QRectF(x0, middle - 4, max(x1 - x0, 2.0), 8), 2, 2)
        if row.best is not None:
            x = self.scale.x(row.best.middle)
            color = KIND_COLORS.get(row.best.kind, QColor("#333"))
            p.setPen(QPen(QColor("white"), 1.5))
            p.setBrush(color)
            p.drawPolygon(QPolygonF([QPointF(x, middle - 7), QPointF(x + 7, middle), QPointF(x, middle + 7),
                                     QPointF(x - 7, middle)]))

    def _paint_names(self, p: QPainter, rows: list[chrono.TimelineRow], h: int) -> None:
        p.fillRect(QRectF(0, AXIS_H, NAME_W, h - AXIS_H), self.palette().window())
        metrics = QFontMetrics(self._font)
        for n, row in enumerate(rows):
            y = AXIS_H + n * ROW_H
            if row.item_id == self.selected:
                p.fillRect(QRectF(0, y, NAME_W, ROW_H), SELECTED)
            flag = "⚠ " if row.contradictions else ""
            p.setPen(FLAGGED if row.contradictions else self.palette().text().color())
            text = metrics.elidedText(flag + row.display_name + ("" if row.best else " · no time"),
                                      Qt.TextElideMode.ElideMiddle, NAME_W - 12)
            p.drawText(QRectF(6, y, NAME_W - 10, ROW_H), Qt.AlignmentFlag.AlignVCenter, text)
        p.setPen(QPen(self.palette().mid().color()))
        p.drawLine(NAME_W, 0, NAME_W, h)

    # ---- input --------------------------------------------------------------------------------
    def row_at(self, y: float) -> chrono.TimelineRow | None:
        if y < AXIS_H:
            return None
        index = self.verticalScrollBar().value() + int((y - AXIS_H) // ROW_H)
        return self.data.rows[index] if 0 <= index < len(self.data.rows) else None

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - round(steps * 3))
        elif steps:
            self.zoom_by(1.25**steps, event.position().x() - NAME_W)
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_by(2)
        elif key == Qt.Key.Key_Minus:
            self.zoom_by(0.5)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            self.scale.pan((-1 if key == Qt.Key.Key_Left else 1) * self._plot_width() / 5)
            self.viewport().update()
        elif key == Qt.Key.Key_F:
            self.fit()
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.data.rows:
            row = self.row_of(self.selected)
            step = -1 if key == Qt.Key.Key_Up else 1
            target = 0 if row is None else max(0, min(len(self.data.rows) - 1, row + step))
            self.select(self.data.rows[target].item_id)
            self.item_clicked.emit(self.data.rows[target].item_id)
        else:
            super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press, self._dragged = event.position().toPoint(), False
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        at = event.position().toPoint()
        if self._press is not None:
            dx = at.x() - self._press.x()
            if abs(dx) > 3 or self._dragged:
                self._dragged = True
                self.scale.pan(-dx)
                self._press = at
                self.viewport().update()
            return
        QToolTip.showText(event.globalPosition().toPoint(), self.tip_at(at), self.viewport())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._press is not None:
            self.viewport().setCursor(Qt.CursorShape.ArrowCursor)
            if not self._dragged:
                row = self.row_at(event.position().y())
                if row is not None:
                    self.select(row.item_id)
                    self.item_clicked.emit(row.item_id)
            self._press = None
        super().mouseReleaseEvent(event)

    def tip_at(self, at: QPoint) -> str:
        """What is under the pointer: the row's candidates near it, with their sources and uncertainty."""
        row = self.row_at(at.y())
        if row is None:
            return ""
        x = at.x() - NAME_W
        near = [c for c in row.candidates if self.scale.x(c.earliest) - 6 <= x <= self.scale.x(c.latest) + 6]
        lines = [f"<b>{row.display_name}</b>"]
        for c in near or ([row.best] if row.best else []):
            spread = (c.latest - c.earliest).total_seconds() / 2
            lines.append(f"{KIND_LABELS.get(c.kind, c.kind)} ({c.source}): {c.stated}"
                         + (f" · ±{_duration(spread)}" if spread >= 2 else ""))
        lines += [f"<span style='color:#d0312d'>⚠ {m}</span>" for m in row.contradictions]
        return "<br>".join(lines)


def _duration(seconds: float) -> str:
    if seconds >= 7200:
        return f"{seconds / 3600:.0f} h"
    if seconds >= 120:
        return f"{seconds / 60:.0f} min"
    return f"{seconds:.0f} s"
