"""Verify case: the full integrity check (chain, signatures, projections, every original re-hashed)
off the GUI thread, with progress and Cancel, and its result said plainly."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...verify import VerifyCancelled, VerifyReport, verify_case
from ..formatting import human_size
from ..session import CaseSession
from ..workers import Task, TaskContext

STAGES = {"events": "Checking the hash chain of the event log",
          "signatures": "Checking every event's signature",
          "projections": "Rebuilding the current state from the events"}
REPORT_EVERY = 0.1   # seconds between progress reports from the worker


def stage_text(label: str) -> str:
    return STAGES.get(label, f"Re-hashing the originals: {label.rsplit('/', 1)[-1]}")


class VerifyDialog(QDialog):
    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verify_dialog")
        self.setWindowTitle(f"Verify case — {session.title}")
        self.setMinimumWidth(640)
        self.session = session
        self.report: VerifyReport | None = None
        self.stage = QLabel("Starting…", objectName="verify_stage", wordWrap=True)
        self.bar = QProgressBar(objectName="verify_progress")
        self.verdict = QLabel(objectName="verify_verdict", wordWrap=True, textFormat=Qt.TextFormat.RichText)
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.findings = QTreeWidget(objectName="verify_findings", rootIsDecorated=False)
        self.findings.setHeaderLabels(["Severity", "Code", "What was found"])
        self.findings.header().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.findings.hide()
        self.buttons = QDialogButtonBox()
        self.cancel_button = QPushButton("Cancel", objectName="verify_cancel")
        self.close_button = QPushButton("Close", objectName="verify_close")
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.accept)
        self.close_button.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.stage)
        layout.addWidget(self.bar)
        layout.addWidget(self.verdict)
        layout.addWidget(self.findings, 10)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.task: Task | None = self._start()

    def _start(self) -> Task:
        root = self.session.root

        def work(ctx: TaskContext) -> VerifyReport:
            last = 0.0

            def progress(label: str, done: int, total: int) -> None:
                nonlocal last
                now = time.monotonic()
                if now - last >= REPORT_EVERY:
                    last = now
                    ctx.report((label, done, total))

            return verify_case(root, progress=progress, cancel=ctx.cancelled)

        return self.session.runner.run(work, name="Verifying the case", on_progress=self._on_progress,
                                       on_result=self._on_done, on_error=self._on_error)

    def _on_progress(self, value: Any) -> None:
        label, done, total = value
        self.stage.setText(stage_text(label))
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(min(done, total))

    def _on_done(self, report: VerifyReport) -> None:
        self.task, self.report = None, report
        self._finish()
        errors, notices = len(report.errors), len(report.findings) - len(report.errors)
        facts = (f"{report.events:,} events, head {report.head_seq}: <code>{report.head_hash}</code><br>"
                 f"{report.originals_checked:,} originals re-hashed ({human_size(report.bytes_checked)})")
        if report.ok:
            head = "<b style='color:#2e7d32; font-size:large'>The case is intact.</b>"
            tail = f" {notices} notice(s) below." if notices else ""
        else:
            head = (f"<b style='color:#d0312d; font-size:large'>{errors} problem(s) found.</b> "
                    "Something in the case was changed outside the app, or is missing.")
            tail = f" And {notices} notice(s)." if notices else ""
        self.verdict.setText(f"{head}{tail}<br>{facts}<br><span style='color:gray'>{report.assurance}</span>")
        for f in report.findings:
            row = QTreeWidgetItem([f.severity, f.code, f.message])
            row.setToolTip(2, f.message)
            self.findings.addTopLevelItem(row)
        self.findings.setVisible(bool(report.findings))

    def _on_error(self, message: str, exc: Exception) -> None:
        self.task = None
        self._finish()
        if isinstance(exc, VerifyCancelled):
            self.verdict.setText("<b>Cancelled.</b> Nothing is concluded from a check that did not finish.")
        else:
            self.verdict.setText(f"<b style='color:#d0312d'>The check could not run:</b> {exc}")

    def _finish(self) -> None:
        self.stage.hide()
        self.bar.hide()
        self.cancel_button.hide()
        self.close_button.show()
        self.close_button.setDefault(True)

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.stage.setText("Cancelling…")
            self.cancel_button.setEnabled(False)
        else:
            self.reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.task is not None:
            self.task.cancel()
        super().closeEvent(event)

    def reject(self) -> None:
        if self.task is not None:
            self.cancel()
            return
        super().reject()
