"""Play, pause, step and seek a video: a control bar over :class:`~verify_bench.media.player.FramePlayer`.

The frames come from a sandboxed worker process (the core player); this widget turns them into
QImages on the player's thread and hands them to the GUI thread through a queued signal.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QImage, QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QStyle, QToolButton, QWidget

from ...media.frames import Frame
from ...media.player import FramePlayer

SLIDER_STEPS_PER_SECOND = 100


class _Relay(QObject):
    """Carries the player's callbacks (on its own thread) to the GUI thread."""

    frame = Signal(QImage, float)
    state = Signal(bool)
    error = Signal(str)


class VideoControls(QWidget):
    """Play/pause (Space), previous/next frame (< and >), a position slider and the time shown."""

    frame_shown = Signal(QImage, float)
    error = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("video_controls")
        self.player: FramePlayer | None = None
        self._retired: list[FramePlayer] = []  # closed players whose threads may still be ending
        self._path = ""
        self._duration = 0.0
        self._relay = _Relay(self)
        self._relay.frame.connect(self._on_frame)
        self._relay.state.connect(self._on_state)
        self._relay.error.connect(self.error)
        style = self.style()
        self.back = QToolButton(icon=style.standardIcon(QStyle.StandardPixmap.SP_MediaSeekBackward),
                                toolTip="Previous frame (<)", objectName="previous_frame", autoRaise=True)
        self.play_button = QToolButton(icon=style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay),
                                       toolTip="Play every frame (Space)", objectName="play", autoRaise=True)
        self.forward = QToolButton(icon=style.standardIcon(QStyle.StandardPixmap.SP_MediaSeekForward),
                                   toolTip="Next frame (>)", objectName="next_frame", autoRaise=True)
        self.slider = QSlider(Qt.Orientation.Horizontal, objectName="position", toolTip="Drag to seek")
        self.time_label = QLabel(objectName="video_time")
        self.time_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.back.clicked.connect(lambda: self.step(-1))
        self.forward.clicked.connect(lambda: self.step(1))
        self.play_button.clicked.connect(self.toggle)
        self.slider.sliderReleased.connect(lambda: self.seek(self.slider.value() / SLIDER_STEPS_PER_SECOND))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        for w in (self.back, self.play_button, self.forward):
            layout.addWidget(w)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.time_label)

    def add_shortcuts(self, scope: QWidget) -> None:
        """Space, < and > work anywhere inside ``scope`` (the panel around the picture)."""
        for keys, slot in (("Space", self.toggle), ("<", lambda: self.step(-1)), (">", lambda: self.step(1))):
            QShortcut(QKeySequence(keys), scope, slot, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def set_video(self, path: str, duration_s: float | None) -> None:
        """Control the video at ``path`` (the worker starts only when it is first played or stepped)."""
        self.stop()
        self._path = path
        self._duration = duration_s or 0.0
        self.slider.setRange(0, int(self._duration * SLIDER_STEPS_PER_SECOND))
        self.slider.setValue(0)
        self._show_time(None)

    def stop(self, wait: float | None = None) -> None:
        """Stop playing and let the worker go (it ends with the player's thread).

        ``wait``: seconds to wait for every player thread this widget started to end (on closing
        the case); None returns at once (switching items must not block the window).
        """
        if self.player is not None:
            self.player.close()
            self._retired.append(self.player)
            self.player = None
        if wait is not None:
            for player in self._retired:
                player.close(wait)
            self._retired.clear()
        self._on_state(False)

    def toggle(self) -> None:
        if self.isEnabled() and self._path:
            self._player().toggle()

    def step(self, delta: int) -> None:
        if self.isEnabled() and self._path:
            self._player().step(delta)

    def seek(self, seconds: float) -> None:
        if self.isEnabled() and self._path:
            self._player().seek(seconds)

    def _player(self) -> FramePlayer:
        if self.player is None:
            relay = self._relay
            self.player = FramePlayer(
                self._path,
                on_frame=lambda f: relay.frame.emit(_qimage(f), f.time),
                on_state=relay.state.emit,
                on_error=relay.error.emit,
            )
        return self.player

    def _on_frame(self, image: QImage, seconds: float) -> None:
        if not self.slider.isSliderDown():
            self.slider.setValue(int(seconds * SLIDER_STEPS_PER_SECOND))
        self._show_time(seconds)
        self.frame_shown.emit(image, seconds)

    def _on_state(self, playing: bool) -> None:
        icon = QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
        self.play_button.setIcon(self.style().standardIcon(icon))
        self.play_button.setToolTip("Pause (Space)" if playing else "Play every frame (Space)")

    def _show_time(self, seconds: float | None) -> None:
        total = clock(self._duration) if self._duration else "?"
        self.time_label.setText(f"{'–' if seconds is None else clock(seconds)} / {total}")


def clock(seconds: float) -> str:
    """``m:ss.mmm`` (or ``h:mm:ss.mmm``): a frame's time to the millisecond."""
    minutes, rest = divmod(max(0.0, seconds), 60)
    hours, minutes = divmod(int(minutes), 60)
    return f"{hours}:{minutes:02d}:{rest:06.3f}" if hours else f"{minutes}:{rest:06.3f}"


def _qimage(frame: Frame) -> QImage:
    image = QImage(frame.rgb, frame.width, frame.height, 3 * frame.width, QImage.Format.Format_RGB888)
    return image.copy()  # own the pixels: ``frame.rgb`` goes away with the frame
