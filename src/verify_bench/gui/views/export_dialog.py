"""Export a chain-of-custody report: scope, formats, originals, bundle, timestamp; progress with cancel.

The export runs off the GUI thread (the session's :class:`~verify_bench.gui.workers.TaskRunner`, on
the serial writer thread, since it records a ``report.exported`` event) through
:func:`verify_bench.reports.export.export_report`; this dialog only collects choices and shows
progress, errors and the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QGridLayout, QGroupBox,
    QHBoxLayout, QLayout,
    QLabel, QLineEdit, QProgressBar, QPushButton, QRadioButton, QVBoxLayout, QWidget,
)

from ...case import Case
from ...geo.incidents import list_incidents
from ...reports.export import ExportOptions, ExportResult, export_report
from ...reports.scope import Scope
from ...workflow.vocabulary import STATE_LABELS, STATES
from .. import settings
from ..session import CaseSession
from ..workers import Task, TaskContext

TSA_KEY = "reports/tsa_url"
STEP_LABELS = {"gathering": "Gathering item {done} of {total}", "html": "Writing the HTML report",
               "pdf": "Writing the PDF report", "event log": "Writing the event-log excerpt",
               "originals": "Copying original {done} of {total}", "bundling": "Writing the zip bundle",
               "done": "Done"}


class ExportDialog(QDialog):
    """Choose what to export and where; export with progress; open the folder when done."""

    def __init__(self, session: CaseSession, selected_ids: Sequence[str] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export chain-of-custody report")
        self.setObjectName("export_dialog")
        self.setMinimumWidth(560)
        self.session = session
        self.selected_ids = list(selected_ids)
        self.result: ExportResult | None = None
        self._task: Task | None = None
        case = session.case
        total = case.conn.execute("SELECT count(*) FROM items").fetchone()[0]

        # ---- scope
        self.scope_whole = QRadioButton(f"Whole case ({total} item{'s' if total != 1 else ''})",
                                        objectName="scope_whole")
        self.scope_selected = QRadioButton(f"Selected items ({len(self.selected_ids)})", objectName="scope_selected",
                                           enabled=bool(self.selected_ids))
        self.scope_incident = QRadioButton("Items of incident", objectName="scope_incident")
        self.incident = QComboBox(objectName="export_incident")
        for inc in list_incidents(case):
            self.incident.addItem(f"{inc.title} ({len(inc.item_ids)} items)", inc.incident_id)
        self.scope_incident.setEnabled(self.incident.count() > 0)
        self.scope_states = QRadioButton("Items in states", objectName="scope_states")
        self.state_boxes = {s: QCheckBox(STATE_LABELS[s], objectName=f"state_{s}") for s in STATES}
        self.state_boxes["verified"].setChecked(True)
        group = QButtonGroup(self)
        for n, button in enumerate((self.scope_whole, self.scope_selected, self.scope_incident, self.scope_states)):
            group.addButton(button, n)
        (self.scope_selected if self.selected_ids else self.scope_whole).setChecked(True)
        scope_box = QGroupBox("What to report")
        scope = QVBoxLayout(scope_box)
        scope.addWidget(self.scope_whole)
        scope.addWidget(self.scope_selected)
        row = QHBoxLayout()
        row.addWidget(self.scope_incident)
        row.addWidget(self.incident, 1)
        scope.addLayout(row)
        scope.addWidget(self.scope_states)
        states = QGridLayout()
        states.setContentsMargins(22, 0, 0, 0)
        for n, box in enumerate(self.state_boxes.values()):
            states.addWidget(box, n // 4, n % 4)
            box.toggled.connect(lambda on: on and self.scope_states.setChecked(True))
        scope.addLayout(states)
        self.incident.currentIndexChanged.connect(lambda _i: self.scope_incident.setChecked(True))

        # ---- formats and options
        self.formats = {f: QCheckBox(label, objectName=f"format_{f}", toolTip=tip) for f, label, tip in (
            ("html", "HTML", "One self-contained file, images included; prints cleanly"),
            ("pdf", "PDF", "Paginated, with the case, page x of y and the generation time on every page"),
            ("json", "JSON (always)", "report.json is always written: the complete record the other formats show"),
            ("csv", "CSV", "One row per item, for spreadsheets"))}
        for f in ("html", "pdf", "json"):
            self.formats[f].setChecked(True)
        self.formats["json"].setEnabled(False)
        self.originals = QCheckBox("Include the original files", objectName="export_originals")
        self.bundle = QCheckBox("Bundle everything in one zip file", objectName="export_bundle")
        self.folder = QLineEdit(str(session.root / "exports"), objectName="export_folder")
        choose = QPushButton("Choose…", objectName="export_choose")
        choose.clicked.connect(self._choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(choose)
        self.tsa = QLineEdit(str(settings.settings().value(TSA_KEY, "") or ""), objectName="export_tsa",
                             placeholderText="optional, e.g. https://freetsa.org/tsr",
                             toolTip="An RFC 3161 timestamp authority stamps the manifest hash. Without one, the"
                                     " request is saved as manifest.tsq to be stamped later.")
        formats_row = QHBoxLayout()
        for box in self.formats.values():
            formats_row.addWidget(box)
        formats_row.addStretch(1)
        form = QFormLayout()
        form.addRow("Formats", formats_row)
        form.addRow("", self.originals)
        form.addRow("", self.bundle)
        form.addRow("Save in", folder_row)
        form.addRow("Timestamp authority", self.tsa)

        # ---- progress, errors, result
        self.progress = QProgressBar(objectName="export_progress", textVisible=False)
        self.progress.hide()
        self.status = QLabel(objectName="export_status", wordWrap=True,
                             textInteractionFlags=Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = QLabel(objectName="export_error", wordWrap=True, styleSheet="color: #d0312d;",
                            textInteractionFlags=Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setObjectName("export_button")
        self.export_button.setDefault(True)
        self.open_button = self.buttons.addButton("Open folder", QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.setObjectName("export_open")
        self.open_button.hide()
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.export_button.clicked.connect(self.start)
        self.open_button.clicked.connect(self.open_folder)
        self.cancel_button.clicked.connect(self._cancel_or_close)

        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)   # grows with the result text
        layout.addWidget(scope_box)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._inputs: list[QWidget] = [scope_box, *self.formats.values(), self.originals, self.bundle, self.folder,
                                       choose, self.tsa]

    # ---- choices -------------------------------------------------------------------------
    def scope(self) -> Scope:
        if self.scope_selected.isChecked():
            return Scope(items=tuple(self.selected_ids))
        if self.scope_incident.isChecked():
            return Scope(incident=self.incident.currentData())
        if self.scope_states.isChecked():
            return Scope(states=tuple(s for s, box in self.state_boxes.items() if box.isChecked()))
        return Scope()

    def options(self) -> ExportOptions:
        formats = tuple(f for f, box in self.formats.items() if box.isChecked())
        return ExportOptions(formats=formats, include_originals=self.originals.isChecked(),
                             bundle=self.bundle.isChecked(), tsa_url=self.tsa.text().strip() or None)

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Save the report in", self.folder.text())
        if folder:
            self.folder.setText(folder)

    # ---- running -------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._task is not None

    def start(self) -> None:
        scope, options, folder = self.scope(), self.options(), Path(self.folder.text().strip() or ".")
        if self.scope_states.isChecked() and not scope.states:
            return self._fail("Tick at least one state, or choose another scope.")
        settings.settings().setValue(TSA_KEY, options.tsa_url or "")
        root, actor = self.session.root, self.session.case.actor

        def work(ctx: TaskContext) -> ExportResult:
            with Case.open(root, actor=actor) as case:
                return export_report(case, scope, folder, options,
                                     progress=lambda label, done, total: ctx.report((label, done, total)),
                                     cancel=ctx.cancelled)

        self.error.hide()
        self.result = None
        self.open_button.hide()
        for widget in self._inputs:
            widget.setEnabled(False)
        self.export_button.setEnabled(False)
        self.cancel_button.setText("Cancel export")
        self.progress.setRange(0, 0)
        self.progress.show()
        self.status.setText("Starting…")
        self._task = self.session.runner.run(work, name="Exporting the report", serial=True,
                                             on_result=self._done, on_error=self._failed, on_progress=self._step)

    def _step(self, value: Any) -> None:
        label, done, total = value
        self.status.setText(STEP_LABELS.get(label, label).format(done=done + 1, total=total))
        if total > 1:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        else:
            self.progress.setRange(0, 0)

    def _done(self, result: ExportResult) -> None:
        self._finish()
        self.result = result
        self.session.notify_changed(now=True)
        stamp = {"stamped": f"timestamped at {result.timestamp_time}",
                 "request_only": "timestamp request saved (manifest.tsq)"}.get(result.timestamp, result.timestamp)
        self.status.setText(
            f"<b>Exported {result.item_count} item{'s' if result.item_count != 1 else ''}</b> to {result.path}<br>"
            f"manifest.json SHA-256: <tt>{result.manifest_sha256}</tt><br>"
            f"Recorded in the case as event {result.event_seq}; {stamp}.")
        if result.warnings:
            self.error.setText("\n".join(result.warnings))
            self.error.show()
        self.open_button.show()
        self.open_button.setFocus()
        self.cancel_button.setText("Close")
        self.adjustSize()

    def _failed(self, message: str, exc: Exception) -> None:
        self._finish()
        self._fail(str(exc) if str(exc) else message)

    def _fail(self, message: str) -> None:
        self.status.clear()
        self.error.setText(message)
        self.error.show()
        self.adjustSize()

    def _finish(self) -> None:
        self._task = None
        self.progress.hide()
        for widget in self._inputs:
            widget.setEnabled(True)
        self.formats["json"].setEnabled(False)
        self.scope_selected.setEnabled(bool(self.selected_ids))
        self.scope_incident.setEnabled(self.incident.count() > 0)
        self.export_button.setEnabled(True)
        self.cancel_button.setText("Close")

    def _cancel_or_close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self.status.setText("Cancelling…")
        else:
            self.reject()

    def reject(self) -> None:
        if self._task is not None:   # Esc while exporting cancels the export first
            self._task.cancel()
            return
        super().reject()

    def open_folder(self) -> None:
        if self.result is not None:
            folder = self.result.path if self.result.path.is_dir() else self.result.path.parent
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
