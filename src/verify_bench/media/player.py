"""Playing and stepping through a video's frames on a thread of its own, decoded by a sandboxed worker.

:class:`FramePlayer` is the viewer's side of :mod:`.frames`: commands (:meth:`~FramePlayer.play`,
:meth:`~FramePlayer.pause`, :meth:`~FramePlayer.seek`, :meth:`~FramePlayer.step`) may come from any
thread; a private thread owns the :class:`~verify_bench.ingest.sandbox.WorkerPool` (a pool is driven
from one thread) and calls ``on_frame`` when each frame is due (at the frame's own pace while
playing), ``on_state`` when playing starts or stops, ``on_error`` when the worker fails. A decoder
slower than real time plays in slow motion rather than dropping frames: every frame is seen.
The worker starts with the first command, so opening a video costs nothing until it is played.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from ..ingest.sandbox import Message, TaskResult, WorkerPool
from .frames import EPSILON, Frame, decode_frames, worker_init

#: Seconds of video asked for at a time while playing (a pause or seek waits at most this long).
CHUNK_SECONDS = 0.25
TIME_LIMIT = 60.0
MEMORY_LIMIT = 2 * 2**30


class FramePlayer:
    def __init__(
        self,
        path: str,
        *,
        max_side: int = 1920,
        on_frame: Callable[[Frame], None],
        on_state: Callable[[bool], None] = lambda playing: None,
        on_error: Callable[[str], None] = lambda message: None,
    ) -> None:
        self.path = path
        self.max_side = max_side
        self.on_frame, self.on_state, self.on_error = on_frame, on_state, on_error
        self.duration: float | None = None
        self.rate: float | None = None
        self.current: float | None = None  # time of the frame last shown
        self._commands: queue.Queue[tuple[str, Any]] = queue.Queue()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._playing = False
        self._at_end = False

    # ---- commands (any thread) ------------------------------------------------------------
    def play(self) -> None:
        self._send("play")

    def pause(self) -> None:
        self._send("pause")

    def toggle(self) -> None:
        self._send("toggle")

    def seek(self, seconds: float) -> None:
        """Show the first frame at or after ``seconds`` (and stop playing)."""
        self._send("seek", max(0.0, seconds))

    def step(self, delta: int) -> None:
        """Show the next (``+1``) or previous (``-1``) frame (and stop playing)."""
        self._send("step", 1 if delta > 0 else -1)

    def close(self, wait: float | None = None) -> None:
        """Stop the thread and its worker; ``wait`` seconds for that at most (None: do not wait)."""
        if self._thread is None:
            return
        self._send("close")
        if wait is not None:
            self._thread.join(wait)

    @property
    def playing(self) -> bool:
        return self._playing

    def _send(self, command: str, arg: Any = None) -> None:
        if self._thread is None:
            if command == "close":
                return
            self._thread = threading.Thread(target=self._run, name="frame-player", daemon=True)
            self._thread.start()
        self._commands.put((command, arg))
        self._wake.set()

    # ---- the player's thread --------------------------------------------------------------
    def _run(self) -> None:
        try:
            with WorkerPool(decode_frames, workers=1, time_limit=TIME_LIMIT, memory_limit=MEMORY_LIMIT,
                            initializer=worker_init) as pool:
                self._loop(pool)
        except Exception as exc:  # noqa: BLE001 - a pool that cannot start is reported, not raised
            self._set_playing(False)
            self.on_error(f"cannot start the video decoder: {exc}")

    def _loop(self, pool: WorkerPool) -> None:
        pending: dict[str, Any] | None = None  # the latest still-unsent show request
        running: str | None = None  # "show" or "play": the kind of the task in the worker
        anchor: tuple[float, float] | None = None  # (wall clock, media time) while playing
        while True:
            idle = running is None and pending is None and not self._playing
            for command, arg in self._drain(block=idle):
                if command == "close":
                    return
                if command in ("seek", "step"):
                    self._set_playing(False)
                    pending = self._show_request(command, arg)
                elif command == "pause" or (command == "toggle" and self._playing):
                    self._set_playing(False)
                elif command in ("play", "toggle"):
                    if self._at_end:
                        pending, self._at_end = {"start": 0.0, "count": 1}, False
                    anchor = None
                    self._set_playing(True)
            if running is None:
                if pending is not None:
                    pool.submit({"path": self.path, "max_side": self.max_side, **pending})
                    running, pending = "show", None
                elif self._playing:
                    start = 0.0 if self.current is None else self.current + EPSILON
                    count = max(1, round((self.rate or 30.0) * CHUNK_SECONDS))
                    pool.submit({"path": self.path, "max_side": self.max_side, "start": start, "count": count})
                    running = "play"
            for event in pool.poll(timeout=0.05):
                if isinstance(event, Message) and isinstance(event.payload, Frame):
                    if running == "show":
                        self._show(event.payload)
                    elif self._playing:
                        anchor = anchor or (time.monotonic(), event.payload.time)
                        self._wait_until(anchor[0] + event.payload.time - anchor[1])
                        if self._playing and self._commands.empty():
                            self._show(event.payload)
                elif isinstance(event, TaskResult):
                    self._finished(event, running)
                    running = None

    def _show_request(self, command: str, arg: Any) -> dict[str, Any]:
        if command == "seek":
            return {"start": arg, "count": 1}
        if self.current is None:
            return {"start": 0.0, "count": 1}
        if arg > 0:
            return {"start": self.current + EPSILON, "count": 1}
        return {"before": self.current}

    def _finished(self, result: TaskResult, running: str | None) -> None:
        if result.outcome != "ok":
            self._set_playing(False)
            self.on_error(f"the video cannot be decoded here ({result.outcome}: {result.message})")
            return
        value = result.value
        self.duration, self.rate = value["duration"], value["rate"]
        if value.get("problem"):
            self.on_error(f"the video is damaged after {self.current or 0:.2f} s: {value['problem']}")
        if running == "play" and value["end"]:
            self._at_end = True
            self._set_playing(False)

    def _show(self, frame: Frame) -> None:
        self.current = frame.time
        self._at_end = False
        self.on_frame(frame)

    def _drain(self, *, block: bool) -> list[tuple[str, Any]]:
        commands = []
        try:
            commands.append(self._commands.get(block=block))
            while True:
                commands.append(self._commands.get_nowait())
        except queue.Empty:
            pass
        self._wake.clear()
        return commands

    def _wait_until(self, due: float) -> None:
        """Sleep until ``due`` (monotonic), waking early for a command."""
        delay = due - time.monotonic()
        if delay > 0:
            self._wake.wait(delay)

    def _set_playing(self, playing: bool) -> None:
        if playing != self._playing:
            self._playing = playing
            self.on_state(playing)
