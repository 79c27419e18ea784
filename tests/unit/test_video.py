"""analyze_video on small clips made with PyAV: keyframes, rotation, metadata, truncation, playlists."""

from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from tests.factory import pinned
from PIL import Image

from verify_bench.media import video as video_module
from verify_bench.media.analysis import Analysis
from verify_bench.media.hashing import PIPELINE, hamming, hashes_for
from verify_bench.media.video import analyze_video, parse_iso6709

FPS = 16


def make_clip(
    path: Path,
    frames: int = 64,
    gop: int = 8,
    codec: str = "libx264",
    size: tuple[int, int] = (320, 240),
    rotation: float | None = None,
    options: dict[str, str] | None = None,
    metadata: dict[str, str] | None = None,
    dark_frames: int = 0,
) -> Path:
    """A moving test picture with a white block in its top-left corner; the first ``dark_frames`` are black."""
    w, h = size
    with av.open(str(path), "w", options=options or {}) as out:
        out.metadata.update(metadata or {})
        stream = out.add_stream(codec, rate=FPS)
        stream.width, stream.height = w, h
        stream.pix_fmt = "yuvj420p" if codec == "mjpeg" else "yuv420p"
        stream.codec_context.gop_size = gop
        if codec == "libx264":
            stream.codec_context.options = {"preset": "ultrafast", "keyint_min": str(gop), "sc_threshold": "0"}
        if rotation is not None:
            stream.set_display_rotation(rotation)
        yy, xx = np.mgrid[0:h, 0:w]
        for i in range(frames):
            rgb = np.zeros((h, w, 3), np.uint8)
            if i >= dark_frames:
                rgb[..., 0] = (xx + 4 * i) % w * 255 // w
                rgb[..., 1] = yy * 255 // h
                rgb[..., 2] = 60
                rgb[: h // 4, : w // 4] = 255
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            frame.pts, frame.time_base = i, Fraction(1, FPS)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def jpeg(data: bytes | None) -> Image.Image:
    assert data is not None
    img = Image.open(io.BytesIO(data), formats=["JPEG"])
    img.load()
    return img


def fields(a: Analysis) -> dict[str, object]:
    assert all(f.source == "container" for f in a.fields)
    return {f.field: f.value for f in a.fields}


def keyframe_times(a: Analysis) -> list[float]:
    return sorted({h.frame_ts for h in a.hashes if h.frame_ts is not None})


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("clips")
    make_clip(d / "gop8.mp4")
    make_clip(d / "gop8-faststart.mp4", options={"movflags": "faststart"})
    make_clip(d / "gop8.mkv")
    make_clip(d / "gop8.ts")
    return d


@pytest.mark.parametrize("name", ["gop8.mp4", "gop8.mkv", "gop8.ts"])
def test_keyframes_are_hashed_with_their_times(clips: Path, name: str) -> None:
    a = analyze_video(str(clips / name), None)
    assert a.problems == []
    assert a.media_type == "video"
    assert keyframe_times(a) == [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5]
    assert len(pinned(a.hashes)) == 16 and {h.algo for h in pinned(a.hashes)} == {"phash", "dhash"}
    assert all(h.pipeline == PIPELINE for h in pinned(a.hashes))
    assert a.duration == pytest.approx(4.0, abs=0.01)
    assert (a.width, a.height) == (320, 240)
    f = fields(a)
    assert f["codec"] == "h264" and f["frame_rate"] == FPS and f["rotation"] == 0
    assert not a.low_information
    assert jpeg(a.thumbnail_jpeg).size == (320, 240)
    strip = jpeg(a.strip_jpeg)
    assert strip.size == (8 * 120, 90)  # eight keyframes, each in its own tenth of the video


def test_format_is_the_demuxer_used(clips: Path) -> None:
    assert analyze_video(str(clips / "gop8.mp4"), None).format == "mov,mp4,m4a,3gp,3g2,mj2"
    assert analyze_video(str(clips / "gop8.mp4"), "mp4").format == "mp4"
    assert analyze_video(str(clips / "gop8.mkv"), "matroska").format == "matroska"


def test_keyframe_hashes_match_the_frame_itself(clips: Path) -> None:
    a = analyze_video(str(clips / "gop8.mp4"), "mp4")
    with av.open(str(clips / "gop8.mp4")) as c:
        first = next(c.decode(video=0)).to_image()
    ours = [h for h in pinned(a.hashes) if h.frame_ts == 0.0]
    for x, y in zip(ours, hashes_for(first, 0.0), strict=True):
        assert x.algo == y.algo and hamming(x.bits, y.bits) <= 4


def test_at_most_one_keyframe_per_half_second(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "gop2.mp4", gop=2)  # a keyframe every 0.125 s
    assert keyframe_times(analyze_video(str(clip), "mp4")) == [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5]


def test_keyframe_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(video_module, "MAX_KEYFRAMES", 3)
    a = analyze_video(str(make_clip(tmp_path / "c.mp4", gop=4)), "mp4")
    assert len(keyframe_times(a)) == 3
    assert keyframe_times(a) == sorted(keyframe_times(a))
    assert a.problems == []


def test_intra_only_codec(tmp_path: Path) -> None:
    a = analyze_video(str(make_clip(tmp_path / "mjpeg.avi", codec="mjpeg", gop=1)), "avi")
    assert a.problems == []
    assert keyframe_times(a) == [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5]


def test_mpeg4_part2(tmp_path: Path) -> None:
    a = analyze_video(str(make_clip(tmp_path / "m4.mp4", codec="mpeg4")), "mp4")
    assert a.problems == []
    assert fields(a)["codec"] == "mpeg4"
    assert keyframe_times(a) == [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5]


def test_display_rotation_is_applied(tmp_path: Path) -> None:
    # -90 degrees counter-clockwise in the display matrix: a phone held upright, shown turned 90 CW.
    a = analyze_video(str(make_clip(tmp_path / "rot.mp4", rotation=-90)), "mp4")
    assert a.problems == []
    assert fields(a)["rotation"] == 90
    assert (a.width, a.height) == (240, 320)
    t = jpeg(a.thumbnail_jpeg)
    assert t.size == (240, 320)
    # The white block in the stored top-left corner is shown top-right after a quarter turn clockwise.
    grey = np.asarray(t.convert("L"), float)
    assert grey[:60, -50:].mean() > 230 and grey[:60, :50].mean() < 200
    assert jpeg(a.strip_jpeg).height == 90


def test_black_frames_are_not_hashed_and_not_the_thumbnail(tmp_path: Path) -> None:
    a = analyze_video(str(make_clip(tmp_path / "fade.mp4", dark_frames=16)), "mp4")
    assert keyframe_times(a) == [1.0, 1.5, 2.0, 2.5, 3.0, 3.5]
    assert not a.low_information
    assert np.asarray(jpeg(a.thumbnail_jpeg).convert("L")).std() > 20


def test_all_black_video_is_low_information(tmp_path: Path) -> None:
    a = analyze_video(str(make_clip(tmp_path / "black.mp4", dark_frames=64)), "mp4")
    assert a.low_information
    assert keyframe_times(a) == [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5]
    assert a.thumbnail_jpeg is not None


def test_metadata(tmp_path: Path) -> None:
    tags = {
        "creation_time": "2020-01-02T03:04:05.000000Z",
        "location": "+40.6894-074.0447+010.000/",
        "com.apple.quicktime.make": "Apple",
        "com.apple.quicktime.model": "iPhone 12",
        "com.apple.quicktime.software": "14.2",
        "com.apple.quicktime.creationdate": "2020-01-02T05:04:05+0200",
        "title": "Harbour",
    }
    clip = make_clip(tmp_path / "meta.mp4", frames=16, options={"movflags": "use_metadata_tags"}, metadata=tags)
    a = analyze_video(str(clip), "mp4")
    assert a.problems == []
    f = fields(a)
    assert f["creation_time"] == "2020-01-02T03:04:05Z"
    assert (f["taken_at"], f["taken_at_offset"]) == ("2020-01-02T05:04:05", "+02:00")
    assert (f["gps_lat"], f["gps_lon"], f["gps_alt"]) == (40.6894, -74.0447, 10.0)
    assert (f["make"], f["model"], f["software"], f["title"]) == ("Apple", "iPhone 12", "14.2", "Harbour")
    raw = {(m.source, m.key): m.value for m in a.raw}
    assert raw[("container", "com.apple.quicktime.model")] == "iPhone 12"
    assert ("stream:0", "handler_name") in raw


@pytest.mark.parametrize("zero", ["1970-01-01T00:00:00.000000Z", "1904-01-01T00:00:00.000000Z"])
def test_unset_creation_time_is_not_a_field(tmp_path: Path, zero: str) -> None:
    # What a muxer writes when the camera clock was never set (FFmpeg's mov demuxer drops these itself).
    a = analyze_video(str(make_clip(tmp_path / "epoch.mkv", frames=8, metadata={"creation_time": zero})), None)
    assert "creation_time" not in fields(a)
    assert ("container", "creation_time", zero) in {(m.source, m.key, m.value) for m in a.raw}


def test_timecode_track_without_codec_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "tc.mov"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("mpeg4", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        stream.metadata["timecode"] = "01:00:00:00"  # the mov muxer adds a tmcd data track
        for i in range(16):
            frame = av.VideoFrame.from_ndarray(np.full((48, 64, 3), i * 12, np.uint8), format="rgb24")
            frame.pts, frame.time_base = i, Fraction(1, FPS)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    with av.open(str(path)) as c:
        assert any(s.type == "data" and s.codec_context is None for s in c.streams)
    a = analyze_video(str(path), "mov")
    assert a.problems == []
    assert a.hashes and any(m.source == "stream:1" for m in a.raw)


def test_audio_with_cover_art_has_no_video_to_analyse(tmp_path: Path) -> None:
    path = tmp_path / "song.m4a"
    with av.open(str(path), "w", format="mp4") as out:
        audio = out.add_stream("aac", rate=44100)
        cover = out.add_stream("mjpeg")
        cover.width, cover.height, cover.pix_fmt = 64, 64, "yuvj420p"
        cover.disposition = av.stream.Disposition.attached_pic
        picture = av.VideoFrame.from_ndarray(np.full((64, 64, 3), 128, np.uint8), format="rgb24")
        picture.pts, picture.time_base = 0, Fraction(1, 25)
        sound = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="fltp", layout="mono")
        sound.sample_rate, sound.pts = 44100, 0
        for packet in [*cover.encode(picture), *cover.encode(), *audio.encode(sound), *audio.encode()]:
            out.mux(packet)
    a = analyze_video(str(path), "mp4")
    assert [(p.kind, p.message) for p in a.problems] == [("unsupported", "no decodable video stream")]
    assert a.hashes == [] and a.thumbnail_jpeg is None


@pytest.mark.parametrize("fraction", [0.3, 0.6, 0.95])
def test_truncated_mp4_keeps_the_keyframes_before_the_cut(clips: Path, tmp_path: Path, fraction: float) -> None:
    data = (clips / "gop8-faststart.mp4").read_bytes()  # index first, so the samples before the cut are found
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: int(len(data) * fraction)])
    a = analyze_video(str(cut), "mp4")
    assert [p.kind for p in a.problems] == ["truncated"]
    times = keyframe_times(a)
    assert 0 < len(times) <= 8
    assert times == [0.5 * i for i in range(len(times))]
    assert a.thumbnail_jpeg is not None


