"""Keep a model reading the case only while its view is on screen."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QEvent, QObject
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
