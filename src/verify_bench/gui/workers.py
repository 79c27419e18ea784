"""Run core work off the GUI thread and hand results, progress and errors back to it.

One helper, :class:`TaskRunner`: ``run(fn, ...)`` calls ``fn(ctx)`` on a worker thread,
where ``ctx.report(x)`` sends progress and ``ctx.cancelled()`` polls the cancel
token; the ``on_*`` callbacks run on the GUI thread. Tasks started with
``serial=True`` share one thread, so database writes never overlap.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class TaskContext:
    """What a task function sees: progress reporting and the cancel token."""

    def __init__(self, task: Task) -> None:
        self._task = task

    def report(self, value: Any) -> None:
        self._task.progressed.emit(value)

    def cancelled(self) -> bool:
        return self._task.is_cancelled


class Task(QObject):
    """A handle on one piece of background work. Signals arrive on the GUI thread."""

    progressed = Signal(object)
    succeeded = Signal(object)
    failed = Signal(str, object)  # message, exception
    done = Signal()               # after succeeded or failed

    def __init__(self, fn: Callable[[TaskContext], Any], name: str) -> None:
        super().__init__()
        self.fn = fn
        self.name = name
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def is_cancelled(self) -> bool:
        return self._cancel.is_set()


class _Runnable(QRunnable):
    def __init__(self, task: Task) -> None:
        super().__init__()
        self.task = task
        self.setAutoDelete(True)

    def run(self) -> None:
        task = self.task
        try:
            result = task.fn(TaskContext(task))
        except Exception as exc:  # noqa: BLE001 - every failure is reported to the GUI, never swallowed
            traceback.print_exc()
            task.failed.emit(f"{task.name} failed: {exc}", exc)
        else:
            task.succeeded.emit(result)
        task.done.emit()


class TaskRunner(QObject):
    """Owns the worker threads of one window: a pool for reads and CPU work, one thread for writes."""

    def __init__(self, parent: QObject | None = None, *, threads: int = 4) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._serial = QThreadPool(self)
        self._serial.setMaxThreadCount(1)
        self._live: set[Task] = set()
        self._shut_down = False

    def run(
        self,
        fn: Callable[[TaskContext], Any],
        *,
        name: str = "Background task",
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[str, Exception], None] | None = None,
        on_progress: Callable[[Any], None] | None = None,
        serial: bool = False,
    ) -> Task:
        task = Task(fn, name)
        for signal, callback in ((task.succeeded, on_result), (task.failed, on_error), (task.progressed, on_progress)):
            if callback is not None:
                signal.connect(self._unless_shut_down(callback))
        task.done.connect(lambda: self._live.discard(task))
        self._live.add(task)
        (self._serial if serial else self._pool).start(_Runnable(task))
        return task

    def _unless_shut_down(self, callback: Callable[..., None]) -> Callable[..., None]:
        """Results that arrive after :meth:`shutdown` (queued before it) are dropped: their views are gone."""
        def deliver(*args: Any) -> None:
            if not self._shut_down:
                callback(*args)
        return deliver

    @property
    def busy(self) -> bool:
        return bool(self._live)

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Cancel everything and wait for the threads to finish; True when all stopped in time."""
        self._shut_down = True
        for task in list(self._live):
            task.cancel()
        ok = self._serial.waitForDone(timeout_ms) and self._pool.waitForDone(timeout_ms)
        self._pool.clear()
        return ok