@pytest.mark.parametrize("name", ["gop8.mp4", "gop8.mkv", "gop8.ts"])
def test_truncated_copies(clips: Path, tmp_path: Path, name: str) -> None:
    data = (clips / name).read_bytes()
    cut = tmp_path / name
    cut.write_bytes(data[: len(data) // 2 + 1])
    a = analyze_video(str(cut), None)
    assert [p.kind for p in a.problems] == ["truncated"], a.problems
    assert len(keyframe_times(a)) < 8


def test_undecodable_pictures_in_a_sound_container_are_corrupt(clips: Path, tmp_path: Path) -> None:
    data = bytearray((clips / "gop8-faststart.mp4").read_bytes())
    mdat = data.index(b"mdat") + 4
    data[mdat:] = bytes(len(data) - mdat)  # every sample still indexed, every byte of it zero
    path = tmp_path / "zeroed.mp4"
    path.write_bytes(bytes(data))
    a = analyze_video(str(path), "mp4")
    assert [p.kind for p in a.problems] == ["corrupt"]
    assert a.hashes == [] and a.thumbnail_jpeg is None
    assert (a.width, a.height, a.duration) == (320, 240, 4.0)  # what the container said is kept


@pytest.mark.parametrize("content", [b"", b"\x00" * 10, bytes(range(256)) * 40])
def test_garbage_is_reported_not_raised(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "junk.mp4"
    path.write_bytes(content)
    for fmt in ("mp4", None):
        a = analyze_video(str(path), fmt)
        assert len(a.problems) == 1 and a.problems[0].kind in {"corrupt", "truncated"}
        assert a.hashes == []


def test_missing_file_is_reported(tmp_path: Path) -> None:
    a = analyze_video(str(tmp_path / "gone.mp4"), "mp4")
    assert [p.kind for p in a.problems] == ["corrupt"]


@pytest.mark.parametrize("fmt", ["hls", "concat", "image2", "lavfi"])
def test_demuxers_outside_the_allow_list_are_refused(clips: Path, fmt: str) -> None:
    a = analyze_video(str(clips / "gop8.mp4"), fmt)
    assert [p.kind for p in a.problems] == ["unsupported"]
    assert a.hashes == []


def test_playlists_never_open_the_files_they_name(clips: Path, tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    canary = make_clip(tmp_path / "elsewhere" / "canary.ts", frames=16, gop=4)
    playlist = (
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n"
        f"#EXTINF:1.0,\n{canary}\n#EXT-X-ENDLIST\n"
    )
    m3u8 = tmp_path / "evidence" / "list.m3u8"
    m3u8.parent.mkdir()
    m3u8.write_text(playlist)
    # The attack is real: FFmpeg with default options follows the playlist and decodes the canary.
    with av.open(str(m3u8)) as c:
        assert c.format.name == "hls"
        assert sum(1 for _ in c.decode(video=0)) == 16
    named_mp4 = m3u8.with_suffix(".mp4")
    named_mp4.write_text(playlist)
    for path, fmt in ((m3u8, None), (named_mp4, None), (named_mp4, "mp4"), (m3u8, "mpegts")):
        a = analyze_video(str(path), fmt)
        assert a.hashes == [] and a.thumbnail_jpeg is None and a.duration is None
        assert [p.kind for p in a.problems] in (["unsupported"], ["corrupt"]), (path, fmt, a.problems)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+51.4169-000.0806/", (51.4169, -0.0806, None)),
        ("+40.6894-074.0447+010.000/", (40.6894, -74.0447, 10.0)),
        ("-33.8688+151.2093-5.5/", (-33.8688, 151.2093, -5.5)),
        (" +35.6895+139.6917/ ", (35.6895, 139.6917, None)),
        ("+4041.5-07402.5/", (40 + 41.5 / 60, -(74 + 2.5 / 60), None)),
        ("+404130-0740230/", (40 + 41 / 60 + 30 / 3600, -(74 + 2 / 60 + 30 / 3600), None)),
        ("+404130.5-0740230.5+10CRSWGS_84/", (40 + 41 / 60 + 30.5 / 3600, -(74 + 2 / 60 + 30.5 / 3600), 10.0)),
        ("+51.4169-000.0806", (51.4169, -0.0806, None)),
    ],
)
def test_parse_iso6709(text: str, expected: tuple[float, float, float | None]) -> None:
    lat, lon, alt = parse_iso6709(text)
    assert lat == pytest.approx(expected[0], abs=1e-9)
    assert lon == pytest.approx(expected[1], abs=1e-9)
    assert alt == expected[2]


@pytest.mark.parametrize(
    "text", ["", "abc", "+51.4169", "+91.0+000.0/", "+51.4-181.0/", "+4070.0-07402.5/", "+123456789+0/", "51.4-0.08/"]
)
def test_parse_iso6709_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_iso6709(text)
