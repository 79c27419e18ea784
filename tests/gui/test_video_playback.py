"""Watching a video in the item view: play, pause, single-frame steps, seeking from the keyframe strip."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from tests.factory import grey_steps, make_video
from tests.gui.conftest import FAST
from verify_bench.case import Case
from verify_bench.ingest.pipeline import run_import


def _video_case(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    make_video(src / "clip.mp4", grey_steps(30), fps=10, gop=10, size=(160, 120))
    root = tmp_path / "video.vbcase"
    with Case.create(root, actor="tester") as case:
        run_import(case, [src], options=FAST)
    return root


def test_space_plays_every_frame_and_the_arrows_step_single_frames(window, qtbot, tmp_path: Path):
    assert window.open_case(_video_case(tmp_path))
    ws = window.workspace
    qtbot.waitUntil(lambda: ws.model.rowCount() == 1, timeout=5000)
    item_id = ws.model.item_row(0).id
    ws.browser.select_item(item_id)
    preview = ws.detail.preview
    qtbot.waitUntil(lambda: preview.video.isVisible() and preview.frames.count() > 0, timeout=10_000)
    controls = preview.video
    assert controls.time_label.text() == "– / 0:03.000"

    shown: list[float] = []
    controls.frame_shown.connect(lambda image, t: shown.append(t))
    controls.forward.click()  # the first frame
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=60_000)
    controls.forward.click()
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=10_000)
    assert shown == [0.0, 0.1] and controls.time_label.text() == "0:00.100 / 0:03.000"
    assert preview._image.size().toTuple() == (160, 120)

    window.activateWindow()  # shortcuts fire in the active window only
    qtbot.waitUntil(window.isActiveWindow)
    preview.viewer.setFocus()
    qtbot.keyClick(preview.viewer, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not controls.player.playing and len(shown) > 25, timeout=30_000)
    assert shown == sorted(shown) and shown[-1] == 2.9
    assert preview._times[preview.frames.currentRow()] <= 2.9 < preview._times[-1] + 1  # the strip followed
    assert preview.frames.currentRow() == len(preview._times) - 1
    assert controls.slider.value() == 290

    qtbot.keyClicks(preview.viewer, "<")
    qtbot.waitUntil(lambda: shown[-1] == 2.8, timeout=10_000)
    target = preview._times[2]
    preview.frames.setCurrentRow(2)  # a keyframe in the strip: its exact frame replaces the tile
    qtbot.waitUntil(lambda: shown[-1] == target, timeout=10_000)
    assert preview._image.size().toTuple() == (160, 120)
    window.close_case()
