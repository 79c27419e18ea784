"""Every frame of a stored video, for playback and frame stepping, decoded in a sandboxed worker.

Import decodes keyframes only (:mod:`.video`). Watching a video and stepping frame by frame needs
every frame, so a viewer asks a disposable worker (:class:`~verify_bench.ingest.sandbox.WorkerPool`,
under the same time and memory limits as import) for frames: decoding a hostile file can crash or
hang only that worker. FFmpeg is opened exactly as at import (``file`` protocol and the allowed
demuxers only).

The worker keeps the last video open and remembers where its decoder stands, so that consecutive
requests (playback asks for a short chunk at a time, a step asks for the next frame) continue
without seeking; any other request seeks to the keyframe before the wanted time and decodes forward.
Frames come back scaled by FFmpeg to at most ``max_side`` pixels and upright (rotation applied).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import av
from av.container import InputContainer
from av.video.frame import VideoFrame
from av.video.stream import VideoStream
from PIL import Image

from .video import _OPEN_OPTIONS, _TRANSPOSE, ALLOWED_DEMUXERS, _tag_rotation

#: Frames closer than this (seconds) count as the same time.
EPSILON = 1e-3


@dataclass(frozen=True)
class Frame:
    """One decoded frame: upright RGB pixels and its time from the stream's start."""

    time: float
    width: int
    height: int
    rgb: bytes  # width * height * 3 bytes, rows top to bottom


class FrameError(Exception):
    """The video cannot be opened or decoded for viewing."""


class _OpenVideo:
    """The worker's open video: container, stream and a decoder positioned after ``last_time``."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.container: InputContainer = av.open(path, options=dict(_OPEN_OPTIONS), metadata_errors="replace")
        if not set(self.container.format.name.split(",")) <= ALLOWED_DEMUXERS:
            self.container.close()
            raise FrameError(f"demuxer {self.container.format.name!r} is not allowed")
        stream = next((s for s in self.container.streams.video if s.codec_context is not None), None)
        if stream is None:
            self.container.close()
            raise FrameError("the file has no video stream")
        self.stream: VideoStream = stream
        self.start = stream.start_time or 0
        rate = stream.average_rate or stream.guessed_rate
        self.rate = float(rate) if rate else None
        self.duration = (self.container.duration / av.time_base if self.container.duration
                         else float(stream.duration * stream.time_base) if stream.duration else None)
        self.sar = float(stream.sample_aspect_ratio or 1)
        self.tag_rotation = _tag_rotation(stream.metadata.get("rotate", "")) or 0
        self.last_time: float | None = None
        self._frames: Iterator[VideoFrame] = self.container.decode(self.stream)

    def time_of(self, frame: VideoFrame) -> float:
        return round(float((frame.pts - self.start) * self.stream.time_base), 6)

    def frames_from(self, start: float) -> Iterator[tuple[float, VideoFrame]]:
        """Frames from about ``start`` on (earlier ones too: the caller skips them), continuing the
        decoder when it stands just before ``start``, else seeking to the keyframe before it."""
        if self.last_time is None or not self.last_time < start <= self.last_time + 1.0:
            self.seek(start)
        return self.decoded()

    def decoded(self) -> Iterator[tuple[float, VideoFrame]]:
        """The decoder's next frames, wherever it stands."""
        for frame in self._frames:
            if frame.pts is not None:
                self.last_time = self.time_of(frame)
                yield self.last_time, frame

    def seek(self, start: float) -> None:
        target = self.start + int(max(0.0, start) / self.stream.time_base)
        self.container.seek(target, stream=self.stream, backward=True, any_frame=False)
        self._frames = self.container.decode(self.stream)
        self.last_time = None

    def picture(self, frame: VideoFrame, max_side: int) -> Frame:
        rotation = (-frame.rotation) % 360 or self.tag_rotation
        w, h = frame.width * self.sar, float(frame.height)
        scale = min(1.0, max_side / max(w, h))
        out_w, out_h = max(1, round(w * scale)), max(1, round(h * scale))
        img = Image.fromarray(frame.reformat(width=out_w, height=out_h, format="rgb24").to_ndarray(), "RGB")
        if rotation in _TRANSPOSE:
            img = img.transpose(_TRANSPOSE[rotation])
        return Frame(self.time_of(frame), img.width, img.height, img.tobytes())

    def close(self) -> None:
        self.container.close()


_open: _OpenVideo | None = None


def _video(path: str) -> _OpenVideo:
    global _open
    if _open is None or _open.path != path:
        if _open is not None:
            _open.close()
            _open = None
        try:
            _open = _OpenVideo(path)
        except FrameError:
            raise
        except Exception as exc:  # noqa: BLE001 - any exception type is expected from a parser
            raise FrameError(f"cannot open the video: {type(exc).__name__}: {exc}") from exc
    return _open


def decode_frames(task: dict[str, Any], channel: Any) -> dict[str, Any]:
    """Worker task: send frames to the parent as :class:`Frame` messages.

    ``task``: ``path``, ``max_side`` and either ``start`` and ``count`` (the first ``count`` frames
    at or after ``start`` seconds) or ``before`` (the one frame just before that time, for stepping
    back). Returns ``sent``, ``end`` (the stream ended), ``duration`` and ``rate``.
    """
    video = _video(task["path"])
    sent, end = 0, True
    try:
        if "before" in task:
            before = task["before"]
            previous = None
            rate = video.rate or 30.0
            video.seek(max(0.0, before - 2.0 / rate))
            for t, frame in video.decoded():
                if t >= before - EPSILON:
                    end = False
                    break
                previous = frame
            if previous is not None:
                channel.send(video.picture(previous, task["max_side"]))
                sent = 1
            video.last_time = None  # the decoder stands past the frame shown: seek next time
        else:
            last = None  # the last frame before ``start``: shown when ``start`` is past the end
            for t, frame in video.frames_from(task["start"]):
                if t < task["start"] - EPSILON:
                    last = frame
                    continue
                channel.send(video.picture(frame, task["max_side"]))
                sent += 1
                if sent >= task["count"]:
                    end = False
                    break
            if not sent and last is not None:
                channel.send(video.picture(last, task["max_side"]))
                sent = 1
    except Exception as exc:  # noqa: BLE001 - any exception type is expected from a decoder
        global _open
        video.close()
        _open = None
        if sent:  # what was decoded before the damage was shown; the rest cannot be
            return {"sent": sent, "end": True, "duration": video.duration, "rate": video.rate,
                    "problem": f"{type(exc).__name__}: {exc}"}
        raise FrameError(f"cannot decode the video: {type(exc).__name__}: {exc}") from exc
    return {"sent": sent, "end": end, "duration": video.duration, "rate": video.rate}


def worker_init() -> None:
    """Import the decoder before the first request (a worker starts in a fresh interpreter)."""
    import av.video  # noqa: F401
