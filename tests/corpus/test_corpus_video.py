"""analyze_video on the shared corpus videos (skipped when ../shared/corpus is absent)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.factory import pinned
from PIL import Image

from verify_bench.media.video import analyze_video

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
VIDEO = CORPUS / "video"
pytestmark = [pytest.mark.corpus, pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not present")]


def test_android_video_with_gps() -> None:
    a = analyze_video(str(VIDEO / "android-with-gps.mp4"), "mp4")
    assert a.problems == []
    fields = {f.field: f.value for f in a.fields}
    assert fields["gps_lat"] == pytest.approx(51.4169)
    assert fields["gps_lon"] == pytest.approx(-0.0806)
    assert "gps_alt" not in fields
    assert str(fields["creation_time"]).startswith("2017-02-22")
    assert fields["creation_time"] == "2017-02-22T08:20:28Z"
    assert fields["codec"] == "h264" and fields["rotation"] == 0
    assert (a.width, a.height) == (1920, 1080)
    assert a.duration == pytest.approx(0.17, abs=0.01)
    assert [h.frame_ts for h in pinned(a.hashes)] == [0.0, 0.0]
    assert Image.open(io.BytesIO(a.thumbnail_jpeg or b"")).size == (320, 180)
    raw = {(m.source, m.key): m.value for m in a.raw}
    assert raw[("container", "location")] == "+51.4169-000.0806/"
    assert raw[("container", "com.android.version")] == "6.0.1"


def test_mpeg4_sample_keyframes() -> None:
    a = analyze_video(str(VIDEO / "sample-mpeg4.mp4"), "mp4")
    assert a.problems == []
    fields = {f.field: f.value for f in a.fields}
    assert fields["codec"] == "mpeg4" and fields["frame_rate"] == 30
    assert fields["creation_time"] == "2005-10-28T17:46:46Z"
    assert (a.width, a.height) == (190, 240)
    times = sorted({h.frame_ts for h in a.hashes})
    assert times and set(times) <= {0.0, 1.0, 2.0, 3.0, 4.0}  # a keyframe every second; dark ones are left out
    strip = Image.open(io.BytesIO(a.strip_jpeg or b""))
    assert strip.height == 90 and strip.width >= 5 * 70


def test_truncated_android_video(tmp_path: Path) -> None:
    data = (VIDEO / "android-with-gps.mp4").read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) * 2 // 3])  # the moov box is at the end: nothing can be decoded
    a = analyze_video(str(cut), "mp4")
    assert [p.kind for p in a.problems] == ["truncated"]
    assert a.hashes == []
