"""Imports run one at a time on a worker thread, each with its own case connection; more wait in a queue."""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

from ..ingest.pipeline import ImportOptions, run_import
from ..ingest.progress import FileOutcome, ImportProgress, ImportSummary
from .session import CaseSession
from .workers import Task, TaskContext

PROGRESS_INTERVAL = 0.1  # seconds between progress reports to the GUI


@dataclass(frozen=True)
class _Committed:
    """The import has committed the events of its first ``files`` files."""

    files: int


class ImportQueue(QObject):
    """Starts imports of the session's case; emits progress, each file's outcome and the summary."""

    started = Signal(list)          # the inputs
    progressed = Signal(object)     # ImportProgress (a snapshot)
    file_done = Signal(object)      # FileOutcome
    finished = Signal(object)       # ImportSummary
    failed = Signal(str)
    idle = Signal()                 # nothing running or waiting

    def __init__(self, session: CaseSession, options: ImportOptions | None = None) -> None:
        super().__init__(session)
        self.session = session
        self.options = options or ImportOptions()
        self._waiting: list[list[str]] = []
        self._task: Task | None = None

    @property
    def running(self) -> bool:
        return self._task is not None

    def add(self, paths: Sequence[str | os.PathLike[str]]) -> None:
        self._waiting.append([os.fspath(p) for p in paths])
        if self._task is None:
            self._start_next()

    def cancel(self) -> None:
        """Stop the running import (what is done stays recorded) and drop the waiting ones."""
        self._waiting.clear()
        if self._task is not None:
            self._task.cancel()

    def _start_next(self) -> None:
        if not self._waiting:
            self.idle.emit()
            return
        inputs = self._waiting.pop(0)
        options = self.options

        def work(ctx: TaskContext) -> ImportSummary:
            last, visible = 0.0, 0

            def progress(p: ImportProgress) -> None:
                nonlocal last, visible
                if p.files_done > visible and not case.conn.in_transaction:
                    visible = p.files_done  # committed: other connections see these files now
                    ctx.report(_Committed(visible))
                now = time.monotonic()
                if now - last >= PROGRESS_INTERVAL or p.phase == "finishing":
                    last = now
                    ctx.report(dataclasses.replace(p))

            with self.session.open_case() as case:
                return run_import(case, inputs, options=options, progress=progress,
                                  on_file=ctx.report, cancel=ctx.cancelled)

        self.started.emit(inputs)
        self._task = self.session.runner.run(work, name="Import", on_progress=self._on_report,
                                             on_result=self._on_finished, on_error=self._on_failed)

    def _on_report(self, value: Any) -> None:
        if isinstance(value, FileOutcome):
            self.file_done.emit(value)
        elif isinstance(value, _Committed):
            self.session.notify_changed()  # thumbnails and items appear while the import runs
        else:
            self.progressed.emit(value)

    def _on_finished(self, summary: ImportSummary) -> None:
        self._task = None
        self.session.notify_changed(now=True)
        self.finished.emit(summary)
        self._start_next()

    def _on_failed(self, message: str, _exc: Exception) -> None:
        self._task = None
        self.session.notify_changed(now=True)
        self.failed.emit(message)
        self._start_next()
