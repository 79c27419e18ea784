"""Battery 2: hostile videos generated with PyAV, and HLS playlists that name a canary file outside
the import folder and a listener on 127.0.0.1 (as ``.m3u8``, renamed ``.mp4``/``.avi``/``.mov``, and
behind an ``ftyp`` or MPEG-TS sync bytes so that the sniffer takes them for video).

Figures as for stills; and the canary is never opened (its access time is checked on a mount
where a control read proves that access times are recorded), the listener gets no connection.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability._relia_support import (
    AtimeCanary,
    Listener,
    battery_import,
    new_case,
)
from tests.reliability._relia_video import CONTAINERS, make_video
from tests.reliability.conftest import full_or

pytest.importorskip("av")

TIME_LIMIT = 20.0


def test_hostile_videos_and_playlists(tmp_path: Path, record_figure):
    from tests.reliability._relia_video import hostile_videos

    outside = tmp_path / "outside"
    outside.mkdir()
    canary_bytes = make_video(outside / "made.ts", "mpegts", "klv")  # a real video: decodable if opened
    canary = AtimeCanary(outside / "canary.ts", canary_bytes)
    if not canary.works():
        pytest.skip("this mount does not record access times")
    listener = Listener()
    src = tmp_path / "in"
    src.mkdir()
    try:
        files = hostile_videos(tmp_path, full_or(6, 20), canary.path, listener.port)
        for name, data in files.items():
            (src / name).write_bytes(data)
        root = new_case(tmp_path / "c.vbcase")
        _, found, figures = battery_import(root, src, time_limit=TIME_LIMIT)
    finally:
        listener.close()

    assert not canary.read(), "a playlist made the importer open a file outside the import folder"
    assert listener.connections == 0, "a playlist made the importer connect to the network"
    control = _unguarded_open(src / "playlist.m3u8", canary, listener.port)
    for name, value in figures.items():
        record_figure("hostile_video", f"generated hostile videos and playlists: {name}", value)
    record_figure("hostile_video", "canary file outside the folder opened", "never (access time unchanged)")
    record_figure("hostile_video", "connections to the 127.0.0.1 listener", listener.connections)
    record_figure("hostile_video", "control: FFmpeg without our guards, given the same playlist", control)

    def outcome(name: str) -> str:
        return found.outcomes[bytes(src / name)][0]

    for ext in CONTAINERS:
        assert outcome(f"base.{ext}") == "imported:ok", (ext, outcome(f"base.{ext}"))  # extra track is harmless
        assert outcome(f"empty.{ext}") == "imported:problems:truncated", outcome(f"empty.{ext}")
    for ext in ("mp4", "mov"):
        assert outcome(f"no-moov.{ext}").split(":")[1] in ("problems", "failed"), outcome(f"no-moov.{ext}")
    for name in files:
        if name.startswith("cut-") and not name.endswith(".ts"):  # a TS cut between packets can be whole
            assert outcome(name).split(":")[1] in ("problems", "failed"), (name, outcome(name))
        if name.startswith("playlist"):
            assert outcome(name).startswith("imported:problems:"), (name, outcome(name))


def _unguarded_open(playlist: Path, canary: AtimeCanary, port: int) -> str:
    """Prove the canary and the listener would notice: open the playlist as FFmpeg does without guards."""
    import av

    listener = Listener()
    try:
        playlist.write_bytes(playlist.read_bytes().replace(f":{port}/".encode(), f":{listener.port}/".encode()))
        try:
            with av.open(str(playlist), options={"protocol_whitelist": "file,http,tcp"}) as container:
                frames = sum(1 for _ in container.decode(video=0))
        except av.FFmpegError:
            frames = 0
    finally:
        listener.close()
    assert canary.read() and listener.connections > 0, "the canary or the listener would not notice an open"
    return f"opened the canary ({frames} frames decoded) and connected {listener.connections} time(s)"
