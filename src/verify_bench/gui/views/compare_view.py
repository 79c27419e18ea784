"""Two items compared: side by side with zoom and pan following each other, overlaid, or flickering;
with the match evidence, and Confirm / Reject recorded as events."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QButtonGroup, QHBoxLayout, QLabel, QPushButton, QRadioButton, QSlider, QSplitter, QStackedWidget, QVBoxLayout,
    QWidget,
)

from ... import browse
from ...ingest.derived import strip_path
from ..formatting import human_size, short_time
from ..imaging import blurred, load_full
from ..session import CaseSession
from .image_viewer import ImageViewer

FLICKER_MS = 450


class CompareView(QWidget):
    def __init__(self, session: CaseSession, item_a: str, item_b: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compare_view")
        self.session = session
        self.items = [session.case.find_item(item_a), session.case.find_item(item_b)]
        self.title = "Compare: " + " ↔ ".join(i["display_name"][:18] for i in self.items)
        self.images = [QImage(), QImage()]
        self.viewers = [ImageViewer(), ImageViewer()]
        self.overlay = ImageViewer()
        self.overlay.setObjectName("overlay_viewer")
        for viewer, other in ((self.viewers[0], self.viewers[1]), (self.viewers[1], self.viewers[0])):
            viewer.view_changed.connect(other.follow)
        side = QSplitter(Qt.Orientation.Horizontal, objectName="compare_splitter")
        for i, viewer in enumerate(self.viewers):
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(QLabel(self._caption(i), textFormat=Qt.TextFormat.RichText, wordWrap=True))
            column.addWidget(viewer, 1)
            side.addWidget(box)
        self.stack = QStackedWidget()
        self.stack.addWidget(side)
        self.stack.addWidget(self.overlay)

        self.modes = QButtonGroup(self)
        mode_row = QHBoxLayout()
        for index, label in enumerate(("Side by side", "Overlay", "Flicker")):
            button = QRadioButton(label, objectName=f"mode_{label.split()[0].lower()}")
            self.modes.addButton(button, index)
            mode_row.addWidget(button)
        self.modes.button(0).setChecked(True)
        self.modes.idToggled.connect(self._on_mode)
        self.opacity = QSlider(Qt.Orientation.Horizontal, minimum=0, maximum=100, value=50, maximumWidth=160,
                               toolTip="How much of the second item shows through in Overlay mode")
        self.opacity.valueChanged.connect(lambda v: self.overlay.set_overlay_opacity(v / 100))
        mode_row.addWidget(QLabel("B over A:"))
        mode_row.addWidget(self.opacity)
        mode_row.addStretch(1)
        reveal = QPushButton("Reveal both", toolTip="Show blurred (sensitive) items for this session")
        reveal.clicked.connect(self._reveal)
        mode_row.addWidget(reveal)

        self.evidence = QLabel(objectName="match_evidence", wordWrap=True, textFormat=Qt.TextFormat.RichText)
        self.confirm = QPushButton("Same picture — confirm match", objectName="confirm_match")
        self.reject = QPushButton("Not the same — reject match", objectName="reject_match")
        self.confirm.clicked.connect(lambda: self._verdict("confirmed"))
        self.reject.clicked.connect(lambda: self._verdict("rejected"))
        verdict_row = QHBoxLayout()
        verdict_row.addWidget(self.evidence, 1)
        verdict_row.addWidget(self.confirm)
        verdict_row.addWidget(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(mode_row)
        layout.addWidget(self.stack, 1)
        layout.addLayout(verdict_row)

        self._flicker = QTimer(self, interval=FLICKER_MS)
        self._flicker.timeout.connect(self._flip)
        session.flags_changed.connect(self._show_images)
        self._show_evidence()
        for i in range(2):
            self._load(i)

    def _caption(self, i: int) -> str:
        item = self.items[i]
        taken = short_time(item["taken_at"] or item["creation_time"]) or "time unknown"
        return (f"<b>{'AB'[i]}: {item['display_name']}</b><br>{item['media_type']} · {human_size(item['size'])} · "
                f"taken {taken} · SHA-256 {item['sha256'][:12]}…")

    # ---- pictures -------------------------------------------------------------------------
    def _load(self, i: int) -> None:
        item, root = self.items[i], self.session.root
        path = root / item["stored_path"] if item["media_type"] == "image" else strip_path(root, item["sha256"])

        def done(result: tuple[QImage, str]) -> None:
            self.images[i] = result[0]
            self._show_images()

        self.session.runner.run(lambda ctx: load_full(path), name="Loading a picture to compare", on_result=done)

    def _shown(self, i: int) -> QImage:
        image = self.images[i]
        return blurred(image) if self.session.is_blurred(self.items[i]["id"]) else image

    def _show_images(self) -> None:
        for i in range(2):
            if not self.images[i].isNull():
                self.viewers[i].set_image(self._shown(i))
        if not self.images[0].isNull():
            self.overlay.set_image(self._shown(0))
            self.overlay.set_overlay(self._shown(1) if not self.images[1].isNull() else None, self.opacity.value() / 100)

    def _reveal(self) -> None:
        for item in self.items:
            self.session.reveal(item["id"])

    def _on_mode(self, mode: int, checked: bool) -> None:
        if not checked:
            return
        self.stack.setCurrentIndex(0 if mode == 0 else 1)
        self._flicker.stop()
        self.overlay.set_overlay_opacity(self.opacity.value() / 100)
        if mode == 2:
            self._flicker.start()

    def _flip(self) -> None:
        self.overlay.set_overlay_opacity(0.0 if self.overlay._overlay.opacity() > 0.5 else 1.0)  # noqa: SLF001

    # ---- evidence and decision -------------------------------------------------------------
    def _show_evidence(self) -> None:
        a, b = (i["id"] for i in self.items)
        lines = []
        if self.items[0]["sha256"] == self.items[1]["sha256"]:
            lines.append("identical bytes (same SHA-256)")
        for m in browse.hash_matches(self.session.case.conn, a, b):
            frames = "" if m.frame_a is None and m.frame_b is None else f" (A at {_ts(m.frame_a)}, B at {_ts(m.frame_b)})"
            lines.append(f"{m.algo} distance <b>{m.distance}</b>/64{frames}")
        if len(lines) == 0:
            lines.append("no perceptual hashes to compare (an item could not be decoded)")
        decided = browse.match_decision(self.session.case.conn, a, b)
        if decided:
            lines.append(f"<b>{decided['decision']}</b> by {decided['actor']} at {short_time(decided['at'])}")
        available = browse.duplicate_detection_available(self.session.case)
        for button in (self.confirm, self.reject):
            button.setEnabled(available)
            button.setToolTip("" if available else "Needs duplicate detection, which this build does not have yet")
        self.evidence.setText("Match evidence: " + " · ".join(lines))
        if available:
            self.session.write(lambda case: browse.pair_evidence(case, a, b), name="Reading match evidence",
                               on_done=self._on_pair_evidence, appends=False)

    def _on_pair_evidence(self, found: dict[str, Any] | None) -> None:
        if found:
            self.evidence.setText(self.evidence.text() + f" · detection: {found['kind']} match at distance "
                                  f"<b>{found['distance']}</b>")

    def _verdict(self, decision: str) -> None:
        a, b = (i["id"] for i in self.items)
        self.session.write(lambda case: browse.record_match_decision(case, a, b, decision),  # type: ignore[arg-type]
                           name="Recording the decision", on_done=lambda _r: self._show_evidence())

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self.modes.checkedId() == 2:
            self._flicker.start()

    def hideEvent(self, event: Any) -> None:
        self._flicker.stop()
        super().hideEvent(event)


def _ts(value: float | None) -> str:
    return "still" if value is None else f"{value:.2f} s"
