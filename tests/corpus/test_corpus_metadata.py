"""read_image_metadata against real files and exifread's reference dump (../shared/corpus/exif-samples)."""

from __future__ import annotations

import re
import time
from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

import pillow_heif
import pytest

from verify_bench.metadata.exif import read_image_metadata

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
SAMPLES = CORPUS / "exif-samples"
FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".tif": "TIFF", ".tiff": "TIFF", ".heic": "HEIF", ".heif": "HEIF"}
_DUMP_LINE = re.compile(r"(?P<key>(?:IFD \d+|\S+) \S+) \([^)]*\): (?P<value>.*)")

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def dump() -> dict[str, dict[str, str]]:
    """Dump sections by :func:`dump_key`: {"Image Make": "Canon", ...}."""
    if not (SAMPLES / "dump").is_file():
        pytest.skip("../shared/corpus/exif-samples is not present")
    sections: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    for line in (SAMPLES / "dump").read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("Opening: "):
            path = line.removeprefix("Opening: ").strip().removeprefix("exif-samples-master/")
            current = sections.setdefault(dump_key(Path(path)), {})
        elif m := _DUMP_LINE.fullmatch(line):
            current.setdefault(m["key"], m["value"])
    return sections


def read(path: Path) -> tuple[dict[str, Any], list[Any], list[Any]]:
    raw, fields, problems = read_image_metadata(path.read_bytes(), FORMATS[path.suffix.lower()])
    return {f.field: f.value for f in fields if f.source == "exif"}, raw, problems


def dump_key(relative: Path) -> str:
    """Lower case, without the extension: the dump says "iphone_13_pro_max.heif" for a ".HEIC" file."""
    return relative.with_suffix("").as_posix().lower()


def section(dump: dict[str, dict[str, str]], path: Path) -> dict[str, str] | None:
    return dump.get(dump_key(path.relative_to(SAMPLES)))


def expected_taken_at(tags: dict[str, str]) -> tuple[str | None, str | None]:
    """(wall-clock "YYYY-MM-DDTHH:MM:SS", sub-second digits) from the dump, most specific tag first."""
    for date, subsec in (("EXIF DateTimeOriginal", "EXIF SubSecTimeOriginal"),
                         ("EXIF DateTimeDigitized", "EXIF SubSecTimeDigitized"), ("Image DateTime", "EXIF SubSecTime")):
        try:
            dt = datetime.strptime(tags.get(date, "").strip()[:19], "%Y:%m:%d %H:%M:%S")
        except ValueError:
            continue
        digits = tags.get(subsec, "").strip()
        return dt.strftime("%Y-%m-%dT%H:%M:%S"), digits if digits.isdigit() else None
    return None, None


def dump_mismatches(path: Path, tags: dict[str, str]) -> list[str]:
    ours, _, _ = read(path)
    out = []
    for field, key in (("make", "Image Make"), ("model", "Image Model")):
        if ours.get(field) != (tags.get(key, "").strip() or None):
            out.append(f"{path.name}: {field} {ours.get(field)!r} != dump {tags.get(key)!r}")
    wall, digits = expected_taken_at(tags)
    taken = ours.get("taken_at")
    if (taken or "")[:19] != (wall or "") or (
            digits and abs(float(taken[19:] or 0) - float("0." + digits)) > 1e-9):
        out.append(f"{path.name}: taken_at {taken!r} != dump {wall!r} + {digits!r}")
    return out


def test_top_level_jpegs_match_the_dump(dump: dict[str, dict[str, str]]) -> None:
    files = sorted(SAMPLES.glob("jpg/*.jpg"))
    compared = [(p, section(dump, p)) for p in files if section(dump, p) is not None]
    mismatches = [m for p, tags in compared for m in dump_mismatches(p, tags)]  # type: ignore[arg-type]
    assert mismatches == []
    assert len(compared) == len(files) >= 20
    assert sum("Image Make" in tags for _, tags in compared) >= 17  # type: ignore[operator]


def test_tiffs_match_the_dump(dump: dict[str, dict[str, str]]) -> None:
    compared = [(p, section(dump, p)) for p in sorted(SAMPLES.glob("tiff/*.tiff")) if section(dump, p)]
    assert len(compared) >= 6
    assert [m for p, tags in compared for m in dump_mismatches(p, tags)] == []  # type: ignore[arg-type]


def dump_degrees(value: str, ref: str) -> float:
    """Independent conversion of the dump's "[43, 28, 281/100]" and "N"/"S"/"E"/"W"."""
    parts = [Fraction(p.strip()) for p in value.strip("[]").split(",")]
    degrees = float(sum(p / 60**i for i, p in enumerate(parts)))
    return -degrees if ref.strip() in ("S", "W") else degrees


