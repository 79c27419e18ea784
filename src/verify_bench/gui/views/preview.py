"""The picture of the selected item: full-resolution image, or a video's keyframes; blurred when sensitive."""

from __future__ import annotations

import bisect
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QRect, QSignalBlocker, QSize, Qt
from PySide6.QtGui import QIcon, QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QFrame, QHBoxLayout, QLabel, QListView, QListWidget, QListWidgetItem, QPushButton, QStackedWidget, QVBoxLayout,
    QWidget,
)

from ...ingest.derived import strip_path
from ..formatting import duration
from ..imaging import blurred, load_full
from ..session import CaseSession
from .image_viewer import ImageViewer
from .video_controls import VideoControls


def keyframe_times(details: dict[str, Any]) -> list[float]:
    return sorted({h["frame_ts"] for h in details["hashes"] if h["frame_ts"] is not None})


def split_strip(strip: QImage, count: int) -> list[QImage]:
    """Cut a horizontal keyframe strip into ``count`` equal tiles (the layout derived/strips uses)."""
    if strip.isNull() or count < 1:
        return []
    width = strip.width() // count
    return [strip.copy(QRect(i * width, 0, width, strip.height())) for i in range(count)] if width else [strip]


class PreviewPanel(QWidget):
    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.viewer = ImageViewer()
        self.viewer.viewport().installEventFilter(self)
        self.message = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True, objectName="preview_message")
        self.message.setStyleSheet("QLabel { color: palette(placeholder-text); padding: 24px; }")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.viewer)
        self.stack.addWidget(self.message)
        self.banner = QFrame(objectName="sensitive_banner")
        self.banner.setStyleSheet("#sensitive_banner { background: #7a4a00; } QLabel { color: white; }")
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.setContentsMargins(8, 4, 8, 4)
        banner_layout.addWidget(QLabel("Marked sensitive, so hidden. Click the picture or press R to reveal it for this session."), 1)
        self.reveal_button = QPushButton("Reveal")
        self.reveal_button.clicked.connect(self.reveal)
        banner_layout.addWidget(self.reveal_button)
        self.frames = QListWidget(objectName="keyframes", flow=QListView.Flow.LeftToRight, maximumHeight=96)
        self.frames.setIconSize(QSize(120, 68))
        self.frames.setViewMode(QListView.ViewMode.IconMode)
        self.frames.setWrapping(False)
        self.frames.currentRowChanged.connect(self._show_frame)
        self.frame_label = QLabel(objectName="frame_label")
        self.video = VideoControls()
        self.video.frame_shown.connect(self._on_video_frame)
        self.video.error.connect(self._on_video_error)
        self.video.add_shortcuts(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.banner)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.video)
        layout.addWidget(self.frame_label)
        layout.addWidget(self.frames)
        QShortcut(QKeySequence("R"), self, self.reveal, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("."), self, lambda: self.step(1), context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence(","), self, lambda: self.step(-1), context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._item_id: str | None = None
        self._image = QImage()
        self._blurred = QImage()  # made lazily, or by the loading thread for big pictures
        self._shown_hidden: bool | None = None
        self._frames: list[QImage] = []
        self._times: list[float] = []
        session.flags_changed.connect(self._apply_blur)
        self.clear("Select an item to see it here.")

    def clear(self, text: str) -> None:
        self._item_id = None
        self._image = QImage()
        self._blurred = QImage()
        self._shown_hidden = None
        self._frames = []
        self.viewer.set_image(None)
        self.message.setText(text)
        self.stack.setCurrentWidget(self.message)
        self.banner.hide()
        self.frames.clear()
        self.frames.hide()
        self.frame_label.hide()
        self.video.stop()
        self.video.hide()

    def show_item(self, details: dict[str, Any]) -> None:
        item = details["item"]
        self.clear("Loading the picture at full resolution…")
        self._item_id = item["id"]
        root = self.session.root
        if item["media_type"] == "image":
            self._load(lambda: self._read_image(root / item["stored_path"]), self._on_image)
        elif item["media_type"] == "video":
            self._times = keyframe_times(details)
            path = strip_path(root, item["sha256"])
            self.video.set_video(str(root / item["stored_path"]), item.get("duration"))
            self._load(lambda: self._read_strip(path), self._on_strip)
        else:
            self.message.setText(f"No preview for this kind of file ({item['mime'] or 'unknown type'}).\n"
                                 "Its bytes are preserved; see Provenance for its hashes.")

    def _load(self, fn: Any, on_result: Any) -> None:
        item_id = self._item_id
        self.session.runner.run(lambda ctx: (item_id, fn()), name="Loading the picture",
                                on_result=lambda r: on_result(*r[1]) if r[0] == self._item_id else None,
                                on_error=lambda message, exc: self.message.setText(message))

    @staticmethod
    def _read_image(path: Path) -> tuple[QImage, QImage, str]:
        """Full picture and its blurred twin, both made on the worker thread."""
        image, error = load_full(path)
        return image, blurred(image), error

    @staticmethod
    def _read_strip(path: Path) -> tuple[QImage, str]:
        if not path.is_file():
            return QImage(), "No keyframes were extracted from this video (see Provenance for problems)."
        image = QImage(str(path))
        return image, "" if not image.isNull() else "The keyframe strip cannot be read."

    def _on_image(self, image: QImage, blurred_image: QImage, error: str) -> None:
        if image.isNull():
            self.message.setText(error)
            return
        self._image, self._blurred = image, blurred_image
        self._apply_blur(force=True)

    def _on_strip(self, strip: QImage, error: str) -> None:
        if strip.isNull():
            self.message.setText(error)
            return
        self._frames = split_strip(strip, max(1, len(self._times)))
        self.frames.clear()
        for i, frame in enumerate(self._frames):
            label = duration(self._times[i]) if i < len(self._times) else str(i + 1)
            self.frames.addItem(QListWidgetItem(QIcon(QPixmap.fromImage(frame)), label))
        self.frames.show()
        self.frame_label.show()
        self.video.show()
        self.frames.setCurrentRow(0)

    # ---- keyframes ------------------------------------------------------------------------
    def step(self, delta: int) -> None:
        if self._frames:
            self.frames.setCurrentRow(max(0, min(len(self._frames) - 1, self.frames.currentRow() + delta)))

    def _show_frame(self, row: int) -> None:
        if 0 <= row < len(self._frames):
            self._image, self._blurred = self._frames[row], QImage()
            when = f" at {self._times[row]:.2f} s" if row < len(self._times) else ""
            self.frame_label.setText(f"  Keyframe {row + 1} of {len(self._frames)}{when}  —  press , or . to step"
                                     " through keyframes, < or > for single frames, Space to play")
            self._apply_blur(force=True)
            if row < len(self._times) and self.video.player is not None:
                self.video.seek(self._times[row])  # the exact frame, at full size, replaces the strip's tile

    def _on_video_frame(self, image: QImage, seconds: float) -> None:
        self._image, self._blurred = image, QImage()
        keyframe = bisect.bisect_right(self._times, seconds + 1e-3) - 1  # the strip follows the frame shown
        if keyframe >= 0 and keyframe != self.frames.currentRow():
            with QSignalBlocker(self.frames):
                self.frames.setCurrentRow(keyframe)
        self.frame_label.setText(f"  Frame at {seconds:.3f} s  —  , or . keyframes, < or > single frames, Space play")
        if self._item_id is not None and not self.session.is_blurred(self._item_id):
            self.viewer.set_image(image, keep_view=True)  # zoomed in on a detail, it stays there
            self.stack.setCurrentWidget(self.viewer)
        else:
            self._apply_blur(force=True)

    def _on_video_error(self, message: str) -> None:
        self.frame_label.setText(f"  {message}")

    # ---- blurring -------------------------------------------------------------------------
    def reveal(self) -> None:
        if self._item_id is not None:
            self.session.reveal(self._item_id)

    def _apply_blur(self, force: bool = False) -> None:
        if self._image.isNull() or self._item_id is None:
            return
        hidden = self.session.is_blurred(self._item_id)
        self.banner.setVisible(hidden)
        self.video.setEnabled(not hidden)  # a hidden video is not played
        if hidden and self.video.player is not None:
            self.video.player.pause()
        if force or hidden != self._shown_hidden:
            self._shown_hidden = hidden
            if hidden and self._blurred.isNull():
                self._blurred = blurred(self._image)
            self.viewer.set_image(self._blurred if hidden else self._image)
        self.stack.setCurrentWidget(self.viewer)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.MouseButtonPress and self.banner.isVisible():
            self.reveal()
            return True
        return super().eventFilter(watched, event)
