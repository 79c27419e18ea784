"""Keep views and models reading the case only while they are on screen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QEvent, QObject, SignalInstance
from PySide6.QtWidgets import QWidget


class Activatable(Protocol):
    def set_active(self, active: bool) -> None: ...


class ActiveWhileShown(QObject):
    """Calls ``model.set_active(True)`` when ``view`` is shown and ``set_active(False)`` when hidden.

    A hidden dock then costs nothing however large the case: the model marks itself stale on changes
    and catches up when shown again.
    """

    def __init__(self, view: QWidget, model: Activatable) -> None:
        super().__init__(view)
        self._model = model
        view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show:
            self._model.set_active(True)
        elif event.type() == QEvent.Type.Hide:
            self._model.set_active(False)
        return False


class RefreshWhenShown(QObject):
    """Runs ``refresh`` when ``changed`` fires while ``view`` is on screen, else once when it is next shown.

    A hidden panel then reads nothing however often the case changes. ``stale`` says whether the
    first showing must read (a panel that is given its content some other way starts fresh).
    """

    def __init__(self, view: QWidget, changed: SignalInstance, refresh: Callable[[], None], *,
                 stale: bool = True) -> None:
        super().__init__(view)
        self._view = view
        self._refresh = refresh
        self.stale = stale
        changed.connect(self._on_changed)
        view.installEventFilter(self)

    def _on_changed(self) -> None:
        self.stale = True
        if self._view.isVisible():
            self.run()

    def run(self) -> None:
        self.stale = False
        self._refresh()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and self.stale:
            self.run()
        return False
