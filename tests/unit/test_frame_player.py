"""Playing and stepping through every frame of a video, decoded in a sandboxed worker."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from tests.factory import grey_steps, make_video
from verify_bench.media.frames import Frame
from verify_bench.media.player import FramePlayer


class Recorder:
    def __init__(self) -> None:
        self.frames: list[Frame] = []
        self.states: list[bool] = []
        self.errors: list[str] = []
        self.event = threading.Event()

    def frame(self, f: Frame) -> None:
        self.frames.append(f)
        self.event.set()

    def error(self, message: str) -> None:
        self.errors.append(message)
        self.event.set()

    def next(self, timeout: float = 60.0) -> None:
        assert self.event.wait(timeout), "nothing arrived from the player"
        self.event.clear()


@pytest.fixture
def player_on(tmp_path: Path):  # type: ignore[no-untyped-def]
    players = []

    def make(path: Path, rec: Recorder, **kw: object) -> FramePlayer:
        p = FramePlayer(str(path), on_frame=rec.frame, on_state=rec.states.append, on_error=rec.error, **kw)
        players.append(p)
        return p

    yield make
    for p in players:
        p.close(wait=10)


def level(f: Frame) -> int:
    return f.rgb[len(f.rgb) // 2]  # the grey level in the middle of the picture


def test_seek_and_step_show_exact_frames_forward_and_back(tmp_path: Path, player_on) -> None:
    make_video(tmp_path / "v.mp4", grey_steps(20), fps=10, gop=5)
    rec = Recorder()
    player = player_on(tmp_path / "v.mp4", rec)
    player.seek(0.72)  # between frames: the next one (0.8 s, frame 8) is shown
    rec.next()
    assert rec.frames[-1].time == pytest.approx(0.8) and abs(level(rec.frames[-1]) - 8 * 12) <= 5
    for _ in range(2):
        player.step(1)
        rec.next()
    assert [round(f.time, 3) for f in rec.frames] == [0.8, 0.9, 1.0]
    for _ in range(3):  # back across the keyframe at 1.0 s and the one at 0.5 s
        player.step(-1)
        rec.next()
    assert [round(f.time, 3) for f in rec.frames[3:]] == [0.9, 0.8, 0.7]
    assert abs(level(rec.frames[-1]) - 7 * 12) <= 5
    assert (rec.frames[-1].width, rec.frames[-1].height) == (64, 48)
    assert not rec.errors


def test_play_shows_every_frame_in_order_at_about_real_time_and_stops_at_the_end(tmp_path: Path, player_on) -> None:
    make_video(tmp_path / "v.mp4", grey_steps(15), fps=10, gop=4)
    rec = Recorder()
    player = player_on(tmp_path / "v.mp4", rec)
    player.seek(0.0)
    rec.next()
    started = time.monotonic()
    player.play()
    deadline = time.monotonic() + 60
    while (not rec.states or rec.states[-1]) and time.monotonic() < deadline:
        time.sleep(0.02)
    elapsed = time.monotonic() - started
    times = [round(f.time, 3) for f in rec.frames]
    assert times == [round(i / 10, 3) for i in range(15)]
    assert rec.states == [True, False]
    assert elapsed >= 1.3  # 14 frame intervals of 0.1 s: paced, not dumped
    assert player.duration == pytest.approx(1.5, abs=0.11)


def test_pause_stops_the_frames_and_a_step_back_at_the_first_frame_shows_nothing_new(tmp_path: Path, player_on) -> None:
    make_video(tmp_path / "v.mp4", grey_steps(60), fps=10)
    rec = Recorder()
    player = player_on(tmp_path / "v.mp4", rec)
    player.step(1)  # nothing shown yet: the first frame
    rec.next()
    assert rec.frames[-1].time == 0.0
    player.step(-1)
    time.sleep(1.0)
    assert len(rec.frames) == 1 and not rec.errors
    player.play()
    while len(rec.frames) < 5:
        rec.next()
    player.pause()
    time.sleep(0.5)
    count = len(rec.frames)
    time.sleep(0.5)
    assert len(rec.frames) == count < 60 and rec.states[-1] is False


def test_a_file_that_is_not_a_video_gives_an_error_and_no_frames(tmp_path: Path, player_on) -> None:
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 10)
    rec = Recorder()
    player = player_on(bad, rec)
    player.seek(0)
    rec.next()
    assert not rec.frames
    assert "cannot be decoded" in rec.errors[0] and "InvalidData" in rec.errors[0]


@pytest.mark.corpus
def test_a_phone_video_from_the_corpus_steps_and_shows_its_last_frame_for_a_time_past_the_end(
        corpus: Path, player_on) -> None:
    rec = Recorder()  # a 1080p clip of three frames: 0, 1/30 and 2/30 s
    player = player_on(corpus / "video" / "android-with-gps.mp4", rec, max_side=640)
    player.seek(0.02)
    rec.next()
    first = rec.frames[-1]
    assert first.time == pytest.approx(1 / 30, abs=1e-3) and (first.width, first.height) == (640, 360)
    assert len(first.rgb) == 640 * 360 * 3
    player.step(-1)
    rec.next()
    assert rec.frames[-1].time == 0.0
    assert player.rate and 29 <= player.rate <= 31
    player.seek(60.0)
    rec.next()
    assert rec.frames[-1].time == pytest.approx(2 / 30, abs=1e-3) and not rec.errors
