"""yt-dlp .info.json sidecars: finding, reading, bounding, refusing."""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path

import pytest

from verify_bench.media.analysis import FieldValue
from verify_bench.metadata.sidecars import (
    MAX_DESCRIPTION, SidecarError, SourceRecord, find_sidecar, read_info_json, sidecar_fields,
)

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "samples" / "reupload_1651239845.info.json"


def write(tmp_path: Path, obj: object, name: str = "clip.info.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(obj), encoding="utf-8")
    return path


def test_reads_the_bundled_sample() -> None:
    rec = read_info_json(SAMPLE)
    assert rec.webpage_url == "https://example.org/posts/1651239845"
    assert (rec.uploader, rec.uploader_id, rec.channel) == ("Example Channel", "example_channel", "Example Channel")
    assert rec.upload_date == "2022-04-29"
    assert rec.timestamp == "2022-04-29T13:44:05Z"
    assert (rec.extractor, rec.id, rec.duration) == ("generic", "1651239845", None)
    assert "formats" not in rec.raw and rec.raw["extractor_key"] == "Generic"
    json.dumps(asdict(rec), allow_nan=False)  # goes into an event payload


def test_fields_never_include_upload_time() -> None:
    rec = read_info_json(SAMPLE)
    fields = sidecar_fields(rec)
    assert FieldValue("author", "Example Channel", "sidecar") in fields
    assert {f.field for f in fields} == {"title", "description", "author"}
    assert all(f.source == "sidecar" for f in fields)


def test_huge_lists_dropped_texts_bounded_and_odd_values_tolerated(tmp_path: Path) -> None:
    path = write(tmp_path, {
        "id": 12345, "title": "  t  ", "description": "d" * (MAX_DESCRIPTION + 10), "uploader": None,
        "channel": "Chan", "upload_date": "20230231", "timestamp": "soon", "duration": 12.5,
        "formats": [{"url": "x"}] * 1000, "thumbnails": [], "automatic_captions": {"en": []},
        "requested_formats": [], "subtitles": {}, "heatmap": [], "like_count": 3, "is_live": False,
    })
    rec = read_info_json(path)
    assert (rec.id, rec.title, rec.upload_date, rec.timestamp, rec.duration) == ("12345", "t", None, None, 12.5)
    assert len(rec.description or "") == MAX_DESCRIPTION
    assert set(rec.raw) == {"id", "title", "description", "uploader", "channel", "upload_date", "timestamp",
                            "duration", "like_count", "is_live"}
    assert FieldValue("author", "Chan", "sidecar") in sidecar_fields(rec)  # no uploader: the channel


def test_non_finite_numbers_never_reach_the_record(tmp_path: Path) -> None:
    path = tmp_path / "x.info.json"
    path.write_text('{"duration": NaN, "timestamp": 1e999, "view_count": Infinity, "average_rating": -1e999}')
    rec = read_info_json(path)
    assert rec.duration is None and rec.timestamp is None
    json.dumps(asdict(rec), allow_nan=False)


@pytest.mark.parametrize(("content", "message"), [
    (b"{not json", "not valid JSON"),
    (b"\xff\xfe\x00garbage", "not valid JSON"),
    (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
    (b'"a string"', "holds a JSON str, not an object"),
    (b"[1, 2]", "holds a JSON list, not an object"),
    (b"", "not valid JSON"),
])
def test_bad_sidecars_raise_sidecar_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.info.json"
    path.write_bytes(content)
    with pytest.raises(SidecarError, match=message):
        read_info_json(path)


def test_oversize_sidecar_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, {"title": "x" * 5000})
    with pytest.raises(SidecarError, match="larger than 1000 bytes"):
        read_info_json(path, max_bytes=1000)
    assert isinstance(read_info_json(path, max_bytes=10_000), SourceRecord)


def test_find_sidecar_by_stem_or_full_name(tmp_path: Path) -> None:
    media = tmp_path / "clip.mp4"
    media.write_bytes(b"")
    assert find_sidecar(media) is None
    by_name = write(tmp_path, {}, "clip.mp4.info.json")
    assert find_sidecar(media) == by_name
    by_stem = write(tmp_path, {}, "clip.info.json")
    assert find_sidecar(media) == by_stem


def test_find_sidecar_ignores_links_and_folders(tmp_path: Path) -> None:
    media = tmp_path / "clip.mp4"
    (tmp_path / "clip.info.json").mkdir()
    target = write(tmp_path / "clip.info.json", {}, "elsewhere.json")
    os.symlink(target, tmp_path / "clip.mp4.info.json")
    assert find_sidecar(media) is None
