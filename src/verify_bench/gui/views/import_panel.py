"""Progress of the running import: files, MB, rate, ETA, current file, errors so far, Cancel; failed files listed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QProgressBar, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from ...ingest.progress import FileOutcome, ImportProgress, ImportSummary
from ..formatting import eta, human_size
from ..import_job import ImportQueue

IDLE_TEXT = "No import running. Drop files, folders or archives on the window, or press Ctrl+I."


class ImportPanel(QWidget):
    show_item = Signal(str)  # item id of a failed file the user clicked

    def __init__(self, queue: ImportQueue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.queue = queue
        self.headline = QLabel(IDLE_TEXT, objectName="import_headline", wordWrap=True)
        self.bar = QProgressBar(objectName="import_bar", textVisible=True)
        self.stats = QLabel(objectName="import_stats")
        self.current = QLabel(objectName="import_current")
        self.current.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.errors = QLabel(objectName="import_errors")
        self.cancel_button = QPushButton("Cancel import", objectName="import_cancel", enabled=False)
        self.cancel_button.clicked.connect(self._on_cancel)
        self.failures = QTreeWidget(objectName="import_failures", rootIsDecorated=False, alternatingRowColors=True)
        self.failures.setHeaderLabels(["File", "Problem", "What happened"])
        self.failures.setColumnWidth(0, 320)
        self.failures.setColumnWidth(1, 110)
        self.failures.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.failures.itemActivated.connect(self._on_failure_activated)
        self.failures.hide()
        top = QHBoxLayout()
        top.addWidget(self.headline, 1)
        top.addWidget(self.cancel_button)
        row = QHBoxLayout()
        row.addWidget(self.stats, 1)
        row.addWidget(self.errors)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addLayout(top)
        layout.addWidget(self.bar)
        layout.addLayout(row)
        layout.addWidget(self.current)
        layout.addWidget(self.failures, 1)
        self.bar.hide()
        queue.started.connect(self._on_started)
        queue.progressed.connect(self.set_progress)
        queue.file_done.connect(self.add_outcome)
        queue.finished.connect(self._on_finished)
        queue.failed.connect(self._on_failed)

    def _on_started(self, inputs: list[str]) -> None:
        names = ", ".join(Path(p).name for p in inputs[:3]) + (f" and {len(inputs) - 3} more" if len(inputs) > 3 else "")
        self.headline.setText(f"<b>Importing</b> {names}")
        self.failures.clear()
        self.failures.hide()
        self.bar.show()
        self.bar.setRange(0, 0)
        self.stats.setText("Looking for files…")
        self.current.clear()
        self.errors.clear()
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText("Cancel import")

    def set_progress(self, p: ImportProgress) -> None:
        if p.phase == "scanning":
            return
        self.bar.setRange(0, max(1, p.files_total))
        self.bar.setValue(p.files_done)
        self.bar.setFormat(f"{p.files_done} of {p.files_total} files")
        rate = human_size(p.bytes_per_second) + "/s"
        self.stats.setText(f"{human_size(p.bytes_done)} of {human_size(p.bytes_total)} · {rate} · "
                           f"{p.files_per_second:.1f} files/s · about {eta(p.eta)} left")
        self.current.setText(f"Now: {p.current}" if p.current and p.phase == "importing" else "Finishing…")
        self.errors.setText(f"{p.errors} with errors" if p.errors else "No errors so far")
        self.errors.setStyleSheet("QLabel { color: #d0312d; font-weight: bold; }" if p.errors else "")

    def add_outcome(self, outcome: FileOutcome) -> None:
        """A file with problems is listed at once, where it happened (double-click opens its item)."""
        for kind, message in outcome.problems:
            entry = QTreeWidgetItem([outcome.path, kind.replace("_", " "), message])
            entry.setToolTip(0, outcome.path)
            entry.setToolTip(2, message)
            entry.setData(0, Qt.ItemDataRole.UserRole, outcome.item_id)
            self.failures.addTopLevelItem(entry)
            self.failures.show()

    def _on_finished(self, s: ImportSummary) -> None:
        done = s.imported + s.sighted + s.known + s.rejected
        verb = {"completed": "Import finished", "cancelled": "Import cancelled"}.get(s.state, "Import stopped")
        parts = [f"{s.imported} new item{'s' if s.imported != 1 else ''}"]
        if s.sighted:
            parts.append(f"{s.sighted} already in the case (new sighting recorded)")
        if s.known:
            parts.append(f"{s.known} imported before")
        if s.rejected:
            parts.append(f"{s.rejected} could not be read")
        if s.with_problems:
            parts.append(f"{s.with_problems} with problems")
        text = f"<b>{verb}</b>: {', '.join(parts)} — {done} of {s.files_total} files in {s.seconds:.1f} s."
        if s.state == "cancelled":
            text += " Everything imported so far is kept; import the same files again to resume."
        self.headline.setText(text)
        self.bar.setRange(0, max(1, s.files_total))
        self.bar.setValue(done)
        self.bar.setFormat(f"{done} of {s.files_total} files")
        self.current.clear()
        rate = human_size(s.bytes / s.seconds) + "/s" if s.seconds > 0 else ""
        self.stats.setText(f"{human_size(s.bytes)} read · {rate}")
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText("Cancel import")

    def _on_failed(self, message: str) -> None:
        self.headline.setText(f"<b style='color:#d0312d'>The import stopped with an error:</b> {message}")
        self.cancel_button.setEnabled(False)
        self.bar.hide()

    def _on_cancel(self) -> None:
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText("Cancelling…")
        self.queue.cancel()

    def _on_failure_activated(self, entry: QTreeWidgetItem) -> None:
        item_id = entry.data(0, Qt.ItemDataRole.UserRole)
        if item_id:
            self.show_item.emit(item_id)