def test_gps_photos_give_the_dumps_coordinates(dump: dict[str, dict[str, str]]) -> None:
    files = sorted(SAMPLES.glob("jpg/gps/*.jpg"))
    assert len(files) >= 9
    for path in files:
        tags = section(dump, path)
        assert tags is not None, path.name
        ours, _, problems = read(path)
        assert problems == [], path.name
        assert ours["gps_lat"] == pytest.approx(
            dump_degrees(tags["GPS GPSLatitude"], tags["GPS GPSLatitudeRef"]), abs=1e-5), path.name
        assert ours["gps_lon"] == pytest.approx(
            dump_degrees(tags["GPS GPSLongitude"], tags["GPS GPSLongitudeRef"]), abs=1e-5), path.name


def test_one_known_position_and_time() -> None:
    path = SAMPLES / "jpg" / "gps" / "DSCN0010.jpg"
    if not path.is_file():
        pytest.skip("../shared/corpus/exif-samples is not present")
    ours, _, _ = read(path)
    assert ours["gps_lat"] == pytest.approx(43.467448, abs=1e-5)
    assert ours["gps_lon"] == pytest.approx(11.885127, abs=1e-5)
    assert ours["taken_at"] == "2008-10-22T16:28:39" and ours["gps_time"] == "2008-10-23T14:27:07.240Z"
    assert "taken_at_offset" not in ours


def broken_files() -> list[Path]:
    return [*sorted(SAMPLES.glob("jpg/invalid/*.jpg")), *sorted(SAMPLES.glob("jpg/tests/*.jp*g")),
            SAMPLES / "jpg" / "corrupted.jpg"]


def test_broken_files_return_quickly_without_raising(dump: dict[str, dict[str, str]]) -> None:
    files = broken_files()
    assert len(files) >= 19
    for path in files:
        started = time.perf_counter()
        read(path)
        assert time.perf_counter() - started < 3, path.name
    _, _, problems = read(SAMPLES / "jpg" / "tests" / "30-type_error.jpg")
    assert [p.message for p in problems] == ["EXIF: Possibly corrupted IFD: EXIF"]


def test_heic_files_give_make_and_model(dump: dict[str, dict[str, str]]) -> None:
    files = sorted(p for p in SAMPLES.glob("heic/**/*") if p.suffix.lower() in (".heic", ".heif"))
    assert len(files) >= 5
    with_make = 0
    for path in files:
        ours, _, problems = read(path)
        assert problems == [], path.name
        tags = section(dump, path) or {}
        if "Image Make" in tags:
            with_make += 1
            assert (ours["make"], ours["model"]) == (tags["Image Make"].strip(), tags["Image Model"].strip())
    assert with_make >= 1
    ours, _, _ = read(SAMPLES / "heic" / "IMG_5195.HEIC")  # not in the dump
    assert (ours["make"], ours["model"], ours["taken_at_offset"]) == ("Apple", "iPhone 11 Pro Max", "-05:00")


def test_heic_falls_back_to_exifread_when_libheif_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    path = SAMPLES / "heic" / "IMG_5195.HEIC"
    if not path.is_file():
        pytest.skip("../shared/corpus/exif-samples is not present")

    def broken(*_: Any, **__: Any) -> None:
        raise RuntimeError("libheif says no")

    monkeypatch.setattr(pillow_heif, "open_heif", broken)
    ours, _, problems = read(path)
    assert (ours["make"], ours["model"]) == ("Apple", "iPhone 11 Pro Max") and problems == []


def test_xmp_samples_give_xmp_entries(dump: dict[str, dict[str, str]]) -> None:
    files = sorted(SAMPLES.glob("jpg/xmp/*.jpg"))
    assert len(files) >= 2
    for path in files:
        raw, fields, problems = read_image_metadata(path.read_bytes(), "JPEG")
        assert problems == [] and sum(e.source == "XMP" for e in raw) >= 20, path.name
    raw, fields, _ = read_image_metadata((SAMPLES / "jpg" / "xmp" / "BlueSquare.jpg").read_bytes(), "JPEG")
    xmp = {e.key: e.value for e in raw if e.source == "XMP"}
    assert xmp["xmp:CreatorTool"] == "Adobe Photoshop CS2 Macintosh"
    assert xmp["dc:subject"] == "XMP; Blue Square; test file; Photoshop; .jpg"
    got = {f.field: f.value for f in fields if f.source == "xmp"}
    assert (got["taken_at"], got["taken_at_offset"]) == ("2005-09-07T15:07:40", "-07:00")
    raw, _, _ = read_image_metadata((SAMPLES / "jpg" / "xmp" / "no_exif.jpg").read_bytes(), "JPEG")
    assert {e.source for e in raw} == {"XMP"}


def test_speed_per_jpeg(dump: dict[str, dict[str, str]]) -> None:
    files = sorted(SAMPLES.glob("jpg/**/*.jpg"))
    data = [p.read_bytes() for p in files]
    started = time.perf_counter()
    for d in data:
        read_image_metadata(d, "JPEG")
    per_file_ms = (time.perf_counter() - started) * 1000 / len(data)
    print(f"read_image_metadata: {per_file_ms:.2f} ms per JPEG over {len(data)} corpus files")
    assert per_file_ms < 25  # the hot path (details=False) takes about 1 ms
